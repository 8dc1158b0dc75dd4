"""The public status check (/tra-cuu): happy paths, masking, indistinguishable failures, the
second fact kept out of URLs, no CSRF token or cookie needed (staff forms keep CSRF), and the rate
limits per client and per tracking code — with the default in-memory storage, behind a trusted
proxy, and against the real Redis server; public pages never rewrite the visitor's session, while
staff sessions stay protected."""
from __future__ import annotations

import datetime as dt
import html
import json
import re
import statistics
import time
import uuid
from pathlib import Path
from typing import Any

import contextlib
from collections.abc import Iterator

import pytest
from sqlalchemy import event

from subsidy import create_app
from subsidy.domain import tracking
from subsidy.domain.public_status import PUBLIC_STEPS, parse_second_fact, public_step
from subsidy.domain.labels import STATE_LABELS
from subsidy.domain.workflow import State
from tests import factories
from tests.conftest import _empty_all_tables, csrf_token_from

#: Codes of the issued shape (10 characters of the alphabet: no 0 or 1) that no application has.
UNISSUED = str.maketrans("01", "AB")

CODE = "K7QX9M4TAB"
NAME = "Nguyễn Văn Hùng"
CCCD = "082012345678"
PHONE = "0912345678"
# 20:00 UTC on 20/11/2026 is 03:00 on 21/11/2026 in Asia/Ho_Chi_Minh (UTC+7): the page shows 21/11.
CHANGED_AT = dt.datetime(2026, 11, 20, 20, 0, tzinfo=dt.timezone.utc)
REDIS_URL = "redis://127.0.0.1:6379/0"


def add_application(app: Any, *, code: str = CODE, name: str = NAME, cccd: str | None = CCCD,
                    phone: str | None = PHONE, state: str = "approved", form: str = "package",
                    category: str = "poor", hh_code: str = "PT-0001") -> int:
    """A household and its application, written with the models directly (committed)."""
    sess = app.extensions["subsidy.sessionmaker"]()
    hh = factories.household(sess, code=hh_code, head_name=name, citizen_id=cccd,
                             citizen_id_kind="cccd" if cccd else None, phone=phone, category=category, members=4)
    appl = factories.application(sess, hh, code=code, received_on=dt.date(2026, 11, 2), support_form=form,
                                 state=state, state_changed_at=CHANGED_AT)
    sess.commit()
    appl_id = appl.id
    sess.close()
    return appl_id


def check(client: Any, code: str, second: str, **kw: Any) -> Any:
    return client.post("/tra-cuu", data={"ma": code, "so": second}, **kw)


def text(resp: Any) -> str:
    return resp.get_data(as_text=True)


# --- what the page shows -------------------------------------------------------------------------

def test_happy_path_with_last_four_digits_of_cccd(app, client):
    add_application(app)
    resp = check(client, "k7qx-9m4t-ab", "5678")  # as a person types it: lower case, with dashes
    body = text(resp)
    assert resp.status_code == 200
    assert "Hồ sơ đã được duyệt, chờ nhận điện thoại." in body
    assert "Nguyễn V. H***" in body
    assert "21/11/2026" in body
    assert public_step("approved", "package").next_step in body
    assert "K7QX-9M4T-AB" in body and CODE not in body  # grouped, as printed on the slip and receipt
    assert resp.headers["Cache-Control"] == "no-store"


def test_happy_path_with_phone_in_international_form(app, client):
    add_application(app, state="proposed")
    resp = check(client, CODE, "+84 912 345 678")
    assert resp.status_code == 200
    assert "Hồ sơ đã có trong danh sách đề nghị của xã." in text(resp)


def test_cash_application_waits_for_money_not_a_phone(app, client):
    add_application(app, form="cash")
    body = text(check(client, CODE, "5678"))
    assert "Hồ sơ đã được duyệt, chờ nhận tiền hỗ trợ." in body
    assert "chờ nhận điện thoại" not in body


def test_nothing_personal_beyond_the_masked_name(app, client):
    add_application(app, category="poor")
    body = text(check(client, CODE, "5678"))
    for secret in (NAME, "Hùng", "Văn", CCCD, "5678", PHONE, "345 678", "Hộ nghèo", "nghèo", "Ấp Phú Hòa", "PT-0001"):
        assert secret not in body, secret


