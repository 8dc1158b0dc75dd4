"""The migrations build exactly the schema the models describe."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from subsidy.db import Base, make_engine
from subsidy.models.search_index import include_object


def test_models_and_migrations_agree(database_url):
    engine = make_engine(database_url)
    with engine.connect() as conn:
        # the search indexes (trigram GIN, FTS5 tables) are the migration's alone (models/search_index.py)
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": include_object})
        diff = compare_metadata(ctx, Base.metadata)
    engine.dispose()
    assert diff == [], f"models and migrations differ: {diff}"


def test_migrations_reach_single_head():
    from alembic.script import ScriptDirectory

    from subsidy.db import alembic_config

    heads = ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()
    assert len(heads) == 1, f"several migration heads: {heads}"


# --------------------------------------------------------------------------------------------
# 0002: the IMEIs of handovers stored once (handover_imeis rows with a position)
# --------------------------------------------------------------------------------------------

import datetime as dt  # noqa: E402
import os  # noqa: E402
import uuid  # noqa: E402

import pytest  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from sqlalchemy.exc import IntegrityError  # noqa: E402

from subsidy.config import normalise_database_url  # noqa: E402
from subsidy.db import upgrade_database  # noqa: E402

IMEI_A, IMEI_B, IMEI_C, IMEI_D = "490154203237518", "356938035643809", "350000000000011", "350000000000029"
IMEI_E, IMEI_F, IMEI_G = "350000000000037", "350000000000045", "350000000000052"
NOW = dt.datetime(2026, 3, 2, 8, 0)
VOIDED = dt.datetime(2026, 3, 5, 9, 0)


def _postgres_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    return normalise_database_url(url) if url and url.startswith("postgres") else None


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path):
    """A database with no table at all: a new SQLite file, or a new schema of the PostgreSQL test
    database (search_path set in the URL), dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    base = _postgres_url()
    if base is None:
        pytest.skip("no PostgreSQL test database (TEST_DATABASE_URL)")
    schema = f"mig_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(base)
    with engine.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()


def _tables(engine) -> dict[str, sa.Table]:
    md = sa.MetaData()
    md.reflect(engine)
    return md.tables


def _insert_commune(conn, t, code: str, name: str) -> int:
    """A commune row as the schema of 0005 onwards holds it (no hamlets, no signer); its id."""
    conn.execute(t["communes"].insert().values(
        code=code, name=f"xã {name}", issuing_body="UBND", issuing_body_parent="", place_name=name,
        province="", signer_title="", signer_name="", approval_level="commune", active=True, created_at=NOW))
    return conn.execute(sa.select(t["communes"].c.id).where(t["communes"].c.code == code)).scalar_one()


def _history_at_0001(url: str) -> None:
    """Six handovers as the code before 0002 left them: IMEIs in handovers.imei/imei2, with or
    without their handover_imeis rows, voided or not; and the receipt of the first."""
    upgrade_database(url, "0001")
    engine = make_engine(url)
    t = _tables(engine)
    with engine.begin() as conn:
        for n in range(1, 7):
            conn.execute(t["households"].insert().values(
                id=n, code=f"PT-{n:04d}", head_name=f"Hộ {n}", hamlet="Ấp Phú Hòa", members=1, meritorious=False,
                social_policy=False, prior_device="none", search_text="", sort_key="", archived=False,
                created_at=NOW, updated_at=NOW))
            conn.execute(t["applications"].insert().values(
                id=n, household_id=n, programme="VTCI-2025", tracking_code=f"K7QX9M4T{n:02d}",
                received_on=dt.date(2026, 1, 5), support_form="package", state="handed_over",
                state_changed_at=NOW, created_at=NOW))

        def handover(n: int, imei: str, imei2: str | None = None, voided: bool = False) -> None:
            conn.execute(t["handovers"].insert().values(
                id=n, application_id=n, phone_make="Samsung", phone_model="Galaxy A05", imei=imei, imei2=imei2,
                telecom="VNPT", subscriber_number="0912345678", handed_on=dt.date(2026, 3, 2),
                recipient_name=f"Hộ {n}", created_at=NOW, voided_at=VOIDED if voided else None))

        def rows(n: int, *imeis_live: tuple[str, bool]) -> None:
            for imei, live in imeis_live:
                conn.execute(t["handover_imeis"].insert().values(handover_id=n, imei=imei, live=live))

        handover(1, IMEI_A, IMEI_B)                  # recorded by the service: both rows, in IMEI order
        rows(1, (IMEI_B, True), (IMEI_A, True))
        handover(2, IMEI_C)                          # written without rows (fixtures, bulk loads)
        handover(3, IMEI_D, voided=True)             # voided by the service: its row freed
        rows(3, (IMEI_D, False))
        handover(4, IMEI_E, IMEI_F, voided=True)     # voided, no rows
        handover(5, IMEI_D)                          # the freed IMEI used again
        rows(5, (IMEI_D, True))
        handover(6, IMEI_G, voided=True)             # voided by hand: its row still live
        rows(6, (IMEI_G, True))
        conn.execute(t["receipts"].insert().values(
            series="BB-VTCI", year=2026, number=1, kind="handover", application_id=1, handover_id=1,
            snapshot={"imei": IMEI_A, "imei2": IMEI_B, "head_name": "Hộ 1"}, search_text="", issued_at=NOW,
            print_count=1))
    engine.dispose()


