"""Keyset pages (services.pagination.keyset): walking a list page by page, forwards with ``after``
and back with ``before``, shows every row exactly once and in the list's order, with ties in every
sort key (same name, same date, no priority tier) — on the suite's database (SQLite, or PostgreSQL
with TEST_DATABASE_URL)."""
from __future__ import annotations

import datetime as dt

import pytest

from subsidy.domain.list_views import ListFilters
from subsidy.services import list_exports
from subsidy.services.pagination import (MAX_OFFSET_PAGE, MAX_PAGE, BadCursor, capped_count, keyset, page_number,
                                         paginate, within_pages)
from tests import factories as f

NAMES = ["Nguyễn Văn An", "Lê Thị Bình", "Nguyễn Văn An", "Trần Văn Cúc", "Lê Thị Bình", "Đặng Văn An"]


@pytest.fixture
def queue(session):
    """23 households (names repeated: ties in the sort key) and an application each: received on
    3 dates (ties), tiers 1, 2 or none (NULLs); 3 of them eligible with tier None."""
    apps = []
    for i in range(23):
        h = f.household(session, head_name=NAMES[i % len(NAMES)], hamlet="Ấp Một" if i % 2 else "Ấp Hai")
        tier = (None, 1, 2)[i % 3]
        apps.append(f.application(session, h, state="eligible" if i % 4 else "received",
                                  received_on=dt.date(2026, 1, 5 + i % 3), priority_tier=tier))
    session.commit()
    return apps


def walk(session, stmt, per_page):
    """Every page forwards (ids per page), then every page backwards from the last."""
    pages, page = [], keyset(session, stmt, per_page=per_page)
    pages.append(page)
    while page.has_next:
        page = keyset(session, stmt, per_page=per_page, after=page.next_cursor, page=page.page + 1)
        pages.append(page)
    back = [page]
    while page.has_prev:
        page = keyset(session, stmt, per_page=per_page, before=page.prev_cursor, page=page.page - 1)
        back.append(page)
    return [[x.id for x in p.items] for p in pages], [[x.id for x in p.items] for p in reversed(back)], pages


@pytest.mark.parametrize("per_page", [1, 4, 7, 23, 50])
@pytest.mark.parametrize("list_key,filters", [
    ("households", ListFilters()),
    ("households", ListFilters(q="van")),                 # a search: ordered by the key as an expression
    ("applications", ListFilters()),                      # newest received first: ties on the date
    ("applications", ListFilters(state="eligible")),      # priority order: NULL tiers, ties
    ("applications", ListFilters(hamlet="Ấp Một")),       # a filter that joins the households
    ("applications", ListFilters(q="van")),               # a search: its households read by id
    ("applications", ListFilters(q="an", state="eligible")),
])
def test_a_page_walk_visits_every_row_once_in_order(session, queue, per_page, list_key, filters):
    stmt = list_exports.LISTS[list_key][0](filters)
    everything = [x.id for x in session.scalars(stmt)]  # the list in one go: its order is the truth
    forwards, backwards, pages = walk(session, stmt, per_page)
    assert [i for p in forwards for i in p] == everything
    assert backwards == forwards  # back from the last page: the very same pages
    assert all(len(p) == per_page for p in forwards[:-1]) and 0 < len(forwards[-1]) <= per_page
    assert [p.page for p in pages] == list(range(1, len(pages) + 1))
    assert all(p.total == len(everything) and not p.total_capped for p in pages)


def test_the_lists_order_has_ties_to_break(session, queue):
    """The fixture's data really has the ties the walk must survive."""
    hh = session.scalars(list_exports.household_stmt(ListFilters())).all()
    assert len({h.sort_key for h in hh}) < len(hh)
    apps = session.scalars(list_exports.application_stmt(ListFilters(state="eligible"))).all()
    assert any(a.priority_tier is None for a in apps) and len({a.received_on for a in apps}) == 3


@pytest.mark.parametrize("q", ["van", "le thi", "an", "nguyen van an"])
def test_a_searched_list_keeps_the_list_order(session, queue, q):
    """A search sorts its matches by the same key as the whole list (as an expression, so the
    database sorts the matches instead of walking the sort index): the searched list is the whole
    list with the rows that do not match left out, in the same order."""
    from subsidy.domain import vn
    whole = session.scalars(list_exports.household_stmt(ListFilters())).all()
    words = q.split()
    expected = [h.id for h in whole if all(any(w.startswith(x) for w in vn.fold(h.head_name).split()) for x in words)]
    found = [h.id for h in session.scalars(list_exports.household_stmt(ListFilters(q=q)))]
    assert found == expected and expected


