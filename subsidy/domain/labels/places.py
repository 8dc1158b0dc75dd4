"""The words that stand for a place whose own name is not on file: the province's, in the
reports' titles and in the page header of a province account. Pure Python, imports nothing."""
from __future__ import annotations

#: The province's name in the reports' titles when the communes do not record one name for it
#: (services.tally.province.province_name).
PROVINCE_DEFAULT = "tỉnh"
#: What the page header names for a province account when the communes do not record the
#: province's name (a bare «tỉnh» would read as a word left out).
PROVINCE_HEADER_DEFAULT = "Cấp tỉnh"


def province_header(name: str) -> str:
    """What the page header names after «Hỗ trợ ĐTTM ·» for a province account: ``name``, the
    province's name as the communes record it ("tỉnh Đồng Tháp"), or «Cấp tỉnh» when it is
    :data:`PROVINCE_DEFAULT` (no name recorded). Never raises."""
    return PROVINCE_HEADER_DEFAULT if name == PROVINCE_DEFAULT else name


#: How a province-level unit's name starts (Hiến pháp 2013, Điều 110: tỉnh, thành phố trực thuộc
#: trung ương), and the shorthand a typed name may use for a city.
_PROVINCE_KINDS = ("tỉnh ", "thành phố ")
_CITY_SHORTHAND = ("tp. ", "tp.", "tp ")


def province_unit(name: str | None) -> str:
    """The province as a unit's name is written after «Ủy ban nhân dân»: ``name`` as recorded
    when it says its kind («tỉnh Đồng Tháp», «thành phố Cần Thơ»; «TP. Cần Thơ» written out),
    else with «tỉnh» put before it («Đắk Lắk» → «tỉnh Đắk Lắk»: a name without its kind is a
    province's — a centrally-run city is recorded as «thành phố …»); «tỉnh» for no name. Never
    raises."""
    text = " ".join((name or "").split())
    lowered = text.lower()
    if not text or lowered == PROVINCE_DEFAULT:
        return PROVINCE_DEFAULT
    if lowered.startswith(_PROVINCE_KINDS):
        return text
    for short in _CITY_SHORTHAND:
        if lowered.startswith(short):
            return "thành phố " + text[len(short):].strip()
    return f"tỉnh {text}"


def province_place(name: str | None) -> str:
    """The province's own name, without its kind («tỉnh Đắk Lắk» → «Đắk Lắk», «thành phố Cần Thơ»
    → «Cần Thơ»): the place of a document's date line; "" for no name."""
    unit = province_unit(name)
    for kind in _PROVINCE_KINDS:
        if unit.startswith(kind):
            return unit[len(kind):]
    return ""
