"""JSON API v1 writes for a clerk's tool: a correction with a reason (services.corrections), a bulk
check started as a background job (hand-picked ids or the queue's filters) and the job's progress;
every response checked against the shipped OpenAPI document (tests/api/test_api_v1.conforms)."""
from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from subsidy.domain.calendar import today_vn
from subsidy.models import Application, AuditEntry, EligibilityDecision
from subsidy.services import rulesets, users
from tests import factories
from tests.api.test_api_v1 import DOC, bearer, conforms

TODAY = today_vn()
#: The correction's request schema, as shipped.
CORRECTION = DOC["components"]["schemas"]["CorrectionRequest"]["properties"]
RULESETS = Path(__file__).resolve().parents[2] / "subsidy" / "rulesets"


@pytest.fixture
def desk(app) -> dict[str, Any]:
    """Four received applications on this year's list (the shipped rule sets loaded): ``cash``
    bought on 01/12/2022 (before 12/12/2022: E5 fails), ``ok1``/``ok2`` passing, ``unknown`` with
    the prior device not recorded (E2 undecided); and one token per role."""
    s = app.extensions["subsidy.sessionmaker"]()
    rulesets.load_shipped(s)
    made = {}
    for key, prior, form, bought in (("cash", "none", "cash", dt.date(2022, 12, 1)), ("ok1", "none", "package", None),
                                     ("ok2", "none", "package", None), ("unknown", "unknown", "package", None)):
        h = factories.applicant(s, list_year=TODAY.year, prior_device=prior, head_name=f"Hộ {key}")
        made[key] = factories.application(s, h, received_on=TODAY - dt.timedelta(days=10), support_form=form,
                                          purchase_date=bought).id
    accounts = {role: factories.user(s, role, f"api{role}", row=True) for role in ("admin", "clerk", "approver", "radio")}
    tokens = {role: users.create_api_token(s, u, "tool", accounts["admin"]) for role, u in accounts.items()}
    s.commit()
    s.close()
    return {"apps": made, "tokens": tokens}


def _post(client, path: str, token: str, body: Any):
    return client.post("/api/v1" + path, json=body, headers=bearer(token))


def _refused_correction(client, desk, body: Any) -> list[dict[str, str]]:
    """The clerk's correction ``body`` to the ``cash`` application: answered 422 as the OpenAPI document
    says; returns its ``errors`` (``[{"name", "reason"}]``)."""
    resp = _post(client, f"/applications/{desk['apps']['cash']}/corrections", desk["tokens"]["clerk"], body)
    assert conforms(resp, "/applications/{application_id}/corrections", "POST").status_code == 422
    return resp.get_json()["errors"]


def test_a_corrected_purchase_date_turns_e5_from_failed_to_passed(app, client, desk, read_session):
    tok = desk["tokens"]["clerk"]
    cash = desk["apps"]["cash"]
    first = _post(client, f"/applications/{cash}/corrections", tok, {"support_form": "cash", "reason": "x", "recheck": True})
    assert conforms(first, "/applications/{application_id}/corrections", "POST").status_code == 409  # nothing changed
    # An API client has no «Hủy» button: the answer names the fields to send instead.
    assert first.get_json()["detail"] == (
        "Không có thông tin nào thay đổi: gửi ít nhất một trường (received_on, support_form, purchase_date, "
        "evidence_note) có giá trị khác giá trị đang lưu của hồ sơ.")
    assert "bấm" not in first.get_json()["detail"] and "«" not in first.get_json()["detail"]
    resp = _post(client, f"/applications/{cash}/corrections", tok,
                 {"purchase_date": "2023-12-01", "reason": "Gõ nhầm năm mua máy 2022, đúng là 2023"})
    conforms(resp, "/applications/{application_id}/corrections", "POST")
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["changes"] == {"purchase_date": ["2022-12-01", "2023-12-01"]}
    assert body["decision"]["outcome"] == "eligible" and body["decision"]["failed_rules"] == []
    assert body["application"]["state"] == "eligible" and body["application"]["purchase_date"] == "2023-12-01"
    entry = read_session.scalars(select(AuditEntry).where(AuditEntry.action == "application.correction")).one()
    assert entry.changes == {"purchase_date": ["2022-12-01", "2023-12-01"]}
    assert entry.note == "Gõ nhầm năm mua máy 2022, đúng là 2023"


