"""A household that the year's complete list left out is shown as not on the list in force, with
the last list it was on, in the same words on its page, the household list, the list's Excel and
CSV copies, the application list's copy and the JSON API (domain.list_standing)."""
from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from subsidy.domain.calendar import today_vn
from subsidy.domain.labels import CATEGORY_LABELS
from subsidy.services import users
from subsidy.services.importer import import_households
from tests import factories
from tests import list_files as lf
from tests.conftest import login

YEAR = today_vn().year


@pytest.fixture
def lists(app):
    """Last year's list of three households, then this year's complete list without the third."""
    s = app.extensions["subsidy.sessionmaker"]()
    clerk = factories.user(s, "clerk", "canbo", row=True)
    houses = lf.make_households(3, seed=41, members=(0, 0))
    import_households(s, lf.household_xlsx(houses, YEAR - 1), f"ds-{YEAR - 1}.xlsx", clerk)
    s.commit()
    report = import_households(s, lf.household_xlsx(houses[:2], YEAR), f"ds-{YEAR}.xlsx", clerk)
    s.commit()
    assert report.complete and report.year_counts["leave"] == 1
    from subsidy.models import Household
    from sqlalchemy import select
    ids = {h.code: h.id for h in s.scalars(select(Household))}
    gone = houses[2]
    hh = s.get(Household, ids[gone.code])
    app_id = factories.application(s, hh).id
    admin = factories.user(s, "admin", "quantri", row=True)
    token = users.create_api_token(s, clerk, "tool", admin)
    s.commit()
    s.close()
    return {"gone": gone, "gone_id": ids[gone.code], "stayed": houses[:2], "token": token, "app_id": app_id}


def expected_words(gone) -> tuple[str, str]:
    """The badge and the last list, built here from the household's own category and the years."""
    cat = CATEGORY_LABELS[gone.category]
    return (f"Không có trong danh sách năm {YEAR}",
            f"lần cuối có tên: {cat[0].lower() + cat[1:]}, danh sách năm {YEAR - 1}")


def test_page_and_list_say_not_on_the_list_of_this_year(app, client, lists):
    login(client, "canbo")
    badge, last = expected_words(lists["gone"])
    page = client.get(f"/ho-gia-dinh/{lists['gone_id']}").get_data(as_text=True)
    assert f'<span class="badge cat-off">{badge}</span> · {last}' in page
    assert f"Phân loại năm {YEAR}" in page
    listing = client.get("/ho-gia-dinh/").get_data(as_text=True)
    assert listing.count("badge cat-off") == 1
    assert f'<span class="badge cat-off">{badge}</span>' in listing and f"khẩu · {last}" in listing
    for h in lists["stayed"]:
        assert f'<span class="badge cat-{h.category}">{CATEGORY_LABELS[h.category]}</span>' in listing


def test_application_pages_say_the_same(app, client, lists):
    login(client, "canbo")
    badge, last = expected_words(lists["gone"])
    shown = f'<span class="badge cat-off">{badge}</span> · {last}'
    assert shown in client.get(f"/ho-so/{lists['app_id']}").get_data(as_text=True)
    assert shown in client.get(f"/ho-so/moi?household_id={lists['gone_id']}").get_data(as_text=True)
    found = client.get(f"/ho-so/moi?q={lists['gone'].code}").get_data(as_text=True)
    assert f'<span class="badge cat-off">{badge}</span>' in found
    assert f"· {badge}" in client.get("/ho-so/").get_data(as_text=True)


def test_exports_and_api_say_the_same(app, client, lists):
    login(client, "canbo")
    badge, last = expected_words(lists["gone"])
    cell = f"{badge} ({last})"
    gone = lists["gone"]
    # the copies' narrow cell is short; the last list has its own column
    short, last_cell = f"Ngoài danh sách {YEAR}", f"{CATEGORY_LABELS[gone.category]} ({YEAR - 1})"
    rows = list(csv.reader(io.StringIO(client.get("/tai-ve/ho-gia-dinh.csv").get_data(as_text=True).lstrip("\ufeff"))))
    header = next(r for r in rows if r and r[0] == "STT")
    at, at_last = header.index("Phân loại hộ"), header.index("Lần cuối có tên")
    by_code = {r[1]: (r[at], r[at_last]) for r in rows[rows.index(header) + 1:] if r and r[0].isdigit()}
    assert by_code[gone.code] == (short, last_cell)
    assert {by_code[h.code] for h in lists["stayed"]} == {(CATEGORY_LABELS[h.category], "") for h in lists["stayed"]}
    for url in ("/tai-ve/ho-gia-dinh.xlsx", "/tai-ve/ho-so.xlsx"):
        ws = load_workbook(io.BytesIO(client.get(url).data)).active
        assert [r[r.index(short) + 1] for r in ws.iter_rows(values_only=True) if short in r] == [last_cell]

    auth = {"Authorization": f"Bearer {lists['token']}"}
    want = {"year": YEAR, "status": "not_listed", "label": cell, "list_year": YEAR,
            "last_category": gone.category, "last_list_year": YEAR - 1}
    assert client.get(f"/api/v1/households/{lists['gone_id']}", headers=auth).get_json()["status_in_force"] == want
    items = client.get("/api/v1/households", headers=auth).get_json()["items"]
    assert [i["status_in_force"] for i in items if i["code"] == gone.code] == [want]
    [a] = client.get("/api/v1/applications", headers=auth).get_json()["items"]
    assert a["household"]["status_in_force"] == want


def test_pdf_copy_has_the_short_cell_the_last_list_and_the_note(app, client, lists):
    from pypdf import PdfReader

    login(client, "canbo")
    gone = lists["gone"]
    resp = client.get("/tai-ve/ho-gia-dinh.pdf")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(resp.data)).pages)
    assert f"«Ngoài danh sách {YEAR}»: không có trong danh sách hộ nghèo, hộ cận nghèo năm {YEAR}" in text
    assert f"Ngoài danh sách {YEAR}" in text.split("Thiết bị đã nhận", 1)[1]  # in the table, not only the note
    assert f"({YEAR - 1})" in text and gone.code in text
    assert "lần cuối có tên:" not in text  # the long words stay on the pages and in the API
