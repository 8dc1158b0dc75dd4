"""Render N receipts (default 1,000) and print receipts/s, peak memory, and the rate of a bare
reportlab page with the same text, side by side, with the ratio.

usage: .venv/bin/python bench/receipts.py [--n 1000] [--kind mixed|handover|cash] [--all-cores]
       [--sample OUT.pdf]

* "receipts": subsidy.documents.receipt.render(data) for N different receipts (names, IMEIs,
  tracking codes — so N different QR codes — and numbers vary), half biên bản bàn giao and half
  giấy biên nhận by default, every one a full A4 page with the administrative header, tables,
  signature blocks and the QR code, fonts embedded (subset).
* "bare page": a reportlab canvas with the same lines of text drawn with drawString in the same
  font (no layout, no table, no QR): what the text alone costs.
Target (README, benchmarks): ≥ 50 receipts/s on one core; the process is pinned to one CPU unless
--all-cores. Rates are computed from the process's CPU time (time.process_time), so a busy
machine (other processes on the same core) does not distort them; the wall-clock rate is printed
too. Peak memory is the process's maximum resident set size (getrusage).
Figures are printed, not asserted (a benchmark, not a test).
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402

from subsidy.documents import base as b  # noqa: E402
from subsidy.documents import receipt as doc  # noqa: E402
from subsidy.domain import vn  # noqa: E402

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"]
MIDDLE = ["Văn", "Thị", "Ngọc", "Minh", "Hữu", "Thanh", "Quốc", "Mỹ"]
GIVEN = ["Hưởng", "Tuyết", "Ẩn", "Nhung", "Việt", "Lan", "Thuỵ", "Đức", "Ánh", "Hồng", "Phượng", "Ưng"]
HAMLETS = ["Ấp Phú Hòa", "Ấp Phú Thành", "Ấp Phú Xuân", "Ấp Phú Lợi", "Ấp Phú Thạnh", "Ấp Phú Hưng"]
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
AMOUNTS = [500_000, 500_000, 500_000, 1_250_000]


def _luhn(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)


def _code(i: int) -> str:
    out, n = [], i * 7919 + 104729
    for _ in range(10):
        n, r = divmod(n, len(ALPHABET))
        out.append(ALPHABET[r])
    return "".join(out)


def make_receipt(i: int, kind: str) -> doc.ReceiptData:
    """Receipt number i+1 with varied data (the same shape the services store)."""
    name = f"{SURNAMES[i % 12]} {MIDDLE[i % 8]} {GIVEN[(i * 5) % 12]}"
    head = f"{SURNAMES[(i + 3) % 12]} {MIDDLE[(i + 1) % 8]} {GIVEN[(i * 7) % 12]}"
    day = f"{1 + i % 28:02d}/{1 + i % 12:02d}/2026"
    code = _code(i)
    series = "BB-VTCI" if kind == "handover" else "BN-VTCI"
    common = dict(
        kind=kind, number_display=f"{i + 1:04d}/{series}", series=series, year=2026, number=i + 1,
        issuer_body_upper="", issuer_body="ỦY BAN NHÂN DÂN XÃ PHÚ TÂN", place="Phú Tân",
        giver_unit="Ủy ban nhân dân xã Phú Tân", date=day,
        place_date=vn.place_date_line("Phú Tân", dt.date(2026, 1 + i % 12, 1 + i % 28)), tracking_code=code,
        status_url=f"https://dichvu.phutan.gov.vn/tra-cuu?ma={code}", household_code=f"PT-{i:05d}",
        head_name=head, hamlet=HAMLETS[i % 6], address=f"Tổ {1 + i % 9}", category="Hộ nghèo" if i % 3 else "Hộ cận nghèo",
        recipient_name=name, recipient_citizen_id=f"082{i % 4}{(60 + i) % 100:02d}{i:06d}", staff_name="Lý Ngọc Ẩn",
        legal_basis="Thông tư số 14/2022/TT-BTTTT ngày 28/10/2022 của Bộ Thông tin và Truyền thông",
        decision="Quyết định số 123/QĐ-UBND ngày 01/10/2026 của Ủy ban nhân dân xã Phú Tân phê duyệt danh sách hộ được hỗ trợ",
    )
    if kind == "handover":
        body = f"35{i:012d}"
        return doc.ReceiptData(**common, phone_make="Samsung", phone_model="Galaxy A05", imei=body + _luhn(body),
                               imei2="" if i % 4 else "356938035643809", telecom=["VNPT", "Viettel", "MobiFone"][i % 3],
                               subscriber_number=f"09{i:08d}")
    amount = AMOUNTS[i % 4]
    return doc.ReceiptData(**common, amount=amount, amount_figures=vn.format_money(amount),
                           amount_words=vn.amount_in_words(amount), purchase_date="15/01/2023")


def bare_lines(d: doc.ReceiptData) -> list[str]:
    """The same text as the receipt, as plain lines (what a bare page draws)."""
    out = [d.issuer_body, f"Số: {d.number_display}", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
           "Độc lập - Tự do - Hạnh phúc", d.place_date,
           "BIÊN BẢN BÀN GIAO" if d.kind == "handover" else "GIẤY BIÊN NHẬN",
           f"Căn cứ {d.legal_basis};", f"Căn cứ {d.decision};",
           f"Hôm nay, ngày {d.date}, tại trụ sở {d.giver_unit}, chúng tôi gồm:",
           "BÊN GIAO (Bên A):", f"Đơn vị: {d.giver_unit}", f"Đại diện: Ông/Bà {d.staff_name}",
           "BÊN NHẬN (Bên B):", f"Ông/Bà: {d.recipient_name}", f"Số CCCD: {d.recipient_citizen_id}",
           f"Thuộc hộ: {d.head_name} (mã hộ {d.household_code}), {d.category.lower()}",
           f"Địa chỉ: {d.address}, {d.hamlet}", f"Tra cứu hồ sơ, mã: {d.tracking_code}"]
    if d.kind == "handover":
        out += [f"Nhà mạng: {d.telecom}", f"Điện thoại thông minh {d.phone_make} {d.phone_model}",
                f"IMEI {d.imei} {d.imei2}", f"Số thuê bao {d.subscriber_number} ({d.telecom})"]
    else:
        out += [f"Bên B đã nhận của Bên A số tiền hỗ trợ: {d.amount_figures} đồng", f"(Bằng chữ: {d.amount_words})",
                f"Ngày mua: {d.purchase_date}"]
    out += ["NGƯỜI NHẬN", "NGƯỜI GIAO", "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH",
            d.recipient_name, d.staff_name, f"Tra cứu tình trạng hồ sơ: {d.status_url}", "Trang 1/1"]
    return out


def bare_page(lines: list[str]) -> bytes:
    import io

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setFont(b.FONT, 12)
    y = A4[1] - 60
    for line in lines:
        c.drawString(85, y, line)
        y -= 18
    c.showPage()
    c.save()
    return buf.getvalue()


def timed(fn, items) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds of this process, total bytes)."""
    t0, c0 = time.perf_counter(), time.process_time()
    total = 0
    for item in items:
        total += len(fn(item))
    return time.perf_counter() - t0, time.process_time() - c0, total


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000, help="receipts to render (default 1000)")
    ap.add_argument("--kind", choices=["mixed", "handover", "cash"], default="mixed")
    ap.add_argument("--all-cores", action="store_true", help="do not pin the process to one CPU")
    ap.add_argument("--sample", help="also write the first receipt of each kind to this PDF path (prefix)")
    args = ap.parse_args(argv)

    if not args.all_cores and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    kinds = {"mixed": ["handover", "cash"], "handover": ["handover"], "cash": ["cash"]}[args.kind]
    data = [make_receipt(i, kinds[i % len(kinds)]) for i in range(args.n)]
    # Warm up: fonts parsed, code paths loaded (not timed).
    doc.render(data[0])
    bare_page(bare_lines(data[0]))
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    t_receipts, cpu_receipts, bytes_receipts = timed(doc.render, data)
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    texts = [bare_lines(d) for d in data]
    t_bare, cpu_bare, bytes_bare = timed(bare_page, texts)

    rate = args.n / cpu_receipts
    bare_rate = args.n / cpu_bare
    print(f"python {platform.python_version()} · reportlab {__import__('reportlab').Version} · "
          f"rl_accel {'yes' if 'built-in' in repr(__import__('reportlab.lib.rl_accel', fromlist=['fp_str']).fp_str) else 'no'} · "
          f"CPUs used: {len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else '?'}")
    print(f"{'':24}{'receipts':>14}{'bare page':>14}")
    print(f"{'documents':24}{args.n:>14}{args.n:>14}")
    print(f"{'wall seconds':24}{t_receipts:>14.2f}{t_bare:>14.2f}")
    print(f"{'CPU seconds':24}{cpu_receipts:>14.2f}{cpu_bare:>14.2f}")
    print(f"{'documents/s (CPU time)':24}{rate:>14.1f}{bare_rate:>14.1f}")
    print(f"{'documents/s (wall)':24}{args.n / t_receipts:>14.1f}{args.n / t_bare:>14.1f}")
    print(f"{'ms CPU per document':24}{1000 / rate:>14.2f}{1000 / bare_rate:>14.2f}")
    print(f"{'mean size (KB)':24}{bytes_receipts / args.n / 1024:>14.1f}{bytes_bare / args.n / 1024:>14.1f}")
    print(f"ratio (bare page rate / receipt rate): {bare_rate / rate:.2f}×")
    print(f"peak RSS: {rss_after / 1024:.1f} MB (before the timed loop: {rss_before / 1024:.1f} MB)")
    print(f"target ≥ 50 receipts/s on one core: {'met' if rate >= 50 else 'NOT met'} ({rate:.1f}/s)")
    if args.sample:
        for kind in kinds:
            first = next(d for d in data if d.kind == kind)
            path = f"{args.sample.removesuffix('.pdf')}-{kind}.pdf"
            Path(path).write_bytes(doc.render(first))
            print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
