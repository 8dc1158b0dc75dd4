"""End to end on the sample list: import ../shared/data/ho-ngheo-2025-phu-tan.xlsx,
apply for 60 households (some with prior tablets or learning devices, some cash bought before or
after the 12/12/2022 cut-off, two whose prior devices are not known), check them, record a quota
of 40, build the proposal list, approve it; then compare the exact counts and the exact order of
the approved and waiting lists with what this test computes on its own from the rules
(domain.md §2–§3) over the expected CSV — not with the engine.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata

from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select

from subsidy.documents import lists as list_docs
from subsidy.domain.documents import DEFAULT_ISSUER
from subsidy.models import Application, EligibilityDecision, Household
from subsidy.services import allocations, applications, importer, lists, rulesets
from tests import factories
from tests.conftest import DATA

XLSX = DATA / "ho-ngheo-2025-phu-tan.xlsx"
EXPECTED = DATA / "ho-ngheo-2025-phu-tan.expected.csv"
CHECK_ON = dt.date(2025, 6, 30)
CUTOFF = dt.date(2022, 12, 12)
QUOTA = 40


def scenario(i: int) -> dict:
    """What household number ``i`` (0–59, file order) declares and asks for."""
    prior = "none"
    if i % 15 == 4:
        prior = "vtci_tablet"          # i = 4, 19, 34, 49
    elif i % 20 == 11:
        prior = "learning_device"      # i = 11, 31, 51
    elif i % 29 == 28:
        prior = None                   # i = 28, 57: not asked → stays unknown
    form, purchase = "package", None
    if i % 12 == 2:
        form, purchase = "cash", dt.date(2022, 12, 11) - dt.timedelta(days=i)   # before the cut-off
    elif i % 12 == 7:
        form, purchase = "cash", dt.date(2023, 1, 1) + dt.timedelta(days=i)     # after
    elif i == 9:
        form, purchase = "cash", CUTOFF                                          # on the day
    return {"prior": prior, "form": form, "purchase": purchase,
            "received": dt.date(2025, 3, 3) + dt.timedelta(days=i // 4)}     # four a day: ties by order


def expected_outcomes(rows: list[dict]) -> dict:
    """The test's own reading of the rules over the expected CSV."""
    outcome, tier, failed, order = {}, {}, {}, {}
    for i, r in enumerate(rows):
        order[r["household_code"]] = i
        s = scenario(i)
        code = r["household_code"]
        fails = []
        if s["prior"] in ("vtci_tablet", "learning_device"):
            fails.append("E2")
        if s["form"] == "cash" and s["purchase"] < CUTOFF:
            fails.append("E5")
        failed[code] = fails
        if fails:
            outcome[code] = "not_eligible"
        elif s["prior"] is None:
            outcome[code] = "undecided"
        else:
            outcome[code] = "eligible"
        if r["meritorious"] == "1":
            tier[code] = 1
        elif r["social_policy"] == "1":
            tier[code] = 2
        else:
            tier[code] = 3 if r["category"] == "poor" else 4
    ranked = sorted((code for code in outcome if outcome[code] == "eligible"),
                    key=lambda c: (tier[c], scenario(order[c])["received"], order[c]))
    return {"outcome": outcome, "tier": tier, "failed": failed, "ranked": ranked}


def import_sample(session, actor) -> None:
    """The real importer (subsidy.services.importer), as a clerk runs it."""
    report = importer.import_households(session, XLSX.read_bytes(), XLSX.name, actor)
    assert report.committed and report.list_year == 2025  # the year from the list's title


