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