def test_0002_moves_every_imei_into_handover_imeis(empty_database):
    url = empty_database
    _history_at_0001(url)
    upgrade_database(url, "0002")
    engine = make_engine(url)
    t = _tables(engine)
    assert "imei" not in t["handovers"].c and "imei2" not in t["handovers"].c
    hi = t["handover_imeis"]
    with engine.connect() as conn:
        got = {tuple(r) for r in conn.execute(sa.select(hi.c.handover_id, hi.c.position, hi.c.imei, hi.c.live))}
        snapshot = conn.execute(sa.select(t["receipts"].c.snapshot)).scalar_one()
    assert got == {
        (1, 1, IMEI_A, True), (1, 2, IMEI_B, True),
        (2, 1, IMEI_C, True),
        (3, 1, IMEI_D, False),
        (4, 1, IMEI_E, False), (4, 2, IMEI_F, False),
        (5, 1, IMEI_D, True),
        (6, 1, IMEI_G, False),
    }
    assert snapshot == {"imei": IMEI_A, "imei2": IMEI_B, "head_name": "Hộ 1"}  # the printed copy stays

    from sqlalchemy.orm import Session

    from subsidy.models import Handover

    upgrade_database(url)  # the models describe the newest schema: read them there
    with Session(engine) as s:
        assert [(h.id, h.imei, h.imei2) for h in s.query(Handover).order_by(Handover.id)] == [
            (1, IMEI_A, IMEI_B), (2, IMEI_C, None), (3, IMEI_D, None), (4, IMEI_E, IMEI_F), (5, IMEI_D, None),
            (6, IMEI_G, None)]

    def refused(**row) -> bool:
        with engine.connect() as conn:
            try:
                conn.execute(hi.insert().values(**row))
            except IntegrityError:
                return True
            finally:
                conn.rollback()
        return False

    assert refused(handover_id=2, position=1, imei=IMEI_F, live=True)    # one IMEI per position
    assert refused(handover_id=2, position=3, imei=IMEI_F, live=True)    # positions 1 and 2 only
    assert refused(handover_id=2, position=2, imei=IMEI_A, live=True)    # A is live in handover 1
    assert refused(handover_id=2, position=2, imei=IMEI_D, live=True)    # D is live in handover 5
    assert not refused(handover_id=2, position=2, imei=IMEI_E, live=True)  # freed when 4 was voided
    assert not refused(handover_id=2, position=2, imei=IMEI_G, live=True)  # freed: 6 is voided
    engine.dispose()


def test_0002_downgrade_puts_the_columns_back(empty_database):
    url = empty_database
    _history_at_0001(url)
    upgrade_database(url, "0002")
    from alembic import command

    from subsidy.db import alembic_config

    command.downgrade(alembic_config(url), "0001")
    engine = make_engine(url)
    t = _tables(engine)
    assert "position" not in t["handover_imeis"].c
    assert t["handovers"].c.imei.nullable is False and t["handovers"].c.imei2.nullable is True
    ho = t["handovers"]
    with engine.connect() as conn:
        got = [tuple(r) for r in conn.execute(sa.select(ho.c.id, ho.c.imei, ho.c.imei2).order_by(ho.c.id))]
        receipts = conn.execute(sa.select(sa.func.count()).select_from(t["receipts"])
                                .where(t["receipts"].c.handover_id == 1)).scalar_one()
        if engine.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
            index_sql = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = 'uq_handover_imeis_live_imei'"
                                             ).scalar_one()
            assert index_sql.endswith("WHERE live")
    assert got == [(1, IMEI_A, IMEI_B), (2, IMEI_C, None), (3, IMEI_D, None), (4, IMEI_E, IMEI_F),
                   (5, IMEI_D, None), (6, IMEI_G, None)]
    assert receipts == 1
    engine.dispose()
    upgrade_database(url)  # and up again
    engine = make_engine(url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM handover_imeis")).scalar_one() == 8
    engine.dispose()


def test_0002_stops_on_an_imei_held_by_two_live_handovers(empty_database):
    url = empty_database
    _history_at_0001(url)
    engine = make_engine(url)
    with engine.begin() as conn:  # handover 2's IMEI C, in no row yet, is also live as handover 5's second IMEI
        conn.execute(sa.text("UPDATE handovers SET imei2 = :imei WHERE id = 5"), {"imei": IMEI_C})
        conn.execute(sa.text("INSERT INTO handover_imeis (handover_id, imei, live) VALUES (5, :imei, true)"),
                     {"imei": IMEI_C})
    engine.dispose()
    with pytest.raises(RuntimeError, match=r"already held by another live handover \(handover id 2\)"):
        upgrade_database(url, "0002")


def test_0002_stops_on_an_imei_row_its_handover_does_not_name(empty_database):
    url = empty_database
    _history_at_0001(url)
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO handover_imeis (handover_id, imei, live) VALUES (5, :imei, false)"),
                     {"imei": IMEI_C})
    engine.dispose()
    with pytest.raises(RuntimeError, match=r"matches neither IMEI column of its handover \(handover id 5\)"):
        upgrade_database(url, "0002")


# --------------------------------------------------------------------------------------------
# 0003: background jobs (progress and outcome in the database)
# --------------------------------------------------------------------------------------------


def test_0003_adds_jobs_beside_the_data_and_downgrades(empty_database):
    _history_at_0001(empty_database)
    upgrade_database(empty_database, "0002")
    upgrade_database(empty_database, "0003")
    engine = make_engine(empty_database)
    t = _tables(engine)
    with engine.begin() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(t["handovers"])).scalar() == 6  # data kept
        conn.execute(t["jobs"].insert().values(kind="bulk_check", status="running", params={"ids": [1, 2]},
                                               total=2, done=1, summary={}, created_at=NOW))
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(t["jobs"].insert().values(kind="bulk_check", status="running", params={}, total=1, done=2,
                                               summary={}, created_at=NOW))
    engine.dispose()
    from alembic import command

    from subsidy.db import alembic_config

    command.downgrade(alembic_config(empty_database), "0002")
    engine = make_engine(empty_database)
    assert "jobs" not in _tables(engine) and "handovers" in _tables(engine)

# household members and the status per year: today's list year becomes that year's record
# --------------------------------------------------------------------------------------------

MEMBERS_REVISION = "0006"  # the revision that adds household_members / household_statuses


