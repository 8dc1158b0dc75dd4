"""The commune's hamlets table is the one list of hamlets (domain.md §1): a confirmed import adds
the hamlets it names (audited, announced in the preview), the admin's list stores names as the
household form and the import do and refuses a second spelling of a hamlet, and the filters and
the household form offer what the list holds."""
from __future__ import annotations

from sqlalchemy import select

from subsidy.models import AuditEntry, Commune, Hamlet
from subsidy.services import communes
from tests.page_forms import seen
from tests.web.test_households_web import form_data
from tests.web.test_households_web_safety import CSV_HEAD, options, stored, text, upload

# the fixture of test_households_web_safety (import directory, configured hamlets) applies here too
from tests.web.test_households_web_safety import setup  # noqa: F401  (autouse fixture)


def _commune_and_hamlets(app) -> tuple[int, list[str]]:
    s = app.extensions["subsidy.sessionmaker"]()
    commune_id = s.scalar(select(Commune.id))
    names = communes.filter_hamlets(s, commune_id)
    s.close()
    return commune_id, names


def test_a_confirmed_import_adds_its_new_hamlets_to_the_commune_and_every_list_offers_them(app, client, login_as):
    clerk = login_as("clerk")
    body = (CSV_HEAD
            + "8200000001,Lê Văn A,,,,Ấp Cồn Cống,HN,\n"
            + "8200000002,Lê Văn B,,,,ấp cồn cống,HN,\n"        # the same hamlet in small letters
            + "8200000003,Lê Văn C,,,,Ấp Phú Hữu,HCN,\n"
            + "8200000004,Lê Văn D,,,,Ấp Phú Thành,HCN,\n")     # on the list already
    url = upload(client, body.encode("utf-8"), "bo-sung-2025.csv").headers["Location"]
    page = text(client.get(url))
    assert "sẽ thêm thôn/ấp mới: Ấp Cồn Cống, Ấp Phú Hữu</b>" in page
    assert "«Ấp Cồn Cống» (2 hộ, từ dòng 2)" in page and "«Ấp Phú Hữu» (1 hộ, từ dòng 4)" in page
    commune_id, before = _commune_and_hamlets(app)
    assert "Ấp Cồn Cống" not in before  # the preview writes nothing
    token = url.rsplit("/", 1)[1]
    assert client.post(f"/nhap-danh-sach/{token}/xac-nhan").status_code == 302
    assert stored(app, "8200000002").hamlet == "Ấp Cồn Cống"
    _, after = _commune_and_hamlets(app)
    assert after == [*before, "Ấp Cồn Cống", "Ấp Phú Hữu"]
    s = app.extensions["subsidy.sessionmaker"]()
    entries = s.scalars(select(AuditEntry).where(AuditEntry.action == "hamlet.create")
                        .order_by(AuditEntry.id)).all()
    assert [(e.changes["hamlet"][1], e.changes["source"][1], e.actor_id, e.commune_id) for e in entries] == [
        ("Ấp Cồn Cống", "import", clerk.id, commune_id), ("Ấp Phú Hữu", "import", clerk.id, commune_id)]
    s.close()
    for path in ("/ho-gia-dinh/", "/ho-so/", "/ho-gia-dinh/them"):
        offered = options(text(client.get(path)))
        assert "Ấp Cồn Cống" in offered and "Ấp Phú Hữu" in offered, path
    found = text(client.get("/ho-gia-dinh/", query_string={"hamlet": "Ấp Cồn Cống"}))
    assert "Lê Văn A" in found and "Lê Văn B" in found and "Lê Văn C" not in found
    # a second list naming them again adds nothing
    again = upload(client, (CSV_HEAD + "8200000005,Lê Văn E,,,,Ấp Phú Hữu,HN,\n").encode("utf-8"), "b.csv")
    assert "sẽ thêm thôn/ấp mới" not in text(client.get(again.headers["Location"]))


