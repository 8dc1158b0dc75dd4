"""Importing the year's poor / near-poor household list from Excel (.xlsx) or CSV.

One use case, :func:`import_households`, serves the web upload, its preview and the CLI:

1. **read** the file (:func:`read_household_list`): check it first — not empty, not too large,
   a real .xlsx (zip magic, workbook inside, uncompressed size and compression ratio checked
   from the zip directory *before* openpyxl inflates anything) or a UTF-8 CSV (with or without
   BOM; comma or semicolon) — then find the header and parse every row with
   :mod:`subsidy.domain.household_list`;
2. **plan** (:func:`plan_import`): with one query loading the households on file, classify each
   row as ``new``, ``update`` (matched by household code, then by CCCD when the head's name
   agrees: households.check_citizen_id_owner, the form's rule), ``unchanged``,
   ``error`` (with its row number and a Vietnamese reason) or ``skipped`` (blank, total and
   signature rows).  Duplicates inside the file or against the database are errors, never merged;
   a row whose household code belongs to one household and whose CCCD to another is an error;
3. **write** unless ``dry_run``: all or nothing by default (any error refuses the whole file,
   :class:`ImportRefused`), or only the valid rows with ``skip_invalid``.  New households go in
   with one bulk INSERT, changed ones with one executemany UPDATE, their audit entries with one
   bulk INSERT, plus one audit entry for the batch with its counts.  Importing the same file again
   finds every row unchanged and writes nothing (no audit entry either).

Sources: issue 2 item 9; shared/data/README.md; domain.md §9.  The function flushes, never
commits; the caller commits once.
"""
from __future__ import annotations

import csv
import datetime as dt
import gc
import io
import threading
from contextlib import contextmanager
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Sequence

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from subsidy.db import utcnow
from subsidy.domain import household_list as hl
from subsidy.domain import vn
from subsidy.domain.calendar import today_vn
from subsidy.models import AuditEntry, Household, User
from subsidy.services import audit
from subsidy.domain.places import close_hamlet, normalize_hamlet
from subsidy.services.errors import Conflict, ServiceError
from subsidy.services.households import check_citizen_id_owner, derived_keys

Progress = Callable[[int, int], None]

#: Fields an imported row may set, in the order shown in previews and audit entries.
IMPORT_FIELDS = (
    "code", "head_name", "head_birth_year", "head_gender", "citizen_id", "citizen_id_kind",
    "citizen_id_warning", "hamlet", "address", "members", "phone", "category", "list_year",
    "meritorious", "social_policy", "archived",
)
FIELD_LABELS = {
    "code": "Mã hộ", "head_name": "Chủ hộ", "head_birth_year": "Năm sinh", "head_gender": "Giới tính",
    "citizen_id": "Số CCCD", "citizen_id_kind": "Loại giấy tờ", "citizen_id_warning": "Cảnh báo CCCD",
    "hamlet": "Ấp", "address": "Địa chỉ", "members": "Số nhân khẩu", "phone": "Số điện thoại",
    "category": "Phân loại", "list_year": "Năm danh sách", "meritorious": "Người có công",
    "social_policy": "Chính sách XH", "archived": "Lưu trữ",
}
STATUS_LABELS = {
    "new": "Thêm mới", "update": "Cập nhật", "unchanged": "Không đổi", "error": "Lỗi",
    "skipped": "Bỏ qua",
}
# Once this many blank rows follow each other after the header, the table is over.
BLANK_RUN_END = 1000


class ImportFileError(ServiceError):
    """The file as a whole was refused (type, size, zip bomb, no header, too many rows…)."""


class ImportRefused(ServiceError):
    """Some rows have errors and ``skip_invalid`` was not asked: nothing was written.
    ``report`` holds every row with its status and reason."""

    def __init__(self, report: "ImportReport") -> None:
        self.report = report
        n = report.counts.get("error", 0)
        super().__init__(
            f"Không nhập tệp này: có {n} dòng lỗi nên chưa ghi dòng nào (nhập tất cả hoặc không "
            "nhập gì). Hãy sửa các dòng lỗi trong tệp rồi nhập lại, hoặc chọn «Bỏ qua các dòng "
            "lỗi» để chỉ nhập các dòng đúng."
        )


