"""The QR code flowable shared by the documents that carry the public status link (the receipt,
the intake slip): ``qr_code(value, size)`` → a reportlab Flowable.

The symbol comes from segno (ISO/IEC 18004, error correction level M, never Micro QR); its dark
modules are drawn as filled rectangles inside a 2-module quiet zone. The value is only ever the
public status link ``{PUBLIC_BASE_URL}/tra-cuu?ma=<tracking code>`` (no name, no CCCD).

Pure: reportlab and segno only (no Flask, no SQLAlchemy).
"""
from __future__ import annotations

import functools
import re

import segno
from reportlab.lib.units import mm
from reportlab.platypus import Flowable

__all__ = ["DEFAULT_SIZE", "QrFlowable", "qr_code"]

#: Default side of the symbol with its quiet zone, in points (26 mm: scans from a phone at arm's length).
DEFAULT_SIZE = 26 * mm

_DARK_RUN = re.compile(rb"\x01+")


class QrFlowable(Flowable):
    """A QR code of ``value``, ``size`` points square: the symbol from segno (ISO/IEC 18004,
    error correction level M, never Micro QR), its dark modules drawn as filled rectangles
    (one per horizontal run, in one path) inside a quiet zone of ``border`` modules.

    ``matrix`` is the symbol without the quiet zone: one ``bytes`` a row (0 light, 1 dark), row 0
    at the top."""

    def __init__(self, value: str, size: float = DEFAULT_SIZE, border: int = 2) -> None:
        super().__init__()
        self.value = value
        self.size = size
        self.border = border
        self.matrix = _qr_matrix(value)
        self.width = self.height = size

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        n = len(self.matrix)
        border = self.border
        canv = self.canv
        canv.saveState()
        unit = self.size / (n + 2 * border)
        canv.scale(unit, unit)  # module units from here on, origin bottom left of the quiet zone
        path = canv.beginPath()
        for r, row in enumerate(self.matrix):
            y = n + border - r - 1
            for run in _DARK_RUN.finditer(row):
                # 1.02 high: rows overlap a hair so no white seam shows between them.
                path.rect(run.start() + border, y, run.end() - run.start(), 1.02)
        canv.drawPath(path, stroke=0, fill=1)
        canv.restoreState()


@functools.lru_cache(maxsize=32)
def _qr_matrix(value: str) -> tuple[bytes, ...]:
    """The QR symbol of ``value`` (segno; level M exactly, no Micro QR; segno picks the smallest
    version and the mask by ISO/IEC 18004 §7.8.3): one ``bytes`` of 0/1 a row, no quiet zone.
    Cached: a document laid out twice (the receipt's compact pass) draws the same link again."""
    qr = segno.make_qr(value, error="m", boost_error=False)
    return tuple(bytes(row) for row in qr.matrix)


def qr_code(value: str, size: float = DEFAULT_SIZE) -> Flowable:
    """A QR code of ``value`` (error correction level M, 2-module quiet zone), ``size`` points
    square (:class:`QrFlowable`)."""
    return QrFlowable(value, size, border=2)