def test_members_status_migration_turns_the_list_year_into_a_status_record(empty_database):
    url = empty_database
    from alembic.script import ScriptDirectory

    from subsidy.db import alembic_config

    script = ScriptDirectory.from_config(alembic_config(url))
    previous = script.get_revision(MEMBERS_REVISION).down_revision
    upgrade_database(url, previous)
    engine = make_engine(url)
    t = _tables(engine)
    rows = [(1, 2025, "poor", "12/QĐ-UBND", dt.date(2025, 1, 10)), (2, 2024, "near_poor", None, None),
            (3, None, "poor", None, None), (4, 2025, None, None, None)]
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO communes (id, code, name, issuing_body, issuing_body_parent, place_name, "
                             "province, signer_title, signer_name, approval_level, active, created_at) VALUES (1, "
                             "'PHUTAN', 'xã Phú Tân', 'UBND', '', 'Phú Tân', '', '', '', 'commune', true, '2026-01-01')"))
        for n, year, cat, number, date in rows:
            conn.execute(t["households"].insert().values(
                id=n, commune_id=1, code=f"PT-{n:04d}", head_name=f"Hộ {n}", hamlet="Ấp Phú Hòa", members=1, meritorious=False,
                social_policy=False, prior_device="none", search_text="", sort_key="", archived=False,
                list_year=year, category=cat, decision_number=number, decision_date=date,
                created_at=NOW, updated_at=NOW))
    engine.dispose()
    upgrade_database(url, MEMBERS_REVISION)
    engine = make_engine(url)
    st = _tables(engine)["household_statuses"]
    with engine.connect() as conn:
        got = sorted(tuple(r) for r in conn.execute(sa.select(
            st.c.household_id, st.c.year, st.c.status, st.c.decision_number, st.c.decision_date, st.c.source)))
    assert got == [(1, 2025, "poor", "12/QĐ-UBND", dt.date(2025, 1, 10), "migration"),
                   (2, 2024, "near_poor", None, None, "migration")]
    engine.dispose()


# --------------------------------------------------------------------------------------------
# 0004: lists numbered at submission; cancelled drafts
# --------------------------------------------------------------------------------------------


def test_0004_keeps_numbered_lists_and_allows_unnumbered_drafts(empty_database):
    upgrade_database(empty_database, "0003")
    engine = make_engine(empty_database)
    t = _tables(engine)
    with engine.begin() as conn:
        conn.execute(t["proposal_lists"].insert().values(id=1, number="01/DS-UBND", created_on=dt.date(2026, 1, 5),
                                                         status="approved", created_at=NOW))
        conn.execute(t["proposal_lists"].insert().values(id=2, number="02/DS-UBND", created_on=dt.date(2026, 2, 5),
                                                         status="draft", created_at=NOW))
    engine.dispose()
    upgrade_database(empty_database, "0004")
    engine = make_engine(empty_database)
    t = _tables(engine)
    with engine.begin() as conn:
        rows = conn.execute(sa.select(t["proposal_lists"].c.id, t["proposal_lists"].c.number,
                                      t["proposal_lists"].c.status).order_by(t["proposal_lists"].c.id)).all()
        assert [tuple(r) for r in rows] == [(1, "01/DS-UBND", "approved"), (2, "02/DS-UBND", "draft")]
        conn.execute(t["proposal_lists"].insert().values(id=3, number=None, created_on=dt.date(2026, 3, 5),
                                                         status="cancelled", created_at=NOW))
    with pytest.raises(IntegrityError), engine.begin() as conn:  # a submitted list has a number
        conn.execute(t["proposal_lists"].insert().values(id=4, number=None, created_on=dt.date(2026, 3, 5),
                                                         status="submitted", created_at=NOW))
    engine.dispose()


# --------------------------------------------------------------------------------------------
# 0005: communes; every row of a single-commune database goes to one commune
# --------------------------------------------------------------------------------------------


def _history_at_0004(url: str) -> dict[str, int]:
    """A single-commune database as the code before 0005 left it (at 0004): three households (one in a
    hamlet not configured), their applications, an approved list, a handover and a cash payment
    with their receipts (numbers 7 and 3 of 2026), an allocation, a clerk, an admin, audit entries.
    Returns the row counts per table."""
    upgrade_database(url, "0004")
    engine = make_engine(url)
    t = _tables(engine)
    with engine.begin() as conn:
        conn.execute(t["users"].insert().values(id=1, username="admin", full_name="", password_hash="x", role="admin",
                                                active=True, must_change_password=False, session_token="a",
                                                created_at=NOW))
        conn.execute(t["users"].insert().values(id=2, username="canbo", full_name="", password_hash="x", role="clerk",
                                                active=True, must_change_password=False, session_token="b",
                                                created_at=NOW))
        conn.execute(t["proposal_lists"].insert().values(
            id=1, number="01/2026", created_on=dt.date(2026, 2, 1), status="approved", decision_number="12/QĐ-UBND",
            decision_date=dt.date(2026, 2, 10), approving_body="UBND xã Phú Tân", created_at=NOW))
        for n, hamlet in ((1, "Ấp Phú Hòa"), (2, "Ấp Phú Lợi"), (3, "Ấp Mới Lập")):
            conn.execute(t["households"].insert().values(
                id=n, code=f"PT-{n:04d}", head_name=f"Hộ {n}", hamlet=hamlet, members=1, meritorious=False,
                citizen_id=f"08207000000{n}", social_policy=False, prior_device="none", search_text="",
                sort_key="", archived=False, created_at=NOW, updated_at=NOW))
            conn.execute(t["applications"].insert().values(
                id=n, household_id=n, programme="VTCI-2025", tracking_code=f"K7QX9M4T{n:02d}",
                received_on=dt.date(2026, 1, 5), support_form="cash" if n == 2 else "package",
                state={1: "handed_over", 2: "paid", 3: "approved"}[n], proposal_list_id=1,
                state_changed_at=NOW, created_at=NOW))
        conn.execute(t["handovers"].insert().values(
            id=1, application_id=1, phone_make="Samsung", phone_model="Galaxy A05", telecom="VNPT",
            subscriber_number="0912345678", handed_on=dt.date(2026, 3, 2), recipient_name="Hộ 1", created_at=NOW))
        conn.execute(t["handover_imeis"].insert().values(handover_id=1, position=1, imei=IMEI_A, live=True))
        conn.execute(t["cash_payments"].insert().values(
            id=1, application_id=2, amount=500000, paid_on=dt.date(2026, 3, 3), purchase_date=dt.date(2023, 1, 1),
            recipient_name="Hộ 2", created_at=NOW))
        conn.execute(t["receipts"].insert().values(
            series="BB-VTCI", year=2026, number=7, kind="handover", application_id=1, handover_id=1,
            snapshot={"head_name": "Hộ 1"}, search_text="", issued_at=NOW, print_count=1))
        conn.execute(t["receipts"].insert().values(
            series="BN-VTCI", year=2026, number=3, kind="cash", application_id=2, cash_payment_id=1,
            snapshot={"head_name": "Hộ 2"}, search_text="", issued_at=NOW, print_count=1))
        conn.execute(t["receipt_counters"].insert().values(series="BB-VTCI", year=2026, last_number=7))
        conn.execute(t["receipt_counters"].insert().values(series="BN-VTCI", year=2026, last_number=3))
        conn.execute(t["allocations"].insert().values(quantity=5, allocated_on=dt.date(2026, 1, 20),
                                                      source_document="QĐ 12", created_at=NOW))
        conn.execute(t["audit_entries"].insert().values(at=NOW, actor_id=2, action="household.create",
                                                        entity_type="household", entity_id=1, changes={}))
        counts = {name: conn.execute(sa.select(sa.func.count()).select_from(t[name])).scalar_one()
                  for name in ("households", "applications", "proposal_lists", "handovers", "cash_payments",
                               "receipts", "receipt_counters", "allocations", "audit_entries", "users")}
    engine.dispose()
    return counts


