"""A commune that ran its own copy joins the province: its single-commune SQLite database (any
earlier migration head, upgraded first in a temporary copy) merged into the province's database
as one commune's data (domain.md §10).

Everything is copied with new ids: accounts (bound to the commune, passwords kept; the copy's
admins become deactivated approver accounts of the commune, since an instance has one set of
administrators), households, applications with their decisions and history, proposal lists and
their entries, allocations, handovers with their IMEIs, cash payments, receipts with their
numbers and counters, the audit log. Rule sets are matched by (code, version) and copied when the
province has not loaded one. API tokens and background jobs are not copied.

The copy's record of what the ministry allocated to the province (province_allocations) is not
copied: the province keeps its own, and a second record of one document would count its phones
twice. The shares the copy's commune received from it come over attached to the province's record
of the same document (_province_shares), so the commune keeps the quota its places were taken
from (domain.md §3, §10).

:func:`plan_merge` reads only and lists every conflict (a CCCD already in the province, a
household code already in the commune, a username, a tracking code, a live IMEI, a receipt number
the commune already used, and the rules the database keeps on the commune's lists and allocations:
a list number, a decision number of the year, a second open draft, an allocating document already
recorded; see _lists_and_allocations; a share of the province's phones the province cannot take
over: see _province_shares); :func:`merge` writes nothing when any is left. Flushes, never commits.

The keys those rules compare (proposal_lists.decision_key, allocations.document_key) are computed
again here by the domain's functions (decisions.register_key, documents.reference_key), whatever
the copy's revision, so the copied rows are keyed exactly as the province's own.
"""
from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Table, func, insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from subsidy.db import Base, make_engine, upgrade_database
from subsidy.domain import decisions
from subsidy.domain.documents import reference_key
from subsidy.domain.vn import format_count
from subsidy.models import Allocation, Commune, Hamlet, ProvinceAllocation, User
from subsidy.models.scoping import ALL_COMMUNES
from subsidy.models.state_spans import refresh_spans
from subsidy.services import allocations, audit, province
from subsidy.services.errors import ServiceError

#: Tables copied, parents first; the commune's own columns point at the target commune.
COPIED = ("users", "rule_sets", "households", "proposal_lists", "allocations", "applications",
          "application_events", "cash_payments", "eligibility_decisions", "handovers", "proposal_list_entries",
          "handover_imeis", "receipts", "receipt_counters", "audit_entries")
#: An audit entry's entity_type → the table its entity_id points into (remapped to the new ids).
ENTITY_TABLES = {"household": "households", "application": "applications", "proposal_list": "proposal_lists",
                 "allocation": "allocations", "handover": "handovers", "cash_payment": "cash_payments",
                 "receipt": "receipts", "user": "users"}
#: Entities of the copy that are not copied: their audit entries come, pointing at no row.
NOT_COPIED = ("province_allocation",)


@dataclass
class MergePlan:
    """What a merge would copy: ``counts`` rows per table, ``conflicts`` (Vietnamese, one a line:
    nothing is written while any is left), ``notes`` (what changes on the way, e.g. admins)."""

    counts: dict[str, int] = field(default_factory=dict)
    conflicts: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _source(path: Path) -> tuple[Path, Any]:
    """A temporary copy of the SQLite file ``path``, upgraded to the newest migration."""
    if not path.is_file():
        raise ServiceError(f"Không có tệp {path}.")
    folder = Path(tempfile.mkdtemp(prefix="vtci-merge-"))
    copy = folder / "source.sqlite3"
    shutil.copyfile(path, copy)
    url = f"sqlite:///{copy}"
    try:
        upgrade_database(url)
    except Exception as err:  # noqa: BLE001 - any failure: the file is not a database of this app
        shutil.rmtree(folder, ignore_errors=True)
        raise ServiceError(f"Tệp {path.name} không phải cơ sở dữ liệu của phần mềm này, hoặc không nâng cấp được: "
                           f"{err}") from None
    return folder, make_engine(url)


def _rows(conn: Connection, table: Table) -> list[dict[str, Any]]:
    order = list(table.primary_key.columns)
    return [dict(r._mapping) for r in conn.execute(select(table).order_by(*order))]