def test_correction_errors_say_each_field(client, desk):
    tok = desk["tokens"]["clerk"]
    cash = desk["apps"]["cash"]
    errors = _refused_correction(client, desk, {"purchase_date": "01/12/2023", "recheck": "yes"})
    assert {e["name"] for e in errors} == {"purchase_date", "recheck"}
    errors = _refused_correction(client, desk, {"received_on": "2099-01-01", "reason": ""})
    assert {e["name"] for e in errors} == {"received_on", "reason"}
    assert _post(client, f"/applications/{cash}/corrections", tok, ["not", "an", "object"]).status_code == 422
    assert _post(client, f"/applications/{cash}/corrections", tok, {"reason": "x", "note": "y"}).status_code == 422
    assert _post(client, "/applications/999999/corrections", tok, {"reason": "x"}).status_code == 404


@pytest.mark.parametrize("name", ["reason", "received_on", "support_form"])
def test_a_null_where_the_schema_has_no_null_is_422_naming_the_field(client, desk, name):
    assert name in {e["name"] for e in _refused_correction(client, desk, {"reason": "Sửa lỗi gõ", name: None})}


def test_null_clears_the_purchase_date_and_evidence_the_schema_lets_be_null(client, desk):
    resp = _post(client, f"/applications/{desk['apps']['cash']}/corrections", desk["tokens"]["clerk"],
                 {"purchase_date": None, "evidence_note": None, "reason": "Chưa có hoá đơn"})
    assert conforms(resp, "/applications/{application_id}/corrections", "POST").status_code == 200, resp.get_json()
    assert resp.get_json()["changes"]["purchase_date"] == ["2022-12-01", None]
    assert resp.get_json()["application"]["purchase_date"] is None


def test_a_day_of_the_right_form_that_does_not_exist_is_said_so(client, desk):
    assert _refused_correction(client, desk, {"purchase_date": "2025-02-31", "reason": "x"}) == [
        {"name": "purchase_date", "reason": (
            "ngày «2025-02-31» không có: tháng 2 năm 2025 chỉ có 28 ngày, không có ngày 31; hãy kiểm tra lại ngày, "
            "viết dạng YYYY-MM-DD")}]
    assert _refused_correction(client, desk, {"received_on": "2024-13-01", "reason": "x"}) == [
        {"name": "received_on", "reason": (
            "ngày «2024-13-01» không có: không có tháng 13 (tháng phải từ 1 đến 12); hãy kiểm tra lại ngày, "
            "viết dạng YYYY-MM-DD")}]
    assert _refused_correction(client, desk, {"purchase_date": "31/01/2025", "reason": "x"}) == [
        {"name": "purchase_date", "reason": "phải là ngày dạng YYYY-MM-DD, năm 2000–2099"}]


@pytest.mark.parametrize("role", ["approver", "admin", "radio"])
def test_only_a_clerk_corrects_and_starts_bulk_checks(client, desk, role):
    tok = desk["tokens"][role]
    r1 = _post(client, f"/applications/{desk['apps']['cash']}/corrections", tok, {"reason": "x"})
    r2 = _post(client, "/bulk-checks", tok, {})
    for r, path in ((r1, "/applications/{application_id}/corrections"), (r2, "/bulk-checks")):
        conforms(r, path, "POST")
        assert r.status_code == 403 and "Công chức VP-TK" in r.get_json()["detail"]


