"""Test fixtures: a real database built by the migrations (SQLite by default; PostgreSQL when
TEST_DATABASE_URL or DATABASE_URL names one), an app, a client, users of every role.

Between tests every table is emptied (not dropped), so tests that commit see a clean database.
Under pytest-xdist each worker has a database of its own (a SQLite file, or ``<db>_gw0`` … beside
the PostgreSQL database named) and builds one app per config, handed to each test afresh (see
fresh_app). Test data comes from tests/factories.py.
"""
from __future__ import annotations

import contextlib
import copy
import os
import re
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from sqlalchemy import make_url, text
from sqlalchemy.orm import Session, close_all_sessions
from werkzeug.security import generate_password_hash

from subsidy import create_app
from subsidy.config import normalise_database_url
from subsidy.db import Base, make_engine, make_sessionmaker, upgrade_database
from tests import factories
from tests.factories import TEST_PASSWORD  # noqa: F401  (tests import it from here too)

def _sample_data_dir() -> Path:
    """../shared/data beside the clone (as CI lays it), else $SHARED_DIR/data, else the copies in
    tests/data (so a clone anywhere can run the tests)."""
    here = Path(__file__).resolve().parent
    candidates = [here.parent.parent / "shared" / "data"]
    if os.environ.get("SHARED_DIR"):
        candidates.insert(0, Path(os.environ["SHARED_DIR"]) / "data")
    for c in candidates:
        if (c / "ho-ngheo-2025-phu-tan.xlsx").exists():
            return c
    return here / "data"


DATA = _sample_data_dir()


def _database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if url:
        url = normalise_database_url(url)
        worker = os.environ.get("PYTEST_XDIST_WORKER")  # gw0, gw1 … under pytest-xdist
        if worker and url.startswith("postgresql"):
            url = _worker_database(url, worker)
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


def _worker_database(url: str, worker: str) -> str:
    """The URL of ``<database>_<worker>`` beside the named PostgreSQL database, created if missing:
    xdist workers empty their tables between tests, so each needs a database of its own."""
    base = make_url(url)
    name = f"{base.database}_{worker}"
    engine = make_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first() is None:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def _drop_worker_database(url: str) -> None:
    base = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    engine = make_engine(normalise_database_url(base), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The test database, emptied and migrated to head once per run (once per xdist worker, each
    with a database of its own; a worker's PostgreSQL database is dropped at its end)."""
    url = _database_url(tmp_path_factory)
    if url.startswith("postgresql"):
        engine = make_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    upgrade_database(url)
    yield url
    if url.startswith("postgresql") and os.environ.get("PYTEST_XDIST_WORKER"):
        _drop_worker_database(url)


def _empty_all_tables(engine: Any) -> None:
    # A session a test left open would hold SQLite's write lock (BEGIN IMMEDIATE): close them all.
    close_all_sessions()
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(tables) + " RESTART IDENTITY CASCADE"))
        else:
            for t in tables:
                conn.execute(text(f"DELETE FROM {t}"))
            conn.execute(text("DELETE FROM sqlite_sequence")) if conn.execute(
                text("SELECT 1 FROM sqlite_master WHERE name='sqlite_sequence'")).first() else None


@pytest.fixture(autouse=True, scope="session")
def _cheap_dummy_hash() -> Iterator[None]:
    """Sign-in checks an unknown name against a fixed dummy hash so that it costs what a wrong
    password costs. The test accounts carry a cheap hash (factories.TEST_PASSWORD_HASH), so the
    dummy is made as cheap for the run: the same balance, without a 0.2 s scrypt check for each of
    the suite's many refused sign-ins. What the tests check (one check per refusal, the same
    answer) does not depend on the hash's cost."""
    from subsidy.services import users

    assert hasattr(users, "_DUMMY_HASH"), "users._DUMMY_HASH is gone: update this fixture"
    real = users._DUMMY_HASH
    users._DUMMY_HASH = generate_password_hash("not-a-real-password", method="pbkdf2:sha256:1000")
    yield
    users._DUMMY_HASH = real


@contextlib.contextmanager
def scratch_session(database_url: str) -> Iterator[Session]:
    """A Session on the test database for a module-scoped fixture that computes data once (e.g.
    reports to render); every table is emptied when it closes, so each test still starts empty."""
    engine = make_engine(database_url)
    sess = make_sessionmaker(engine)()
    try:
        yield sess
    finally:
        sess.close()
        _empty_all_tables(engine)
        engine.dispose()


@pytest.fixture
def app_config(database_url: str) -> dict[str, Any]:
    return {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": "memory://",
        "PUBLIC_BASE_URL": "http://127.0.0.1:5000",
        "JOBS_IMMEDIATE": True,
    }


# (app, its config as create_app left it) per distinct config, in this process (xdist worker).
_APPS: dict[str, tuple[Any, dict[str, Any]]] = {}


