"""People's names: what a name may contain, its casing, and how it is stored (domain.md §9: store
NFC, single spaces; the names on the CCCD)."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .errors import VnValueError
from .search import fold
from .words import _clean_words

#: Longest stored name (``households.head_name`` is VARCHAR(120)).
NAME_MAX_LENGTH = 120
#: Fewest letters a person's name can have ("Ly", "Y Ka"); "a" or "X" is not a name.
NAME_MIN_LETTERS = 2
# Apostrophes and hyphens as word processors and phones type them, stored as ASCII ' and -.
_NAME_PUNCT_VARIANTS = str.maketrans({
    "\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'", "\u00b4": "'", "`": "'",
    "\u2010": "-", "\u2011": "-",
})
# A letter is [^\W\d_] (a Unicode letter: Vietnamese, other Latin, other scripts).  A word is
# letters, optionally joined by ' - . ("H'Hen", "Sa-ra", "T.Hoa") and optionally ended by "."
# (an abbreviation, "Nguyễn T. Hoa"); a name is such words joined by single spaces.  The fast path
# of normalize_name (word by word: _word_checks); anything else is diagnosed character by
# character for the message.
_WORD_OK = re.compile(r"[^\W\d_]+(?:['.\-][^\W\d_]+)*\.?")


def describe_char(ch: str) -> str:
    """A character as a message names it: ``ký tự «;»`` for a visible one, ``ký tự ẩn U+0009`` for
    an invisible one, ``chữ số «3»`` for a digit. Shared by the name rules (people, hamlets)."""
    if "0" <= ch <= "9" or unicodedata.category(ch) == "Nd":
        return f"chữ số «{ch}»"
    if not ch.isprintable() or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return f"ký tự ẩn U+{ord(ch):04X}"
    return f"ký tự «{ch}»"


# The five Vietnamese tone marks (huyền, sắc, ngã, hỏi, nặng) as combining characters: after NFC a
# Vietnamese letter carries at most one of them, and only on a vowel (a ă â e ê i o ô ơ u ư y),
# besides at most one vowel-shape mark (mũ U+0302, trăng U+0306, móc U+031B): ệ = e + U+0302 + U+0323.
_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
_TONE_NAMES = {"\u0300": "huyền", "\u0301": "sắc", "\u0303": "ngã", "\u0309": "hỏi", "\u0323": "nặng"}
_LATIN_CONSONANTS = frozenset("bcdfghjklmnpqrstvwxz")
# The short vowels ơ̆ and ư̆ of the Bahnar, Jrai and Ê Đê alphabets (names of the Central Highlands'
# peoples, as written on their căn cước): ơ / ư followed by a combining breve, which NFC keeps as two
# characters (ŏ, ŭ, ĕ, ĭ are single letters and pass as any other).
_BREVE = "\u0306"
_BREVE_BASES = frozenset("ơưƠƯ")
_RETYPE = ("Hãy xóa chữ «{word}» rồi gõ lại bằng bộ gõ tiếng Việt (Unikey, bàn phím điện thoại), hoặc chép "
           "đúng họ tên như trên thẻ căn cước.")


def _vietnamese_letters() -> frozenset[str]:
    """Every letter of the Vietnamese alphabet in both cases with each of its six tones (NFC: one
    character each), the breve vowels ŏ ŭ ĕ ĭ of the Central Highlands' alphabets, ASCII letters,
    and the space, apostrophe, hyphen and dot a name may hold."""
    tones = ("", *_TONE_MARKS)
    vowels = [unicodedata.normalize("NFC", v + t) for v in "aăâeêioôơuưy" for t in tones]
    letters = "".join(vowels) + "đŏŭĕĭ" + "abcdefghijklmnopqrstuvwxyz"
    return frozenset(letters + letters.upper() + " '.-")


#: The characters :func:`_marks_problem` need not look into one by one.
_PLAIN_NAME_CHARACTERS = _vietnamese_letters()


def _marks_problem(name: str) -> str | None:
    """Why the diacritics of ``name`` (NFC) cannot be those of a Vietnamese name, or None.

    After NFC every Vietnamese letter is one character (ệ, ở, Ữ): a combining mark still standing
    alone did not compose into any letter (a tone typed twice, marks stacked by a broken keyboard
    or pasted text: ``"Văn" + 5 × U+0300`` → ``"Văǹ̀̀̀̀"``); and a tone mark on a consonant (ǹ, ḿ,
    ñ: the first of those five graves composes with n) is no Vietnamese letter either.  The
    message names the word, the letter's position in it and how to fix it."""
    if _PLAIN_NAME_CHARACTERS.issuperset(name):
        return None  # Vietnamese letters only (nearly every name): nothing to look into
    for w_at, word in enumerate(name.split(" "), 1):
        letter_at, last = 0, ""
        for i, ch in enumerate(word):
            if unicodedata.category(ch).startswith("M"):
                end = i
                while end < len(word) and unicodedata.category(word[end]).startswith("M"):
                    end += 1
                marks = word[i:end]
                if marks == _BREVE and i > 0 and word[i - 1] == last and last in _BREVE_BASES:
                    continue  # ơ̆ / ư̆ of the Central Highlands' languages, which Unicode has no single letter for
                shown = ", ".join(f"U+{ord(m):04X}" for m in marks)
                clean = "".join(c for c in word if not unicodedata.category(c).startswith("M"))
                after = (f"chồng lên chữ cái thứ {letter_at} «{last}»" if last
                         else "đứng đầu chữ, không thuộc chữ cái nào")
                return (f"Họ tên «{name}»: chữ thứ {w_at} («{clean}») có {len(marks)} dấu thừa ({shown}) {after}. "
                        "Một chữ cái tiếng Việt chỉ mang nhiều nhất một dấu thanh (huyền, sắc, hỏi, ngã, nặng) "
                        "và một dấu mũ, dấu trăng hoặc dấu móc (như «ệ», «ở», «ă»). " + _RETYPE.format(word=clean))
            if ch.isalpha():
                letter_at, last = letter_at + 1, ch
    for w_at, word in enumerate(name.split(" "), 1):
        letter_at = 0
        for ch in word:
            if not ch.isalpha():
                continue
            letter_at += 1
            parts = unicodedata.normalize("NFD", ch)
            tone = next((m for m in parts[1:] if m in _TONE_MARKS), None)
            if tone is not None and parts[0].lower() in _LATIN_CONSONANTS:
                return (f"Họ tên «{name}»: chữ thứ {w_at} («{word}») có chữ cái thứ {letter_at} «{ch}» là phụ âm "
                        f"«{parts[0]}» mang dấu {_TONE_NAMES[tone]}; tiếng Việt chỉ đặt dấu thanh trên nguyên âm "
                        "(a, ă, â, e, ê, i, o, ô, ơ, u, ư, y). " + _RETYPE.format(word=word))
    return None


