"""The application queue's search (services.application_queue): an application is found by its
tracking code (whole, as typed, or a part of it), or by its household as the household search
finds it (name words, the exact household code or CCCD, digits as far as the searcher sees them,
domain.md §9–§10). The households are read by their ids and the tracking code beside them
(search_index.ids_in), so every way to match is a condition on applications alone; these tests pin
the rows, the order and the tab counts on the suite's database (SQLite, and PostgreSQL in CI's
second pass), across communes and in one commune, and on PostgreSQL that the plan reads indexes
only. The queue page (svc.queue) reads the search's households once, by one SELECT, and names
them by id in its page and its counts: the same rows and counts as the statements that read them
themselves.

What each search finds is written out by hand below, not computed by the search code."""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pytest
from sqlalchemy import event, insert, select, text

from subsidy.models import Application, Commune
from subsidy.models.scoping import set_commune
from subsidy.models.search_index import among
from subsidy.services import applications as svc
from subsidy.services import lookup
from subsidy.services.pagination import keyset
from tests import factories as f

#: (tracking code, household key, programme, received on, state) — household keys below.
APPLICATIONS = [
    ("KXQWRTYHMN", "hung", "VTCI-2025", dt.date(2026, 3, 2), "received"),
    ("KXQWRTYHM2", "hung", "VTCI-2026", dt.date(2026, 3, 9), "eligible"),  # the same household, a second programme
    ("PQRSTUVWXY", "lan", "VTCI-2025", dt.date(2026, 3, 2), "received"),
    ("ABCDEFGH23", "dang", "VTCI-2025", dt.date(2026, 2, 1), "eligible"),
    ("MNPQRS2345", "thanh", "VTCI-2025", dt.date(2026, 3, 5), "received"),
    ("ZYXWVU9876", "other", "VTCI-2025", dt.date(2026, 3, 5), "received"),  # the second commune
]
#: household key: (commune index, code, head's name, CCCD, phone)
HOUSEHOLDS = {
    "hung": (0, "HB-5521", "Nguyễn Văn Hùng", "082043337630", "0973512468"),
    "lan": (0, "HB-5522", "Trần Thị Lan", "082043330001", "0912000111"),
    "dang": (0, "HB-9903", "Đặng Văn Hưng", "082099911111", "0351112222"),
    "thanh": (0, "T00003", "Lê Thanh", "082011122233", None),
    "other": (1, "HB-5521", "Nguyễn Văn Hùng", "082077766655", "0988777666"),
}
#: (query, sees personal data, tracking codes found) — across communes.
CASES = [
    ("hung", True, {"KXQWRTYHMN", "KXQWRTYHM2", "ABCDEFGH23", "ZYXWVU9876"}),  # Hùng and Hưng fold alike
    ("nguyen hung", False, {"KXQWRTYHMN", "KXQWRTYHM2", "ZYXWVU9876"}),
    ("ĐẶNG", True, {"ABCDEFGH23"}),
    ("van", True, {"KXQWRTYHMN", "KXQWRTYHM2", "ABCDEFGH23", "ZYXWVU9876"}),
    ("lan", True, {"PQRSTUVWXY"}),
    # a whole tracking code, in the forms people type it: that application alone, not its sibling
    ("kxqw-rtyh-mn", True, {"KXQWRTYHMN"}),
    ("KXQWRTYHM2", False, {"KXQWRTYHM2"}),
    # a part of a tracking code (capitals, or holding a digit)
    ("KXQW", True, {"KXQWRTYHMN", "KXQWRTYHM2"}),
    ("2345", True, {"MNPQRS2345"}),
    ("rs23", True, {"MNPQRS2345"}),
    # the exact household code (both communes' HB-5521) and the exact stored code T00003
    ("HB-5521", False, {"KXQWRTYHMN", "KXQWRTYHM2", "ZYXWVU9876"}),
    ("T00003", False, {"MNPQRS2345"}),
    # the whole CCCD, its shown tail, a hidden part (commune staff only)
    ("082043337630", False, {"KXQWRTYHMN", "KXQWRTYHM2"}),
    ("7630", False, {"KXQWRTYHMN", "KXQWRTYHM2"}),
    ("043337", True, {"KXQWRTYHMN", "KXQWRTYHM2"}),
    ("043337", False, set()),
    ("0973 512 468", False, {"KXQWRTYHMN", "KXQWRTYHM2"}),
    ("51246", False, set()),
    ("5522", True, {"PQRSTUVWXY"}),  # a fragment of the household code, shown to everyone
    ("5522", False, {"PQRSTUVWXY"}),
    ("nobody", True, set()),
    ("%", True, set()),
]