def _read(path: Path) -> tuple[dict[str, list[dict[str, Any]]], list[str], list[dict[str, Any]]]:
    """The copied tables' rows, the hamlets' names and the province allocations of the copy."""
    folder, engine = _source(path)
    # Read through the models' tables (the copy is at the newest migration, so they match): values
    # come back as the app stores them (aware UTC timestamps, JSON).
    tables = Base.metadata.tables
    try:
        with engine.connect() as conn:
            data = {name: _rows(conn, tables[name]) for name in COPIED}
            hamlets = [r["name"] for r in _rows(conn, tables["hamlets"])]
            received = _rows(conn, tables["province_allocations"])
    finally:
        engine.dispose()
        shutil.rmtree(folder, ignore_errors=True)
    return data, hamlets, received


def _taken(session: Session, column: Any, values: list[Any], *where: Any) -> set[Any]:
    found: set[Any] = set()
    values = sorted({v for v in values if v is not None})
    for start in range(0, len(values), 500):
        found.update(session.scalars(select(column).where(column.in_(values[start:start + 500]), *where),
                                     execution_options={ALL_COMMUNES: True}))
    return found


def plan_merge(session: Session, path: Path, commune: Commune) -> tuple[MergePlan, dict[str, Any]]:
    """Read the database ``path`` and check it against the province: returns the plan and what
    :func:`merge` writes (``data``: the rows read, the keys of their lists and allocations computed
    as the province's, _lists_and_allocations; ``hamlets``; ``shares``: the copy's province
    allocation ids → the province's, _province_shares). The dry run and the real run make the same
    checks. Raises ServiceError for a file that is not this app's database."""
    data, hamlets, received = _read(path)
    plan = MergePlan(counts={name: len(rows) for name, rows in data.items()})
    t = Base.metadata.tables
    checks = (
        ("Số CCCD", t["households"].c.citizen_id, [r["citizen_id"] for r in data["households"]], ()),
        ("Mã hộ (đã có trong xã)", t["households"].c.code, [r["code"] for r in data["households"]],
         (t["households"].c.commune_id == commune.id,)),
        ("Tên đăng nhập", t["users"].c.username, [r["username"] for r in data["users"]], ()),
        ("Mã tra cứu", t["applications"].c.tracking_code, [r["tracking_code"] for r in data["applications"]], ()),
        ("IMEI đang dùng", t["handover_imeis"].c.imei, [r["imei"] for r in data["handover_imeis"] if r["live"]],
         (t["handover_imeis"].c.live.is_(True),)),
    )
    for label, column, values, where in checks:
        for value in sorted(_taken(session, column, values, *where)):
            plan.conflicts.append(f"{label} {value} đã có trong hệ thống của tỉnh.")
    numbers = {(r["series"], r["year"], r["number"]) for r in data["receipts"]}
    used = session.execute(select(t["receipts"].c.series, t["receipts"].c.year, t["receipts"].c.number)
                           .where(t["receipts"].c.commune_id == commune.id)).all()
    for series, year, number in sorted(numbers & {tuple(u) for u in used}):
        plan.conflicts.append(f"Biên bản số {number:04d}/{series} năm {year} đã có ở {commune.name}.")
    _lists_and_allocations(session, data, commune, plan)
    shares = _province_shares(session, data, received, commune, plan)
    admins = [r["username"] for r in data["users"] if r["role"] not in ("clerk", "approver", "radio")]
    if admins:
        plan.notes.append(f"Tài khoản quản trị của bản cũ ({', '.join(admins)}) trở thành tài khoản lãnh đạo xã "
                          f"đã khóa của {commune.name}: hệ thống của tỉnh có quản trị riêng.")
    return plan, {"data": data, "hamlets": hamlets, "shares": shares}