@dataclass(frozen=True)
class ImportLimits:
    """Limits on what an import will read (each breach is refused with a Vietnamese message).

    ``max_bytes``: the file itself; ``max_uncompressed_bytes``: the sum of the sizes inside an
    .xlsx (a zip); ``max_compression_ratio``: uncompressed / compressed size of any member larger
    than 1 MB (zip bombs reach 1000:1; real sheets about 10:1); ``max_rows``: rows that hold
    something under the header.
    """

    max_bytes: int = 10 * 1024 * 1024
    max_uncompressed_bytes: int = 200 * 1024 * 1024
    max_compression_ratio: int = 100
    max_rows: int = 50_000

    @classmethod
    def from_config(cls, config: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> "ImportLimits":
        """From the app config, else the environment (``environ``, default ``os.environ``):
        IMPORT_MAX_BYTES (default: MAX_CONTENT_LENGTH, the web upload limit), IMPORT_MAX_UNCOMPRESSED_BYTES,
        IMPORT_MAX_COMPRESSION_RATIO, IMPORT_MAX_ROWS."""
        import os

        env = os.environ if environ is None else environ
        d = cls()

        def get(key: str, default: int) -> int:
            return int(config.get(key) or env.get(key) or default)

        return cls(
            max_bytes=get("IMPORT_MAX_BYTES", int(config.get("MAX_CONTENT_LENGTH") or d.max_bytes)),
            max_uncompressed_bytes=get("IMPORT_MAX_UNCOMPRESSED_BYTES", d.max_uncompressed_bytes),
            max_compression_ratio=get("IMPORT_MAX_COMPRESSION_RATIO", d.max_compression_ratio),
            max_rows=get("IMPORT_MAX_ROWS", d.max_rows),
        )


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f}".replace(".", ",").replace(",0", "") + " MB"


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")


# --------------------------------------------------------------------------------------------
# Reading the file
# --------------------------------------------------------------------------------------------

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OTHER_MAGIC = {
    b"%PDF": "PDF",
    b"\x89PNG": "ảnh PNG",
    b"\xff\xd8\xff": "ảnh JPEG",
    b"GIF8": "ảnh GIF",
    b"Rar!": "RAR",
    b"\x1f\x8b": "gzip",
    b"7z\xbc\xaf": "7z",
}
_ALLOWED_EXT = (".xlsx", ".csv", ".txt")
_FIX_HINT = "Hãy mở danh sách bằng Excel và lưu lại dạng «Excel Workbook (.xlsx)» hoặc «CSV UTF-8»."


def sniff_format(data: bytes, filename: str, limits: ImportLimits) -> str:
    """``"xlsx"`` or ``"csv"`` from the file's content (its magic bytes), not only its name.

    Raises ImportFileError: empty file, too large, a name that is neither .xlsx nor .csv, an
    old .xls, a PDF or picture, or a name that disagrees with the content.
    """
    name = (filename or "").strip()
    ext = Path(name.lower()).suffix
    if not data:
        raise ImportFileError(f"Tệp «{name}» rỗng (0 byte). Hãy chọn đúng tệp danh sách hộ.")
    if len(data) > limits.max_bytes:
        raise ImportFileError(
            f"Tệp «{name}» nặng {_mb(len(data))}, vượt giới hạn {_mb(limits.max_bytes)}. Hãy xóa các "
            "trang tính, hình ảnh không cần thiết, hoặc chia danh sách thành nhiều tệp."
        )
    if ext not in _ALLOWED_EXT:
        raise ImportFileError(
            f"Tệp «{name}» không phải tệp .xlsx hoặc .csv nên không nhập được. {_FIX_HINT}"
        )
    if data.startswith(_ZIP_MAGIC):
        if ext != ".xlsx":
            raise ImportFileError(
                f"Tệp «{name}» có đuôi {ext} nhưng nội dung là tệp nén (Excel .xlsx?). Hãy đổi "
                "tên cho đúng đuôi .xlsx, hoặc lưu lại dạng CSV UTF-8."
            )
        return "xlsx"
    if data.startswith(_OLE_MAGIC):
        raise ImportFileError(
            f"Tệp «{name}» là tệp Excel cũ (.xls, Excel 97–2003), chưa đọc được. {_FIX_HINT}"
        )
    for magic, what in _OTHER_MAGIC.items():
        if data.startswith(magic):
            raise ImportFileError(f"Tệp «{name}» là tệp {what}, không phải danh sách Excel hay CSV. {_FIX_HINT}")
    if ext == ".xlsx":
        raise ImportFileError(
            f"Tệp «{name}» có đuôi .xlsx nhưng nội dung không phải tệp Excel (có thể đã bị đổi "
            f"tên hoặc hỏng). {_FIX_HINT}"
        )
    if b"\x00" in data[:65536]:
        raise ImportFileError(
            f"Tệp «{name}» không phải tệp văn bản CSV (có ký tự nhị phân; có thể là tệp UTF-16 "
            f"hoặc tệp khác bị đổi tên). {_FIX_HINT}"
        )
    return "csv"


