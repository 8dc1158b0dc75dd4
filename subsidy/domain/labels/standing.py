"""The words for a household's poverty status in force for a year (domain.list_standing): the
badge the pages show, the cell the exports write, the API's ``label``. Pure Python, imports nothing."""
from __future__ import annotations

#: A household with no category on file (none imported or typed yet): the one label for it, on
#: badges, exports, the category filter's words and the tally's row (labels.NO_CATEGORY is this).
UNCLASSIFIED_LABEL = "Chưa phân loại"
#: Recorded as not on the list of ``year`` (left poverty, or absent from the commune's complete list).
NOT_LISTED_LABEL = "Không có trong danh sách năm {year}"
#: Beside a listed category: the year of the list it is on.
LISTED_DETAIL = "danh sách năm {year}"
#: Beside «not on the list»: the last list the household was on and its category there.
LAST_LISTED_DETAIL = "lần cuối có tên: {category}, danh sách năm {year}"
#: Beside «not on the list» when no earlier list on file named it.
NEVER_LISTED_DETAIL = "chưa có tên trong danh sách năm nào trước đó"
#: The list filters' choice "none": not classified, or not on the list in force (households.search).
OFF_LIST_FILTER_LABEL = "Chưa phân loại hoặc không còn trong danh sách"
#: The list filters' category choice with no value: every household, whatever its status (the
#: register is browsed whole by default: a household off the list or not classified is still found).
ALL_CATEGORIES_FILTER_LABEL = "Mọi phân loại"
#: «Not on the list» in a narrow cell (the lists' PDF, Excel and CSV copies): the long words and the
#: last list go in NOT_LISTED_NOTE and the LAST_LISTED_COLUMN column.
NOT_LISTED_SHORT = "Ngoài danh sách {year}"
#: The exports' column beside the category: the last list that named a household off the list.
LAST_LISTED_COLUMN = "Lần cuối có tên"
#: Its cell: "Hộ nghèo (2025)".
LAST_LISTED_CELL = "{category} ({year})"
#: Printed under an export's title: what the short words and the column mean.
NOT_LISTED_NOTE = ("«Ngoài danh sách {year}»: không có trong danh sách hộ nghèo, hộ cận nghèo năm {year}; "
                   "cột «Lần cuối có tên»: loại hộ và năm của danh sách gần nhất có tên hộ.")
#: A household's yearly status record in the audit log (``status_<year>``): the field, and its
#: "not_listed" value (a category is worded by CATEGORY_LABELS).
YEAR_STATUS_FIELD = "Tình trạng năm {year}"
NOT_LISTED_WORDS = "Không có trong danh sách"
#: A personal paper's kind (Household.citizen_id_kind) in words: the page's and the audit log's.
CITIZEN_ID_KIND_LABELS: dict[str, str] = {"cccd": "CCCD", "cmnd": "CMND (cũ)"}
