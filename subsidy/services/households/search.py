"""Finding households: the search box, the list filters, the Vietnamese list order, the hamlets
offered.

Search and sort work on the stored ASCII keys (``search_text``, ``sort_key``: see
:mod:`subsidy.services.households.columns`) with plain ``LIKE`` and ``ORDER BY``, so SQLite and
PostgreSQL answer identically whatever their collation (domain.md §9: search folds, sorting does
not).  Read-only: nothing here writes.
"""
from __future__ import annotations

from sqlalchemy import ColumnElement, Select, and_, case, false, func, or_, select
from sqlalchemy.orm import Session

from subsidy.domain import vn
from subsidy.domain.calendar import today_vn
from subsidy.domain.household_list import search_tokens
from subsidy.domain.labels import CATEGORY_LABELS
from subsidy.domain.list_standing import NOT_LISTED
from subsidy.domain.places import normalize_hamlet
from subsidy.models import Household, HouseholdStatus
from subsidy.models.search_index import spaced, trigram_prefilter
from subsidy.services.pagination import counted_with_page


def search_condition(query: str, exact: bool = False, *, personal: bool = False) -> ColumnElement[bool] | None:
    """The WHERE clause of households matching a search box, or None when there is nothing to
    search for (every household matches).

    ``query`` is folded (vn.fold: no case, no accents, đ → d) and split into words; every word
    must match: a word with a letter matches the start of a folded name word (``"dang"`` and
    ``"ĐẶNG"`` find "Đặng"; ``"nguyen van hung"`` finds "Nguyễn Văn Hùng"); a word of digits
    matches as far as the searcher sees the numbers (``personal``, scope.sees_personal_data):

    * ``personal`` True (commune staff, admin: CCCD and phone shown in full): anywhere in the
      household code, CCCD or phone (a fragment);
    * ``personal`` False, the default (the admin, the province's roles: CCCD and phone shown masked): a
      fragment of the household code (not personal), the whole CCCD or CMND, the whole phone
      (as vn.normalize_phone reads it: ``84912345678`` is ``0912345678``), or exactly the part
      the mask leaves shown — the last vn.ID_SHOWN (4) digits of the CCCD, the last
      vn.PHONE_SHOWN (3) of the phone. Any other part of a CCCD or phone finds nothing, so adding
      digits one at a time and watching the results cannot read a masked number.

    The match is a plain ``LIKE`` on the stored ASCII ``search_text`` (behind one more space,
    search_index.spaced, as PostgreSQL's index holds it), never the database's
    lower(), collation, ILIKE or unaccent, so SQLite and PostgreSQL return the same rows; a
    trigram index finds the candidates first (models.search_index: pg_trgm on PostgreSQL, FTS5
    on SQLite — on SQLite only across communes: a Session working for one commune leaves FTS5
    out, its commune's index bounds the LIKE; words of 3 characters or more, shorter ones are
    left to the LIKE).  A word also matches at the very start of the key (a key stored without
    its leading space): the space spaced() adds is before it.

    Every pattern is built with ``contains``/``startswith(..., autoescape=True)``: ``%`` and ``_``
    are matched as themselves.  A query with text but no word (``"%"``, ``"_"``, ``"-"``) is
    looked for literally (folded) in the key — it finds a code holding it, never every household.

    ``exact`` (the API and the application queue): the query as typed (outer spaces trimmed) also
    matches a household whose code or CCCD equals it.
    """
    conds = []
    indexed = []  # the words every matching key holds: what the trigram prefilter may ask for
    tokens = search_tokens(query)
    for token in (tokens if personal else _spaced_numbers_joined(tokens)):
        # autoescape: a % or _ reaching the pattern is matched literally, never as a wildcard.
        if token.isdigit() and not personal:
            cond, held = _shown_number(token)
            conds.append(cond)
            indexed += held
        elif token.isdigit():
            conds.append(spaced(Household.search_text).contains(token, autoescape=True))
            indexed.append(token)
        else:
            # the start of a name word, the key's first included (search_index.spaced)
            conds.append(spaced(Household.search_text).contains(" " + token, autoescape=True))
            indexed.append(token)
    words = and_(*conds) if conds else None
    if conds:
        # the index's candidates (SQLite's FTS5 trigram table; PostgreSQL's trigram index serves
        # the LIKE itself): every word asked for is a substring of a matching key, so nothing is lost
        candidates = trigram_prefilter("households", Household.id, indexed)
        if candidates is not None:
            words = and_(candidates, words)
    typed = (query or "").strip()
    if words is None and typed:
        # Only punctuation ("%", "_", "-"): no word to look for, so look for the text itself,
        # literally (a household code may hold "_", "." or "-"); never every household.
        folded = vn.fold(typed)
        words = Household.search_text.contains(folded, autoescape=True) if folded else false()
    if not exact or not typed:
        return words
    same = or_(Household.code == typed, Household.citizen_id == typed)
    return or_(words, same)


