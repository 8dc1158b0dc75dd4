"""A household with no category on file is named one way everywhere: «Chưa phân loại» (the one
label, domain.labels.standing), on its page, in the household list, in the jinja filter the
templates use and in the tally's row of households without a category."""
from __future__ import annotations

from subsidy.domain.labels import NO_CATEGORY
from subsidy.domain.labels.standing import UNCLASSIFIED_LABEL
from subsidy.domain.list_standing import standing_for_year
from tests import factories
from tests.conftest import login

WORDS = "Chưa phân loại"
OTHER_WORDINGS = ("Chưa xác định", "Chưa có<")


def test_one_label_for_no_category():
    assert UNCLASSIFIED_LABEL == WORDS
    assert NO_CATEGORY == WORDS
    assert standing_for_year(None, None, (), 2026).badge == WORDS


def test_filter_and_pages_use_it(app, client):
    assert app.jinja_env.filters["category_label"](None) == WORDS
    assert app.jinja_env.filters["category_label"]("") == WORDS
    s = app.extensions["subsidy.sessionmaker"]()
    factories.user(s, "clerk", "canbo", row=True)
    h = factories.household(s, head_name="Lê Thị Nở", category=None)
    hid = h.id
    s.commit()
    s.close()
    login(client, "canbo")
    page = client.get(f"/ho-gia-dinh/{hid}").get_data(as_text=True)
    listing = client.get("/ho-gia-dinh/").get_data(as_text=True)
    for html in (page, listing):
        assert "Lê Thị Nở" in html and WORDS in html
        assert not any(w in html for w in OTHER_WORDINGS)
