"""The audit log as a person reads it: filtered by person, dates, kind of entry and record, each
entry told in words — who, when, what was done ("Sửa thông tin hộ"), on which record ("Hồ sơ
FJ6Y-4B5Q-CC của hộ Mai Minh Nghĩa", with the page it opens), which fields changed from what to
what ("Trạng thái: Đã được phê duyệt → Đã chi hỗ trợ bằng tiền"), never a code.

The words come from domain.labels (OBJECT_TITLES, FIELD_LABELS, value_words, action_label); the
records named are loaded in one query per kind of record for a whole page of entries. Read-only.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Mapping

from sqlalchemy import Select, and_, select
from sqlalchemy.orm import Session

from subsidy.domain import tracking
from subsidy.domain.scope import PERSONAL_FIELDS, POVERTY_HIDDEN, POVERTY_NOTE_ACTIONS, is_poverty_field, shown_value
from subsidy.domain.calendar import VN_TZ, local_midnight
from subsidy.domain.labels.sentence import sentence_start
from subsidy.domain.labels import (
    AUDIT_KIND_LABELS, COMPLAINT_KIND_LABELS, ENTITY_LABELS, EXPORT_LIST_LABELS, OBJECT_GONE, OBJECT_TITLES,
    RECEIPT_KIND_LABELS, action_label, field_label, is_view, value_words,
)
from subsidy.domain.list_views import Column, ExportTable
from subsidy.models import (
    Allocation, ApiToken, Application, AuditEntry, CashPayment, Commune, Complaint, Handover, Household, ProposalList,
    ProvinceAllocation, Receipt, RuleSet, User,
)
from subsidy.services.audit import view_condition
from subsidy.services.lookup import row_id


@dataclass(frozen=True)
class AuditFilters:
    """The audit log's filters, each None/"" when not used: ``actor_id`` (a staff account; 0 = the
    system: entries with no person), ``date_from``/``date_to`` (Việt Nam days, both included),
    ``kind`` ("changes" the default, "views", "all": AUDIT_KIND_LABELS), ``entity_type`` (a kind
    of record, ENTITY_LABELS), ``entity_id`` (one record of that kind), ``action`` (one action code)."""

    actor_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    kind: str = "changes"
    entity_type: str = ""
    entity_id: int | None = None
    action: str = ""
    #: The staff account reading (not a filter the reader sets): the entries about a denunciation
    #: naming it are left out, as the register hides the case from it (Luật Tố cáo 2018, Điều 47–48).
    viewer_id: int | None = None

    @classmethod
    def from_args(cls, args: Mapping[str, Any]) -> "AuditFilters":
        """The filters of a query string; a value that cannot be read is dropped (never an error)."""
        def text(name: str) -> str:
            return str(args.get(name) or "").strip()

        def day(name: str) -> dt.date | None:
            raw = text(name)
            for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
                try:
                    return dt.datetime.strptime(raw, fmt).date()
                except ValueError:
                    continue
            return None

        kind = text("kind") or "changes"
        entity_type = text("entity_type")
        return cls(actor_id=row_id(text("actor")), date_from=day("from"), date_to=day("to"),
                   kind=kind if kind in AUDIT_KIND_LABELS else "changes",
                   entity_type=entity_type if entity_type in ENTITY_LABELS else "",
                   entity_id=row_id(text("entity_id")), action=text("action")[:64])

    def args(self) -> dict[str, Any]:
        """The query-string arguments of these filters (unused ones left out)."""
        out = {"actor": self.actor_id, "from": self.date_from.isoformat() if self.date_from else None,
               "to": self.date_to.isoformat() if self.date_to else None,
               "kind": self.kind if self.kind != "changes" else None, "entity_type": self.entity_type or None,
               "entity_id": self.entity_id, "action": self.action or None}
        return {k: v for k, v in out.items() if v is not None}


def log_query(f: AuditFilters) -> Select:
    """The entries matching ``f``, newest first."""
    stmt = select(AuditEntry)
    if f.kind == "changes":
        stmt = stmt.where(~view_condition())
    elif f.kind == "views":
        stmt = stmt.where(view_condition())
    if f.actor_id == 0:
        stmt = stmt.where(AuditEntry.actor_id.is_(None))
    elif f.actor_id:
        stmt = stmt.where(AuditEntry.actor_id == f.actor_id)
    if f.date_from:
        stmt = stmt.where(AuditEntry.at >= local_midnight(f.date_from))
    if f.date_to:
        stmt = stmt.where(AuditEntry.at < local_midnight(f.date_to + dt.timedelta(days=1)))
    if f.entity_type:
        stmt = stmt.where(AuditEntry.entity_type == f.entity_type)
        if f.entity_id is not None:
            stmt = stmt.where(AuditEntry.entity_id == f.entity_id)
    if f.action:
        stmt = stmt.where(AuditEntry.action == f.action)
    if f.viewer_id is not None:
        naming = select(Complaint.id).where(Complaint.named_user_id == f.viewer_id)
        stmt = stmt.where(~and_(AuditEntry.entity_type == "complaint", AuditEntry.entity_id.in_(naming)))
    return stmt.order_by(AuditEntry.id.desc())


@dataclass(frozen=True)
class Change:
    """One changed field in words: its name, the old and the new value (``old`` None for a value
    recorded without a before, e.g. a count)."""

    field: str
    old: str | None
    new: str


@dataclass(frozen=True)
class LogRow:
    """One entry as the log shows it. ``link``: (endpoint, its arguments) of the record's page,
    or None; ``view``: a view of personal data (not a change)."""

    id: int
    at: dt.datetime
    actor: str
    action: str
    view: bool
    title: str
    link: tuple[str, dict[str, int]] | None
    changes: list[Change] = field(default_factory=list)
    note: str = ""


def _moment(value: Any) -> Any:
    """An ISO moment with a time zone (a stored datetime) as Việt Nam's local time, else as is."""
    if isinstance(value, str) and len(value) > 19 and value[4:5] == "-" and ("+" in value[19:] or value.endswith("Z")):
        try:
            return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(VN_TZ).strftime("%Y-%m-%dT%H:%M")
        except ValueError:
            return value
    return value


