"""The public status check's rate limits, checked once per request in one storage round trip.

Two limits guard the check (config STATUS_RATE_LIMIT_CLIENT, default 10/minute per client
address; STATUS_RATE_LIMIT_CODE, default 5/minute and 30/day per tracking code). Through
Flask-Limiter's decorators they cost one Redis round trip per window (three) plus the extension's
per-request bookkeeping, about half of the whole check's server time (bench/status_load.py).
Here all windows are counted at once:

* on Redis (RATELIMIT_STORAGE_URI ``redis://`` / ``rediss://`` / ``redis+unix://``, the
  production setting with several workers) by one Lua script run with EVALSHA: it increments
  every window in order and stops at the first one over its limit, returning that window and its
  time to live — the fixed-window semantics of Flask-Limiter's default strategy (``limits``'
  FixedWindowRateLimiter: increment, then compare; stop at the first breach);
* on any other storage (``memory://``, the default for a single process, and the tests) or
  another strategy than fixed-window, through the ``limits`` library's public API on
  Flask-Limiter's own storage (``limiter.limiter.hit``), window by window, as before.

The counters' keys are the ones Flask-Limiter wrote for the same limits (``RateLimitItem.key_for``
of the key prefix, the key and the endpoint, under the ``limits`` Redis prefix ``LIMITS:``), so
both ways count in the same place and the operator's tools see the same keys.

A view whose windows are counted here is marked :func:`counted_here` (as well as
``@limiter.exempt``): Flask-Limiter's own per-request hook is not run for it (:func:`init_app`
puts a wrapper in its place among the app's before-request hooks). For an exempt view that hook
only resolves the view's limits to find none, and it cost about a twentieth of the status
check's server time.
"""
from __future__ import annotations

import hashlib
import os
import time
from functools import lru_cache
from typing import Any, Callable

from flask import Flask, current_app, request
from limits import RateLimitItem, parse_many
from limits.storage import RedisStorage
from werkzeug.exceptions import TooManyRequests

from subsidy.config import STATUS_CODE_LIMIT_DEFAULT
from subsidy.extensions import limiter

EXTENSION = "subsidy.status_limits"
ENDPOINT = "public.status"

# KEYS[i]: the counter of window i; ARGV[2i-1]: its limit, ARGV[2i]: its length in seconds.
# Increment in order; a new counter gets its window's expiry; the first window over its limit
# ends the script (later windows are not counted, as with Flask-Limiter's fail-on-first-breach)
# and its number and time to live (seconds) are returned. {0, 0}: every window had room.
_LUA = """
for i = 1, #KEYS do
  local n = redis.call('INCR', KEYS[i])
  if n == 1 then redis.call('EXPIRE', KEYS[i], ARGV[2 * i]) end
  if n > tonumber(ARGV[2 * i - 1]) then
    return {i, redis.call('TTL', KEYS[i])}
  end
end
return {0, 0}
"""
_REDIS_SCHEMES = ("redis://", "rediss://", "redis+unix://")


class StatusLimits:
    """The status check's windows for one app: ``check(client, code_key)`` counts one try."""

    def __init__(self, app: Flask) -> None:
        cfg = app.config
        self.enabled = bool(cfg.get("RATELIMIT_ENABLED", True))
        self.prefix = cfg.get("RATELIMIT_KEY_PREFIX") or ""
        # What comes before a window's key (client address or "code:<code>") in its identifiers:
        # Flask-Limiter's key prefix, when one is set.
        self._head: tuple[str, ...] = (self.prefix,) if self.prefix else ()
        uri = cfg.get("RATELIMIT_STORAGE_URI") or "memory://"
        fixed = (cfg.get("RATELIMIT_STRATEGY") or "fixed-window") == "fixed-window"
        self._pool = None
        # Connections not in use, the last returned last: each check takes one and gives it back
        # once its reply is read (list.pop and list.append are atomic, so threads never share one).
        self._idle: list[Any] = []
        self._pid = os.getpid()
        if fixed and uri.startswith(_REDIS_SCHEMES):
            import redis

            options = cfg.get("RATELIMIT_STORAGE_OPTIONS") or {}
            # The client is kept (dropping it would close its pool), for its pool's connection
            # settings (the URI's and the options'): connections are made from them here.
            self._redis = redis.Redis.from_url(uri.replace("redis+unix://", "unix://", 1), **options)
            self._pool = self._redis.connection_pool
            self._sha = hashlib.sha1(_LUA.encode(), usedforsecurity=False).hexdigest()

    def check(self, client: str, code_key: str) -> None:
        """Count one try of ``client`` (its address) on ``code_key`` in every window; raise
        werkzeug's TooManyRequests (429) with ``retry_after`` (seconds until the broken window
        resets, at least 1) when one is over its limit. Storage errors propagate (a 500), as
        with Flask-Limiter's defaults: the check never runs unguarded."""
        if not self.enabled:
            return
        ordered = _ordered(code_limit(), client_limit())
        if self._pool is not None:
            keys = [f"{RedisStorage.PREFIX}:{item.key_for(*self._head, code_key if of_code else client, ENDPOINT)}"
                    for item, of_code in ordered]
            broken, ttl = self._evalsha(keys, _script_args(ordered))
            if broken:
                raise TooManyRequests(retry_after=max(1, int(ttl)))
            return
        strategy = limiter.limiter
        for item, of_code in ordered:
            ids = (*self._head, code_key if of_code else client, ENDPOINT)
            if not strategy.hit(item, *ids):
                reset = strategy.get_window_stats(item, *ids).reset_time
                raise TooManyRequests(retry_after=max(1, int(reset - time.time())))

    def _evalsha(self, keys: list[str], args: list[Any]) -> list[int]:
        """Run the script (EVALSHA) on an idle connection and return its reply. A server that does
        not know the script (restarted, SCRIPT FLUSH) gets it loaded first; a broken connection
        (Redis restarted, the server closed an idle one, a timeout) is dropped and the command sent
        once more on a new one; any other error propagates. Sent on a connection of this object's
        own: redis-py's client layer around one command (retries with back-off, operation
        metrics) and its pool's checkout (a lock, connection metrics, a poll of the socket) cost
        about as much as the round trip itself (bench/status_load.py)."""
        from redis.exceptions import ConnectionError, TimeoutError  # noqa: A004

        try:
            return self._evalsha_once(keys, args)
        except (ConnectionError, TimeoutError):
            return self._evalsha_once(keys, args)

    def _connection(self) -> Any:
        """An idle connection, or a new one (connected) made with the pool's settings. In a forked
        process (gunicorn's workers when the app is preloaded) the parent's are forgotten, never
        shared."""
        if self._pid != os.getpid():
            self._idle, self._pid = [], os.getpid()
        try:
            return self._idle.pop()
        except IndexError:
            conn = self._pool.connection_class(**self._pool.connection_kwargs)
            conn.connect()
            return conn

    def _evalsha_once(self, keys: list[str], args: list[Any]) -> list[int]:
        from redis.exceptions import NoScriptError

        conn = self._connection()
        try:
            try:
                conn.send_command("EVALSHA", self._sha, len(keys), *keys, *args)
                reply = conn.read_response()
            except NoScriptError:
                conn.send_command("SCRIPT", "LOAD", _LUA)
                conn.read_response()
                conn.send_command("EVALSHA", self._sha, len(keys), *keys, *args)
                reply = conn.read_response()
        except BaseException:
            # A connection error, a timeout, or anything that may have left a reply unread: the
            # connection is closed, never used again.
            conn.disconnect()
            raise
        self._idle.append(conn)
        return reply


