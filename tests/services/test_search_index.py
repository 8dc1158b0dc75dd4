"""Search through the trigram indexes (models/search_index.py; migration 0010): the households and
receipts a search finds are the ones the folding rule says (domain.md §9), computed here
independently, on the suite's database, both in a Session working for one commune (SQLite: the
commune's index, no FTS5) and in one across communes (SQLite: through FTS5); the FTS5 table stays
in step with every write on SQLite;
and SQLite and PostgreSQL find the same households for the same queries (when the suite runs on
PostgreSQL: CI's second pass, or TEST_DATABASE_URL)."""
from __future__ import annotations

import random
import re
import unicodedata

import pytest
from sqlalchemy import event, insert, text

from subsidy.db import make_engine, make_sessionmaker, upgrade_database
from subsidy.models import Commune, Household
from subsidy.models.scoping import set_commune
from subsidy.services import households as svc
from tests import factories as f

FAMILY = ["Nguyễn", "Trần", "Lê", "Đặng", "Võ", "Ngô", "Lý", "Hồ"]
MIDDLE = ["Văn", "Thị", "Hữu", "Ngọc", "Đức"]
GIVEN = ["An", "Hùng", "Hưng", "Đăng", "Lan", "Yến", "Ánh", "Nga", "Ngân", "Uyên", "Ý"]
QUERIES = ["nguyen", "NGUYỄN văn", "ng", "an", "y", "hung", "hưng", "đang", "dang", "van an", "le", "ho",
           "ngan", "uyen", "0820", "12", "82504001", "903", "444", "xyz", "nga", "ly van", "van", "ngo duc"]


def _fold(s: str) -> str:
    """Independent of domain.vn: NFD, drop combining marks, đ → d, lower."""
    s = unicodedata.normalize("NFD", s.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in s if not unicodedata.combining(c)).lower()


def _rows(n: int = 240, seed: int = 12) -> list[dict]:
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        name = f"{rnd.choice(FAMILY)} {rnd.choice(MIDDLE)} {rnd.choice(GIVEN)}"
        code, cccd, phone = f"82504{i:05d}", f"0820{rnd.randrange(10**8):08d}", f"09{rnd.randrange(10**8):08d}"
        search_text, sort_key = svc.derived_keys(name, code, cccd, phone)
        out.append(dict(code=code, head_name=name, citizen_id=cccd, phone=phone, hamlet="Ấp Một",
                        search_text=search_text, sort_key=sort_key))
    return out


def expected(rows: list[dict], query: str, personal: bool = True) -> set[str]:
    """The codes the rule finds: every query word starts a name word, or (digits) is inside the
    code, CCCD or phone — for a searcher who sees CCCD and phone masked (not ``personal``), inside
    the code, or the whole CCCD, the whole phone (or its 84… form), the CCCD's last 4 digits or the
    phone's last 3 (what the mask shows)."""
    words = re.findall(r"[a-z0-9]+", _fold(query))
    found = set()
    for r in rows:
        name_words = re.findall(r"[a-z0-9]+", _fold(r["head_name"]))
        cccd, phone = r["citizen_id"], r["phone"]
        if personal:
            def digits_match(q: str) -> bool:
                return any(q in n for n in (r["code"], cccd, phone))
        else:
            def digits_match(q: str) -> bool:
                return (q in r["code"] or q in (cccd, phone, "84" + phone[1:], "0084" + phone[1:])
                        or (len(q) == 4 and cccd.endswith(q)) or (len(q) == 3 and phone.endswith(q)))
        if all(any(w.startswith(q) for w in name_words + [r["code"]]) or (q.isdigit() and digits_match(q))
               for q in words):
            found.add(r["code"])
    return found


#: What a searcher who sees CCCD and phone masked may type: numbers of a row whole, their shown
#: tails, their beginnings (found by none of them), and the queries above.
_SOME = _rows()[7]
MASKED_QUERIES = QUERIES + [
    _SOME["citizen_id"], _SOME["citizen_id"][-4:], _SOME["citizen_id"][:-1], _SOME["citizen_id"][:6],
    _SOME["citizen_id"][-5:], _SOME["phone"], "84" + _SOME["phone"][1:], "0084" + _SOME["phone"][1:],
    _SOME["phone"][-3:], _SOME["phone"][-4:], _SOME["phone"][:7], "ho " + _SOME["citizen_id"][-4:],
    "nguyen " + _SOME["phone"][:5], "825040", "4001",
]