def test_a_bulk_check_of_hand_picked_applications_and_its_progress(client, desk, read_session):
    tok, a = desk["tokens"]["clerk"], desk["apps"]
    resp = _post(client, "/bulk-checks", tok, {"ids": [a["cash"], a["unknown"], a["cash"], 999999]})
    conforms(resp, "/bulk-checks", "POST")
    assert resp.status_code == 202, resp.get_json()
    body = resp.get_json()
    assert body["skipped"] == [999999] and body["job"]["total"] == 2
    got = client.get(resp.headers["Location"], headers=bearer(tok))
    conforms(got, "/jobs/{job_id}")
    job = got.get_json()
    assert (job["status"], job["done"], job["kind_label"]) == ("done", 2, "Kiểm tra điều kiện hàng loạt")
    assert job["summary"]["outcomes"] == {"not_eligible": 1, "undecided": 1} and job["summary"]["failed"] == {"E5": 1}
    states = dict(read_session.execute(select(Application.id, Application.state)).all())
    assert (states[a["cash"]], states[a["unknown"]], states[a["ok1"]], states[a["ok2"]]) == (
        "not_eligible", "received", "received", "received")  # the two not picked stay unchecked
    # the job is the starter's (and an admin's), nobody else's
    assert client.get(resp.headers["Location"], headers=bearer(desk["tokens"]["approver"])).status_code == 404
    assert client.get(resp.headers["Location"], headers=bearer(desk["tokens"]["admin"])).status_code == 200
    # nothing left to check among those ids: 422, no job
    again = _post(client, "/bulk-checks", tok, {"ids": [a["cash"]]})
    assert conforms(again, "/bulk-checks", "POST").status_code == 422


def test_a_bulk_check_of_the_filtered_queue(client, desk, read_session):
    tok = desk["tokens"]["clerk"]
    resp = _post(client, "/bulk-checks", tok, {"q": "Hộ ok"})
    assert resp.status_code == 202 and resp.get_json()["job"]["total"] == 2
    assert read_session.scalar(select(EligibilityDecision.id).limit(1)) is not None
    resp = _post(client, "/bulk-checks", tok, {"ids": [1], "q": "x"})
    assert resp.status_code == 422 and resp.get_json()["errors"][0]["name"] == "ids"
    for bad in ({"ids": []}, {"ids": [True]}, {"ids": "1,2"}, {"tier": 5}):
        assert _post(client, "/bulk-checks", tok, bad).status_code == 422, bad
    # The schema gives every field one type, null not among them: null is not "no filter".
    for name in ("ids", "q", "hamlet", "category", "form", "tier"):
        resp = _post(client, "/bulk-checks", tok, {name: None})
        assert conforms(resp, "/bulk-checks", "POST").status_code == 422, name
        assert [e["name"] for e in resp.get_json()["errors"]] == [name]


def test_a_bulk_check_of_a_hamlet_the_commune_does_not_have_is_refused_naming_its_hamlets(client, desk, app):
    """As the downloads filtered by hamlet (communes.unknown_hamlet_message): 422 under «hamlet»,
    the commune's hamlets named, no job started; one of them is checked."""
    from subsidy.services import communes

    s = app.extensions["subsidy.sessionmaker"]()
    names = communes.filter_hamlets(s, None)
    s.close()
    tok = desk["tokens"]["clerk"]
    resp = _post(client, "/bulk-checks", tok, {"hamlet": "Ấp Không Có"})
    assert conforms(resp, "/bulk-checks", "POST").status_code == 422
    [error] = resp.get_json()["errors"]
    assert error["name"] == "hamlet" and "«Ấp Không Có»" in error["reason"]
    assert names and all(n in error["reason"] for n in names)
    ok = _post(client, "/bulk-checks", tok, {"hamlet": "Ấp Phú Hòa"})
    assert conforms(ok, "/bulk-checks", "POST").status_code == 202 and ok.get_json()["job"]["total"] == 4


def test_a_job_id_beyond_any_key_is_404(client, desk):
    resp = client.get("/api/v1/jobs/25196301029891981312", headers=bearer(desk["tokens"]["clerk"]))
    assert conforms(resp, "/jobs/{job_id}").status_code == 404


