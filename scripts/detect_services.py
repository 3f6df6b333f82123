"""Print shell exports for the services the test suite should use.

PostgreSQL is used when DATABASE_URL is set or a server answers on 127.0.0.1:5432;
Redis (for the real Celery worker tests) when one answers on 127.0.0.1:6379.
With ``--require`` it exits 1 unless both are reachable (CI always tests the real stack).
"""

import os
import shlex
import socket
import sys


def answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def main() -> int:
    exports = {}
    database = os.environ.get("DATABASE_URL")
    if not database and answers("127.0.0.1", 5432):
        database = "postgres://postgres@127.0.0.1:5432/consortium"
    if database:
        exports["DATABASE_URL"] = database
    broker = os.environ.get("TEST_CELERY_BROKER_URL")
    if not broker and answers("127.0.0.1", 6379):
        broker = "redis://127.0.0.1:6379/15"
    if broker:
        exports["TEST_CELERY_BROKER_URL"] = broker
    if "--require" in sys.argv:
        missing = [name for name, key in (("PostgreSQL", "DATABASE_URL"), ("Redis", "TEST_CELERY_BROKER_URL"))
                   if not exports.get(key, "").startswith(("postgres", "redis"))]
        if missing:
            print(f"echo 'not reachable: {', '.join(missing)}' >&2; exit 1")
            return 1
    for key, value in exports.items():
        print(f"export {key}={shlex.quote(value)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