_LATIN_WORD = re.compile(r"[a-z]{2,}")
_VOWELS = frozenset("aeiouy")


_WORD_SPLIT = re.compile(r"[ '.\-]+")
_TRIPLE = re.compile(r"([a-z])\1\1")
_fold_word = lru_cache(maxsize=16384)(fold)


def _keyboard_mash(name: str) -> str | None:
    """What makes ``name`` typing noise rather than a name, or None. Two signs that no Vietnamese
    name (nor an ethnic-minority name written in Latin letters, e.g. "Ksor H'Blơi", "Y Bih Niê")
    ever shows: one letter three times in a row ("Hhhhhhh"), and a word of two or more Latin
    letters without a vowel ("Trn", "Ksdf": every Vietnamese syllable has one). Neither catches
    every made-up name ("asdf" passes): the clerk still reads what is typed."""
    words = _WORD_SPLIT.split(name)
    plains = [_fold_word(w) for w in words]
    # A run of letters never crosses a separator, so the words folded one by one (each folded
    # once per list: names repeat their words) find the same runs as the whole name folded.
    run = _TRIPLE.search(" ".join(plains))
    if run:
        return (f"Họ tên «{name}» có chữ «{run.group(1)}» viết liền ba lần, không có trong họ tên thật. "
                "Hãy nhập lại họ tên đúng như trên thẻ căn cước.")
    for word, plain in zip(words, plains):
        if _LATIN_WORD.fullmatch(plain) and not (_VOWELS & set(plain)):
            return (f"Họ tên «{name}» có «{word}» không có nguyên âm nào (a, e, i, o, u, y…), không thể là "
                    "một tiếng trong họ tên. Hãy nhập lại họ tên đúng như trên thẻ căn cước.")
    return None


