"""A label or a phrase placed in a sentence: the one rule for its first letter.

Vietnamese writes a capital at the start of a sentence and keeps every other letter as it is:
names ("Phú Tân"), abbreviations ("CCCD", "IMEI", "SIM") and legal references ("Thông tư
14/2022/TT-BTTTT") keep their capitals wherever they stand. Python's ``str.capitalize`` lowers
everything after the first letter ("số CCCD" → "Số cccd"), and ``str.lower`` on a label's first
letter breaks an abbreviation that starts it ("CCCD của chủ hộ" → "cCCD …"): neither is used for
wording; these two are.

Pure Python: imports nothing, so every layer (the calendar's date messages included) can use it.
"""
from __future__ import annotations

__all__ = ["sentence_start", "in_sentence"]


def sentence_start(text: str) -> str:
    """``text`` starting a sentence: its first character a capital, the rest exactly as written.

    "ngày bàn giao" → "Ngày bàn giao"; "số CCCD người nhận" → "Số CCCD người nhận";
    "xã Phú Tân" → "Xã Phú Tân"; "" → ""."""
    return text[:1].upper() + text[1:]


def in_sentence(text: str) -> str:
    """``text`` (a label written to stand alone, e.g. "Hộ nghèo") inside a sentence: its first
    letter small, the rest as written, unless its first word is an abbreviation written in
    capitals, which stays as it is.

    "Hộ nghèo" → "hộ nghèo"; "Theo thôn, ấp" → "theo thôn, ấp"; "CCCD của chủ hộ" → "CCCD của chủ
    hộ"; "IMEI" → "IMEI"; "" → ""."""
    first = text.split(maxsplit=1)[0] if text.strip() else ""
    letters = [c for c in first if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return text
    return text[:1].lower() + text[1:]
