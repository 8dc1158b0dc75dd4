"""Lists that must not hold the importer hostage: an .xlsx hiding a huge XML comment (a "comment
bomb", under both zip limits) or an over-long token is refused quickly in bounded memory, and a
valid list whose sheet declares its dimension as ``A1`` is read by its real rows."""
from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from subsidy.services.importer import ImportFileError, read_household_list
from subsidy.services.importer.xml_guard import CHUNK, MAX_RUN, UnsafeXml, scan_xml_parts
from tests.conftest import DATA

XLSX = DATA / "ho-ngheo-2025-phu-tan.xlsx"
SHEET = "xl/worksheets/sheet1.xml"
ROOT = Path(__file__).resolve().parents[2]


def _rewrite(out: Path, replace) -> None:
    """Copy the sample workbook to ``out``, the sheet XML passed through ``replace(xml, fh)``
    (which writes the new sheet to ``fh``, a zip member opened for writing, in pieces)."""
    src = zipfile.ZipFile(XLSX)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == SHEET:
                with zout.open(SHEET, "w", force_zip64=True) as fh:
                    replace(data, fh)
            else:
                zout.writestr(info.filename, data)


def _bomb(out: Path, megabytes: int, where: str) -> None:
    # Each 44 KB unit: 1 KB of random hex and 43 KB of one letter, so the whole inflates about
    # 80:1 (under the 100:1 ratio limit), as the probe's 4.5 MB → 199 MB file (44:1) did.
    unit = os.urandom(512).hex().encode() + b"A" * (43 * 1024)
    block = unit * (1024 * 1024 // len(unit))

    def replace(xml: bytes, fh) -> None:
        cut = xml.index(b"<sheetData>") + len(b"<sheetData>") if where == "start" else xml.index(b"</sheetData>")
        fh.write(xml[:cut] + b"<!--")
        for _ in range(megabytes):
            fh.write(block)
        fh.write(b"-->" + xml[cut:])

    _rewrite(out, replace)


def test_comment_bombs_are_refused_quickly_in_bounded_memory(tmp_path):
    files = []
    for where in ("start", "end"):
        path = tmp_path / f"bomb-{where}.xlsx"
        _bomb(path, 40, where)
        info = zipfile.ZipFile(path).getinfo(SHEET)
        assert info.file_size > 40_000_000 and info.file_size < 100 * info.compress_size  # under both limits
        files.append(str(path))
    # In a process of its own, so its time and peak memory are the import's alone.
    script = (
        "import json, sys, time\n"
        "from subsidy.services.importer import ImportFileError, ImportLimits, read_household_list\n"
        "out = []\n"
        "for name in sys.argv[1:]:\n"
        "    data = open(name, 'rb').read()\n"
        "    t = time.monotonic()\n"
        "    try:\n"
        "        read_household_list(data, name.rsplit('/', 1)[-1], ImportLimits(max_bytes=50 << 20))\n"
        "        msg = 'read'\n"
        "    except ImportFileError as err:\n"
        "        msg = str(err)\n"
        "    out.append([msg, time.monotonic() - t])\n"
        # VmHWM: the peak of this process's own memory. ru_maxrss would also count the memory of
        # the test worker it was forked from (Linux keeps the larger across exec).
        "hwm = [int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM:')][0]\n"
        "print(json.dumps([out, hwm // 1024]))\n"
    )
    proc = subprocess.run([sys.executable, "-c", script, *files], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    results, peak_mb = json.loads(proc.stdout)
    for message, seconds in results:
        assert "nội dung mà Excel không tạo ra" in message and "lưu lại" in message and seconds < 20
    assert peak_mb < 300


def test_an_over_long_token_is_refused(tmp_path):
    path = tmp_path / "long-attribute.xlsx"

    def replace(xml: bytes, fh) -> None:
        fh.write(xml.replace(b"<sheetData>", b'<sheetData><row r="1" x="' + b"9" * (300 * 1024) + b'"/>', 1))

    _rewrite(path, replace)
    with pytest.raises(ImportFileError, match="một đoạn dài hơn 256 KB không có thẻ nào"):
        read_household_list(path.read_bytes(), path.name)


def test_a_sheet_declaring_dimension_a1_is_read_by_its_real_rows(app, tmp_path):
    path = tmp_path / "ho-ngheo-2025-a1.xlsx"

    def replace(xml: bytes, fh) -> None:
        new, n = re.subn(rb'<dimension ref="[^"]*" ?/>', b'<dimension ref="A1"/>', xml)
        assert n == 1
        fh.write(new)

    _rewrite(path, replace)
    # The sample list's expected export holds its 180 households (and a header line).
    expected = (DATA / "ho-ngheo-2025-phu-tan.expected.csv").read_bytes().count(b"\r\n") - 1
    parsed = read_household_list(path.read_bytes(), path.name)
    assert sum(1 for r in parsed.results if r.skip_reason is None) == expected == 180
    result = app.test_cli_runner().invoke(args=["import-households", str(path)])
    assert result.exit_code == 0 and f"Đã nhập: thêm {expected} hộ" in result.output, result.output


@pytest.mark.parametrize(("where", "length", "refused"), [
    ("inside a chunk", MAX_RUN, False), ("inside a chunk", MAX_RUN + 1, True),
    ("across two chunks", MAX_RUN, False), ("across two chunks", MAX_RUN + 1, True),
    ("at the end", MAX_RUN + 1, True), ("at the start", MAX_RUN + 1, True),
])
def test_the_longest_run_without_a_tag_is_measured_exactly(where, length, refused):
    """A run of bytes without "<" is refused past MAX_RUN wherever it lies: between two tags of one
    1 MiB chunk, across the boundary of two chunks, at the end or the start of a part; one byte
    shorter passes (the guard's block test and its exact measure agree)."""
    tags = b"<c>1</c>" * 4000
    run = b"9" * length  # the bytes after a "<" up to the next one (what the guard measures)
    if where == "inside a chunk":
        xml = b"<a>" + tags + b"<" + run + tags + b"</a>"
    elif where == "across two chunks":
        xml = b"<a>" + b"<b/>" * ((CHUNK - length // 2) // 4) + b"<" + run + tags + b"</a>"
    elif where == "at the end":
        xml = b"<a>" + tags + b"<" + run
    else:
        xml = run + b"<a>" + tags + b"</a>"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("xl/worksheets/sheet1.xml", xml)
    zf = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    if refused:
        with pytest.raises(UnsafeXml, match="không có thẻ nào"):
            scan_xml_parts(zf)
    else:
        scan_xml_parts(zf)