@pytest.fixture
def queue(session):
    """The households and applications above, in two communes: {tracking code: (id, commune id)}."""
    f.household(session)  # makes the first commune
    first = session.scalar(text("SELECT id FROM communes ORDER BY id LIMIT 1"))
    second = session.execute(insert(Commune).values(
        code="99998", name="Xã Thử Ba", issuing_body="UBND xã Thử Ba", issuing_body_parent="", place_name="Thử Ba",
        approval_level="commune", active=True).returning(Commune.id)).scalar_one()
    communes = (first, second)
    homes = {key: f.household(session, code=code, head_name=name, citizen_id=cccd, phone=phone,
                              commune_id=communes[c])
             for key, (c, code, name, cccd, phone) in HOUSEHOLDS.items()}
    out = {}
    for code, key, programme, received, state in APPLICATIONS:
        a = f.application(session, homes[key], code=code, programme=programme, received_on=received, state=state,
                          commune_id=homes[key].commune_id)
        out[code] = (a.id, a.commune_id, received, state)
    session.commit()
    yield out
    set_commune(session, None)


def _queue_order(queue: dict, codes: set[str]) -> list[str]:
    """The queue's order (newest received first, then the larger id), written out here."""
    return [c for c in sorted(queue, key=lambda c: (queue[c][2], queue[c][0]), reverse=True) if c in codes]


@pytest.mark.parametrize("query, personal, found", CASES)
def test_the_search_finds_these_applications_in_the_queue_order(session, queue, query, personal, found):
    """Across communes (the province's roles; ``personal`` False: CCCD and phone masked), then in
    the first commune (its applications only): the rows, in the queue's order, and the tabs'
    counts per state of the same rows."""
    for commune in (None, queue["KXQWRTYHMN"][1]):
        set_commune(session, commune)
        expected = {c for c in found if commune is None or queue[c][1] == commune}
        rows = session.scalars(svc.application_query(query, personal=personal)).all()
        assert [a.tracking_code for a in rows] == _queue_order(queue, expected), (query, commune)
        assert svc.counts_by_state(session, query, personal=personal) == dict(Counter(queue[c][3] for c in expected))
        eligible = svc.application_query(query, state="eligible", personal=personal, priority_order=True)
        assert {a.tracking_code for a in session.scalars(eligible)} == {c for c in expected
                                                                       if queue[c][3] == "eligible"}


@pytest.mark.parametrize("query, personal, found", CASES)
def test_the_queue_reads_the_households_once_and_finds_the_same(session, queue, query, personal, found):
    """svc.queue (the web queue's path): the households found once and named by id give the same
    rows in the same order, and the same counts, as above, for every tab (the page filtered by a
    state, the counts of every state) and on every page (two rows a page: the first page of every
    state counts the states as it reads them, a page after a cursor by a statement of its own),
    across communes and in one commune."""
    for commune in (None, queue["KXQWRTYHMN"][1]):
        set_commune(session, commune)
        expected = {c for c in found if commune is None or queue[c][1] == commune}
        counts = dict(Counter(queue[c][3] for c in expected))
        for state in (None, "received", "eligible"):
            q = svc.queue(session, query, state, personal=personal, priority_order=state == "eligible")
            page = keyset(session, q.stmt, per_page=2)
            assert (page.tallies is not None) == (state is None), page.tallies  # the first page, every state
            assert q.counts(page) == counts, (query, commune, state)
            rows = [a.tracking_code for a in page.items]
            while page.next_cursor:
                page = keyset(session, q.stmt, per_page=2, after=page.next_cursor)
                assert page.tallies is None and q.counts(page) == counts
                rows += [a.tracking_code for a in page.items]
            shown = {c for c in expected if state is None or queue[c][3] == state}
            if state == "eligible":  # priority order: tier, then oldest received (none tiered here)
                assert set(rows) == shown and len(rows) == len(shown)
            else:
                assert rows == _queue_order(queue, shown), (query, commune, state)


@pytest.mark.parametrize("query, personal, found", CASES)
def test_the_api_list_pages_through_the_same_rows(session, queue, query, personal, found):
    """The API's application list (lookup.list_applications, the same path: households read
    first, then the page by their ids): two rows a page, cursor after cursor, the rows above in
    the queue's order, counted on the first page; across communes and in one commune."""
    for commune in (None, queue["KXQWRTYHMN"][1]):
        set_commune(session, commune)
        expected = _queue_order(queue, {c for c in found if commune is None or queue[c][1] == commune})
        page = lookup.list_applications(session, lookup.Filters(q=query, personal=personal), per_page=2)
        assert (page.total, page.total_capped) == (len(expected), False)
        rows = [a.tracking_code for a in page.items]
        while page.next_cursor:
            page = lookup.list_applications(session, lookup.Filters(q=query, personal=personal),
                                            cursor=page.next_cursor, per_page=2)
            rows += [a.tracking_code for a in page.items]
        assert rows == expected, (query, commune)


