"""Load run on the member portal: N logged-in users for D seconds against gunicorn.

    .venv/bin/python scripts/load_portal.py [--users 20] [--duration 60] [--max-requests 20000]

It migrates and seeds a scratch database (PostgreSQL when DATABASE_URL is set or one
answers on 127.0.0.1:5432, else SQLite), starts gunicorn on 127.0.0.1 with production
settings, logs each virtual user in as a member's staff or mayor, and has them read
their portal pages until the time or the request budget runs out. Only 127.0.0.1 is
ever contacted. It prints the request count, errors and latency percentiles, and exits
1 if there were errors or the 95th percentile reached 300 ms.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PORT = 8765
TARGET_P95_MS = 300
ACCOUNTS = [("ina-staff", "113018"), ("ina-mayor", "113018"), ("miyoshi-staff", "113247"), ("miyoshi-mayor", "113247")]


def database_url() -> str:
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=1).close()
    except OSError:
        return f"sqlite:///{REPO / 'var' / 'load.sqlite3'}"
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-c", "DROP DATABASE IF EXISTS consortium_load"],
                   capture_output=True)
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-c", "CREATE DATABASE consortium_load"],
                   capture_output=True, check=True)
    return "postgres://postgres@127.0.0.1:5432/consortium_load"


def server_env(url: str) -> dict:
    return {**os.environ, "DATABASE_URL": url, "DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": "load-test-" + "x" * 40,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1", "DJANGO_SECURE_SSL_REDIRECT": "false", "DJANGO_LOG_LEVEL": "WARNING",
            "CONSORTIUM_DEMO": "true",
            "DJANGO_STATIC_ROOT": str(REPO / "var" / "static")}


def log_in(username: str) -> str:
    """Log in through the real form (CSRF and all) and return the session cookie."""
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
    connection.request("GET", "/accounts/login/")
    response = connection.getresponse()
    page = response.read().decode()
    if response.status != 200:
        raise SystemExit(f"login page answered {response.status}: {page[:300]}")
    csrf_cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie")).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = f"csrfmiddlewaretoken={token}&username={username}&password=demo-pass-2026"
    connection.request("POST", "/accounts/login/", body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrf_cookie}",
        "Referer": f"http://127.0.0.1:{PORT}/accounts/login/"})
    response = connection.getresponse()
    response.read()
    session = re.search(r"sessionid=([^;]+)", response.getheader("Set-Cookie") or "")
    if response.status != 302 or not session:
        raise SystemExit(f"could not log in as {username}: {response.status}")
    return session.group(1)


def user_loop(session: str, code: str, deadline: float, budget: list[int], latencies: list[float],
              errors: list[str], lock: threading.Lock) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
    paths = [f"/bodies/{code}/", f"/bodies/{code}/costs/"]
    index = 0
    while time.monotonic() < deadline:
        with lock:
            if budget[0] <= 0:
                return
            budget[0] -= 1
        path = paths[index % len(paths)]
        index += 1
        start = time.perf_counter()
        try:
            connection.request("GET", path, headers={"Cookie": f"sessionid={session}"})
            response = connection.getresponse()
            response.read()
            status = response.status
        except OSError as error:
            status, connection = f"{type(error).__name__}", http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
        elapsed = (time.perf_counter() - start) * 1000
        with lock:
            latencies.append(elapsed)
            if status != 200:
                errors.append(f"{path}: {status}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--max-requests", type=int, default=20000)
    parser.add_argument("--workers", type=int, default=3)
    options = parser.parse_args()

    url = database_url()
    env = server_env(url)
    python = sys.executable
    (REPO / "var").mkdir(exist_ok=True)
    for command in (["migrate", "--noinput", "-v0"], ["seed_demo", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([python, "manage.py", *command], cwd=REPO, env=env, check=True)
    server = subprocess.Popen(
        [str(Path(python).parent / "gunicorn"), "consortium.wsgi", "--bind", f"127.0.0.1:{PORT}",
         "--workers", str(options.workers), "--log-level", "warning"], cwd=REPO, env=env)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", PORT), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        sessions = {username: log_in(username) for username, _ in ACCOUNTS}
        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        budget = [options.max_requests]
        deadline = time.monotonic() + options.duration
        threads = []
        for number in range(options.users):
            username, code = ACCOUNTS[number % len(ACCOUNTS)]
            threads.append(threading.Thread(target=user_loop, args=(
                sessions[username], code, deadline, budget, latencies, errors, lock)))
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(timeout=10)

    ordered = sorted(latencies)
    p95 = ordered[int(len(ordered) * 0.95) - 1] if ordered else float("nan")
    print(f"database: {url.split(':')[0]}; gunicorn workers: {options.workers}; users: {options.users}; "
          f"{wall:.0f} s")
    print(f"requests: {len(latencies)} ({len(latencies) / wall:.0f}/s); errors: {len(errors)}")
    print(f"latency ms: median {statistics.median(ordered):.0f}, p95 {p95:.0f}, max {ordered[-1]:.0f}")
    verdict = not errors and p95 < TARGET_P95_MS
    print(f"target: no errors and p95 < {TARGET_P95_MS} ms — {'OK' if verdict else 'MISSED'}")
    for error in errors[:10]:
        print("  error:", error)
    return 0 if verdict else 1


if __name__ == "__main__":
    sys.exit(main())