def merge(session: Session, path: Path, commune: Commune, actor: User | None) -> MergePlan:
    """Copy the database ``path`` into ``commune`` (see the module docstring). Raises ServiceError
    listing the conflicts when there is any, or when the database still refuses a row (written in a
    savepoint, rolled back): nothing written either way. Flushes.

    Takes the province's quota lock, then the commune's (allocations.lock_quota, the order of
    province.give_to_commune), so the shares checked by _province_shares stay as checked until
    the caller commits."""
    allocations.lock_quota(session, None)
    allocations.lock_quota(session, commune.id)
    plan, read = plan_merge(session, path, commune)
    if plan.conflicts:
        raise ServiceError("Không gộp được: " + " ".join(plan.conflicts[:20])
                           + (f" … (còn {len(plan.conflicts) - 20})" if len(plan.conflicts) > 20 else ""))
    try:
        # A savepoint: a row the database still refuses (a list or an allocation the commune's
        # people recorded after the plan was read) leaves nothing of the copy behind.
        with session.begin_nested():
            _write(session, read["data"], commune, read["shares"])
    except IntegrityError as err:
        raise ServiceError(f"Không gộp được: cơ sở dữ liệu của tỉnh từ chối một dòng ({err.orig}). Có thể {commune.name} "
                           "vừa ghi thêm dữ liệu trong lúc gộp: hãy chạy lại với --dry-run để xem xung đột.") from None
    for name in read["hamlets"]:
        if name not in commune.hamlet_names:
            session.add(Hamlet(commune_id=commune.id, name=name, position=len(commune.hamlet_names) + 1))
            session.flush()
            session.expire(commune, ["hamlets"])
    audit.record(session, actor, "commune.merge", "commune", commune.id, {"file": [None, path.name]},
                 note="; ".join(f"{k}: {v}" for k, v in plan.counts.items()))
    session.flush()
    return plan


def _write(session: Session, data: dict[str, list[dict[str, Any]]], commune: Commune,
           shares: dict[int, int | None]) -> None:
    """Insert the rows read (plan_merge's, keys already computed) into ``commune`` with new ids; a
    share's province allocation is the province's of ``shares`` (_province_shares)."""
    t = Base.metadata.tables
    ids: dict[str, dict[Any, Any]] = {name: {} for name in COPIED}
    ids["communes"] = _AnyTo(commune.id)
    ids["province_allocations"] = shares
    known_rules = {(r.code, r.version): r.id for r in session.execute(select(t["rule_sets"]))}
    for row in data.get("rule_sets", []):
        key = (row["code"], row["version"])
        if key not in known_rules:
            known_rules[key] = session.execute(insert(t["rule_sets"]).values(
                {k: v for k, v in row.items() if k != "id"}).returning(t["rule_sets"].c.id)).scalar_one()
        ids["rule_sets"][row["id"]] = known_rules[key]
    for name in COPIED:
        if name == "rule_sets":
            continue
        table = t[name]
        fks = {c.name: next(iter(c.foreign_keys)).column.table.name for c in table.columns if c.foreign_keys}
        for row in data.get(name, []):
            values = {k: v for k, v in row.items() if k in table.c and k != "id"}
            for column, parent in fks.items():
                if values.get(column) is not None:
                    values[column] = ids[parent][values[column]]
            if name == "users" and row["role"] not in ("clerk", "approver", "radio"):
                values.update(role="approver", active=False)
            if "commune_id" in table.c and name != "users" or (name == "users" and values["role"] in (
                    "clerk", "approver", "radio")):
                values["commune_id"] = commune.id
            if name == "audit_entries" and values["entity_type"] in NOT_COPIED:
                values["entity_id"] = None
            elif name == "audit_entries" and values.get("entity_id") is not None:
                values["entity_id"] = ids.get(ENTITY_TABLES.get(values["entity_type"], ""), {}).get(
                    values["entity_id"], values["entity_id"])
            if name == "receipt_counters":
                _counter(session, table, values)
            elif "id" in table.c:
                ids[name][row["id"]] = session.execute(insert(table).values(values).returning(table.c.id)).scalar_one()
            else:
                session.execute(insert(table).values(values))
    # the spans of states are derived from the events copied: computed here, not copied
    refresh_spans(session, ids["applications"].values())
    session.flush()