@lru_cache(maxsize=16384)
def _word_checks(word: str) -> tuple[bool, bool]:
    """``(shape ok, maybe noise)`` of one space-separated word of a name: whether it matches a
    word (``_WORD_OK``), and whether :func:`_keyboard_mash` could object to it (a letter three
    times in a row, a Latin word without a vowel).  A name is the same few thousand syllables over
    and over, so a list's names are checked word by word from this cache; the name as a whole is
    looked at again only when a word is wrong (for the message)."""
    noisy = False
    for part in _WORD_SPLIT.split(word):
        plain = _fold_word(part)
        if _TRIPLE.search(plain) or (_LATIN_WORD.fullmatch(plain) and not (_VOWELS & set(plain))):
            noisy = True
            break
    # The regex's "letter" ([^\W\d_]) also takes numerals that are not decimal digits (½, ², ①,
    # Ⅲ that compatibility folding left or made): a name has no number of any kind.
    # A tone mark on a consonant (ǹ) is a letter to the regex: looked at here so that the name
    # as a whole is diagnosed (_marks_problem).
    return (bool(_WORD_OK.fullmatch(word)) and not any(ch.isnumeric() for ch in word)
            and (word.isascii() or _marks_problem(word) is None)), noisy


def _name_problem(name: str) -> str | None:
    """Why ``name`` (NFC, single spaces, punctuation variants mapped) is not a person's name,
    or ``None``.  Checked in this order so the first message is the most useful one."""
    letters = sum(1 for ch in name if ch.isalpha())
    if letters == 0:
        return (f"Họ tên «{name}» không có chữ cái nào. Hãy nhập đầy đủ họ, tên đệm và tên, "
                "ví dụ «Nguyễn Văn Hùng».")
    for ch in name:
        if ch.isalpha() or ch in " '-.":
            continue
        if unicodedata.category(ch).startswith("M"):
            continue  # a combining mark left by NFC: _marks_problem below names the word
        return (f"Họ tên «{name}» có {describe_char(ch)}, không dùng trong họ tên. Họ tên chỉ gồm "
                "chữ cái (kể cả chữ có dấu tiếng Việt) và dấu cách; dấu nháy ' và gạch nối - chỉ "
                "dùng giữa hai chữ cái (như «H'Hen Niê»), dấu chấm chỉ sau chữ viết tắt. Hãy nhập "
                "lại họ tên đúng như trên thẻ căn cước (ghi chú, nếu có, để ở cột khác).")
    if letters < NAME_MIN_LETTERS:
        return (f"Họ tên «{name}» chỉ có {letters} chữ cái, không thể là họ tên của một người. Hãy "
                "nhập đầy đủ họ, tên đệm và tên như trên thẻ căn cước, ví dụ «Nguyễn Văn Hùng».")
    marks = _marks_problem(name)
    if marks is not None:
        return marks
    for word in name.split(" "):
        body = word[:-1] if word.endswith(".") else word
        parts = re.split(r"['.\-]", body)
        if not all(p and p[0].isalpha() and all(c.isalpha() or unicodedata.category(c) == "Mn"
                                                for c in p) for p in parts):
            return (f"Họ tên «{name}»: chữ «{word}» đặt dấu sai chỗ. Dấu nháy ' và gạch nối - phải "
                    "nằm giữa hai chữ cái (như «H'Hen», «Sa-ra»), dấu chấm chỉ đứng sau chữ viết "
                    "tắt (như «T.»), không đứng đầu chữ, không đứng liền nhau. Hãy sửa lại họ tên.")
    if len(name) > NAME_MAX_LENGTH:
        return (f"Họ tên dài {len(name)} ký tự, quá {NAME_MAX_LENGTH} ký tự. Hãy kiểm tra lại ô "
                "họ tên (có thể đã dán nhầm cả ghi chú hoặc nhiều người vào một ô).")
    return None


