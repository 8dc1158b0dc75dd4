"""The fonts of every document (Nghị định 30/2020/NĐ-CP, Phụ lục I, mục II.1: Times New Roman, Unicode
per TCVN 6909:2001), registered once as the family "VNSerif" (so <b> and <i> work in Paragraph markup).

Which files:
- Times New Roman itself when a directory holding its four TTFs is configured (``PDF_FONT_DIR``, e.g.
  ``C:\\Windows\\Fonts`` copied to a server, or ``/usr/share/fonts/truetype/msttcorefonts``): a commune PC
  has them, but their licence does not let us ship them;
- otherwise Liberation Serif 2.1.5, shipped in ``subsidy/documents/fonts`` with its licence (SIL OFL 1.1,
  ``LICENSE-LiberationSerif.txt``): metric-compatible with Times New Roman (every glyph has the same
  advance width, so a line breaks where it would in Times) and covering every Vietnamese letter. The
  Liberation 1.07 that some systems carry lacks 92 of them, which is why the app ships its own.

Every face is checked for every Vietnamese letter (:data:`VIETNAMESE_LETTERS`) when registered; a
configured directory whose fonts lack one is refused with a warning and the shipped font used instead.
"""
from __future__ import annotations

import logging
import os
import threading
import unicodedata
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

log = logging.getLogger(__name__)

SHIPPED_FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
FONT = "VNSerif"
FONT_BOLD = "VNSerif-Bold"
FONT_ITALIC = "VNSerif-Italic"
FONT_BOLD_ITALIC = "VNSerif-BoldItalic"

#: The shipped files (Liberation Serif 2.1.5).
SHIPPED_FILES = {
    FONT: "LiberationSerif-Regular.ttf",
    FONT_BOLD: "LiberationSerif-Bold.ttf",
    FONT_ITALIC: "LiberationSerif-Italic.ttf",
    FONT_BOLD_ITALIC: "LiberationSerif-BoldItalic.ttf",
}
#: Times New Roman's file names, per face: Windows' names first, then the macOS / msttcorefonts ones
#: (matched ignoring case).
TIMES_FILES = {
    FONT: ("times.ttf", "Times New Roman.ttf", "Times_New_Roman.ttf"),
    FONT_BOLD: ("timesbd.ttf", "Times New Roman Bold.ttf", "Times_New_Roman_Bold.ttf"),
    FONT_ITALIC: ("timesi.ttf", "Times New Roman Italic.ttf", "Times_New_Roman_Italic.ttf"),
    FONT_BOLD_ITALIC: ("timesbi.ttf", "Times New Roman Bold Italic.ttf", "Times_New_Roman_Bold_Italic.ttf"),
}


def _vietnamese_letters() -> str:
    """The 12 vowels with each of the 6 tones, both cases (144), plus đ Đ: 146 letters (NFC)."""
    tones = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
    out = []
    for vowel in "aăâeêioôơuưy":
        for tone in tones:
            letter = unicodedata.normalize("NFC", vowel + tone)
            out += [letter, letter.upper()]
    return "".join(out) + "đĐ"


#: Every letter of Vietnamese: what a font must draw for a name to print right.
VIETNAMESE_LETTERS = _vietnamese_letters()

_lock = threading.Lock()
_registered_from: Path | None = None
_configured_dir: str | None = None


class FontCoverageError(RuntimeError):
    """A font lacks Vietnamese letters; ``missing`` holds them."""

    def __init__(self, path: Path, missing: str):
        super().__init__(f"{path.name} thiếu {len(missing)} chữ tiếng Việt: {missing[:20]}")
        self.path = path
        self.missing = missing


def missing_letters(font: TTFont, letters: str = VIETNAMESE_LETTERS) -> str:
    """The letters of ``letters`` that ``font`` has no glyph for ("" when it covers them all)."""
    cmap = font.face.charToGlyph
    return "".join(ch for ch in letters if ord(ch) not in cmap)


def _times_files(directory: Path) -> dict[str, Path] | None:
    """The four Times New Roman files in ``directory``, or None when one is missing."""
    if not directory.is_dir():
        return None
    present = {p.name.lower(): p for p in directory.iterdir()}
    found: dict[str, Path] = {}
    for face, names in TIMES_FILES.items():
        hit = next((present[n.lower()] for n in names if n.lower() in present), None)
        if hit is None:
            return None
        found[face] = hit
    return found


def _load(files: dict[str, Path]) -> dict[str, TTFont]:
    fonts = {face: TTFont(face, str(path)) for face, path in files.items()}
    for face, font in fonts.items():
        missing = missing_letters(font)
        if missing:
            raise FontCoverageError(files[face], missing)
    return fonts


def configure(font_dir: str | None) -> None:
    """Use the Times New Roman TTFs of ``font_dir`` (``PDF_FONT_DIR``) from now on; None or "" = the
    shipped Liberation Serif. Called by create_app; takes effect at the next :func:`register_fonts`."""
    global _configured_dir, _registered_from
    with _lock:
        if (font_dir or None) != _configured_dir:
            _configured_dir = font_dir or None
            _registered_from = None


def register_fonts() -> Path:
    """Register the four faces as the family "VNSerif" (idempotent, thread-safe) and return the
    directory they came from.

    The directory: :func:`configure`'s, else the ``PDF_FONT_DIR`` environment variable, when it holds
    Times New Roman's four files covering every Vietnamese letter; otherwise the shipped Liberation
    Serif (a warning is logged when a configured directory was not usable). Raises FontCoverageError
    if the shipped font itself lacks a letter (a broken install).
    """
    global _registered_from
    if _registered_from is not None:
        return _registered_from
    with _lock:
        if _registered_from is not None:
            return _registered_from
        wanted = _configured_dir or os.environ.get("PDF_FONT_DIR") or None
        fonts: dict[str, TTFont] | None = None
        source = SHIPPED_FONT_DIR
        if wanted:
            files = _times_files(Path(wanted))
            if files is None:
                log.warning("PDF_FONT_DIR=%s has no Times New Roman (times.ttf, timesbd.ttf, timesi.ttf, "
                            "timesbi.ttf): using the shipped Liberation Serif", wanted)
            else:
                try:
                    fonts, source = _load(files), Path(wanted)
                except FontCoverageError as exc:
                    log.warning("PDF_FONT_DIR=%s: %s; using the shipped Liberation Serif", wanted, exc)
        if fonts is None:
            fonts = _load({face: SHIPPED_FONT_DIR / name for face, name in SHIPPED_FILES.items()})
        for font in fonts.values():
            pdfmetrics.registerFont(font)
        pdfmetrics.registerFontFamily(
            FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD_ITALIC
        )
        _registered_from = source
        return source
