"""The list pages' queries with their filters, and the same lists as tables to take away.

One SELECT per list, built from domain.list_views.ListFilters, serves both the page (paginated)
and its Excel and PDF copies (every row, in the page's order): households, applications, the
waiting list and receipts. ``*_table`` functions wrap a list's SELECT into an ExportTable whose
rows are read from the database as they are written out (``yield_per``), counted first.

The handover-day sheet (:func:`handover_sheet`) is the list of a hamlet's approved households
that receive a phone, with blanks for the phone, its IMEI and the recipient's signature: the paper
the clerk takes to the handover day.

Read-only: nothing here writes (the export's audit entry is written by the caller).
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Iterator

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from subsidy.domain import tracking, vn
from subsidy.domain.labels import (
    EXPORT_LIST_LABELS, PRIOR_DEVICE_LABELS, RECEIPT_KIND_LABELS, RECEIPT_STATUS_LABELS,
    STATE_LABELS, SUPPORT_FORM_LABELS,
)
from subsidy.domain.labels.standing import LAST_LISTED_COLUMN, NOT_LISTED_NOTE
from subsidy.domain.list_standing import Standing, withheld
from subsidy.domain.scope import POVERTY_HIDDEN
from subsidy.domain.list_views import Column, ExportTable, ListFilters, tier_short
from subsidy.domain.workflow import State
from subsidy.models import Application, Household, Receipt
from subsidy.services import prior_devices
from subsidy.services import allocations
from subsidy.services import applications as applications_svc
from subsidy.services import households as households_svc
from subsidy.services import receipts as receipts_svc

#: Rows fetched from the database at a time while an export is written.
CHUNK = 500
#: The receipts' kind for each form of support (a phone's biên bản, a payment's giấy biên nhận).
FORM_KIND = {"package": "handover", "cash": "cash"}


# --- the lists' queries ----------------------------------------------------------------------

def household_stmt(f: ListFilters) -> Select:
    """Households matching ``f`` (q as far as ``f.personal`` lets it, hamlet, category, archived,
    prior device), Vietnamese list order."""
    return prior_devices.with_prior_filter(
        households_svc.household_query(f.q, f.hamlet or None, f.category or None, include_archived=f.archived,
                                       personal=f.personal), f.prior)


def application_stmt(f: ListFilters) -> Select:
    """Applications matching ``f`` (q with tracking-code fragments, state, hamlet, category, form,
    tier); priority order in the queues where it decides (eligible, proposed, approved), newest
    received first elsewhere (applications.application_query)."""
    return applications_svc.application_query(**_application_filters(f))


def application_queue(session: Session, f: ListFilters) -> applications_svc.Queue:
    """The queue page's SELECT for ``f`` (the rows of :func:`application_stmt`) and the counts of
    its tabs (every state, the other filters of ``f``; ``Queue.counts(page)``): applications.queue,
    the search's households read once for both."""
    return applications_svc.queue(session, **_application_filters(f))


def _application_filters(f: ListFilters) -> dict[str, Any]:
    """``f`` as the arguments of applications.application_query."""
    return dict(query=f.q, state=f.state or None, hamlet=f.hamlet or None, category=f.category or None,
                form=f.form or None, tier=f.tier, priority_order=f.state in applications_svc.PRIORITY_QUEUES,
                personal=f.personal)


def waiting_stmt(f: ListFilters) -> Select:
    """The waiting list (allocations.waiting_query: priority order) narrowed by ``f``'s hamlet,
    category, form, tier and search; households loaded."""
    stmt = applications_svc.with_household(allocations.waiting_query(),
                                           applications_svc.needs_household(f.q, f.hamlet, f.category))
    conds = households_svc.household_conditions(f.q, f.hamlet or None, f.category or None,
                                                include_archived=True, exact=True, personal=f.personal)
    if f.form:
        conds.append(Application.support_form == f.form)
    if f.tier:
        conds.append(Application.priority_tier == f.tier)
    return stmt.where(*conds) if conds else stmt