def check_xlsx_container(data: bytes, filename: str, limits: ImportLimits) -> None:
    """Inspect the .xlsx zip directory before anything is inflated.

    Refuses (ImportFileError): a broken zip; a zip that is not an Excel workbook (no
    ``xl/workbook.xml``: a .docx, .ods, …); more than 10 000 members; a total uncompressed size
    above ``limits.max_uncompressed_bytes``; a member over 1 MB whose compression ratio is above
    ``limits.max_compression_ratio`` (a zip bomb).  The sizes come from the zip directory;
    ``zipfile`` never inflates a member past its declared size, so the check bounds the work.
    """
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as err:
        raise ImportFileError(f"Tệp «{filename}» bị hỏng, không mở được như tệp Excel (.xlsx). {_FIX_HINT}") from err
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names:
        what = "OpenDocument (.ods)" if "content.xml" in names else "một tệp nén khác"
        raise ImportFileError(f"Tệp «{filename}» là {what}, không phải tệp Excel .xlsx. {_FIX_HINT}")
    if len(infos) > 10_000:
        raise ImportFileError(f"Tệp «{filename}» chứa quá nhiều thành phần ({len(infos)}); không phải một danh sách bình thường.")
    total = sum(i.file_size for i in infos)
    if total > limits.max_uncompressed_bytes:
        raise ImportFileError(
            f"Tệp «{filename}» khi giải nén nặng {_mb(total)}, vượt giới hạn "
            f"{_mb(limits.max_uncompressed_bytes)}. Hãy xóa các trang tính, định dạng, hình ảnh "
            "không cần thiết, hoặc chia danh sách thành nhiều tệp."
        )
    for i in infos:
        if i.file_size > 1024 * 1024 and i.file_size > limits.max_compression_ratio * max(i.compress_size, 1):
            raise ImportFileError(
                f"Tệp «{filename}» có thành phần «{i.filename}» nén bất thường (tỉ lệ "
                f"{i.file_size // max(i.compress_size, 1)}:1, giải nén ra {_mb(i.file_size)}): có thể "
                "là tệp độc hại (zip bomb). Không mở tệp này; hãy lấy lại danh sách từ nguồn tin cậy."
            )


@dataclass
class ParsedList:
    """The rows of a list file, parsed (before any database lookup)."""

    file_format: str
    header: hl.Header
    title_year: int | None
    sheet: str | None
    results: list[hl.RowResult]


def _xlsx_rows(data: bytes, filename: str) -> tuple[Any, list[tuple[str, Any]]]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as err:
        raise ImportFileError(f"Không đọc được tệp Excel «{filename}» ({err.__class__.__name__}). {_FIX_HINT}") from err
    sheets = [wb.active] + [ws for ws in wb.worksheets if ws is not wb.active]
    return wb, [(ws.title, ws) for ws in sheets if ws is not None and hasattr(ws, "iter_rows")]


