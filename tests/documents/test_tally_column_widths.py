"""The figures tables of a report keep every amount on one line, whatever the amounts: a province
sums its communes and «693.500.000» used to wrap as «693.500.00 / 0» in a 60 pt money column."""
from __future__ import annotations

import dataclasses
import io
import re

from pypdf import PdfReader

from subsidy.documents import samples, tally
from subsidy.domain.reports import Figures

#: The widest amount the test asks for: nine hundred ninety-nine billion đồng and change.
LARGEST = 999_999_999_999


def _huge(f: Figures) -> Figures:
    return dataclasses.replace(f, received=1_000_500, eligible=1_000_500, amount_paid=LARGEST,
                               amount_voided=LARGEST)


def _huge_report():
    rep = samples.annual_report()

    def breakdown(b):
        return dataclasses.replace(b, rows=tuple(dataclasses.replace(r, figures=_huge(r.figures)) for r in b.rows),
                                   total=_huge(b.total))

    year = dataclasses.replace(rep.year, totals=_huge(rep.year.totals), by_hamlet=breakdown(rep.year.by_hamlet),
                               by_category=breakdown(rep.year.by_category), by_tier=breakdown(rep.year.by_tier))
    months = tuple(dataclasses.replace(m, figures=_huge(m.figures), year_to_date=_huge(m.year_to_date))
                   for m in rep.months)
    return dataclasses.replace(rep, months=months, year=year, cumulative=_huge(rep.cumulative))


def test_no_amount_or_count_wraps_up_to_999_billion_dong():
    rep = _huge_report()
    pdf = tally.render_pdf(rep, samples.issuer())
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    # cells: months 11 + «Cả năm», year to date 11 + cumulative, 6 hamlets + total, 2 categories +
    # total, 4 tiers + total = 39 rows, two money columns each; a wrapped cell breaks the string
    rows = (11 + 1) + (11 + 1) + (6 + 1) + (2 + 1) + (4 + 1)
    assert len(re.findall(r"(?<![\d.])999\.999\.999\.999(?![\d.])", text)) == 2 * rows
    assert len(re.findall(r"(?<![\d.])1\.000\.500(?![\d.])", text)) == 2 * rows
