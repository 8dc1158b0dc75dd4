"""Citizen ID numbers: the 12-digit CCCD (số định danh cá nhân) and the legacy 9-digit CMND, with
the province codes of Thông tư 07/2016/TT-BCA (domain.md §9)."""
from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from subsidy.domain.calendar import today_vn

from .digits import normalize_digits
from .errors import VnValueError

_PROVINCE_CSV = Path(__file__).resolve().parent.parent / "data" / "cccd-province-codes.csv"


def _load_province_codes() -> dict[str, str]:
    with _PROVINCE_CSV.open(encoding="utf-8-sig", newline="") as fh:
        return {
            row["code"].strip(): unicodedata.normalize("NFC", row["province"].strip())
            for row in csv.DictReader(fh)
        }


#: 3-digit CCCD province code (e.g. ``"082"``) -> province name (e.g. ``"Tiền Giang"``).
#: The 63 codes of Thông tư 07/2016/TT-BCA; they stay as issued after the 2025 province merger.
PROVINCE_CODES: dict[str, str] = _load_province_codes()


@dataclass(frozen=True)
class IdCheck:
    """Result of :func:`check_citizen_id`.

    ``value``: the digits to store (12 for a CCCD, 9 for a CMND); ``kind``: ``"cccd"`` or
    ``"cmnd"``; ``warnings``: Vietnamese sentences the clerk must read and confirm (empty tuple
    when nothing needs confirming).
    """

    value: str
    kind: str  # 'cccd' or 'cmnd'
    warnings: tuple[str, ...] = ()


_GENDER_WORD = {"M": "nam", "F": "nữ"}
#: A year already past whenever this code runs (the year this check was written).
_PAST_YEAR = 2026


def check_citizen_id(raw: str, birth_year: int | None = None, gender: str | None = None) -> IdCheck:
    """Check a citizen ID number (CCCD, or a legacy CMND) and compare it with the file.

    Shapes: ``raw`` as typed (text, or an ``int`` from an Excel cell; spaces, dots, dashes and
    full-width digits are accepted — see :func:`normalize_digits`).  ``birth_year`` a 4-digit
    year or ``None``; ``gender`` ``"M"`` / ``"F"`` (case-insensitive) or ``None``.

    * 12 ASCII digits = CCCD (số định danh cá nhân): digits 1–3 are the province where the birth
      was registered and must be one of :data:`PROVINCE_CODES` (Thông tư 07/2016/TT-BCA);
      digit 4 is sex and century (0/1 = male/female born 1900–1999, 2/3 = male/female born
      2000–2099; 4–9 would mean born in 2100 or later and are rejected as impossible); digits
      5–6 are the last two digits of the birth year, and a birth year after the current year is
      rejected.  If ``birth_year`` or ``gender`` is given and disagrees with the number, that is
      **not** an error: a Vietnamese warning is added to ``warnings`` for the clerk to confirm.
    * 9 ASCII digits = legacy CMND: accepted with ``kind="cmnd"`` and a warning that it is an old
      number (it encodes neither birth year nor sex, so nothing else is checked).
    * Anything else raises :class:`VnValueError`, saying how many digits were found and that a
      CCCD has 12 (with a hint about Excel when 11 digits were found — the importer should call
      :func:`restore_leading_zeros` first).

    Also raises :class:`VnValueError` for an empty value, non-digit characters, an unknown
    province code, an impossible sex/century digit, or a ``gender`` other than M/F.

    Source: domain.md §9; Thông tư 07/2016/TT-BCA (province codes, sex/century digit).
    """
    value = normalize_digits(raw, "Số CCCD")
    if gender is not None:
        if not isinstance(gender, str) or gender.strip().upper() not in _GENDER_WORD:
            raise VnValueError(f"Giới tính «{gender}» không hợp lệ: dùng M (nam) hoặc F (nữ).")
        gender = gender.strip().upper()
    if birth_year is not None and (isinstance(birth_year, bool) or not isinstance(birth_year, int)):
        raise VnValueError(f"Năm sinh «{birth_year}» không hợp lệ: phải là năm gồm 4 chữ số, ví dụ 1975.")

    if not value:
        raise VnValueError("Chưa nhập số CCCD. Hãy nhập đủ 12 chữ số in trên thẻ căn cước.")

    if len(value) == 9:
        return IdCheck(
            value=value,
            kind="cmnd",
            warnings=(
                f"Số {value} là số chứng minh nhân dân (CMND) cũ 9 chữ số. Hãy xin người dân số "
                "căn cước (CCCD) 12 chữ số và cập nhật nếu có.",
            ),
        )

    if len(value) != 12:
        msg = (
            f"Số CCCD «{raw}» có {len(value)} chữ số, nhưng số CCCD phải có đúng 12 chữ số "
            "(hoặc 9 chữ số nếu là số CMND cũ)."
        )
        if len(value) == 11:
            msg += (
                " Có thể Excel đã bỏ mất số 0 ở đầu khi ô được định dạng là số: "
                "hãy kiểm tra lại trên thẻ và nhập đủ 12 chữ số."
            )
        else:
            msg += " Hãy kiểm tra lại trên thẻ căn cước và nhập đủ 12 chữ số."
        raise VnValueError(msg)

    province = value[:3]
    if province not in PROVINCE_CODES:
        raise VnValueError(
            f"Số CCCD {value}: 3 chữ số đầu «{province}» không phải mã tỉnh nào (mã tỉnh theo "
            "Thông tư 07/2016/TT-BCA, ví dụ Tiền Giang là 082). Hãy kiểm tra lại số trên thẻ."
        )

    sex_digit = int(value[3])
    if sex_digit > 3:
        raise VnValueError(
            f"Số CCCD {value}: chữ số thứ 4 là «{sex_digit}», nghĩa là người sinh từ năm 2100 "
            "trở đi, điều này không thể đúng (chữ số này chỉ có thể là 0, 1, 2 hoặc 3). "
            "Hãy kiểm tra lại số trên thẻ."
        )
    id_gender = "M" if sex_digit % 2 == 0 else "F"
    id_year = (1900 if sex_digit < 2 else 2000) + int(value[4:6])
    # today_vn() only for a year that could be after this one (every year up to the one this
    # rule was written in is past): a list checks tens of thousands of IDs.
    if id_year > _PAST_YEAR and id_year > today_vn().year:
        raise VnValueError(
            f"Số CCCD {value}: chữ số thứ 4 đến thứ 6 («{value[3:6]}») cho năm sinh {id_year}, "
            "là năm chưa tới. Hãy kiểm tra lại số trên thẻ."
        )

    warnings: list[str] = []
    if birth_year is not None and birth_year != id_year:
        warnings.append(
            f"Số CCCD {value} cho biết năm sinh {id_year}, nhưng hồ sơ ghi năm sinh {birth_year}. "
            "Hãy đối chiếu với thẻ căn cước rồi sửa số CCCD hoặc năm sinh cho đúng."
        )
    if gender is not None and gender != id_gender:
        warnings.append(
            f"Số CCCD {value} cho biết giới tính {_GENDER_WORD[id_gender]}, nhưng hồ sơ ghi "
            f"giới tính {_GENDER_WORD[gender]}. Hãy đối chiếu với thẻ căn cước rồi sửa số CCCD "
            "hoặc giới tính cho đúng."
        )
    return IdCheck(value=value, kind="cccd", warnings=tuple(warnings))