def test_a_refusal_names_the_filing_window_of_the_complaint_rules():
    rules = json.loads((Path(__file__).resolve().parents[2] / "subsidy" / "rulesets" / "complaints"
                        / "deadlines.json").read_text("utf-8"))
    days = rules["versions"][0]["rules"]["filing"]["days"]
    step = public_step("refused", on=dt.date(2026, 6, 1))
    assert f"trong vòng {days} ngày kể từ ngày biết hồ sơ" in step.next_step
    assert "{" not in step.next_step and "}" not in step.next_step


def test_every_state_has_a_headline_and_a_next_step():
    assert set(PUBLIC_STEPS) == {s.value for s in State}
    for state in State:
        step = public_step(state.value)
        assert step.headline.endswith(".") and step.next_step.endswith(".")
        assert state.value not in step.headline + step.next_step  # no internal names
    # The package and cash forms differ only once approved.
    assert public_step("approved", "cash") != public_step("approved", "package")
    assert public_step("received", "cash") == public_step("received", "package")


@pytest.mark.parametrize("state", [s.value for s in State])
def test_each_state_is_shown_in_plain_words(app, client, state):
    add_application(app, state=state)
    body = text(check(client, CODE, "5678"))
    assert public_step(state).headline in body
    assert STATE_LABELS[state] in body


def test_masking_and_input_normalisation():
    from subsidy.domain.vn import mask_name

    assert mask_name("Nguyễn Văn Hùng") == "Nguyễn V. H***"
    assert mask_name("Lê Thị Ngọc Ánh") == "Lê T. N. Á***"
    assert mask_name("Đào") == "Đ***"
    assert tracking.compact(" k7qx 9m4t–ab ") == "K7QX9M4TAB"
    assert tracking.compact("ＫＱ７Ｘ") == "KQ7X"  # full-width keyboard
    assert parse_second_fact(" 5 678 ") == ("id4", "5678")
    assert parse_second_fact("0912.345.678") == ("phone", "0912345678")
    for bad in ("567", "56789", "abcd", "12345678901", ""):
        with pytest.raises(ValueError):
            parse_second_fact(bad)


def test_get_prefills_the_code_from_the_qr_link_and_never_the_second_fact(app, client):
    add_application(app)
    resp = client.get(f"/tra-cuu?ma={CODE}&so=4321")
    body = text(resp)
    assert resp.status_code == 200
    assert 'value="K7QX-9M4T-AB"' in body  # the QR link's ungrouped code, shown grouped
    assert "4321" not in body
    assert "Nguyễn V. H***" not in body  # a GET never looks anything up
    form = re.search(r'<form method="post" action="([^"]*)"', body)
    assert form and form.group(1) == "/tra-cuu"  # the second fact is POSTed, never in a URL


def test_second_fact_is_not_echoed_after_a_failure(app, client):
    add_application(app)
    body = text(check(client, CODE, "0987654321"))
    assert "0987654321" not in body and "987 654" not in body


def test_badly_shaped_input_is_refused_without_a_lookup(app, client):
    add_application(app)
    resp = check(client, CODE, "12")
    assert resp.status_code == 422
    assert "4 số cuối" in text(resp)
    assert check(client, "<script>", "5678").status_code == 422


def test_a_code_the_app_never_issues_is_told_its_shape_without_a_lookup(app):
    """The app issues 10 characters of domain.tracking.ALPHABET (no migration or import writes
    another shape): a shorter, longer or look-alike code is refused by its shape (422, said
    plainly), before any query of the applications; one of the right shape that no application
    has answers 404, as a wrong second fact does."""
    add_application(app)
    client = app.test_client()
    engine = app.extensions["subsidy.engine"]
    shape = ("Mã tra cứu gồm 10 ký tự, là chữ in hoa và chữ số, như in trên phiếu tiếp nhận hồ sơ (ví dụ "
             "K7QX-9M4T-AB; không cần gõ dấu gạch ngang).")
    for typed, why in (("ABCD", "có 4 ký tự"), ("K7QX9M4TAB" + "K" * 22, "có 32 ký tự"),
                       ("K7QX-9M4T-A0", "có ký tự không bao giờ có trong mã tra cứu: «0» (mã không dùng chữ I, L, O và "
                                        "số 0, 1 vì dễ nhầm với nhau: hãy xem lại từng ký tự trên phiếu)")):
        with driver_statements(engine) as statements:
            resp = check(client, typed, "5678")
        assert resp.status_code == 422, typed
        assert f"Mã vừa nhập {why}. {shape}" in html.unescape(text(resp))
        assert not [st for st in statements if "applications" in st], typed
    assert check(client, "K7QX9M4TAC", "5678").status_code == 404  # the right shape, issued to nobody


