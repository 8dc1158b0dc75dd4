"""Benchmark the household import on a generated 20,000-household list.

usage: .venv/bin/python bench/import_households.py [--rows 20000] [--layout both|household|person]
       [--keep DIR [--reuse]] [--code CHECKOUT]

Each layout runs in its own child process, and within it every measurement below in a child of
its own (so each CPU time and each peak RSS is that one step's alone):

1. writes an .xlsx in the sample's format (two title blocks, list title "… NĂM 2025", a two-row
   header with merged cells, x marks, some CCCDs and phones typed as numbers, NFD / capital /
   spaced names, some birth dates, a blank row, a total line and a signature block) — in a
   child process, so the figures below are the import's alone.  ``person``: the same households
   kept one row per person (the review's export: "Họ và tên" and "Quan hệ với chủ hộ"; the
   head's row with the household's facts and its code as a float, then 0–5 member rows with
   name, relation, birth year or date, sex and, for those born before 2013, a CCCD), about three
   sheet rows per household;
2. times a bare openpyxl read-only pass over the file (every cell value read, nothing done);
3. imports it with subsidy.services.importer.import_households into a fresh SQLite database
   built by the migrations, and commits;
4. imports it again (every row must come back unchanged) and times a web-style preview (dry run);
5. times the bare pass again (the faster of the two is the floor: the machine may be busy);
6. prints rows/s (CPU time of the child), the ratio to the bare pass and, for each import, the
   peak RSS of the process that ran it (VmHWM from /proc/self/status; with the RSS of the
   process before it read the file: the interpreter, the app's modules and the database
   engine).  Targets: ≥ 2,000 rows/s, peak ≤ 300 MB, import speed at least half the bare pass
   (for the per-person layout, sheet rows per second against the bare pass's sheet rows per
   second).  Figures, not pass/fail.

``--code CHECKOUT``: import ``subsidy`` from another checkout of the project (e.g. a git worktree
of an earlier commit) instead of this one, to measure before and after on the same file
(``--keep DIR --reuse``), alternating.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng", "Võ", "Phan", "Trương", "Bùi", "Đặng",
          "Đỗ", "Ngô", "Hồ", "Dương", "Đinh", "Lâm", "Châu", "Mai", "Tô", "Lương", "Lý"]
MIDDLE_M = ["Văn", "Hữu", "Minh", "Thành", "Công", "Quốc", "Tấn", "Phước", "Hoàng", "Thanh"]
MIDDLE_F = ["Thị", "Ngọc", "Bích", "Kim", "Mỹ", "Thúy", "Hồng", "Thanh"]
GIVEN_M = ["Hùng", "Dũng", "Nghĩa", "Tuấn", "Thắng", "Lực", "Quý", "Sơn", "Đức", "Út", "Bình", "Tâm", "Điền", "Phúc"]
GIVEN_F = ["Hoa", "Lan", "Thu", "Hương", "Phượng", "Ngân", "Hạnh", "Yến", "Nga", "Tư", "Bé", "Ánh", "Diệu", "Thảo"]
HAMLETS = ["Ấp Phú Hòa", "Ấp Phú Thành", "Ấp Phú Xuân", "Ấp Phú Lợi", "Ấp Phú Thạnh", "Ấp Phú Hưng", "Ấp Cồn Cống"]


def generate(path: Path, rows: int, seed: int = 20_000) -> None:
    """Write the benchmark list (run in a child process: see the module docstring)."""
    import openpyxl
    from openpyxl.styles import Alignment, Font

    rnd = random.Random(seed)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "DS ho ngheo"
    ws["A1"] = "ỦY BAN NHÂN DÂN XÃ PHÚ TÂN"
    ws.merge_cells("A1:D1")
    ws["H1"] = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    ws.merge_cells("H1:M1")
    ws["H2"] = "Độc lập - Tự do - Hạnh phúc"
    ws.merge_cells("H2:M2")
    ws["A4"] = "DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2025"
    ws.merge_cells("A4:M4")
    ws["A4"].font = Font(bold=True)
    top = ["STT", "Mã hộ", "Họ và tên chủ hộ", "Năm sinh", "Giới tính", "Số CCCD", "Ấp", "Số nhân khẩu",
           "Phân loại hộ", None, "Thuộc đối tượng", None, "Số điện thoại"]
    for col, value in enumerate(top, 1):
        if value:
            ws.cell(6, col, value).alignment = Alignment(horizontal="center", wrap_text=True)
    for col, value in ((9, "Nghèo"), (10, "Cận nghèo"), (11, "Người có công"), (12, "Chính sách XH")):
        ws.cell(7, col, value)
    for rng in ("A6:A7", "B6:B7", "C6:C7", "D6:D7", "E6:E7", "F6:F7", "G6:G7", "H6:H7", "I6:J6", "K6:L6", "M6:M7"):
        ws.merge_cells(rng)
    r = 8
    codes = rnd.sample(range(10**8), rows)
    # Serials ending in 00000 would be flagged as a probable scientific-notation loss: avoid them.
    serials = [n for n in rnd.sample(range(10**6), rows + 100) if n % 100_000][:rows]
    for i in range(rows):
        if i == rows // 2:
            r += 1  # a blank row in the middle of the table
        female = rnd.random() < 0.5
        name = " ".join([rnd.choice(FAMILY), rnd.choice(MIDDLE_F if female else MIDDLE_M),
                         rnd.choice(GIVEN_F if female else GIVEN_M)])
        x = rnd.random()
        if x < 0.05:
            name = unicodedata.normalize("NFD", name)
        elif x < 0.08:
            name = name.upper()
        elif x < 0.10:
            name = "  " + name.replace(" ", "  ", 1) + " "
        year = rnd.randint(1935, 2005)
        birth: object = year if rnd.random() > 0.05 else dt.datetime(year, rnd.randint(1, 12), rnd.randint(1, 28))
        sex_digit = (0 if year < 2000 else 2) + (1 if female else 0)
        cccd = f"082{sex_digit}{year % 100:02d}{serials[i]:06d}"
        cccd_cell: object = int(cccd) if rnd.random() < 0.3 else cccd
        phone = f"0{rnd.choice('3579')}{rnd.randint(0, 99_999_999):08d}"
        y = rnd.random()
        phone_cell: object = None if y < 0.15 else (int(phone) if y < 0.4 else phone)
        poor = rnd.random() < 0.4
        mark = "x" if rnd.random() < 0.9 else "X"
        ws.append([])  # keeps openpyxl's row pointer moving; values written below
        values = [i + 1, f"82{codes[i]:08d}", name, birth, "Nữ" if female else "Nam", cccd_cell,
                  rnd.choice(HAMLETS), rnd.randint(1, 8), mark if poor else None, None if poor else mark,
                  "x" if rnd.random() < 0.05 else None, "x" if rnd.random() < 0.1 else None, phone_cell]
        for col, value in enumerate(values, 1):
            if value is not None:
                cell = ws.cell(r, col, value)
                if isinstance(value, dt.datetime):
                    cell.number_format = "dd/mm/yyyy"
        r += 1
    r += 1
    ws.cell(r, 2, f"Tổng cộng: {rows} hộ")
    ws.cell(r + 2, 3, "Người lập biểu")
    ws.cell(r + 2, 10, "KT. CHỦ TỊCH")
    ws.cell(r + 3, 10, "PHÓ CHỦ TỊCH")
    wb.save(path)


RELATIONS = ("Vợ", "Chồng", "Con", "Con", "Con", "Mẹ", "Cha", "Cháu", "Con dâu")


def generate_people(path: Path, households: int, seed: int = 20_000) -> int:
    """The per-person benchmark list (see the module docstring); returns its number of people."""
    import openpyxl
    from openpyxl.styles import Font

    rnd = random.Random(seed)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sau ra soat"
    ws["A1"] = "ỦY BAN NHÂN DÂN XÃ PHÚ TÂN"
    ws["A3"] = "DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO SAU RÀ SOÁT NĂM 2025"
    ws["A3"].font = Font(bold=True)
    header = ["STT", "Mã hộ", "Họ và tên", "Quan hệ với chủ hộ", "Ngày sinh", "Giới tính", "Số CCCD", "Ấp",
              "Số nhân khẩu", "Phân loại hộ", "Số điện thoại"]
    for col, value in enumerate(header, 1):
        ws.cell(5, col, value)
    codes = rnd.sample(range(10**8), households)
    serials = iter(n for n in rnd.sample(range(10**6), households * 7) if n % 100_000)
    r, people = 6, 0

    def person(female: bool, year: int) -> tuple[str, object, str, object]:
        name = " ".join([rnd.choice(FAMILY), rnd.choice(MIDDLE_F if female else MIDDLE_M),
                         rnd.choice(GIVEN_F if female else GIVEN_M)])
        birth: object = year if rnd.random() > 0.3 else dt.datetime(year, rnd.randint(1, 12), rnd.randint(1, 28))
        cccd: object = None
        if year <= 2012:
            cccd = f"082{(0 if year < 2000 else 2) + (1 if female else 0)}{year % 100:02d}{next(serials):06d}"
            cccd = int(cccd) if rnd.random() < 0.3 else cccd
        return name, birth, "Nữ" if female else "Nam", cccd

    for i in range(households):
        female = rnd.random() < 0.5
        year = rnd.randint(1935, 1995)
        name, birth, sex, cccd = person(female, year)
        n_members = rnd.choice((0, 1, 1, 2, 2, 3, 3, 4, 5))
        phone = f"0{rnd.choice('3579')}{rnd.randint(0, 99_999_999):08d}" if rnd.random() < 0.8 else None
        code = float(f"82{codes[i]:08d}") if rnd.random() < 0.5 else f"82{codes[i]:08d}"
        values = [i + 1, code, name, "Chủ hộ", birth, sex, cccd, rnd.choice(HAMLETS), 1 + n_members,
                  "Hộ nghèo" if rnd.random() < 0.4 else "Hộ cận nghèo", phone]
        for col, value in enumerate(values, 1):
            if value is not None:
                ws.cell(r, col, value)
        r += 1
        for _ in range(n_members):
            m_year = min(2024, year + rnd.randint(-30, 35))
            m_name, m_birth, m_sex, m_cccd = person(rnd.random() < 0.5, m_year)
            for col, value in ((3, m_name), (4, rnd.choice(RELATIONS)), (5, m_birth), (6, m_sex), (7, m_cccd)):
                if value is not None:
                    ws.cell(r, col, value)
            r += 1
        people += 1 + n_members
    ws.cell(r + 1, 2, f"Tổng cộng: {households} hộ, {people} nhân khẩu")
    ws.cell(r + 3, 3, "Người lập biểu")
    wb.save(path)
    return people


class Clock:
    """Wall time and CPU time of this process (the machine may be shared: CPU time is steadier)."""

    def __enter__(self) -> "Clock":
        self.wall0, self.cpu0 = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall0
        self.cpu = time.process_time() - self.cpu0


def memory_kb() -> dict[str, int]:
    """VmHWM (peak RSS) and VmRSS of this process, in KiB (Linux /proc)."""
    out = {}
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith(("VmHWM:", "VmRSS:")):
                key, value = line.split(":", 1)
                out[key] = int(value.split()[0])
    return out


def bare_pass(path: Path) -> dict:
    """openpyxl read-only, every cell value of the active sheet read, nothing else done."""
    import openpyxl

    with Clock() as clock:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        n = 0
        for row in wb.active.iter_rows(values_only=True):
            for _value in row:
                pass
            n += 1
        wb.close()
    return {"wall": clock.wall, "cpu": clock.cpu, "rows": n}


def one_import(step: str, xlsx: Path, db: Path, rows: int) -> dict:
    """One import of ``xlsx`` into ``db`` (``first``: a new database; ``again``: every row must come
    back unchanged; ``preview``: a dry run), in this process; its figures and memory."""
    import openpyxl  # noqa: F401 - loaded before the clock starts, as in the bare pass (a server has it loaded)

    from subsidy.db import make_engine, make_sessionmaker, upgrade_database
    from subsidy.services.importer import ImportLimits, import_households

    url = f"sqlite:///{db}"
    if step == "first":
        db.unlink(missing_ok=True)
        upgrade_database(url)
    engine = make_engine(url)
    Session = make_sessionmaker(engine)
    with Session() as session:  # the engine's first connection: part of the app, not of the import
        session.connection()
    data = xlsx.read_bytes()
    # the bench may go beyond the default 50,000-row limit of one import (--rows)
    limits = ImportLimits(max_bytes=50 * 1024 * 1024, max_rows=max(50_000, rows), max_seconds=3600)
    before = memory_kb()
    with Session() as session, Clock() as clock:
        report = import_households(session, data, xlsx.name, None, limits=limits, dry_run=step == "preview")
        session.commit()
    counts = report.counts
    if step == "first":
        assert counts["new"] == rows and counts["error"] == 0, (counts, report.error_rows[:3])
    elif step == "again":
        assert counts["unchanged"] == rows and not report.committed, counts
    # Rows of data read: one per household, or per person in the per-person layout.
    n = sum(1 + len(r.people) for r in report.rows if r.status != "skipped")
    engine.dispose()
    return {"wall": clock.wall, "cpu": clock.cpu, "rows": n, "counts": counts,
            "rss_before_mb": before["VmRSS"] / 1024, "peak_mb": memory_kb()["VmHWM"] / 1024}


def child(args: argparse.Namespace, step: str, xlsx: Path, db: Path) -> dict:
    """Run ``step`` in a new process (importing subsidy from ``--code`` if given); its figures."""
    env = dict(os.environ)
    if args.code:
        env["PYTHONPATH"] = str(args.code.resolve())
    out = subprocess.run([sys.executable, __file__, "--step", step, "--file", str(xlsx), "--db", str(db),
                          "--rows", str(args.rows)] + (["--code", str(args.code)] if args.code else []),
                         check=True, capture_output=True, text=True, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=20_000)
    ap.add_argument("--layout", choices=("both", "household", "person"), default="both")
    ap.add_argument("--keep", type=Path, help="keep the generated file and database in this folder")
    ap.add_argument("--reuse", action="store_true",
                    help="with --keep: use the file a previous run generated there (same rows and seed)")
    ap.add_argument("--code", type=Path, help="import subsidy from this checkout instead of this one")
    ap.add_argument("--generate", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--step", choices=("bare", "first", "again", "preview"), help=argparse.SUPPRESS)
    ap.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.generate:
        if args.layout == "person":
            generate_people(args.generate, args.rows)
        else:
            generate(args.generate, args.rows)
        return
    if args.step:
        if args.code:
            sys.path.insert(0, str(args.code.resolve()))
        result = bare_pass(args.file) if args.step == "bare" else one_import(args.step, args.file, args.db, args.rows)
        print(json.dumps(result))
        return
    if args.layout == "both":
        for layout in ("household", "person"):
            print(f"== layout: {layout}", flush=True)
            cmd = [sys.executable, __file__, "--rows", str(args.rows), "--layout", layout]
            if args.keep:
                cmd += ["--keep", str(args.keep / layout)] + (["--reuse"] if args.reuse else [])
            if args.code:
                cmd += ["--code", str(args.code)]
            subprocess.run(cmd, check=True)
        return

    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-import-"))
    work.mkdir(parents=True, exist_ok=True)
    suffix = "-nhan-khau" if args.layout == "person" else ""
    xlsx = work / f"ho-ngheo-2025-bench-{args.rows}{suffix}.xlsx"
    t = time.perf_counter()
    if args.reuse and xlsx.exists():
        print(f"reused {xlsx.name}: {args.rows} households ({args.layout} layout), {xlsx.stat().st_size / 1e6:.2f} MB")
    else:
        subprocess.run([sys.executable, __file__, "--generate", str(xlsx), "--rows", str(args.rows),
                        "--layout", args.layout], check=True)
        print(f"generated {xlsx.name}: {args.rows} households ({args.layout} layout), "
              f"{xlsx.stat().st_size / 1e6:.2f} MB in {time.perf_counter() - t:.1f} s")
    if args.code:
        print(f"code: {args.code.resolve()}")
    db = work / "bench.sqlite3"
    bare = child(args, "bare", xlsx, db)
    imp = child(args, "first", xlsx, db)
    again = child(args, "again", xlsx, db)
    preview = child(args, "preview", xlsx, db)
    bare2 = child(args, "bare", xlsx, db)  # again after, to smooth out a busy machine
    if bare2["cpu"] < bare["cpu"]:
        bare = bare2
    n, counts = imp["rows"], imp["counts"]

    def line(label: str, c: dict, rows: int) -> str:
        return (f"{label:<33}: {c['wall']:6.2f} s wall {rows / c['wall']:7.0f} rows/s | "
                f"{c['cpu']:6.2f} s CPU {rows / c['cpu']:7.0f} rows/s")

    print(line("bare openpyxl read-only pass", bare, bare["rows"]) + f"  ({bare['rows']} sheet rows)")
    print(line("import (read+check+insert+commit)", imp, n) + f"  (new {counts['new']} households, {n} data rows, "
          f"skipped {counts['skipped']}; {args.rows / imp['cpu']:.0f} households/s CPU)")
    print(f"{'import speed / bare pass':<33}: {(n / imp['wall']) / (bare['rows'] / bare['wall']):6.2f} wall | "
          f"{(n / imp['cpu']) / (bare['rows'] / bare['cpu']):6.2f} CPU   (target ≥ 0.50)")
    print(line("second import (all unchanged)", again, n))
    print(line("preview (dry run, full DB)", preview, n))
    print(f"{'peak RSS, each in its own process':<33}: first import {imp['peak_mb']:.0f} MB, second "
          f"{again['peak_mb']:.0f} MB, preview {preview['peak_mb']:.0f} MB (target ≤ 300 MB; the process held "
          f"{imp['rss_before_mb']:.0f} MB before reading the file)")
    if not args.keep:
        import shutil

        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