def client_limit() -> str:
    """The per-client limit string (config STATUS_RATE_LIMIT_CLIENT, e.g. "10/minute")."""
    return current_app.config.get("STATUS_RATE_LIMIT_CLIENT") or "10/minute"


def code_limit() -> str:
    """The per-code limit string (config STATUS_RATE_LIMIT_CODE, e.g. "5/minute;30/day")."""
    return current_app.config.get("STATUS_RATE_LIMIT_CODE") or STATUS_CODE_LIMIT_DEFAULT


@lru_cache(maxsize=16)
def _ordered(code: str, client: str) -> tuple[tuple[RateLimitItem, bool], ...]:
    """(item, is a per-code window) for both limit strings in the order they are counted: shortest
    window first, the code's before the client's for the same length (a stable sort: Flask-Limiter's
    order for the decorators they replace)."""
    both = [(i, True) for i in parse_many(code)] + [(i, False) for i in parse_many(client)]
    return tuple(sorted(both, key=lambda p: p[0].GRANULARITY.seconds * p[0].multiples))


def counted_here(view: Callable) -> Callable:
    """Mark ``view`` as one whose limits :func:`check` counts (``view.limits_counted_here``); returns
    it. Flask-Limiter's per-request hook is then skipped for it, so a ``@limiter.limit`` of the
    app, a blueprint or a default would not apply: use it only on views that are
    ``@limiter.exempt`` and call :func:`check` themselves."""
    view.limits_counted_here = True  # type: ignore[attr-defined]
    return view


def _unless_counted_here(app: Flask, hook: Callable[[], Any]) -> Callable[[], Any]:
    """Flask-Limiter's before-request ``hook``, not run for a view marked :func:`counted_here`."""

    def flask_limiter_check() -> Any:
        view = app.view_functions.get(request.endpoint or "")
        if getattr(view, "limits_counted_here", False):
            return None
        return hook()

    return flask_limiter_check


@lru_cache(maxsize=16)
def _script_args(ordered: tuple[tuple[RateLimitItem, bool], ...]) -> list[Any]:
    """The script's ARGV for the windows of :func:`_ordered`: each one's limit and length (seconds).
    Kept, as _ordered's tuples are: the caller passes the list on and never changes it."""
    args: list[Any] = []
    for item, _of_code in ordered:
        args += [item.amount, item.get_expiry()]
    return args


def init_app(app: Flask) -> None:
    """Build the app's StatusLimits (after Flask-Limiter's init_app, whose storage it may use), and
    wrap Flask-Limiter's before-request hook so that it skips the views marked
    :func:`counted_here`. Raises ValueError if Flask-Limiter did not install that hook (a version
    that checks limits another way: this module must then be told how to skip it)."""
    app.extensions[EXTENSION] = StatusLimits(app)
    hooks = app.before_request_funcs.setdefault(None, [])
    at = hooks.index(limiter._check_request_limit)
    hooks[at] = _unless_counted_here(app, hooks[at])


def check(client: str, code_key: str) -> None:
    """Count one status check try for the current app; see :meth:`StatusLimits.check`."""
    current_app.extensions[EXTENSION].check(client, code_key)