def _csv_text(data: bytes, filename: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ImportFileError(
            f"Tệp CSV «{filename}» không ở mã UTF-8 nên chữ tiếng Việt sẽ bị lỗi (dòng có byte lỗi ở "
            f"vị trí {err.start}). Trong Excel hãy chọn Lưu thành → «CSV UTF-8 (Comma delimited)»."
        ) from err


def _csv_delimiter(text: str) -> str:
    sample = text[:20000].splitlines()[:40]
    best, best_n = ",", -1
    for d in (",", ";", "\t"):
        n = sum(line.count(d) for line in sample)
        if n > best_n:
            best, best_n = d, n
    return best


def _this_year() -> int:
    return today_vn().year


def read_household_list(data: bytes, filename: str, limits: ImportLimits | None = None,
                        progress: Progress | None = None) -> ParsedList:
    """Check and parse a list file (no database access).

    Shapes: ``data`` the file's bytes; ``filename`` its name as uploaded (for the type check and
    messages); ``progress(done_rows, total_rows)`` called now and then.  Returns a
    :class:`ParsedList` with one :class:`hl.RowResult` per row under the header.

    Raises ImportFileError for every file-level problem (see :func:`sniff_format`,
    :func:`check_xlsx_container`; no header; no household row; more than ``limits.max_rows``).
    """
    limits = limits or ImportLimits()
    fmt = sniff_format(data, filename, limits)
    this_year = _this_year()
    wb = None
    if fmt == "xlsx":
        check_xlsx_container(data, filename, limits)
        wb, sheets = _xlsx_rows(data, filename)
        candidates = [(title, ws.max_row or 0, (lambda ws=ws: ws.iter_rows(values_only=True))) for title, ws in sheets]
    else:
        text = _csv_text(data, filename)
        delimiter = _csv_delimiter(text)
        total = text.count("\n") + 1
        candidates = [(None, total, (lambda: csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)))]
    try:
        header_error: hl.ListFormatError | None = None
        for title, total, make_rows in candidates:
            rows_iter = iter(make_rows())
            head: list[Sequence[Any]] = []
            try:
                for row in rows_iter:
                    head.append(row)
                    if len(head) >= hl.HEADER_SEARCH_ROWS:
                        break
            except Exception as err:  # noqa: BLE001 - a broken sheet XML, a CSV quoting error
                raise ImportFileError(f"Không đọc được nội dung tệp «{filename}»: {err}. {_FIX_HINT}") from err
            try:
                header = hl.find_header(head)
            except hl.ListFormatError as err:
                header_error = header_error or err
                continue
            results = _parse_rows(header, head, rows_iter, this_year, limits, total, progress, filename)
            if not any(r.skip_reason is None for r in results):
                raise ImportFileError(
                    f"Tệp «{filename}» có dòng tiêu đề (dòng {header.last_row}) nhưng không có dòng hộ "
                    "nào bên dưới. Hãy kiểm tra lại tệp."
                )
            year = hl.find_list_year(head[: header.first_row - 1])
            return ParsedList(fmt, header, year, title, results)
        if header_error is not None and not _has_content(candidates):
            raise ImportFileError(f"Tệp «{filename}» không có dữ liệu nào. Hãy chọn đúng tệp danh sách hộ.")
        raise ImportFileError(str(header_error))
    finally:
        if wb is not None:
            wb.close()


def _has_content(candidates: list) -> bool:
    for _title, _total, make_rows in candidates:
        for i, row in enumerate(make_rows()):
            if any(c is not None and str(c).strip() for c in row):
                return True
            if i > hl.HEADER_SEARCH_ROWS:
                break
    return False


def _parse_rows(header: hl.Header, head: list[Sequence[Any]], rest: Iterator[Sequence[Any]], this_year: int,
                limits: ImportLimits, total: int, progress: Progress | None, filename: str) -> list[hl.RowResult]:
    parser = hl.RowParser(header, this_year)
    results: list[hl.RowResult] = []
    number = header.last_row
    filled = 0  # rows with something in them
    households = 0  # rows that are households (valid or not)
    blank_run = 0

    def rows() -> Iterator[Sequence[Any]]:
        yield from head[header.last_row:]
        yield from rest

    parse = parser.parse
    try:
        for row in rows():
            number += 1
            r = parse(number, row)
            if r.skip_reason == "Dòng trống.":
                blank_run += 1
                if blank_run >= BLANK_RUN_END:
                    break
                if blank_run > 1:
                    continue  # a run of blank rows is reported once
            else:
                blank_run = 0
                filled += 1
                households += r.skip_reason is None
                if households > limits.max_rows or filled > 2 * limits.max_rows + 1000:
                    raise ImportFileError(
                        f"Tệp «{filename}» có hơn {_thousands(limits.max_rows)} dòng dữ liệu, vượt giới "
                        "hạn cho một lần nhập. Hãy chia danh sách thành nhiều tệp nhỏ hơn."
                    )
            results.append(r)
            if progress is not None and number % 1000 == 0:
                progress(number, total)
    except ImportFileError:
        raise
    except Exception as err:  # noqa: BLE001 - a broken sheet XML, a CSV quoting error
        raise ImportFileError(f"Không đọc được tệp «{filename}» ở dòng {number}: {err}. {_FIX_HINT}") from err
    # Trailing blank rows say nothing.
    while results and results[-1].skip_reason == "Dòng trống.":
        results.pop()
    hl.mark_file_duplicates(results)
    if progress is not None:
        progress(number, max(total, number))
    return results


