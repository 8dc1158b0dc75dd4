"""Communes and their hamlets as data (domain.md §10): create, edit, deactivate, look up; the
first commune of an instance made from the environment defaults; what documents print about a
commune (issuing body, place, signer) built from its row.

Every function takes (session, …, actor), flushes and never commits. Managing communes and
hamlets is an instance-level action (admin): audited with no commune of its own.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from subsidy.domain.documents import DEFAULT_ISSUER, DEFAULT_KIND_CODES, Issuer, Signer, parse_kind_codes
from subsidy.domain.labels.sentence import sentence_start
from subsidy.domain.places import normalize_hamlet, same_hamlet
from subsidy.domain.scope import APPROVAL_COMMUNE, APPROVAL_LEVELS, CommuneRequired
from subsidy.domain.vn import VnValueError, normalize_optional_name, signer_name_problem, sort_key_text
from subsidy.models import Commune, Hamlet, Household, User
from subsidy.models.scoping import ALL_COMMUNES, CREATED_KEY, DEFAULTS_KEY, default_commune_id
from subsidy.services import audit, hamlet_edits, versions
from subsidy.services.errors import Conflict, InvalidFields, NotFound, ServiceError

CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{1,19}$")
#: The fields of a commune, in form order (what the audit entries record).
FIELDS = ("code", "name", "issuing_body", "issuing_body_parent", "place_name", "province", "signer_authority",
          "signer_deputy", "signer_title", "signer_name", "abbreviation", "kind_codes", "recipients", "archive",
          "approval_level")
ABBREVIATION_RE = re.compile(r"^[A-ZĐ0-9][A-ZĐ0-9&.-]{0,19}$")
_KINDS = dict(DEFAULT_KIND_CODES)
_UNIT_PREFIX = re.compile(r"^(xã|phường|thị trấn|đặc khu)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class CommuneInput:
    """A commune as the form or the CLI gives it. ``code``: short ASCII (e.g. "PHUTAN" or the
    official 5-digit code), stored upper case; ``name``: "xã Phú Tân"; ``issuing_body`` (default
    "ỦY BAN NHÂN DÂN" + the name in capitals); ``place_name`` (default: the name without "xã");
    ``approval_level``: "commune" or "province". The signer (``signer_authority`` "TM. ỦY BAN NHÂN
    DÂN", ``signer_deputy`` "KT. CHỦ TỊCH" or "" when the chairman signs, ``signer_title``,
    ``signer_name`` "" to sign by hand), ``abbreviation`` ("UBND" when empty), ``kind_codes``
    ("list=DSHT;…" over domain.documents.DEFAULT_KIND_CODES), ``recipients`` (the «Nơi nhận»,
    ";"-separated or one a line) and ``archive`` ("VT, VP-TK" when empty): what its documents print
    (Nghị định 30/2020/NĐ-CP, Phụ lục I)."""

    code: str
    name: str
    issuing_body: str = ""
    issuing_body_parent: str = ""
    place_name: str = ""
    province: str = ""
    signer_authority: str = Signer().authority
    signer_deputy: str = Signer().deputy
    signer_title: str = Signer().title
    signer_name: str = ""
    abbreviation: str = DEFAULT_ISSUER.abbreviation
    kind_codes: str = ""
    recipients: str = ";".join(DEFAULT_ISSUER.recipients)
    archive: str = DEFAULT_ISSUER.archive
    approval_level: str = APPROVAL_COMMUNE
    #: The commune's version (services.versions) the edit page showed; None: not checked.
    seen_version: int | None = None


def _clean(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def _values(data: CommuneInput) -> dict[str, Any]:
    errors: dict[str, str] = {}
    code = _clean(data.code).upper()
    if not CODE_RE.fullmatch(code):
        errors["code"] = ("Mã xã gồm 2–20 ký tự: chữ in không dấu (A–Z), số, gạch dưới hoặc gạch ngang "
                          "(ví dụ: PHUTAN hoặc mã đơn vị hành chính 5 số 28753).")
    name = _clean(data.name)
    if not name:
        errors["name"] = "Hãy ghi tên xã (ví dụ: xã Phú Tân)."
    if data.approval_level not in APPROVAL_LEVELS:
        errors["approval_level"] = "Cấp phê duyệt là «commune» (lãnh đạo xã) hoặc «province» (tỉnh)."
    abbreviation = _clean(data.abbreviation).upper() or DEFAULT_ISSUER.abbreviation
    if not ABBREVIATION_RE.fullmatch(abbreviation):
        errors["abbreviation"] = ("Chữ viết tắt của cơ quan (phần sau dấu gạch ngang của ký hiệu) gồm tối đa 20 chữ in, "
                                  "số, không dấu cách, không dấu «/» (ví dụ: UBND).")
    kind_codes, bad = _kind_codes(data.kind_codes)
    if bad:
        errors["kind_codes"] = (f"Không hiểu «{bad}»: mỗi mục có dạng loại=MÃ, cách nhau bằng dấu «;», loại là một trong "
                                f"{', '.join(_KINDS)} (ví dụ: list=DSHT;handover=BB).")
    signer_name = ""
    try:  # printed under the signature: the one rule of people's names
        signer_name = normalize_optional_name(data.signer_name)
    except VnValueError as err:
        errors["signer_name"] = f"Họ tên người ký: {err}"
    else:
        problem = signer_name_problem(signer_name, "Người ký của xã") if signer_name else None
        if problem is not None:
            errors["signer_name"] = f"Họ tên người ký: {problem}"
    if errors:
        raise InvalidFields(errors)
    place = _clean(data.place_name) or _UNIT_PREFIX.sub("", name)
    return {
        "code": code, "name": name,
        "issuing_body": _clean(data.issuing_body).upper() or f"ỦY BAN NHÂN DÂN {name.upper()}",
        "issuing_body_parent": _clean(data.issuing_body_parent).upper(), "place_name": place,
        "province": _clean(data.province), "signer_authority": _clean(data.signer_authority).upper(),
        "signer_deputy": _clean(data.signer_deputy).upper(), "signer_title": _clean(data.signer_title).upper(),
        "signer_name": signer_name, "abbreviation": abbreviation, "kind_codes": kind_codes,
        "recipients": ";".join(_entries(data.recipients)),
        "archive": _clean(data.archive).rstrip(".") or DEFAULT_ISSUER.archive,
        "approval_level": data.approval_level,
    }


def _entries(text: str | None) -> list[str]:
    """The «Nơi nhận» entries of ``text`` (";" or one a line), without the printed "- " and ";"."""
    parts = re.split(r"[;\n]", unicodedata.normalize("NFC", text or ""))
    return [e for e in (_clean(p).lstrip("-+• ").rstrip(";.").strip() for p in parts) if e]


def _kind_codes(text: str | None) -> tuple[str, str]:
    """(the kind codes as stored "list=DSHT;handover=BB", the first part not understood or "")."""
    out = []
    for part in (p.strip() for p in _clean(text).split(";")):
        if not part:
            continue
        kind, sep, code = (x.strip() for x in part.partition("="))
        if not sep or kind not in _KINDS or not ABBREVIATION_RE.fullmatch(code.upper()):
            return "", part
        out.append(f"{kind}={code.upper()}")
    return ";".join(out), ""


def list_communes(session: Session, active_only: bool = False) -> list[Commune]:
    """Every commune, by name (folded order is the admin list's concern; here: as stored)."""
    stmt = select(Commune).order_by(Commune.name, Commune.id)
    if active_only:
        stmt = stmt.where(Commune.active.is_(True))
    return list(session.scalars(stmt))


def get_commune(session: Session, commune_id: int) -> Commune:
    """The commune ``commune_id``; raises NotFound."""
    commune = session.get(Commune, commune_id)
    if commune is None:
        raise NotFound("Không tìm thấy xã này.")
    return commune


def by_code(session: Session, code: str) -> Commune:
    """The commune with ``code`` (any case); raises NotFound naming the codes there are."""
    commune = session.scalar(select(Commune).where(Commune.code == _clean(code).upper()))
    if commune is None:
        codes = list(session.scalars(select(Commune.code).order_by(Commune.code).limit(20)))
        known = f" Các mã xã đang có: {', '.join(codes)}." if codes else " Chưa có xã nào."
        raise NotFound(f"Không có xã mã «{code}».{known}")
    return commune


def count(session: Session) -> int:
    """How many communes the instance has (active or not)."""
    return session.scalar(select(func.count()).select_from(Commune)) or 0


def create_commune(session: Session, data: CommuneInput, actor: User | None,
                   hamlets: Sequence[str] = ()) -> Commune:
    """Add a commune (and its ``hamlets``, in order). Raises InvalidFields, Conflict (code taken)."""
    values = _values(data)
    if session.scalar(select(Commune.id).where(Commune.code == values["code"])):
        raise Conflict(f"Mã xã {values['code']} đã có; hãy chọn mã khác.")
    commune = Commune(**values, active=True)
    session.add(commune)
    session.flush()
    for name in hamlets:
        add_hamlet(session, commune, name, actor, audited=False)
    audit.record(session, actor, "commune.create", "commune", commune.id,
                 {k: [None, v] for k, v in values.items() if v} | ({"hamlets": [None, list(hamlets)]} if hamlets else {}))
    return commune


def update_commune(session: Session, commune: Commune, data: CommuneInput, actor: User | None) -> Commune:
    """Save ``data`` over ``commune``; audits each changed field. A form from a page older than
    the commune (``data.seen_version``: one of its fields changed since, its row locked first) is
    refused with StaleVersion (services.versions). Raises InvalidFields, Conflict, StaleVersion."""
    values = _values(data)  # every wrong field first, as the other forms do
    commune = versions.lock(session, Commune, commune.id, not_found="Không tìm thấy xã này.")
    versions.check_unchanged(
        session, "commune", commune.id, data.seen_version, fields=FIELDS, actions=("commune.create", "commune.update"),
        what=f"thông tin {commune.name}",
        how="Hãy mở lại trang của xã (mục «Xã» trong «Quản trị») để xem thông tin mới nhất, rồi sửa lại.")
    if values["code"] != commune.code and session.scalar(select(Commune.id).where(Commune.code == values["code"])):
        raise Conflict(f"Mã xã {values['code']} đã có; hãy chọn mã khác.")
    before = audit.snapshot(commune, FIELDS)
    for k, v in values.items():
        setattr(commune, k, v)
    changes = audit.diff(before, audit.snapshot(commune, FIELDS))
    if changes:
        audit.record(session, actor, "commune.update", "commune", commune.id, changes)
    session.flush()
    return commune


def set_active(session: Session, commune: Commune, active: bool, actor: User | None) -> None:
    """Deactivate (or reactivate) a commune: its data stays; nothing is deleted. Audited."""
    if commune.active == active:
        return
    commune.active = active
    audit.record(session, actor, "commune.active", "commune", commune.id, {"active": [not active, active]})
    session.flush()


# --------------------------------------------------------------------------------------------
# Hamlets
# --------------------------------------------------------------------------------------------


def _hamlet_name(session: Session, commune_id: int, raw: str, hamlet_id: int | None = None) -> str:
    """``raw`` as stored (places.normalize_hamlet, as on the household form and in the import);
    raises ServiceError (Vietnamese) for a name that cannot be a hamlet, Conflict for one the
    commune has under any case or accents (places.same_hamlet) other than hamlet ``hamlet_id``."""
    try:
        name = normalize_hamlet(raw)
    except VnValueError as e:
        raise ServiceError(str(e)) from e
    others = session.execute(select(Hamlet.id, Hamlet.name).where(Hamlet.commune_id == commune_id)).all()
    same = same_hamlet(name, [n for i, n in others if i != hamlet_id])
    if same is not None:
        commune = session.get(Commune, commune_id)
        where = commune.name if commune is not None else "Xã"
        what = ("Không thêm lần nữa" if hamlet_id is None else "Hai ấp không đặt trùng tên")
        raise Conflict(f"{sentence_start(where)} đã có «{same}»: «{name}» là cùng tên đó (không tính chữ hoa, "
                       f"chữ thường và dấu). {what}; muốn đổi cách viết thì sửa tên ấp «{same}».")
    return name


def add_hamlet(session: Session, commune: Commune, name: str, actor: User | None, audited: bool = True,
               seen: int | None = None) -> Hamlet:
    """Add hamlet ``name`` (normalised: places.normalize_hamlet) at the end of the commune's list.
    ``seen``: the commune's version the admin's page showed (None: not from a page, e.g. the
    import): refused with StaleVersion when a hamlet changed since (services.hamlet_edits.check_unchanged).
    Raises ServiceError for a name that cannot be a hamlet, Conflict for a name the commune has
    under any case or accents (domain.md §1), StaleVersion."""
    if seen is not None:
        hamlet_edits.check_unchanged(session, commune, seen)
    name = _hamlet_name(session, commune.id, name)
    last = session.scalar(select(func.max(Hamlet.position)).where(Hamlet.commune_id == commune.id)) or 0
    hamlet = Hamlet(commune_id=commune.id, name=name, position=last + 1, active=True)
    session.add(hamlet)
    session.flush()
    session.expire(commune, ["hamlets"])
    if audited:
        audit.record(session, actor, "hamlet.create", "commune", commune.id, {"hamlet": [None, name]})
    return hamlet


def add_missing_hamlets(session: Session, commune_id: int, names: Sequence[str], actor: User | None) -> list[str]:
    """Add to commune ``commune_id``'s list the hamlets of ``names`` (a confirmed household list's:
    importer.hamlets_plan) it has under no spelling (places.same_hamlet), in order; each audited
    as «hamlet.create» from the import. Returns the names added (as stored)."""
    commune = get_commune(session, commune_id)
    listed = list(session.scalars(select(Hamlet.name).where(Hamlet.commune_id == commune_id)))
    added: list[str] = []
    for raw in names:
        try:
            name = normalize_hamlet(raw)
        except VnValueError:
            continue
        if same_hamlet(name, listed) is None:
            add_hamlet(session, commune, name, actor, audited=False)
            audit.record(session, actor, "hamlet.create", "commune", commune_id,
                         {"hamlet": [None, name], "source": [None, "import"]})
            listed.append(name)
            added.append(name)
    return added


def unlisted_hamlets(session: Session, commune_id: int) -> list[tuple[str, int, str | None]]:
    """The hamlets the commune's households are stored under that its list does not hold (saved
    before imports added their hamlets, or under a list's hamlet renamed since), in Vietnamese
    order: ``[(name, households, the listed hamlet it is another spelling of or None)]``."""
    listed = list(session.scalars(select(Hamlet.name).where(Hamlet.commune_id == commune_id)))
    rows = session.execute(select(Household.hamlet, func.count()).where(Household.commune_id == commune_id)
                           .group_by(Household.hamlet), execution_options={ALL_COMMUNES: True}).all()
    out = [(name, int(n), same_hamlet(name, listed)) for name, n in rows if name and name not in listed]
    return sorted(out, key=lambda r: sort_key_text(r[0]))


def get_hamlet(session: Session, commune: Commune, hamlet_id: int) -> Hamlet:
    """The hamlet ``hamlet_id`` of ``commune``; raises NotFound (also for another commune's)."""
    hamlet = session.get(Hamlet, hamlet_id)
    if hamlet is None or hamlet.commune_id != commune.id:
        raise NotFound("Không tìm thấy ấp / thôn này.")
    return hamlet


def update_hamlet(session: Session, hamlet: Hamlet, name: str, active: bool, actor: User | None,
                  seen: int | None = None) -> hamlet_edits.HamletSaved:
    """Rename and/or (de)activate a hamlet. The name is normalised and checked as in add_hamlet
    (ServiceError, Conflict); ``seen`` as in add_hamlet (StaleVersion, nothing written).

    A rename corrects the hamlet's name (hamlets are data per commune, households store the
    hamlet's name: domain.md §1, §10), so in the same transaction every household of the commune
    stored under the old name (archived ones too) is carried to the new one, each audited as a
    «household.update» of its «hamlet» (an open edit page of such a household is then refused as
    stale instead of writing the old name back). What was frozen when issued keeps its printed
    text: the rows of approved lists (ProposalListEntry.hamlet); draft lists, receipts and forms
    read the household's hamlet when printed. Returns services.hamlet_edits.HamletSaved."""
    commune = session.get(Commune, hamlet.commune_id)
    if seen is not None and commune is not None:
        hamlet_edits.check_unchanged(session, commune, seen)
    hamlet = versions.lock(session, Hamlet, hamlet.id, not_found="Không tìm thấy ấp / thôn này.")
    name = _hamlet_name(session, hamlet.commune_id, name, hamlet_id=hamlet.id)
    old = hamlet.name
    before = {"name": old, "active": hamlet.active}
    hamlet.name, hamlet.active = name, active
    changes = audit.diff(before, {"name": name, "active": active})
    if changes:
        # The note names the hamlet (as saved): a (de)activation's changes do not.
        audit.record(session, actor, "hamlet.update", "commune", hamlet.commune_id, changes, note=f"Ấp / thôn «{name}»")
    moved = hamlet_edits.carry_households(session, hamlet.commune_id, old, name, actor) if name != old else 0
    session.flush()
    return hamlet_edits.HamletSaved(old, name, moved)


def hamlet_names(session: Session, commune_id: int | None) -> list[str]:
    """The active hamlets of ``commune_id`` in order ([] for None: the province has none)."""
    if commune_id is None:
        return []
    return list(session.scalars(select(Hamlet.name).where(Hamlet.commune_id == commune_id, Hamlet.active.is_(True))
                                .order_by(Hamlet.position, Hamlet.id)))


def filter_hamlets(session: Session, commune_id: int | None) -> list[str]:
    """The hamlets a list's filter offers for ``commune_id``: its active hamlets in order, then
    its deactivated ones (records made before still name them). For None (the province's
    accounts, working across communes) every commune's, each name once, in commune then hamlet
    order. Read from the hamlets table, never from the households."""
    stmt = (select(Hamlet.name).join(Commune, Commune.id == Hamlet.commune_id)
            .order_by(Hamlet.active.desc(), Commune.name, Hamlet.position, Hamlet.id))
    if commune_id is not None:
        stmt = stmt.where(Hamlet.commune_id == commune_id)
    return list(dict.fromkeys(session.scalars(stmt)))


#: Up to this many hamlets are named in an unknown hamlet's refusal; beyond (the province's
#: accounts see every commune's), the refusal says where to choose one instead.
HAMLETS_NAMED = 30


def unknown_hamlet_message(session: Session, commune_id: int | None, hamlet: str) -> str | None:
    """Why ``hamlet`` (a list filter or a handover sheet's ``?hamlet=``, as typed) cannot be used
    for ``commune_id`` (None: the province's accounts, every commune), or None when it is one of
    :func:`filter_hamlets` (active or deactivated: records made before still name the latter) or
    empty. The Vietnamese message names the hamlet typed and the hamlets to choose from (or, when
    there are more than HAMLETS_NAMED, where to choose one), so a typo never prints an empty list
    under a hamlet that does not exist."""
    if not hamlet:
        return None
    names = filter_hamlets(session, commune_id)
    if hamlet in names:
        return None
    commune = session.get(Commune, commune_id) if commune_id is not None else None
    where = f"{commune.name}" if commune is not None else "các xã của tỉnh"
    head = f"Không có ấp/thôn «{hamlet}» trong {where}."
    if not names:
        return f"{head} Xã chưa có ấp/thôn nào: quản trị thêm ấp/thôn ở trang «Xã»."
    if len(names) > HAMLETS_NAMED:
        return f"{head} Hãy chọn ấp/thôn trong ô «Ấp» của trang danh sách rồi tải lại."
    return f"{head} Hãy chọn một trong các ấp/thôn: {', '.join(names)}."


# --------------------------------------------------------------------------------------------
# The first commune, and the commune a command or page works for
# --------------------------------------------------------------------------------------------


def the_only_commune(session: Session) -> Commune | None:
    """The instance's commune when it has exactly one, else None."""
    rows = list(session.scalars(select(Commune).order_by(Commune.id).limit(2),
                                execution_options={ALL_COMMUNES: True}))
    return rows[0] if len(rows) == 1 else None


def ensure_default_commune(session: Session, defaults: Mapping[str, Any] | None = None) -> tuple[Commune | None, bool]:
    """The instance's only commune, made from ``defaults`` (subsidy.config.commune_defaults: the
    environment COMMUNE_* settings) when there is none yet. Returns (commune, created); (None,
    False) when there are several."""
    if defaults is not None:
        session.info[DEFAULTS_KEY] = dict(defaults)
    n = count(session)
    if n > 1:
        return None, False
    if n == 1:
        return the_only_commune(session), False
    commune_id = default_commune_id(session, create=True)
    session.info.pop(CREATED_KEY, None)
    return session.get(Commune, commune_id), True


def resolve(session: Session, code: str | None) -> tuple[Commune, bool]:
    """The commune a command works for: the one with ``code``, else the only one (made from the
    defaults when there is none yet). Returns (commune, created). Raises NotFound (unknown code),
    CommuneRequired (several communes and no code)."""
    if code:
        return by_code(session, code), False
    commune, created = ensure_default_commune(session)
    if commune is None:
        codes = ", ".join(session.scalars(select(Commune.code).order_by(Commune.code).limit(20)))
        raise CommuneRequired(f"Hệ thống có nhiều xã: hãy ghi --commune MÃ_XÃ (một trong: {codes}).")
    return commune, created


def created_message(commune: Commune) -> str:
    """What a command or page says when it made the first commune from the defaults."""
    return (f"Đây là lần đầu dùng hệ thống: đã tạo sẵn {commune.name} (mã {commune.code}) với tên cơ quan, "
            "nơi ban hành và danh sách ấp / thôn mặc định lúc cài đặt. Quản trị viên hãy kiểm tra và sửa cho đúng "
            "ở trang «Xã» trên thanh menu trước khi nhập hộ.")


# --------------------------------------------------------------------------------------------
# What documents print about a commune
# --------------------------------------------------------------------------------------------


def issuer_of(commune: Commune) -> Issuer:
    """The Issuer of the commune's documents, all from its row: issuing body and upper line, place
    of the date line, ký hiệu abbreviation and kind codes, signer (authority, «ký thay» line,
    title, typed name) and «Nơi nhận» (Nghị định 30/2020/NĐ-CP, Phụ lục I). The configuration is
    only the first commune's defaults (subsidy.config.commune_defaults)."""
    return Issuer(
        body_upper=commune.issuing_body_parent or "", body=commune.issuing_body, place=commune.place_name,
        abbreviation=commune.abbreviation or DEFAULT_ISSUER.abbreviation,
        signer=Signer(authority=commune.signer_authority or "", deputy=commune.signer_deputy or "",
                      title=commune.signer_title or "", name=(commune.signer_name or "").strip()),
        recipients=tuple(_entries(commune.recipients)), archive=commune.archive or DEFAULT_ISSUER.archive,
        kind_codes=parse_kind_codes(commune.kind_codes or ""))
