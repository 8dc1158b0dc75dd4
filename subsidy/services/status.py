"""The public status check: a tracking code plus a second fact the applicant knows.

The applicant types the tracking code printed on the receipt (the QR code links to it) and either
the last 4 digits of the household head's CCCD or the phone number on file. If both match, they see
the state in plain words, the date of the last step and what happens next, with the head's name
masked; nothing else personal, never the poverty category (domain.md §8–§9; Nghị định 13/2023).

A wrong code and a wrong second fact must be indistinguishable: ``check_status`` runs the same
single query and the same constant-time comparisons in both cases (a dummy row stands in for a
code that does not exist) and returns None for both.
"""
from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable

from sqlalchemy import and_, bindparam, select
from sqlalchemy.engine import Dialect, Engine

from subsidy.domain import vn
from subsidy.domain.public_status import household_pending, public_step
from subsidy.models import Application, Commune, Complaint, EligibilityDecision, Household


@dataclass(frozen=True)
class PublicStatus:
    """What the public page may show. ``last_step_at`` is an aware UTC datetime."""

    tracking_code: str
    masked_name: str
    state: str
    headline: str
    next_step: str
    last_step_at: dt.datetime
    #: The application's commune ("xã Phú Tân"): whom the household asks (one address serves every
    #: commune of the province).
    commune_name: str = ""
    #: The household's complaints and petitions about the programme: (case number, state code),
    #: oldest first — their state and nothing else (no text, outcome, reasons or names);
    #: denunciations and anonymous letters are never shown here (Luật Tố cáo 2018 protects the
    #: denouncer; an anonymous letter about the household need not come from it).
    cases: tuple[tuple[str, str], ...] = ()


# Stands in for the row when the code does not exist, so both failures do the same work.
_DUMMY_ROW = (
    "", "received", dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc), "package",
    "Không Có Ai", "000000000000", "0900000000", "", None, None, None, None,
)
# Sentinels that can never equal each other or a real value (an absent fact on either side).
_NO_INPUT = b"\x00-no-input"
_NO_VALUE = b"\x01-no-value"


def _latest_decision(column: Any) -> Any:
    """``column`` of the application's latest eligibility check (NULL when none): the public
    answer follows its outcome (domain.public_status.household_pending)."""
    return (select(column).where(EligibilityDecision.application_id == Application.id)
            .order_by(EligibilityDecision.decided_at.desc(), EligibilityDecision.id.desc())
            .limit(1).scalar_subquery())


# Built once; compiled once per dialect (see _compiled_for).
_STATUS_QUERY = (
    select(Application.tracking_code, Application.state, Application.state_changed_at,
           Application.support_form, Household.head_name, Household.citizen_id, Household.phone, Commune.name,
           Complaint.case_number, Complaint.state,
           _latest_decision(EligibilityDecision.outcome), _latest_decision(EligibilityDecision.results))
    .join(Household, Household.id == Application.household_id)
    .join(Commune, Commune.id == Application.commune_id)
    # The household's complaints and petitions (never denunciations, never an anonymous letter, which
    # someone else may have sent about the household), one row each, oldest first; an application
    # without any gives one row with NULLs here.
    .outerjoin(Complaint, and_(Complaint.household_id == Household.id, Complaint.kind.in_(("complaint", "petition")),
                               Complaint.filer != "anonymous"))
    .where(Application.tracking_code == bindparam("code"))
    .order_by(Complaint.received_on, Complaint.id)
)


@dataclass(frozen=True)
class _Compiled:
    """_STATUS_QUERY as one dialect's driver runs it: the SQL text, its parameters with the code's
    place left open, and the result conversions SQLAlchemy would apply (column index, function)."""

    sql: str
    params: tuple[Any, ...] | dict[str, Any]
    code_at: int | str
    converters: tuple[tuple[int, Callable[[Any], Any]], ...]

    def bind(self, code: str) -> tuple[Any, ...] | dict[str, Any]:
        """The driver's parameters for ``code``: a tuple (positional paramstyles) or a dict."""
        if isinstance(self.params, tuple):
            return self.params[:self.code_at] + (code,) + self.params[self.code_at + 1:]  # type: ignore[operator]
        return {**self.params, self.code_at: code}