def test_a_row_added_meanwhile_does_not_shift_the_next_page(session, queue):
    """OFFSET would show a row twice when one is added before the page boundary; a cursor does not."""
    stmt = list_exports.household_stmt(ListFilters())
    first = keyset(session, stmt, per_page=5)
    f.household(session, head_name="An Văn A")  # sorts first of all
    session.commit()
    second = keyset(session, stmt, per_page=5, after=first.next_cursor, page=2)
    assert not {h.id for h in first.items} & {h.id for h in second.items}
    everything = [h.id for h in session.scalars(stmt)]
    assert [h.id for h in second.items] == everything[6:11]


def test_an_old_page_link_still_works_and_a_bad_cursor_is_refused(session, queue):
    stmt = list_exports.household_stmt(ListFilters())
    everything = [h.id for h in session.scalars(stmt)]
    third = keyset(session, stmt, per_page=5, page=3)  # ?page=3 of a bookmark: read by OFFSET once
    assert [h.id for h in third.items] == everything[10:15] and third.page == 3
    after = keyset(session, stmt, per_page=5, after=third.next_cursor, page=4)
    assert [h.id for h in after.items] == everything[15:20]
    for bad in ("xyz", "W10", "WyJhIiwiYiJd", "bnVsbA"):  # not base64 JSON / [] / ["a","b"] / null
        with pytest.raises(BadCursor):
            keyset(session, stmt, per_page=5, after=bad)
    # a date where the list sorts by a name: refused before it reaches the database
    apps = list_exports.application_stmt(ListFilters())
    with pytest.raises(BadCursor):
        keyset(session, apps, per_page=5, after=keyset(session, stmt, per_page=5).next_cursor)


@pytest.mark.parametrize("raw, expected", [
    (None, 1), ("", 1), ("3", 3), (" 3 ", 3), ("0", 1), ("-5", 1), ("abc", 1), ("1e3", 1), ("3.0", 1),
    ("٣", 1), ("３", 1), ("999999999", 999_999_999), ("1000000000", MAX_PAGE), (str(10 ** 30), MAX_PAGE),
    ("9" * 5000, MAX_PAGE)])
def test_a_page_number_from_a_link(raw, expected):
    assert page_number(raw) == expected


@pytest.mark.parametrize("total, capped, text", [
    (0, False, "0"), (999, False, "999"), (1234, False, "1.234"), (10_000, True, "hơn 10.000")])
def test_the_total_is_printed_with_grouped_digits(total, capped, text):
    from subsidy.services.pagination import Page
    assert Page([], 1, 50, total, capped).total_text == text


def test_a_page_number_is_brought_within_the_list():
    # 23 rows at 5 a page: pages 1..5
    assert [within_pages(p, 23, 5) for p in (1, 4, 5, 6, MAX_PAGE)] == [1, 4, 5, 5, 5]
    assert within_pages(7, 0, 5) == 1  # an empty list has one, empty, page
    assert within_pages(MAX_PAGE, None, 5) == MAX_PAGE  # the end not known: only the lower bound


def test_a_page_past_the_end_is_the_last_page_by_either_way(session, queue):
    """?page= past the end: the last page (its rows and its number), by keyset's one OFFSET as by
    paginate; never an empty page that links nowhere. 23 rows at 5 a page: the last is rows 20–22."""
    stmt = list_exports.household_stmt(ListFilters())
    everything = [h.id for h in session.scalars(stmt)]
    for asked in (6, 150, MAX_OFFSET_PAGE + 1, MAX_PAGE):
        by_keyset = keyset(session, stmt, per_page=5, page=asked)
        assert [h.id for h in by_keyset.items] == everything[20:23] and by_keyset.page == 5, asked
        assert by_keyset.has_prev and not by_keyset.has_next, asked
        by_offset = paginate(session, stmt, asked, per_page=5)
        assert [h.id for h in by_offset.items] == everything[20:23] and by_offset.page == 5, asked
    # beside a cursor the number is only shown: never past the last page either
    assert keyset(session, stmt, per_page=5, after=keyset(session, stmt, per_page=5).next_cursor,
                  page=MAX_PAGE).page == 5


