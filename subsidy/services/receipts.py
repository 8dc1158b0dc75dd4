"""Receipts: gapless numbering per series and year, the printed snapshot, printing, search.

Two series (domain.md §6): ``BB-VTCI`` for the biên bản bàn giao of a phone and
``BN-VTCI`` for the giấy biên nhận of a cash payment, each numbered 1, 2, 3 … within a calendar
year (the year of the handover or payment date printed on the receipt). The series names are the
counters' keys only: the receipt prints its number and ký hiệu as Nghị định 30/2020/NĐ-CP writes them,
built from the kind and the issuing body (``"07/BB-UBND"``; :func:`format_number`). Receipts issued
before keep the number they printed (``"0007/BB-VTCI"``) in their snapshot.

No gaps, no duplicates, even when many clerks save at once: the number is taken from the
``receipt_counters`` row of (commune, series, year) **inside the same transaction** as the handover or
payment, so a transaction that fails or is rolled back takes its number back with it.

* PostgreSQL: ``INSERT … ON CONFLICT DO NOTHING`` creates the counter row the first time, then
  ``SELECT … FOR UPDATE`` locks it until the transaction ends; a second clerk waits on the lock
  and reads the incremented value after the first commits (READ COMMITTED re-reads a locked row).
* SQLite: every transaction starts with ``BEGIN IMMEDIATE`` (subsidy/db.py), so the writer
  already holds the database write lock; the same statements run (FOR UPDATE is omitted there).

A voided receipt keeps its number (it is marked, never deleted), so voiding makes no gap either.
The unique constraint (commune, series, year, number) of ``receipts`` is the last line of defence.

Every function takes (session, …), flushes and never commits.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from subsidy.db import utcnow
from subsidy.documents import receipt as receipt_doc
from subsidy.domain import tracking, vn
from subsidy.domain.calendar import VN_TZ
from subsidy.domain.documents import DEFAULT_KIND_CODES, Issuer, Signer, document_number
from subsidy.domain.receipt import KIND_CASH, KIND_HANDOVER, ReceiptData
from subsidy.models import Application, Receipt, ReceiptCounter, User
from subsidy.models.search_index import trigram_prefilter
from subsidy.services import audit, communes, rulesets
from subsidy.services.errors import NotFound, ServiceError

SERIES_HANDOVER = "BB-VTCI"
SERIES_CASH = "BN-VTCI"
SERIES = {KIND_HANDOVER: SERIES_HANDOVER, KIND_CASH: SERIES_CASH}

LEGAL_BASIS_DEFAULT = rulesets.LEGAL_BASIS_DEFAULT  # one wording: services.rulesets
STATUS_PATH = "/tra-cuu"


@dataclass(frozen=True)
class ReceiptSettings:
    """What a receipt prints about the commune (configuration, domain.md §1), passed in by the
    view or CLI so that services stay free of Flask.

    ``body_upper``/``body``: the issuing body top left (upper case), ``place``: the place name of
    the place-and-date line, ``commune_name``: e.g. "xã Phú Tân", ``public_base_url``: the base of
    the public status link in the QR code (``{base}/tra-cuu?ma=<tracking code>``).
    """

    body_upper: str = ""
    body: str = "ỦY BAN NHÂN DÂN XÃ PHÚ TÂN"
    place: str = "Phú Tân"
    commune_name: str = "xã Phú Tân"
    public_base_url: str = "http://127.0.0.1:5000"
    abbreviation: str = "UBND"
    signer: Signer = Signer()
    kind_codes: tuple[tuple[str, str], ...] = DEFAULT_KIND_CODES

    @property
    def issuer(self) -> Issuer:
        """The issuing body these settings describe (subsidy.domain.documents.Issuer)."""
        return Issuer(body_upper=self.body_upper, body=self.body, place=self.place,
                      abbreviation=self.abbreviation, signer=self.signer, kind_codes=self.kind_codes)

    @property
    def giver_unit(self) -> str:
        """"Ủy ban nhân dân xã Phú Tân": the giving party (Bên A) of every receipt."""
        return f"Ủy ban nhân dân {self.commune_name}".strip()

    def status_url(self, tracking_code: str) -> str:
        """The public status link with the tracking code only (no name, no CCCD)."""
        return f"{self.public_base_url.rstrip('/')}{STATUS_PATH}?ma={tracking_code}"


def settings_from_config(config: Mapping[str, Any]) -> ReceiptSettings:
    """ReceiptSettings from a Flask config (or any mapping): COMMUNE_BODY_UPPER, COMMUNE_BODY,
    COMMUNE_PLACE, COMMUNE_NAME, PUBLIC_BASE_URL (subsidy/config.py); defaults where missing."""
    d = ReceiptSettings()
    issuer = Issuer.from_config(config)
    return ReceiptSettings(
        body_upper=config.get("COMMUNE_BODY_UPPER") or "",
        body=config.get("COMMUNE_BODY") or d.body,
        place=config.get("COMMUNE_PLACE") or d.place,
        commune_name=config.get("COMMUNE_NAME") or d.commune_name,
        public_base_url=config.get("PUBLIC_BASE_URL") or d.public_base_url,
        abbreviation=issuer.abbreviation, signer=issuer.signer, kind_codes=issuer.kind_codes,
    )


def settings_for(issuer: Issuer, commune_name: str, public_base_url: str = "") -> ReceiptSettings:
    """ReceiptSettings printing ``issuer`` (services.communes.issuer_of: the commune's row) for the
    commune named ``commune_name`` ("xã Phú Tân"), status links under ``public_base_url`` (the
    default's when empty)."""
    return ReceiptSettings(
        body_upper=issuer.body_upper, body=issuer.body, place=issuer.place, commune_name=commune_name,
        public_base_url=public_base_url or ReceiptSettings().public_base_url, abbreviation=issuer.abbreviation,
        signer=issuer.signer, kind_codes=issuer.kind_codes)


def settings_of_commune(session: Session, commune_id: int, public_base_url: str = "") -> ReceiptSettings:
    """The ReceiptSettings of commune ``commune_id`` from its row (what a command or a service
    called without settings prints). Raises NotFound for an unknown commune."""
    commune = communes.get_commune(session, commune_id)
    return settings_for(communes.issuer_of(commune), commune.name, public_base_url)


def format_number(number: int, kind: str, issuer: Issuer) -> str:
    """The printed number and ký hiệu of a receipt of ``kind`` (Nghị định 30/2020/NĐ-CP, Phụ lục I):
    ``format_number(7, "handover", issuer)`` → ``"07/BB-UBND"``; 123 → ``"123/BB-UBND"``."""
    return document_number(number, issuer.symbol(kind))


# --------------------------------------------------------------------------------------------
# Numbering
# --------------------------------------------------------------------------------------------


def allocate_number(session: Session, series: str, year: int, commune_id: int) -> int:
    """Take the next number of ``series`` in ``year`` of commune ``commune_id`` inside the caller's
    transaction: 1 for the commune's first receipt of the year, then 2, 3 … with no gap and no
    duplicate (see the module docstring for the locking on PostgreSQL and SQLite). Each commune
    numbers its own documents (domain.md §10). The counter row stays locked until the caller's
    transaction ends, so call this as late as possible in the use case.
    """
    dialect = session.get_bind().dialect.name
    values = {"commune_id": commune_id, "series": series, "year": year, "last_number": 0}
    if dialect == "postgresql":
        session.execute(postgresql.insert(ReceiptCounter).values(**values).on_conflict_do_nothing())
    elif dialect == "sqlite":
        session.execute(sqlite.insert(ReceiptCounter).values(**values).on_conflict_do_nothing())
    else:  # pragma: no cover - only PostgreSQL and SQLite are supported
        if session.get(ReceiptCounter, (commune_id, series, year)) is None:
            session.add(ReceiptCounter(**values))
            session.flush()
    where = (ReceiptCounter.commune_id == commune_id, ReceiptCounter.series == series, ReceiptCounter.year == year)
    last = session.execute(
        select(ReceiptCounter.last_number).where(*where).with_for_update()
    ).scalar_one()
    number = last + 1
    session.execute(ReceiptCounter.__table__.update().where(*where).values(last_number=number))
    # Objects loaded earlier in this session must not hide the new value.
    counter = session.identity_map.get(session.identity_key(ReceiptCounter, (commune_id, series, year)))  # type: ignore[arg-type]
    if counter is not None:
        session.expire(counter)
    return number


def issue(session: Session, kind: str, application_id: int, data: ReceiptData, *,
          handover_id: int | None = None, cash_payment_id: int | None = None,
          issuer: Issuer | None = None) -> Receipt:
    """Number ``data`` (series of ``kind``, year ``data.year``), store it as the snapshot of a new
    Receipt and flush. ``data.number``/``number_display`` are filled in here, the ký hiệu from
    ``issuer`` (default: the issuing body of the application's commune, its row).

    ``kind``: "handover" or "cash". Raises ValueError for another kind.
    """
    if kind not in SERIES:
        raise ValueError(kind)
    series = SERIES[kind]
    commune_id = session.execute(select(Application.commune_id).where(Application.id == application_id)).scalar_one()
    number = allocate_number(session, series, data.year, commune_id)
    data.series, data.number = series, number
    data.number_display = format_number(number, kind, issuer or settings_of_commune(session, commune_id).issuer)
    receipt = Receipt(
        commune_id=commune_id, series=series, year=data.year, number=number, kind=kind, application_id=application_id,
        handover_id=handover_id, cash_payment_id=cash_payment_id, snapshot=data.to_snapshot(),
        search_text=search_text_of(data),
    )
    session.add(receipt)
    session.flush()
    return receipt


def search_text_of(data: ReceiptData) -> str:
    """The folded search key of a receipt: number, IMEIs, recipient and head names, tracking code
    (no CCCD: the list search does not need it)."""
    parts = [data.number_display, data.imei, data.imei2, data.recipient_name, data.head_name,
             data.tracking_code, data.household_code]
    return " | ".join(vn.fold(p) for p in parts if p)


# --------------------------------------------------------------------------------------------
# Reading, printing, voiding
# --------------------------------------------------------------------------------------------


def get(session: Session, receipt_id: int) -> Receipt:
    """The receipt ``receipt_id``; raises NotFound."""
    receipt = session.get(Receipt, receipt_id)
    if receipt is None:
        raise NotFound("Không tìm thấy biên bản / giấy biên nhận này.")
    return receipt


def for_application(session: Session, application_id: int) -> list[Receipt]:
    """Every receipt of an application, newest first (voided ones included)."""
    return list(session.scalars(
        select(Receipt).where(Receipt.application_id == application_id).order_by(Receipt.id.desc())))


def data_of(receipt: Receipt) -> ReceiptData:
    """The ReceiptData stored in the receipt's snapshot."""
    return ReceiptData.from_snapshot(receipt.snapshot)


def stamp_for(receipt: Receipt) -> str | None:
    """What the next print of the receipt is marked: "ĐÃ HỦY" for a voided receipt, "IN LẠI" once
    the original has been printed (with the time, added at print), None for the original itself."""
    if receipt.voided_at is not None:
        return receipt_doc.STAMP_VOID
    if receipt.print_count > 0:
        return receipt_doc.REPRINT
    return None


def _reprint_stamp(receipt: Receipt, now: dt.datetime | None) -> tuple[str, str | None]:
    """(stamp, watermark) of a print after the original: "IN LẠI hh:mm dd/mm/yyyy" (the local time of
    this print), or ĐÃ HỦY for a voided receipt."""
    if receipt.voided_at is not None:
        return receipt_doc.STAMP_VOID, receipt_doc.STAMP_VOID
    local = (now or utcnow()).astimezone(VN_TZ)
    return receipt_doc.reprint_label(f"{local:%H:%M %d/%m/%Y}"), None


def preview_pdf(receipt: Receipt) -> bytes:
    """The receipt to look at on screen: rendered from its snapshot with the watermark «BẢN XEM
    TRƯỚC» (ĐÃ HỦY for a voided one) and **not counted**: looking at a receipt never uses up its
    original. The caller logs the view (it shows the recipient's CCCD). Returns PDF bytes."""
    watermark = receipt_doc.STAMP_VOID if receipt.voided_at is not None else receipt_doc.STAMP_PREVIEW
    stamp = receipt_doc.STAMP_VOID if receipt.voided_at is not None else None
    return receipt_doc.render(data_of(receipt), stamp=stamp, watermark=watermark)


def print_original(session: Session, receipt: Receipt, actor: User | None) -> bytes:
    """Print the original (bản chính) of the receipt, once: no stamp, no watermark; the print is
    counted and audited as ``receipt.print_original``. Raises ServiceError for a voided receipt or
    when the original was already printed (every later print is a reprint: :func:`reprint`)."""
    if receipt.voided_at is not None:
        raise ServiceError("Biên bản này đã bị hủy nên không in bản chính được.")
    if receipt.print_count > 0:
        raise ServiceError("Bản chính của biên bản này đã được in. Nếu cần in thêm, hãy dùng «In lại»: bản in "
                           "có dấu «IN LẠI» kèm giờ in.")
    pdf = receipt_doc.render(data_of(receipt))
    receipt.print_count = 1
    audit.record(session, actor, "receipt.print_original", "receipt", receipt.id,
                 {"print_count": [0, 1]}, note="bản chính")
    session.flush()
    return pdf


def reprint(session: Session, receipt: Receipt, actor: User | None, now: dt.datetime | None = None) -> bytes:
    """Print the receipt again after its original: marked "IN LẠI hh:mm dd/mm/yyyy" (a reprint, not a
    "bản sao" in the sense of Nghị định 30/2020/NĐ-CP), or ĐÃ HỦY for a voided receipt. Counted
    and audited as ``receipt.reprint`` with the stamp printed. Raises ServiceError while the
    original has not been printed (print it first: :func:`print_original`)."""
    if receipt.print_count == 0 and receipt.voided_at is None:
        raise ServiceError("Chưa in bản chính của biên bản này: hãy bấm «In bản chính» trước.")
    stamp, watermark = _reprint_stamp(receipt, now)
    pdf = receipt_doc.render(data_of(receipt), stamp=stamp, watermark=watermark)
    receipt.print_count += 1
    audit.record(session, actor, "receipt.reprint", "receipt", receipt.id,
                 {"print_count": [receipt.print_count - 1, receipt.print_count]}, note=stamp)
    session.flush()
    return pdf


def print_pdf(session: Session, receipt: Receipt, actor: User | None, now: dt.datetime | None = None) -> bytes:
    """Print the next copy, whichever it is (the command line and older callers): the original
    the first time (print_original), a reprint after (reprint); a voided receipt says ĐÃ HỦY."""
    if receipt.print_count == 0 and receipt.voided_at is None:
        return print_original(session, receipt, actor)
    return reprint(session, receipt, actor, now)


def mark_void(receipt: Receipt, reason: str, at: dt.datetime | None = None) -> None:
    """Mark the receipt void (it keeps its number and snapshot; nothing is deleted)."""
    receipt.voided_at = at or utcnow()
    receipt.void_reason = reason


_NUMBER_QUERY = re.compile(r"^0*([0-9]{1,6})\s*(?:/\s*([A-Za-z]{2}-?[A-Za-z]*))?$")


def search_statement(query: str | None, kind: str | None = None, year: int | None = None) -> Select:
    """The SELECT of receipts matching ``query``, newest first.

    ``query`` is read as: a receipt number ("7", "0007", "0007/BB-VTCI": exact number, series if
    given); 7 or more digits: part of an IMEI; a tracking code, grouped or not ("K7QX-9M4T-AB",
    "k7qx9m4tab"); anything else: part of a name, tracking code or
    household code, ignoring case and diacritics (vn.fold, so "nguyen van" finds "Nguyễn Văn").
    ``kind``: "handover" / "cash" to filter; ``year``: the numbering year.
    """
    stmt = select(Receipt)
    q = (query or "").strip()
    if q:
        compact = re.sub(r"[\s.\-]", "", unicode_digits(q))
        m = _NUMBER_QUERY.match(q)
        if m:
            stmt = stmt.where(Receipt.number == int(m.group(1)))
            if m.group(2):
                # the kind's letters ("BB" of "07/BB-UBND"): the counters' series start with them
                stmt = stmt.where(Receipt.series.startswith(m.group(2).upper()[:2]))
        elif compact.isdigit() and len(compact) >= 7:
            stmt = stmt.where(trigram_prefilter("receipts", Receipt.id, [compact]),
                              Receipt.search_text.contains(compact, autoescape=True))
        else:
            words = vn.fold(q).split()
            match = and_(*[Receipt.search_text.contains(w, autoescape=True) for w in words])
            candidates = trigram_prefilter("receipts", Receipt.id, words)
            if candidates is not None:
                # the index's candidates for the words (models.search_index); the LIKE decides
                match = and_(candidates, match)
            code = tracking.normalize(q)
            if code:
                # a tracking code typed grouped ("K7QX-9M4T-AB") or not; the snapshot keeps it ungrouped.
                # Words that merely look like a code ("tran van duc") still match as words.
                match = or_(match, Receipt.search_text.contains(vn.fold(code), autoescape=True))
            stmt = stmt.where(match)
    if kind in SERIES:
        stmt = stmt.where(Receipt.kind == kind)
    if year:
        stmt = stmt.where(Receipt.year == year)
    return stmt.order_by(Receipt.issued_at.desc(), Receipt.id.desc())


def unicode_digits(text: str) -> str:
    """Full-width and other Unicode digits as ASCII (NFKC), for a pasted IMEI."""
    return unicodedata.normalize("NFKC", text)


def search(session: Session, query: str | None, kind: str | None = None, year: int | None = None,
           limit: int = 50) -> Sequence[Receipt]:
    """Receipts matching ``query`` (see :func:`search_statement`), at most ``limit``."""
    return list(session.scalars(search_statement(query, kind, year).limit(limit)))


__all__ = [
    "ReceiptSettings", "SERIES", "SERIES_CASH", "SERIES_HANDOVER", "allocate_number",
    "data_of", "for_application", "format_number", "get", "issue", "mark_void", "preview_pdf", "print_original",
    "print_pdf", "reprint", "search",
    "search_statement", "settings_for", "settings_from_config", "settings_of_commune", "stamp_for",
]