def fresh_app(config: dict[str, Any]) -> Any:
    """An app for ``config`` in the state create_app leaves it.

    Built once per process and config, then handed out again with its config restored and its
    rate-limit counters started afresh: building an app compiles every URL rule (about 0.1 s),
    which done for each test was the largest single cost of the suite. The database is emptied by
    the fixtures that hand the app out. A test that needs to change the app itself (register a
    blueprint) builds its own with create_app.
    """
    from subsidy.extensions import limiter

    key = repr(sorted(config.items()))
    if key not in _APPS:
        app = create_app(config)
        _APPS[key] = (app, copy.deepcopy(dict(app.config)))
        return app
    app, pristine = _APPS[key]
    app.config.clear()
    app.config.update(copy.deepcopy(pristine))
    # The Limiter is one object for every app of the process, bound to the last app built: bind it
    # to this one again, with a new in-memory storage (no counter survives from an earlier test).
    limiter.init_app(app)
    return app


def _release(app: Any) -> None:
    # The engine keeps its pooled connections for the next test (they hold no transaction once
    # the sessions are closed); closing them each time cost a WAL checkpoint per test on SQLite.
    _empty_all_tables(app.extensions["subsidy.engine"])


@pytest.fixture
def app(app_config: dict[str, Any]) -> Iterator[Any]:
    app = fresh_app(app_config)
    yield app
    _release(app)


@pytest.fixture
def csrf_app(app_config: dict[str, Any]) -> Iterator[Any]:
    """An app with CSRF protection on, as in production."""
    app = fresh_app(dict(app_config, WTF_CSRF_ENABLED=True))
    yield app
    _release(app)


@pytest.fixture
def read_session(app: Any) -> Iterator[Session]:
    """A read-only Session (on SQLite a deferred BEGIN: it never blocks the app's writes)."""
    sess = app.extensions["subsidy.read_sessionmaker"]()
    yield sess
    sess.close()


@pytest.fixture
def session(app: Any) -> Iterator[Session]:
    """A plain Session on the test database (services flush; tests commit when they need to)."""
    sess = app.extensions["subsidy.sessionmaker"]()
    yield sess
    sess.rollback()
    sess.close()


@pytest.fixture
def history(app: Any) -> None:
    """The hand-checked programme history of tests/tally_history.py, committed (for page tests)."""
    from tests.tally_history import build_history

    sess = app.extensions["subsidy.sessionmaker"]()
    build_history(sess)
    sess.commit()
    sess.close()


@pytest.fixture
def approver(session: Session) -> Any:
    """An approver account (lãnh đạo xã) in ``session`` (a row, flushed), named Võ Minh Duyệt."""
    return factories.user(session, "approver", "lanhdao-test", full_name="Võ Minh Duyệt", row=True)


@pytest.fixture
def clerk(session: Session) -> Any:
    """A clerk account in ``session`` (a row, flushed), for service tests that need an actor."""
    return factories.user(session, "clerk", "canbo-test", row=True)


@pytest.fixture
def household(session: Session) -> Callable[..., Any]:
    """household(**fields) -> a household row in ``session`` that can apply in 2025
    (factories.applicant)."""
    return lambda **fields: factories.applicant(session, **fields)


@pytest.fixture
def tt14(session: Session) -> Any:
    """The shipped Thông tư 14/2022 rule set, loaded into ``session``."""
    from subsidy.services import rulesets

    [row] = rulesets.load_shipped(session)
    return row


@pytest.fixture
def client(app: Any) -> Any:
    return app.test_client()


@pytest.fixture
def make_user(app: Any) -> Callable[..., Any]:
    """make_user(username, role) -> User committed (made by the users service), password
    TEST_PASSWORD, no forced change."""

    def _make(username: str, role: str, **kw: Any) -> Any:
        sess = app.extensions["subsidy.sessionmaker"]()
        user = factories.user(sess, role, username, **kw)
        sess.commit()
        sess.close()
        return user

    return _make


def login(client: Any, username: str, password: str = TEST_PASSWORD) -> Any:
    """Sign ``client`` in (CSRF off) and return the response."""
    return client.post("/dang-nhap", data={"username": username, "password": password})


@pytest.fixture
def login_as(app: Any, client: Any, make_user: Callable[..., Any]) -> Callable[[str], Any]:
    """login_as(role) -> the User created with username == role and signed in on ``client``."""

    def _login(role: str, username: str | None = None) -> Any:
        user = make_user(username or role, role)
        resp = login(client, user.username)
        assert resp.status_code == 302, resp.data[:500]
        return user

    return _login


def csrf_token_from(html: bytes) -> str:
    m = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        rb'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert m, "no csrf_token in page"
    return m.group(1).decode()
