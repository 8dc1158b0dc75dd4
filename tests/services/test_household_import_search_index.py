"""SQLite: an import writes the households' FTS5 index entries in bulk (importer/search_bulk.py)
instead of through the per-row triggers; the index it leaves is the one the triggers would have
written, entry for entry (FTS5's own vocabulary table, one row per term occurrence, compared with
the index rebuilt from the table), after inserts and after updates, and the triggers are back as
they were, also after a rollback."""
from __future__ import annotations

import pytest
from sqlalchemy import select, text

from subsidy.models import Household
from subsidy.services import households as svc
from subsidy.services.importer import import_households
from tests import factories as f
from tests.services.test_household_import_bulk import ROWS, list_csv


@pytest.fixture
def sqlite(session):
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("the FTS5 index is SQLite's (PostgreSQL: a GIN index kept by the database itself)")
    return session


def triggers(session) -> dict[str, str]:
    return dict(session.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                                     "AND tbl_name = 'households'")).all())


def index_entries(session) -> list[tuple]:
    """Every occurrence of every trigram in the index: (term, rowid, column, offset), sorted."""
    session.execute(text("CREATE VIRTUAL TABLE IF NOT EXISTS temp.households_vocab "
                         "USING fts5vocab(main, households_fts, instance)"))
    return sorted(session.execute(text("SELECT term, doc, col, offset FROM temp.households_vocab")).all())


def as_rebuilt(session) -> list[tuple]:
    """The entries the index holds once rebuilt from the households table (what the triggers
    keep), then the index as it was (the rebuild is rolled back)."""
    nested = session.begin_nested()
    session.execute(text("INSERT INTO households_fts(households_fts) VALUES ('rebuild')"))
    entries = index_entries(session)
    nested.rollback()
    return entries


def test_an_import_leaves_the_index_the_triggers_would_have_written(sqlite, clerk):
    session = sqlite
    before = triggers(session)
    assert set(before) == {"households_fts_ai", "households_fts_ad", "households_fts_au"}
    # A household typed in the form before the list: indexed by the trigger, left alone by the import.
    typed = f.household(session, code="9900000001", head_name="Phùng Thị Xuyến")
    session.commit()

    report = import_households(session, list_csv("09"), "ho-ngheo-2025.csv", clerk)
    session.commit()
    assert report.counts["new"] == ROWS
    assert triggers(session) == before
    entries = index_entries(session)
    assert len({doc for _t, doc, _c, _o in entries}) == ROWS + 1
    assert entries == as_rebuilt(session)
    stored = {h.code: h.id for h in session.scalars(select(Household))}
    assert [h.id for h in svc.search_households(session, "00001049")] == [stored["8200001049"]]
    assert [h.id for h in svc.search_households(session, "xuyen")] == [typed.id]

    # The same households with other phone numbers: every row updated, old numbers out of the index.
    report = import_households(session, list_csv("07"), "ho-ngheo-2025.csv", clerk)
    session.commit()
    assert report.counts["update"] == ROWS
    assert triggers(session) == before
    assert index_entries(session) == as_rebuilt(session)
    assert svc.search_households(session, "0900001049") == []
    assert [h.id for h in svc.search_households(session, "0700001049")] == [stored["8200001049"]]

    # The triggers still keep the index for the other writes.
    h = session.get(Household, stored["8200000000"])
    h.head_name = "Phùng Thị Khuyên"
    h.search_text, h.sort_key = svc.derived_keys(h.head_name, h.code, None, h.phone)
    session.commit()
    assert [x.id for x in svc.search_households(session, "khuyen")] == [h.id]
    assert index_entries(session) == as_rebuilt(session)


def test_a_rolled_back_import_leaves_triggers_and_index_as_they_were(sqlite, clerk):
    session = sqlite
    before = triggers(session)
    import_households(session, list_csv("09"), "ho-ngheo-2025.csv", clerk)
    session.rollback()
    assert triggers(session) == before
    assert session.scalar(select(Household.id).limit(1)) is None
    assert index_entries(session) == []