# --------------------------------------------------------------------------------------------
# Planning against the database
# --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class RowOutcome:
    """One row of the preview: its number in the file, what will happen, and why."""

    number: int
    status: str  # new | update | unchanged | error | skipped
    code: str | None = None
    head_name: str | None = None
    hamlet: str | None = None
    category: str | None = None
    messages: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    changes: dict[str, list[Any]] = field(default_factory=dict)
    household_id: int | None = None


@dataclass
class ImportReport:
    """What an import found (and, when committed, did)."""

    filename: str
    file_format: str
    list_year: int
    year_source: str  # option | title | filename | current
    columns: dict[str, int]
    header_row: int
    sheet: str | None
    rows: list[RowOutcome]
    skip_invalid: bool = False
    committed: bool = False
    batch_audit_id: int | None = None
    #: Hamlets of rows to be written that are neither configured nor on file (a typo, or really
    #: a new hamlet): ``{"Ấp Phú Hoà": {"rows": 3, "first_row": 12, "like": "Ấp Phú Hòa"}}``.
    new_hamlets: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        c = {k: 0 for k in STATUS_LABELS}
        for r in self.rows:
            c[r.status] += 1
        return c

    @property
    def households(self) -> int:
        """Rows that are households (everything but skipped rows)."""
        return sum(1 for r in self.rows if r.status != "skipped")

    @property
    def error_rows(self) -> list[RowOutcome]:
        return [r for r in self.rows if r.status == "error"]

    @property
    def would_refuse(self) -> bool:
        return bool(self.counts["error"]) and not self.skip_invalid

    def to_json(self) -> str:
        """Compact JSON for the web preview (rows as lists; a new row's full "changes" — every
        value of the row — is left out: the preview does not show it and the commit recomputes)."""
        head = {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "rows"}
        rows = [[r.number, r.status, r.code, r.head_name, r.hamlet, r.category, r.messages, r.warnings,
                 r.changes if r.status == "update" else {}, r.household_id] for r in self.rows]
        return json.dumps({"head": head, "rows": rows}, ensure_ascii=False, default=str, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> "ImportReport":
        d = json.loads(text)
        return cls(**d["head"], rows=[RowOutcome(*r) for r in d["rows"]])


_EXISTING_COLUMNS = (
    Household.id, Household.code, Household.head_name, Household.head_birth_year, Household.head_gender,
    Household.citizen_id, Household.citizen_id_kind, Household.citizen_id_warning, Household.hamlet,
    Household.address, Household.members, Household.phone, Household.category, Household.list_year,
    Household.meritorious, Household.social_policy, Household.archived,
)
class _Existing(dict):
    """A household on file as loaded for planning: a dict that also answers ``h.field``."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


_YEAR_IN_NAME = re.compile(r"(?<![0-9])(20[0-9]{2})(?![0-9])")


def choose_year(year: int | None, parsed: ParsedList, filename: str) -> tuple[int, str]:
    """The list year: the one asked for, else the title's ("… NĂM 2025"), else a year in the file
    name ("ho-ngheo-2025-bo-sung.csv"), else the current year (Asia/Ho_Chi_Minh)."""
    this_year = _this_year()
    if year is not None:
        if not 2000 <= year <= this_year + 1:
            raise ImportFileError(f"Năm danh sách {year} không hợp lệ: phải từ 2000 đến {this_year + 1}.")
        return year, "option"
    if parsed.title_year is not None:
        return parsed.title_year, "title"
    m = _YEAR_IN_NAME.search(Path(filename or "").name)
    if m and 2000 <= int(m.group(1)) <= this_year + 1:
        return int(m.group(1)), "filename"
    return this_year, "current"


def plan_import(session: Session, parsed: ParsedList, filename: str, year: int | None = None,
                skip_invalid: bool = False, hamlets: Sequence[str] | None = None,
                ) -> tuple[ImportReport, list[dict[str, Any]], list[dict[str, Any]]]:
    """Classify every parsed row against the households on file (one SELECT).

    A row matches a household by its code, else by its CCCD when the head's name agrees
    (households.check_citizen_id_owner; otherwise the row is an error).  ``hamlets``: the
    configured hamlets (config HAMLETS); a row to be written whose hamlet is neither one of them
    nor on file is listed in ``report.new_hamlets`` (a warning, never an error: each commune
    has its own hamlets).

    Returns ``(report, inserts, updates)``: the report for the clerk, and the column values to
    insert (new households) and to update (``{"_id": id, …}``) for the valid rows.
    """
    list_year, year_source = choose_year(year, parsed, filename)
    existing = [_Existing(r._asdict()) for r in session.execute(select(*_EXISTING_COLUMNS))]
    by_code = {h["code"]: h for h in existing}
    by_cid = {h["citizen_id"]: h for h in existing if h["citizen_id"]}

    outcomes: list[RowOutcome] = []
    planned: list[tuple[RowOutcome, hl.HouseholdRecord, Any]] = []
    claims: dict[int, list[RowOutcome]] = {}
    for r in parsed.results:
        if r.skip_reason is not None:
            outcomes.append(RowOutcome(r.number, "skipped", messages=[r.skip_reason]))
            continue
        rec = r.record
        out = RowOutcome(r.number, "error", code=r.code or r.raw_code,
                         head_name=rec.head_name if rec else r.raw_name,
                         hamlet=rec.hamlet if rec else None, category=rec.category if rec else None)
        outcomes.append(out)
        if rec is None:
            out.messages = list(r.errors)
            continue
        hit_code = by_code.get(rec.code) if rec.code else None
        try:
            # Matched by household code, then by CCCD only when the head's name agrees; a CCCD of
            # another household is an error (the same rule as the household form).
            target = check_citizen_id_owner(
                rec.citizen_id, by_cid.get(rec.citizen_id) if rec.citizen_id else None, hit_code,
                head_name=rec.head_name, code=rec.code, match_by_citizen_id=True)
        except Conflict as err:
            out.messages.append(str(err))
            continue
        if target is None and not rec.code:
            out.messages.append(
                f"Không có mã hộ và số CCCD {rec.citizen_id} chưa có trong danh sách: không thêm "
                "được hộ mới khi thiếu mã hộ. Hãy ghi mã hộ."
            )
            continue
        if target is not None:
            claims.setdefault(target.id, []).append(out)
            out.household_id = target.id
        planned.append((out, rec, target))

    # Two rows of the file landing on the same household: report, don't merge.
    for rows in claims.values():
        if len(rows) > 1:
            for out in rows:
                others = ", ".join(str(o.number) for o in rows if o is not out)
                out.messages.append(
                    f"Dòng này và dòng {others} cùng khớp một hộ đã có (theo mã hộ hoặc số CCCD). "
                    "Không gộp: hãy kiểm tra lại và chỉ giữ một dòng cho hộ này."
                )

    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for out, rec, target in planned:
        if out.messages:
            continue
        values = _row_values(rec, list_year, target)
        if rec.citizen_id_warning or values.get("citizen_id_warning"):
            out.warnings.append(values.get("citizen_id_warning") or rec.citizen_id_warning)
        if target is None:
            out.status = "new"
            out.changes = {k: [None, values[k]] for k in IMPORT_FIELDS if values.get(k) not in (None, False)}
            inserts.append(values | {"_row": out})
            continue
        changes = {k: [target[k], values[k]] for k in IMPORT_FIELDS if k in values and target[k] != values[k]}
        if not changes:
            out.status = "unchanged"
            continue
        out.status = "update"
        out.changes = changes
        merged = {k: target[k] for k in IMPORT_FIELDS} | values
        updates.append(merged | {"_id": target.id, "_row": out})
    for out in outcomes:
        if out.status == "error" and not out.messages:  # not reachable; keeps the report honest
            out.messages.append("Dòng lỗi.")

    report = ImportReport(
        filename=filename, file_format=parsed.file_format, list_year=list_year, year_source=year_source,
        columns={k: v for k, v in parsed.header.columns.items()}, header_row=parsed.header.first_row,
        sheet=parsed.sheet, rows=outcomes, skip_invalid=skip_invalid,
        new_hamlets=_new_hamlets(outcomes, hamlets or (), {h["hamlet"] for h in existing}),
    )
    return report, inserts, updates


def _new_hamlets(outcomes: list[RowOutcome], configured: Sequence[str], on_file: set[str]) -> dict[str, dict[str, Any]]:
    """The hamlets of the rows to be written (new / update) that are neither configured nor on
    file, each with its row count, first row and the known hamlet it most likely misspells."""
    known = set(on_file)
    for name in configured:
        try:
            known.add(normalize_hamlet(name))
        except vn.VnValueError:
            continue
    found: dict[str, dict[str, Any]] = {}
    for out in outcomes:
        if out.status in ("new", "update") and out.hamlet and out.hamlet not in known:
            entry = found.setdefault(out.hamlet, {"rows": 0, "first_row": out.number, "like": None})
            entry["rows"] += 1
    ordered = sorted(known, key=vn.sort_key)
    for name, entry in found.items():
        entry["like"] = close_hamlet(name, ordered)
    return found


def _row_values(rec: hl.HouseholdRecord, list_year: int, target: Any) -> dict[str, Any]:
    """Column values an imported row sets.  An empty optional cell (birth year, sex, CCCD,
    phone, address) or a missing optional column leaves the stored value alone; the category,
    the policy marks of a present column and the list year always come from the file."""
    v: dict[str, Any] = {"head_name": rec.head_name, "hamlet": rec.hamlet, "category": rec.category,
                         "list_year": list_year}
    if rec.code:
        v["code"] = rec.code
    for f in ("head_birth_year", "head_gender", "phone", "address", "members", "meritorious", "social_policy"):
        value = getattr(rec, f)
        if value is not None:
            v[f] = value
    if rec.citizen_id:
        v["citizen_id"], v["citizen_id_kind"] = rec.citizen_id, rec.citizen_id_kind
        warning = rec.citizen_id_warning
        if target is not None and (rec.head_birth_year is None or rec.head_gender is None):
            # Compare the CCCD with what will be on file once the row is saved.
            check = vn.check_citizen_id(rec.citizen_id, v.get("head_birth_year", target.head_birth_year),
                                        v.get("head_gender", target.head_gender))
            warning = " ".join(check.warnings) or None
        v["citizen_id_warning"] = warning
    if target is None:
        v.setdefault("members", 1)
        v.setdefault("meritorious", False)
        v.setdefault("social_policy", False)
    elif target.archived:
        v["archived"] = False
    return v


# --------------------------------------------------------------------------------------------
# The use case
# --------------------------------------------------------------------------------------------


def import_households(session: Session, data: bytes, filename: str, actor: User | None, *,
                      year: int | None = None, dry_run: bool = False, skip_invalid: bool = False,
                      limits: ImportLimits | None = None, progress: Progress | None = None,
                      hamlets: Sequence[str] | None = None) -> ImportReport:
    """Import a household list (.xlsx or .csv); with ``dry_run`` only preview it.

    Shapes: ``data`` the file's bytes, ``filename`` its name; ``year`` the list year (default:
    :func:`choose_year`); ``progress(done_rows, total_rows)``; ``hamlets`` the configured hamlets
    (config HAMLETS: a hamlet neither configured nor on file is reported in
    ``report.new_hamlets``, not refused).  Returns the :class:`ImportReport` (``committed`` True
    when rows were written).

    Raises ImportFileError (the file is refused as a whole: type, size, zip bomb, header, rows),
    ImportRefused (rows with errors and no ``skip_invalid``: nothing written; ``.report`` has the
    rows).  Flushes, never commits.  Source: issue 2 item 9.
    """
    with _gc_paused():
        parsed = read_household_list(data, filename, limits, progress)
        report, inserts, updates = plan_import(session, parsed, filename, year, skip_invalid, hamlets)
        if dry_run:
            return report
        if report.counts["error"] and not skip_invalid:
            raise ImportRefused(report)
        if not inserts and not updates:
            return report
        _write(session, report, inserts, updates, actor)
        report.committed = True
        return report


_gc_lock = threading.Lock()
_gc_depth = 0
_gc_was_enabled = True


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while an import runs (bounded: max_rows rows).

    Reading a list allocates a few hundred thousand small objects that all stay alive until the
    import ends; the collector would walk them again and again for nothing (about a quarter of
    the import's time).  Reference counting still frees everything as usual.  Nested or
    concurrent imports share one pause; the collector is re-enabled when the last one ends.
    """
    global _gc_depth, _gc_was_enabled
    with _gc_lock:
        if _gc_depth == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_depth += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_depth -= 1
            if _gc_depth == 0 and _gc_was_enabled:
                gc.enable()


