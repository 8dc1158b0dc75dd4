"""The commune a page works for, and what pages and documents take from its row (name, issuing
body, place, hamlets) instead of the configuration.

Commune staff work for their own commune (their account's); the province's roles and admin for
every commune, or for the instance's only commune when it has one. The request's Session is set
to the signed-in account's commune when the account is loaded (subsidy.web.security), so every ORM
query of a commune account is limited to it (subsidy.models.scoping).
"""
from __future__ import annotations

from typing import Any

from flask import current_app, flash, g, has_request_context, request
from flask_login import current_user

from subsidy.domain.documents import Issuer
from subsidy.domain.labels.places import province_header
from subsidy.domain.scope import PROVINCE_ROLES
from subsidy.models import Commune
from subsidy.request_scope import db_session, is_public
from subsidy.services import communes as communes_svc
from subsidy.services import receipts as receipts_svc
from subsidy.services.tally.province import province_name
from subsidy.web.printing import document_config


def current_commune() -> Commune | None:
    """The signed-in account's commune; for the province's roles and admin the instance's only
    commune, or None when there are several (they work across communes)."""
    if "commune" not in g:
        commune_id = getattr(current_user, "commune_id", None) if current_user.is_authenticated else None
        if commune_id is not None:
            g.commune = db_session().get(Commune, commune_id)
        else:
            g.commune = communes_svc.the_only_commune(db_session())
    return g.commune


def commune_of(commune_id: int | None) -> Commune | None:
    """The commune ``commune_id`` (the commune of the record being printed), else current_commune()."""
    if commune_id is None:
        return current_commune()
    return db_session().get(Commune, commune_id)


def hamlets(commune: Commune | None = None) -> list[str]:
    """The active hamlets of ``commune`` (default: current_commune()), in order; [] without one."""
    commune = commune or current_commune()
    return communes_svc.hamlet_names(db_session(), commune.id if commune is not None else None)


def commune_name(commune: Commune | None = None) -> str:
    """"xã Phú Tân": the commune's name, or the configured default before any commune exists. On
    a public page (the status check) "", without a query and without loading the signed-in user:
    one address serves every commune of the instance, so a page not tied to one application names
    no commune (the configured one may not be the visitor's); the status result names the
    application's own commune itself."""
    if commune is None and has_request_context() and is_public(current_app.view_functions.get(request.endpoint or "")):
        return ""
    commune = commune or current_commune()
    if commune is not None:
        return commune.name
    if current_user.is_authenticated and communes_svc.count(db_session()) > 1:
        # the province's accounts and admin on an instance of several communes
        return province_name(db_session())
    return current_app.config.get("COMMUNE_NAME") or "xã"


def header_name(commune: str | None = None) -> str:
    """What the page header and title name after «Hỗ trợ ĐTTM ·»: the province's name for a
    province account (it belongs to no commune, even on an instance of one commune: services.
    tally.province.province_name, through labels.places.province_header: «Cấp tỉnh» when the
    communes do not record it), else :func:`commune_name` (``commune``: its value, when the caller
    has it already, as every page's template context does)."""
    if (has_request_context() and not is_public(current_app.view_functions.get(request.endpoint or ""))
            and current_user.is_authenticated and getattr(current_user, "role", None) in PROVINCE_ROLES):
        return province_header(province_name(db_session()))
    return commune_name() if commune is None else commune


def issuer(commune: Commune | None = None) -> Issuer:
    """What the documents of ``commune`` (default: current_commune()) print about their issuer: its
    row (services.communes.issuer_of); the configured defaults only before any commune exists."""
    commune = commune or current_commune()
    if commune is None:
        return Issuer.from_config(current_app.config)
    return communes_svc.issuer_of(commune)


def receipt_settings(commune_id: int | None = None) -> receipts_svc.ReceiptSettings:
    """The receipt and intake-slip settings for a record of ``commune_id``: the commune's row, the
    public base URL of this request (subsidy.web.printing)."""
    config: dict[str, Any] = document_config()
    commune = commune_of(commune_id)
    if commune is None:
        return receipts_svc.settings_from_config(config)
    return receipts_svc.settings_for(communes_svc.issuer_of(commune), commune.name, config.get("PUBLIC_BASE_URL") or "")


def ensure_first_commune() -> None:
    """On an instance with no commune yet, make it from the configured defaults and say so (the
    first page that needs one: any signed-in page). Committed in its own write session."""
    request_session = db_session()
    if request_session.query(Commune.id).limit(1).first() is not None:
        return
    # End the request's transaction first: on SQLite a write request's BEGIN IMMEDIATE holds the
    # write lock the session below needs (and a read one's snapshot would not see the commune).
    request_session.rollback()
    session = current_app.extensions["subsidy.sessionmaker"]()
    try:
        commune, created = communes_svc.ensure_default_commune(session)
        session.commit()
        if created and commune is not None:
            flash(communes_svc.created_message(commune), "info")
    finally:
        session.close()
    g.pop("commune", None)
