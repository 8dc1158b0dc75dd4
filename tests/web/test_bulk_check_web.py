"""A bulk eligibility check from the «received» queue: one confirmed POST starts a background job
(on the job queue; immediate in the tests), whose page shows the progress and a summary that adds
up: eligible, not eligible by rule, undecided by what is missing, and the refused with reasons."""
from __future__ import annotations

import datetime as dt
import html
import re

from sqlalchemy import func, select

from subsidy.domain.calendar import today_vn
from subsidy.domain.list_views import ListFilters
from subsidy.models import Application, AuditEntry, EligibilityDecision, Job, User
from subsidy.services import bulk_check, rulesets
from tests import factories

TODAY = today_vn()


def _queue(app, n_ok=3, n_unknown=2, n_cash_early=1):
    """Received applications: n_ok that pass, n_unknown with prior device unknown (E2 undecided),
    n_cash_early cash ones bought before 12/12/2022 (E5 fails). Returns their ids."""
    s = app.extensions["subsidy.sessionmaker"]()
    rulesets.load_shipped(s)
    ids = []
    for i in range(n_ok + n_unknown + n_cash_early):
        h = factories.applicant(s, list_year=TODAY.year, prior_device="unknown" if n_ok <= i < n_ok + n_unknown else "none",
                                head_name=f"Trần Văn Thử {i}")
        cash = i >= n_ok + n_unknown
        ids.append(factories.application(s, h, received_on=TODAY - dt.timedelta(days=30 - i),
                                         support_form="cash" if cash else "package",
                                         purchase_date=dt.date(2022, 1, 1) if cash else None).id)
    s.commit()
    s.close()
    return ids


def test_bulk_check_of_the_filtered_queue_with_a_summary_that_adds_up(app, client, login_as, read_session):
    login_as("clerk")
    ids = _queue(app)
    page = html.unescape(client.get("/ho-so/?state=received").get_data(as_text=True))
    assert "Kiểm tra điều kiện cả 6 hồ sơ" in page and "data-confirm" in page

    resp = client.post("/ho-so/kiem-tra-hang-loat", data={"q": ""})
    assert resp.status_code == 302 and "/cong-viec/" in resp.headers["Location"]
    job = read_session.scalars(select(Job)).one()
    assert (job.kind, job.status, job.total, job.done) == ("bulk_check", "done", 6, 6)
    assert job.summary["outcomes"] == {"eligible": 3, "undecided": 2, "not_eligible": 1}
    assert job.summary["failed"] == {"E5": 1} and job.summary["refused_total"] == 0
    states = dict(read_session.execute(select(Application.id, Application.state).where(Application.id.in_(ids))).all())
    assert sorted(states.values()) == ["eligible"] * 3 + ["not_eligible"] + ["received"] * 2
    assert read_session.scalar(select(func.count()).select_from(EligibilityDecision)) == 6

    body = html.unescape(client.get(resp.headers["Location"]).get_data(as_text=True))
    assert "Đã xong:" in body and "E5: 1 hồ sơ" in body and 'http-equiv="refresh"' not in body
    main = body.split("<main", 1)[-1]
    assert main.count("Kết quả") == 1 and "<h2>Kết quả kiểm tra</h2>" in main  # one heading, not «Kết quả» twice
    assert client.get(resp.headers["Location"] + ".json").get_json()["done"] == 6


def test_filter_narrows_the_bulk_check_and_changed_states_are_refused_with_a_reason(app, session, clerk, tt14):
    s = session
    a = factories.application(s, factories.applicant(s, head_name="Lê Thị Hoa"), received_on=dt.date(2025, 3, 1))
    b = factories.application(s, factories.applicant(s, head_name="Phạm Văn Nam"), received_on=dt.date(2025, 3, 2))
    assert bulk_check.select_ids(s, ListFilters(q="hoa")) == [a.id]
    assert set(bulk_check.select_ids(s, ListFilters())) == {a.id, b.id}
    b.state = "withdrawn"
    s.flush()
    step = bulk_check.check_step(s, [a.id, b.id], clerk, on=dt.date(2025, 6, 30))
    assert step.outcomes == {"eligible": 1}
    assert step.refused == [(b.id, factories.tracking_display(b), "Hồ sơ đã chuyển sang «Đã rút hồ sơ» trong lúc chạy; "
                             "không kiểm tra lại.")]
    total = bulk_check.merge(bulk_check.merge({}, step), step)
    assert total["outcomes"] == {"eligible": 2} and total["refused_total"] == 2 and len(total["refused"]) == 2


def test_only_the_starter_sees_a_job(app, client, login_as, make_user):
    login_as("clerk")
    _queue(app, 1, 0, 0)
    loc = client.post("/ho-so/kiem-tra-hang-loat", data={"q": ""}).headers["Location"]
    make_user("other", "clerk")
    client.post("/dang-xuat")
    from tests.conftest import login
    login(client, "other")
    assert client.get(loc).status_code == 404


def test_a_job_waiting_too_long_says_the_worker_may_be_off(session, clerk):
    from subsidy.services import jobs as jobs_svc

    job = jobs_svc.create_job(session, "bulk_check", {"ids": [1]}, 1, clerk)
    assert not jobs_svc.stalled(job, now=job.created_at + dt.timedelta(seconds=30))
    assert jobs_svc.stalled(job, now=job.created_at + dt.timedelta(minutes=2))
    jobs_svc.mark_running(job)
    assert not jobs_svc.stalled(job, now=job.created_at + dt.timedelta(minutes=2))


