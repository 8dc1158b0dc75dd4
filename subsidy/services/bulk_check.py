"""Checking the eligibility of many received applications at once, in steps (a background job).

``select_ids`` takes the applications the clerk's filter shows in the «received» queue;
``check_step`` checks one step of them with applications.check_many (the same decisions, events
and audit entries as one check each) and says what changed and what was refused, with reasons;
``merge`` adds a step's outcome into the job's summary. Nothing here commits: the job worker
commits each step with the job's progress.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from subsidy.domain import rules, tracking
from subsidy.domain.labels import STATE_LABELS
from subsidy.domain.list_views import ListFilters
from subsidy.domain.workflow import State
from subsidy.models import Application, Job, User
from subsidy.services import applications, jobs, list_exports
from subsidy.services.errors import ServiceError

#: Applications a bulk check takes per transaction.
STEP = 500
#: At most this many refusals are kept with their reason in a summary (the count is always exact).
REFUSALS_KEPT = 200


def select_ids(session: Session, filters: ListFilters) -> list[int]:
    """Ids of the received applications the queue shows for ``filters`` (search, hamlet, category,
    form, tier: list_exports.application_stmt with the state «received»), in the queue's order."""
    stmt = list_exports.application_stmt(replace(filters, state=State.received.value))
    return list(session.scalars(stmt.with_only_columns(Application.id)))


NOTHING_TO_CHECK = "Không có hồ sơ «Đã tiếp nhận» nào để kiểm tra."
#: Why, when the hand-picked ids are on file for the commune but none is «received» now.
PICKED_MOVED_ON = " Các hồ sơ đã chọn không còn ở trạng thái «Đã tiếp nhận»."
#: Why, when none of them is on file for the commune (unknown ids and another commune's alike).
PICKED_NOT_FOUND = " Không có hồ sơ nào mang các số đã chọn: hãy tải lại danh sách hồ sơ rồi chọn lại."


@dataclass
class Started:
    """A bulk check queued: its ``job`` (committed by the caller, then handed to the job queue) and
    the ``skipped`` hand-picked ids it will not check (not on file for this commune, or no longer
    «received»)."""

    job: Job
    skipped: list[int] = field(default_factory=list)


def start_filtered(session: Session, filters: ListFilters, actor: User | None) -> Started:
    """Queue a bulk check of every received application ``filters`` find (select_ids), as
    ``actor``. Raises ServiceError when there is none."""
    ids = select_ids(session, filters)
    if not ids:
        raise ServiceError(NOTHING_TO_CHECK)
    return Started(jobs.create_job(session, "bulk_check", {"ids": ids, "filters": filters.describe()}, len(ids), actor))


def start_picked(session: Session, picked: list[int], actor: User | None) -> Started:
    """Queue a bulk check of the hand-picked applications ``picked`` (ids; repeats ignored) that
    are «received» and on file for the session's commune, in the queue's order; the others are
    returned as ``skipped``. Raises ServiceError when none is left to check."""
    wanted = list(dict.fromkeys(picked))
    stmt = list_exports.application_stmt(ListFilters(state=State.received.value))
    ids = list(session.scalars(stmt.with_only_columns(Application.id).where(Application.id.in_(wanted))))
    if not ids:
        # Only ids on file for the session's commune are said to have moved on: another
        # commune's get the answer of ids that do not exist, which tells nothing about them.
        on_file = session.scalar(select(Application.id).where(Application.id.in_(wanted)).limit(1))
        raise ServiceError(NOTHING_TO_CHECK + (PICKED_MOVED_ON if on_file is not None else PICKED_NOT_FOUND))
    found = set(ids)
    job = jobs.create_job(session, "bulk_check", {"ids": ids, "filters": f"{len(ids)} hồ sơ được chọn"}, len(ids), actor)
    return Started(job, [i for i in wanted if i not in found])


@dataclass
class StepOutcome:
    """One step: ``outcomes`` {eligible/not_eligible/undecided: count}, ``failed`` {rule: count}
    (why not eligible), ``missing`` {what is missing: count} (why undecided), ``refused``
    [(application id, tracking code, reason)] for applications not checked."""

    outcomes: dict[str, int] = field(default_factory=dict)
    failed: dict[str, int] = field(default_factory=dict)
    missing: dict[str, int] = field(default_factory=dict)
    refused: list[tuple[int, str, str]] = field(default_factory=list)


def check_step(session: Session, ids: list[int], actor: User | None, *, on: dt.date | None = None) -> StepOutcome:
    """Check the applications ``ids`` (a step of a bulk check) as ``actor``; an application no
    longer received (someone checked, withdrew or corrected it since the job started), archived
    or gone is not checked and is reported as refused with the reason. Raises like
    applications.check_many (no rule set in force; RoleNotAllowed). Source: domain.md §2, §5."""
    apps = {a.id: a for a in session.scalars(select(Application).options(joinedload(Application.household))
                                              .where(Application.id.in_(ids)))}
    out = StepOutcome()
    todo = []
    for i in ids:
        a = apps.get(i)
        if a is None:
            out.refused.append((i, "", "Hồ sơ không còn trong sổ."))
        elif a.state != State.received.value:
            out.refused.append((i, tracking.display(a.tracking_code),
                                f"Hồ sơ đã chuyển sang «{STATE_LABELS[a.state]}» trong lúc chạy; không kiểm tra lại."))
        elif a.household.archived:
            out.refused.append((i, tracking.display(a.tracking_code),
                                f"Hộ {a.household.head_name} đã được lưu trữ; hãy khôi phục hộ trước."))
        else:
            todo.append(a)
    for d in applications.check_many(session, todo, actor, on=on):
        out.outcomes[d.outcome] = out.outcomes.get(d.outcome, 0) + 1
        for rule in d.failed:
            out.failed[rule] = out.failed.get(rule, 0) + 1
        if d.outcome == rules.UNDECIDED:
            for what in d.missing:
                out.missing[what] = out.missing.get(what, 0) + 1
    return out


def merge(summary: dict, step: StepOutcome) -> dict:
    """``summary`` (the job's JSON so far) with ``step`` added: {"outcomes", "failed", "missing":
    {key: count}, "refused_total": n, "refused": [{"id", "code", "reason"}] (the first REFUSALS_KEPT)}."""
    out = {k: dict(summary.get(k, {})) for k in ("outcomes", "failed", "missing")}
    for key, counts in (("outcomes", step.outcomes), ("failed", step.failed), ("missing", step.missing)):
        for k, n in counts.items():
            out[key][k] = out[key].get(k, 0) + n
    refused = list(summary.get("refused", []))
    refused += [{"id": i, "code": c, "reason": r} for i, c, r in step.refused][:max(0, REFUSALS_KEPT - len(refused))]
    out["refused"] = refused
    out["refused_total"] = summary.get("refused_total", 0) + len(step.refused)
    return out