#: Lengths of a whole number a masked searcher may type: a CMND (9), a phone (10, or 11 with 84),
#: a CCCD (12).
_WHOLE_NUMBER_LENGTHS = range(9, 13)


def _spaced_numbers_joined(tokens: list[str]) -> list[str]:
    """``tokens`` with each run of two or more words of digits joined when together they are as
    long as a whole CCCD, CMND or phone (9–12 digits): «0973 512 468», as a phone is written on
    paper, is one number. Only for a masked searcher, who finds numbers whole or by their shown
    tail only: the joined word is matched like any other (:func:`_shown_number`)."""
    out: list[str] = []
    run: list[str] = []
    for token in [*tokens, ""]:
        if token.isdigit():
            run.append(token)
            continue
        joined = "".join(run)
        out += [joined] if len(run) > 1 and len(joined) in _WHOLE_NUMBER_LENGTHS else run
        run = []
        if token:
            out.append(token)
    return out


def _shown_number(digits: str) -> tuple[ColumnElement[bool], list[str]]:
    """A word of ``digits`` searched by someone who sees CCCD and phone masked (search_condition
    with ``personal`` False): the condition, and the words a matching key surely holds (for the
    trigram prefilter). Each way to match is one the searcher could have read off the page: a
    fragment of the code, a whole number typed in full, or exactly the shown tail; the
    ``search_text`` LIKE beside them lets the trigram index find the candidates."""
    shown = [Household.code.contains(digits, autoescape=True), Household.citizen_id == digits,
             Household.phone == digits]
    # A stored value no longer than its shown part is masked whole (vn.mask_id, vn.mask_phone).
    if len(digits) == vn.ID_SHOWN:
        shown.append(and_(func.length(Household.citizen_id) > vn.ID_SHOWN, Household.citizen_id.endswith(digits)))
    if len(digits) == vn.PHONE_SHOWN:
        shown.append(and_(func.length(Household.phone) > vn.PHONE_SHOWN, Household.phone.endswith(digits)))
    cond = and_(spaced(Household.search_text).contains(digits, autoescape=True), or_(*shown))
    try:
        phone = vn.normalize_phone(digits)
    except vn.VnValueError:
        return cond, [digits]
    if phone == digits:
        return cond, [digits]
    # the international form of a whole phone (84…, 0084…): the key holds the number as stored
    return or_(cond, and_(spaced(Household.search_text).contains(phone, autoescape=True), Household.phone == phone)), []


def status_in_force(year: int | None = None) -> ColumnElement[str | None]:
    """The household's poverty status in force for ``year`` (default: today's, calendar.today_vn)
    as one SQL expression: a category code, "not_listed", or NULL (no category on file).

    The same rule as domain.list_standing.standing_for_year, written for the database: the latest
    of the household's status records dated at or before ``year`` decides, unless the household's
    own list (``category`` with ``list_year`` at or before ``year``) is later than it (a record
    wins over the columns for the same year); with no such record, the columns decide as they
    are (a list imported ahead, for a later year, included). One correlated subquery on
    household_statuses (household_id, year), served by its unique index."""
    year = today_vn().year if year is None else year
    # the columns' year when it counts as dated at or before ``year``: records before it lose
    columns_year = case((and_(Household.category.is_not(None), Household.list_year <= year), Household.list_year),
                        else_=0)
    deciding_record = (select(HouseholdStatus.status)
                       .where(HouseholdStatus.household_id == Household.id, HouseholdStatus.year <= year,
                              HouseholdStatus.year >= columns_year)
                       .order_by(HouseholdStatus.year.desc()).limit(1).correlate(Household).scalar_subquery())
    return func.coalesce(deciding_record, Household.category)