def test_0005_puts_every_row_of_a_single_commune_database_in_one_commune(empty_database, monkeypatch):
    monkeypatch.setenv("COMMUNE_CODE", "PHUTAN")
    monkeypatch.setenv("COMMUNE_NAME", "xã Phú Tân")
    monkeypatch.setenv("COMMUNE_PLACE", "Phú Tân")
    monkeypatch.setenv("HAMLETS", "Ấp Phú Hòa;Ấp Phú Lợi")
    url = empty_database
    before = _history_at_0004(url)
    upgrade_database(url)
    engine = make_engine(url)
    with engine.connect() as conn:
        communes = conn.execute(sa.text("SELECT id, code, name, place_name, approval_level FROM communes")).all()
        assert [tuple(c)[1:] for c in communes] == [("PHUTAN", "xã Phú Tân", "Phú Tân", "commune")]
        cid = communes[0][0]
        # The configured hamlets first, in order, then the one found only on file.
        assert conn.execute(sa.text("SELECT name FROM hamlets WHERE commune_id = :c ORDER BY position"),
                            {"c": cid}).scalars().all() == ["Ấp Phú Hòa", "Ấp Phú Lợi", "Ấp Mới Lập"]
        for table, n in before.items():
            assert conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one() == n, table
            if table != "users":
                assert conn.execute(sa.text(f"SELECT count(*) FROM {table} WHERE commune_id = :c"),
                                    {"c": cid}).scalar_one() == n, table
        assert conn.execute(sa.text("SELECT username, commune_id FROM users ORDER BY id")).all() == [
            ("admin", None), ("canbo", cid)]
        assert conn.execute(sa.text("SELECT series, year, number FROM receipts ORDER BY id")).all() == [
            ("BB-VTCI", 2026, 7), ("BN-VTCI", 2026, 3)]
        assert conn.execute(sa.text("SELECT commune_id, series, year, last_number FROM receipt_counters "
                                    "ORDER BY series")).all() == [(cid, "BB-VTCI", 2026, 7), (cid, "BN-VTCI", 2026, 3)]
        if engine.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []

    def refused(sql: str) -> bool:
        with engine.connect() as conn:
            try:
                conn.execute(sa.text(sql))
            except IntegrityError:
                return True
            finally:
                conn.rollback()
        return False

    # A clerk needs a commune; admin has none. A CCCD stays unique across communes; a code per commune.
    assert refused("INSERT INTO users (username, full_name, password_hash, role, active, must_change_password, "
                   "session_token, created_at) VALUES ('x', '', 'x', 'clerk', true, false, 'c', '2026-01-01')")
    assert refused(f"INSERT INTO users (username, full_name, password_hash, role, active, must_change_password, "
                   f"session_token, created_at, commune_id) VALUES ('y', '', 'x', 'admin', true, false, 'd', "
                   f"'2026-01-01', {cid})")
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO communes (code, name, issuing_body, issuing_body_parent, place_name, province, "
                             "signer_title, signer_name, approval_level, active, created_at) VALUES ('PHUMY', 'xã Phú Mỹ', "
                             "'UBND', '', 'Phú Mỹ', '', '', '', 'commune', true, '2026-01-01')"))
        other = conn.execute(sa.text("SELECT id FROM communes WHERE code = 'PHUMY'")).scalar_one()
    ids = iter(range(100, 110))  # explicit ids: the rows above set theirs, so a sequence would collide
    household = ("INSERT INTO households (id, commune_id, code, head_name, hamlet, members, meritorious, social_policy, "
                 "prior_device, search_text, sort_key, archived, created_at, updated_at, citizen_id) VALUES "
                 "({id}, {c}, '{code}', 'X', 'Ấp', 1, false, false, 'none', '', '', false, '2026-01-01', '2026-01-01', {cid})")
    assert refused(household.format(id=next(ids), c=other, code="PM-1", cid="'082070000001'"))   # CCCD of Phú Tân's Hộ 1
    assert not refused(household.format(id=next(ids), c=other, code="PT-0001", cid="NULL"))      # same code, other commune
    assert refused(household.format(id=next(ids), c=cid, code="PT-0001", cid="NULL"))            # same code, same commune
    engine.dispose()


def test_0005_makes_no_commune_in_an_empty_database(empty_database):
    upgrade_database(empty_database)
    engine = make_engine(empty_database)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM communes")).scalar_one() == 0
    engine.dispose()


def test_0005_downgrade_and_up_again(empty_database):
    url = empty_database
    _history_at_0004(url)
    upgrade_database(url)
    from alembic import command

    from subsidy.db import alembic_config

    command.downgrade(alembic_config(url), "0004")
    engine = make_engine(url)
    t = _tables(engine)
    assert "communes" not in t and "commune_id" not in t["households"].c
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT number FROM receipts ORDER BY id")).scalars().all() == [7, 3]
    engine.dispose()
    upgrade_database(url)


