"""An in-process rate-limit storage for Flask-Limiter: ``memory-sweep://``.

The ``memory://`` storage of the ``limits`` library starts a new ``threading.Timer`` thread 10 ms
after every hit whenever the previous one has ended, to drop expired counters; under steady
traffic that is a thread start (and a scan of every key) about every 10 ms per process, which
measured ~3 ms of each rate-limited request (bench/status_load.py). This subclass keeps the same
counters and semantics but sweeps inline, at most once per ``SWEEP_SECONDS``, in whichever
request comes first; an expired fixed-window counter is already ignored when read, so the sweep
only frees memory.

Like ``memory://`` the counters live in one process: with several gunicorn workers each has its
own budget, so production with more than one worker should set RATELIMIT_STORAGE_URI to Redis
(redis://host:6379/0), which shares the counters.

Importing this module registers the scheme (limits' storage registry, keyed by STORAGE_SCHEME).
"""
from __future__ import annotations

import threading
import time
from typing import Any

from limits.storage import MemoryStorage

SWEEP_SECONDS = 1.0


class SweepingMemoryStorage(MemoryStorage):
    """``memory-sweep://``: MemoryStorage with an inline, rate-limited expiry sweep (no threads)."""

    STORAGE_SCHEME = ["memory-sweep"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: Any) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.timer.cancel()  # the parent's first timer: not needed
        self._next_sweep = time.monotonic() + SWEEP_SECONDS
        self._sweeping = threading.Lock()

    def _MemoryStorage__schedule_expiry(self) -> None:  # overrides the parent's private hook
        now = time.monotonic()
        if now < self._next_sweep or not self._sweeping.acquire(blocking=False):
            return
        try:
            self._next_sweep = now + SWEEP_SECONDS
            self._MemoryStorage__expire_events()
        finally:
            self._sweeping.release()
