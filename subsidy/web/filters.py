"""Jinja filters for Vietnamese display: dates dd/mm/yyyy, money and counts with dot separators, labels."""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable

from flask import Flask
from flask_login import current_user

from subsidy.domain.calendar import VN_TZ, local_date
from subsidy.domain.scope import (
    POVERTY_HIDDEN, POVERTY_NOTE_ACTIONS, POVERTY_RULES, is_poverty_field, sees_personal_data, sees_poverty_status,
    shown_value,
)
from subsidy.domain.vn import format_count, format_date, format_money, mask_id, mask_phone


def vn_date(value: dt.date | dt.datetime | None) -> str:
    """A date as dd/mm/yyyy (a datetime is first taken to Việt Nam's date); "" for None."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = local_date(value)
    return format_date(value)


def vn_datetime(value: dt.datetime | None) -> str:
    """A moment as dd/mm/yyyy HH:MM in Việt Nam's time (an aware value is converted); "" for None."""
    if value is None:
        return ""
    if value.tzinfo:
        value = value.astimezone(VN_TZ)
    return value.strftime("%d/%m/%Y %H:%M")


def vn_money(value: int | None) -> str:
    """Whole đồng with dot thousands separators (500.000); "" for None."""
    if value is None:
        return ""
    return format_money(value)


def vn_count(value: int | None) -> str:
    """A count (households, rows, phones, kilobytes) with dot thousands separators (12.345); "" for None."""
    if value is None:
        return ""
    return format_count(value)


def masked_for_province(mask: Callable[[str], str]) -> Callable[[Any], Any]:
    """A filter showing a CCCD or phone as stored to the roles that see personal data (the commune's
    clerk and approver) and masked (``mask``) to every other (scope.sees_personal_data)."""
    def show(value: Any) -> Any:
        if value and current_user.is_authenticated and not sees_personal_data(current_user.role):
            return mask(str(value))
        return value
    return show


def shown(entity_type: str, field: str, value: Any) -> Any:
    """``value`` of ``field`` of a record of kind ``entity_type`` as the signed-in account may see it:
    a CCCD, phone or sentence quoting a CCCD masked unless its role sees personal data
    (domain.scope.shown_value, the one masking rule); any other field as is."""
    in_full = bool(current_user.is_authenticated and sees_personal_data(current_user.role))
    return shown_value(entity_type, field, value, in_full)


def sees_poverty() -> bool:
    """True when the signed-in account sees households' poverty status (scope.sees_poverty_status):
    the templates show POVERTY_HIDDEN in its place otherwise, and offer no filter by it."""
    return bool(current_user.is_authenticated and sees_poverty_status(current_user.role))


def init_app(app: Flask) -> None:
    from subsidy.domain.decisions import citation
    from subsidy.domain.labels import (
        APPROVAL_LEVEL_LABELS, CATEGORY_LABELS, COMPLAINT_STATE_LABELS, PRIOR_DEVICE_LABELS, ROLE_LABELS, STATE_LABELS,
        E2_RECHECK_TITLE, SUPPORT_FORM_LABELS, action_label, field_label, is_view,
    )

    app.jinja_env.filters["vn_date"] = vn_date
    app.jinja_env.filters["vn_datetime"] = vn_datetime
    app.jinja_env.filters["vn_money"] = vn_money
    app.jinja_env.filters["vn_count"] = vn_count
    app.jinja_env.filters["state_label"] = lambda s: STATE_LABELS.get(s, s or "")
    app.jinja_env.filters["complaint_state_label"] = lambda s: COMPLAINT_STATE_LABELS.get(s, s or "")
    from subsidy.domain.labels.standing import (
        ALL_CATEGORIES_FILTER_LABEL, CITIZEN_ID_KIND_LABELS, OFF_LIST_FILTER_LABEL, UNCLASSIFIED_LABEL,
    )

    # "none": the list filters' choice of households not classified or not on the list in force
    app.jinja_env.filters["category_label"] = lambda c: CATEGORY_LABELS.get(c) or (
        OFF_LIST_FILTER_LABEL if c == "none" else UNCLASSIFIED_LABEL)
    app.jinja_env.globals["all_categories_label"] = ALL_CATEGORIES_FILTER_LABEL  # the category filter's "" choice
    app.jinja_env.filters["prior_device_label"] = lambda p: PRIOR_DEVICE_LABELS.get(p, p or "")
    app.jinja_env.globals["audit_field_label"] = field_label  # «Tình trạng năm 2025», never status_2025
    app.jinja_env.filters["id_kind_label"] = lambda k: CITIZEN_ID_KIND_LABELS.get(k, k)
    app.jinja_env.globals["sees_poverty"] = sees_poverty
    app.jinja_env.globals["shown"] = shown
    app.jinja_env.globals["poverty_hidden"] = POVERTY_HIDDEN
    app.jinja_env.globals["is_poverty_field"] = is_poverty_field
    app.jinja_env.globals["poverty_note_actions"] = POVERTY_NOTE_ACTIONS
    app.jinja_env.globals["poverty_rules"] = POVERTY_RULES
    app.jinja_env.filters["pid"] = masked_for_province(mask_id)
    app.jinja_env.filters["pphone"] = masked_for_province(mask_phone)
    app.jinja_env.filters["approval_level_label"] = lambda v: APPROVAL_LEVEL_LABELS.get(v, v)
    app.jinja_env.filters["role_label"] = lambda r: ROLE_LABELS.get(getattr(r, "value", r), getattr(r, "value", r))
    app.jinja_env.filters["support_form_label"] = (
        lambda f: SUPPORT_FORM_LABELS[f].choice if f in SUPPORT_FORM_LABELS else (f or ""))
    from subsidy.domain.rules import outcome_summary

    # A stored eligibility check's sentence (the box under its outcome, the history's line): the
    # same words as the flash after the check, from the outcome, never from "missing" alone.
    app.jinja_env.globals["decision_summary"] = lambda d: outcome_summary(
        d.outcome, d.failed_rules or (), (d.facts or {}).get("missing") or ())
    app.jinja_env.globals["decision_citation"] = citation  # "Quyết định số … ngày … của …"
    app.jinja_env.globals["e2_recheck_title"] = E2_RECHECK_TITLE  # the home page's list, named by messages too
    app.jinja_env.filters["audit_action_label"] = action_label  # never a raw code on a page
    app.jinja_env.tests["audit_view"] = is_view  # a view/read of personal data, not a change
