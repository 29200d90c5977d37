"""The server lock: re-entrant, handed over first come, first served.

Requests hold it while they touch state. A long query does not hold it for its whole run:
it hands the lock over at its interruption points (``yield_turn``, ``pause``),
and a plain re-entrant lock would let the yielding thread take it straight back before
any waiting thread woke up. This lock queues the waiting threads and passes ownership to
the first of them on release, so a yield always lets every request that was already
waiting have its turn first.
"""

from __future__ import annotations

import asyncio
import threading
import time
from bisect import bisect_right
from collections import deque
from collections.abc import Callable
from types import TracebackType

__all__ = ["QUEUE_TIME_CUTS", "QueueTimes", "ServerLock", "wait_until"]

#: ArangoDB's request time distribution cuts (seconds), for ``/_admin/statistics``
QUEUE_TIME_CUTS = (0.01, 0.05, 0.1, 0.2, 0.5, 1.0)

_get_ident = threading.get_ident


class ServerLock:
    """A re-entrant lock with a FIFO hand-over (``with lock:``, ``acquire``, ``release``)."""

    __slots__ = ("_count", "_expected", "_mutex", "_owner", "_queue")

    def __init__(self) -> None:
        self._mutex = threading.Lock()  # guards the fields below, held for a few steps
        self._owner: int | None = None
        self._count = 0
        # threads waiting for the lock: (thread id, a lock released when it is theirs)
        self._queue: deque[tuple[int, threading.Lock]] = deque()
        # requests handed to a worker thread that have not asked for the lock yet
        self._expected = 0

    def acquire(self, blocking: bool = True) -> bool:
        me = _get_ident()
        if self._owner == me:  # re-entry: only this thread makes or unmakes itself owner
            self._count += 1
            return True
        with self._mutex:  # a free lock, taken here: no further call on every request
            if self._owner is None:
                self._owner = me
                self._count = 1
                return True
        return self._acquire(blocking, False)  # wait for its turn

    def _acquire(self, blocking: bool, first: bool) -> bool:
        me = _get_ident()
        with self._mutex:
            if self._owner == me:
                self._count += 1
                return True
            if self._owner is None:
                self._owner = me
                self._count = 1
                return True
            if not blocking:
                return False
            turn = threading.Lock()
            turn.acquire()
            if first:
                self._queue.appendleft((me, turn))
            else:
                self._queue.append((me, turn))
        turn.acquire()  # the releasing thread made us the owner before it let us go
        return True

    def release(self) -> None:
        if self._owner == _get_ident() and self._count > 1:  # leaving a re-entry (see acquire)
            self._count -= 1
            return
        with self._mutex:
            if self._owner != _get_ident():
                raise RuntimeError("cannot release un-acquired lock")
            self._count -= 1
            if self._count:
                return
            if self._queue:
                self._hand_over()
            else:
                self._owner = None

    def _hand_over(self) -> None:
        """With ``_mutex`` held: the next waiting thread owns the lock (or nobody does)."""
        if self._queue:
            owner, turn = self._queue.popleft()
            self._owner = owner
            self._count = 1
            turn.release()
        else:
            self._owner = None
            self._count = 0

    def __enter__(self) -> bool:
        return self.acquire()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()

    # ------------------------------------------------------------------ hand-over
    @property
    def contended(self) -> bool:
        """Whether some thread waits for the lock (a yield would let it in)."""
        return bool(self._queue)

    def owned(self) -> bool:
        """Whether the calling thread holds the lock."""
        return self._owner == _get_ident()

    def _release_save(self) -> int:
        """Let go of every level the calling thread holds; returns them for ``_acquire_restore``
        (the protocol ``threading.Condition`` uses)."""
        with self._mutex:
            if self._owner != _get_ident():
                raise RuntimeError("cannot release un-acquired lock")
            count = self._count
            self._hand_over()
            return count

    def _acquire_restore(self, count: int, first: bool = False) -> None:
        self._acquire(True, first)
        with self._mutex:
            self._count = count

    def yield_turn(self, everyone: bool = True) -> None:
        """Let the threads already waiting go first (``everyone=False``: only the first of
        them), then continue; a no-op when none wait or the caller does not hold the lock."""
        if self._queue and self._owner == _get_ident():
            self._acquire_restore(self._release_save(), first=not everyone)

    def expect(self) -> None:
        """A request is on its way to a worker thread (it will ask for the lock soon)."""
        with self._mutex:
            self._expected += 1

    def arrived(self) -> None:
        """The expected request reached its worker thread (it asks for the lock next)."""
        with self._mutex:
            if self._expected:
                self._expected -= 1

    @property
    def expected(self) -> bool:
        """Whether a request is on its way to a worker thread."""
        return bool(self._expected)

    def share_turn(self, patience: float) -> None:
        """Let the next request in before going on, as one arriving at the same moment on
        another server thread would run alongside: waits up to ``patience`` seconds for a
        request already on its way to ask for the lock, then lets the first waiter go."""
        if self._owner != _get_ident():
            return
        if not self._queue and self._expected:
            until = time.monotonic() + patience
            while not self._queue and self._expected and time.monotonic() < until:
                time.sleep(0.0001)
        if self._queue:
            self.yield_turn(everyone=False)

    def _is_owned(self) -> bool:
        return self.owned()

    def pause(self, seconds: float) -> None:
        """Sleep without the lock (every level of it), then take it back."""
        saved = self._release_save()
        try:
            time.sleep(seconds)
        finally:
            self._acquire_restore(saved)


