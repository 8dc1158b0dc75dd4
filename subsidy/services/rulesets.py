"""Rule sets as data: loading the shipped documents, choosing the version in force, previewing a
new version against the current applications.

A rule set is a versioned document (``subsidy/rulesets/*.json``; Thông tư 14/2022/TT-BTTTT is
``tt14-2022.json``, version 2: E2 by date, the quota ceiling with the other devices, E1 cited per list year) stored in ``rule_sets``. A later circular is added as a new file or
a new version (``flask --app app load-rulesets --file NEW.json``) without a code change. A stored
version is never edited: decisions keep a reference to the version they were made under.
Source: domain.md §1 ("the rule set must be changeable without a code change").
"""
from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from subsidy.domain import rules, ruleset
from subsidy.domain.calendar import after_today_message, date_range_message, today_vn
from subsidy.domain.labels.sentence import sentence_start
from subsidy.domain.readable_errors import explain_json_error, explain_os_error, explain_unicode_error
from subsidy.domain.rules import RuleSetSpec
from subsidy.models import Application, RuleSet, User
from subsidy.services import audit
from subsidy.services.facts import load_facts_bulk
from subsidy.services.errors import Conflict, FieldError, NotFound, ServiceError

RULESETS_DIR = Path(__file__).resolve().parent.parent / "rulesets"

#: States whose applications a preview counts ("current applications": not closed, not withdrawn
#: or refused, not already supported).
PREVIEW_STATES = ("received", "eligible", "not_eligible", "proposed", "approved")


