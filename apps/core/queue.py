"""Handing work to the Celery workers when the broker may not answer."""

from __future__ import annotations

import logging
from collections.abc import Callable

from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def send_to_workers(task, calls: list[tuple], *, not_taken: Callable[[list[tuple]], None]) -> None:
    """Hand ``task`` to the broker once for each of ``calls`` (its arguments). When the
    broker does not answer, that call and the ones after it go to ``not_taken``, which
    records them failed, to be tried again from the page, instead of a server error and
    work waiting for a worker that will never hear of it."""
    for index, arguments in enumerate(calls):
        try:
            task.delay(*arguments)
        except OperationalError:
            logger.exception("%s %s: the broker did not take them", task.name, calls[index:])
            not_taken(calls[index:])
            return
