"""The bulk write path past one batch: a list of more rows than the writer sends per statement
(1,000) is inserted, then updated, entirely and correctly, with the defaults and keys a household
saved through the form gets."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select, text

from subsidy.models import AuditEntry, Household
from subsidy.services.importer import import_households

ROWS = 1_050  # two batches, the second one partial
HEADER = "Mã hộ,Họ và tên chủ hộ,Năm sinh,Giới tính,Ấp,Phân loại hộ,Số điện thoại"
# Given names with their folded search words, in Vietnamese list order (d < h; o < u; l < n; â < h).
GIVEN = (("Dũng", "dung"), ("Hoa", "hoa"), ("Hùng", "hung"), ("Lan", "lan"), ("Nghĩa", "nghia"),
         ("Tâm", "tam"), ("Thu", "thu"))


def list_csv(phone_prefix: str) -> bytes:
    lines = [HEADER]
    for i in range(ROWS):
        lines.append(f"82{i:08d},Nguyễn Văn {GIVEN[i % 7][0]},{1950 + i % 50},Nam,Ấp Phú Hòa,Hộ nghèo,"
                     f"{phone_prefix}{i:08d}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def test_more_rows_than_one_batch_are_inserted_then_updated(session, clerk):
    before = now()
    report = import_households(session, list_csv("09"), "ho-ngheo-2025.csv", clerk)
    after = now()
    session.commit()
    assert report.counts["new"] == ROWS and report.counts["error"] == 0

    stored = {h.code: h for h in session.scalars(select(Household))}
    assert len(stored) == ROWS
    for i in (0, 999, 1000, ROWS - 1):
        h = stored[f"82{i:08d}"]
        given, folded = GIVEN[i % 7]
        assert (h.head_name, h.head_birth_year, h.phone) == (f"Nguyễn Văn {given}", 1950 + i % 50, f"09{i:08d}")
        # The defaults a household typed in the form gets (members 1, no marks, device unknown).
        assert (h.members, h.meritorious, h.social_policy, h.prior_device, h.archived, h.list_year) == (
            1, False, False, "unknown", False, 2025)
        assert h.search_text == f" nguyen van {folded} 82{i:08d} 09{i:08d} "
        assert h.created_by_id == clerk.id
        assert before <= h.created_at == h.updated_at <= after
    ordered = [name for (name,) in session.execute(select(Household.head_name)
                                                   .order_by(Household.sort_key, Household.id))]
    assert list(dict.fromkeys(ordered)) == [f"Nguyễn Văn {given}" for given, _ in GIVEN]
    creates = session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "household.create"))
    assert creates == ROWS
    created_at = stored["8200001001"].created_at
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "household.create",
                                                     AuditEntry.entity_id == stored["8200001001"].id)).one()
    assert entry.at == created_at

    before = now()
    report = import_households(session, list_csv("03"), "ho-ngheo-2025.csv", clerk)
    after = now()
    session.commit()
    assert report.counts["update"] == ROWS
    phones = dict(session.execute(select(Household.code, Household.phone)).all())
    assert phones == {f"82{i:08d}": f"03{i:08d}" for i in range(ROWS)}
    texts = dict(session.execute(select(Household.code, Household.search_text)).all())
    assert texts["8200001020"] == " nguyen van tam 8200001020 0300001020 "
    updates = session.scalars(select(AuditEntry).where(AuditEntry.action == "household.update")).all()
    assert len(updates) == ROWS
    assert [e.changes for e in updates if e.entity_id == stored["8200001001"].id] == [
        {"phone": ["0900001001", "0300001001"]}]
    times = session.execute(select(Household.created_at, Household.updated_at)
                            .where(Household.code == "8200001001")).one()
    assert times.created_at == created_at and before <= times.updated_at <= after


def test_new_ids_below_a_row_written_with_its_own_id_are_found(session, clerk):
    """A household written with an id of its own far above the others (a copied row): on
    PostgreSQL the sequence then gives the import's rows ids below it, which the look-up by id
    range misses; they are found by their codes. Every row gets its own household's id."""
    from tests import factories

    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT nextval(pg_get_serial_sequence('households', 'id'))"))  # the sequence moves on
    # Written with its own id (the search index's trigger takes it like any other row).
    factories.household(session, id=900_000, code="9999999999", head_name="Phạm Văn Cao")
    session.commit()
    report = import_households(session, list_csv("03"), "ho-ngheo-2025.csv", clerk)
    session.commit()
    assert report.counts["new"] == ROWS
    by_code = dict(session.execute(select(Household.code, Household.id)).all())
    assert len(by_code) == ROWS + 1 and by_code["9999999999"] == 900_000
    written = {r.code: r.household_id for r in report.rows if r.status == "new"}
    assert written == {code: hid for code, hid in by_code.items() if code != "9999999999"}
    assert len(set(written.values())) == ROWS
