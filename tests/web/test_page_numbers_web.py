"""Every paged list reads ``?page=`` the same way (services.pagination.page_number, within_pages):
unreadable or below 1 is the first page, past the end (even 10**30) the last; never a 500."""
from __future__ import annotations

import re

from sqlalchemy import select

from subsidy.models import Household
from tests import factories

ODD = ("-5", "abc", "1e3", "٣", "0", str(10 ** 30), "9" * 5000)


def _pager(resp) -> str:
    text = resp.get_data(as_text=True)
    m = re.search(r'<nav class="pager">.*?</nav>', text, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", m.group(0))).strip() if m else ""


def _answers_first_or_last(client, url: str, total: int) -> None:
    """``url`` lists ``total`` items over two pages: each of ODD answers 200 with page 1, or page 2 past the end."""
    first, last = f"Trang 1/2 · {total} mục Sau ›", f"‹ Trước Trang 2/2 · {total} mục"
    assert _pager(client.get(url)) == first
    for raw in ODD:
        resp = client.get(f"{url}?page={raw}")
        assert resp.status_code == 200, raw
        past_end = raw.isascii() and raw.isdigit() and (len(raw) > 1 or int(raw) > 2)
        assert _pager(resp) == (last if past_end else first), raw


def test_the_household_list_answers_its_first_or_last_page(app, client, login_as):
    login_as("clerk")
    s = app.extensions["subsidy.sessionmaker"]()
    for i in range(55):  # 50 a page: two pages, the second of 5
        factories.household(s, head_name=f"Hộ Số {i:02d}")
    s.commit()
    s.close()
    _answers_first_or_last(client, "/ho-gia-dinh/", 55)
    last = client.get(f"/ho-gia-dinh/?page={10 ** 30}").get_data(as_text=True)
    assert all(f"Hộ Số {i:02d}" in last for i in range(50, 55)) and "Hộ Số 49" not in last


def test_the_audit_log_answers_its_first_or_last_page(app, client, login_as):
    login_as("admin")
    s = app.extensions["subsidy.sessionmaker"]()
    for _ in range(51):  # with the sign-in's entry: 52 entries, 50 a page
        factories.household(s)
    s.commit()
    from subsidy.services import audit
    for h in s.scalars(select(Household)):
        audit.record(s, None, "household.update", "household", h.id, {"note": [None, "x"]})
    s.commit()
    s.close()
    _answers_first_or_last(client, "/quan-tri/nhat-ky", 52)
