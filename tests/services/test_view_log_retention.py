"""Retention of the view log: `prune-view-log` (and `backup --prune-views`) removes the entries saying
who saw personal data once older than the period, keeps every change whatever its age, and leaves
one entry with the count. Dates are real instants around the cut-off (local midnight, N years ago)."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import select

from subsidy.domain.calendar import years_before
from subsidy.models import AuditEntry

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=VN).astimezone(dt.timezone.utc)


def _seed(session, years: int) -> dict[str, int]:
    """View and change entries around today's date ``years`` years ago (Việt Nam time): the
    cut-off is 00:00 of that day, so 23:59 the day before goes and 00:01 that day stays."""
    today = dt.datetime.now(VN).date()
    edge = today.replace(year=today.year - years) if (today.month, today.day) != (2, 29) else dt.date(today.year - years, 2, 28)
    before_edge = edge - dt.timedelta(days=1)
    rows = {
        "old_page_view": ("household.view", _at(before_edge, 23, 59)),
        "old_list_view": ("household.list.view", _at(edge - dt.timedelta(days=400), 9)),
        "old_api_read": ("api.household.read", _at(before_edge, 8)),
        "old_api_list": ("api.application.list", _at(before_edge, 8)),
        "old_receipt_view": ("receipt.view", _at(edge - dt.timedelta(days=3000), 8)),
        "old_export": ("list.export", _at(before_edge, 16)),
        "old_change": ("household.update", _at(edge - dt.timedelta(days=3000), 8)),
        "old_print": ("receipt.print", _at(before_edge, 10)),
        "edge_view": ("application.view", _at(edge, 0, 1)),
        "recent_view": ("household.view", _at(today, 7)),
        "recent_change": ("household.create", _at(today, 7)),
    }
    ids = {}
    for name, (action, at) in rows.items():
        entry = AuditEntry(action=action, entity_type=action.split(".")[-2] if action.startswith("api.") else action.split(".")[0],
                           entity_id=1, changes={}, at=at)
        session.add(entry)
        session.flush()
        ids[name] = entry.id
    session.commit()
    return ids


def _left(session) -> set[int]:
    session.expire_all()
    ids = set(session.scalars(select(AuditEntry.id)))
    session.rollback()  # end the read, so the command can write (SQLite)
    return ids


def test_years_before_keeps_the_day_or_takes_28_february():
    assert years_before(dt.date(2026, 3, 5), 5) == dt.date(2021, 3, 5)
    assert years_before(dt.date(2028, 2, 29), 5) == dt.date(2023, 2, 28)
    assert years_before(dt.date(2028, 2, 29), 4) == dt.date(2024, 2, 29)


def test_prune_removes_old_views_keeps_changes_and_logs_the_count(app, session):
    ids = _seed(session, 5)
    runner = app.test_cli_runner()

    dry = runner.invoke(args=["prune-view-log", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "có 6 lượt xem" in dry.output and "không xóa gì" in dry.output
    assert _left(session) == set(ids.values())  # nothing removed, nothing logged

    result = runner.invoke(args=["prune-view-log"])
    assert result.exit_code == 0, result.output
    assert "Đã xóa 6 lượt xem" in result.output
    left = _left(session)
    gone = {"old_page_view", "old_list_view", "old_api_read", "old_api_list", "old_receipt_view", "old_export"}
    assert {n for n, i in ids.items() if i not in left} == gone
    log = session.execute(select(AuditEntry.actor_id, AuditEntry.changes)
                          .where(AuditEntry.action == "audit.prune_views")).all()
    session.rollback()
    assert len(log) == 1 and log[0].actor_id is None
    assert log[0].changes["removed"] == 6 and log[0].changes["years"] == 5
    today = dt.datetime.now(VN).date()
    cut = dt.datetime.fromisoformat(log[0].changes["before"]).astimezone(VN)
    assert (cut.date(), cut.hour, cut.minute) == (years_before(today, 5), 0, 0)

    again = runner.invoke(args=["prune-view-log"])
    assert "Đã xóa 0 lượt xem" in again.output
    assert len(_left(session)) == len(left) + 1  # only the second pruning's own entry added


def test_a_shorter_period_on_the_command_line_and_in_the_settings(app, session):
    ids = _seed(session, 5)
    # Seeded for 5 years; with 1 year every view before today-1y goes, the edge view and the
    # recent one (today) stay.
    result = app.test_cli_runner().invoke(args=["prune-view-log", "--older-than-years", "1"])
    assert result.exit_code == 0, result.output
    assert "Đã xóa 7 lượt xem" in result.output and "giữ 1 năm" in result.output
    assert ids["recent_view"] in _left(session) and ids["edge_view"] not in _left(session)
    app.config["VIEW_LOG_RETENTION_YEARS"] = 0
    refused = app.test_cli_runner().invoke(args=["prune-view-log"])
    assert refused.exit_code != 0 and "từ 1 năm trở lên" in refused.output


def test_the_scheduled_backup_prunes_after_backing_up(app, session, tmp_path):
    ids = _seed(session, 5)
    app.config["BACKUP_KEY_FILE"] = str(tmp_path / "backup.key")
    result = app.test_cli_runner().invoke(args=["backup", "--output", f"{tmp_path}/b/", "--keep", "3", "--prune-views"])
    assert result.exit_code == 0, result.output
    assert "Đã sao lưu" in result.output and "Đã xóa 6 lượt xem" in result.output
    assert ids["old_page_view"] not in _left(session) and ids["old_change"] in _left(session)
    # The archive was made before the pruning: it still counts all 11 entries.
    from subsidy.services.backup import read_manifest
    from subsidy.services.backup.archive import load_key

    (archive,) = (tmp_path / "b").glob("*.vtcibak")
    work = tmp_path / "w"
    work.mkdir()
    manifest, zf = read_manifest(archive, load_key(tmp_path / "backup.key"), work)
    zf.close()
    assert manifest["tables"]["audit_entries"] == 11