# --------------------------------------------------------------------------------------------
# 0007: what a commune's documents print, from its row (filled from today's settings)
# --------------------------------------------------------------------------------------------


def test_0007_fills_existing_communes_from_the_configured_document_settings(empty_database, monkeypatch):
    monkeypatch.setenv("SIGNER_DEPUTY", "")          # the chairman signs himself
    monkeypatch.setenv("SIGNER_TITLE", "CHỦ TỊCH")
    monkeypatch.setenv("SIGNER_NAME", "Lê Văn Tám")
    monkeypatch.setenv("COMMUNE_ABBREVIATION", "UBND")
    monkeypatch.setenv("DOC_KIND_CODES", "list=DSHT")
    monkeypatch.setenv("DOC_RECIPIENTS", "Sở Khoa học và Công nghệ;Thường trực HĐND xã")
    monkeypatch.setenv("DOC_ARCHIVE", "VT, VHXH")
    monkeypatch.delenv("COMMUNE_SIGNER_TITLE", raising=False)
    monkeypatch.delenv("COMMUNE_SIGNER_NAME", raising=False)
    url = empty_database
    _history_at_0004(url)
    upgrade_database(url, "0006")
    engine = make_engine(url)
    with engine.begin() as conn:   # a second commune whose title was set by hand keeps it
        conn.execute(sa.text("INSERT INTO communes (code, name, issuing_body, issuing_body_parent, place_name, province, "
                             "signer_title, signer_name, approval_level, active, created_at) VALUES ('PHUMY', 'xã Phú Mỹ', "
                             "'ỦY BAN NHÂN DÂN XÃ PHÚ MỸ', '', 'Phú Mỹ', '', 'PHÓ CHỦ TỊCH', 'Trần Thị Ba', 'commune', "
                             "true, '2026-01-01')"))
    upgrade_database(url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT code, signer_authority, signer_deputy, signer_title, signer_name, abbreviation, kind_codes, "
            "recipients, archive FROM communes ORDER BY code")).all()
    assert [tuple(r) for r in rows] == [
        ("PHUMY", "TM. ỦY BAN NHÂN DÂN", "", "PHÓ CHỦ TỊCH", "Trần Thị Ba", "UBND", "list=DSHT",
         "Sở Khoa học và Công nghệ;Thường trực HĐND xã", "VT, VHXH"),
        ("PHUTAN", "TM. ỦY BAN NHÂN DÂN", "", "CHỦ TỊCH", "Lê Văn Tám", "UBND", "list=DSHT",
         "Sở Khoa học và Công nghệ;Thường trực HĐND xã", "VT, VHXH"),
    ]
    from alembic import command

    from subsidy.db import alembic_config

    command.downgrade(alembic_config(url), "0006")
    assert "abbreviation" not in _tables(engine)["communes"].c
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM communes")).scalar_one() == 2
    engine.dispose()
    upgrade_database(url)


# --------------------------------------------------------------------------------------------
# 0008: eligibility decisions carry their application's commune
# --------------------------------------------------------------------------------------------


def test_0008_gives_each_decision_its_applications_commune(empty_database):
    url = empty_database
    _history_at_0004(url)
    upgrade_database(url, "0007")
    engine = make_engine(url)
    t = _tables(engine)
    with engine.begin() as conn:
        first = conn.execute(sa.select(t["communes"].c.id)).scalar_one()
        other = _insert_commune(conn, t, "PHUMY", "Phú Mỹ")
        conn.execute(t["households"].insert().values(
            id=50, commune_id=other, code="PM-1", head_name="Hộ Mỹ", hamlet="Ấp", members=1, meritorious=False,
            social_policy=False, prior_device="none", search_text="", sort_key="", archived=False,
            created_at=NOW, updated_at=NOW))
        conn.execute(t["applications"].insert().values(
            id=50, commune_id=other, household_id=50, programme="VTCI-2025", tracking_code="K7QX9M4T50",
            received_on=dt.date(2026, 1, 5), support_form="package", state="eligible", state_changed_at=NOW,
            created_at=NOW))
        conn.execute(t["rule_sets"].insert().values(
            id=1, code="TT14-2022", version=1, title="TT14", legal_source="TT14", effective_from=dt.date(2022, 12, 12),
            eligible_categories=["poor"], support_amount=500000, cash_cutoff=dt.date(2022, 12, 12),
            priority_order=["P1"], definition={}, active=True, created_at=NOW))
        for app_id in (1, 50):
            conn.execute(t["eligibility_decisions"].insert().values(
                application_id=app_id, rule_set_id=1, outcome="eligible", failed_rules=[], results=[], facts={},
                decided_at=NOW))
    engine.dispose()
    upgrade_database(url, "0008")
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT application_id, commune_id FROM eligibility_decisions "
                                    "ORDER BY application_id")).all()
        if engine.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert [tuple(r) for r in rows] == [(1, first), (50, other)]
    engine.dispose()


# --------------------------------------------------------------------------------------------
# 0011: staff who sign documents need a full name
# --------------------------------------------------------------------------------------------


def test_0011_tidies_names_and_names_the_signing_accounts_without_one(empty_database, caplog):
    url = empty_database
    upgrade_database(url, "0010")
    engine = make_engine(url)
    t = _tables(engine)
    with engine.begin() as conn:
        commune = _insert_commune(conn, t, "PHUTAN", "Phú Tân")
        for uid, username, role, name, active in (
                (1, "admin", "admin", "", True), (2, "thu.ha", "clerk", "  Nguyễn   Thị Thu Hà ", True),
                (3, "canbo", "clerk", "   ", True), (4, "lanhdao", "approver", "", True),
                (5, "nghiviec", "clerk", "", False), (6, "dai", "radio", "", True),
                (7, "so.tinh", "province_officer", "", True)):
            conn.execute(t["users"].insert().values(
                id=uid, username=username, full_name=name, password_hash="x", role=role, active=active,
                must_change_password=False, session_token=f"t{uid}", created_at=NOW,
                commune_id=commune if role in ("clerk", "approver", "radio") else None))
    engine.dispose()
    with caplog.at_level("WARNING", logger="alembic.runtime.migration"):
        upgrade_database(url, "0011")
    engine = make_engine(url)
    with engine.connect() as conn:
        names = dict(conn.execute(sa.text("SELECT username, full_name FROM users")).all())
    engine.dispose()
    assert names["thu.ha"] == "Nguyễn Thị Thu Hà" and names["canbo"] == ""
    # active accounts of the roles that sign, without a name, by username (not the admin, the radio, a
    # deactivated clerk)
    assert ("Các tài khoản ký tên trên văn bản chưa có họ và tên: canbo, lanhdao, so.tinh." in caplog.text)


