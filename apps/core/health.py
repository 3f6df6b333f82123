"""What /healthz checks: each part the app needs to serve a page or queue a task — the
database, and where the deployment configures them the shared cache (sessions, throttles)
and the Celery broker. Each check raises when its part does not answer."""

import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from kombu import Connection

# Seconds a part may take to answer: a hung Redis must not hang the container's check.
TIMEOUT = 2


def database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def shared_cache() -> None:
    # A key of its own per check: two workers checking at once must not read each other's.
    key, token = f"healthz:{secrets.token_hex(8)}", secrets.token_hex(8)
    cache.set(key, token, timeout=30)
    try:
        if cache.get(key) != token:
            raise RuntimeError("the cache did not return what was set in it")
    finally:
        cache.delete(key)


def broker() -> None:
    with Connection(settings.CELERY_BROKER_URL, connect_timeout=TIMEOUT,
                    transport_options={"socket_timeout": TIMEOUT, "socket_connect_timeout": TIMEOUT}) as broker:
        broker.ensure_connection(max_retries=0)


def checks() -> dict:
    """The parts this deployment has, by the name a failure is reported under."""
    parts = {"database": database}
    if settings.CACHE_URL:
        parts["cache"] = shared_cache
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        parts["broker"] = broker
    return parts
