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


@pytest.mark.parametrize("role", ["province_officer", "province_approver"])
def test_the_province_roles_read_the_guide_with_their_own_pages(client, login_as, role):
    """The province's roles open the guide (it was refused them); its first page speaks of the
    province's work and its pages are those of the screens their menu opens, the province's first;
    the province page's «Hướng dẫn» opens the province's guide page."""
    login_as(role)
    index = client.get("/huong-dan/")
    assert index.status_code == 200
    html = index.get_data(as_text=True)
    assert "Ghi số máy tỉnh được phân bổ" in html and "Danh sách chờ tỉnh phê duyệt" in html
    nav = re.search(r'<nav class="queues help-topics".*?</nav>', html, re.S).group(0)
    assert re.findall(r'href="/huong-dan/([a-z]+)"', nav) == [
        "province", "households", "applications", "lists", "reports", "complaints"]
    assert 'href="/huong-dan/province" class="help-link"' in client.get("/tinh/").get_data(as_text=True)
    page = client.get("/huong-dan/province").get_data(as_text=True)
    assert f"<h1>{TOPICS['province']}</h1>" in page and "Chia máy cho xã" in page


def test_commune_roles_are_not_offered_the_province_page(client, login_as):
    login_as("clerk")
    nav = re.search(r'<nav class="queues help-topics".*?</nav>', client.get("/huong-dan/").get_data(as_text=True),
                    re.S).group(0)
    assert "/huong-dan/province" not in nav and "/huong-dan/imports" in nav
