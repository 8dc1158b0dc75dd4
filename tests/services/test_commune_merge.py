"""Two communes that ran their own copies (single-commune SQLite databases built by the migration
head before communes) join one province: every commune's export, tally and receipt numbers are the
same before and after; a conflict is listed and nothing is written while it is left."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from subsidy.db import make_engine, make_sessionmaker, upgrade_database
from subsidy.models import Application, Household, Receipt, User
from subsidy.models.scoping import set_commune
from subsidy.services import commune_merge, communes
from subsidy.services.errors import ServiceError
from subsidy.services.households import export_households
from subsidy.services.tally import tally
from tests.test_migrations import _history_at_0004


def _old_database(tmp_path: Path, name: str, shift: int) -> Path:
    """A single-commune database at 0004 (tests/test_migrations._history_at_0004), its people,
    accounts, tracking codes and IMEIs made distinct by ``shift``."""
    path = tmp_path / f"{name}.sqlite3"
    _history_at_0004(f"sqlite:///{path}")
    return _shifted(path, name, shift)


def _shifted(path: Path, name: str, shift: int) -> Path:
    """Make the people, accounts, tracking codes and IMEIs of the 0004 database ``path`` distinct
    by ``name`` and ``shift`` (see _old_database); returns ``path``."""
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(text(f"UPDATE households SET citizen_id = substr(citizen_id, 1, 9) || '{shift}' || "
                          f"substr(citizen_id, 11, 2), head_name = head_name || ' {name}'"))
        conn.execute(text(f"UPDATE users SET username = username || '.{name}'"))
        conn.execute(text(f"UPDATE applications SET tracking_code = substr(tracking_code, 1, 8) || '{shift}' || "
                          f"substr(tracking_code, 10, 1)"))
        conn.execute(text(f"UPDATE handover_imeis SET imei = '35000000000{shift}' || substr(imei, 13, 4)"))
    engine.dispose()
    return path


def _figures(session) -> tuple:
    """What a commune's people see: its export, its tally's totals for March 2026, its receipts."""
    rows = export_households(session, include_archived=True)
    t = tally(session, "2026-03", cumulative=True)
    receipts = sorted(session.execute(select(Receipt.series, Receipt.year, Receipt.number)).all())
    return rows, t.totals.as_dict(), receipts


def _alone(path: Path, tmp_path: Path) -> tuple:
    copy = tmp_path / f"alone-{path.name}"
    shutil.copyfile(path, copy)
    upgrade_database(f"sqlite:///{copy}")
    engine = make_engine(f"sqlite:///{copy}")
    s = make_sessionmaker(engine)()
    try:
        return _figures(s)
    finally:
        s.close()
        engine.dispose()


def test_two_communes_join_one_province_unchanged(app, session, tmp_path):
    old_a, old_b = _old_database(tmp_path, "an", 4), _old_database(tmp_path, "binh", 5)
    before = {"XAA": _alone(old_a, tmp_path), "XAB": _alone(old_b, tmp_path)}
    a = communes.create_commune(session, communes.CommuneInput(code="XAA", name="xã An"), None)
    b = communes.create_commune(session, communes.CommuneInput(code="XAB", name="xã Bình"), None)
    plan, _ = commune_merge.plan_merge(session, old_a, a)
    assert plan.conflicts == [] and plan.counts["households"] == 3 and plan.counts["receipts"] == 2
    assert session.scalar(select(func.count()).select_from(Household)) == 0  # a dry run writes nothing
    commune_merge.merge(session, old_a, a, None)
    commune_merge.merge(session, old_b, b, None)
    session.commit()
    for commune in (a, b):
        set_commune(session, commune.id)
        assert _figures(session) == before[commune.code], commune.code
        set_commune(session, None)
    # accounts bound to their commune, passwords kept; the old admins are locked approvers
    users = {u.username: (u.role, u.commune_id, u.active, u.password_hash) for u in session.scalars(select(User))}
    assert users["canbo.an"] == ("clerk", a.id, True, "x") and users["admin.binh"] == ("approver", b.id, False, "x")
    assert session.scalar(select(func.count()).select_from(Application)) == 6


def test_a_conflict_is_listed_and_nothing_is_written(session, tmp_path):
    old_a = _old_database(tmp_path, "an", 4)
    a = communes.create_commune(session, communes.CommuneInput(code="XAA", name="xã An"), None)
    b = communes.create_commune(session, communes.CommuneInput(code="XAB", name="xã Bình"), None)
    commune_merge.merge(session, old_a, a, None)
    session.commit()
    plan, _ = commune_merge.plan_merge(session, old_a, b)  # the same people again, in another commune
    assert any(c.startswith("Số CCCD 0820700004") for c in plan.conflicts)
    assert any("Tên đăng nhập canbo.an" in c for c in plan.conflicts)
    assert any("Mã tra cứu" in c for c in plan.conflicts) and any("IMEI" in c for c in plan.conflicts)
    with pytest.raises(ServiceError, match="Không gộp được"):
        commune_merge.merge(session, old_a, b, None)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Household).where(Household.commune_id == b.id)) == 0


def test_the_command_previews_and_refuses_a_file_that_is_not_a_database(app, tmp_path):
    s = app.extensions["subsidy.sessionmaker"]()
    communes.create_commune(s, communes.CommuneInput(code="XAA", name="xã An"), None)
    s.commit()
    s.close()
    old_a = _old_database(tmp_path, "an", 4)
    runner = app.test_cli_runner()
    res = runner.invoke(args=["import-commune-db", str(old_a), "--commune", "XAA", "--dry-run"])
    assert res.exit_code == 0 and "Xem trước:" in res.output and "households 3" in res.output
    bad = tmp_path / "not.sqlite3"
    bad.write_text("không phải cơ sở dữ liệu")
    res = runner.invoke(args=["import-commune-db", str(bad), "--commune", "XAA"])
    assert res.exit_code == 1 and res.output.startswith("Lỗi: Tệp not.sqlite3 không phải")