def _insert_many(session: Session, table: Any, columns: Sequence[str], rows: list[tuple]) -> None:
    """One DBAPI executemany INSERT of plain tuples (sqlite3 and psycopg both batch it).

    Bypasses SQLAlchemy's per-row parameter processing, which costs more than the insert itself
    for 20,000 rows; the caller passes values already in database form (timestamps through the
    column type's bind processor, JSON as text).
    """
    conn = session.connection()
    ph = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join([ph] * len(columns))})"
    conn.exec_driver_sql(sql, rows)


def _bind(session: Session, column: Any) -> Callable[[Any], Any]:
    """The bind processor of ``column``'s type on this session's database (identity if none)."""
    dialect = session.connection().dialect
    proc = column.type._cached_bind_processor(dialect)
    return proc or (lambda v: v)


_HH_INSERT_COLUMNS = (
    "code", "head_name", "head_birth_year", "head_gender", "citizen_id", "citizen_id_kind",
    "citizen_id_warning", "hamlet", "address", "members", "phone", "category", "list_year",
    "meritorious", "social_policy", "prior_device", "search_text", "sort_key", "archived",
    "created_at", "updated_at", "created_by_id",
)
_AUDIT_INSERT_COLUMNS = ("at", "actor_id", "action", "entity_type", "entity_id", "changes", "note")


