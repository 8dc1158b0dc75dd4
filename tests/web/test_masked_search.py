"""A search cannot read a number the page masks (domain.md §9–§10): the province's roles see CCCD
and phone masked, so on the household list, the application queue, the complaints register and the
API their digits match only a fragment of the household code, the whole CCCD, the whole phone or the
shown tail (the last 4 digits of a CCCD, the last 3 of a phone). Typing a CCCD one digit at a time and watching whether
the household stays found, as a tester did to read ``********7630`` in full, finds it at no step
short of the whole number. Commune staff keep searching by any fragment.

What each search should find is computed here from the stored values, not by the search code."""
from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from subsidy.services import communes, users
from tests import factories
from tests.conftest import login

CCCD = "082043337630"
PHONE = "0973512468"
CODE = "HB-5521"
NAME = "Hồ Thanh Bình"
OTHER_CODE = "HB-9903"  # the same name, other numbers: a search by the name alone finds both
PROVINCE = ("province_officer", "province_approver")
#: The applications' tracking codes: letters only, so no digit typed can match them as a code part.
TRACKING, OTHER_TRACKING = "KXQWRTYHMN", "PQRSTUVWXY"
#: What each list shows of the household searched for.
MARK = {"/ho-gia-dinh/": CODE, "/ho-so/": "KXQW-RTYH-MN"}


def shown_match(digits: str) -> bool:
    """Whether a masked searcher's word of ``digits`` finds the household: what they can read off
    the page (a fragment of the code, the last 4 of the CCCD, the last 3 of the phone) or what they
    already know whole (the CCCD, the phone, its +84 form)."""
    international = {"84" + PHONE[1:], "0084" + PHONE[1:]}
    return (digits in CODE or digits in (CCCD, PHONE, CCCD[-4:], PHONE[-3:]) or digits in international)


@pytest.fixture
def seeded(app) -> dict[str, Any]:
    s = app.extensions["subsidy.sessionmaker"]()
    a = communes.create_commune(s, communes.CommuneInput(code="XAA", name="xã An"), None, hamlets=["Ấp A1"])
    clerk = factories.user(s, "clerk", "clerk-a", row=True, commune_id=a.id)
    h = factories.applicant(s, code=CODE, head_name=NAME, hamlet="Ấp A1", citizen_id=CCCD, phone=PHONE,
                            commune_id=a.id)
    other = factories.applicant(s, code=OTHER_CODE, head_name=NAME, hamlet="Ấp A1", citizen_id="082099911111",
                                phone="0351112222", commune_id=a.id)
    appl = factories.application(s, h, code=TRACKING)
    factories.application(s, other, code=OTHER_TRACKING)
    from subsidy.services import complaints as complaints_svc

    case = complaints_svc.record_case(s, complaints_svc.CaseInput(
        kind="complaint", filer="head", channel="in_person", category="priority", text="Xếp thứ tự sai",
        household_id=h.id, application_id=appl.id, received_on=dt.date(2026, 3, 11),
        contested_on=dt.date(2026, 2, 5)), clerk, today=dt.date(2026, 3, 11))
    accounts = {"clerk": clerk}
    for role in PROVINCE:
        accounts[role] = factories.user(s, role, role.replace("_", "-"), row=True)
    tokens = {role: users.create_api_token(s, acc, "t", acc) for role, acc in accounts.items()}
    s.commit()
    s.close()
    return {"accounts": {r: acc.username for r, acc in accounts.items()}, "tokens": tokens,
            "case": case.case_number}


def _web_finds(client, path: str, q: str) -> bool:
    resp = client.get(path, query_string={"q": q})
    assert resp.status_code == 200, (path, q)
    return MARK[path] in resp.get_data(as_text=True)