# --------------------------------------------------------------------------------------------
# 0013: «hộ mới thoát nghèo» (left_poor) is a category the database accepts
# --------------------------------------------------------------------------------------------


def test_0013_admits_left_poor_and_its_downgrade_waits_for_the_rows(empty_database):
    url = empty_database

    def household(conn, t, hid: int, category: str) -> None:
        commune = conn.execute(sa.select(t["communes"].c.id)).scalar_one()
        conn.execute(t["households"].insert().values(
            id=hid, commune_id=commune, code=f"H-{hid}", head_name="Hộ thử", hamlet="Ấp", members=1,
            meritorious=False, social_policy=False, prior_device="none", search_text=f"ho thu nghiem {hid}", sort_key="",
            archived=False,
            category=category, created_at=NOW, updated_at=NOW))

    upgrade_database(url, "0012")
    engine = make_engine(url)
    t = _tables(engine)
    with engine.begin() as conn:
        _insert_commune(conn, t, "PHUTAN", "Phú Tân")
        household(conn, t, 1, "poor")
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        household(conn, t, 2, "left_poor")
    engine.dispose()
    upgrade_database(url, "0013")
    engine = make_engine(url)
    t = _tables(engine)
    with engine.begin() as conn:
        household(conn, t, 2, "left_poor")
        conn.execute(t["household_statuses"].insert().values(household_id=2, year=2026, status="left_poor",
                                                             source="form", recorded_at=NOW))
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        household(conn, t, 3, "other")  # still only the categories named
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM households")).scalar() == 2  # the rows kept
        if engine.dialect.name == "sqlite":  # the rebuilt table keeps the search index in step (0010)
            triggers = conn.execute(sa.text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND "
                                            "tbl_name = 'households'")).scalars().all()
            assert sorted(triggers) == ["households_fts_ad", "households_fts_ai", "households_fts_au"]
            assert conn.execute(sa.text("SELECT rowid FROM households_fts WHERE search_text MATCH 'nghiem'")).all()
    engine.dispose()
    with pytest.raises(RuntimeError, match="holds left_poor"):
        from alembic import command

        from subsidy.db import alembic_config

        command.downgrade(alembic_config(url), "0012")


# --------------------------------------------------------------------------------------------
# 0014: each application's state through time as spans, filled from the history
# --------------------------------------------------------------------------------------------


def test_0014_fills_the_spans_of_states_from_the_history_and_downgrades(empty_database):
    url = empty_database
    _history_at_0004(url)
    upgrade_database(url, "0013")
    engine = make_engine(url)
    t = _tables(engine)
    first, second = dt.datetime(2026, 2, 1, 2, 0), dt.datetime(2026, 2, 9, 3, 0)
    with engine.begin() as conn:
        apps = [r[0] for r in conn.execute(sa.select(t["applications"].c.id).order_by(t["applications"].c.id))]
        a, b = apps[0], apps[1]
        # a: received, eligible, then two moves at the same instant (the later id is the state after)
        for state, at in (("received", first), ("eligible", second), ("proposed", VOIDED), ("eligible", VOIDED)):
            conn.execute(t["application_events"].insert().values(application_id=a, to_state=state, at=at))
        # b: one event, inserted after a's, dated before them
        conn.execute(t["application_events"].insert().values(application_id=b, to_state="received", at=NOW))
        ids = [r[0] for r in conn.execute(sa.select(t["application_events"].c.id)
                                          .order_by(t["application_events"].c.id))]
    engine.dispose()
    upgrade_database(url, "0014")
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(sa.text(
            "SELECT event_id, application_id, state, since, until FROM application_state_spans ORDER BY event_id"))]
    ts = [r[3:] for r in rows]
    assert [r[:3] for r in rows] == [(ids[0], a, "received"), (ids[1], a, "eligible"), (ids[2], a, "proposed"),
                                     (ids[3], a, "eligible"), (ids[4], b, "received")]
    assert [tuple(str(v)[:19] if v is not None else None for v in pair) for pair in ts] == [
        ("2026-02-01 02:00:00", "2026-02-09 03:00:00"), ("2026-02-09 03:00:00", "2026-03-05 09:00:00"),
        ("2026-03-05 09:00:00", "2026-03-05 09:00:00"), ("2026-03-05 09:00:00", None),
        ("2026-03-02 08:00:00", None)]
    engine.dispose()
    from alembic import command

    from subsidy.db import alembic_config
    command.downgrade(alembic_config(url), "0013")
    engine = make_engine(url)
    assert "application_state_spans" not in _tables(engine)
    engine.dispose()


# --------------------------------------------------------------------------------------------
# 0015: one live allocation per document (document_key), existing repeats kept without a key
# --------------------------------------------------------------------------------------------