def test_date_refusals_speak_the_apis_yyyy_mm_dd(client, desk):
    """A day the API reads but out of its years says so (not «phải là ngày dạng YYYY-MM-DD»); a day
    after today is refused in the API's terms: days as YYYY-MM-DD, never «ngày/tháng/năm»."""
    assert _refused_correction(client, desk, {"received_on": "1900-01-01", "reason": "x"}) == [
        {"name": "received_on", "reason": ("ngày «1900-01-01» đúng dạng YYYY-MM-DD nhưng ngoài khoảng cho phép: năm "
                                           "phải từ 2000 đến 2099")}]
    today = today_vn()
    tomorrow = today + dt.timedelta(days=1)
    [error] = _refused_correction(client, desk, {"purchase_date": tomorrow.isoformat(), "reason": "x"})
    assert error == {"name": "purchase_date", "reason": (
        f"Ngày mua điện thoại ({tomorrow.isoformat()}) không được sau ngày hôm nay ({today.isoformat()}). "
        "Hãy kiểm tra lại ngày (viết dạng YYYY-MM-DD).")}


def test_iso_message_rewrites_days_and_the_format_hint():
    from subsidy.api.days import iso_message

    assert iso_message("Ngày nhận hồ sơ (21/03/2027) không được sau ngày hôm nay (20/03/2027). Hãy kiểm tra lại "
                       "ngày (ngày/tháng/năm).") == ("Ngày nhận hồ sơ (2027-03-21) không được sau ngày hôm nay "
                                                     "(2027-03-20). Hãy kiểm tra lại ngày (viết dạng YYYY-MM-DD).")
    assert iso_message("Hãy nhập ngày theo dạng ngày/tháng/năm, ví dụ 05/11/2026.") == (
        "Hãy nhập ngày theo dạng YYYY-MM-DD, ví dụ 2026-11-05.")


def _programme_start() -> dt.date:
    """The earliest effective_from among the shipped rule set files, read from the files themselves."""
    return min(dt.date.fromisoformat(json.loads(p.read_text(encoding="utf-8"))["effective_from"])
               for p in RULESETS.glob("*.json"))


def test_the_documented_date_received_starts_on_the_day_the_api_does(client, desk):
    """The OpenAPI pattern of a correction's received_on admits exactly the days from the programme's
    start (the shipped rule sets' earliest effective_from, 12/12/2022) to 2099-12-31; the API refuses
    the day before, names the field, and accepts the first day."""
    start = _programme_start()
    assert start == dt.date(2022, 12, 12)
    pattern = re.compile(CORRECTION["received_on"]["pattern"])
    day = dt.date(2022, 11, 1)
    while day <= dt.date(2023, 2, 28):  # around the start, day by day
        assert bool(pattern.search(day.isoformat())) == (day >= start), day
        day += dt.timedelta(days=1)
    for year in range(2000, 2101):
        assert bool(pattern.search(f"{year}-06-15")) == (2023 <= year <= 2099), year
    assert pattern.search(TODAY.isoformat()) and pattern.search("2099-12-31")

    [error] = _refused_correction(client, desk, {"received_on": "2022-12-11", "reason": "Ghi nhầm ngày"})
    assert error["name"] == "received_on" and "2022-12-12" in error["reason"]
    resp = _post(client, f"/applications/{desk['apps']['ok1']}/corrections", desk["tokens"]["clerk"],
                 {"received_on": "2022-12-12", "reason": "Ghi nhầm ngày", "recheck": False})
    assert conforms(resp, "/applications/{application_id}/corrections", "POST").status_code == 200, resp.get_json()
    assert resp.get_json()["changes"] == {
        "received_on": [(TODAY - dt.timedelta(days=10)).isoformat(), "2022-12-12"]}


