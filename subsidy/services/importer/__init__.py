"""Importing the year's poor / near-poor household list from Excel (.xlsx) or CSV.

One use case, :func:`import_households`, serves the web upload, its preview and the CLI, in
three steps, one module each:

1. **read** (:mod:`.reader`, never touches the database): check the file — not empty, not too
   large, a real .xlsx (zip magic, workbook inside, uncompressed size and compression ratio
   checked from the zip directory *before* openpyxl inflates anything, every XML part streamed once
   through :mod:`.xml_guard` so no hidden token can make the parse take minutes, the sheet's
   declared dimension ignored so its real rows are read) or a UTF-8 CSV — then find
   the header and parse every row with :mod:`subsidy.domain.household_list`;
2. **plan** (:mod:`.plan`): with the households on file matched by their keys (:mod:`.on_file`), classify each row as
   ``new``, ``update`` (matched by household code, then by CCCD when the head's name agrees),
   ``unchanged``, ``error`` (with its row number and a Vietnamese reason) or ``skipped``;
3. **write** (:mod:`.bulk_write`, the one bulk write path for households) unless ``dry_run``:
   all or nothing by default (any error refuses the whole file, :class:`ImportRefused`), or only
   the valid rows with ``skip_invalid``.  Importing the same file again finds every row unchanged
   and writes nothing (no audit entry either).

Sources: shared/data/README.md; domain.md §9.  The use case flushes, never commits; the caller
commits once.
"""
from __future__ import annotations

import gc
import threading
from contextlib import contextmanager
from typing import Iterator, Sequence

from sqlalchemy.orm import Session

from subsidy.domain.scope import enters_households, household_entry_refusal
from subsidy.models import User
from subsidy.services.communes import add_missing_hamlets
from subsidy.services.errors import ServiceError
from subsidy.services.importer.bulk_write import write_import
from subsidy.services.importer.hamlets_plan import hamlets_to_add
from subsidy.services.importer.plan import (
    FIELD_LABELS, IMPORT_FIELDS, STATUS_LABELS, ImportPlan, ImportReport, RowOutcome, choose_year, plan_import,
)
from subsidy.services.importer.reader import (
    ImportFileError, ImportLimits, ParsedList, Progress, check_upload, check_xlsx_container, read_household_list,
    sniff_format,
)

__all__ = [
    "import_households", "ImportRefused", "ImportStale", "ImportForbidden", "check_importer",
    "ImportFileError", "ImportLimits", "ParsedList", "Progress", "check_upload", "check_xlsx_container",
    "read_household_list", "sniff_format",
    "FIELD_LABELS", "IMPORT_FIELDS", "STATUS_LABELS", "ImportPlan", "ImportReport", "RowOutcome", "choose_year",
    "plan_import",
]


class ImportRefused(ServiceError):
    """Some rows have errors and ``skip_invalid`` was not asked: nothing was written.
    ``report`` holds every row with its status and reason."""

    def __init__(self, report: ImportReport) -> None:
        self.report = report
        n = report.counts.get("error", 0)
        super().__init__(
            f"Không nhập tệp này: có {n} dòng lỗi nên chưa ghi dòng nào (nhập tất cả hoặc không "
            "nhập gì). Hãy sửa các dòng lỗi trong tệp rồi nhập lại, hoặc chọn «Bỏ qua các dòng "
            "lỗi» để chỉ nhập các dòng đúng."
        )


class ImportStale(ServiceError):
    """The data on file changed since the preview the clerk confirmed (a household added or edited,
    another import): what the import would write now differs from what the preview showed, so
    nothing was written.  ``report`` is the new preview (``stale_rows``: how many rows differ)."""

    def __init__(self, report: ImportReport) -> None:
        self.report = report
        super().__init__(
            f"Chưa ghi dòng nào: dữ liệu đã thay đổi từ lúc xem trước, nay có {report.stale_rows} dòng khác với "
            "bản xem trước. Hãy xem lại bản xem trước mới rồi bấm «Xác nhận nhập» lần nữa."
        )


class ImportForbidden(ServiceError):
    """The account may not import the household list (domain.scope.household_entry_refusal)."""


def check_importer(actor: User | None) -> None:
    """Raise ImportForbidden (domain.scope.household_entry_refusal) unless ``actor`` may import the
    household list (domain.scope.enters_households); None, the system (the CLI), may."""
    if actor is not None and not enters_households(actor.role):
        raise ImportForbidden(household_entry_refusal(actor.role))


def import_households(session: Session, data: bytes, filename: str, actor: User | None, *,
                      year: int | None = None, dry_run: bool = False, skip_invalid: bool = False,
                      limits: ImportLimits | None = None, progress: Progress | None = None,
                      hamlets: Sequence[str] | None = None, commune_id: int | None = None,
                      complete: bool | None = None, shown: ImportReport | None = None) -> ImportReport:
    """Import a household list (.xlsx or .csv); with ``dry_run`` only preview it.

    Shapes: ``data`` the file's bytes, ``filename`` its name; ``year`` the list year (default:
    :func:`choose_year`); ``progress(done_rows, total_rows)``; ``hamlets`` the configured hamlets
    (a hamlet not on the commune's hamlets table is reported in ``report.new_hamlets``, not
    refused, and the confirmed import adds it to the table, audited: hamlets_plan); ``commune_id`` the commune whose list it is (default: the
    Session's, or the instance's only commune); ``complete``: the list replaces that commune's
    previous one (None: the default of :func:`year_plan.default_complete`); ``shown``: the preview
    the clerk confirmed — the plan is made again inside the caller's transaction and, when it
    would write anything other than what that preview showed, nothing is written.  Returns the
    :class:`ImportReport` (``committed`` True
    when rows were written).

    Raises ImportForbidden when ``actor`` is an account whose role does not enter households
    (domain.scope.enters_households: the clerk does; an admin does not: the list holds every CCCD
    and phone) — ``actor`` None is the system (the CLI without ``--user``) —, ImportFileError (the
    file is refused as a whole: type, size, zip bomb, header, rows), ImportRefused (rows with errors
    and no ``skip_invalid``: nothing written; ``.report`` has the rows), ImportStale (``shown`` given
    and the plan differs from it: nothing written; ``.report`` is the new preview).  Flushes, never commits.
    """
    check_importer(actor)
    with _gc_paused():
        parsed = read_household_list(data, filename, limits, progress)
        plan = plan_import(session, parsed, filename, year, skip_invalid, hamlets, commune_id, complete)
        del parsed  # plan_import emptied its rows; the plan keeps what it writes
        report = plan.report
        if dry_run:
            return report
        if shown is not None:
            report.stale_rows = report.differs_from(shown)
            if report.stale_rows:
                raise ImportStale(report)
        if report.counts["error"] and not skip_invalid:
            raise ImportRefused(report)
        if not plan.writes_anything:
            return report
        write_import(session, plan, actor)
        add_missing_hamlets(session, plan.commune_id, hamlets_to_add(report.new_hamlets), actor)
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
