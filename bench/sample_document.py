"""Write a sample PDF built from subsidy.documents.base, to look at the layout.

usage: .venv/bin/python bench/sample_document.py OUT.pdf [--landscape] [--stamp "BẢN SAO"] [--rows N]
then:  /work/shared/bin/pdf-look OUT.pdf
Without OUT.pdf (as ``make bench`` runs it) the PDF is built, timed and not written.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from subsidy.documents import base as b  # noqa: E402
from subsidy.domain.documents import Issuer  # noqa: E402

NAMES = [
    "Nguyễn Thị Ánh Tuyết", "Đặng Văn Hưởng", "Lý Ngọc Ẩn", "Huỳnh Mỹ Nhung",
    "Trần Thị Ỷ Lan", "Phạm Quốc Việt", "Võ Thị Hồng Ngự", "Lê Ưng Thuỵ",
]
HAMLETS = ["Ấp Phú Thạnh", "Ấp Phú Lợi", "Ấp Tân Hòa Đông", "Ấp Phú Hữu"]


def sample_story(landscape: bool, rows: int) -> list:
    story = [
        *b.admin_header(
            Issuer(body_upper="UBND TỈNH ĐỒNG THÁP", body="ỦY BAN NHÂN DÂN XÃ PHÚ TÂN", place="Phú Tân"),
            "15/DS-UBND",
            "Phú Tân, ngày 05 tháng 11 năm 2026",
        ),
        *b.title("Danh sách hộ được hỗ trợ điện thoại thông minh", "(Chương trình VTCI - Thông tư 14/2022/TT-BTTTT)"),
    ]
    weights = [0.8, 3, 2.2, 1.6, 3] if not landscape else [0.6, 3, 2.2, 1.6, 2, 4]
    header = ["STT", "Họ và tên chủ hộ", "Ấp", "Số tiền (đồng)", "Ghi chú"]
    if landscape:
        header = header[:4] + ["Số CCCD"] + header[4:]
    data = []
    for i in range(rows):
        row = [
            str(i + 1),
            NAMES[i % len(NAMES)],
            HAMLETS[i % len(HAMLETS)],
            "500.000",
            "0.1 <A <0.9 & rất dài: hộ nghèo đa chiều, có người khuyết tật" if i % 7 == 3 else "",
        ]
        if landscape:
            row.insert(4, f"0870{i:08d}")
        data.append(row)
    totals = ["", "Tổng cộng", f"{rows} hộ", f"{rows * 500_000:,}".replace(",", "."), ""]
    if landscape:
        totals.insert(4, "")
    align = ["C", "L", "L", "R", "C", "L"] if landscape else ["C", "L", "L", "R", "L"]
    story.append(b.data_table(header, data, b.fit_widths(weights, landscape=landscape), totals, align=align))
    story.append(b.signature_blocks([
        ("NGƯỜI LẬP BIỂU", "(Ký, ghi rõ họ tên)", "Lý Ngọc Ẩn"),
        ("KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH", "(Ký, đóng dấu)", "Đặng Văn Hưởng"),
    ]))
    return story


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", nargs="?", default=None, help="PDF to write; none = build and time it only")
    ap.add_argument("--landscape", action="store_true")
    ap.add_argument("--stamp", default=None)
    ap.add_argument("--rows", type=int, default=60)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    pdf = b.build_pdf(
        sample_story(args.landscape, args.rows),
        landscape=args.landscape,
        title="Danh sách hộ được hỗ trợ (mẫu)",
        stamp=args.stamp,
    )
    seconds = time.perf_counter() - t0
    if args.out is None:
        print(f"sample list of {args.rows} rows built in {seconds * 1000:.0f} ms ({len(pdf)} bytes; give OUT.pdf "
              "to write it and look at it)")
        return 0
    Path(args.out).write_bytes(pdf)
    print(f"wrote {args.out} ({len(pdf)} bytes, {seconds * 1000:.0f} ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