def _fill(session, rows, commune_id=None):
    if commune_id is None:
        commune_id = session.scalar(text("SELECT id FROM communes ORDER BY id LIMIT 1"))
    session.execute(insert(Household), [dict(r, commune_id=commune_id) for r in rows])  # a bulk write, as the importer's
    session.commit()


@pytest.fixture
def rows(session):
    f.household(session)  # makes the commune
    session.execute(text("DELETE FROM households"))
    data = _rows()
    _fill(session, data)
    return data


@pytest.fixture
def two_communes(session, rows):
    """``rows`` in the first commune and as many other households in a second one (codes
    «82599…», names drawn afresh): (first commune's id, its rows, every row)."""
    first = session.scalar(text("SELECT id FROM communes ORDER BY id LIMIT 1"))
    second = session.execute(insert(Commune).values(
        code="99999", name="Xã Thử Hai", issuing_body="UBND xã Thử Hai", issuing_body_parent="", place_name="Thử Hai",
        approval_level="commune", active=True).returning(Commune.id)).scalar_one()
    others = [dict(r, code="82599" + r["code"][5:]) for r in _rows(seed=34)]
    for r in others:
        r["search_text"], r["sort_key"] = svc.derived_keys(r["head_name"], r["code"], r["citizen_id"], r["phone"])
    _fill(session, others, second)
    yield first, rows, rows + others
    set_commune(session, None)


def _sql_sent(session, call):
    """(what ``call(session)`` returns, the SQL statements it sent)."""
    sent: list[str] = []

    def note(conn, cursor, statement, *args):
        sent.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", note)
    try:
        return call(session), sent
    finally:
        event.remove(engine, "before_cursor_execute", note)


@pytest.mark.parametrize("query, personal", [(q, True) for q in QUERIES] + [(q, False) for q in MASKED_QUERIES])
def test_a_search_finds_what_the_folding_rule_says(session, two_communes, query, personal):
    """Across communes (SQLite searches through FTS5) and in one commune (the commune's rows by its
    index, no FTS5), the households the rule says, for a searcher who sees CCCD and phone in full
    (``personal``) and for one who sees them masked."""
    commune_id, mine, everyone = two_communes
    found, sent = _sql_sent(session, lambda s: {h.code for h in svc.search_households(s, query, personal=personal)})
    assert found == expected(everyone, query, personal)
    set_commune(session, commune_id)
    found_here, sent_here = _sql_sent(
        session, lambda s: {h.code for h in svc.search_households(s, query, personal=personal)})
    assert found_here == expected(mine, query, personal)
    assert not any("households_fts" in q for q in sent_here)
    # a phone typed in its international form is looked for as stored, so FTS5 cannot be asked for it
    international = re.compile(r"(84|0084)[35789]\d{8}")
    long_word = any(len(w) >= 3 and (personal or not international.fullmatch(w))
                    for w in re.findall(r"[a-z0-9]+", _fold(query)))
    assert any("households_fts" in q for q in sent) == (long_word and session.bind.dialect.name == "sqlite")


def test_the_queries_find_something_and_not_everything(rows):
    sizes = [len(expected(rows, q)) for q in QUERIES]
    assert sum(1 for n in sizes if 0 < n < len(rows)) >= len(QUERIES) - 3


def test_the_index_follows_every_write(session, clerk):
    """A renamed, a bulk-inserted and a deleted household: the search finds the new name at once
    and never the old one (SQLite: the FTS5 triggers; PostgreSQL: the GIN index)."""
    h = f.household(session, head_name="Phùng Thị Xuyến")
    session.commit()
    assert [x.id for x in svc.search_households(session, "xuyen")] == [h.id]
    h.head_name = "Phùng Thị Khuyên"
    h.search_text, h.sort_key = svc.derived_keys(h.head_name, h.code, None, None)
    session.commit()
    assert svc.search_households(session, "xuyen") == []
    assert [x.id for x in svc.search_households(session, "khuyen")] == [h.id]
    session.delete(h)
    session.commit()
    assert svc.search_households(session, "khuyen") == []