# --- wrong code and wrong second fact are indistinguishable --------------------------------------

@contextlib.contextmanager
def driver_statements(engine: Any) -> Iterator[list[str]]:
    """The statements the database driver runs, on any connection checked out of ``engine``'s pool
    meanwhile, as it runs them: SQLite's trace callback (parameters written in), psycopg's cursors
    (the query, then its parameters). The status check's SELECT runs on a DB-API cursor, below
    SQLAlchemy's execution events, so it is watched here, where every statement passes."""
    seen: list[str] = []
    touched: list[Any] = []
    if engine.dialect.name == "sqlite":
        def watch(dbapi_conn: Any, _record: Any, _proxy: Any) -> None:
            dbapi_conn.set_trace_callback(seen.append)
            touched.append(dbapi_conn)

        def unwatch(dbapi_conn: Any) -> None:
            dbapi_conn.set_trace_callback(None)
    else:
        import psycopg

        class Recording(psycopg.Cursor):
            def execute(self, query: Any, params: Any = None, **kw: Any) -> Any:  # noqa: ANN401
                seen.append(f"{query} {params!r}")
                return super().execute(query, params, **kw)

        def watch(dbapi_conn: Any, _record: Any, _proxy: Any) -> None:
            dbapi_conn.cursor_factory = Recording
            touched.append(dbapi_conn)

        def unwatch(dbapi_conn: Any) -> None:
            dbapi_conn.cursor_factory = psycopg.Cursor

    event.listen(engine, "checkout", watch)
    try:
        yield seen
    finally:
        event.remove(engine, "checkout", watch)
        for c in touched:
            unwatch(c)


def _normalised(resp: Any, typed_code: str) -> str:
    from subsidy.domain import tracking

    return text(resp).replace(tracking.display(typed_code), "<CODE>").replace(typed_code, "<CODE>")


def test_wrong_code_and_wrong_digits_give_identical_responses(app_config):
    app = create_app(dict(app_config, STATUS_RATE_LIMIT_CLIENT="10000/minute",
                          STATUS_RATE_LIMIT_CODE="10000/minute"))
    try:
        add_application(app)
        client = app.test_client()
        client.get("/tra-cuu")  # as a phone does: the form page first
        wrong_code = check(client, "ZZZZ2222ZZ", "5678")
        wrong_digits = check(client, CODE, "5679")
        wrong_phone = check(client, CODE, "0987654321")
        assert wrong_code.status_code == wrong_digits.status_code == wrong_phone.status_code == 404
        assert _normalised(wrong_code, "ZZZZ2222ZZ") == _normalised(wrong_digits, CODE) == _normalised(wrong_phone, CODE)
        assert "Không tìm thấy hồ sơ khớp với thông tin đã nhập." in text(wrong_code)
        assert {k for k, _ in wrong_code.headers} == {k for k, _ in wrong_digits.headers}

        # The same SQL in both branches (one query; no early return for an unknown code), as the
        # driver ran it: the same text and parameters but the code typed.
        engine = app.extensions["subsidy.engine"]
        with driver_statements(engine) as statements:
            check(client, "ZZZZ2222ZZ", "5678")
        unknown = [st.replace("ZZZZ2222ZZ", "<CODE>") for st in statements]
        with driver_statements(engine) as statements:
            check(client, CODE, "5679")
        known = [st.replace(CODE, "<CODE>") for st in statements]
        assert unknown == known and len([s for s in known if s.lstrip().upper().startswith("SELECT")]) == 1
        assert "'<CODE>'" in known[0] and "applications.tracking_code" in known[0]

        # Roughly the same time: medians of interleaved runs within 3 ms or 50% of each other. A
        # busy machine adds noise, so a round may be retried; a systematic gap fails every round.
        rounds = []
        for _ in range(3):
            times: dict[str, list[float]] = {"code": [], "digits": []}
            for _ in range(40):
                for kind, (c, s) in (("code", ("ZZZZ2222ZZ", "5678")), ("digits", (CODE, "5679"))):
                    t0 = time.perf_counter()
                    check(client, c, s)
                    times[kind].append(time.perf_counter() - t0)
            a, b = statistics.median(times["code"]), statistics.median(times["digits"])
            rounds.append((a, b))
            if abs(a - b) < max(0.003, 0.5 * max(a, b)):
                break
        else:
            pytest.fail(f"median times differ in every round: {rounds}")
    finally:
        _empty_all_tables(app.extensions["subsidy.engine"])
        app.extensions["subsidy.engine"].dispose()