def test_the_queue_sends_the_household_search_once(session, queue):
    """A search's first queue page on every state and its tabs' counts: three SELECTs — the
    households' ids (the one statement reading their search key), the page with its counts per
    state, the page's households."""
    sent = []

    def hook(conn, cursor, statement, parameters, context, executemany):
        sent.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", hook)
    try:
        q = svc.queue(session, "nguyen hung", personal=False)
        page = keyset(session, q.stmt, per_page=30)
        counts = q.counts(page)
        [a.household for a in page.items]
    finally:
        event.remove(engine, "before_cursor_execute", hook)
    assert [a.tracking_code for a in page.items] == ["KXQWRTYHM2", "ZYXWVU9876", "KXQWRTYHMN"]
    assert (page.total, counts) == (3, {"received": 2, "eligible": 1})
    # the household search's LIKE on the key once; then the page (counting the states as it reads
    # its rows) and the page's households by id: no statement of the counts alone
    assert sum(bool(re.search(r"search_text\)? LIKE", s)) for s in sent) == 1, sent
    assert not any("GROUP BY" in s for s in sent), sent
    assert len([s for s in sent if s.lstrip().upper().startswith("SELECT")]) == 3, sent


def test_households_of_another_search_are_refused(session, queue):
    """The ids of one search never stand for another's: a mismatch is a programming error."""
    found = svc.searched_households(session, "nguyen hung", personal=False)
    # the fixture's first household (no application) and Nguyễn Văn Hùng in both communes
    assert len(found.ids) == 3
    assert svc.searched_households(session, "", personal=False) is None
    with pytest.raises(ValueError):
        svc.application_query("lan", households=found)
    with pytest.raises(ValueError):
        svc.counts_by_state(session, "nguyen hung", personal=True, households=found)


def test_among_binds_any_number_of_ids_as_one_value(session, queue):
    """search_index.among: the rows whose column is one of the ids, however many (50,000: past
    SQLite's limit of bound variables, 32,766), none for an empty list; one bound value."""
    ids = {code: queue[code][0] for code in ("KXQWRTYHMN", "PQRSTUVWXY")}
    many = [*range(10**9, 10**9 + 50_000), *ids.values()]
    stmt = select(Application.tracking_code).where(among(Application.id, many))
    assert set(session.scalars(stmt)) == set(ids)
    assert len(stmt.compile(session.bind).params) == 1
    assert session.scalars(select(Application.id).where(among(Application.id, []))).all() == []


def test_a_hamlet_beside_the_search_joins_the_household(session, queue):
    """Hamlet and category still read the household's columns (a join) beside the search's ids."""
    rows = session.scalars(svc.application_query("nguyen hung", hamlet="Ấp Phú Hòa")).all()
    assert [a.tracking_code for a in rows] == ["KXQWRTYHM2", "ZYXWVU9876", "KXQWRTYHMN"]
    assert all(a.household.head_name == "Nguyễn Văn Hùng" for a in rows)
    assert session.scalars(svc.application_query("nguyen hung", hamlet="Ấp Khác")).all() == []


def test_postgresql_reads_indexes_only(session, queue):
    """PostgreSQL: the search's plan reads the households' trigram, code and CCCD indexes and the
    applications' household and tracking-code indexes, and scans no table whole (sequential scans
    off: the tables are tiny); the queue's page, given the households' ids, reads the
    applications' indexes only (the households were read before, once)."""
    if session.bind.dialect.name != "postgresql":
        pytest.skip("SQLite has no such plan (its search reads FTS5 across communes)")
    session.execute(text("SET LOCAL enable_seqscan = off"))
    households = ("ix_households_commune_spaced_trgm", "ix_households_code", "uq_households_citizen_id")
    by_household, by_code = "uq_applications_household_id_programme", "uq_applications_tracking_code"
    for query, subquery, by_ids in [
        ("nguyen hung", (*households, by_household, by_code), (by_household, by_code)),
        # no household is called «KXQW»: given the households found (none), only the codes are read
        ("KXQW", ("ix_applications_tracking_trgm", by_household), ("ix_applications_tracking_trgm",)),
    ]:
        for stmt, read in [(svc.application_query(query), subquery), (svc.queue(session, query).stmt, by_ids)]:
            compiled = stmt.compile(session.bind)
            params = {k: "{" + ",".join(map(str, v)) + "}" if isinstance(v, tuple) else v
                      for k, v in compiled.params.items()}
            plan = "\n".join(r[0] for r in session.connection().exec_driver_sql("EXPLAIN " + str(compiled), params))
            assert "Seq Scan" not in plan, plan
            for index in read:
                assert index in plan, (index, plan)
            if read is by_ids:
                assert "households" not in plan, plan
    session.rollback()


def test_the_household_ids_are_read_once_not_joined(session, queue):
    """The search's statement joins no household without hamlet or category: its households are
    loaded by id for the rows found (the page's 30, not every match)."""
    stmt = svc.application_query("nguyen hung")
    assert " JOIN households" not in str(stmt.compile(session.bind))
    rows = session.scalars(stmt).all()
    assert {a.household.code for a in rows} == {"HB-5521"}
