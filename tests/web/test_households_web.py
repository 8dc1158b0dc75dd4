"""Household pages and the list import in the browser: roles, search, order, forms, upload → preview → commit."""
from __future__ import annotations

import io
import re
import unicodedata

import pytest
from sqlalchemy import func, select

from subsidy.domain import vn
from subsidy.models import AuditEntry, Household
from subsidy.services import households as svc
from tests.conftest import DATA, csrf_token_from, login
from tests.page_forms import seen

XLSX = DATA / "ho-ngheo-2025-phu-tan.xlsx"
CSV = DATA / "ho-ngheo-2025-bo-sung.csv"


@pytest.fixture(autouse=True)
def import_dir(app, tmp_path):
    app.config["IMPORT_DIR"] = str(tmp_path / "imports")
    return tmp_path / "imports"


def add(app, **kw):
    base = dict(code="8250419218", head_name="Mai Minh Nghĩa", hamlet="Ấp Phú Hòa", category="poor", members=1,
                head_birth_year=1938, head_gender="M", citizen_id="082038597382", phone="0386300391")
    base.update(kw)
    sess = app.extensions["subsidy.sessionmaker"]()
    hh = svc.register_household(sess, svc.HouseholdInput(**base), None)
    sess.commit()
    hid = hh.id
    sess.close()
    return hid


def text(resp) -> str:
    return resp.get_data(as_text=True)


def form_data(**kw):
    base = {"code": "8277490478", "head_name": "Đinh Hồng Tư", "head_birth_year": "1994", "head_gender": "F",
            "citizen_id": "082194184616", "hamlet": "Ấp Phú Thành", "members": "5", "phone": "0771214365",
            "category": "near_poor", "list_year": "2025", "decision_number": "", "decision_date": "",
            "prior_device": "unknown", "prior_device_detail": "", "prior_device_date": ""}
    base.update(kw)
    return base


# ------------------------------------------------------------------------------------------------
# roles
# ------------------------------------------------------------------------------------------------

ROUTES = [
    ("GET", "/ho-gia-dinh/", {"clerk", "approver", "admin"}),
    ("GET", "/ho-gia-dinh/{id}", {"clerk", "approver", "admin"}),
    ("GET", "/ho-gia-dinh/them", {"clerk"}),
    ("GET", "/ho-gia-dinh/{id}/sua", {"clerk"}),
    ("POST", "/ho-gia-dinh/{id}/luu-tru", {"clerk", "admin"}),
    ("POST", "/ho-gia-dinh/{id}/khoi-phuc", {"clerk", "admin"}),
    ("GET", "/nhap-danh-sach/", {"clerk"}),
    ("POST", "/nhap-danh-sach/", {"clerk"}),
]


@pytest.mark.parametrize("role", ["clerk", "approver", "admin", "radio"])
def test_every_route_checks_the_role(app, client, login_as, role):
    hid = add(app)
    login_as(role)
    for method, url, allowed in ROUTES:
        resp = client.open(url.format(id=hid), method=method)
        if role in allowed:
            assert resp.status_code != 403, (role, url)
        else:
            assert resp.status_code == 403, (role, url)


def test_signed_out_visitors_are_sent_to_sign_in(client):
    for url in ("/ho-gia-dinh/", "/nhap-danh-sach/"):
        resp = client.get(url)
        assert resp.status_code == 302 and "/dang-nhap" in resp.headers["Location"]