def test_status_check_needs_no_csrf_token_while_staff_forms_do(csrf_app):
    """The status check is exempt from CSRF (see subsidy/web/public.py): with CSRF on, the form
    page carries no token and sets no cookie, and a POST without either is answered — also one
    sent long after the page was opened. Staff forms still refuse a POST without the token."""
    add_application(csrf_app)
    client = csrf_app.test_client()
    page = client.get(f"/tra-cuu?ma={CODE}")
    assert page.status_code == 200 and b"csrf_token" not in page.data
    assert page.headers.getlist("Set-Cookie") == []
    resp = check(csrf_app.test_client(), CODE, "5678")  # a new client: no cookie, no token
    assert resp.status_code == 200 and "Nguyễn V. H***" in text(resp)
    assert check(csrf_app.test_client(), CODE, "5679").status_code == 404

    staff = csrf_app.test_client()
    refused = staff.post("/dang-nhap", data={"username": "lan", "password": "matkhau-dung-1"})
    assert refused.status_code == 400 and "đã mở quá lâu hoặc được gửi từ một trang cũ" in text(refused)
    token = csrf_token_from(staff.get("/dang-nhap").data)
    assert staff.post("/dang-nhap", data={"username": "lan", "password": "x", "csrf_token": token}).status_code != 400


def test_healthz_is_public_and_checks_the_database(client, app_config, tmp_path):
    resp = client.get("/healthz")
    assert resp.status_code == 200 and resp.data == b"ok" and resp.mimetype == "text/plain"
    from subsidy import create_app

    # A SQLite file in a folder that does not exist cannot be opened: the database is unavailable.
    down = create_app(dict(app_config, DATABASE_URL=f"sqlite:///{tmp_path / 'no-such-folder' / 'db.sqlite3'}"))
    resp = down.test_client().get("/healthz")
    assert resp.status_code == 503 and resp.data == b"database unavailable"


# --- rate limits ---------------------------------------------------------------------------------

def _codes(n: int) -> list[str]:
    """n distinct well-shaped codes that do not exist (so the per-code limit never trips)."""
    return [f"NXPE{i:06d}".translate(UNISSUED) for i in range(n)]


def assert_client_limit(app: Any, *, proxies: int) -> None:
    """11 tries within a minute from one client: 10 answered, the 11th is 429 — also when each
    try carries a different X-Forwarded-For."""
    client = app.test_client()
    statuses = []
    for i, code in enumerate(_codes(11)):
        forged = f"203.0.113.{i + 1}"
        if proxies:
            # The internet client forges a left-most value; the trusted proxy appends the real one.
            headers = {"X-Forwarded-For": f"{forged}, 198.51.100.7"}
            environ = {"REMOTE_ADDR": "10.0.0.2"}  # the proxy itself
        else:
            headers = {"X-Forwarded-For": forged}
            environ = {"REMOTE_ADDR": "198.51.100.7"}
        statuses.append(check(client, code, "5678", headers=headers, environ_base=environ).status_code)
    assert statuses[:10] == [404] * 10
    assert statuses[10] == 429
    if proxies:
        # Another real client (a different address appended by the proxy) has its own budget.
        other = check(client, "NXPE999999", "5678", headers={"X-Forwarded-For": "198.51.100.8"},
                      environ_base={"REMOTE_ADDR": "10.0.0.2"})
        assert other.status_code == 404