def off_the_list(year: int | None = None) -> ColumnElement[bool]:
    """True for a household recorded as not on the list in force for ``year`` (default: today's):
    :func:`status_in_force` is "not_listed" (a commune's complete list of that year or an earlier
    one left it out, or a «hộ thoát nghèo» sheet named it, and no later list named it again up to
    ``year``).  A record for a later year than ``year`` does not count.  Its ``category`` column
    keeps the category of the list it was last on, which past tallies and decisions count by."""
    return status_in_force(year) == NOT_LISTED


def listed_in_force(year: int | None = None) -> ColumnElement[bool]:
    """Households with a category in force for ``year`` (default: today's; poor, near-poor, …
    per :func:`status_in_force`, not "not_listed", not NULL): what the list filters and the quota
    ceiling (domain.md §3) count."""
    status = status_in_force(year)
    return and_(status.is_not(None), status != NOT_LISTED)


def household_conditions(query: str = "", hamlet: str | None = None, category: str | None = None,
                         include_archived: bool = False, exact: bool = False,
                         year: int | None = None, *, personal: bool = False) -> list[ColumnElement[bool]]:
    """The WHERE clauses of a household list: :func:`search_condition` of ``query`` (as far as the
    searcher sees numbers: ``personal``, False for the admin and the province's roles), ``hamlet``
    (exact name), ``category`` ("poor", "near_poor" — in force for ``year``, default today's —, or
    "none" for not classified or not on the list in force; anything else is ignored), and archived
    households left out unless ``include_archived``."""
    conds = []
    match = search_condition(query, exact, personal=personal)
    if match is not None:
        conds.append(match)
    if hamlet:
        conds.append(Household.hamlet == hamlet)
    # The category in force this year (status_in_force, the rule of domain.list_standing): a
    # household off this year's list is no longer poor or near-poor, whatever its last list said.
    if category in CATEGORY_LABELS:
        conds.append(status_in_force(year) == category)
    elif category == "none":
        status = status_in_force(year)
        conds.append(or_(status.is_(None), status == NOT_LISTED))
    if not include_archived:
        conds.append(Household.archived.is_(False))
    return conds


def household_query(query: str = "", hamlet: str | None = None, category: str | None = None,
                    include_archived: bool = False, exact: bool = False, year: int | None = None,
                    *, personal: bool = False) -> Select:
    """The SELECT of households matching :func:`household_conditions` (``year``: the category
    filter's year, default today's; ``personal``: the searcher sees CCCD and phone in full), ordered the Vietnamese way (sort_key, id). Used by the
    household pages and the JSON API."""
    stmt = select(Household)
    conds = household_conditions(query, hamlet, category, include_archived, exact, year, personal=personal)
    if conds:
        stmt = stmt.where(and_(*conds))
    # A search's matches cluster in the list order (the sort key starts with the given name, the
    # word people search by): walking the sort index to the first page then filters most of the
    # table before the cluster (2.8 s across 1,000,000 households for «lan nguyễn»). Ordered by
    # the same key as an expression no index serves, the database takes the matches from the
    # trigram index and sorts only them, so a search costs what its matches cost. Same order.
    if not (query or "").strip():
        return stmt.order_by(Household.sort_key, Household.id)
    # every match is read to be sorted: the first page counts them as it reads them
    return counted_with_page(stmt.order_by(Household.sort_key.concat(""), Household.id))


def search_households(session: Session, query: str = "", hamlet: str | None = None,
                      category: str | None = None, include_archived: bool = False,
                      limit: int | None = None, *, personal: bool = False) -> list[Household]:
    """Households matching :func:`household_query` (``personal`` as there), in Vietnamese list order."""
    stmt = household_query(query, hamlet, category, include_archived, personal=personal)
    if limit:
        stmt = stmt.limit(limit)
    return list(session.scalars(stmt))


def hamlets_in_use(session: Session, configured: list[str] | None = None) -> list[str]:
    """The configured hamlets followed by any other hamlet found on file, Vietnamese order."""
    found = set(session.scalars(select(Household.hamlet).distinct()))
    configured = list(configured or [])
    extra = sorted(found - set(configured), key=vn.sort_key_text)
    return configured + extra


def hamlet_choices(session: Session, configured: list[str] | None = None) -> list[str]:
    """The hamlets the household form offers: :func:`hamlets_in_use` normalised
    (places.normalize_hamlet), without duplicates and without a stored value that is not a
    plausible place name (such a value, saved before the check existed, is not offered again)."""
    out: list[str] = []
    for name in hamlets_in_use(session, configured):
        try:
            name = normalize_hamlet(name)
        except vn.VnValueError:
            continue
        if name not in out:
            out.append(name)
    return out