def test_the_received_queue_alone_is_not_called_filtered(app, client, login_as):
    """The «Đã tiếp nhận» tab is itself a state filter: its button and question say "đang lọc"
    only when the clerk narrows it further (a search, a hamlet …)."""
    login_as("clerk")
    _queue(app, 2, 0, 0)
    page = html.unescape(client.get("/ho-so/?state=received").get_data(as_text=True))
    assert "Kiểm tra điều kiện cả 2 hồ sơ</button>" in page
    assert 'data-confirm="Kiểm tra điều kiện cả 2 hồ sơ «Đã tiếp nhận»?"' in page
    page = html.unescape(client.get("/ho-so/?state=received&q=Tr%E1%BA%A7n").get_data(as_text=True))
    assert "Kiểm tra điều kiện cả 2 hồ sơ đang lọc</button>" in page
    assert 'data-confirm="Kiểm tra điều kiện cả 2 hồ sơ «Đã tiếp nhận» đang lọc?"' in page


def test_a_bulk_check_of_hand_picked_applications(app, client, login_as, read_session):
    """Each row of the «Đã tiếp nhận» queue has a box belonging to the «đã đánh dấu» form; the job
    checks the ticked ones only (the same background job as the filtered set)."""
    login_as("clerk")
    ids = _queue(app, 2, 1, 1)  # ok, ok, undecided (E2), cash bought too early (E5)
    page = html.unescape(client.get("/ho-so/?state=received").get_data(as_text=True))
    boxes = re.findall(r'<input type="checkbox" name="ids" value="(\d+)" form="bulk-picked"', page)
    assert sorted(map(int, boxes)) == sorted(ids)
    assert 'id="bulk-picked"' in page and 'name="picked"' in page
    assert "ids" not in html.unescape(client.get("/ho-so/?state=eligible").get_data(as_text=True)).split("<main", 1)[1]

    picked = [ids[0], ids[3]]
    resp = client.post("/ho-so/kiem-tra-hang-loat", data={"picked": "1", "ids": [str(i) for i in picked]})
    assert resp.status_code == 302 and "/cong-viec/" in resp.headers["Location"]
    job = read_session.scalars(select(Job)).one()
    assert (job.total, job.done, sorted(job.params["ids"])) == (2, 2, sorted(picked))  # in the queue's order
    assert job.summary["outcomes"] == {"eligible": 1, "not_eligible": 1} and job.summary["failed"] == {"E5": 1}
    states = dict(read_session.execute(select(Application.id, Application.state)).all())
    assert [states[i] for i in ids] == ["eligible", "received", "received", "not_eligible"]

    # ticking nothing (or only what is no longer received) starts nothing and says why
    resp = client.post("/ho-so/kiem-tra-hang-loat", data={"picked": "1"}, follow_redirects=True)
    assert "Chưa đánh dấu hồ sơ nào" in html.unescape(resp.get_data(as_text=True))
    resp = client.post("/ho-so/kiem-tra-hang-loat", data={"picked": "1", "ids": [str(ids[0])]}, follow_redirects=True)
    assert "không còn ở trạng thái «Đã tiếp nhận»" in html.unescape(resp.get_data(as_text=True))
    read_session.expire_all()
    assert read_session.scalar(select(func.count()).select_from(Job)) == 1


def test_ids_sent_without_picked_check_only_those(app, client, login_as, read_session):
    """A POST naming applications but not «picked» (a form made by hand) checks the ones it names,
    never the whole filtered queue; an id that is not a number refuses the lot and says why."""
    login_as("clerk")
    ids = _queue(app, 3, 0, 0)
    resp = client.post("/ho-so/kiem-tra-hang-loat", data={"ids": [str(ids[1])]})
    assert resp.status_code == 302 and "/cong-viec/" in resp.headers["Location"]
    job = read_session.scalars(select(Job)).one()
    assert (job.total, job.params["ids"]) == (1, [ids[1]])
    states = dict(read_session.execute(select(Application.id, Application.state)).all())
    assert [states[i] for i in ids] == ["received", "eligible", "received"]

    resp = client.post("/ho-so/kiem-tra-hang-loat", data={"ids": [str(ids[0]), "abc"]}, follow_redirects=True)
    assert "Có mã hồ sơ không đọc được" in html.unescape(resp.get_data(as_text=True))
    # A superscript digit (str.isdigit says yes, int() says no) and an id past INTEGER's range
    # are unreadable the same way, never a server error.
    for bad in ("\u00b2", str(2**31)):
        resp = client.post("/ho-so/kiem-tra-hang-loat", data={"ids": [str(ids[0]), bad]}, follow_redirects=True)
        assert resp.status_code == 200 and "Có mã hồ sơ không đọc được" in html.unescape(resp.get_data(as_text=True))
    read_session.expire_all()
    assert read_session.scalar(select(func.count()).select_from(Job)) == 1
    assert read_session.get(Application, ids[0]).state == "received"


def test_ticking_another_communes_application_answers_as_an_id_that_does_not_exist(app, client, login_as, read_session):
    from tests.api.test_api_actions import _other_communes_application

    login_as("clerk")
    far = _other_communes_application(app)
    pages = [html.unescape(client.post("/ho-so/kiem-tra-hang-loat", data={"picked": "1", "ids": [str(i)]},
                                       follow_redirects=True).get_data(as_text=True)) for i in (far, 2_000_000_000)]
    for page in pages:
        assert bulk_check.PICKED_NOT_FOUND.strip() in page and "không còn ở trạng thái" not in page
    assert read_session.scalar(select(func.count()).select_from(Job)) == 0
