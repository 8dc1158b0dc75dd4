"""A name or hamlet pasted with a zero-width space between its words, or typed in full-width
Latin, is stored, sorted and searched as the plain words it shows (domain.md §9: names stored NFC,
single spaces; search folds), on every path: the household form and the list import."""
from __future__ import annotations

from sqlalchemy import select

from subsidy.models import Household
from subsidy.services import households as svc
from subsidy.services.importer import import_households
from tests import factories

CSV_HEADER = "STT;Mã hộ;Họ tên chủ hộ;Năm sinh;Giới tính;CCCD;Thôn;Số nhân khẩu;Phân loại hộ;Người có công;Chính sách XH;SĐT"
SEARCH_TEXT = " nguyen van zero 9000000003 082080000003 0911000003 "


def _form(**kw) -> svc.HouseholdInput:
    base = dict(code="9000000003", head_name="Nguyễn\u200bVăn Zero", hamlet="Ấp\u200bMới", category="poor",
                members=3, head_birth_year=1980, head_gender="M", citizen_id="082080000003", phone="0911000003")
    base.update(kw)
    return svc.HouseholdInput(**base)


def test_the_form_stores_a_zero_width_space_as_a_space_and_the_search_finds_the_words(session):
    clerk = factories.user(session, "clerk", "thuky", full_name="Lê Thư Ký", row=True)
    hh = svc.register_household(session, _form(), clerk)
    session.commit()
    assert (hh.head_name, hh.hamlet) == ("Nguyễn Văn Zero", "Ấp Mới")
    assert hh.search_text == SEARCH_TEXT
    other = svc.register_household(session, _form(code="9000000004", head_name="Ｔｒầｎ Ｔｈị Ａｎ",
                                                  citizen_id="082180000004", head_gender="F",
                                                  phone=None), clerk)
    session.commit()
    assert other.head_name == "Trần Thị An"
    assert other.search_text == " tran thi an 9000000004 082180000004 "
    assert [h.code for h in svc.search_households(session, "nguyen van")] == ["9000000003"]
    assert [h.code for h in svc.search_households(session, "tran an")] == ["9000000004"]
    assert [h.code for h in svc.search_households(session, "ｎｇｕｙｅｎ\u200bzero")] == ["9000000003"]
    # Vietnamese order by given name: An before Zero
    assert [h.code for h in svc.search_households(session, "")] == ["9000000004", "9000000003"]
    assert {h.hamlet for h in svc.search_households(session, "")} == {"Ấp Mới"}


def _csv(name: str, hamlet: str = "Ấp Phú Xuân") -> bytes:
    return "\n".join([CSV_HEADER, f"1;9000000003;{name};1980;Nam;082080000003;{hamlet};3;HN;;;0911000003"]).encode()


def test_the_import_reads_the_same_words_and_sees_no_change_against_the_plain_name(session):
    preview = import_households(session, _csv("Nguyễn\u200bVăn Zero", "Ấp\u200bMới"), "ds.csv", None, dry_run=True)
    assert [(r.status, r.head_name) for r in preview.rows] == [("new", "Nguyễn Văn Zero")]
    import_households(session, _csv("Nguyễn\u200bVăn Zero", "Ấp\u200bMới"), "ds.csv", None)
    session.commit()
    hh = session.scalar(select(Household).where(Household.code == "9000000003"))
    assert (hh.head_name, hh.hamlet, hh.search_text) == ("Nguyễn Văn Zero", "Ấp Mới", SEARCH_TEXT)
    # the same household typed in full-width Latin is the same name: nothing to update
    again = import_households(session, _csv("Ｎｇｕｙễｎ Văn Ｚｅｒｏ", "Ấp Mới"), "ds.csv", None, dry_run=True)
    assert [r.status for r in again.rows] == ["unchanged"]
