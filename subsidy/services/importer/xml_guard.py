"""Bounding the work of parsing an .xlsx's XML, whatever is hidden inside it.

Python's XML parser (expat before 2.6, as shipped with Python 3.11 here) re-reads an unfinished
markup token from its start each time more input arrives, so one huge token costs time growing
with the square of its size: a 4.5 MB file holding a 199 MB XML comment kept the importer busy
for more than 300 s (10 MB → 5.4 s, 20 MB → 14.3 s). Spreadsheet programs never write such
tokens, so every XML part of the workbook is streamed once through :func:`scan_xml_parts`
before openpyxl parses anything (linear time, 1 MiB at a time), and refused if it holds

- a comment, CDATA section, document type (entities) or processing instruction other than the
  leading ``<?xml …?>`` declaration: Excel, LibreOffice and the other writers never put them in
  a workbook's parts, and each is a token of any length (a DOCTYPE also allows entity bombs);
- more than ``max_run`` bytes without a ``<``: a tag, an attribute value or a text longer than
  any cell can hold (Excel's 32,767 characters are at most ~160 KB of escaped UTF-8).

What is left is made of short tokens, which expat parses in time proportional to the size
(already bounded by the container check in :mod:`.reader`).
"""
from __future__ import annotations

import zipfile
from typing import BinaryIO

CHUNK = 1024 * 1024
#: Longest run of bytes without "<" accepted in a workbook XML part.
MAX_RUN = 256 * 1024
_XML_PARTS = (".xml", ".rels")
_DECLARATION = (b"<?xml", b"\xef\xbb\xbf<?xml")


class UnsafeXml(ValueError):
    """An XML part holds something no spreadsheet program writes. ``part`` names it, ``what``
    says what was found (Vietnamese)."""

    def __init__(self, part: str, what: str) -> None:
        super().__init__(f"{part}: {what}")
        self.part, self.what = part, what


def _scan(fh: BinaryIO, part: str, max_run: int) -> None:
    offset = 0  # bytes of the part before ``chunk``
    run = 0  # bytes since the last "<"
    last = b""  # the previous chunk's last byte: a "<!" may be split between two chunks
    while chunk := fh.read(CHUNK):
        if last == b"<" and chunk[:1] in (b"!", b"?"):
            raise UnsafeXml(part, "phần chú thích hoặc chỉ thị XML")
        for marker in (b"<!", b"<?"):
            i = chunk.find(marker)
            while i >= 0:
                at = offset + i
                if not (marker == b"<?" and at in (0, 3) and (chunk[i:i + 5] == b"<?xml")):
                    raise UnsafeXml(part, "phần chú thích, CDATA, DOCTYPE hoặc chỉ thị XML")
                i = chunk.find(marker, i + 1)
        first = chunk.find(b"<")
        if first < 0:
            run += len(chunk)
        else:
            run += first
            if run > max_run or _long_run_inside(chunk, max_run):
                run = max_run + 1
                break
            run = len(chunk) - chunk.rfind(b"<") - 1
        if run > max_run:
            break
        offset += len(chunk)
        last = chunk[-1:]
    if run > max_run:
        raise UnsafeXml(part, f"một đoạn dài hơn {max_run // 1024} KB không có thẻ nào")


def _long_run_inside(chunk: bytes, max_run: int) -> bool:
    """True when ``chunk`` holds more than ``max_run`` bytes without "<" between two of its "<".

    Any such run covers a whole aligned block of ``max_run // 2`` bytes: when every block holds a
    "<" (one ``find`` each, C speed) there is none, and the runs are measured one by one (a split,
    which makes an object per tag) only for a chunk where some block has no "<"."""
    block = max(max_run // 2, 1)
    if all(chunk.find(b"<", start, start + block) >= 0 for start in range(0, len(chunk) - block + 1, block)):
        return False
    pieces = chunk.split(b"<")
    return max(map(len, pieces[1:-1]), default=0) > max_run


def scan_xml_parts(zf: zipfile.ZipFile, max_run: int = MAX_RUN) -> None:
    """Stream every XML part of the workbook ``zf`` once (see the module docstring).

    Raises UnsafeXml for the first part that holds a comment, CDATA, DOCTYPE or processing
    instruction (the leading declaration aside), or a run longer than ``max_run`` bytes without
    a ``<``. The zip's sizes must have been checked first (the container check): this reads
    every XML part in full."""
    for info in zf.infolist():
        if info.filename.lower().endswith(_XML_PARTS) and not info.is_dir():
            with zf.open(info) as fh:
                _scan(fh, info.filename, max_run)