def receipt_stmt(f: ListFilters) -> Select:
    """Receipts matching ``f``: the search box as receipts.search_statement reads it (number, IMEI,
    tracking code or a part of one, name), ``form`` as the receipt's kind, ``state`` "valid" or
    "voided", ``hamlet``, ``category`` and ``tier`` of the application's household; newest first."""
    part = tracking.fragment(f.q)
    # a part of a tracking code typed with its dash ("FJ6Y-4B"): the snapshot keeps the code
    # without separators, so the part is looked for as one word
    query = part if part and not tracking.is_valid(part) and not f.q.strip().isdigit() else f.q
    stmt = receipts_svc.search_statement(query, FORM_KIND.get(f.form))
    if f.hamlet or f.category or f.tier:
        stmt = stmt.join(Application, Application.id == Receipt.application_id).join(
            Household, Household.id == Application.household_id)
        stmt = stmt.where(*households_svc.household_conditions(
            hamlet=f.hamlet or None, category=f.category or None, include_archived=True))
        if f.tier:
            stmt = stmt.where(Application.priority_tier == f.tier)
    if f.state == "valid":
        stmt = stmt.where(Receipt.voided_at.is_(None))
    elif f.state == "voided":
        stmt = stmt.where(Receipt.voided_at.is_not(None))
    return stmt


def count(session: Session, stmt: Select) -> int:
    """How many rows ``stmt`` returns (one COUNT)."""
    return session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0


def _stream(session: Session, stmt: Select, row: Callable[..., list[Any]],
            household_of: Callable[[Any], Household] | None = None, year: int | None = None,
            poverty: bool = True) -> Iterator[list[Any]]:
    """``row(stt, obj)`` for every object of ``stmt``, numbered from 1, read CHUNK at a time; with
    ``household_of``, ``row(stt, obj, standing)``: the poverty status in force for ``year`` of the
    object's household (households.standings, one query per CHUNK rows; list_standing.withheld
    when not ``poverty``)."""
    i = 0
    for chunk in session.scalars(stmt.execution_options(yield_per=CHUNK)).partitions(CHUNK):
        standings = (None if household_of is None else
                     households_svc.standings(session, {household_of(o) for o in chunk}, year) if poverty else
                     {household_of(o).id: withheld(year) for o in chunk})
        for obj in chunk:
            i += 1
            yield row(i, obj) if standings is None else row(i, obj, standings[household_of(obj).id])


# --- the tables ------------------------------------------------------------------------------

HOUSEHOLD_COLUMNS = (
    Column("STT", "int", 10), Column("Mã hộ", "text", 24), Column("Họ và tên chủ hộ", "text", 32),
    Column("Năm sinh", "int", 14), Column("Số CCCD", "text", 28), Column("Số điện thoại", "text", 24),
    Column("Ấp", "text", 22), Column("Phân loại hộ", "text", 22), Column(LAST_LISTED_COLUMN, "text", 20),
    Column("Số khẩu", "int", 12), Column("Diện ưu tiên", "text", 16), Column("Thiết bị đã nhận", "text", 24),
)


def _household_row(i: int, h: Household, standing: Standing) -> list[Any]:
    extra = "; ".join(x for x, on in (("Người có công", h.meritorious), ("Chính sách XH", h.social_policy)) if on)
    return [i, h.code, h.head_name, h.head_birth_year, h.citizen_id, h.phone, h.hamlet,
            standing.short, standing.last_listed, h.members, extra,
            PRIOR_DEVICE_LABELS.get(h.prior_device, h.prior_device)]


APPLICATION_COLUMNS = (
    Column("STT", "int", 12), Column("Mã hồ sơ", "text", 30), Column("Họ và tên chủ hộ", "text", 38),
    Column("Số CCCD", "text", 28), Column("Số điện thoại", "text", 24), Column("Ấp", "text", 22),
    Column("Phân loại hộ", "text", 21), Column(LAST_LISTED_COLUMN, "text", 20), Column("Mức ưu tiên", "text", 13), Column("Hình thức hỗ trợ", "text", 22),
    Column("Trạng thái", "text", 24), Column("Ngày nhận", "date", 23),
)


