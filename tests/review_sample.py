"""The sample of the poverty review's export (one row per person, with the «Hộ thoát nghèo» and
«Hộ thoát cận nghèo» sheets): ``tests/data/ho-ngheo-2026-ra-soat-theo-nguoi.xlsx``.

It is the 2025 Phú Tân sample's households (``tests/data/ho-ngheo-2025-phu-tan.expected.csv``)
after a made-up 2026 review, so that importing it over the 2025 list shows households that stay,
change category, leave and join:

- the 180 households of 2025 in file order; every 12th poor household left poverty (listed on the
  «Hộ thoát nghèo» sheet, not on the list), every 9th near-poor household left near-poverty (on
  «Hộ thoát cận nghèo»), every 10th other poor household became near-poor (on the list as such);
- 6 new households at the end (codes 8299000001…);
- each household's members (Số nhân khẩu − 1 rows, seeded): relation, birth year, sex and, for
  those born before 2013, a CCCD of province 082 unique in the file and unlike any head's.

Regenerate with ``.venv/bin/python -m tests.review_sample`` (the same bytes' content every time:
seeded); :func:`expected` gives what the import must find, computed from the CSV alone.
"""
from __future__ import annotations

import csv
import random
from pathlib import Path

from tests import list_files as lf

DATA = Path(__file__).resolve().parent / "data"
SOURCE = DATA / "ho-ngheo-2025-phu-tan.expected.csv"
TARGET = DATA / "ho-ngheo-2026-ra-soat-theo-nguoi.xlsx"
NEW_CODES = [f"82990000{i:02d}" for i in range(1, 7)]


def _houses_2025() -> list[lf.House]:
    with SOURCE.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    rnd = random.Random(2026)
    heads = {r["citizen_id"] for r in rows if r["citizen_id"]}
    used: set[str] = set(heads)

    def member_cccd(year: int, gender: str) -> str | None:
        if year > 2012:
            return None
        while True:
            cid = lf._cccd(year, gender, rnd.randrange(1, 10 ** 6))  # noqa: SLF001 — the generator's rule
            if cid not in used:
                used.add(cid)
                return cid

    houses = []
    for r in rows:
        year = int(r["birth_year"]) if r["birth_year"] else 1970
        head = lf.Person(r["head_name"], year, r["gender"] or "M", r["citizen_id"] or None)
        house = lf.House(r["household_code"], head, r["hamlet"], r["category"], r["phone"] or None)
        for _ in range(int(r["members"]) - 1):
            kind = rnd.choice(("spouse", "child", "child", "parent"))
            g = rnd.choice("MF")
            born = {"spouse": year + rnd.randint(-5, 5), "child": year + rnd.randint(20, 35),
                    "parent": year - rnd.randint(20, 30)}[kind]
            born = max(1900, min(born, 2024))
            name = f"{rnd.choice(lf.FAMILY)} {rnd.choice(lf.MIDDLE[g])} {rnd.choice(lf.GIVEN[g])}"
            house.members.append(lf.Person(name, born, g, member_cccd(born, g), rnd.choice(lf.RELATIONS[kind])))
        houses.append(house)
    return houses


def review() -> tuple[list[lf.House], list[lf.House], list[lf.House]]:
    """(the 2026 list, «Hộ thoát nghèo», «Hộ thoát cận nghèo») as described in the module's docstring."""
    listed, left_poor, left_near = [], [], []
    poor_seen = near_seen = 0
    for h in _houses_2025():
        if h.category == "poor":
            poor_seen += 1
            if poor_seen % 12 == 0:
                left_poor.append(h)
                continue
            if poor_seen % 10 == 0:
                h.category = "near_poor"
        else:
            near_seen += 1
            if near_seen % 9 == 0:
                left_near.append(h)
                continue
        listed.append(h)
    fresh = lf.make_households(len(NEW_CODES), seed=2026, members=(0, 3))
    heads = {h.head.citizen_id for h in listed + left_poor + left_near}
    for code, h in zip(NEW_CODES, fresh):
        h.code = code
        assert h.head.citizen_id not in heads
        listed.append(h)
    return listed, left_poor, left_near


def expected() -> dict[str, set[str]]:
    """Household codes by what importing the sample over the 2025 list does: ``stay`` (same
    category), ``changed`` (poor → near-poor), ``left`` (on a «thoát» sheet), ``joined`` (new)."""
    listed, left_poor, left_near = review()
    before = {h.code: h.category for h in _houses_2025()}
    return {"stay": {h.code for h in listed if before.get(h.code) == h.category},
            "changed": {h.code for h in listed if h.code in before and before[h.code] != h.category},
            "left": {h.code for h in left_poor + left_near},
            "joined": {h.code for h in listed if h.code not in before}}


def write(path: Path = TARGET) -> None:
    listed, left_poor, left_near = review()
    path.write_bytes(lf.person_xlsx(listed, year=2026, left={"Hộ thoát nghèo": left_poor,
                                                             "Hộ thoát cận nghèo": left_near}))


if __name__ == "__main__":
    write()
    print(TARGET)