def test_sample_list_end_to_end(session):
    clerk = factories.user(session, "clerk", "clerk", full_name="Trần Văn Lập", row=True)
    approver = factories.user(session, "approver", "approver", row=True)
    rulesets.load_shipped(session)
    import_sample(session, clerk)
    session.commit()

    rows = list(csv.DictReader(EXPECTED.open(encoding="utf-8")))
    assert session.scalar(select(func.count()).select_from(Household)) == len(rows) == 180
    chosen = rows[:60]
    codes = [r["household_code"] for r in chosen]
    by_code = {h.code: h for h in session.scalars(select(Household).where(Household.code.in_(codes)))}
    for r in chosen:  # the import kept what the expected file says
        h = by_code[r["household_code"]]
        assert (h.head_name, h.citizen_id, h.category, h.list_year) == (r["head_name"], r["citizen_id"], r["category"], 2025)

    # apply, in file order
    apps = {}
    for i, r in enumerate(chosen):
        s = scenario(i)
        data = applications.ApplicationInput(
            household_id=by_code[r["household_code"]].id, support_form=s["form"], received_on=s["received"],
            purchase_date=s["purchase"], evidence_note="Hóa đơn mua máy" if s["form"] == "cash" else None,
            prior_device=s["prior"], prior_device_date={"vtci_tablet": dt.date(2021, 10, 1),
                                                          "learning_device": dt.date(2022, 2, 14)}.get(s["prior"]))
        apps[r["household_code"]] = applications.apply(session, data, clerk)
    session.commit()

    # check them all
    for code in codes:
        applications.check_eligibility(session, apps[code], clerk, on=CHECK_ON)
    session.commit()

    exp = expected_outcomes(chosen)
    state_of = {"eligible": "eligible", "not_eligible": "not_eligible", "undecided": "received"}
    for code in codes:
        d = applications.latest_decision(session, apps[code])
        assert d.outcome == exp["outcome"][code], code
        assert d.failed_rules == exp["failed"][code], code
        assert d.priority_tier == exp["tier"][code], code
        assert apps[code].state == state_of[exp["outcome"][code]]
    # the counts, by hand from scenario(): 4 tablets + 3 learning devices + 5 cash before the cut-off
    assert sum(o == "not_eligible" for o in exp["outcome"].values()) == 12
    assert sum(o == "undecided" for o in exp["outcome"].values()) == 2
    assert len(exp["ranked"]) == 46
    assert session.scalar(select(func.count()).select_from(EligibilityDecision)) == 60

    # quota of 40, propose, approve
    allocations.record_allocation(session, QUOTA, dt.date(2025, 6, 1), "Công văn số 215/STTTT-BCVT", clerk)
    pl = lists.build_proposal_list(session, clerk, created_on=dt.date(2025, 7, 1))
    session.commit()
    approved = lists.approve_list(session, pl, "312/QĐ-UBND", dt.date(2025, 7, 10), "Ủy ban nhân dân xã Phú Tân",
                                  approver)
    session.commit()

    counts = dict(session.execute(select(Application.state, func.count()).group_by(Application.state)).all())
    assert counts == {"approved": 40, "eligible": 6, "not_eligible": 12, "received": 2}
    assert [a.household.code for a in approved] == exp["ranked"][:QUOTA]
    assert [a.household.code for a in lists.applications_on(session, pl)] == exp["ranked"][:QUOTA]
    assert [a.household.code for a in allocations.waiting_list(session)] == exp["ranked"][QUOTA:]
    q = allocations.quota(session)
    assert (q.allocated, q.approved, q.left) == (40, 40, 0)

    # the approved list's documents carry the same households in the same order
    doc = lists.list_document(session, pl, kind="approved", issuer=DEFAULT_ISSUER, on=dt.date(2025, 7, 10))
    names = [by_code[c].head_name for c in exp["ranked"][:QUOTA]]
    assert [r.name for r in doc.rows] == names
    text = " ".join(unicodedata.normalize("NFC", p.extract_text()) for p in PdfReader(io.BytesIO(list_docs.render_pdf(doc))).pages)
    flat = " ".join(text.split())
    for name in names:
        assert name in flat, name
    ws = load_workbook(io.BytesIO(list_docs.render_xlsx(doc))).active
    header_row = next(r for r in range(1, 12) if ws.cell(r, 1).value == "STT")
    got = [(ws.cell(header_row + k, 2).value, ws.cell(header_row + k, 4).value) for k in range(1, QUOTA + 1)]
    assert got == [(by_code[c].head_name, by_code[c].citizen_id) for c in exp["ranked"][:QUOTA]]
    assert all(isinstance(cid, str) and len(cid) == 12 and cid.startswith("0") for _, cid in got)
