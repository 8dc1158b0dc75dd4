"""The status check's limits on the real Redis server (127.0.0.1:6379): every window counted in one
round trip (one EVALSHA, the Lua script of web/status_limits.py), the broken window's time to live
sent as Retry-After, and the same answers as the library's memory storage for the same tries."""
from __future__ import annotations

import threading
import uuid
from typing import Any

import pytest

from subsidy import create_app
from tests.conftest import _empty_all_tables
from tests.web.test_public_status import REDIS_URL, check

redis = pytest.importorskip("redis")


@pytest.fixture
def redis_conn() -> Any:
    conn = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        conn.ping()
    except redis.exceptions.ConnectionError as err:
        pytest.skip(f"Redis is not reachable at 127.0.0.1:6379 ({err}); CI runs these tests with Redis")
    yield conn
    conn.close()


def _app(app_config: dict, **extra: Any) -> Any:
    from subsidy.extensions import limiter

    limiter._key_prefix = ""  # the shared Limiter keeps the first prefix it saw; start clean
    return create_app(dict(app_config, **extra))


@pytest.fixture
def limited(app_config: dict, redis_conn: Any) -> Any:
    """A factory of apps counting in Redis under a key prefix unique to the test (keys removed)."""
    prefix = f"subsidy-test-{uuid.uuid4().hex}"
    apps = []

    def make(**extra: Any) -> Any:
        app = _app(app_config, RATELIMIT_STORAGE_URI=REDIS_URL, RATELIMIT_KEY_PREFIX=prefix, **extra)
        apps.append(app)
        return app

    yield make, prefix
    from subsidy.extensions import limiter

    for key in redis_conn.scan_iter(match=f"*{prefix}*"):
        redis_conn.delete(key)
    limiter._key_prefix = ""
    for app in apps:
        _empty_all_tables(app.extensions["subsidy.engine"])
        app.extensions["subsidy.engine"].dispose()


def test_one_round_trip_per_status_check(limited, redis_conn):
    """MONITOR shows every command the server runs: for one status check, the commands naming this
    test's keys that a client sent (not the script) are exactly one EVALSHA, carrying all three
    windows' keys (per client a minute; per code a minute and a day)."""
    make, prefix = limited
    app = make()
    client = app.test_client()
    check(client, "NXPEZZZZAB", "5678")  # loads the script (SCRIPT LOAD / EVAL) once, not counted
    seen: list[str] = []
    sentinel = f"end-{prefix}"
    ready = threading.Event()

    def listen() -> None:
        with redis_conn.monitor() as mon:
            ready.set()
            for cmd in mon.listen():
                if sentinel in cmd["command"]:
                    return
                if prefix in cmd["command"] and cmd.get("client_type") != "lua":
                    seen.append(cmd["command"])

    t = threading.Thread(target=listen, daemon=True)
    t.start()
    ready.wait(5)
    other = redis.Redis.from_url(REDIS_URL)
    other.ping()  # MONITOR starts listening only once its reply came back: give it a moment
    assert check(client, "NXPEZZZZAC", "5678").status_code == 404
    other.echo(sentinel)
    t.join(10)
    other.close()
    assert len(seen) == 1, seen
    assert seen[0].upper().startswith("EVALSHA")
    assert seen[0].count(prefix) == 3
    assert "code:NXPEZZZZAC" in seen[0] and "/1/minute" in seen[0] and "/1/day" in seen[0]


def test_a_broken_day_window_says_tomorrow_and_its_retry_after(limited):
    """3 tries a day on one code (from fresh clients, 5 a minute): the 4th is refused with the
    day window's time to live, more than 20 hours, as Retry-After and the "ngày mai" sentence."""
    make, _ = limited
    app = make(STATUS_RATE_LIMIT_CODE="5/minute;3/day")
    client = app.test_client()
    statuses = [check(client, "NXPEZZZZAD", "5678", environ_base={"REMOTE_ADDR": f"198.51.100.{i + 1}"}).status_code
                for i in range(3)]
    assert statuses == [404, 404, 404]
    resp = check(client, "NXPEZZZZAD", "5678", environ_base={"REMOTE_ADDR": "198.51.100.9"})
    assert resp.status_code == 429
    assert 20 * 3600 < int(resp.headers["Retry-After"]) <= 86400
    assert "Hãy thử lại vào ngày mai" in resp.get_data(as_text=True)


