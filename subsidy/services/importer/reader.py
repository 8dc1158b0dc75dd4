"""Reading a household list file: check it, find the header, parse every row.  Never touches the
database.

First the file itself (:func:`sniff_format`, :func:`check_xlsx_container`): not empty, not too
large, a real .xlsx (zip magic, workbook inside, uncompressed size and compression ratio checked
from the zip directory *before* openpyxl inflates anything) or a UTF-8 CSV (with or without BOM;
comma or semicolon).  Then the rows, through :mod:`subsidy.domain.household_list`: the header on
the first sheet that has one, the list year from the title, and one :class:`hl.RowResult` per row
under the header (:func:`read_household_list`).  Every refusal of the file as a whole is an
:class:`ImportFileError` with a Vietnamese message saying how to fix the file.

Source: shared/data/README.md (what real lists look like).
"""
from __future__ import annotations

import csv
import io
import os
import time
import zipfile
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Sequence

from subsidy.domain import household_list as hl
from subsidy.domain.calendar import today_vn
from subsidy.domain.vn import format_count
from subsidy.services.errors import ServiceError
from subsidy.services.importer.xml_guard import UnsafeXml, scan_xml_parts

#: ``progress(done_rows, total_rows)``, called now and then while the rows are read.
Progress = Callable[[int, int], None]

# Once this many blank rows follow each other after the header, the table is over.
BLANK_RUN_END = 1000


class ImportFileError(ServiceError):
    """The file as a whole was refused (type, size, zip bomb, no header, too many rows…)."""


@dataclass(frozen=True)
class ImportLimits:
    """Limits on what an import will read (each breach is refused with a Vietnamese message).

    ``max_bytes``: the file itself; ``max_uncompressed_bytes``: the sum of the sizes inside an
    .xlsx (a zip); ``max_compression_ratio``: uncompressed / compressed size of any member larger
    than 1 MB (zip bombs reach 1000:1; real sheets about 10:1); ``max_rows``: households under
    the header (a per-person list's member rows not counted; rows that hold anything, at most
    twice as many plus 1,000); ``max_seconds``: time to read the rows (a file that takes longer
    is refused: reading 50,000 rows takes about 8 s).
    """

    max_bytes: int = 10 * 1024 * 1024
    max_uncompressed_bytes: int = 200 * 1024 * 1024
    max_compression_ratio: int = 100
    max_rows: int = 50_000
    max_seconds: int = 120

    @classmethod
    def from_config(cls, config: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> "ImportLimits":
        """From the app config, else the environment (``environ``, default ``os.environ``):
        IMPORT_MAX_BYTES (default: MAX_CONTENT_LENGTH, the web upload limit), IMPORT_MAX_UNCOMPRESSED_BYTES,
        IMPORT_MAX_COMPRESSION_RATIO, IMPORT_MAX_ROWS, IMPORT_MAX_SECONDS."""
        env = os.environ if environ is None else environ
        d = cls()

        def get(key: str, default: int) -> int:
            return int(config.get(key) or env.get(key) or default)

        return cls(
            max_bytes=get("IMPORT_MAX_BYTES", int(config.get("MAX_CONTENT_LENGTH") or d.max_bytes)),
            max_uncompressed_bytes=get("IMPORT_MAX_UNCOMPRESSED_BYTES", d.max_uncompressed_bytes),
            max_compression_ratio=get("IMPORT_MAX_COMPRESSION_RATIO", d.max_compression_ratio),
            max_rows=get("IMPORT_MAX_ROWS", d.max_rows),
            max_seconds=get("IMPORT_MAX_SECONDS", d.max_seconds),
        )


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f}".replace(".", ",").replace(",0", "") + " MB"



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
    Then every XML part is streamed once through :func:`.xml_guard.scan_xml_parts` (refused:
    comments, CDATA, DOCTYPE, over-long tokens, which make the XML parser's work grow with the
    square of their size).
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
    try:
        scan_xml_parts(zf)
    except UnsafeXml as err:
        raise ImportFileError(
            f"Tệp «{filename}» có nội dung mà Excel không tạo ra ({err.what} trong {err.part}), có thể làm "
            "máy chủ treo khi đọc nên không nhập. Hãy mở tệp bằng Excel (hoặc LibreOffice) và lưu lại dạng "
            "«Excel Workbook (.xlsx)» thông thường rồi nhập lại."
        ) from err
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as err:  # a member that does not inflate
        raise ImportFileError(f"Tệp «{filename}» bị hỏng, không mở được như tệp Excel (.xlsx). {_FIX_HINT}") from err


