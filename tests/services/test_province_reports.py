"""The province's tally and annual report: every commune's own figures (the hand-checked history of
tests/tally_history.py in one commune) added up, with a breakdown by commune, rendered in every
format from the same dataclass."""
from __future__ import annotations

import datetime as dt
import json

from subsidy.documents.tally_export import render
from subsidy.models.scoping import set_commune
from subsidy.services import communes
from subsidy.services.tally.province import province_annual_report, province_tally
from tests import factories
from tests.services.test_tally_service import EXPECTED, TODAY
from tests.tally_history import build_history


def _two_communes(session):
    """Commune A holds the hand-checked history; commune B two households received in March 2026
    (one poor, one near-poor), nothing else."""
    build_history(session)  # the only commune yet: the one made from the defaults
    a = communes.the_only_commune(session)
    b = communes.create_commune(session, communes.CommuneInput(code="XAB", name="xã Bình"), None,
                                hamlets=["Ấp B1"])
    for category, day in (("poor", 3), ("near_poor", 20)):
        h = factories.household(session, hamlet="Ấp B1", category=category, commune_id=b.id)
        factories.application(session, h, received_on=dt.date(2026, 3, day))
    session.flush()
    return a, b


def test_the_province_tally_adds_up_its_communes(session):
    a, b = _two_communes(session)
    t, parts = province_tally(session, "2026-03", today=TODAY)
    expected_a = EXPECTED[("2026-03", False)]["totals"]
    assert [(c.code, part.totals.as_dict()["received"]) for c, part in parts] == [
        (b.code, 2), (a.code, expected_a["received"])]  # by name: xã Bình, xã Phú Tân
    assert t.totals.received == expected_a["received"] + 2
    assert {k: v for k, v in t.totals.as_dict().items() if k != "received"} == {
        k: v for k, v in expected_a.items() if k != "received"}
    assert [(r.key, r.label, r.figures.received) for r in t.by_hamlet.rows] == [
        ("XAB", "xã Bình", 2), (a.code, a.name, expected_a["received"])]
    assert (t.by_hamlet.name, t.by_hamlet.title, t.by_hamlet.key_title) == ("commune", "Theo xã", "Xã")
    by_category = {r.key: r.figures.received for r in t.by_category.rows}
    a_alone = parts[1][1]  # xã Phú Tân's own tally
    for key, n in {r.key: r.figures.received for r in a_alone.by_category.rows}.items():
        assert by_category[key] == n + (1 if key in ("poor", "near_poor") else 0)
    assert t.quota.allocated == EXPECTED[("2026-03", False)]["quota"]["allocated"]
    # every format carries the same numbers
    data = json.loads(render(t, "json"))
    assert data["totals"]["received"] == expected_a["received"] + 2
    assert render(t, "csv").decode("utf-8-sig").count("xã Bình") >= 1
    assert render(t, "pdf")[:4] == b"%PDF" and render(t, "xlsx")[:2] == b"PK"


def test_the_session_keeps_its_commune_after_a_province_report(session):
    a, b = _two_communes(session)
    set_commune(session, b.id)
    province_tally(session, "2026-03", today=TODAY)
    from subsidy.models.scoping import session_commune

    assert session_commune(session) == b.id


def test_the_province_annual_report_sums_months_and_year(session):
    a, b = _two_communes(session)
    r, parts = province_annual_report(session, 2026, today=TODAY)
    march = r.months[2]
    assert march.figures.received == EXPECTED[("2026-03", False)]["totals"]["received"] + 2
    assert r.year.totals.received == sum(p.year.totals.received for _, p in parts)
    assert r.cumulative.received == sum(p.cumulative.received for _, p in parts)
    assert [row.label for row in r.year.by_hamlet.rows] == ["xã Bình", a.name]
    assert render(r, "pdf")[:4] == b"%PDF"


def test_the_province_officer_sees_the_province_and_drills_down(app, client, login_as):
    s = app.extensions["subsidy.sessionmaker"]()
    _two_communes(s)
    s.commit()
    s.close()
    login_as("province_officer")
    page = client.get("/bao-cao?ky=thang&thang=2026-03").get_data(as_text=True)
    assert "Theo xã" in page and "xã Bình" in page and "— Toàn tỉnh, theo xã —" in page
    one = client.get("/bao-cao?ky=thang&thang=2026-03&xa=XAB").get_data(as_text=True)
    assert "Ấp B1" in one and "Theo xã" not in one
    assert client.get("/bao-cao?ky=thang&thang=2026-03&xa=NOPE").status_code == 404
    data = json.loads(client.get("/bao-cao/tai-ve.json?ky=thang&thang=2026-03").data)
    assert [r["label"] for r in data["by_hamlet"]][:1] == ["xã Bình"]
    assert client.get("/bao-cao/tai-ve.pdf?ky=thang&thang=2026-03").data[:4] == b"%PDF"


def test_tally_command_covers_the_province_without_commune_and_one_commune_with_it(app, tmp_path):
    s = app.extensions["subsidy.sessionmaker"]()
    a, b = _two_communes(s)
    a_code = a.code
    s.commit()
    s.close()
    runner = app.test_cli_runner()
    whole, one = tmp_path / "tinh.json", tmp_path / "xa.json"
    assert runner.invoke(args=["tally", "--month", "2026-03", "--format", "json", "--output", str(whole)]).exit_code == 0
    assert runner.invoke(args=["tally", "--month", "2026-03", "--format", "json", "--output", str(one),
                               "--commune", "XAB"]).exit_code == 0
    province, commune = json.loads(whole.read_text()), json.loads(one.read_text())
    assert [r["label"] for r in province["by_hamlet"]] == ["xã Bình", "xã Phú Tân"]
    assert commune["totals"]["received"] == 2 and [r["label"] for r in commune["by_hamlet"]][:1] == ["Ấp B1"]
    assert province["totals"]["received"] == 2 + EXPECTED[("2026-03", False)]["totals"]["received"]
    res = runner.invoke(args=["annual-report", "--year", "2026", "--format", "pdf", "--output",
                              str(tmp_path / "nam.pdf"), "--commune", a_code])
    assert res.exit_code == 0 and (tmp_path / "nam.pdf").read_bytes()[:4] == b"%PDF"