def test_a_broken_minute_window_retry_after_is_at_most_a_minute(limited):
    make, _ = limited
    app = make(STATUS_RATE_LIMIT_CLIENT="2/minute")
    client = app.test_client()
    assert [check(client, f"NXPEZZZZB{'ABC'[i]}", "5678").status_code for i in range(3)] == [404, 404, 429]
    resp = check(client, "NXPEZZZZB9", "5678")
    assert resp.status_code == 429 and 1 <= int(resp.headers["Retry-After"]) <= 60


def test_redis_and_memory_storage_answer_the_same_tries(limited, app_config):
    """The same 40 tries (4 clients × 4 codes, interleaved) against Redis and against the limits
    library's memory storage give the same statuses; with 3/minute per client and 2/minute per
    code, worked out by hand: each code is answered twice, then refused."""
    make, _ = limited
    tries = [(f"198.51.100.{1 + (i % 4)}", f"NXPEZZZZC{'ABCD'[(i // 2) % 4]}") for i in range(40)]
    results = []
    for app in (make(STATUS_RATE_LIMIT_CLIENT="3/minute", STATUS_RATE_LIMIT_CODE="2/minute"),
                _app(app_config, STATUS_RATE_LIMIT_CLIENT="3/minute", STATUS_RATE_LIMIT_CODE="2/minute")):
        client = app.test_client()
        results.append([check(client, code, "5678", environ_base={"REMOTE_ADDR": addr}).status_code
                        for addr, code in tries])
        if app.config["RATELIMIT_STORAGE_URI"] == "memory://":
            app.extensions["subsidy.engine"].dispose()
    assert results[0] == results[1]
    # Codes NXPEZZZZCA..CD each get tries 2k, 2k+1 first (answered), every later try refused.
    assert results[0][:8] == [404] * 8 and set(results[0][8:]) == {429}


def _counter(redis_conn: Any, prefix: str, code: str) -> int:
    """The per-code minute counter of ``code`` as stored in Redis."""
    keys = [k for k in redis_conn.scan_iter(match=f"*{prefix}*code:{code}*/1/minute")]
    assert len(keys) == 1, keys
    return int(redis_conn.get(keys[0]))


def test_a_server_that_lost_the_script_gets_it_again(limited, redis_conn):
    """After SCRIPT FLUSH (as after a Redis restart) the next check loads the script and counts
    the try once: the server's counter goes 1, 2."""
    make, prefix = limited
    client = make().test_client()
    assert check(client, "NXPEZZZZDA", "5678").status_code == 404
    assert _counter(redis_conn, prefix, "NXPEZZZZDA") == 1
    redis_conn.script_flush()
    assert check(client, "NXPEZZZZDA", "5678").status_code == 404
    assert _counter(redis_conn, prefix, "NXPEZZZZDA") == 2


def test_a_connection_the_server_closed_is_replaced(limited, redis_conn):
    """The server closes the app's pooled connection between two checks (CLIENT KILL of its
    address, as a Redis restart or an idle timeout would): the next check is answered on a new
    connection and counted once."""
    make, prefix = limited
    app = make()
    client = app.test_client()
    assert check(client, "NXPEZZZZDB", "5678").status_code == 404
    idle = app.extensions["subsidy.status_limits"]._idle
    assert len(idle) == 1  # the one connection the first check used, given back
    local = "%s:%s" % idle[0]._sock.getsockname()[:2]
    assert redis_conn.client_kill(local)
    assert check(client, "NXPEZZZZDB", "5678").status_code == 404
    assert _counter(redis_conn, prefix, "NXPEZZZZDB") == 2


def test_a_connection_closed_during_the_command_is_retried_once(limited, redis_conn):
    """The server closes the connection just as the EVALSHA is sent (the connection class, a
    documented redis-py option, has the server kill it first): the check is sent again on a new
    connection and answered, the try counted once."""
    killed: list[str] = []

    class ClosedBeforeTheCommand(redis.Connection):
        def send_command(self, *args: Any, **kwargs: Any) -> None:
            if args and args[0] == "EVALSHA" and not killed:
                killed.append("%s:%s" % self._sock.getsockname()[:2])
                redis_conn.client_kill(killed[0])
            super().send_command(*args, **kwargs)

    make, prefix = limited
    app = make(RATELIMIT_STORAGE_OPTIONS={"connection_class": ClosedBeforeTheCommand})
    assert check(app.test_client(), "NXPEZZZZDC", "5678").status_code == 404
    assert len(killed) == 1
    assert _counter(redis_conn, prefix, "NXPEZZZZDC") == 1
