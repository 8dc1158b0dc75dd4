"""The spans of states the tally reads (models/state_spans.py) are kept in step by the write path
and equal what a rebuild from the event history computes: after a history of re-checks,
re-proposals across months, a handover voided months later (test_tally_one_pass's two years in
two communes), a batch move of a queue, and a move back-dated before an application's last event.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select

from subsidy.domain.calendar import VN_TZ
from subsidy.models import Application, ApplicationEvent, ApplicationStateSpan
from subsidy.services.tally.spans import kept_spans, rebuild_state_spans
from subsidy.services.workflow import move, move_many, record_received
from tests import factories
from tests.tally_history import build_history
from tests.services.test_tally_one_pass import two_years  # noqa: F401  (the fixture)


def at(y: int, m: int, d: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(y, m, d, hour, tzinfo=VN_TZ)


def _state_at(events: list[tuple[int, int, str, dt.datetime]], app_id: int, instant: dt.datetime) -> str | None:
    """The state of an application at ``instant`` read straight from its events: the last one
    before it, by (at, id)."""
    mine = sorted((e for e in events if e[1] == app_id and e[3] < instant), key=lambda e: (e[3], e[0]))
    return mine[-1][2] if mine else None


def test_kept_spans_equal_a_rebuild_after_a_realistic_history(session, two_years):  # noqa: F811
    a, _b = two_years
    # a queue checked in one batch (Core rows: no flush of ORM events)
    queue = []
    for i in range(3):
        h = factories.household(session, hamlet="Ấp Phú Lợi", category="poor", commune_id=a.id)
        app = factories.application(session, h, received_on=dt.date(2026, 4, 1 + i), priority_tier=1)
        record_received(session, app, None, at=at(2026, 4, 1 + i))
        queue.append(app)
    session.flush()
    move_many(session, [(app, "eligible", None) for app in queue], None, role="clerk", at=at(2026, 4, 10))
    # a move recorded late, back-dated before the application's last event (an import's date)
    late = queue[0]
    move(session, late, "proposed", None, role="clerk", at=at(2026, 4, 5))
    session.flush()

    kept = kept_spans(session)
    assert len(kept) == session.query(ApplicationEvent).count() > 30
    assert rebuild_state_spans(session) == len(kept)
    assert kept_spans(session) == kept

    # and the spans say what the events say, at instants around every move (independently computed)
    events = [tuple(r) for r in session.execute(select(ApplicationEvent.id, ApplicationEvent.application_id,
                                                       ApplicationEvent.to_state, ApplicationEvent.at))]
    instants = sorted({e[3] for e in events} | {e[3] + dt.timedelta(seconds=1) for e in events})
    for app_id in session.scalars(select(Application.id)):
        for instant in instants:
            held = [s for s in kept if s[1] == app_id and s[3] < instant and (s[4] is None or instant <= s[4])]
            assert [s[2] for s in held] == ([_state_at(events, app_id, instant)] if held else []), (app_id, instant)
            if not held:
                assert _state_at(events, app_id, instant) is None
    # the back-dated move: proposed from 5 April to the batch's check on 10 April, then eligible
    mine = sorted(((s[2], s[3], s[4]) for s in kept if s[1] == late.id), key=lambda s: s[1])
    assert mine == [("received", at(2026, 4, 1), at(2026, 4, 5)), ("proposed", at(2026, 4, 5), at(2026, 4, 10)),
                    ("eligible", at(2026, 4, 10), None)]


def test_rebuild_command_restores_spans_lost(app):
    sess = app.extensions["subsidy.sessionmaker"]()
    build_history(sess)
    sess.commit()
    kept = kept_spans(sess)
    sess.execute(delete(ApplicationStateSpan))
    sess.commit()
    assert kept_spans(sess) == []
    sess.close()
    res = app.test_cli_runner().invoke(args=["rebuild-state-spans"])
    assert res.exit_code == 0, res.output
    assert f"Đã tính lại {len(kept)} dòng" in res.output
    sess = app.extensions["subsidy.sessionmaker"]()
    assert kept_spans(sess) == kept and kept
    sess.close()