def normalize_name(raw: str) -> str:
    """Return a person's name as stored, after checking that it can be a person's name.

    Shape: ``raw`` text as typed or pasted (NFD from some editors, non-breaking or repeated
    spaces, invisible characters are all handled: see :func:`~.words.clean_text`).  Returns NFC
    text, trimmed, single spaces; a zero-width space is a space (``"Nguyễn\u200bVăn"`` →
    ``"Nguyễn Văn"``), the other invisible characters are dropped, full-width and other
    compatibility letters are plain letters (``"Ｎｇｕｙễｎ"`` → ``"Nguyễn"``); typographic
    apostrophes (’ ‘ ʼ ´ `) become ``'`` and Unicode hyphens (‐ ‑) become ``-``.

    What a name may contain (decided here, for the head of household and every other person
    typed in the app — manual entry, the list import and the handover form all call this):

    * Unicode letters (Vietnamese with every tone mark, other Latin letters such as f j w z,
      other scripts) and spaces;
    * ``'`` and ``-`` only between two letters of a word, as in ethnic-minority names written
      with an apostrophe or hyphen (``"H'Hen Niê"``, ``"Ksor H'Blơi"``, ``"Sa-ra"``);
    * ``.`` after a letter, for an abbreviation some lists use (``"Nguyễn T. Hoa"``, ``"T.Hoa"``);
    * at least :data:`NAME_MIN_LETTERS` (2) letters in all; a **one-word name is accepted** (some
      ethnic-minority people have a single name on their ID), but a single letter is not;
    * at most :data:`NAME_MAX_LENGTH` (120) characters;
    * after NFC, no combining mark left over (a tone typed twice, stacked marks: ``"Văn" + 5 ×
      U+0300``) and no tone mark on a consonant (``"Văǹ"``): a Vietnamese letter carries at most
      one tone mark, on a vowel, and one vowel-shape mark (ệ = e + circumflex + dot below);
      the message names the word, the letter's position and how to retype it.

    Digits, ``; < > " ( ) , / @ _`` and any other symbol are refused (a name on a CCCD has none;
    a note in brackets belongs in another column), as is punctuation at the start of a word or
    doubled (``"'; DROP TABLE--"``, ``"--"``).

    Casing (one rule for every path): a name typed entirely in capitals **or entirely in lower
    case** becomes title case word by word, Vietnamese-aware (``"NGUYỄN VĂN ĐẶNG"`` and
    ``"nguyễn văn đặng"`` → ``"Nguyễn Văn Đặng"``; letters after ``'`` ``-`` ``.`` are
    capitalised too: ``"h'hen niê"`` → ``"H'Hen Niê"``).  A name in mixed case was cased on
    purpose and is kept as typed (``"Lê Thị MỸ Hạnh"``, ``"McDonald"``).

    Raises :class:`VnValueError` (Vietnamese, saying what is wrong and how to fix it) for an
    empty name, no letter, a character a name cannot contain, fewer than 2 letters, misplaced
    punctuation, stacked or misplaced diacritics, more than 120 characters, or typing noise (:func:`_keyboard_mash`: a letter three
    times in a row, a word without a vowel).

    Source: domain.md §9 (Names: store NFC, single spaces); Vietnamese names on the CCCD.
    """
    words = _clean_words(raw)
    if not words:
        raise VnValueError("Chưa nhập họ tên. Hãy nhập đầy đủ họ, tên đệm và tên, ví dụ «Nguyễn Văn Hùng».")
    name = " ".join(words).translate(_NAME_PUNCT_VARIANTS)
    # Word by word (cached): the same verdict as the whole name checked at once, since a name is
    # words joined by single spaces and a run of letters never crosses a separator.
    shape_ok, noisy = True, False
    for word in name.split(" "):
        ok, maybe_noise = _word_checks(word)
        shape_ok, noisy = shape_ok and ok, noisy or maybe_noise
    if not (shape_ok and len(name) <= NAME_MAX_LENGTH
            and (len(name) > NAME_MIN_LETTERS + 1 or sum(ch.isalpha() for ch in name) >= NAME_MIN_LETTERS)):
        problem = _name_problem(name)
        if problem is not None:
            raise VnValueError(problem)
    if noisy:
        mash = _keyboard_mash(name)
        if mash is not None:
            raise VnValueError(mash)
    if name.isupper() or name.islower():
        name = unicodedata.normalize("NFC", name.title())
    return name


def normalize_optional_name(raw: str | None) -> str:
    """A person's name that may be left blank (a signer who signs by hand, a complaint's filer
    when the head files it): ``""`` for None or blank text (spaces, invisible characters), else
    :func:`normalize_name` of it — the one rule of people's names, with its errors
    (:class:`VnValueError`)."""
    if not _clean_words(raw):
        return ""
    return normalize_name(raw or "")


def signer_name_problem(name: str, who: str) -> str | None:
    """Why ``name`` (as :func:`normalize_name` stores it) cannot be printed under a signature, or
    None: a signer's typed name is the full name, family name and given name at least — two words
    or more (Nghị định 30/2020/NĐ-CP, Phụ lục I: «họ và tên» of the signer), so «Trần» alone is
    refused even though a one-word name is a name.  ``who`` starts the reason ("Vai trò Cán bộ
    xã", "Người ký của xã"). Shared by the accounts of roles that sign and the signers of the
    commune and the province."""
    if len(name.split(" ")) >= 2:
        return None
    return (f"Họ và tên «{name}» chỉ có một chữ. {who} ký tên trên biên bản, danh sách, báo cáo, nên cần họ và "
            "tên đầy đủ như trên thẻ căn cước (họ, tên đệm nếu có, và tên), ví dụ: Nguyễn Thị Thu Hà.")
