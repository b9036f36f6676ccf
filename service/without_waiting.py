"""Work the event loop may do itself, because it never has to wait.

Handing a served shortlist to the thread pool costs more than making it: measured
in-process, about 1 ms of CPU for the hand-over between threads against 0.6 ms for the
work. So the event loop answers a shortlist itself, but only when nothing can stop it.
A lock another thread holds, another worker's changes to apply (which can take seconds)
or another connection's hold on the SQLite write lock would stop every request the
worker serves. Such work raises :class:`WouldWaitError` before it has written anything,
and the caller does it again on the thread pool, where waiting stops no one else. What
the loop may still do itself is CPU work of milliseconds, such as a shortlist the
engine has not kept.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class WouldWaitError(RuntimeError):
    """Going on would mean waiting for another thread or another writer."""


@contextmanager
def held_without_waiting(lock: threading.RLock, holder: str) -> Iterator[None]:
    """Hold ``lock`` if it is free this instant; :class:`WouldWaitError` if ``holder`` (what
    the lock guards, for the message) is busy in another thread."""
    if not lock.acquire(blocking=False):
        raise WouldWaitError(f"the {holder} is busy in another thread")
    try:
        yield
    finally:
        lock.release()
