"""Planning an import: every parsed row classified against the households on file, before
anything is written.

One query loads the households on file; each row is then ``new``, ``update`` (matched by
household code, then by CCCD when the head's name agrees: households.check_citizen_id_owner, the
form's rule), ``unchanged``, ``error`` (with its row number and a Vietnamese reason) or
``skipped`` (blank, total and signature rows).  Duplicates inside the file or against the
database are errors, never merged; a row whose household code belongs to one household and whose
CCCD to another is an error.  The :class:`ImportReport` is what the preview shows and what the
commit writes from.

Source: shared/data/README.md; domain.md §9.
"""
from __future__ import annotations

import datetime as dt

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from subsidy.domain import household_list as hl
from subsidy.domain import vn
from subsidy.domain.calendar import today_vn
from subsidy.domain.labels import FIELD_LABELS as AUDIT_FIELD_LABELS
from subsidy.domain.labels import LEFT_OUTCOME_LABELS
from subsidy.domain.workflow import State
from subsidy.models import Application, Household
from subsidy.services.communes import filter_hamlets
from subsidy.services.errors import Conflict
from subsidy.models.scoping import default_commune_id
from subsidy.services.households import (
    check_citizen_id_owner, citizen_id_elsewhere_message, held_elsewhere,
)
from subsidy.services.importer.on_file import FULL_CHUNK, full_rows, load_matches
from subsidy.services.importer.members_plan import check_person_ids, existing_members, member_change, member_row
from subsidy.services.importer.hamlets_plan import new_hamlets
from subsidy.services.importer.left_plan import left_households
from subsidy.services.importer.reader import ImportFileError, ParsedList
from subsidy.services.importer.year_plan import StatusWrite, default_complete, plan_year

#: Fields an imported row may set, in the order shown in previews and audit entries.
IMPORT_FIELDS = (
    "code", "head_name", "head_birth_year", "head_gender", "citizen_id", "citizen_id_kind",
    "citizen_id_warning", "hamlet", "address", "members", "phone", "category", "list_year",
    "meritorious", "social_policy", "prior_device", "prior_device_date", "archived",
)
#: The names of the imported fields in the preview's changes: the audit log's names
#: (domain.labels.FIELD_LABELS), so that a change reads the same before and after it is written.
FIELD_LABELS = {k: AUDIT_FIELD_LABELS[k] for k in (*IMPORT_FIELDS, "archived", "people")}
STATUS_LABELS = {
    "new": "Thêm mới", "update": "Cập nhật", "unchanged": "Không đổi", "error": "Lỗi",
    "skipped": "Bỏ qua",
}


#: The empty messages, warnings, people and changes every row starts with, shared: a list of
#: 100,000 rows made four empty containers per row (23 MB) that most rows never fill.
_NO_CHANGES: Mapping[str, list[Any]] = MappingProxyType({})


@dataclass(slots=True)
class RowOutcome:
    """One row of the preview: its number in the file, what will happen, and why.

    ``messages`` and ``warnings`` are sequences (an empty tuple until the first one is added by
    :meth:`add_message` / :meth:`add_warning`); ``changes`` a mapping, ``people`` a sequence."""

    number: int
    status: str  # new | update | unchanged | error | skipped
    code: str | None = None
    head_name: str | None = None
    hamlet: str | None = None
    category: str | None = None
    messages: Sequence[str] = ()
    warnings: Sequence[str] = ()
    changes: Mapping[str, list[Any]] = field(default_factory=lambda: _NO_CHANGES)
    household_id: int | None = None
    #: Per-person list: the household's members as read, ``[row number, name, relation, birth year]``.
    people: Sequence[list[Any]] = ()

    def add_message(self, message: str) -> None:
        """Add a reason (Vietnamese) to the row's messages."""
        self.messages = [*self.messages, message]

    def add_warning(self, warning: str) -> None:
        """Add a warning (Vietnamese) the clerk confirms by importing."""
        self.warnings = [*self.warnings, warning]