#: A changed field that holds a record's id → the kind of record it names (shown by its title).
ID_KINDS = {"application_id": "application", "household_id": "household", "proposal_list_id": "proposal_list",
            "commune_id": "commune", "named_user_id": "user", "appeal_of_id": "complaint"}


def _changes(changes: Mapping[str, Any] | None, titles: Mapping[tuple[str, int], str],
             entity_type: str = "", personal: bool = False, poverty: bool = True) -> list[Change]:
    # A field is named and its codes worded as the kind of record it belongs to has them: a
    # complaint's "state" and "outcome" are not an application's.
    out = []
    for name, value in (changes or {}).items():
        # a poverty status the reader does not see: that it changed is shown, what it was and became withheld
        hidden = not poverty and is_poverty_field(entity_type, name)

        def words(v: Any) -> str:
            if name in PERSONAL_FIELDS.get(entity_type, ()):
                return value_words(name, shown_value(entity_type, name, v, personal), entity_type)
            if name in ID_KINDS and isinstance(v, int):
                return titles.get((ID_KINDS[name], v), value_words(name, v, entity_type))
            return value_words(name, _moment(v), entity_type)
        if isinstance(value, list) and len(value) == 2:
            old, new = words(value[0]), words(value[1])
            if old != new:  # a field written empty on creation (no second IMEI…) changed nothing
                out.append(Change(field_label(name, entity_type), *((POVERTY_HIDDEN,) * 2 if hidden else (old, new))))
        else:
            out.append(Change(field_label(name, entity_type), None, POVERTY_HIDDEN if hidden else words(value)))
    return out


