"""Which process holds a job's claim, and whether that process is gone.

A worker's pool process killed mid-render (the OOM killer, ``kill -9``) leaves its job
marked running; the broker gives the task back at once. Whoever receives it can tell the
claimant is dead only if it sees the same processes: the same host name (a container's own)
and the same PID namespace (containers may share a host name, never their processes).
"""

from __future__ import annotations

import os
import socket


def _place() -> str:
    try:
        namespace = os.readlink("/proc/self/ns/pid")
    except OSError:  # not Linux: the host name alone
        namespace = ""
    return f"{socket.gethostname()} {namespace}"


def identity(pid: int | None = None) -> str:
    """This process (or ``pid`` on this host) as a claim records it."""
    return f"{_place()} {pid or os.getpid()}"


def is_here(claimant: str) -> bool:
    """Whether the claimant's process would be visible from this one."""
    place, _, pid = claimant.rpartition(" ")
    return place == _place() and pid.isdigit()


def is_gone(claimant: str) -> bool:
    """True only when the claimant's process is known not to exist: one elsewhere, or one
    recorded before claims named their process, cannot be known gone. A pid reused since
    reads as alive, which errs on the side of rendering nothing twice."""
    if not is_here(claimant):
        return False
    pid = int(claimant.rpartition(" ")[2])
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, someone else's
        return False
    return False