@dataclass
class ImportReport:
    """What an import found (and, when committed, did)."""

    filename: str
    file_format: str
    list_year: int
    year_source: str  # option | title | filename | current
    columns: dict[str, int]
    header_row: int
    sheet: str | None
    rows: list[RowOutcome]
    skip_invalid: bool = False
    committed: bool = False
    batch_audit_id: int | None = None
    #: Hamlets of rows to be written that are neither configured nor on file (a typo, or really
    #: a new hamlet): ``{"Ấp Phú Hoà": {"rows": 3, "first_row": 12, "like": "Ấp Phú Hòa"}}``.
    new_hamlets: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: The workbook's sheets of households that left the list: ``{"title", "kind", "rows", "error"}``.
    left_sheets: list[dict[str, Any]] = field(default_factory=list)
    #: The list replaces the commune's previous one (absent households recorded as not on it).
    complete: bool = False
    #: Compared with the previous list year: ``{"previous_year", "join", "leave", "change",
    #: "absent"}`` (absent: households of the previous list missing from a complete new one).
    year_counts: dict[str, Any] = field(default_factory=dict)
    #: Their households: ``{"sheet", "kind", "row", "code", "head_name", "outcome", "category",
    #: "household_id", "message"}``; outcome ``still_listed`` (on this list in another category),
    #: ``leaves`` (on file, not on this list), ``not_on_file`` or ``error``.
    left: list[dict[str, Any]] = field(default_factory=list)
    #: The year typed differs from the title's (hl.title_year_mismatch: a Vietnamese warning), else None.
    year_warning: str | None = None
    #: Rows (and households with an application at risk) that differ from the preview the clerk
    #: confirmed: set when a confirmation found the data changed since (nothing was written).
    stale_rows: int = 0
    #: Households on file with an application approved or further along that this list takes off
    #: the year's list or moves to another category (E1): ``{"household_id", "code", "head_name",
    #: "application_id", "tracking_code", "state", "was", "now", "how"}``; ``how`` is ``"category"``,
    #: ``"left_sheet"``, ``"replaced"`` (written) or ``"absent"`` (not in the file: taken off the list
    #: only if the list is confirmed as the year's complete list).
    at_risk: list[dict[str, Any]] = field(default_factory=list)

    @property
    def left_counts(self) -> dict[str, int]:
        """Households of the "left" sheets by outcome (every key of LEFT_OUTCOME_LABELS)."""
        c = {k: 0 for k in LEFT_OUTCOME_LABELS}
        for entry in self.left:
            c[entry["outcome"]] += 1
        return c

    @property
    def counts(self) -> dict[str, int]:
        c = {k: 0 for k in STATUS_LABELS}
        for r in self.rows:
            c[r.status] += 1
        return c

    @property
    def households(self) -> int:
        """Rows that are households (everything but skipped rows)."""
        return sum(1 for r in self.rows if r.status != "skipped")

    @property
    def error_rows(self) -> list[RowOutcome]:
        return [r for r in self.rows if r.status == "error"]

    @property
    def would_refuse(self) -> bool:
        return bool(self.counts["error"]) and not self.skip_invalid

    def row_keys(self) -> dict[Any, str]:
        """What the confirmation would write, per row number (status, household, changes,
        reasons) and per household at risk: the preview's promise, compared by :meth:`differs_from`."""
        keys: dict[Any, str] = {}
        for r in self.rows:
            keys[r.number] = json.dumps([r.status, r.household_id, r.changes if r.status == "update" else {},
                                         list(r.messages), list(r.warnings)],
                                        ensure_ascii=False, default=str, sort_keys=True)
        for e in self.at_risk:
            how = "absent" if e["how"] in ("absent", "replaced") else e["how"]
            keys[("at_risk", e["application_id"])] = json.dumps([e["household_id"], e["state"], e["was"], e["now"], how],
                                                                ensure_ascii=False, default=str)
        return keys

    def differs_from(self, shown: "ImportReport") -> int:
        """How many rows (and households at risk) of this report differ from ``shown``, the
        preview the clerk saw: 0 when confirming it writes exactly what it showed."""
        mine, theirs = self.row_keys(), shown.row_keys()
        return sum(1 for k in mine.keys() | theirs.keys() if mine.get(k) != theirs.get(k))

    def to_json(self) -> str:
        """Compact JSON for the web preview (rows as lists; a new row's full "changes" — every
        value of the row — is left out: the preview does not show it and the commit recomputes)."""
        head = {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "rows"}
        rows = [[r.number, r.status, r.code, r.head_name, r.hamlet, r.category, r.messages, r.warnings,
                 r.changes if r.status == "update" else {}, r.household_id, r.people] for r in self.rows]
        return json.dumps({"head": head, "rows": rows}, ensure_ascii=False, default=str, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> "ImportReport":
        d = json.loads(text)
        return cls(**d["head"], rows=[RowOutcome(*r[:6], r[6] or (), r[7] or (), r[8] or _NO_CHANGES, r[9], r[10] or ())
                                      for r in d["rows"]])


@dataclass
class ImportPlan:
    """What an import would write: ``report`` (every row's outcome, for the clerk), ``inserts``
    (``(row, record, people)`` of each new household, its record as read: the writer makes its
    values (:func:`row_values`) and fills in the defaults; ``people`` its members' change for the
    audit, or None) and
    ``updates`` (``(row, household id, facts)``: the household's imported fields as they will be
    once the row is saved)."""

    report: ImportReport
    inserts: list[tuple[RowOutcome, hl.HouseholdRecord, list[Any] | None]]
    updates: list[tuple[RowOutcome, int, dict[str, Any]]]
    #: The commune the list belongs to (its households are the ones matched and written).
    commune_id: int = 0
    #: Households whose members are replaced: ``(row, household id or None for a new one,
    #: [each member's columns as a tuple in the order of MEMBER_FIELDS (members_plan.member_row),
    #: in list order])``.
    members: list[tuple[RowOutcome, int | None, list[tuple]]] = field(default_factory=list)
    #: Status records of the list year to write (year_plan.StatusWrite).
    statuses: list[StatusWrite] = field(default_factory=list)

    @property
    def writes_anything(self) -> bool:
        return bool(self.inserts or self.updates or self.members or self.statuses)


_YEAR_IN_NAME = re.compile(r"(?<![0-9])(20[0-9]{2})(?![0-9])")


def choose_year(year: int | None, parsed: ParsedList, filename: str) -> tuple[int, str]:
    """The list year: the one asked for, else the title's ("… NĂM 2025"), else a year in the file
    name ("ho-ngheo-2025-bo-sung.csv"), else the current year (Asia/Ho_Chi_Minh).

    Returns ``(year, source)``, source one of ``"option"``, ``"title"``, ``"filename"``,
    ``"current"``.  Raises ImportFileError for an asked year outside 2000–next year."""
    current = today_vn().year
    if year is not None:
        problem = hl.list_year_problem(year, current)
        if problem:
            raise ImportFileError(problem)
        return year, "option"
    if parsed.title_year is not None:
        return parsed.title_year, "title"
    m = _YEAR_IN_NAME.search(Path(filename or "").name)
    if m and hl.list_year_problem(int(m.group(1)), current) is None:
        return int(m.group(1)), "filename"
    return current, "current"


def plan_import(session: Session, parsed: ParsedList, filename: str, year: int | None = None,
                skip_invalid: bool = False, hamlets: Sequence[str] | None = None,
                commune_id: int | None = None, complete: bool | None = None) -> ImportPlan:
    """Classify every parsed row against the households on file (one SELECT).

    A row matches a household by its code, else by its CCCD when the head's name agrees
    (households.check_citizen_id_owner; otherwise the row is an error).  ``hamlets``: the
    configured hamlets; a row to be written whose hamlet is not on the commune's hamlets table (nor
    in ``hamlets``) is listed in ``report.new_hamlets`` (hamlets_plan.new_hamlets: never an
    error; the confirmed import adds it to the table).

    ``commune_id``: the commune whose list this is (default: the Session's, or the instance's only
    one, made from the defaults when there is none yet); rows match only its households, and a
    CCCD already held by a household of another commune is an error naming that commune (a
    person is one person across the province, domain.md §10).

    ``complete``: the list replaces that commune's previous one (its households only); None
    takes :func:`year_plan.default_complete`.  A per-person list's members are checked
    (:mod:`.members_plan`) and compared with those on file; the status of the list year is
    planned by :func:`year_plan.plan_year`.

    ``parsed.results`` is emptied, each row released as soon as it is classified (what the plan
    needs of a row is in its outcome and record: the rest of the rows as read would stay alive to
    the end of the import for nothing).

    Returns the :class:`ImportPlan`.  Raises ImportFileError for an asked year out of range
    (:func:`choose_year`), CommuneRequired when the instance has several communes and none is
    given.  Reads only (except making the first commune of an empty instance).
    """
    list_year, year_source = choose_year(year, parsed, filename)
    if commune_id is None:
        commune_id = default_commune_id(session)
    by_code, by_cid = load_matches(session, commune_id)

    outcomes: list[RowOutcome] = []
    planned: list[tuple[RowOutcome, hl.HouseholdRecord, Any]] = []
    # The first row naming each household on file, and every row of a household named twice or more
    # (a list per household only where there is a clash: a list each was 9 MB for 100,000 rows).
    claimed: dict[int, RowOutcome] = {}
    claims: dict[int, list[RowOutcome]] = {}
    elsewhere = held_elsewhere(session, commune_id, [r.record.citizen_id for r in parsed.results
                                                      if r.record is not None and r.record.citizen_id])
    # What the later steps need of every row, gathered in this one pass so that the rows as read
    # can go once they are planned: the households on file a row names (even a wrong row names
    # its household: it is not absent) and this list's households for the "left" sheets.
    named: set[int] = set()
    listed: dict[tuple[str, str], hl.HouseholdRecord] = {}
    keep_listed = bool(parsed.other_sheets)  # only the "left" sheets look households up in it
    rows_read, parsed.results = parsed.results, []
    for i, r in enumerate(rows_read):
        rows_read[i] = None  # each row read goes once classified (its outcome and record stay)
        if not r.is_member:
            for hit in ((by_code.get(r.code) if r.code else None), (by_cid.get(r.citizen_id) if r.citizen_id else None)):
                if hit is not None:
                    named.add(hit["id"])
            if r.record is not None and keep_listed:
                if r.record.code:
                    listed[("code", r.record.code)] = r.record
                if r.record.citizen_id:
                    listed[("cid", r.record.citizen_id)] = r.record
        if r.skip_reason is not None:
            outcomes.append(RowOutcome(r.number, "skipped", messages=[r.skip_reason]))
            continue
        if r.is_member:
            continue  # a member's row of a per-person list: shown and judged with its head's row
        rec = r.record
        out = RowOutcome(r.number, "error", code=r.code or r.raw_code,
                         head_name=rec.head_name if rec else r.raw_name,
                         hamlet=rec.hamlet if rec else None, category=rec.category if rec else None,
                         warnings=list(r.warnings) if r.warnings else (),
                         people=[[m.number, m.raw_name if m.member is None else m.member.name,
                                  m.member.relation if m.member else None,
                                  m.member.birth_year if m.member else None] for m in r.member_rows] or ())
        outcomes.append(out)
        if rec is None:
            out.messages = list(r.errors) or ()
            continue
        hit_code = by_code.get(rec.code) if rec.code else None
        if rec.citizen_id and rec.citizen_id in elsewhere:
            out.add_message(citizen_id_elsewhere_message(rec.citizen_id, elsewhere[rec.citizen_id]))
            continue
        try:
            # Matched by household code, then by CCCD only when the head's name agrees; a CCCD of
            # another household is an error (the same rule as the household form).
            target = check_citizen_id_owner(
                rec.citizen_id, by_cid.get(rec.citizen_id) if rec.citizen_id else None, hit_code,
                head_name=rec.head_name, code=rec.code, match_by_citizen_id=True)
        except Conflict as err:
            out.add_message(str(err))
            continue
        if target is None and not rec.code:
            out.add_message(
                f"Không có mã hộ và số CCCD {rec.citizen_id} chưa có trong danh sách: không thêm "
                "được hộ mới khi thiếu mã hộ. Hãy ghi mã hộ."
            )
            continue
        if target is not None:
            first = claimed.setdefault(target.id, out)
            if first is not out:
                claims.setdefault(target.id, [first]).append(out)
            out.household_id = target.id
        planned.append((out, rec, target))

    # Two rows of the file landing on the same household: report, don't merge.
    del claimed
    for rows in claims.values():
        if len(rows) > 1:
            for out in rows:
                others = ", ".join(str(o.number) for o in rows if o is not out)
                out.add_message(
                    f"Dòng này và dòng {others} cùng khớp một hộ đã có (theo mã hộ hoặc số CCCD). "
                    "Không gộp: hãy kiểm tra lại và chỉ giữ một dòng cho hộ này."
                )

    sheet, other_sheets = parsed.sheet, parsed.other_sheets
    file_format, columns, header_row = parsed.file_format, dict(parsed.header.columns), parsed.header.first_row
    del rows_read
    check_person_ids(session, planned)
    on_file_members = existing_members(session, planned)
    inserts: list[tuple[RowOutcome, hl.HouseholdRecord, list[Any] | None]] = []
    updates: list[tuple[RowOutcome, int, dict[str, Any]]] = []
    member_writes: list[tuple[RowOutcome, int | None, list[tuple]]] = []
    year_rows: list[tuple[RowOutcome, str, int | None]] = []
    full: dict[int, Any] = {}
    for i, (out, rec, match) in enumerate(planned):
        if i % FULL_CHUNK == 0:  # the households on file of the next chunk of rows, with every field
            full = full_rows(session, [t.id for o, _r, t in planned[i:i + FULL_CHUNK] if t is not None
                                        and not o.messages])
        planned[i] = None  # type: ignore[call-overload]  # each row's record goes once it is planned
        if out.messages:
            continue
        target = full[match.id] if match is not None else None
        people = member_change(rec, on_file_members.get(target.id) if target is not None else None)
        if people is not None:
            member_writes.append((out, target.id if target is not None else None, [member_row(m) for m in rec.people]))
        year_rows.append((out, rec.category, target.id if target is not None else None))
        if target is None:
            out.status = "new"
            if rec.citizen_id_warning:
                out.add_warning(rec.citizen_id_warning)
            # A new row's values (row_values) and audit changes (created_changes) are built only
            # when it is written, a chunk at a time: kept for every row of a large list they were
            # most of its memory.  The record read from the file is all it needs until then.
            inserts.append((out, rec, people))
            continue
        values = row_values(rec, list_year, target)
        if rec.citizen_id_warning or values.get("citizen_id_warning"):
            out.add_warning(values.get("citizen_id_warning") or rec.citizen_id_warning)
        changes = {k: [_json(target[k]), _json(values[k])] for k in IMPORT_FIELDS
                   if k in values and target[k] != values[k]}
        if people is not None:
            changes["people"] = people
        if not changes:
            out.status = "unchanged"
            continue
        out.status = "update"
        out.changes = changes
        merged = {k: target[k] for k in IMPORT_FIELDS} | values
        updates.append((out, target.id, merged))
    for out in outcomes:
        if out.status == "error" and not out.messages:  # not reachable; keeps the report honest
            out.add_message("Dòng lỗi.")

    left_sheets, left = left_households(other_sheets, listed, by_code, by_cid)
    del listed
    present = {o.household_id for o in outcomes if o.household_id is not None} | named
    year = plan_year(session, commune_id, [(o, c, h) for o, c, h in year_rows if o.status != "error"], present,
                     left, list_year, complete, filename, default=default_complete(year_source, filename, sheet))
    complete = year.complete
    report = ImportReport(
        filename=filename, file_format=file_format, list_year=list_year, year_source=year_source,
        columns=columns, header_row=header_row,
        sheet=sheet, rows=outcomes, skip_invalid=skip_invalid,
        new_hamlets=new_hamlets(outcomes, [*filter_hamlets(session, commune_id), *(hamlets or ())],
                                set(session.scalars(select(Household.hamlet).distinct()
                                                    .where(Household.commune_id == commune_id)))),
        left_sheets=left_sheets, left=left, complete=complete,
        year_warning=hl.title_year_mismatch(list_year, parsed.title_year) if year_source == "option" else None,
        year_counts={"previous_year": year.previous_year, "join": year.join, "leave": year.leave,
                     "change": year.change, "absent": year.absent},
    )
    report.at_risk = applications_at_risk(session, year.moves)
    return ImportPlan(report, inserts, updates, commune_id, member_writes, year.writes)


#: Application states past approval: the household was found eligible (E1 included) and approved;
#: a list that takes it off or changes its category must not do so unseen.
AT_RISK_STATES = (State.approved.value, State.handed_over.value, State.paid.value, State.closed.value)


def applications_at_risk(session: Session, moves: Mapping[int, tuple[str, str, str]]) -> list[dict[str, Any]]:
    """The households of ``moves`` (year_plan.YearPlan.moves: ``{household id: (before, after,
    how)}``) with an application approved or further along (:data:`AT_RISK_STATES`), as
    ImportReport.at_risk entries, by household code.  Reads only (one query per 500 households)."""
    out: list[dict[str, Any]] = []
    ids = sorted(moves)
    for i in range(0, len(ids), 500):
        rows = session.execute(
            select(Application.id, Application.tracking_code, Application.state, Household.id, Household.code,
                   Household.head_name)
            .join(Household, Household.id == Application.household_id)
            .where(Application.household_id.in_(ids[i:i + 500]), Application.state.in_(AT_RISK_STATES)))
        for app_id, tracking, state, hid, code, name in rows:
            was, now, how = moves[hid]
            out.append({"household_id": hid, "code": code, "head_name": name, "application_id": app_id,
                        "tracking_code": tracking, "state": state, "was": was, "now": now, "how": how})
    out.sort(key=lambda e: (e["code"] or "", e["household_id"], e["application_id"]))
    return out


def _json(value: Any) -> Any:
    """A value as the audit log's JSON holds it (a date as ISO text: the prior-device date)."""
    return value.isoformat() if isinstance(value, dt.date) else value


def row_values(rec: hl.HouseholdRecord, list_year: int, target: Any) -> dict[str, Any]:
    """Column values an imported row sets.  An empty optional cell (birth year, sex, CCCD,
    phone, address) or a missing optional column leaves the stored value alone; the category,
    the policy marks of a present column and the list year always come from the file."""
    v: dict[str, Any] = {"head_name": rec.head_name, "hamlet": rec.hamlet, "category": rec.category,
                         "list_year": list_year}
    if rec.code:
        v["code"] = rec.code
    for f in ("head_birth_year", "head_gender", "phone", "address", "members", "meritorious", "social_policy"):
        value = getattr(rec, f)
        if value is not None:
            v[f] = value
    if rec.prior_device is not None:  # the optional E2 column: an empty cell leaves the answer alone
        v["prior_device"] = rec.prior_device
        v["prior_device_date"] = rec.prior_device_date if rec.prior_device != "none" else None
    if rec.citizen_id:
        v["citizen_id"], v["citizen_id_kind"] = rec.citizen_id, rec.citizen_id_kind
        warning = rec.citizen_id_warning
        if target is not None and (rec.head_birth_year is None or rec.head_gender is None):
            # Compare the CCCD with what will be on file once the row is saved.
            check = vn.check_citizen_id(rec.citizen_id, v.get("head_birth_year", target.head_birth_year),
                                        v.get("head_gender", target.head_gender))
            warning = " ".join(check.warnings) or None
        v["citizen_id_warning"] = warning
    if target is not None and target.archived:
        v["archived"] = False
    return v