def _titles(session: Session, wanted: dict[str, set[int]]) -> tuple[dict[tuple[str, int], str],
                                                                      dict[tuple[str, int], tuple[str, dict]]]:
    """Titles and links of the records ``wanted`` (kind → ids): one query per kind."""
    titles: dict[tuple[str, int], str] = {}
    links: dict[tuple[str, int], tuple[str, dict]] = {}

    def app_title(a: Application, h: Household) -> str:
        return OBJECT_TITLES["application"].format(code=tracking.display(a.tracking_code), name=h.head_name)

    def via_application(kind: str, model: Any) -> None:
        ids = wanted.get(kind)
        if not ids:
            return
        for obj, a, h in session.execute(select(model, Application, Household)
                                         .join(Application, Application.id == model.application_id)
                                         .join(Household, Household.id == Application.household_id)
                                         .where(model.id.in_(ids))):
            if kind == "receipt":
                titles[(kind, obj.id)] = OBJECT_TITLES["receipt"].format(
                    kind=RECEIPT_KIND_LABELS.get(obj.kind, ""), number=obj.display_number, name=h.head_name)
                links[(kind, obj.id)] = ("receipts.show", {"receipt_id": obj.id})
            else:
                titles[(kind, obj.id)] = OBJECT_TITLES[kind].format(name=h.head_name)
                links[(kind, obj.id)] = ("applications.show", {"application_id": a.id})

    if wanted.get("household"):
        for h in session.scalars(select(Household).where(Household.id.in_(wanted["household"]))):
            titles[("household", h.id)] = OBJECT_TITLES["household"].format(name=h.head_name, code=h.code)
            links[("household", h.id)] = ("households.show", {"household_id": h.id})
    if wanted.get("application"):
        for a, h in session.execute(select(Application, Household).join(Household, Household.id == Application.household_id)
                                    .where(Application.id.in_(wanted["application"]))):
            titles[("application", a.id)] = app_title(a, h)
            links[("application", a.id)] = ("applications.show", {"application_id": a.id})
    via_application("receipt", Receipt)
    via_application("handover", Handover)
    via_application("cash_payment", CashPayment)
    simple: list[tuple[str, Any, Any, Any]] = [
        ("proposal_list", ProposalList, lambda o: {"number": o.number}, lambda o: ("lists.show", {"list_id": o.id})),
        ("allocation", Allocation, lambda o: {"quantity": o.quantity, "source": o.source_document}, None),
        ("province_allocation", ProvinceAllocation, lambda o: {"quantity": o.quantity, "source": o.source_document},
         None),
        ("user", User, lambda o: {"username": o.username + (f" ({o.full_name})" if o.full_name else "")},
         lambda o: ("admin.users_show", {"user_id": o.id})),
        ("api_token", ApiToken, lambda o: {"name": o.name}, lambda o: ("admin.users_show", {"user_id": o.user_id})),
        ("rule_set", RuleSet, lambda o: {"code": o.code, "version": o.version},
         lambda o: ("rulesets.show", {"rule_set_id": o.id})),
        ("commune", Commune, lambda o: {"name": o.name}, None),
        ("complaint", Complaint, lambda o: {"kind": COMPLAINT_KIND_LABELS.get(o.kind, o.kind), "number": o.case_number},
         lambda o: ("complaints.show", {"complaint_id": o.id})),
    ]
    for kind, model, fill, link in simple:
        if wanted.get(kind):
            for o in session.scalars(select(model).where(model.id.in_(wanted[kind]))):
                titles[(kind, o.id)] = OBJECT_TITLES[kind].format(**fill(o))
                if link is not None:
                    links[(kind, o.id)] = link(o)
    return titles, links


def _gone(entity_type: str) -> str:
    kind = ENTITY_LABELS.get(entity_type, entity_type)
    return OBJECT_GONE.format(kind=sentence_start(kind))


def describe(session: Session, entries: Iterable[AuditEntry], *, personal: bool = False,
             poverty: bool = True) -> list[LogRow]:
    """The entries in words (LogRow), in the order given; the records they name are loaded in one
    query per kind. A CCCD or phone among the changes (domain.scope.PERSONAL_FIELDS of the entry's
    kind of record) is in full only when ``personal`` (the reader sees them:
    domain.scope.sees_personal_data), else masked (domain.scope.shown_value). A poverty status
    among them (a household's category, list, decision or yearly status, an application's priority
    tier: domain.scope.is_poverty_field) is worded only when ``poverty`` (the reader sees it:
    domain.scope.sees_poverty_status), else shown as domain.scope.POVERTY_HIDDEN, old and new, and
    so is the note of an entry recording why (domain.scope.POVERTY_NOTE_ACTIONS)."""
    entries = list(entries)
    wanted: dict[str, set[int]] = {}
    for e in entries:
        if e.entity_id is not None:
            wanted.setdefault(e.entity_type, set()).add(e.entity_id)
        for name, kind in ID_KINDS.items():
            for v in _flat((e.changes or {}).get(name)):
                if isinstance(v, int):
                    wanted.setdefault(kind, set()).add(v)
    titles, links = _titles(session, wanted)
    actor_ids = {e.actor_id for e in entries if e.actor_id}
    actors = {u.id: u.display_name for u in session.scalars(select(User).where(User.id.in_(actor_ids)))}
    rows = []
    for e in entries:
        key = (e.entity_type, e.entity_id) if e.entity_id is not None else None
        if key is None:
            kind = ENTITY_LABELS.get(e.entity_type, e.entity_type)
            title = sentence_start(kind)
        else:
            title = titles.get(key) or _gone(e.entity_type)
        rows.append(LogRow(id=e.id, at=e.at, actor=actors.get(e.actor_id, "Hệ thống") if e.actor_id else "Hệ thống",
                           action=action_label(e.action), view=is_view(e.action), title=title,
                           link=links.get(key) if key else None, changes=_changes(e.changes, titles, e.entity_type, personal, poverty),
                           note=POVERTY_HIDDEN if e.note and not poverty and e.action in POVERTY_NOTE_ACTIONS
                           else e.note or ""))
    return rows


