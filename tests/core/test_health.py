"""/healthz, the container's health check: the app answers and reaches what it needs — the
database, and where configured the shared cache (sessions, throttles) and the Celery broker —
or says which it cannot reach (503, plain text), within a few seconds."""

import os
import socket
import threading
import time
from unittest import mock

import pytest
from django.db import OperationalError
from django.urls import reverse

pytestmark = pytest.mark.django_db

REDIS = os.environ.get("TEST_CELERY_BROKER_URL", "")
needs_redis = pytest.mark.skipif(not REDIS.startswith("redis://"), reason="needs Redis (TEST_CELERY_BROKER_URL)")
NOBODY_LISTENS = "redis://127.0.0.1:1/0"


def redis_cache(settings, url):
    settings.CACHE_URL = url
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url,
                                   "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2}}}


def health(client):
    response = client.get(reverse("healthz"))
    assert response["Content-Type"].startswith("text/plain")
    return response.status_code, response.content.decode()


def test_all_well_is_ok(client):
    assert health(client) == (200, "ok")


def test_a_database_it_cannot_reach_is_named(client):
    with mock.patch("apps.core.health.connection.cursor", side_effect=OperationalError("connection refused")):
        status, text = health(client)
    assert status == 503 and "database" in text and "cache" not in text


def test_a_shared_cache_it_cannot_reach_is_named(client, settings):
    redis_cache(settings, NOBODY_LISTENS)
    status, text = health(client)
    assert status == 503 and "cache" in text and "database" not in text
    assert "127.0.0.1" not in text  # addresses are for the log, not a public page


@needs_redis
def test_a_shared_cache_that_answers_is_ok(client, settings):
    redis_cache(settings, REDIS)
    assert health(client) == (200, "ok")


def test_a_broker_it_cannot_reach_is_named(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER, settings.CELERY_BROKER_URL = False, NOBODY_LISTENS
    status, text = health(client)
    assert status == 503 and "broker" in text


@needs_redis
def test_a_broker_that_answers_is_ok(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER, settings.CELERY_BROKER_URL = False, REDIS
    assert health(client) == (200, "ok")


@pytest.fixture
def silent_server():
    """Accepts connections and never answers, as a hung Redis does."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    accepted = []
    threading.Thread(target=lambda: accepted.extend(server.accept() for _ in range(4)), daemon=True).start()
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    server.close()


def test_a_cache_and_broker_that_hang_are_reported_within_seconds(client, settings, silent_server):
    redis_cache(settings, silent_server)
    settings.CELERY_TASK_ALWAYS_EAGER, settings.CELERY_BROKER_URL = False, silent_server
    started = time.monotonic()
    status, text = health(client)
    assert status == 503 and "cache" in text and "broker" in text
    assert time.monotonic() - started < 8