def _lists_and_allocations(session: Session, data: dict[str, list[dict[str, Any]]], commune: Commune,
                           plan: MergePlan) -> None:
    """Check the copy's proposal lists and allocations against the rules the database keeps on
    ``commune``'s (domain.md §10: numbers run per commune and year), filling their keys in
    ``data`` on the way; a clash is a conflict of ``plan`` saying which rows and what to do.

    - A list number (Nghị định 30/2020, Điều 15) the commune already has.
    - A decision number of the year (rule R5-QĐ; decisions.register_key, so «012/QĐ-UBND» and
      «12/QĐ-UBND» clash) the commune already used. Lists of the copy repeating one of the copy's
      own earlier decisions keep no key, as migration 0016 left them, and are named in a note.
    - A second open draft: the commune has a draft not yet submitted and so has the copy. Refused
      rather than copied with ``duplicate_draft`` set: two open drafts would split the commune's
      waiting list between them, which only the commune's staff can settle (submit one, cancel the
      other), and the officer merging should hear it before the data arrive, not find two drafts
      afterwards; the mark is migration 0016's for drafts that existed before the rule, never set
      by the application. Drafts the copy itself had marked so come as they are, named in a note.
    - An allocating document the commune recorded itself and the copy recorded too
      (documents.reference_key; allocations.document_recorded names the commune's row).
    """
    own = Base.metadata.tables["proposal_lists"]
    theirs = [dict(r._mapping) for r in session.execute(
        select(own).where(own.c.commune_id == commune.id).order_by(own.c.id), execution_options={ALL_COMMUNES: True})]
    fix = "ở hệ thống tỉnh, hoặc ở bản riêng của xã rồi lấy lại tệp"
    numbers = {r["number"]: r for r in theirs if r["number"]}
    for row in data["proposal_lists"]:
        if (same := numbers.get(row["number"])) is not None:
            plan.conflicts.append(
                f"Danh sách số {row['number']} (lập ngày {row['created_on']:%d/%m/%Y}) của bản cũ trùng số với danh sách "
                f"đã có ở {commune.name} (lập ngày {same['created_on']:%d/%m/%Y}): mỗi xã một dãy số danh sách. Hãy kiểm "
                "tra xem tệp này đã được gộp chưa, hoặc xã đã lập danh sách ở cả hai nơi.")
    keys = {r["decision_key"]: r for r in theirs if r["decision_key"]}
    first: dict[str, dict[str, Any]] = {}
    for row in data["proposal_lists"]:
        key = None
        if row["decision_number"] and row["decision_date"]:
            key = decisions.register_key(row["decision_number"], row["decision_date"])
            if key in first:
                plan.notes.append(
                    f"Danh sách số {row['number']} của bản cũ ghi số quyết định {_decision(row)}, trùng danh sách số "
                    f"{first[key]['number']} của bản cũ: gộp nguyên trạng; lãnh đạo xã sửa quyết định ghi sai («Sửa "
                    "quyết định» ở trang danh sách).")
                key = None
            else:
                first[key] = row
        row["decision_key"] = key
        if key is not None and (same := keys.get(key)) is not None:
            plan.conflicts.append(
                f"Quyết định số {_decision(row)} (danh sách số {row['number']} của bản cũ) trùng số quyết định "
                f"{_decision(same)} của danh sách số {same['number']} đã có ở {commune.name}: mỗi số quyết định chỉ "
                f"dùng một lần trong năm. Hãy đối chiếu với quyết định giấy và sửa quyết định ghi sai («Sửa quyết "
                f"định» ở trang danh sách, {fix}), rồi gộp lại.")
    drafts = [("ở hệ thống tỉnh", r, session.scalar(
        select(func.count()).select_from(Base.metadata.tables["applications"])
        .where(Base.metadata.tables["applications"].c.proposal_list_id == r["id"]),
        execution_options={ALL_COMMUNES: True})) for r in theirs if _open_draft(r)]
    drafts += [("của bản cũ", r, sum(a["proposal_list_id"] == r["id"] for a in data["applications"]))
               for r in data["proposal_lists"] if _open_draft(r)]
    if len(drafts) > 1:
        named = "; ".join(f"dự thảo {where} lập ngày {r['created_on']:%d/%m/%Y}, {format_count(n)} hồ sơ"
                          for where, r, n in drafts)
        plan.conflicts.append(
            f"{commune.name} sẽ có {len(drafts)} dự thảo danh sách đề nghị chưa trình ({named}): mỗi xã chỉ một dự "
            f"thảo mỗi lúc, để danh sách chờ không bị chia đôi. Hãy trình phê duyệt hoặc hủy dự thảo thừa trước ({fix}), "
            "rồi gộp lại.")
    marked = [r for r in data["proposal_lists"] if r["status"] == "draft" and r["duplicate_draft"]]
    if marked:
        plan.notes.append(
            f"Bản cũ có {len(marked)} dự thảo cũ hơn đã được đánh dấu là dự thảo thừa (lập ngày "
            f"{', '.join(format(r['created_on'], '%d/%m/%Y') for r in marked)}): gộp nguyên trạng; cán bộ xã trình phê "
            "duyệt hoặc hủy chúng.")
    for row in data["allocations"]:
        if row["document_key"] is None:  # a repeat the copy's migration 0015 left without a key
            continue
        row["document_key"] = reference_key(row["source_document"])
        if row["voided_at"] is not None or row["province_allocation_id"] is not None:
            continue
        recorded = allocations.document_recorded(session, Allocation, row["document_key"],
                                                 Allocation.commune_id == commune.id,
                                                 Allocation.province_allocation_id.is_(None))
        if recorded is not None:
            plan.conflicts.append(
                f"Phân bổ {format_count(row['quantity'])} máy ngày {row['allocated_on']:%d/%m/%Y} của bản cũ theo văn "
                f"bản {recorded} ở {commune.name}: một văn bản không ghi hai lần. Nếu là cùng một phân bổ, lãnh đạo xã "
                f"hủy bản ghi thừa ({fix}), rồi gộp lại.")