def _api_finds(client, token: str, path: str, q: str) -> bool:
    resp = client.get(path, query_string={"q": q}, headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 200, (path, q, resp.get_data(as_text=True)[:300])
    items = resp.get_json()["items"]
    codes = {(i.get("household") or i).get("code") for i in items}
    return CODE in codes


def _walks(number: str) -> list[str]:
    """Every beginning of ``number`` one digit longer than the last, then the whole of it."""
    return [number[:k] for k in range(1, len(number) + 1)]


@pytest.mark.parametrize("role", PROVINCE)
@pytest.mark.parametrize("path", ("/ho-gia-dinh/", "/ho-so/"))
def test_a_masked_searcher_cannot_walk_a_number_on_the_pages(app, seeded, role, path):
    client = app.test_client()
    assert login(client, seeded["accounts"][role]).status_code == 302
    assert _web_finds(client, path, NAME)  # the name alone finds it
    for number in (CCCD, PHONE):
        found = {p: _web_finds(client, path, f"{NAME} {p}") for p in _walks(number)}
        assert found == {p: shown_match(p) for p in found}, (path, number)
        # the walk does not narrow: no beginning short of the whole number (and not in the code)
        # finds the household, so watching it stay found reveals nothing
        assert [p for p, hit in found.items() if hit and p != number and p not in CODE] == []
        assert found[number]
    for shown in (CCCD[-4:], PHONE[-3:], "5521", "84" + PHONE[1:]):
        assert _web_finds(client, path, f"{NAME} {shown}"), (path, shown)
    for hidden in ("4333", "3337", "7351", "2468", "43337630", "512468", "630"):
        assert not _web_finds(client, path, hidden), (path, hidden)


@pytest.mark.parametrize("path", ("/ho-gia-dinh/", "/ho-so/"))
def test_a_whole_number_typed_with_spaces_is_one_number_for_a_masked_searcher(app, seeded, path):
    client = app.test_client()
    assert login(client, seeded["accounts"]["province_officer"]).status_code == 302
    spaced_phone = f"{PHONE[:4]} {PHONE[4:7]} {PHONE[7:]}"        # 0973 512 468
    spaced_cccd = f"{CCCD[:3]} {CCCD[3:6]} {CCCD[6:]}"            # 082 043 337630
    for q in (spaced_phone, spaced_cccd, f"{NAME} {spaced_phone}"):
        assert _web_finds(client, path, q), (path, q)
    # Parts that do not make a whole number stay separate words: each must be shown or whole.
    for q in (f"{PHONE[:4]} {PHONE[4:7]}", f"{CCCD[:3]} {CCCD[3:6]} {CCCD[6:9]}"):
        assert not _web_finds(client, path, q), (path, q)


@pytest.mark.parametrize("path", ("/ho-gia-dinh/", "/ho-so/"))
def test_commune_staff_still_find_by_any_fragment(app, seeded, path):
    client = app.test_client()
    assert login(client, seeded["accounts"]["clerk"]).status_code == 302
    for fragment in ("0820433", "4333", "3337", "43337630", "7351", "512468", "630", f"{NAME} 08204"):
        assert _web_finds(client, path, fragment), (path, fragment)
    assert not _web_finds(client, path, "0820999")


@pytest.mark.parametrize("path", ("/api/v1/households", "/api/v1/applications"))
def test_the_api_searches_as_the_token_sees(app, client, seeded, path):
    province = seeded["tokens"]["province_officer"]
    for p in _walks(CCCD) + _walks(PHONE):
        assert _api_finds(client, province, path, p) == shown_match(p), (path, p)
    assert _api_finds(client, province, path, "0820433") is False
    assert _api_finds(client, province, path, CCCD[-4:]) and _api_finds(client, province, path, CCCD)
    clerk = seeded["tokens"]["clerk"]
    for fragment in ("0820433", "3337", "512468"):
        assert _api_finds(client, clerk, path, fragment), (path, fragment)


@pytest.mark.parametrize("role", ("province_officer", "clerk"))
def test_the_complaints_register_searches_as_the_reader_sees(app, seeded, role):
    client = app.test_client()
    assert login(client, seeded["accounts"][role]).status_code == 302

    def finds(q: str) -> bool:
        resp = client.get("/khieu-nai/", query_string={"q": q})
        assert resp.status_code == 200, q
        return seeded["case"] in resp.get_data(as_text=True)

    assert finds(NAME) and finds(CCCD) and finds(CCCD[-4:])
    assert finds("0820433") == (role == "clerk") and finds("3337630") == (role == "clerk")