def test_0015_keys_the_documents_leaves_existing_repeats_out_and_refuses_new_ones(empty_database):
    url = empty_database
    upgrade_database(url, "0014")
    engine = make_engine(url)
    t = _tables(engine)
    pa, al = t["province_allocations"], t["allocations"]
    with engine.begin() as conn:
        commune = _insert_commune(conn, t, "PHUTAN", "Phú Tân")
        for n, (doc, voided) in enumerate([("QĐ 100/QĐ-BKHCN", False), ("qđ 100 / qđ-bkhcn", False),
                                           ("QĐ 100/QĐ-BKHCN", True)], start=1):
            conn.execute(pa.insert().values(id=n, quantity=5, received_on=dt.date(2026, 1, 1), source_document=doc,
                                            created_at=NOW, voided_at=VOIDED if voided else None,
                                            void_reason="Nhầm" if voided else None))
        # (id, document, share of province allocation 1?, voided?)
        for n, doc, share, voided in [(1, "Công văn số 300/SKHCN-BCVT", False, False),
                                      (2, "Công văn số 300/SKHCN-BCVT", False, False),  # the double submission
                                      (3, "QĐ 100/QĐ-BKHCN", True, False), (4, "QĐ 100/QĐ-BKHCN", True, False),
                                      (5, "Công văn số 300/SKHCN-BCVT", False, True)]:
            conn.execute(al.insert().values(id=n, commune_id=commune, province_allocation_id=1 if share else None,
                                            quantity=1, allocated_on=dt.date(2026, 1, 2), source_document=doc,
                                            created_at=NOW, voided_at=VOIDED if voided else None,
                                            void_reason="Nhầm" if voided else None))
    engine.dispose()
    upgrade_database(url, "0015")
    engine = make_engine(url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT id, document_key FROM province_allocations ORDER BY id")).all() == [
            (1, "qđ100/qđ-bkhcn"), (2, None), (3, "qđ100/qđ-bkhcn")]
        assert conn.execute(sa.text("SELECT id, document_key FROM allocations ORDER BY id")).all() == [
            (1, "côngvănsố300/skhcn-bcvt"), (2, None), (3, "qđ100/qđ-bkhcn"), (4, "qđ100/qđ-bkhcn"),
            (5, "côngvănsố300/skhcn-bcvt")]
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO allocations (commune_id, quantity, allocated_on, source_document, "
                             "document_key, created_at) VALUES (:c, 1, '2026-01-03', 'CV 300', "
                             "'côngvănsố300/skhcn-bcvt', '2026-01-03 08:00:00')"), {"c": commune})
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO province_allocations (quantity, received_on, source_document, document_key, "
                             "created_at) VALUES (1, '2026-01-03', 'QĐ 100', 'qđ100/qđ-bkhcn', '2026-01-03 08:00:00')"))
    engine.dispose()
    from alembic import command

    from subsidy.db import alembic_config
    command.downgrade(alembic_config(url), "0014")
    engine = make_engine(url)
    assert "document_key" not in _tables(engine)["allocations"].c
    engine.dispose()


# --------------------------------------------------------------------------------------------
# 0016: one draft per commune, one decision number per commune and year (existing repeats kept)
# --------------------------------------------------------------------------------------------


def test_0016_marks_older_drafts_keys_decisions_leaves_repeats_out_and_refuses_new_ones(empty_database, caplog):
    url = empty_database
    upgrade_database(url, "0015")
    engine = make_engine(url)
    t = _tables(engine)
    pl = t["proposal_lists"]
    with engine.begin() as conn:
        a = _insert_commune(conn, t, "PHUTAN", "Phú Tân")
        b = _insert_commune(conn, t, "PHUMY", "Phú Mỹ")
        # (id, commune, status, number, decision number, decision date)
        for n, commune, status, number, decision, day in [
                (1, a, "draft", None, None, None), (2, a, "draft", None, None, None),   # two drafts of A
                (3, a, "draft", None, None, None), (4, b, "draft", None, None, None),   # … three; B's one
                (5, a, "approved", "01/DS-UBND", "012/QĐ-UBND", dt.date(2025, 7, 10)),
                (6, a, "approved", "02/DS-UBND", "12/QĐ-UBND", dt.date(2025, 8, 1)),    # the same number
                (7, a, "approved", "03/DS-UBND", "12/QĐ-UBND", dt.date(2026, 1, 5)),    # another year
                (8, b, "approved", "01/DS-UBND", "12/QĐ-UBND", dt.date(2025, 7, 10)),   # another commune
                (9, a, "cancelled", None, None, None)]:
            conn.execute(pl.insert().values(id=n, commune_id=commune, status=status, number=number,
                                            decision_number=decision, decision_date=day,
                                            created_on=dt.date(2025, 7, 1), created_at=NOW))
    engine.dispose()
    with caplog.at_level("WARNING", logger="alembic.runtime.migration"):
        upgrade_database(url, "0016")
    assert f"commune {a}: lists [1, 2]" in caplog.text and "proposal_lists [6] repeat the decision" in caplog.text
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT id, duplicate_draft, decision_key FROM proposal_lists ORDER BY id")).all()
    assert [(r[0], bool(r[1]), r[2]) for r in rows] == [
        (1, True, None), (2, True, None), (3, False, None), (4, False, None), (5, False, "2025:12/QĐ-UBND"),
        (6, False, None), (7, False, "2026:12/QĐ-UBND"), (8, False, "2025:12/QĐ-UBND"), (9, False, None)]
    with pytest.raises(IntegrityError), engine.begin() as conn:  # a second draft of B
        conn.execute(sa.text("INSERT INTO proposal_lists (commune_id, status, created_on, created_at) "
                             "VALUES (:c, 'draft', '2025-07-02', '2025-07-02 08:00:00')"), {"c": b})
    with pytest.raises(IntegrityError), engine.begin() as conn:  # A's 12/QĐ-UBND of 2026 again
        conn.execute(sa.text("INSERT INTO proposal_lists (commune_id, status, number, decision_number, decision_date, "
                             "decision_key, created_on, created_at) VALUES (:c, 'approved', '04/DS-UBND', "
                             "'12/QĐ-UBND', '2026-02-01', '2026:12/QĐ-UBND', '2025-07-02', '2025-07-02 08:00:00')"),
                     {"c": a})
    engine.dispose()
    from alembic import command

    from subsidy.db import alembic_config
    command.downgrade(alembic_config(url), "0015")
    engine = make_engine(url)
    assert {"decision_key", "duplicate_draft"}.isdisjoint(_tables(engine)["proposal_lists"].c)
    engine.dispose()


# --------------------------------------------------------------------------------------------
# 0017: the CHECK constraints of households and statuses as OR-ed equalities (db.one_of)
# --------------------------------------------------------------------------------------------