def _province_shares(session: Session, data: dict[str, list[dict[str, Any]]], received: list[dict[str, Any]],
                     commune: Commune, plan: MergePlan) -> dict[int, int | None]:
    """Where the copy's shares of its province allocations go: returns the copy's province
    allocation ids → the province's live record of the same ministry document
    (documents.reference_key; one live record per document, uq_province_allocations_live_document),
    else, for a copy's allocation with voided shares only, the province's voided one, else None
    (such a share comes as a voided allocation of the commune's own, named in a note).

    A live share is what the commune's places were taken from, so it is carried over (domain.md
    §3, §10), as province.give_to_commune would record it, or the merge is refused (conflicts of
    ``plan``, each naming the share and what to do) when:

    - the province has no live record of the document: the officer records it first;
    - the commune recorded an allocation of that document itself in the province (the rule
      allocations._check_document_unused keeps when the province gives a share): the phones would
      count twice;
    - the commune already has a live share of it in the province: the same phones given twice,
      unless the officer voids one first;
    - the copy's live shares of it exceed what the province has still to divide of it.
    """
    shared = [r for r in data["allocations"] if r["province_allocation_id"] is not None]
    if not shared:
        return {}
    theirs = {r["id"]: r for r in received}
    mapping: dict[int, int | None] = {}
    carried = unmatched = 0
    for copy_id in sorted({r["province_allocation_id"] for r in shared}):
        source = theirs[copy_id]
        rows = [r for r in shared if r["province_allocation_id"] == copy_id]
        live = [r for r in rows if r["voided_at"] is None]
        key = reference_key(source["source_document"])
        found = session.scalars(select(ProvinceAllocation).where(ProvinceAllocation.document_key == key)
                                .order_by(ProvinceAllocation.voided_at.is_not(None), ProvinceAllocation.id)).first()
        pa = found if found is not None and (found.voided_at is None or not live) else None
        mapping[copy_id] = pa.id if pa is not None else None
        if not live:
            carried += len(rows) if pa is not None else 0
            unmatched += len(rows) if pa is None else 0
            continue
        asked = sum(r["quantity"] for r in live)
        named = (f"Bản cũ ghi tỉnh chia cho xã {format_count(asked)} máy theo văn bản «{source['source_document']}» "
                 f"(ngày {', '.join(format(r['allocated_on'], '%d/%m/%Y') for r in live)})")
        if pa is None:
            plan.conflicts.append(
                f"{named}, nhưng hệ thống tỉnh chưa ghi số máy tỉnh được phân bổ theo văn bản này (hoặc đã hủy bản "
                "ghi): phần chia phải gắn vào bản ghi của tỉnh. Cán bộ tỉnh ghi số máy tỉnh được Bộ phân bổ theo văn "
                "bản này (mục «Ghi số máy tỉnh được phân bổ» ở trang của tỉnh), rồi gộp lại.")
            continue
        own = allocations.document_recorded(session, Allocation, key, Allocation.commune_id == commune.id,
                                            Allocation.province_allocation_id.is_(None))
        if own is not None:
            plan.conflicts.append(
                f"{named}, nhưng ở hệ thống tỉnh {commune.name} đã tự ghi phân bổ theo văn bản {own}: số máy sẽ "
                "tính hai lần. Nếu là cùng số máy, lãnh đạo xã hủy phân bổ xã tự ghi ở hệ thống tỉnh, rồi gộp lại.")
            continue
        already = int(session.scalar(select(func.coalesce(func.sum(Allocation.quantity), 0)).where(
            allocations.LIVE, Allocation.province_allocation_id == pa.id, Allocation.commune_id == commune.id),
            execution_options={ALL_COMMUNES: True}) or 0)
        if already:
            plan.conflicts.append(
                f"{named}, nhưng ở hệ thống tỉnh {commune.name} đã được chia {format_count(already)} máy theo văn bản "
                "này: gộp sẽ tính số máy hai lần. Nếu là cùng số máy, cán bộ tỉnh hủy phần đã chia ở hệ thống tỉnh "
                "(mục «Phần đã chia cho xã»), rồi gộp lại.")
            continue
        given = province.given_from(session, pa.id)  # to other communes: this one has none
        if asked > pa.quantity - given:
            plan.conflicts.append(
                f"{named}, nhưng văn bản này ở hệ thống tỉnh chỉ còn {format_count(pa.quantity - given)} máy chưa "
                f"chia (tỉnh nhận {format_count(pa.quantity)}, đã chia cho xã khác {format_count(given)}). Cán bộ tỉnh "
                "kiểm tra số máy đã ghi theo văn bản này, hoặc hủy phần đã chia nhầm cho xã khác, rồi gộp lại.")
            continue
        carried += len(rows)
    if carried:
        plan.notes.append(
            f"{format_count(carried)} phần tỉnh chia cho xã của bản cũ được gắn vào số máy tỉnh được phân bổ theo cùng "
            "văn bản đã ghi ở hệ thống tỉnh; số máy tỉnh được phân bổ ghi ở bản cũ không được chép (tỉnh có sổ riêng).")
    if unmatched:
        plan.notes.append(
            f"{format_count(unmatched)} phần tỉnh chia đã hủy của bản cũ theo văn bản hệ thống tỉnh chưa ghi: gộp như "
            "phân bổ đã hủy của xã tự ghi (không tính vào chỉ tiêu nào).")
    return mapping


def _open_draft(row: dict[str, Any]) -> bool:
    return row["status"] == "draft" and not row["duplicate_draft"]


def _decision(row: dict[str, Any]) -> str:
    return f"{row['decision_number']} ngày {row['decision_date']:%d/%m/%Y}"


def _counter(session: Session, table: Table, values: dict[str, Any]) -> None:
    """The commune's counter of (series, year): the copy's last number, or the larger of the two."""
    where = (table.c.commune_id == values["commune_id"], table.c.series == values["series"],
             table.c.year == values["year"])
    last = session.scalar(select(table.c.last_number).where(*where))
    if last is None:
        session.execute(insert(table).values(values))
    elif values["last_number"] > last:
        session.execute(table.update().where(*where).values(last_number=values["last_number"]))


class _AnyTo(dict):
    """Every commune id of the copy maps to the one target commune."""

    def __init__(self, target: int) -> None:
        super().__init__()
        self.target = target

    def __getitem__(self, _key: Any) -> int:
        return self.target


__all__ = ["COPIED", "MergePlan", "merge", "plan_merge"]
