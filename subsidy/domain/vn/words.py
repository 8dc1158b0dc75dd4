"""Text cut into words the way every name and place is read: NFC, invisible characters dropped,
split on any Unicode space. Shared by names, search folding, sorting, dates and masking."""
from __future__ import annotations

import re
import unicodedata

_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")


def _clean_words(raw: object) -> list[str]:
    if raw is None:
        return []
    text = unicodedata.normalize("NFC", str(raw))
    text = _INVISIBLE.sub("", text)
    return text.split()  # str.split() splits on every Unicode space, incl. NBSP and U+3000