def _application_row(i: int, a: Application, standing: Standing) -> list[Any]:
    h = a.household
    return [i, tracking.display(a.tracking_code), h.head_name, h.citizen_id, h.phone, h.hamlet,
            standing.short, standing.last_listed, tier_short(a.priority_tier),
            SUPPORT_FORM_LABELS[a.support_form].column if a.support_form in SUPPORT_FORM_LABELS else a.support_form,
            STATE_LABELS.get(a.state, a.state), a.received_on]


RECEIPT_COLUMNS = (
    Column("STT", "int", 12), Column("Số", "text", 24), Column("Loại", "text", 24), Column("Ngày", "text", 23),
    Column("Người nhận", "text", 34), Column("Chủ hộ", "text", 34), Column("Ấp", "text", 22),
    Column("IMEI / Số tiền (đồng)", "text", 33), Column("Mã hồ sơ", "text", 30), Column("Tình trạng", "text", 20),
)


def _receipt_row(i: int, r: Receipt) -> list[Any]:
    d = r.snapshot or {}
    what = d.get("imei", "") if r.kind == "handover" else d.get("amount_figures", "")
    code = d.get("tracking_code", "")
    return [i, r.display_number, RECEIPT_KIND_LABELS.get(r.kind, r.kind), d.get("date", ""),
            d.get("recipient_name", ""), d.get("head_name", ""), d.get("hamlet", ""), what,
            tracking.shown(code),
            RECEIPT_STATUS_LABELS["voided" if r.voided_at else "valid"]]


def _own(h: Household) -> Household:
    return h


def _applicant(a: Application) -> Household:
    return a.household


#: Each exporting list: (its SELECT, its columns, its row, the household whose status in force
#: its row shows — None for a list without one).
LISTS: dict[str, tuple[Callable[[ListFilters], Select], tuple[Column, ...], Callable[..., list[Any]],
                       Callable[[Any], Household] | None]] = {
    "households": (household_stmt, HOUSEHOLD_COLUMNS, _household_row, _own),
    "applications": (application_stmt, APPLICATION_COLUMNS, _application_row, _applicant),
    "waiting": (waiting_stmt, APPLICATION_COLUMNS, _application_row, _applicant),
    "receipts": (receipt_stmt, RECEIPT_COLUMNS, _receipt_row, None),
}


#: The columns holding personal data, and how each is shown to who does not see it in full.
PERSONAL_COLUMNS: dict[str, Callable[[str], str]] = {"Số CCCD": vn.mask_id, "Số điện thoại": vn.mask_phone}


def masking(columns: tuple[Column, ...], row: Callable[..., list[Any]]) -> Callable[..., list[Any]]:
    """``row`` with the values of its :data:`PERSONAL_COLUMNS` masked (vn.mask_id, vn.mask_phone;
    an empty value stays empty): a list's copy for someone who does not see CCCD and phone in full
    (ListFilters.personal False; domain.scope.sees_personal_data), as the page shows them."""
    masks = [(i, PERSONAL_COLUMNS[c.title]) for i, c in enumerate(columns) if c.title in PERSONAL_COLUMNS]

    def masked(*args: Any) -> list[Any]:
        values = row(*args)
        for i, mask in masks:
            if values[i]:
                values[i] = mask(str(values[i]))
        return values
    return masked


#: The columns that follow from a household's poverty status besides its standing (P3/P4 tell
#: poor from near-poor), withheld with it (:func:`withholding`).
POVERTY_COLUMNS: frozenset[str] = frozenset({"Mức ưu tiên"})


def withholding(columns: tuple[Column, ...], row: Callable[..., list[Any]]) -> Callable[..., list[Any]]:
    """``row`` with its :data:`POVERTY_COLUMNS` shown as scope.POVERTY_HIDDEN: a list's copy for
    someone who does not see poverty status (ListFilters.poverty False;
    domain.scope.sees_poverty_status), as the page shows it."""
    hide = [i for i, c in enumerate(columns) if c.title in POVERTY_COLUMNS]

    def withheld_row(*args: Any) -> list[Any]:
        values = row(*args)
        for i in hide:
            values[i] = POVERTY_HIDDEN
        return values
    return withheld_row


