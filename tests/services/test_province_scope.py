"""One instance, several communes (domain.md §10): every row in a commune, a commune's Session sees
only its own rows, numbering and quota per commune, a CCCD (and so E4) across communes."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from subsidy.domain.scope import CommuneRequired
from subsidy.models import Application, Commune, Household, ProposalList, Receipt, User
from subsidy.models.scoping import set_commune
from subsidy.services import allocations, communes, households
from subsidy.services.errors import Conflict, ServiceError
from tests import factories
from tests.handover_support import handover_input, imei


def _commune(session, code: str, name: str, hamlets=("Ấp Một", "Ấp Hai")) -> Commune:
    return communes.create_commune(session, communes.CommuneInput(code=code, name=name), None, hamlets=hamlets)


@pytest.fixture
def two(session):
    """Communes A (xã Phú Tân) and B (xã Phú Mỹ), each with a clerk."""
    a = _commune(session, "PHUTAN", "xã Phú Tân")
    b = _commune(session, "phumy", "xã Phú Mỹ")
    clerk_a = factories.user(session, "clerk", "canbo-a", row=True, commune_id=a.id)
    clerk_b = factories.user(session, "clerk", "canbo-b", row=True, commune_id=b.id)
    return a, b, clerk_a, clerk_b


def test_a_commune_is_made_with_its_names_and_hamlets(session, two):
    a, b, *_ = two
    assert (b.code, b.name, b.issuing_body, b.place_name, b.approval_level) == (
        "PHUMY", "xã Phú Mỹ", "ỦY BAN NHÂN DÂN XÃ PHÚ MỸ", "Phú Mỹ", "commune")
    assert a.hamlet_names == ["Ấp Một", "Ấp Hai"]
    with pytest.raises(Conflict):
        _commune(session, "PHUMY", "xã Khác")


def test_a_commune_session_sees_only_its_own_rows(session, two):
    a, b, *_ = two
    ha = factories.household(session, code="H-1", commune_id=a.id)
    hb = factories.household(session, code="H-1", commune_id=b.id)  # the same code in another commune
    factories.application(session, ha)
    factories.application(session, hb)
    session.commit()
    set_commune(session, b.id)
    session.expunge_all()
    assert session.get(Household, ha.id) is None
    assert [h.id for h in session.scalars(select(Household))] == [hb.id]
    assert session.scalar(select(func.count()).select_from(Application)) == 1
    set_commune(session, None)
    assert session.scalar(select(func.count()).select_from(Household)) == 2


def test_new_rows_take_their_parents_commune(session, two):
    a, b, *_ = two
    hb = factories.household(session, commune_id=b.id)
    app = factories.application(session, hb)
    assert app.commune_id == b.id
    with pytest.raises(CommuneRequired):
        factories.household(session)  # two communes and none chosen


def test_a_cccd_held_in_another_commune_is_refused_naming_that_commune_only(session, two):
    a, b, *_ = two
    factories.household(session, code="PT-7", head_name="Trần Văn Bảy", citizen_id="082070000777", commune_id=a.id)
    set_commune(session, b.id)
    data = households.HouseholdInput(code="PM-1", head_name="Trần Văn Bảy", hamlet="Ấp Một", category="poor",
                                     members=2, head_birth_year=1970, head_gender="M", citizen_id="082070000777")
    with pytest.raises(Conflict) as err:
        households.register_household(session, data, None)
    message = str(err.value)
    assert "xã Phú Tân" in message and "082070000777" in message
    assert "PT-7" not in message and "Bảy" not in message  # nothing of the household in the other commune


def test_the_import_refuses_a_row_whose_cccd_is_in_another_commune(session, two):
    from subsidy.services.importer import import_households

    a, b, *_ = two
    factories.household(session, code="PT-7", head_name="Trần Văn Bảy", citizen_id="082070000777", commune_id=a.id)
    csv = ("Mã hộ,Họ và tên chủ hộ,Năm sinh,Giới tính,Số CCCD,Ấp,Số nhân khẩu,Phân loại\n"
           "PM-1,Trần Văn Bảy,1970,Nam,082070000777,Ấp Một,2,Hộ nghèo\n"
           "PM-2,Lê Thị Hoa,1980,Nữ,082180000123,Ấp Hai,3,Hộ cận nghèo\n").encode()
    report = import_households(session, csv, "ds-2025.csv", None, year=2025, dry_run=True, commune_id=b.id)
    by_row = {r.code: r for r in report.rows}
    assert by_row["PM-1"].status == "error" and "xã Phú Tân" in " ".join(by_row["PM-1"].messages)
    assert by_row["PM-2"].status == "new"


def test_receipts_and_lists_are_numbered_per_commune(session, two, tt14):
    from subsidy.services.handovers import record_handover

    a, b, clerk_a, clerk_b = two
    numbers = {}
    for commune, clerk, n in ((a, clerk_a, 1), (b, clerk_b, 2)):
        h = factories.applicant(session, commune_id=commune.id)
        app = factories.application(session, h, state="approved")
        set_commune(session, commune.id)
        done = record_handover(session, app.id, handover_input(imei(n)), clerk, today=dt.date(2026, 3, 10))
        numbers[commune.code] = (done.receipt.commune_id, done.receipt.number)
        set_commune(session, None)
    assert numbers == {"PHUTAN": (a.id, 1), "PHUMY": (b.id, 1)}
    assert session.scalar(select(func.count()).select_from(Receipt)) == 2
    # proposal lists: each commune has its own register of numbers
    from subsidy.services.lists import new_list, next_number

    new_list(session, clerk_a, number="01/DS-UBND")
    assert (next_number(session, commune_id=a.id), next_number(session, commune_id=b.id)) == ("02/DS-UBND", "01/DS-UBND")
    assert new_list(session, clerk_b, number="01/DS-UBND").commune_id == b.id  # the same number in B
    with pytest.raises(Conflict):
        new_list(session, clerk_a, number="01/DS-UBND")
    assert session.scalar(select(func.count()).select_from(ProposalList)) == 2


def test_the_quota_and_its_ceiling_are_each_communes_own(session, two):
    a, b, clerk_a, clerk_b = two
    for _ in range(3):
        factories.household(session, commune_id=a.id, category="poor")
    factories.household(session, commune_id=b.id, category="near_poor")
    allocations.record_allocation(session, 3, dt.date(2026, 1, 20), "CV 1", clerk_a, commune_id=a.id)
    with pytest.raises(ServiceError, match="1 hộ"):  # B has one poor or near-poor household
        allocations.record_allocation(session, 2, dt.date(2026, 1, 20), "CV 1", clerk_b, commune_id=b.id)
    allocations.record_allocation(session, 1, dt.date(2026, 1, 20), "CV 1", clerk_b, commune_id=b.id)
    assert allocations.quota(session, commune_id=a.id).allocated == 3
    assert allocations.quota(session, commune_id=b.id).allocated == 1
    set_commune(session, b.id)
    assert allocations.quota(session).allocated == 1  # the Session's commune


def test_the_first_commune_is_made_from_the_defaults_once(session):
    commune, created = communes.ensure_default_commune(session, {
        "code": "TANAN", "name": "xã Tân An", "issuing_body": "ỦY BAN NHÂN DÂN XÃ TÂN AN", "place_name": "Tân An",
        "hamlets": ["Ấp 1", "Ấp 2"]})
    assert created and (commune.code, commune.name, commune.hamlet_names) == ("TANAN", "xã Tân An", ["Ấp 1", "Ấp 2"])
    again, created = communes.ensure_default_commune(session)
    assert again.id == commune.id and not created
    assert factories.household(session).commune_id == commune.id


def test_the_commands_work_per_commune(app, tmp_path):
    """create-commune, create-user --commune, export-households --commune; with two communes a
    command that works on one commune's data asks for --commune in one line."""
    runner = app.test_cli_runner()

    def run(*args, input=None):
        return runner.invoke(args=list(args), input=input)

    assert run("create-commune", "XAA", "--name", "xã An", "--hamlets", "Ấp 1;Ấp 2").exit_code == 0
    made = run("create-commune", "XAB", "--name", "xã Bình", "--province", "tỉnh Đồng Tháp")
    assert made.exit_code == 0 and "Đã thêm xã Bình (mã XAB, 0 ấp/thôn)." in made.output
    assert run("create-commune", "XAB", "--name", "xã Khác").exit_code == 1
    s = app.extensions["subsidy.sessionmaker"]()
    ids = {c.code: c.id for c in communes.list_communes(s)}
    factories.household(s, code="A-1", head_name="Trần Văn An", commune_id=ids["XAA"])
    factories.household(s, code="B-1", head_name="Lê Thị Bình", commune_id=ids["XAB"])
    s.commit()
    s.close()
    password = factories.TEST_PASSWORD + "\n"
    assert run("create-user", "canbo.b", "--role", "clerk", "--commune", "xab", "--full-name", "Trần Thị Bích",
               input=password).exit_code == 0
    refused = run("create-user", "canbo.x", "--role", "clerk", input=password)
    assert refused.exit_code == 1 and refused.output.count("\n") == 1 and "--commune" in refused.output
    out = tmp_path / "b.csv"
    assert run("export-households", "--output", str(out), "--commune", "XAB").exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert "Lê Thị Bình" in text and "Trần Văn An" not in text
    refused = run("export-households", "--output", str(out))
    assert refused.exit_code == 1 and "XAA, XAB" in refused.output
    s = app.extensions["subsidy.sessionmaker"]()
    assert s.scalar(select(func.count()).select_from(User)) == 1  # canbo.b only
    s.close()