def read_document(source: str | Path | bytes) -> dict[str, Any]:
    """Parse a rule-set JSON document from a path or bytes and validate it with
    RuleSetSpec.from_document. Raises ServiceError (Vietnamese) for unreadable or invalid JSON: a
    syntax error names the line and column and says how to fix it (domain.readable_errors)."""
    try:
        if isinstance(source, (bytes, bytearray)):
            doc = json.loads(bytes(source).decode("utf-8-sig"))
        else:
            doc = json.loads(Path(source).read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as err:  # where, what, how to fix (never Python's English text)
        raise ServiceError(f"Không đọc được tệp bộ quy tắc. {explain_json_error(err)}") from err
    except UnicodeDecodeError as err:
        raise ServiceError(f"Không đọc được tệp bộ quy tắc. {explain_unicode_error(err)}") from err
    except OSError as err:
        reason = explain_os_error(err, source)
        raise ServiceError(sentence_start(reason)) from err
    if not isinstance(doc, dict):
        raise ServiceError("Tệp bộ quy tắc phải là một đối tượng JSON ({...}).")
    try:
        RuleSetSpec.from_document(doc)
    except ValueError as err:
        raise ServiceError(str(err)) from err
    return doc


def spec_of(rule_set: RuleSet) -> RuleSetSpec:
    """The engine's RuleSetSpec of a stored rule set (columns first, tiers and citations from the
    stored document)."""
    doc = dict(rule_set.definition or {})
    doc.update({
        "id": rule_set.code, "version": rule_set.version, "title": rule_set.title,
        "legal_source": rule_set.legal_source, "effective_from": rule_set.effective_from.isoformat(),
        "effective_to": rule_set.effective_to.isoformat() if rule_set.effective_to else None,
        "eligible_categories": list(rule_set.eligible_categories),
        "support_amount": rule_set.support_amount, "cash_cutoff": rule_set.cash_cutoff.isoformat(),
        "priority_order": list(rule_set.priority_order),
    })
    return RuleSetSpec.from_document(doc)


def _same(row: RuleSet, doc: Mapping[str, Any]) -> bool:
    return json.dumps(row.definition, sort_keys=True, ensure_ascii=False) == json.dumps(
        dict(doc), sort_keys=True, ensure_ascii=False)


def store(session: Session, doc: Mapping[str, Any], actor: User | None, *, active: bool = True) -> tuple[RuleSet, bool]:
    """Insert the rule-set document ``doc`` (already validated) unless its (id, version) is stored.

    Returns (row, created). Storing the same document again is a no-op (idempotent). A different
    document under a stored (id, version) raises Conflict: a stored version is never rewritten,
    so add it as a new version. Audited as ``rule_set.load``.
    """
    spec = RuleSetSpec.from_document(doc)
    existing = session.scalar(select(RuleSet).where(RuleSet.code == spec.code, RuleSet.version == spec.version))
    if existing is not None:
        if _same(existing, doc):
            return existing, False
        raise Conflict(
            f"Bộ quy tắc {spec.code} phiên bản {spec.version} đã có với nội dung khác. Phiên bản đã lưu không "
            "được sửa (các quyết định cũ dựa trên nó); hãy đặt số phiên bản mới (version) rồi nạp lại."
        )
    row = RuleSet(
        code=spec.code, version=spec.version, title=spec.title, legal_source=spec.legal_source,
        effective_from=spec.effective_from, effective_to=spec.effective_to,
        eligible_categories=list(spec.eligible_categories), support_amount=spec.support_amount,
        cash_cutoff=spec.cash_cutoff, priority_order=list(spec.priority_order), definition=dict(doc),
        active=active,
    )
    session.add(row)
    session.flush()
    audit.record(session, actor, "rule_set.load", "rule_set", row.id,
                 {"code": [None, spec.code], "version": [None, spec.version], "active": [None, active]})
    return row, True


def load_shipped(session: Session, actor: User | None = None, directory: Path = RULESETS_DIR) -> list[RuleSet]:
    """Store every shipped document in ``directory`` (``*.json``) not stored yet; return the new rows.

    Idempotent: run by ``make run`` on every start (``flask --app app load-rulesets``).
    Raises ServiceError for an invalid file and Conflict for a changed stored version.
    """
    created = []
    for path in sorted(directory.glob("*.json")):
        row, new = store(session, read_document(path), actor)
        if new:
            created.append(row)
    return created


def list_rule_sets(session: Session) -> list[RuleSet]:
    """All stored rule sets, newest effective date and version first."""
    return list(session.scalars(select(RuleSet).order_by(RuleSet.effective_from.desc(), RuleSet.code,
                                                          RuleSet.version.desc())))


def get(session: Session, rule_set_id: int) -> RuleSet:
    """The stored rule set with this id. Raises NotFound."""
    row = session.get(RuleSet, rule_set_id)
    if row is None:
        raise NotFound("Không có bộ quy tắc này.")
    return row


def in_force(session: Session, on: dt.date) -> RuleSet:
    """The active rule set in force on ``on``: effective_from ≤ on ≤ effective_to (open end), the
    latest effective_from, then the highest version. Raises ServiceError when there is none."""
    row = session.scalar(
        select(RuleSet)
        .where(RuleSet.active.is_(True), RuleSet.effective_from <= on,
               (RuleSet.effective_to.is_(None)) | (RuleSet.effective_to >= on))
        .order_by(RuleSet.effective_from.desc(), RuleSet.version.desc(), RuleSet.id.desc())
        .limit(1)
    )
    if row is None:
        raise ServiceError(
            f"Chưa có bộ quy tắc nào có hiệu lực ngày {on:%d/%m/%Y}. Quản trị cần nạp bộ quy tắc "
            "(lệnh flask --app app load-rulesets) hoặc bật phiên bản phù hợp."
        )
    return row


#: Thông tư 14/2022/TT-BTTTT as a document cites it, when no rule set says otherwise.
LEGAL_BASIS_DEFAULT = "Thông tư số 14/2022/TT-BTTTT ngày 28/10/2022 của Bộ Thông tin và Truyền thông"


def legal_basis(rule_set: RuleSet | None) -> str:
    """What a receipt or a report cites as its basis: the rule set's ``receipt_legal_basis`` (the text
    as a document words it: number, date and issuing ministry), else its legal source; Thông tư
    14/2022/TT-BTTTT's wording (LEGAL_BASIS_DEFAULT) when there is no rule set or for its first
    version, which had no such field."""
    if rule_set is None:
        return LEGAL_BASIS_DEFAULT
    worded = (rule_set.definition or {}).get("receipt_legal_basis")
    if worded:
        return str(worded)
    if rule_set.code.upper().startswith("TT14-2022") or not rule_set.legal_source:
        return LEGAL_BASIS_DEFAULT
    return rule_set.legal_source


def legal_basis_on(session: Session, on: dt.date) -> str:
    """:func:`legal_basis` of the rule set in force on ``on``; LEGAL_BASIS_DEFAULT when no active rule
    set is loaded or none covers ``on`` (a report of a past period still prints)."""
    try:
        return legal_basis(in_force(session, on))
    except ServiceError:
        return LEGAL_BASIS_DEFAULT


def short_name_on(session: Session, on: dt.date) -> str:
    """The legal text in force on ``on`` as pages name it (RuleSetSpec.short_name, e.g. "Thông tư
    14/2022/TT-BTTTT"); "" when no active rule set covers ``on``."""
    try:
        return spec_of(in_force(session, on)).short_name
    except ServiceError:
        return ""


def loaded_specs(session: Session) -> list[RuleSetSpec]:
    """The engine's specs of every active stored rule set (the candidates for a date)."""
    return [spec_of(r) for r in session.scalars(select(RuleSet).where(RuleSet.active.is_(True)))]


def period(session: Session, rule_set: RuleSet) -> str:
    """The effective period of ``rule_set`` as staff read it, given every active rule set loaded
    (domain.ruleset.period_text): in force until its successor takes over, or with no end yet."""
    return ruleset.period_text(spec_of(rule_set), loaded_specs(session))


def earliest(session: Session) -> RuleSet | None:
    """The active rule set that took effect first (earliest effective_from, then lowest version),
    or None when none is stored: the programme's start (Thông tư 14/2022/TT-BTTTT: 12/12/2022).
    An application cannot have been received before it (services/applications.apply)."""
    return session.scalar(select(RuleSet).where(RuleSet.active.is_(True))
                          .order_by(RuleSet.effective_from, RuleSet.version, RuleSet.id).limit(1))


def check_programme_date(session: Session, day: dt.date, what: str, field: str, today: dt.date | None = None) -> None:
    """The one rule for a business date of the programme (an application received, phones
    allocated to the province or a commune): not after today in Việt Nam, and not before the first
    rule set took effect (:func:`earliest`; Thông tư 14/2022/TT-BTTTT: 12/12/2022, domain.md §1) —
    nothing of the programme happened before it existed (the future: domain.calendar.after_today_message,
    with the same allowed range). With no rule set stored only the future is refused. Raises FieldError for form field ``field``, naming ``what`` (e.g. "Ngày phân bổ"), the
    date typed and the allowed range (dd/mm/yyyy)."""
    today = today or today_vn()
    first = earliest(session)
    start = first.effective_from if first is not None else None
    if start is None:
        problem = after_today_message(day, what, today)
    else:
        source = (first.legal_source or first.title).split(",")[0].strip()
        problem = date_range_message(day, what, start, f"ngày {source} có hiệu lực", today)
    if problem is not None:
        raise FieldError(problem, field)


def set_active(session: Session, rule_set: RuleSet, active: bool, actor: User) -> None:
    """Switch a stored version on or off (admin). Audited as ``rule_set.activate`` / ``deactivate``."""
    if rule_set.active == active:
        return
    rule_set.active = active
    audit.record(session, actor, "rule_set.activate" if active else "rule_set.deactivate", "rule_set",
                 rule_set.id, {"active": [not active, active]})


@dataclass
class PreviewSide:
    """Counts of one version over the current applications: {"eligible": n, "not_eligible": n,
    "undecided": n}, plus counts per failed rule."""

    label: str
    title: str
    counts: dict[str, int] = field(default_factory=lambda: {rules.ELIGIBLE: 0, rules.NOT_ELIGIBLE: 0, rules.UNDECIDED: 0})
    failed_by_rule: Counter = field(default_factory=Counter)


@dataclass
class Preview:
    """A new version compared with the version in force, as of ``on``, over ``total`` current
    applications; ``changes`` counts (current outcome, new outcome) pairs that differ."""

    on: dt.date
    total: int
    current: PreviewSide
    candidate: PreviewSide
    changes: dict[tuple[str, str], int]

    @property
    def changed(self) -> int:
        return sum(self.changes.values())


def preview(session: Session, candidate: RuleSetSpec, on: dt.date, current: RuleSetSpec | None = None) -> Preview:
    """How many current applications (states PREVIEW_STATES) ``candidate`` would make eligible,
    not eligible or undecided, beside the version in force on ``on`` (or ``current``). Reads only;
    stores nothing: a new version is judged before it is loaded."""
    if current is None:
        current = spec_of(in_force(session, on))
    apps = list(session.scalars(select(Application).where(Application.state.in_(PREVIEW_STATES))
                                .order_by(Application.id)))
    facts = load_facts_bulk(session, apps, on)
    cur = PreviewSide(current.label, current.title)
    new = PreviewSide(candidate.label, candidate.title)
    changes: Counter = Counter()
    for app in apps:
        f = facts[app.id]
        a, b = rules.decide(f, current), rules.decide(f, candidate)
        for side, d in ((cur, a), (new, b)):
            side.counts[d.outcome] += 1
            side.failed_by_rule.update(d.failed)
        if a.outcome != b.outcome:
            changes[(a.outcome, b.outcome)] += 1
    return Preview(on, len(apps), cur, new, dict(changes))