@pytest.mark.parametrize("reason", [" ", "\t\n ", "\u00a0\u3000", "\x00\x1b", " \x07 "])
def test_a_reason_of_spaces_or_control_characters_is_refused_as_documented(client, desk, reason):
    assert not re.search(CORRECTION["reason"]["pattern"], reason)
    errors = _refused_correction(client, desk, {"reason": reason, "purchase_date": "2023-12-01"})
    assert [e["name"] for e in errors] == ["reason"]


def test_a_purchase_date_is_documented_in_the_apis_years(client, desk):
    pattern = re.compile(CORRECTION["purchase_date"]["pattern"])
    assert pattern.search("2000-01-01") and pattern.search("2099-12-31")
    assert not pattern.search("1999-12-31") and not pattern.search("2100-01-01")
    [error] = _refused_correction(client, desk, {"purchase_date": "1999-12-31", "reason": "x"})
    assert error["name"] == "purchase_date" and "năm phải từ 2000 đến 2099" in error["reason"]


def test_control_characters_and_lone_surrogates_are_dropped_not_stored(client, desk, read_session):
    """A NUL (which PostgreSQL refuses in text) or a lone surrogate (which no UTF-8 text holds) in a
    correction's texts is dropped, as the complaints API drops it: the correction is saved, not a 500."""
    cash = desk["apps"]["cash"]
    resp = _post(client, f"/applications/{cash}/corrections", desk["tokens"]["clerk"],
                 {"evidence_note": "Hóa đơn\x00 số\ud800 12", "reason": "Ghi\x1b thêm\r\nchứng từ", "recheck": False})
    assert conforms(resp, "/applications/{application_id}/corrections", "POST").status_code == 200, resp.get_json()
    assert resp.get_json()["changes"] == {"evidence_note": [None, "Hóa đơn số 12"]}
    assert read_session.get(Application, cash).evidence_note == "Hóa đơn số 12"
    entry = read_session.scalars(select(AuditEntry).where(AuditEntry.action == "application.correction")).one()
    assert entry.note == "Ghi thêm\nchứng từ"


def test_a_correction_from_an_outdated_read_is_409_and_writes_nothing(client, desk, read_session):
    """Two tools read the application (its ``version``); the first corrects the date received, the
    second, still holding the old read, corrects the purchase date: refused (409) with who changed
    which fact, nothing written; read again, it goes through. A version the application never had
    is a 422 naming ``version``."""
    tok, cash = desk["tokens"]["clerk"], desk["apps"]["cash"]
    read = conforms(client.get(f"/api/v1/applications/{cash}", headers=bearer(tok)),
                    "/applications/{application_id}", "GET").get_json()
    assert read["version"] == 0  # no change logged yet (made as a row)
    first = _post(client, f"/applications/{cash}/corrections", tok, {
        "received_on": (TODAY - dt.timedelta(days=12)).isoformat(), "reason": "Sai ngày", "version": read["version"]})
    assert conforms(first, "/applications/{application_id}/corrections", "POST").status_code == 200
    entry = read_session.scalars(select(AuditEntry).where(AuditEntry.action == "application.correction")).one()
    assert first.get_json()["version"] >= entry.id  # the correction (and the re-check after it)

    stale = _post(client, f"/applications/{cash}/corrections", tok, {
        "received_on": read["received_on"], "purchase_date": "2023-12-01", "reason": "Gõ nhầm năm", "version": 0})
    assert conforms(stale, "/applications/{application_id}/corrections", "POST").status_code == 409
    detail = stale.get_json()["detail"]
    assert "sửa «Ngày nhận hồ sơ»" in detail and "Hãy mở lại" in detail
    # the application named by its code as printed everywhere (groups), never the stored form
    code = read_session.scalar(select(Application.tracking_code).where(Application.id == cash))
    grouped = f"{code[:4]}-{code[4:8]}-{code[8:]}"
    assert f"hồ sơ {grouped}" in detail and code not in detail
    read_session.rollback()
    a = read_session.get(Application, cash)
    assert (a.received_on, a.purchase_date) == (TODAY - dt.timedelta(days=12), dt.date(2022, 12, 1))

    again = _post(client, f"/applications/{cash}/corrections", tok, {
        "purchase_date": "2023-12-01", "reason": "Gõ nhầm năm", "version": first.get_json()["version"]})
    assert conforms(again, "/applications/{application_id}/corrections", "POST").status_code == 200
    errors = _refused_correction(client, desk, {"purchase_date": "2024-01-02", "reason": "x", "version": entry.id + 10_000})
    assert [e["name"] for e in errors] == ["version"]
    assert errors[0]["reason"] == (f"Phiên bản {entry.id + 10_000} không phải một phiên bản của bản ghi này: hãy đọc "
                                   "lại bản ghi rồi gửi phiên bản vừa đọc (trường «version»).")
    assert [e["name"] for e in _refused_correction(client, desk, {"reason": "x", "version": True})] == ["version"]


