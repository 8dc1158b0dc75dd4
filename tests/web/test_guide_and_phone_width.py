"""The user guide inside the app (one page per screen, opened from that screen, its pictures
shipped) and the phone-width aids every page loads (the scroll cue script)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from subsidy.web.guide import TOPICS

STATIC = Path(__file__).resolve().parents[2] / "subsidy" / "static"


@pytest.mark.parametrize("path,topic", [
    ("/ho-gia-dinh/", "households"), ("/ho-so/", "applications"), ("/danh-sach/", "lists"),
    ("/bien-ban/", "receipts"), ("/bao-cao", "reports"), ("/phat-thanh/", "radio"), ("/nhap-danh-sach/", "imports"),
    ("/khieu-nai/", "complaints"),
])
def test_each_screen_links_to_its_guide_page(client, login_as, path, topic):
    login_as("clerk")
    html = client.get(path).get_data(as_text=True)
    assert f'href="/huong-dan/{topic}" class="help-link"' in html
    page = client.get(f"/huong-dan/{topic}")
    assert page.status_code == 200 and f"<h1>{TOPICS[topic]}</h1>" in page.get_data(as_text=True)


@pytest.mark.parametrize("role", ["clerk", "approver", "admin", "radio"])
def test_every_guide_page_opens_and_its_pictures_are_shipped(client, login_as, role):
    login_as(role)
    assert "công việc cả năm" in client.get("/huong-dan/").get_data(as_text=True)
    for topic in TOPICS:
        html = client.get(f"/huong-dan/{topic}").get_data(as_text=True)
        for img in re.findall(r'src="/static/(help/[a-z-]+\.png)"', html):
            assert (STATIC / img).stat().st_size < 120_000, img
    assert client.get("/huong-dan/khong-co").status_code == 404


def test_pages_load_the_scroll_cue(client, login_as):
    login_as("clerk")
    assert '<script src="/static/js/scrollcue.js"></script>' in client.get("/ho-so/").get_data(as_text=True)
    assert (STATIC / "js" / "scrollcue.js").exists()