def _write(session: Session, report: ImportReport, inserts: list[dict[str, Any]],
           updates: list[dict[str, Any]], actor: User | None) -> None:
    now = utcnow()
    actor_id = actor.id if actor is not None else None
    note = f"Nhập danh sách «{report.filename}» (năm {report.list_year}), dòng {{}}"
    table = Household.__table__
    audit_table = AuditEntry.__table__
    db_now = _bind(session, table.c.created_at)(now)
    db_at = _bind(session, audit_table.c.at)(now)
    db_json = _bind(session, audit_table.c.changes)
    audit_rows: list[tuple] = []

    if inserts:
        rows = []
        for v in inserts:
            search_text, sort_key = derived_keys(v["head_name"], v["code"], v.get("citizen_id"), v.get("phone"))
            rows.append((
                v["code"], v["head_name"], v.get("head_birth_year"), v.get("head_gender"), v.get("citizen_id"),
                v.get("citizen_id_kind"), v.get("citizen_id_warning"), v["hamlet"], v.get("address"),
                v["members"], v.get("phone"), v["category"], v["list_year"], bool(v["meritorious"]),
                bool(v["social_policy"]), "unknown", search_text, sort_key, False, db_now, db_now, actor_id,
            ))
        _insert_many(session, table, _HH_INSERT_COLUMNS, rows)
        # The new ids, in one SELECT (codes are unique).
        new_codes = {v["code"] for v in inserts}
        ids = {code: hid for hid, code in session.execute(select(table.c.id, table.c.code)) if code in new_codes}
        for v in inserts:
            out: RowOutcome = v["_row"]
            new_id = out.household_id = ids[v["code"]]
            audit_rows.append((db_at, actor_id, "household.create", "household", new_id,
                               db_json(out.changes), note.format(out.number)))

    if updates:
        params = []
        for v in updates:
            search_text, sort_key = derived_keys(v["head_name"], v["code"], v["citizen_id"], v["phone"])
            p = {f"v_{k}": v[k] for k in IMPORT_FIELDS}
            p.update({"_id": v["_id"], "v_search_text": search_text, "v_sort_key": sort_key, "v_updated_at": now})
            params.append(p)
            out = v["_row"]
            audit_rows.append((db_at, actor_id, "household.update", "household", v["_id"],
                               db_json(out.changes), note.format(out.number)))
        stmt = table.update().where(table.c.id == bindparam("_id")).values(
            {k: bindparam(f"v_{k}") for k in (*IMPORT_FIELDS, "search_text", "sort_key", "updated_at")})
        session.execute(stmt, params)

    if audit_rows:
        _insert_many(session, audit_table, _AUDIT_INSERT_COLUMNS, audit_rows)
    counts = report.counts
    entry = audit.record(
        session, actor, "household.import", "import", None,
        {"file": report.filename, "list_year": report.list_year, "new": counts["new"],
         "update": counts["update"], "unchanged": counts["unchanged"], "error": counts["error"],
         "skipped_rows": counts["skipped"], "skip_invalid": report.skip_invalid},
        note=f"Nhập danh sách hộ từ tệp «{report.filename}»",
    )
    session.flush()
    report.batch_audit_id = entry.id
    # Objects already loaded in this session must not hide the new values.
    session.expire_all()


def _json_changes(changes: dict[str, list[Any]]) -> dict[str, list[Any]]:
    # Imported values are already JSON-ready (str, int, bool, None): no conversion needed.
    return changes