def test_the_search_uses_the_index(session, rows):
    """PostgreSQL: the trigram index exists on the key behind a space, and a search's plan reads
    it (the expression the search writes is the index's, search_index.spaced), one index scan for
    both words; SQLite: the FTS5 table holds every row."""
    if session.bind.dialect.name == "postgresql":
        defs = session.scalars(text("SELECT indexdef FROM pg_indexes WHERE indexname = "
                                    "'ix_households_commune_spaced_trgm'")).all()
        assert len(defs) == 1 and "gin (commune_id, ((' '::text || search_text))" in defs[0], defs
        assert "gin_trgm_ops" in defs[0]
        session.execute(text("SET LOCAL enable_seqscan = off"))  # a few rows: a scan would be cheaper
        stmt = svc.household_query("nguyen van")
        compiled = stmt.compile(session.bind)
        plan = "\n".join(r[0] for r in session.connection().exec_driver_sql("EXPLAIN " + str(compiled),
                                                                          compiled.params))
        session.rollback()
        assert plan.count("Bitmap Index Scan on ix_households_commune_spaced_trgm") == 1, plan
    else:
        assert session.scalar(text("SELECT count(*) FROM households_fts WHERE households_fts MATCH '\"nguyen\"'")) == \
            sum(1 for r in rows if "nguyen" in r["search_text"])
        plan = " ".join(str(r) for r in session.execute(text(
            "EXPLAIN QUERY PLAN " + str(svc.household_query("nguyen van").compile(
                session.bind, compile_kwargs={"literal_binds": True})))))
        assert "households_fts" in plan


def test_sqlite_and_postgresql_find_the_same(session, rows, tmp_path):
    """The same rows in a new SQLite file and in the suite's PostgreSQL database: every query finds
    the same households on both."""
    if session.bind.dialect.name != "postgresql":
        pytest.skip("the suite runs on SQLite: CI's PostgreSQL pass compares the two")
    url = f"sqlite:///{tmp_path / 'same.sqlite3'}"
    upgrade_database(url)
    engine = make_engine(url)
    lite = make_sessionmaker(engine)()
    try:
        lite.execute(insert(Commune).values(id=session.scalar(text("SELECT id FROM communes ORDER BY id LIMIT 1")),
                                            **{k: v for k, v in session.execute(text(
                                                "SELECT code, name, issuing_body, issuing_body_parent, place_name, "
                                                "approval_level, active FROM communes ORDER BY id LIMIT 1")).mappings().one().items()}))
        _fill(lite, rows)
        for q, personal in [(q, True) for q in QUERIES] + [(q, False) for q in MASKED_QUERIES]:
            assert ([h.code for h in svc.search_households(lite, q, personal=personal)]
                    == [h.code for h in svc.search_households(session, q, personal=personal)]), (q, personal)
    finally:
        lite.close()
        engine.dispose()


def test_a_masked_search_finds_a_number_only_whole_or_by_its_shown_tail(session, rows):
    """The row's CCCD less its last digit, or its first 6 digits, finds it for commune staff and
    for no one who sees the CCCD masked; the whole CCCD and its last 4 digits find it for both."""
    cccd, phone = _SOME["citizen_id"], _SOME["phone"]

    def codes(q: str, personal: bool) -> set[str]:
        return {h.code for h in svc.search_households(session, q, personal=personal)}

    for hidden in (cccd[:-1], cccd[:6], cccd[3:9], phone[:7], phone[2:8], phone[-4:]):
        assert _SOME["code"] in codes(hidden, True), hidden
        assert _SOME["code"] not in codes(hidden, False), hidden
    assert codes(cccd, False) == {_SOME["code"]} == codes(phone, False) == codes("84" + phone[1:], False)
    assert _SOME["code"] in codes(cccd[-4:], False) and _SOME["code"] in codes(phone[-3:], False)


def test_a_key_stored_without_its_leading_space_is_found_by_its_first_word(session, clerk):
    """A key written by hand or before the rule, without the space before its first word: its
    first word is still the start of a word (search_index.spaced adds the space), the middle of a
    word is not, and digits are found anywhere in it."""
    h = f.household(session, code="KS-1", head_name="Vương Hải", search_text="vuong hai ks-1 082011100999 ")
    other = f.household(session, code="KS-2", head_name="Lạc Vương", search_text=" lac vuong ks-2 ")
    session.commit()
    for query, found in [("vuong", {h.id, other.id}), ("vuo hai", {h.id}), ("uong", set()), ("ong hai", set()),
                         ("0820111", {h.id}), ("lac", {other.id})]:
        assert {x.id for x in svc.search_households(session, query, personal=True)} == found, query
