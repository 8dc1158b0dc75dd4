"""CSV formula injection: one rule for every CSV the app writes.

A spreadsheet (Excel, LibreOffice) runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a
formula — ``=HYPERLINK("http://…","Bấm vào đây")`` typed as a head-of-household's name would
become a live link in the clerk's export.  A tab or carriage return in front is stripped by some
spreadsheets before they look, so those count too.  :func:`csv_safe` puts an apostrophe in front
of such a cell: the spreadsheet shows the text as typed and runs nothing.

Pure Python: no Flask, no SQLAlchemy.  Used by the tally CSV (subsidy.documents.tally_export) and
the household export (subsidy.services.households.write_export_csv).

Source: OWASP, "CSV Injection" (https://owasp.org/www-community/attacks/CSV_Injection).
"""
from __future__ import annotations

from typing import Any

__all__ = ["FORMULA_START", "csv_safe"]

#: The first characters that make a spreadsheet read a cell as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> str:
    """A text cell made safe for spreadsheets: a leading = + - @ tab or CR gets a leading
    apostrophe, so Excel/LibreOffice show it as text instead of running it (OWASP CSV
    injection). ``None`` → ``""``; any other value → ``str(value)`` checked the same way.

    Use for text only; write numbers as numbers (``-2`` as text would gain an apostrophe).
    Examples: ``'=1+2'`` → ``"'=1+2"``; ``"Ấp Phú Hòa"`` → ``"Ấp Phú Hòa"``; ``"a=b"`` → ``"a=b"``.
    Never raises.
    """
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text