WAIT_POLL = 0.001  # how often a thread waiting for a collection or key lock looks again


def can_wait(lock: ServerLock) -> bool:
    """Whether the calling thread may wait for another request to let go of something: it
    holds the server lock (so it can hand it over) and is no event loop (which would stop
    the very requests it waits for)."""
    if not lock.owned():
        return False
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return True
    return False


def wait_until(lock: ServerLock, ready: Callable[[], bool], timeout: float | None) -> bool:
    """Wait, letting other requests run, until ``ready()`` (checked with the lock held) or
    ``timeout`` seconds passed (None: no limit); returns ``ready()``'s last answer. A
    caller that cannot wait (see :func:`can_wait`) gets the first answer."""
    if ready():
        return True
    if not can_wait(lock):
        return False
    until = None if timeout is None else time.monotonic() + timeout
    while until is None or time.monotonic() < until:
        lock.pause(WAIT_POLL)
        if ready():
            return True
    return False


class QueueTimes:
    """How long requests waited for a worker thread: the last wait in whole milliseconds
    (ArangoDB's last low-priority dequeue time, sent as ``x-arango-queue-time-seconds``)
    and the distribution ``/_admin/statistics`` reports as ``client.queueTime``."""

    __slots__ = ("count", "counts", "header", "last_ms", "total")

    def __init__(self) -> None:
        self.last_ms = 0
        #: ``last_ms`` as the header's text (formatted once per change, read per response)
        self.header = _seconds(0)
        self.count = 0
        self.total = 0.0
        self.counts = [0] * (len(QUEUE_TIME_CUTS) + 1)

    def add(self, waited: float) -> None:
        if not waited:  # answered at once (the inline path): nothing but the counts changes
            self.count += 1
            self.counts[0] += 1
            if self.last_ms:
                self.last_ms = 0
                self.header = _seconds(0)
            return
        ms = int(waited * 1000)
        if ms != self.last_ms:
            self.last_ms = ms
            self.header = _seconds(ms)
        self.count += 1
        self.total += waited
        self.counts[bisect_right(QUEUE_TIME_CUTS, waited)] += 1

    def distribution(self) -> dict[str, object]:
        return {"sum": self.total, "count": self.count, "counts": list(self.counts)}


def _seconds(ms: int) -> str:
    """Whole milliseconds as ArangoDB writes the queue-time header: seconds, six decimals."""
    return f"{ms / 1000:.6f}"