def test_the_admin_s_hamlets_are_normalised_and_a_second_spelling_is_refused(app, client, login_as):
    login_as("admin")
    client.get("/")  # makes the first commune from the defaults
    commune_id, before = _commune_and_hamlets(app)
    resp = client.post(f"/quan-tri/xa/{commune_id}/ap", data={"name": "  ấp   cồn cống ", "seen": seen(client, f"/quan-tri/xa/{commune_id}")}, follow_redirects=True)
    assert "Đã thêm «Ấp Cồn Cống»" in text(resp)
    for spelling in ("Ấp Cồn Cống", "AP CON CONG", "ấp côn công"):
        page = text(client.post(f"/quan-tri/xa/{commune_id}/ap", data={"name": spelling, "seen": seen(client, f"/quan-tri/xa/{commune_id}")}, follow_redirects=True))
        assert "Xã Phú Tân đã có «Ấp Cồn Cống»" in page and "không tính chữ hoa, chữ thường và dấu" in page, spelling
    refused = text(client.post(f"/quan-tri/xa/{commune_id}/ap", data={"name": "=1+2", "seen": seen(client, f"/quan-tri/xa/{commune_id}")}, follow_redirects=True))
    assert "bắt đầu bằng ký tự «=»" in refused
    s = app.extensions["subsidy.sessionmaker"]()
    cong = s.scalar(select(Hamlet).where(Hamlet.commune_id == commune_id, Hamlet.name == "Ấp Cồn Cống"))
    s.close()
    # renaming another hamlet into a spelling of a listed one is refused; re-spelling itself is not
    other = text(client.post(f"/quan-tri/xa/{commune_id}/ap/{cong.id}", data={"name": before[0].lower(), "active": "y",
                                                                            "seen": seen(client, f"/quan-tri/xa/{commune_id}")}, follow_redirects=True))
    assert f"đã có «{before[0]}»" in other
    client.post(f"/quan-tri/xa/{commune_id}/ap/{cong.id}", data={"name": "Ấp Cồn cống", "active": "y",
                                                                     "seen": seen(client, f"/quan-tri/xa/{commune_id}")})
    assert _commune_and_hamlets(app)[1] == [*before, "Ấp Cồn cống"]


def test_a_hamlet_not_on_the_list_points_to_the_commune_page_not_to_a_setting(app, client, login_as):
    login_as("clerk")
    resp = client.post("/ho-gia-dinh/them", data=form_data(hamlet="Ấp Giả"))
    page = text(resp)
    assert resp.status_code == 422
    assert "thêm vào danh sách ấp của xã ở trang «Xã»" in page and "HAMLETS" not in page


def test_the_commune_page_names_households_stored_under_hamlets_off_its_list(app, client, login_as):
    from tests.web.test_households_web_safety import add

    login_as("admin")
    client.get("/")  # makes the first commune from the defaults
    commune_id, before = _commune_and_hamlets(app)
    add(app, hamlet="Ấp Cồn Cống")                            # saved before imports added hamlets
    add(app, code="8200000009", citizen_id="", hamlet="Ấp Phú Hoà")  # a spelling of a listed hamlet
    page = text(client.get(f"/quan-tri/xa/{commune_id}"))
    assert "«Ấp Cồn Cống»: 1 hộ" in page and "«Ấp Phú Hoà»: 1 hộ (là «Ấp Phú Hòa» viết khác" in page
    client.post(f"/quan-tri/xa/{commune_id}/ap", data={"name": "Ấp Cồn Cống", "seen": seen(client, f"/quan-tri/xa/{commune_id}")})  # its «Thêm vào danh sách»
    assert _commune_and_hamlets(app)[1] == [*before, "Ấp Cồn Cống"]
    page = text(client.get(f"/quan-tri/xa/{commune_id}"))
    assert "«Ấp Cồn Cống»: 1 hộ" not in page and "«Ấp Phú Hoà»: 1 hộ" in page
