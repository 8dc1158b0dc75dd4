"""What the handover and cash forms carry into the service, and what the service returns."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from subsidy.models import CashPayment, Handover, Receipt

#: Telecom enterprises offered by default (config key TELECOMS overrides; domain.md §4).
DEFAULT_TELECOMS: tuple[str, ...] = ("VNPT", "Viettel", "MobiFone", "Vietnamobile", "Gmobile")


@dataclass
class HandoverInput:
    """What the handover form carries (raw text as typed; the service checks and normalises).

    ``imei``/``imei2``: 15 digits with a Luhn check digit (spaces, dashes, full-width digits
    accepted); ``imei2`` for a dual-SIM phone, else None/"". ``telecom``: one of the configured
    enterprises. ``subscriber_number``: the SIM activated (10-digit Vietnamese mobile number).
    ``handed_on``: the handover date (not in the future, not before approval). ``recipient_name``
    and ``recipient_citizen_id``: the head or a member of the household who receives the phone.
    ``confirm_subscriber``: the clerk confirmed the SIM number although it is already on a live
    handover (record_handover asks first).
    """

    phone_make: str
    phone_model: str
    imei: str
    telecom: str
    subscriber_number: str
    handed_on: dt.date
    recipient_name: str
    recipient_citizen_id: str
    imei2: str | None = None
    #: The clerk confirmed a SIM number already on another live handover (a shared family SIM…).
    confirm_subscriber: bool = False
    #: For a recipient who is neither the head nor a listed member: the relation to the head and
    #: the papers seen, and the clerk's confirmation that the person is a member (checks R6).
    recipient_relation: str | None = None
    confirm_recipient: bool = False


@dataclass
class CashPaymentInput:
    """What the cash form carries. ``paid_on``: the day the money is paid (not in the future, not
    before approval). ``purchase_date``: the day the household bought its phone (E5); None takes
    the one recorded on the application. ``recipient_*``: who receives the money."""

    paid_on: dt.date
    recipient_name: str
    recipient_citizen_id: str
    purchase_date: dt.date | None = None
    #: As HandoverInput's: a recipient off the household's list (checks R6).
    recipient_relation: str | None = None
    confirm_recipient: bool = False


@dataclass
class HandoverResult:
    """The handover recorded and its biên bản bàn giao (numbered)."""

    handover: Handover
    receipt: Receipt


@dataclass
class CashPaymentResult:
    """The cash payment recorded and its giấy biên nhận (numbered)."""

    payment: CashPayment
    receipt: Receipt