def _flat(value: Any) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def staff(session: Session) -> list[User]:
    """Every account, for the log's "who" filter, by username."""
    return list(session.scalars(select(User).order_by(User.username)))


# --- the log taken away ----------------------------------------------------------------------

LOG_COLUMNS = (
    Column("STT", "int", 12), Column("Lúc", "text", 30), Column("Người thực hiện", "text", 34),
    Column("Thao tác", "text", 44), Column("Đối tượng", "text", 50), Column("Thay đổi", "text", 60),
    Column("Ghi chú", "text", 40),
)
#: Entries described at a time while the log is written out.
CHUNK = 500


def change_text(c: Change) -> str:
    """One change on one line: "Trạng thái: Đã tiếp nhận → Đủ điều kiện" or "Số dòng: 3"."""
    return f"{c.field}: {c.old} → {c.new}" if c.old is not None else f"{c.field}: {c.new}"


def log_table(session: Session, f: AuditFilters, *, on: dt.date, prepared_by: str, filters_text: str,
              count: int, personal: bool = False, poverty: bool = True) -> ExportTable:
    """The entries matching ``f`` as an ExportTable (read and described CHUNK at a time; CCCD and
    phone masked unless ``personal``, poverty status withheld unless ``poverty``, as :func:`describe`)."""
    def rows() -> Iterator[list[Any]]:
        n = 0
        batch: list[AuditEntry] = []
        for e in session.scalars(log_query(f).execution_options(yield_per=CHUNK)):
            batch.append(e)
            if len(batch) == CHUNK:
                for r in describe(session, batch, personal=personal, poverty=poverty):
                    n += 1
                    yield _log_row(n, r)
                batch = []
        for r in describe(session, batch, personal=personal, poverty=poverty):
            n += 1
            yield _log_row(n, r)

    return ExportTable(key="audit", title=EXPORT_LIST_LABELS["audit"], filters=filters_text, columns=LOG_COLUMNS,
                       rows=rows(), count=count, date=on, prepared_by=prepared_by)


def _log_row(n: int, r: LogRow) -> list[Any]:
    at = r.at.astimezone(VN_TZ) if r.at.tzinfo else r.at.replace(tzinfo=dt.timezone.utc).astimezone(VN_TZ)
    return [n, at.strftime("%d/%m/%Y %H:%M"), r.actor, r.action, r.title,
            "\n".join(change_text(c) for c in r.changes), r.note]



def filters_text(session: Session, f: AuditFilters) -> str:
    """``f`` in words, as printed under the title of the log taken away."""
    parts = [AUDIT_KIND_LABELS[f.kind]]
    if f.actor_id == 0:
        parts.append("Người thực hiện: Hệ thống")
    elif f.actor_id:
        user = session.get(User, f.actor_id)
        parts.append(f"Người thực hiện: {user.display_name if user else f.actor_id}")
    if f.date_from or f.date_to:
        parts.append("Từ ngày " + (f.date_from.strftime("%d/%m/%Y") if f.date_from else "…") +
                     " đến ngày " + (f.date_to.strftime("%d/%m/%Y") if f.date_to else "nay"))
    if f.entity_type:
        kind = ENTITY_LABELS[f.entity_type]
        parts.append("Đối tượng: " + kind + (f" số {f.entity_id}" if f.entity_id is not None else ""))
    if f.action:
        parts.append(f"Thao tác: {action_label(f.action)}")
    return "; ".join(parts)