@dataclass
class OtherSheet:
    """A sheet of the same workbook listing households that left the list ("hộ thoát nghèo",
    "hộ thoát cận nghèo"): ``kind`` (:data:`hl.LEFT_POOR` / :data:`hl.LEFT_NEAR_POOR`), its rows
    read for their identity (code, head's name, CCCD), or ``error`` when it cannot be read."""

    title: str
    kind: str
    results: list[hl.RowResult]
    error: str | None = None


@dataclass
class ParsedList:
    """The rows of a list file, parsed (before any database lookup); ``other_sheets``: the
    workbook's sheets of households that left the list."""

    file_format: str
    header: hl.Header
    title_year: int | None
    sheet: str | None
    results: list[hl.RowResult]
    other_sheets: list[OtherSheet] = field(default_factory=list)


def _xlsx_rows(data: bytes, filename: str) -> tuple[Any, list[tuple[str, Any]]]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as err:
        raise ImportFileError(f"Không đọc được tệp Excel «{filename}» ({err.__class__.__name__}). {_FIX_HINT}") from err
    sheets = [wb.active] + [ws for ws in wb.worksheets if ws is not wb.active]
    return wb, [(ws.title, ws) for ws in sheets if ws is not None and hasattr(ws, "iter_rows")]


def _real_rows(ws: Any) -> tuple[int, Callable[[], Iterator[Sequence[Any]]]]:
    """(rows the sheet declares, or 0 when it declares one cell; a function iterating its rows).

    Read-only openpyxl trusts the sheet's declared dimension: a sheet declaring ``A1`` (some
    writers do) would be read as one cell, one declaring more rows than it has padded with empty
    ones. The declared size is forgotten (``reset_dimensions``), so the rows are the ones really
    in the file, streamed as before (rows of different lengths: the row parser pads them)."""
    declared = (ws.max_row or 0) if (ws.max_column or 0) > 1 else 0
    if hasattr(ws, "reset_dimensions"):
        ws.reset_dimensions()
    return declared, (lambda: ws.iter_rows(values_only=True))


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


def _csv_candidates(data: bytes, filename: str) -> list[tuple[None, int, Callable[[], Iterator[Sequence[Any]]]]]:
    """The one "sheet" of a CSV file: (no title, its lines, a function iterating its rows)."""
    text = _csv_text(data, filename)
    delimiter = _csv_delimiter(text)
    total = text.count("\n") + 1
    return [(None, total, (lambda: csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)))]


def check_upload(data: bytes, filename: str, limits: ImportLimits) -> str:
    """What an upload is told at once, before its preview job reads it: :func:`sniff_format`
    (type, size, content against name) and, for a text file (.csv, .txt), its encoding and a table
    header among its first rows (:func:`hl.find_header`), which costs a few milliseconds; a text
    that is no list (notes, a letter) is refused here with the message the preview would give.
    An .xlsx is checked by the preview job (its container and XML checks read the whole file).

    Returns ``"xlsx"`` or ``"csv"``.  Raises ImportFileError (Vietnamese: what is wrong, how to fix)."""
    fmt = sniff_format(data, filename, limits)
    if fmt != "csv":
        return fmt
    candidates = _csv_candidates(data, filename)
    try:
        head = list(islice(candidates[0][2](), hl.HEADER_SEARCH_ROWS))
    except csv.Error as err:
        raise ImportFileError(f"Không đọc được nội dung tệp «{filename}»: {err}. {_FIX_HINT}") from err
    try:
        hl.find_header(head)
    except hl.ListFormatError as err:
        if not _has_content(candidates):
            raise ImportFileError(f"Tệp «{filename}» không có dữ liệu nào. Hãy chọn đúng tệp danh sách hộ.") from err
        raise ImportFileError(str(err)) from err
    return fmt


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
    current_year = today_vn().year  # the latest acceptable birth year
    wb = None
    if fmt == "xlsx":
        check_xlsx_container(data, filename, limits)
        wb, sheets = _xlsx_rows(data, filename)
        candidates = [(title, *_real_rows(ws)) for title, ws in sheets]
    else:
        candidates = _csv_candidates(data, filename)
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
            if len(candidates) > 1 and hl.sheet_kind(title, head[:header.first_row - 1]) != hl.LIST_SHEET:
                continue  # households that left the list: read by _other_sheets, never as the list
            results = _parse_rows(header, head, rows_iter, current_year, limits, total, progress, filename)
            if not any(r.skip_reason is None for r in results):
                raise ImportFileError(
                    f"Tệp «{filename}» có dòng tiêu đề (dòng {header.last_row}) nhưng không có dòng hộ "
                    "nào bên dưới. Hãy kiểm tra lại tệp."
                )
            year = hl.find_list_year(head[: header.first_row - 1])
            others = list(_other_sheets(candidates, title, current_year, limits, filename))
            return ParsedList(fmt, header, year, title, results, others)
        if header_error is not None and not _has_content(candidates):
            raise ImportFileError(f"Tệp «{filename}» không có dữ liệu nào. Hãy chọn đúng tệp danh sách hộ.")
        raise ImportFileError(str(header_error))
    finally:
        if wb is not None:
            wb.close()


