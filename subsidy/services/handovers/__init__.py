"""The moment support reaches the household: the handover of a phone (bàn giao) or the cash
payment (hỗ trợ bằng tiền), each with its numbered receipt; and voiding them.

* :func:`record_handover` — an approved application of the combined-package form: phone make and
  model, IMEI (and a second one for dual-SIM), telecom, subscriber number, date, recipient (name +
  CCCD), staff member. The application moves approved → handed_over; a biên bản bàn giao
  (series BB-VTCI) is numbered in the same transaction.
* :func:`record_cash_payment` — an approved application of the cash form: the amount of the rule
  set in force (500.000 đồng under Thông tư 14/2022), the date paid, the purchase date (E5: on or
  after the rule set's cut-off, 12/12/2022), the recipient. approved → paid; a giấy biên nhận
  (series BN-VTCI).
* :func:`void_handover`, :func:`void_payment` — an approver, with a reason: the record and its
  receipt are marked void (nothing deleted), the IMEI is freed, the application returns to
  approved; the audit log keeps both.

One IMEI belongs to one live handover (domain.md §6): the service refuses a duplicate with a
message naming the earlier receipt, and the partial unique index ``uq_handover_imeis_live_imei``
refuses it again when two clerks save the same IMEI at the same moment (the IntegrityError on
flush becomes a Conflict with the same message).

Every function takes (session, …, actor), flushes and never commits. Errors are ServiceError,
InvalidFields (every wrong field of the form at once: ``field_errors`` maps each field name to its
message), Conflict, NotFound, with a Vietnamese message saying what was wrong and how to fix it.
The field checks all run before the IMEI lookup, so one submit shows every mistake of the form.
Source: domain.md §4–§7; Thông tư 14/2022/TT-BTTTT, chương IV, mục 2.

The modules, one job each: ``inputs`` (form data in, results out), ``lookups`` (the locked
application, its approval date, the rule set in force, live records), ``checks`` (every field of
the forms), ``imeis`` (one IMEI, one live handover), ``receipt_data`` (what the receipt prints),
``recording`` (record_handover, record_cash_payment), ``voiding`` (void_handover, void_payment,
void_receipt). The names callers use are importable from this package.
"""

from subsidy.services.handovers.checks import cash_field_errors, handover_field_errors, normalize_telecom
from subsidy.services.handovers.imeis import check_imeis_free
from subsidy.services.handovers.inputs import (
    DEFAULT_TELECOMS, CashPaymentInput, CashPaymentResult, HandoverInput, HandoverResult,
)
from subsidy.services.handovers.lookups import (
    DEFAULT_CASH_CUTOFF, DEFAULT_SUPPORT_AMOUNT, approval_date, get_handover, get_payment, live_handover,
    CashTerms, cash_terms, live_payment, rule_set_for, support_amount,
)
from subsidy.services.handovers.recording import record_cash_payment, record_handover
from subsidy.services.handovers.voiding import void_handover, void_payment, void_receipt

__all__ = [
    "DEFAULT_CASH_CUTOFF", "DEFAULT_SUPPORT_AMOUNT", "DEFAULT_TELECOMS", "CashPaymentInput", "CashPaymentResult",
    "HandoverInput", "HandoverResult", "approval_date", "cash_field_errors", "check_imeis_free", "get_handover",
    "get_payment", "handover_field_errors", "live_handover", "live_payment", "normalize_telecom",
    "CashTerms", "cash_terms", "record_cash_payment", "record_handover", "rule_set_for", "support_amount", "void_handover",
    "void_payment", "void_receipt",
]
