"""Real Celery workers on a real broker, started from this process: for the end-to-end
worker test and the batch benchmark. The app's own settings stay as configured; only
this process's Celery app is pointed at the broker while the context lasts."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.db import connection

REPO = Path(settings.BASE_DIR)


def _drop_connection_pools(app) -> None:
    # Celery keeps producer pools per broker; without this the next task would go to
    # the broker configured before (or to a pool closed by the previous context).
    from kombu import pools

    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@contextlib.contextmanager
def broker_in_use(url: str) -> Iterator:
    """Send this process's tasks to ``url`` instead of running them in-process."""
    from consortium.celery import app

    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url")}
    app.conf.task_always_eager = False
    app.conf.broker_url = url
    _drop_connection_pools(app)
    app.control.purge()
    try:
        yield app
    finally:
        app.conf.update(saved)
        _drop_connection_pools(app)


def database_url() -> str:
    """The database this process uses (the test database under pytest), for a worker."""
    if connection.vendor != "postgresql":
        raise RuntimeError("workers in other processes need a shared database server: use PostgreSQL")
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@contextlib.contextmanager
def worker_running(*, broker: str, concurrency: int, max_tasks_per_child: int | None = None) -> Iterator:
    """A `celery worker` process with ``concurrency`` children, stopped on exit.

    Its banner and log go to a temporary file, so a benchmark's figures stay readable;
    ``wait_until`` quotes the file's tail if the worker dies."""
    env = {**os.environ, "CELERY_BROKER_URL": broker, "DATABASE_URL": database_url(),
           "CONSORTIUM_REPORTS_ROOT": str(settings.REPORTS_ROOT), "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT)}
    if max_tasks_per_child is not None:
        env["CELERY_WORKER_MAX_TASKS_PER_CHILD"] = str(max_tasks_per_child)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    log = tempfile.NamedTemporaryFile(prefix="celery-worker-", suffix=".log", delete=False)
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "consortium", "worker", "--pool=prefork",
         f"--concurrency={concurrency}", "--loglevel=warning", "--without-heartbeat", "--without-gossip",
         "--without-mingle"], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    process.log_path = Path(log.name)
    log.close()
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        process.log_path.unlink(missing_ok=True)


def wait_until(done, *, process, timeout: float, every: float = 0.2) -> bool:
    """Poll ``done()`` until true; False on timeout. Fails at once if the worker died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = process.log_path.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"the worker exited with status {process.returncode}:\n{tail}")
        if done():
            return True
        time.sleep(every)
    return done()