def _other_communes_application(app) -> int:
    """A received application of a second commune (xã Ea H'leo)."""
    from subsidy.models import Commune

    s = app.extensions["subsidy.sessionmaker"]()
    other = Commune(code="EAHLEO", name="xã Ea H'leo", issuing_body="ỦY BAN NHÂN DÂN XÃ EA H'LEO",
                    place_name="Ea H'leo", approval_level="commune", active=True)
    s.add(other)
    s.flush()
    h = factories.applicant(s, list_year=TODAY.year, head_name="Hộ xa", commune_id=other.id)
    far = factories.application(s, h, received_on=TODAY - dt.timedelta(days=10), commune_id=other.id).id
    s.commit()
    s.close()
    return far


def test_another_communes_ids_are_answered_as_ids_that_do_not_exist(client, desk, app, read_session):
    """A clerk's bulk check of another commune's received application tells nothing about it: the
    answer of an id that does not exist; an id of the commune's that has moved on says so."""
    from subsidy.services import bulk_check

    far = _other_communes_application(app)
    tok = desk["tokens"]["clerk"]
    answers = []
    for ids in ([far], [2_000_000_000]):
        resp = _post(client, "/bulk-checks", tok, {"ids": ids})
        assert conforms(resp, "/bulk-checks", "POST").status_code == 422
        answers.append(resp.get_json())
    assert answers[0] == answers[1]
    assert answers[0]["errors"] == [{"name": "ids", "reason": bulk_check.NOTHING_TO_CHECK + bulk_check.PICKED_NOT_FOUND}]
    assert "không còn ở trạng thái" not in json.dumps(answers[0], ensure_ascii=False)
    assert read_session.scalar(select(Application.state).where(Application.id == far)) == "received"
    # one of the commune's own, checked already: it has moved on, and the answer says so
    assert _post(client, "/bulk-checks", tok, {"ids": [desk["apps"]["cash"]]}).status_code == 202
    moved = _post(client, "/bulk-checks", tok, {"ids": [desk["apps"]["cash"]]}).get_json()
    assert moved["errors"][0]["reason"] == bulk_check.NOTHING_TO_CHECK + bulk_check.PICKED_MOVED_ON


@pytest.mark.parametrize("body,name", [({"category": "bogus"}, "category"), ({"form": "evil"}, "form"),
                                       ({"category": ""}, "category"), ({"hamlet": "Ấp Không Có"}, "hamlet")])
def test_a_filter_the_queue_does_not_know_is_refused_under_its_name(client, desk, read_session, body, name):
    resp = _post(client, "/bulk-checks", desk["tokens"]["clerk"], body)
    assert conforms(resp, "/bulk-checks", "POST").status_code == 422
    assert [e["name"] for e in resp.get_json()["errors"]] == [name]
    assert read_session.scalar(select(EligibilityDecision.id).limit(1)) is None  # nothing checked


def test_nothing_to_check_under_a_known_filter_names_that_filter(client, desk):
    resp = _post(client, "/bulk-checks", desk["tokens"]["clerk"], {"category": "near_poor"})
    assert conforms(resp, "/bulk-checks", "POST").status_code == 422
    assert [e["name"] for e in resp.get_json()["errors"]] == ["category"]