def test_0017_keeps_the_rows_and_the_same_values_allowed_and_downgrades(empty_database):
    url = empty_database
    from alembic import command

    from subsidy.db import alembic_config

    def household(conn, t, hid: int, **values) -> None:
        commune = conn.execute(sa.select(t["communes"].c.id)).scalar_one()
        row = dict(id=hid, commune_id=commune, code=f"H-{hid}", head_name="Hộ thử", hamlet="Ấp", members=1,
                   meritorious=False, social_policy=False, prior_device="none", search_text=f"ho thu nghiem {hid}",
                   sort_key="", archived=False, category="poor", created_at=NOW, updated_at=NOW)
        conn.execute(t["households"].insert().values(row | values))

    def status(conn, t, hid: int, **values) -> None:
        conn.execute(t["household_statuses"].insert().values(
            dict(household_id=hid, year=2026, status="poor", source="import", recorded_at=NOW) | values))

    def refused(engine, write) -> bool:
        tables = _tables(engine)  # reflected before the write's transaction takes SQLite's lock
        try:
            with engine.begin() as conn:
                write(conn, tables)
        except sa.exc.IntegrityError:
            return True
        return False

    upgrade_database(url, "0016")
    engine = make_engine(url)
    t = _tables(engine)
    with engine.begin() as conn:
        _insert_commune(conn, t, "PHUTAN", "Phú Tân")
        household(conn, t, 1, category="near_poor", prior_device="vtci_tablet")
        status(conn, t, 1, status="not_listed", source="left_sheet")
    engine.dispose()

    for step in ("up", "down", "up"):
        if step == "up":
            upgrade_database(url, "0017")
        else:
            command.downgrade(alembic_config(url), "0016")
        engine = make_engine(url)
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT id, category, prior_device FROM households")).all() == [
                (1, "near_poor", "vtci_tablet")]
            assert conn.execute(sa.text("SELECT status, source FROM household_statuses")).all() == [
                ("not_listed", "left_sheet")]
            if engine.dialect.name == "sqlite":
                sql = conn.execute(sa.text("SELECT group_concat(sql, ' ') FROM sqlite_master WHERE tbl_name IN "
                                           "('households', 'household_statuses')")).scalar_one()
                assert ("category = 'left_poor'" in sql and "source = 'replaced'" in sql) == (step == "up")
                assert ("IN ('migration','import','form','left_sheet','replaced')" in sql) == (step == "down")
                triggers = conn.execute(sa.text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND "
                                                "tbl_name = 'households'")).scalars().all()
                assert sorted(triggers) == ["households_fts_ad", "households_fts_ai", "households_fts_au"]
                assert conn.execute(sa.text("SELECT rowid FROM households_fts WHERE search_text MATCH 'nghiem'")
                                    ).scalars().all() == [1]
        # Every value named stays allowed, NULL where it was, anything else refused.
        n = {"up": 10, "down": 40}[step]
        for i, category in enumerate(("poor", "near_poor", "left_poor", None)):
            assert not refused(engine, lambda c, t, i=i, category=category: household(c, t, n + i, category=category))
        for i, device in enumerate(("unknown", "none", "learning_device")):
            assert not refused(engine, lambda c, t, i=i, d=device: household(c, t, n + 10 + i, prior_device=d))
        assert refused(engine, lambda c, t: household(c, t, n + 20, category="other"))
        assert refused(engine, lambda c, t: household(c, t, n + 21, prior_device=None))
        assert refused(engine, lambda c, t: household(c, t, n + 22, prior_device="phone"))
        for i, (st, source) in enumerate((("poor", "migration"), ("near_poor", "import"), ("left_poor", "form"),
                                          ("not_listed", "replaced"))):
            assert not refused(engine, lambda c, t, i=i, st=st, s=source: status(c, t, n + i, status=st, source=s,
                                                                                 year=2027 + (step == "down")))
        assert refused(engine, lambda c, t: status(c, t, n, status="other", year=2030))
        assert refused(engine, lambda c, t: status(c, t, n, source="api", year=2031))
        assert refused(engine, lambda c, t: status(c, t, n, status=None, year=2032))
        with engine.begin() as conn:  # the next round starts from the first household alone
            conn.execute(sa.text("DELETE FROM household_statuses WHERE household_id <> 1"))
            conn.execute(sa.text("DELETE FROM households WHERE id <> 1"))
        engine.dispose()


# --------------------------------------------------------------------------------------------
# 0018: households.code indexed; PostgreSQL: the households' key behind a space, tracking codes
# --------------------------------------------------------------------------------------------


def _index_names(engine, table: str) -> set[str]:
    """Every index of ``table`` by name (PostgreSQL: from pg_indexes, so the GIN indexes the models
    do not describe are listed too)."""
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            return set(conn.execute(sa.text("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() "
                                             "AND tablename = :t"), {"t": table}).scalars())
    return {i["name"] for i in sa.inspect(engine).get_indexes(table)}


def test_0018_indexes_the_code_and_the_spaced_key_and_downgrades(empty_database):
    url = empty_database
    upgrade_database(url, "0017")
    engine = make_engine(url)
    postgres = engine.dialect.name == "postgresql"
    assert "ix_households_code" not in _index_names(engine, "households")
    assert ("ix_households_commune_search_trgm" in _index_names(engine, "households")) == postgres
    engine.dispose()
    upgrade_database(url, "0018")
    engine = make_engine(url)
    households, applications = _index_names(engine, "households"), _index_names(engine, "applications")
    assert "ix_households_code" in households
    assert "ix_households_commune_search_trgm" not in households
    assert ("ix_households_commune_spaced_trgm" in households) == postgres
    assert ("ix_applications_tracking_trgm" in applications) == postgres
    if postgres:
        with engine.connect() as conn:
            spaced = conn.execute(sa.text("SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                                          "AND indexname = 'ix_households_commune_spaced_trgm'")).scalar_one()
        assert "gin (commune_id, ((' '::text || search_text))" in spaced, spaced
    engine.dispose()
    from alembic import command

    from subsidy.db import alembic_config
    command.downgrade(alembic_config(url), "0017")
    engine = make_engine(url)
    households, applications = _index_names(engine, "households"), _index_names(engine, "applications")
    assert "ix_households_code" not in households and "ix_households_commune_spaced_trgm" not in households
    assert ("ix_households_commune_search_trgm" in households) == postgres
    assert "ix_applications_tracking_trgm" not in applications
    engine.dispose()
