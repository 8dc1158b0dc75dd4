"""Which commune a Session works for, and the two listeners that keep its rows in that commune.

The services filter by commune explicitly where the commune is part of the question (numbering,
quota, reports, the queue); these listeners are the safety net and the default:

* ``do_orm_execute``: when the Session works for one commune (:func:`set_commune`, done by the
  web request for commune staff, by the API for a commune account's token and by the CLI's
  ``--commune``), every ORM SELECT, UPDATE and DELETE gets ``with_loader_criteria`` on the scoped
  models (:data:`SCOPED`), so a query that forgot its filter finds nothing of another commune (a
  page answers 404, as if the object did not exist). ``execution_options(subsidy_all_communes=
  True)`` lifts it for the checks that must look across communes (a CCCD, E4; domain.md §10).
  Core statements on tables (the bulk writers) are not touched: they set ``commune_id`` themselves.
  A search in such a Session leaves out SQLite's FTS5 prefilter (search_index.without_prefilters):
  the commune's index finds the commune's rows sooner than FTS5 finds every commune's matches.
* ``before_flush``: a new scoped row without ``commune_id`` takes its parent's (a handover, a cash
  payment, a receipt or an eligibility decision its application's, an application or a complaint its
  household's), else the Session's
  commune, else the instance's only commune; with no commune yet it is created from the
  defaults (environment COMMUNE_* settings) and ``session.info[CREATED_KEY]`` says so, so the
  command or page can tell the user. With several communes and none chosen it raises
  :class:`subsidy.domain.scope.CommuneRequired`.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import event, insert, select
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from subsidy.domain.scope import COMMUNE_ROLES, CommuneRequired
from subsidy.models.application import Allocation, Application, EligibilityDecision, ProposalList
from subsidy.models.audit import AuditEntry
from subsidy.models.commune import Commune, Hamlet
from subsidy.models.complaint import Complaint
from subsidy.models.handover import CashPayment, Handover
from subsidy.models.household import Household
from subsidy.models.receipt import Receipt, ReceiptCounter
from subsidy.models.search_index import without_prefilters
from subsidy.models.user import User

#: Models with a commune_id whose reads are limited to the Session's commune.
SCOPED: tuple[type, ...] = (Household, Application, Allocation, ProposalList, Receipt, ReceiptCounter,
                            Handover, CashPayment, AuditEntry, Complaint)
#: Models with a commune_id that new rows take from their parent but that get no criteria: their
#: queries join them as aliases in ON clauses, where with_loader_criteria renders the table's own
#: name instead of the alias; the queries that need their commune filter it explicitly (the
#: tally's reasons).
STAMPED_ONLY: tuple[type, ...] = (EligibilityDecision,)
COMMUNE_KEY = "subsidy.commune_id"
DEFAULTS_KEY = "subsidy.commune_defaults"
CREATED_KEY = "subsidy.commune_created"
#: The first commune's document values taken from the defaults when they name them.
DOCUMENT_KEYS = ("signer_authority", "signer_deputy", "abbreviation", "kind_codes", "recipients", "archive")
ALL_COMMUNES = "subsidy_all_communes"


def set_commune(session: Session, commune_id: int | None) -> None:
    """Make ``session`` work for ``commune_id`` (None: every commune, as for the province's roles)."""
    if commune_id is None:
        session.info.pop(COMMUNE_KEY, None)
    else:
        session.info[COMMUNE_KEY] = int(commune_id)


def session_commune(session: Session) -> int | None:
    """The commune ``session`` works for, or None (every commune)."""
    return session.info.get(COMMUNE_KEY)


@event.listens_for(Session, "do_orm_execute")
def _limit_to_commune(state: ORMExecuteState) -> None:
    commune_id = state.session.info.get(COMMUNE_KEY)
    if commune_id is None or state.execution_options.get(ALL_COMMUNES):
        return
    if not (state.is_select or state.is_update or state.is_delete):
        return
    statement = without_prefilters(state.statement) if state.is_select else state.statement
    state.statement = statement.options(*(
        with_loader_criteria(model, model.commune_id == commune_id, include_aliases=True)  # type: ignore[attr-defined]
        for model in SCOPED))


def default_commune_id(session: Session, create: bool = True) -> int | None:
    """The commune a row with none goes to: the Session's, else the only one of the instance,
    else (``create``) a first one made from the defaults. None when ``create`` is False and there
    is none. Raises CommuneRequired when the instance has several and the Session chose none."""
    chosen = session.info.get(COMMUNE_KEY)
    if chosen is not None:
        return chosen
    ids = list(session.execute(select(Commune.id).order_by(Commune.id).limit(2),
                               execution_options={ALL_COMMUNES: True}).scalars())
    if len(ids) == 1:
        return ids[0]
    if ids:
        raise CommuneRequired("Hệ thống có nhiều xã: hãy chọn xã (tham số --commune MÃ_XÃ).")
    if not create:
        return None
    return _create_first_commune(session)


def _create_first_commune(session: Session) -> int:
    from subsidy.config import commune_defaults

    d = session.info.get(DEFAULTS_KEY) or commune_defaults()
    if callable(d):  # the app's settings, read now (subsidy.create_app)
        d = d()
    commune_id = session.execute(insert(Commune).values(
        code=d["code"], name=d["name"], issuing_body=d["issuing_body"],
        issuing_body_parent=d.get("issuing_body_parent", ""), place_name=d["place_name"],
        province=d.get("province", ""), signer_title=d.get("signer_title", ""),
        signer_name=d.get("signer_name", ""), approval_level="commune", active=True,
        **{k: d[k] for k in DOCUMENT_KEYS if k in d},
    ).returning(Commune.id)).scalar_one()
    for position, name in enumerate(d.get("hamlets", ()), start=1):
        session.execute(insert(Hamlet).values(commune_id=commune_id, name=name, position=position, active=True))
    session.info[CREATED_KEY] = d["name"]
    return commune_id


def _parent_commune(session: Session, obj: Any) -> int | None:
    parent: tuple[Any, Any] | None = None
    if isinstance(obj, (Handover, CashPayment, Receipt, EligibilityDecision)):
        parent = (Application, obj.application_id)
    elif isinstance(obj, (Application, Complaint)):
        parent = (Household, obj.household_id)
    if parent is None or parent[1] is None:
        return None
    model, key = parent
    known = session.identity_map.get(session.identity_key(model, key))  # type: ignore[arg-type]
    if known is not None and known.commune_id is not None:
        return known.commune_id
    return session.execute(select(model.commune_id).where(model.id == key),
                           execution_options={ALL_COMMUNES: True}).scalar()


@event.listens_for(Session, "before_flush")
def _stamp_commune(session: Session, _context: Any, _instances: Any) -> None:
    cache: list[int | None] = []

    def fallback(create: bool = True) -> int | None:
        if not cache:
            cache.append(default_commune_id(session, create))
        elif cache[0] is None and create:
            cache[0] = default_commune_id(session, True)
        return cache[0]

    for obj in list(session.new):
        if isinstance(obj, User):
            if obj.commune_id is None and obj.role in COMMUNE_ROLES:
                obj.commune_id = fallback()
            continue
        if not isinstance(obj, SCOPED + STAMPED_ONLY) or obj.commune_id is not None:
            continue
        if isinstance(obj, AuditEntry):
            # Instance-level actions (accounts, communes, rule sets) belong to no commune unless
            # the Session works for one or the instance has only one.
            try:
                obj.commune_id = session.info.get(COMMUNE_KEY) or fallback(create=False)
            except CommuneRequired:
                obj.commune_id = None
            continue
        obj.commune_id = _parent_commune(session, obj) or fallback()