def _other_sheets(candidates: list, chosen: str | None, this_year: int, limits: ImportLimits,
                  filename: str) -> Iterator[OtherSheet]:
    """The workbook's sheets of households that left the list (by the sheet's name or the title
    above its table), other than the list's own sheet, each read with the same row rules for the
    households' identity (:func:`hl.find_header` with ``left=True``)."""
    for title, total, make_rows in candidates:
        if title == chosen or title is None:
            continue
        rows_iter = iter(make_rows())
        head: list[Sequence[Any]] = []
        for row in rows_iter:
            head.append(row)
            if len(head) >= hl.HEADER_SEARCH_ROWS:
                break
        try:
            header = hl.find_header(head, left=True)
        except hl.ListFormatError as err:
            if hl.sheet_kind(title) != hl.LIST_SHEET:
                yield OtherSheet(title, hl.sheet_kind(title), [], str(err))
            continue
        kind = hl.sheet_kind(title, head[:header.first_row - 1])
        if kind == hl.LIST_SHEET:
            continue
        yield OtherSheet(title, kind, _parse_rows(header, head, rows_iter, this_year, limits, total, None, filename))


def _has_content(candidates: list) -> bool:
    for _title, _total, make_rows in candidates:
        for i, row in enumerate(make_rows()):
            if any(c is not None and str(c).strip() for c in row):
                return True
            if i > hl.HEADER_SEARCH_ROWS:
                break
    return False


# Rows taken from the sheet at a time before they are parsed.
_READ_AHEAD = 1000


def _read_ahead(rows: Iterator[Sequence[Any]]) -> Iterator[Sequence[Any]]:
    """``rows`` as they come, taken from the reader :data:`_READ_AHEAD` at a time.

    openpyxl's parsing of the sheet XML and the row checks then each run over a batch instead of
    taking turns row by row, which measured about a tenth faster for the whole read (20,000
    households, both layouts); at most a batch of rows as read is held at once.  An error while
    reading is raised where its row would have been reached, not when the batch was read, so a
    table that ends (a run of blank rows) before a broken row reads as it would without the batch.
    """
    while True:
        batch: list[Sequence[Any]] = []
        try:
            batch.extend(islice(rows, _READ_AHEAD))
        except Exception as err:  # noqa: BLE001 - raised below, where the row would be read
            yield from batch
            raise err
        yield from batch
        if len(batch) < _READ_AHEAD:
            return


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
        yield from _read_ahead(rest)

    parse = parser.parse
    deadline = time.monotonic() + limits.max_seconds
    try:
        for row in rows():
            number += 1
            r = parse(number, row)
            if r.skip_reason == hl.BLANK_ROW:
                blank_run += 1
                if blank_run >= BLANK_RUN_END:
                    break
                if blank_run > 1:
                    continue  # a run of blank rows is reported once
            else:
                blank_run = 0
                filled += 1
                households += r.skip_reason is None and r.head is None  # members are not households
                if households > limits.max_rows or filled > 2 * limits.max_rows + 1000:
                    raise ImportFileError(
                        f"Tệp «{filename}» có hơn {format_count(limits.max_rows)} dòng dữ liệu, vượt giới "
                        "hạn cho một lần nhập. Hãy chia danh sách thành nhiều tệp nhỏ hơn."
                    )
            results.append(r)
            if number % 1000 == 0:
                if time.monotonic() > deadline:
                    raise ImportFileError(
                        f"Đọc tệp «{filename}» quá {limits.max_seconds} giây (mới đến dòng {format_count(number)}) nên "
                        "dừng lại. Hãy mở tệp bằng Excel, xóa các trang tính và định dạng không cần thiết, lưu lại "
                        "dạng «Excel Workbook (.xlsx)» thông thường, hoặc chia danh sách thành nhiều tệp.")
                if progress is not None:
                    progress(number, total)
    except ImportFileError:
        raise
    except Exception as err:  # noqa: BLE001 - a broken sheet XML, a CSV quoting error
        raise ImportFileError(f"Không đọc được tệp «{filename}» ở dòng {number}: {err}. {_FIX_HINT}") from err
    # Trailing blank rows say nothing.
    while results and results[-1].skip_reason == hl.BLANK_ROW:
        results.pop()
    hl.finish_rows(results, header)
    if progress is not None:
        progress(number, max(total, number))
    return results
