"""Two requests at once, as a double click or two secretariats make them: the first holds
its transaction open while the second runs on a connection of its own."""

import threading

import pytest
from django.db import connection, transaction


def needs_row_locks() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("two requests at once need PostgreSQL (SQLite writes one at a time)")


def second_while_first_is_uncommitted(first, second, *, pause: float = 0.5):
    """Run ``first()`` in a transaction left open, then ``second()`` beside it; commit the
    first after ``pause`` seconds (the second waits for it if it takes a lock the first
    holds). The second's result, or its exception raised here."""
    held, release, outcome = threading.Event(), threading.Event(), {}

    def first_request():
        try:
            with transaction.atomic():
                first()
                held.set()
                release.wait(timeout=10)
        finally:
            held.set()
            connection.close()

    def second_request():
        try:
            outcome["result"] = second()
        except Exception as error:  # handed to the test
            outcome["error"] = error
        finally:
            connection.close()

    one = threading.Thread(target=first_request)
    one.start()
    held.wait(timeout=10)
    two = threading.Thread(target=second_request)
    two.start()
    two.join(timeout=pause)
    release.set()
    one.join()
    two.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("result")