def assert_code_limit(app: Any) -> None:
    """6 tries on one code from 6 different clients: the 6th is 429 (5/minute per code)."""
    client = app.test_client()
    statuses = [check(client, CODE, f"{1000 + i}", environ_base={"REMOTE_ADDR": f"198.51.100.{20 + i}"}).status_code
                for i in range(6)]
    assert statuses == [404] * 5 + [429]
    # The limit is per code: another code from a fresh client is answered.
    assert check(client, "NXPEAAAA42", "5678", environ_base={"REMOTE_ADDR": "198.51.100.99"}).status_code == 404


def test_a_code_gets_30_tries_a_day_then_none_until_tomorrow(app, monkeypatch):
    """The default per-code limit is 5 a minute and 30 a day: six patient minutes of 5 tries
    (each from a fresh client) use the day's 30; the next minute's first try is refused, and
    the next day the code is answered again. (The clock is moved forward, not waited for.)"""
    import time as time_module

    now = [time_module.time()]
    monkeypatch.setattr(time_module, "time", lambda: now[0])
    add_application(app)
    client = app.test_client()
    answered = 0
    for minute in range(7):
        for i in range(5):
            resp = check(client, CODE, f"{1000 + i}", environ_base={"REMOTE_ADDR": f"198.51.{minute}.{i + 1}"})
            answered += resp.status_code == 404
            if minute == 6:
                assert resp.status_code == 429
                assert "Hãy thử lại vào ngày mai" in text(resp) and "phút" not in text(resp).split("Hãy thử lại")[0][-80:]
        now[0] += 61
    assert answered == 30
    now[0] += 24 * 3600
    assert check(client, CODE, "5678", environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code == 200


def test_eleventh_try_from_one_client_is_429(app):
    assert_client_limit(app, proxies=0)


def test_429_page_is_vietnamese_and_get_is_not_limited(app, client):
    for code in _codes(10):
        check(client, code, "5678")
    resp = check(client, "NXPE777777", "5678")
    assert resp.status_code == 429 and "Bạn đã thử quá nhiều lần" in text(resp)
    assert client.get("/tra-cuu").status_code == 200


def test_forged_x_forwarded_for_gets_no_fresh_budget_without_proxy(app_config):
    app = create_app(dict(app_config, TRUSTED_PROXIES=0))
    assert_client_limit(app, proxies=0)
    app.extensions["subsidy.engine"].dispose()


def test_behind_one_trusted_proxy_the_appended_address_is_the_client(app_config):
    app = create_app(dict(app_config, TRUSTED_PROXIES=1))
    assert_client_limit(app, proxies=1)
    app.extensions["subsidy.engine"].dispose()


def test_sixth_try_on_one_code_from_many_clients_is_429(app):
    add_application(app)
    assert_code_limit(app)


@pytest.fixture
def redis_app(app_config):
    """An app whose limiter stores its counters in the real Redis server, under a key prefix
    unique to this test; the keys are deleted afterwards."""
    redis = pytest.importorskip("redis")
    conn = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        conn.ping()
    except redis.exceptions.ConnectionError as err:
        pytest.skip(f"Redis is not reachable at 127.0.0.1:6379 ({err}); CI runs these tests with Redis")
    from subsidy.extensions import limiter

    prefix = f"subsidy-test-{uuid.uuid4().hex}"
    limiter._key_prefix = ""  # the shared Limiter keeps the first prefix it saw; start clean
    app = create_app(dict(app_config, RATELIMIT_STORAGE_URI=REDIS_URL, RATELIMIT_KEY_PREFIX=prefix,
                          TRUSTED_PROXIES=1))
    try:
        yield app, conn, prefix
    finally:
        for key in conn.scan_iter(match=f"*{prefix}*"):
            conn.delete(key)
        limiter._key_prefix = ""
        conn.close()
        _empty_all_tables(app.extensions["subsidy.engine"])
        app.extensions["subsidy.engine"].dispose()


def test_limits_hold_with_redis_storage(redis_app):
    app, conn, prefix = redis_app
    add_application(app)
    assert_client_limit(app, proxies=1)
    assert_code_limit(app)
    keys = [k.decode() for k in conn.scan_iter(match=f"*{prefix}*")]
    assert keys, "no rate-limit counters were written to Redis"
    assert any("code:" + CODE in k for k in keys)  # the per-code counter
    assert any("198.51.100.7" in k for k in keys)  # the per-client counter (address from the proxy)
    assert not any("203.0.113." in k for k in keys)  # forged addresses never became keys


def test_redis_counters_are_shared_between_two_app_instances(redis_app, app_config):
    """Two workers (two app instances) on the same Redis share one budget per client."""
    app, conn, prefix = redis_app
    client = app.test_client()
    env = {"REMOTE_ADDR": "10.0.0.2"}
    hdr = {"X-Forwarded-For": "198.51.100.50"}
    for code in _codes(10):
        assert check(client, code, "5678", headers=hdr, environ_base=env).status_code == 404
    # A second app instance stands in for the other gunicorn worker.
    other = create_app(dict(app_config, RATELIMIT_STORAGE_URI=REDIS_URL, RATELIMIT_KEY_PREFIX=prefix,
                            TRUSTED_PROXIES=1))
    try:
        resp = check(other.test_client(), "NXPE555555", "5678", headers=hdr, environ_base=env)
        assert resp.status_code == 429
    finally:
        other.extensions["subsidy.engine"].dispose()


def test_default_storage_is_the_librarys_in_memory_one(app_config, monkeypatch):
    """Without RATELIMIT_STORAGE_URI the counters live in the limits library's memory:// storage
    (in-memory by default, Redis when the variable names it), and both limits hold."""
    from limits.storage import MemoryStorage, RedisStorage

    from subsidy.config import load_config
    from subsidy.extensions import limiter

    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    monkeypatch.delenv("RATELIMIT_KEY_PREFIX", raising=False)
    cfg = load_config()
    assert cfg["RATELIMIT_STORAGE_URI"] == "memory://" and cfg["RATELIMIT_KEY_PREFIX"] == ""
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", REDIS_URL)
    monkeypatch.setenv("RATELIMIT_KEY_PREFIX", "subsidy-a")
    cfg = load_config()
    assert cfg["RATELIMIT_STORAGE_URI"] == REDIS_URL and cfg["RATELIMIT_KEY_PREFIX"] == "subsidy-a"

    settings = {k: v for k, v in app_config.items() if k != "RATELIMIT_STORAGE_URI"}
    monkeypatch.delenv("RATELIMIT_STORAGE_URI")
    monkeypatch.delenv("RATELIMIT_KEY_PREFIX")
    app = create_app(settings)
    try:
        assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"
        assert isinstance(limiter.storage, MemoryStorage) and not isinstance(limiter.storage, RedisStorage)
        add_application(app)
        assert_client_limit(app, proxies=0)
        assert_code_limit(app)
    finally:
        _empty_all_tables(app.extensions["subsidy.engine"])
        app.extensions["subsidy.engine"].dispose()


# --- the public pages leave the visitor's session alone; staff sessions stay protected -----------

def _set_cookies(resp: Any) -> list[str]:
    return resp.headers.getlist("Set-Cookie")


def test_status_check_does_not_rewrite_the_session(csrf_app):
    """The public page sets no cookie, and the checks a phone then POSTs, found or not, answer
    without a Set-Cookie even when the phone brings a session cookie from elsewhere in the app (no
    sign-in state is loaded on public pages, so session protection has nothing to do)."""
    add_application(csrf_app)
    client = csrf_app.test_client()
    login_page = client.get("/dang-nhap")  # a session cookie holding a CSRF token, from a staff form
    assert any(c.startswith("session=") for c in _set_cookies(login_page))
    first = client.get(f"/tra-cuu?ma={CODE}")
    found = check(client, CODE, "5678")
    assert found.status_code == 200 and "Nguyễn V. H***" in text(found)
    wrong = check(client, CODE, "5679")
    assert wrong.status_code == 404
    assert _set_cookies(first) == _set_cookies(found) == _set_cookies(wrong) == []
    assert _set_cookies(client.get("/healthz")) == []
    # The session kept its CSRF token: the sign-in form's token still works.
    token = csrf_token_from(login_page.data)
    assert client.post("/dang-nhap", data={"username": "x", "password": "y", "csrf_token": token}).status_code != 400


def test_signed_in_staff_see_the_public_page_as_anyone_does(app, client, login_as):
    user = login_as("clerk")
    add_application(app)
    resp = check(client, CODE, "5678")
    body = text(resp)
    assert resp.status_code == 200 and "Nguyễn V. H***" in body
    assert user.username not in body and "Đăng xuất" not in body  # no staff menu on the public page
    assert _set_cookies(resp) == []
    home = client.get("/")  # still signed in afterwards
    assert home.status_code == 200 and "Đăng xuất" in text(home)


def test_strong_session_protection_still_ends_a_replayed_staff_session(app, make_user):
    """A staff session cookie presented from another browser (another User-Agent, so another
    session identifier) no longer signs anyone in, on the first protected page it reaches."""
    from tests.conftest import login

    make_user("thuky", "clerk")
    own = app.test_client()
    own.environ_base["HTTP_USER_AGENT"] = "Mozilla/5.0 (Linux; Android 14) cán bộ"
    assert login(own, "thuky").status_code == 302
    assert own.get("/").status_code == 200
    cookie = own.get_cookie("session")

    thief = app.test_client()
    thief.environ_base["HTTP_USER_AGENT"] = "curl/8.0"
    thief.set_cookie("session", cookie.value)
    stolen = thief.get("/")
    assert stolen.status_code == 302 and stolen.headers["Location"].startswith("/dang-nhap")
    assert thief.get("/").status_code == 302  # the replayed session was emptied
    assert own.get("/").status_code == 200  # the real browser is unaffected


def test_one_time_password_blocks_staff_pages_but_not_the_public_ones(app, client, make_user):
    from tests.conftest import login

    sess = app.extensions["subsidy.sessionmaker"]()
    factories.user(sess, "clerk", "moi", must_change_password=True)
    sess.commit()
    sess.close()
    assert login(client, "moi", "Lua-chin-vang-2026").status_code == 302
    resp = client.get("/")
    assert resp.status_code == 302 and resp.headers["Location"] == "/doi-mat-khau"
    assert client.get("/doi-mat-khau").status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.get("/tra-cuu").status_code == 200


# --- which commune the page names ----------------------------------------------------------------

def test_the_result_names_the_applications_own_commune_and_other_answers_name_none(app, client):
    """One address serves every commune: an application of a second commune is shown under its own
    commune's name, and the form and the no-match answer name no commune (the configured «xã Phú
    Tân» is not necessarily the visitor's)."""
    from subsidy.models import Commune
    sess = app.extensions["subsidy.sessionmaker"]()
    other = Commune(code="EAHLEO", name="xã Ea H'leo", issuing_body="ỦY BAN NHÂN DÂN XÃ EA H'LEO",
                    place_name="Ea H'leo", approval_level="commune", active=True)
    sess.add(other)
    sess.flush()
    hh = factories.household(sess, code="EH-0001", head_name=NAME, citizen_id=CCCD, citizen_id_kind="cccd",
                             phone=PHONE, commune_id=other.id)
    factories.application(sess, hh, code=CODE, state="approved", state_changed_at=CHANGED_AT, commune_id=other.id)
    sess.commit()
    sess.close()

    page = html.unescape(text(check(client, CODE, CCCD[-4:])))
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    brand = re.search(r'class="brand"[^>]*>(.*?)</a>', page, re.S).group(1)
    assert title == "Tra cứu hồ sơ · xã Ea H'leo"
    assert brand == "Hỗ trợ ĐTTM · xã Ea H'leo"
    assert "Phú Tân" not in page

    for resp in (client.get("/tra-cuu"), check(client, CODE, "9999")):
        page = html.unescape(text(resp))
        assert "Phú Tân" not in page and "Ea H'leo" not in page
        assert re.search(r"<title>(.*?)</title>", page, re.S).group(1) == "Tra cứu hồ sơ"
        assert "Ủy ban nhân dân xã nơi hộ đã nộp hồ sơ" in page