def list_table(session: Session, key: str, f: ListFilters, *, on: dt.date, prepared_by: str = "") -> ExportTable:
    """The list ``key`` (one of :data:`LISTS`) filtered by ``f`` as an ExportTable: counted now,
    its rows read from ``session`` when they are written out (so the caller writes them before
    the session closes). ``on``: the date printed, whose year is the one the households' status
    in force is shown for; ``prepared_by``: under "NGƯỜI LẬP DANH SÁCH". CCCD and phone are in
    full only when ``f.personal`` (the reader sees them: domain.scope.sees_personal_data), else
    masked as on the reader's page (:func:`masking`); the households' poverty status and priority
    tier only when ``f.poverty`` (domain.scope.sees_poverty_status), else POVERTY_HIDDEN in their
    cells (:func:`withholding`).
    Raises KeyError for an unknown list."""
    stmt_of, columns, row, household_of = LISTS[key]
    if not f.personal:
        row = masking(columns, row)
    if not f.poverty:
        row = withholding(columns, row)
    stmt = stmt_of(f)
    # a list showing households' status says what its short «Ngoài danh sách …» cell means
    notes = (NOT_LISTED_NOTE.format(year=on.year),) if household_of is not None and f.poverty else ()
    return ExportTable(key=key, title=EXPORT_LIST_LABELS[key], filters=f.describe(), columns=columns,
                       rows=_stream(session, stmt, row, household_of, on.year, f.poverty), count=count(session, stmt),
                       date=on,
                       prepared_by=prepared_by, notes=notes)


# --- the handover day ------------------------------------------------------------------------

SHEET_COLUMNS = (
    Column("STT", "int", 12), Column("Họ và tên chủ hộ", "text", 38), Column("Mã hồ sơ", "text", 30, one_line=True),
    Column("Số CCCD", "text", 28, one_line=True), Column("Số điện thoại", "text", 24, one_line=True), Column("Hãng, kiểu máy", "blank", 28),
    Column("Số IMEI", "blank", 36), Column("Số thuê bao", "blank", 25), Column("Người nhận ký, ghi rõ họ tên", "blank", 40),
)


def sheet_stmt(hamlet: str) -> Select:
    """The approved applications of ``hamlet`` that receive a phone (package form), priority
    order: who is to be served on the hamlet's handover day."""
    return applications_svc.application_query(state=State.approved.value, hamlet=hamlet, form="package",
                                              priority_order=True)


def handover_sheet(session: Session, hamlet: str, *, on: dt.date, prepared_by: str = "",
                   giver_unit: str = "") -> ExportTable:
    """The handover-day sheet of ``hamlet`` (ExportTable, key "handover_sheet"): one row per
    approved household receiving a phone, with blank columns for the phone's make, its IMEI, the
    subscriber number and the recipient's signature; the date line ``on`` is the handover day.
    ``giver_unit``: who hands over ("Ủy ban nhân dân xã Phú Tân"), printed in a note."""
    stmt = sheet_stmt(hamlet)

    def row(i: int, a: Application) -> list[Any]:
        h = a.household
        return [i, h.head_name, tracking.display(a.tracking_code), h.citizen_id, h.phone, None, None, None, None]

    notes = (f"Ngày bàn giao: ……/……/{on.year} · Địa điểm: ……………………………………",
             "Người nhận xuất trình căn cước; ghi số IMEI in trên hộp máy (15 chữ số) hoặc bấm *#06#.")
    if giver_unit:
        notes = (f"Bên giao: {giver_unit}.", *notes)
    return ExportTable(key="handover_sheet", title=EXPORT_LIST_LABELS["handover_sheet"], filters=f"Ấp: {hamlet}",
                       columns=SHEET_COLUMNS, rows=_stream(session, stmt, row), count=count(session, stmt),
                       date=on, prepared_by=prepared_by, notes=notes,
                       signers=(("NGƯỜI LẬP DANH SÁCH", "(Ký, ghi rõ họ tên)", prepared_by),
                                ("ĐẠI DIỆN DOANH NGHIỆP", "(Ký, ghi rõ họ tên)", ""),
                                ("ĐẠI DIỆN BAN ĐIỀU HÀNH ẤP", "(Ký, ghi rõ họ tên)", "")))

