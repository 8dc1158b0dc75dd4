"""Generated household lists for the import tests: the same households written one row per
household (today's layout) or one row per person (the review's export: the head's row with the
household's facts, then its members' rows), as .xlsx bytes.

Households are plain tuples made by :func:`make_households` from a seed, so a test can compute
what the import must give from them, independently of the importer.
"""
from __future__ import annotations

import io
import random
from dataclasses import dataclass, field

import openpyxl

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Phan", "Bùi", "Đặng", "Đỗ", "Ngô", "Lâm", "Châu"]
MIDDLE = {"M": ["Văn", "Hữu", "Minh", "Thành", "Quốc"], "F": ["Thị", "Ngọc", "Bích", "Kim", "Mỹ"]}
GIVEN = {"M": ["Hùng", "Dũng", "Nghĩa", "Tuấn", "Sơn", "Đức", "Bình", "Tâm", "Phúc"],
         "F": ["Hoa", "Lan", "Thu", "Hương", "Ngân", "Hạnh", "Yến", "Thảo", "Ánh"]}
HAMLETS = ["Ấp Phú Hòa", "Ấp Phú Thành", "Ấp Phú Xuân"]
RELATIONS = {"spouse": ("Vợ", "Chồng"), "child": ("Con",), "parent": ("Mẹ", "Cha")}


@dataclass
class Person:
    name: str
    birth_year: int
    gender: str  # "M" / "F"
    citizen_id: str | None
    relation: str = "Chủ hộ"


@dataclass
class House:
    code: str
    head: Person
    hamlet: str
    category: str  # "poor" / "near_poor"
    phone: str | None
    members: list[Person] = field(default_factory=list)

    @property
    def size(self) -> int:
        return 1 + len(self.members)


def _cccd(year: int, gender: str, serial: int) -> str:
    digit = (0 if year < 2000 else 2) + (1 if gender == "F" else 0)
    return f"082{digit}{year % 100:02d}{serial:06d}"


def make_households(n: int, seed: int = 16, members: tuple[int, int] = (0, 5)) -> list[House]:
    """``n`` households with ``members`` (min, max) members each; adults have a CCCD, children
    born after 2012 none.  CCCD serials are unique across the list."""
    rnd = random.Random(seed)
    serials = iter(rnd.sample(range(1, 10**6), n * 8))
    out = []
    for i in range(n):
        g = rnd.choice("MF")
        hy = rnd.randint(1945, 1995)
        head = Person(f"{rnd.choice(FAMILY)} {rnd.choice(MIDDLE[g])} {rnd.choice(GIVEN[g])}", hy, g,
                      _cccd(hy, g, next(serials)))
        house = House(f"82{36912345 + i:08d}", head, rnd.choice(HAMLETS), rnd.choice(("poor", "near_poor")),
                      f"09{rnd.randint(0, 99_999_999):08d}" if rnd.random() < 0.7 else None)
        for _ in range(rnd.randint(*members)):
            kind = rnd.choice(("spouse", "child", "child", "parent"))
            mg = rnd.choice("MF")
            my = {"spouse": hy + rnd.randint(-5, 5), "child": hy + rnd.randint(20, 35),
                  "parent": hy - rnd.randint(20, 30)}[kind]
            my = min(my, 2024)
            rel = rnd.choice(RELATIONS[kind])
            cid = _cccd(my, mg, next(serials)) if my <= 2012 else None
            house.members.append(Person(f"{rnd.choice(FAMILY)} {rnd.choice(MIDDLE[mg])} {rnd.choice(GIVEN[mg])}",
                                        my, mg, cid, rel))
        out.append(house)
    return out


_CAT = {"poor": "Hộ nghèo", "near_poor": "Hộ cận nghèo"}
_SEX = {"M": "Nam", "F": "Nữ"}
HOUSEHOLD_HEADER = ["STT", "Mã hộ", "Họ và tên chủ hộ", "Năm sinh", "Giới tính", "Số CCCD", "Ấp", "Số nhân khẩu",
                    "Phân loại hộ", "Số điện thoại"]
PERSON_HEADER = ["STT", "Mã hộ", "Họ và tên", "Quan hệ với chủ hộ", "Năm sinh", "Giới tính", "Số CCCD", "Ấp",
                 "Số nhân khẩu", "Phân loại hộ", "Số điện thoại"]


def _book(title: str, header: list[str], rows: list[list], sheet: str = "Danh sách") -> openpyxl.Workbook:
    wb = openpyxl.Workbook()
    _sheet(wb.active, title, header, rows, sheet)
    return wb


def _sheet(ws, title: str, header: list[str], rows: list[list], name: str) -> None:
    ws.title = name
    ws["A1"] = "ỦY BAN NHÂN DÂN XÃ PHÚ TÂN"
    ws["A3"] = title
    ws.append([])
    ws.append(header)
    for r in rows:
        ws.append(r)
    ws.append([])
    ws.append([None, f"Tổng cộng: {sum(1 for r in rows if r[0] is not None)} hộ"])
    ws.append([None, None, "Người lập biểu"])


def _bytes(wb: openpyxl.Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def household_rows(houses: list[House]) -> list[list]:
    return [[i, h.code, h.head.name, h.head.birth_year, _SEX[h.head.gender], h.head.citizen_id, h.hamlet, h.size,
             _CAT[h.category], h.phone] for i, h in enumerate(houses, 1)]


def person_rows(houses: list[House], code_as_float: bool = False) -> list[list]:
    rows: list[list] = []
    for i, h in enumerate(houses, 1):
        code = float(h.code) if code_as_float else h.code
        rows.append([i, code, h.head.name, "Chủ hộ", h.head.birth_year, _SEX[h.head.gender], h.head.citizen_id,
                     h.hamlet, h.size, _CAT[h.category], h.phone])
        for m in h.members:
            rows.append([None, None, m.name, m.relation, m.birth_year, _SEX[m.gender], m.citizen_id, None, None,
                         None, None])
    return rows


def household_xlsx(houses: list[House], year: int = 2025) -> bytes:
    """One row per household."""
    return _bytes(_book(f"DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO NĂM {year}", HOUSEHOLD_HEADER, household_rows(houses)))


def person_xlsx(houses: list[House], year: int = 2025, code_as_float: bool = False,
                left: dict[str, list[House]] | None = None) -> bytes:
    """One row per person; ``left``: extra sheets by name ("Hộ thoát nghèo" …) in the same layout."""
    wb = _book(f"DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO NĂM {year}", PERSON_HEADER, person_rows(houses, code_as_float))
    for name, those in (left or {}).items():
        _sheet(wb.create_sheet(name), f"DANH SÁCH {name.upper()} NĂM {year}", PERSON_HEADER, person_rows(those), name)
    return _bytes(wb)