def test_a_page_too_deep_for_an_offset_is_the_first(session, queue, monkeypatch):
    """A list longer than MAX_OFFSET_PAGE pages is not scanned that deep by OFFSET: the first page
    (the cursor links go on from there). 23 rows at 1 a page stands for such a list when the
    deepest OFFSET page is lowered to 20."""
    from subsidy.services import pagination

    stmt = list_exports.household_stmt(ListFilters())
    everything = [h.id for h in session.scalars(stmt)]
    monkeypatch.setattr(pagination, "MAX_OFFSET_PAGE", 20)
    deep = keyset(session, stmt, per_page=1, page=22)
    assert [h.id for h in deep.items] == everything[:1] and deep.page == 1
    assert [h.id for h in keyset(session, stmt, per_page=1, page=20).items] == everything[19:20]


def test_the_count_stops_at_the_cap(session, queue):
    stmt = list_exports.household_stmt(ListFilters())
    assert capped_count(session, stmt, cap=30) == (23, False)
    assert capped_count(session, stmt, cap=23) == (23, False)
    assert capped_count(session, stmt, cap=22) == (22, True)


def test_the_count_and_the_page_keep_to_the_sessions_commune(session, queue):
    """A commune's Session counts and pages its own rows only (models.scoping), never the province's."""
    from subsidy.models import Commune
    from subsidy.models.scoping import set_commune

    other = Commune(code="XKHAC", name="xã Khác", issuing_body="ỦY BAN NHÂN DÂN XÃ KHÁC", place_name="Khác",
                    issuing_body_parent="ỦY BAN NHÂN DÂN HUYỆN", approval_level="commune", active=True)
    session.add(other)
    session.flush()
    f.household(session, head_name="Ở Xã Khác", commune_id=other.id)
    session.commit()
    stmt = list_exports.household_stmt(ListFilters())
    set_commune(session, other.id)
    page = keyset(session, stmt, per_page=5)
    assert [h.head_name for h in page.items] == ["Ở Xã Khác"] and page.total == 1
    assert capped_count(session, list_exports.application_stmt(ListFilters()))[0] == 0
    set_commune(session, queue[0].commune_id)
    assert keyset(session, stmt, per_page=5).total == 23


@pytest.mark.parametrize("list_key,q,matches", [("households", "van", 15), ("households", "binh", 8),
                                                ("applications", "van", 15), ("applications", "zzz", 0)])
def test_a_searchs_first_page_is_counted_by_its_own_statement(session, queue, monkeypatch, list_key, q, matches):
    """A search reads every match to order them (pagination.counted_with_page): its first page
    counts them in the same statement — one statement, not a count and then the page — with the same
    total and the same cap as the count alone; the next page counts apart, the same."""
    from sqlalchemy import event

    import subsidy.services.pagination as pagination

    # the fixture's 23 names, each name word folded by hand
    assert matches == sum(1 for i in range(23) if any(w.startswith(q) for w in _plain(NAMES[i % len(NAMES)]).split()))
    stmt = list_exports.LISTS[list_key][0](ListFilters(q=q))
    sent: list[str] = []
    note = lambda conn, cursor, statement, *a: sent.append(statement)  # noqa: E731
    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", note)
    try:
        page = keyset(session, stmt, per_page=4)
    finally:
        event.remove(engine, "before_cursor_execute", note)
    counting = [x for x in sent if "count(" in x.lower()]  # (the application page then loads its households)
    assert len(counting) == 1 and "OVER ()" in counting[0] and "LIMIT" in counting[0], sent
    assert (page.total, page.total_capped) == (matches, False) == capped_count(session, stmt)
    if matches > 4:
        assert keyset(session, stmt, per_page=4, after=page.next_cursor).total == matches
        monkeypatch.setattr(pagination, "COUNT_CAP", 5)
        capped = keyset(session, stmt, per_page=4)
        assert (capped.total, capped.total_capped) == (5, True) == capped_count(session, stmt, cap=5)
        assert [x.id for x in capped.items] == [x.id for x in page.items]


def _plain(name: str) -> str:
    """The fixture's names folded by hand (they hold no other accent than these)."""
    for a, b in (("ễ", "e"), ("ă", "a"), ("ê", "e"), ("ì", "i"), ("ầ", "a"), ("ú", "u"), ("Đ", "D"), ("ặ", "a")):
        name = name.replace(a, b)
    return name.lower()