def test_every_endpoint_of_the_two_blueprints_is_covered_by_a_role_check(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith(("households.", "imports.")):
            roles = getattr(app.view_functions[rule.endpoint], "required_roles", None)
            assert roles and "radio" not in roles, rule.endpoint


# ------------------------------------------------------------------------------------------------
# list, search, order
# ------------------------------------------------------------------------------------------------


def test_list_is_in_vietnamese_order_and_search_folds(app, client, login_as):
    names = ["Trần Văn Dũng", "Lê Thị Đào", "Nguyễn Ân", "Phạm Ánh", "Võ An", "Đặng Thành Hùng",
             unicodedata.normalize("NFD", "Nguyễn Văn Hùng")]
    for i, name in enumerate(names):
        add(app, code=f"C-{i:03d}", head_name=name, citizen_id=None, phone=f"09{i}1234567")
    login_as("approver")
    page = text(client.get("/ho-gia-dinh/"))
    shown = re.findall(r'<span class="name">([^<]+)</span>', page)
    assert shown == sorted([unicodedata.normalize("NFC", n) for n in names], key=vn.sort_key_text)
    assert shown[:3] == ["Võ An", "Phạm Ánh", "Nguyễn Ân"]  # An < Ánh < Ân
    assert shown[3:] == ["Trần Văn Dũng", "Lê Thị Đào", "Đặng Thành Hùng", "Nguyễn Văn Hùng"]  # Dũng < Đào

    def found(q):
        return re.findall(r'<span class="name">([^<]+)</span>', text(client.get("/ho-gia-dinh/", query_string={"q": q})))

    assert found("nguyen van hung") == ["Nguyễn Văn Hùng"]
    assert found("dang") == ["Đặng Thành Hùng"]
    assert found("ĐẶNG") == ["Đặng Thành Hùng"]
    assert found("hung") == ["Đặng Thành Hùng", "Nguyễn Văn Hùng"]
    assert found("41234") == ["Võ An"]  # a phone fragment


def test_list_filters_and_pagination(app, client, login_as):
    for i in range(55):
        add(app, code=f"K{i:03d}", head_name=f"Lê Văn {chr(65 + i % 26)}{'aei'[i // 26]}", citizen_id=None, phone=None,
            hamlet="Ấp Phú Xuân" if i % 5 == 0 else "Ấp Phú Hòa", category="near_poor" if i % 2 else "poor")
    login_as("clerk")
    first = text(client.get("/ho-gia-dinh/"))
    assert "Trang 1/2 · 55 mục" in first
    assert "Trang 2/2" in text(client.get("/ho-gia-dinh/?page=2"))
    xuan = text(client.get("/ho-gia-dinh/", query_string={"hamlet": "Ấp Phú Xuân"}))
    assert "11 mục" in xuan
    poor_xuan = text(client.get("/ho-gia-dinh/", query_string={"hamlet": "Ấp Phú Xuân", "category": "poor"}))
    assert "6 mục" in poor_xuan


# ------------------------------------------------------------------------------------------------
# household pages
# ------------------------------------------------------------------------------------------------


def test_create_edit_and_history(app, client, login_as):
    login_as("clerk")
    resp = client.post("/ho-gia-dinh/them", data=form_data())
    assert resp.status_code == 302
    hid = int(resp.headers["Location"].rsplit("/", 1)[1])
    page = text(client.get(f"/ho-gia-dinh/{hid}"))
    assert "Đinh Hồng Tư" in page and "082194184616" in page and "Tạo hồ sơ hộ" in page
    resp = client.post(f"/ho-gia-dinh/{hid}/sua", data=form_data(members="6", decision_number="12/QĐ-UBND",
                                                              decision_date="15/01/2025",
                                                              seen=seen(client, f"/ho-gia-dinh/{hid}/sua")))
    assert resp.status_code == 302
    page = text(client.get(f"/ho-gia-dinh/{hid}"))
    assert "Sửa thông tin" in page and "5 → 6" in page and "12/QĐ-UBND" in page and "15/01/2025" in page
    edit = text(client.get(f"/ho-gia-dinh/{hid}/sua"))
    assert 'value="15/01/2025"' in edit and 'value="082194184616"' in edit


def test_cccd_warning_must_be_ticked_before_saving(app, client, login_as):
    login_as("clerk")
    resp = client.post("/ho-gia-dinh/them", data=form_data(head_birth_year="1990"))
    assert resp.status_code == 422  # a form given back unsaved, as every refusal (refusals.attempt)
    page = text(resp)
    assert "Cần xác nhận số CCCD" in page and "năm sinh 1994" in page and "confirm_citizen_id_warning" in page
    # what to do, once, under the box (the warnings above it are not repeated in it)
    box = page[page.index("Cần xác nhận số CCCD"):page.index("</fieldset>")]
    assert ("Số CCCD chưa khớp với năm sinh hoặc giới tính đã ghi (xem cảnh báo bên trên). Nếu đã đối chiếu với thẻ "
            "căn cước và thông tin là đúng, hãy đánh dấu ô này rồi lưu lại.") in box
    assert box.count("năm sinh 1994") == 1
    assert 'value="Đinh Hồng Tư"' in page  # as typed
    with app.app_context():
        sess = app.extensions["subsidy.sessionmaker"]()
        assert sess.scalar(select(func.count()).select_from(Household)) == 0
        sess.close()
    resp = client.post("/ho-gia-dinh/them", data=form_data(head_birth_year="1990", confirm_citizen_id_warning="y"))
    assert resp.status_code == 302
    sess = app.extensions["subsidy.sessionmaker"]()
    hh = sess.scalar(select(Household))
    assert hh.citizen_id_warning and "1994" in hh.citizen_id_warning
    sess.close()


def test_form_errors_are_shown_next_to_fields(client, login_as, app):
    add(app)
    login_as("clerk")
    page = text(client.post("/ho-gia-dinh/them", data=form_data(citizen_id="12345", phone="0123")))
    assert "Số CCCD «12345» có 5 chữ số" in page and "Số điện thoại «0123»" in page
    page = text(client.post("/ho-gia-dinh/them", data=form_data(citizen_id="082038597382", head_birth_year="1938",
                                                               head_gender="M")))
    assert "đã thuộc hộ mã 8250419218" in page


def test_archive_and_restore(app, client, login_as):
    hid = add(app)
    login_as("clerk")
    assert client.post(f"/ho-gia-dinh/{hid}/luu-tru", data={"reason": "chuyển đi"}).status_code == 302
    assert "Mai Minh Nghĩa" not in text(client.get("/ho-gia-dinh/"))
    assert "Mai Minh Nghĩa" in text(client.get("/ho-gia-dinh/?archived=1"))
    assert "đã được lưu trữ" in text(client.get(f"/ho-gia-dinh/{hid}"))
    assert client.post(f"/ho-gia-dinh/{hid}/khoi-phuc").status_code == 302
    assert "Mai Minh Nghĩa" in text(client.get("/ho-gia-dinh/"))
    assert client.get("/ho-gia-dinh/999999").status_code == 404


def test_archiving_a_household_with_a_live_application_asks_first(app, client, login_as):
    """The page names the application and the ceiling change; without the box ticked nothing
    changes; with it the application is withdrawn and the household archived (domain.md §3, §5)."""
    from subsidy.models import Application
    from tests import factories

    def state() -> tuple[bool, str]:
        sess = app.extensions["subsidy.sessionmaker"]()
        try:
            return (sess.get(Household, hid).archived,
                    sess.query(Application).filter_by(household_id=hid).one().state)
        finally:
            sess.close()

    hid = add(app)
    sess = app.extensions["subsidy.sessionmaker"]()
    code = factories.application(sess, sess.get(Household, hid), state="eligible").tracking_code
    sess.commit()
    sess.close()
    login_as("clerk")
    page = text(client.get(f"/ho-gia-dinh/{hid}"))
    dashed = f"{code[:4]}-{code[4:8]}-{code[8:]}"  # the code as every page prints it
    assert f">{dashed}</a> («Đủ điều kiện»)" in page and "giảm từ 1 còn 0" in page
    client.post(f"/ho-gia-dinh/{hid}/luu-tru", data={"reason": "chuyển đi"})
    assert state() == (False, "eligible")
    assert "Hãy đánh dấu ô xác nhận" in text(client.get(f"/ho-gia-dinh/{hid}"))
    assert client.post(f"/ho-gia-dinh/{hid}/luu-tru",
                       data={"reason": "chuyển đi", "withdraw_live": "y"}).status_code == 302
    assert state() == (True, "withdrawn")


def test_approver_sees_no_edit_buttons(app, client, login_as):
    hid = add(app)
    login_as("approver")
    page = text(client.get(f"/ho-gia-dinh/{hid}"))
    assert "Mai Minh Nghĩa" in page and f"/ho-gia-dinh/{hid}/sua" not in page and "luu-tru" not in page
    assert "+ Thêm hộ" not in text(client.get("/ho-gia-dinh/"))


# ------------------------------------------------------------------------------------------------
# import: upload → preview → commit
# ------------------------------------------------------------------------------------------------


def upload(client, path_or_bytes, name=None, **fields):
    data = path_or_bytes.read_bytes() if hasattr(path_or_bytes, "read_bytes") else path_or_bytes
    name = name or getattr(path_or_bytes, "name", "ds.xlsx")
    return client.post("/nhap-danh-sach/", data={"file": (io.BytesIO(data), name), **fields},
                       content_type="multipart/form-data")


def test_upload_preview_commit_the_sample(app, client, login_as, import_dir):
    login_as("clerk")
    resp = upload(client, XLSX)
    assert resp.status_code == 302
    preview_url = resp.headers["Location"]
    token = preview_url.rstrip("/").rsplit("/", 1)[1]
    assert (import_dir / token / "upload").read_bytes() == XLSX.read_bytes()
    page = text(client.get(preview_url))
    assert "Thêm mới <b>180</b>" in page and "Bỏ qua <b>6</b>" in page and "năm 2025" in page
    assert page.count('class="row-') == 100  # paginated
    assert "Trang 1/2" in page
    assert "Dòng 98" in text(client.get(preview_url, query_string={"status": "skipped"}))
    sess = app.extensions["subsidy.sessionmaker"]()
    assert sess.scalar(select(func.count()).select_from(Household)) == 0  # a preview writes nothing
    sess.close()

    resp = client.post(f"/nhap-danh-sach/{token}/xac-nhan", data={})
    assert resp.status_code == 302 and "/cong-viec/" in resp.headers["Location"]  # the commit job's page
    assert not (import_dir / token).exists()
    done = text(client.get(resp.headers["Location"]))
    assert "Đã xong:" in done and "Đã nhập danh sách năm 2025 («ho-ngheo-2025-phu-tan.xlsx»): thêm 180 hộ" in done
    # The same rows as the preview's «Tất cả» (180 households and 6 skipped rows), not the sheet's last row (193).
    assert "<b>Đã xong:</b> 186/186 dòng" in done and "Tất cả <b>186</b>" in page
    assert 'http-equiv="refresh"' not in done and 'href="/ho-gia-dinh/"' in done
    assert "180 mục" in text(client.get("/ho-gia-dinh/"))
    again = client.post(f"/nhap-danh-sach/{token}/xac-nhan", data={})  # a second confirmation writes nothing
    assert again.status_code == 410 and "Tệp này đã được nhập rồi" in text(again)

    # the same file again: every row unchanged, nothing written
    resp = upload(client, XLSX)
    page = text(client.get(resp.headers["Location"]))
    assert "Không đổi <b>180</b>" in page and "Không có gì để ghi" in page
    sess = app.extensions["subsidy.sessionmaker"]()
    n_audit = sess.scalar(select(func.count()).select_from(AuditEntry))
    sess.close()
    token = resp.headers["Location"].rsplit("/", 1)[1]
    job_page = text(client.get(client.post(f"/nhap-danh-sach/{token}/xac-nhan", data={}).headers["Location"]))
    assert "Không có gì thay đổi: 180 hộ trong tệp đã có và giống hệt" in job_page
    sess = app.extensions["subsidy.sessionmaker"]()
    # only the commit job's own entry ("job.create"): no household entry, no batch entry
    assert sess.scalar(select(func.count()).select_from(AuditEntry)) == n_audit + 1
    assert sess.scalars(select(AuditEntry.action).order_by(AuditEntry.id.desc()).limit(1)).one() == "job.create"
    sess.close()


def test_preview_with_errors_refuses_unless_skip_invalid(app, client, login_as):
    bad = CSV.read_text(encoding="utf-8-sig").replace("082147383452", "8.2E+11", 1)
    login_as("clerk")
    resp = upload(client, bad.encode("utf-8"), "bo-sung.csv")
    url = resp.headers["Location"]
    page = text(client.get(url))
    assert "Lỗi <b>1</b>" in page and "Dòng 2" in page and "số mũ" in page
    token = url.rsplit("/", 1)[1]
    resp = client.post(f"/nhap-danh-sach/{token}/xac-nhan", data={})
    assert resp.status_code == 302 and "/cong-viec/" in resp.headers["Location"]
    failed = text(client.get(resp.headers["Location"]))
    assert "Không nhập tệp này: có 1 dòng lỗi" in failed and "Chưa có hộ nào được ghi" in failed
    assert f'href="/nhap-danh-sach/{token}"' in failed  # back to the preview, which is still there
    back = text(client.get(f"/nhap-danh-sach/{token}"))
    assert "Lỗi <b>1</b>" in back and 'class="on st-error"' in back  # opened on its wrong rows
    sess = app.extensions["subsidy.sessionmaker"]()
    assert sess.scalar(select(func.count()).select_from(Household)) == 0
    sess.close()
    resp = client.post(f"/nhap-danh-sach/{token}/xac-nhan", data={"skip_invalid": "y"})
    assert resp.status_code == 302
    sess = app.extensions["subsidy.sessionmaker"]()
    assert sess.scalar(select(func.count()).select_from(Household)) == 39
    sess.close()


@pytest.mark.parametrize("data, name, fragment", [
    (b"", "ds.xlsx", "rỗng"),
    (b"%PDF-1.4", "ds.pdf", "không phải tệp .xlsx hoặc .csv"),
    (b"%PDF-1.4", "ds.xlsx", "PDF"),
])
def test_bad_uploads_are_explained_on_the_form(client, login_as, data, name, fragment, import_dir):
    login_as("clerk")
    resp = upload(client, data, name)
    assert resp.status_code in (400, 422)
    page = text(resp)
    assert fragment in page or "Hãy chọn tệp" in page
    assert not import_dir.exists() or not any(import_dir.iterdir())


def test_oversized_upload_gets_a_vietnamese_message(app, client, login_as):
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    login_as("clerk")
    resp = upload(client, XLSX)
    assert resp.status_code == 413
    assert "vượt giới hạn" in text(resp)


def test_another_clerk_cannot_see_or_commit_my_preview(app, client, login_as, make_user):
    login_as("clerk")
    token = upload(client, XLSX).headers["Location"].rsplit("/", 1)[1]
    client.post("/dang-xuat")
    other = app.test_client()
    make_user("clerk2", "clerk")
    login(other, "clerk2")
    assert other.get(f"/nhap-danh-sach/{token}").status_code == 404
    assert other.post(f"/nhap-danh-sach/{token}/xac-nhan", data={}).status_code == 404
    assert other.get("/nhap-danh-sach/..%2F..%2Fetc").status_code == 404


def test_cancel_deletes_the_upload(client, login_as, import_dir):
    login_as("clerk")
    token = upload(client, XLSX).headers["Location"].rsplit("/", 1)[1]
    assert (import_dir / token).exists()
    assert client.post(f"/nhap-danh-sach/{token}/huy").status_code == 302
    assert not (import_dir / token).exists()


def test_import_form_needs_a_csrf_token(csrf_app, make_user, tmp_path):
    csrf_app.config["IMPORT_DIR"] = str(tmp_path / "imp")
    client = csrf_app.test_client()
    make_user("lan", "clerk")
    page = client.get("/dang-nhap")
    client.post("/dang-nhap", data={"username": "lan", "password": "Lua-chin-vang-2026", "csrf_token": csrf_token_from(page.data)})
    resp = client.post("/nhap-danh-sach/", data={"file": (io.BytesIO(XLSX.read_bytes()), XLSX.name)},
                       content_type="multipart/form-data")
    assert resp.status_code == 400
    form = client.get("/nhap-danh-sach/")
    resp = client.post("/nhap-danh-sach/", data={"file": (io.BytesIO(XLSX.read_bytes()), XLSX.name),
                                                 "csrf_token": csrf_token_from(form.data)},
                       content_type="multipart/form-data")
    assert resp.status_code == 302


def test_preview_where_every_row_is_wrong_offers_nothing_to_confirm(app, client, login_as):
    """A file whose data rows all have errors: the preview says nothing can be imported and how
    to go on, and offers no «Xác nhận nhập» (a tester was offered to "import only 0 households")."""
    header, first = CSV.read_text(encoding="utf-8-sig").splitlines()[:2]
    login_as("clerk")
    resp = upload(client, f"{header}\n{first.replace('082147383452', '8.2E+11')}\n".encode("utf-8"), "loi.csv")
    page = text(client.get(resp.headers["Location"]))
    assert "Lỗi <b>1</b>" in page
    assert "Không có dòng nào nhập được: cả <b>1</b> dòng có dữ liệu đều lỗi" in page
    assert "Xác nhận nhập" not in page and "để chỉ nhập 0 hộ" not in page and "bỏ qua các dòng lỗi" not in page
    assert "Đóng, không nhập" in page


def test_the_admin_archive_box_tells_no_household_s_category(app, client, login_as):
    """The admin archives but does not see poverty status: the box says only that archiving may
    lower the commune's ceiling, the same for a poor household and an unclassified one."""
    poor = add(app)
    unclassified = add(app, code="8277490479", citizen_id="082038597399", phone="0386300392", category=None)
    login_as("admin")
    boxes = []
    for hid in (poor, unclassified):
        page = text(client.get(f"/ho-gia-dinh/{hid}"))
        assert "giảm từ" not in page and "đã phân bổ" not in page
        box = page[page.index("Lưu trữ hộ này…"):page.index('<button type="submit" class="danger">')]
        assert ("Lưu trữ hộ có thể làm giảm trần phân bổ của xã (số hộ nghèo, cận nghèo trong danh sách); "
                "công chức xã và cấp phân bổ xem được số cụ thể.") in box
        boxes.append(box.replace(f"/ho-gia-dinh/{hid}/", "/ho-gia-dinh/ID/"))
    assert boxes[0] == boxes[1]


def test_a_page_carrying_no_version_of_the_household_is_told_to_reload(app, client, login_as):
    """A form whose hidden version is none the household ever had (a page of another household, a
    tampered field) is refused with the page's words — reload it — never the API's «version»."""
    hid = add(app)
    login_as("clerk")
    resp = client.post(f"/ho-gia-dinh/{hid}/sua", data=form_data(
        code="8250419218", head_name="Mai Minh Nghĩa", head_birth_year="1938", head_gender="M",
        citizen_id="082038597382", phone="0386300391", hamlet="Ấp Phú Hòa", members="6", seen="987654"))
    assert resp.status_code == 422
    page = text(resp)
    assert ("Trang này không khớp với bản ghi đang sửa (trang đã cũ hoặc bị thay đổi): hãy tải lại trang rồi "
            "nhập lại thay đổi.") in page
    assert "version" not in page and "Phiên bản 987654" not in page
    sess = app.extensions["subsidy.sessionmaker"]()
    assert sess.get(Household, hid).members == 1  # nothing saved
    sess.close()
