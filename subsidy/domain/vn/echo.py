"""A value someone typed, as an error message quotes it back: on one line and cut short, so a
message stays readable (and a page or a log line stays small) whatever was pasted into a field or a
link, e.g. a 500-digit "date". The one way messages of the domain echo user input."""
from __future__ import annotations

from .words import _clean_words

#: The most characters of a typed value a message repeats; longer values end with "…".
ECHO_MAX_LENGTH = 40


def echo(raw: object, limit: int = ECHO_MAX_LENGTH) -> str:
    """``raw`` as a message quotes it (between « » by the caller): its text (NFC, invisible
    characters dropped, every run of spaces, tabs and line breaks as one space, trimmed), cut to
    ``limit`` characters followed by "…" when longer. ``None`` → "".

    ``echo("1" * 500)`` → forty "1" then "…"; ``echo(" 05/11/2026 ")`` → ``"05/11/2026"``."""
    text = " ".join(_clean_words(raw))
    return text if len(text) <= limit else text[:limit].rstrip() + "…"