@lru_cache(maxsize=8)
def _compiled_for(dialect: Dialect) -> _Compiled:
    """Compile _STATUS_QUERY for ``dialect`` with SQLAlchemy's compiler (its IN list expanded,
    SQLAlchemy's ``construct_expanded_state``), and take the result processors of its columns'
    types (UTCDateTime's aware UTC datetimes, SQLite's text dates parsed). Raises
    NotImplementedError if a parameter needed a bind conversion (all of them are plain strings,
    which no driver converts; a new parameter that did would need it applied in ``bind``)."""
    state = _STATUS_QUERY.compile(dialect=dialect).construct_expanded_state({"code": ""})
    if state.processors:
        raise NotImplementedError(f"status query parameters need conversion: {sorted(state.processors)}")
    if state.positiontup is not None:
        params: tuple[Any, ...] | dict[str, Any] = state.positional_parameters
        code_at: int | str = list(state.positiontup).index("code")
    else:
        params, code_at = dict(state.parameters), "code"
    converters = []
    for i, column in enumerate(_STATUS_QUERY.selected_columns):
        process = column.type.dialect_impl(dialect).result_processor(dialect, None)
        if process is not None:
            converters.append((i, process))
    return _Compiled(state.statement, params, code_at, tuple(converters))


def _status_rows(engine: Engine, code: str) -> list[tuple[Any, ...]]:
    """The rows of _STATUS_QUERY for ``code``, converted as SQLAlchemy would convert them.

    Run on a DB-API cursor of a pooled connection, not through a SQLAlchemy Connection: it is
    the hottest public path, and SQLAlchemy's execution (the statement's cache key, the execution
    context, the Row objects) cost about four times the query itself on SQLite. One SELECT: on
    SQLite the connection is in autocommit (subsidy.db), so the statement is its own transaction;
    on PostgreSQL the driver opens one, which the pool rolls back when the connection returns.
    Engine events (``before_cursor_execute``) do not see this statement."""
    compiled = _compiled_for(engine.dialect)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        try:
            cursor.execute(compiled.sql, compiled.bind(code))
            rows = cursor.fetchall()
        finally:
            cursor.close()
    finally:
        raw.close()
    if not compiled.converters:
        return [tuple(r) for r in rows]
    out = []
    for r in rows:
        values = list(r)
        for i, process in compiled.converters:
            values[i] = process(values[i])
        out.append(tuple(values))
    return out


def check_status(engine: Engine, code: str, kind: str, value: str) -> PublicStatus | None:
    """Look up the application with tracking code ``code`` and check the second fact.

    ``engine``: the app's Engine; one SELECT is run on one of its pooled connections (no ORM, no
    transaction of its own: see _status_rows).
    ``code``: normalised tracking code (domain.tracking.compact, of a valid shape: tracking.is_valid);
    ``kind``/``value`` from domain.public_status.parse_second_fact: ("id4", 4 digits) compared
    with the last 4 digits of the head's CCCD (or old CMND), or ("phone", 10 digits) compared
    with the household's phone. Returns the PublicStatus when both match, else None — the same
    None, after the same query and comparisons, whether the code or the fact was wrong.
    The same row carries the household's complaints and petitions (one row each): returned, their
    number and state only, when the fact matched. Read-only; raises nothing for unknown input.
    """
    # The application once per complaint.
    rows = _status_rows(engine, code)
    found = bool(rows)
    row = rows[0] if found else _DUMMY_ROW
    tracking_code, state, changed_at, form, head_name, citizen_id, phone, commune = row[:8]

    given_id4 = value.encode() if kind == "id4" else _NO_INPUT
    given_phone = value.encode() if kind == "phone" else _NO_INPUT
    on_file_id4 = citizen_id[-4:].encode() if citizen_id and len(citizen_id) >= 4 else _NO_VALUE
    on_file_phone = phone.encode() if phone else _NO_VALUE
    id_ok = hmac.compare_digest(given_id4, on_file_id4)
    phone_ok = hmac.compare_digest(given_phone, on_file_phone)
    # Bitwise, not short-circuit: both comparisons always run.
    matched = found & (id_ok | phone_ok)
    cases = tuple((r[8], r[9]) for r in rows if r[8] is not None) if matched else ()

    outcome, results = row[10], row[11]
    step = public_step(state, form, checked=outcome is not None, pending=household_pending(outcome, results))
    result = PublicStatus(
        tracking_code=tracking_code, masked_name=vn.mask_name(head_name), state=state,
        headline=step.headline, next_step=step.next_step, last_step_at=changed_at, commune_name=commune,
        cases=cases,
    )
    return result if matched else None
