"""vn.sort_key_text: the Vietnamese sort key as a digit string whose plain order is sort_key's."""
from __future__ import annotations

import itertools
import random
import unicodedata

import pytest

from subsidy.domain.vn import sort_key, sort_key_text

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Đặng", "Đỗ", "Dương", "Âu", "Ông", "Ưng", "Tống", "H'Mông", "Lý"]
MIDDLE = ["", "Văn", "Thị", "Thị Ngọc", "Hữu", "Minh", "Ánh", "Ân", "An", "Thanh", "Thành"]
GIVEN = ["An", "Anh", "Ánh", "Ân", "Ấn", "Ăn", "Dũng", "Đào", "Dung", "Hùng", "Hưng", "Hừng", "Hà", "Hạ",
         "Hả", "Hã", "Há", "Y", "Yến", "Z", "Bé", "Út", "Ưng", "Ung", "Ơn", "Ôn", "On", "Ánh2", "A-B"]


def two_hundred_names(seed: int) -> list[str]:
    rnd = random.Random(seed)
    names: set[str] = {"An", "Ánh", "Ân", "Trần Văn Dũng", "Lê Thị Đào", "Nguyễn An", "Lê Văn An", "an", "AN"}
    while len(names) < 200:
        parts = [rnd.choice(FAMILY), rnd.choice(MIDDLE), rnd.choice(GIVEN)]
        if rnd.random() < 0.1:
            parts = parts[-1:]  # a one-word name
        name = " ".join(p for p in parts if p)
        r = rnd.random()
        if r < 0.1:
            name = name.upper()
        elif r < 0.2:
            name = unicodedata.normalize("NFD", name)
        elif r < 0.25:
            name = "  " + name.replace(" ", "  ") + " "
        names.add(name)
    out = sorted(names)
    rnd.shuffle(out)
    return out


@pytest.mark.parametrize("seed", [1, 2, 3, 2025])
def test_same_order_as_sort_key_on_200_shuffled_names(seed):
    names = two_hundred_names(seed)
    assert len(names) == 200
    by_tuple = sorted(names, key=lambda n: (sort_key(n), n))
    by_text = sorted(names, key=lambda n: (sort_key_text(n), n))
    assert by_text == by_tuple


@pytest.mark.parametrize("seed", [1, 2])
def test_pairwise_comparisons_agree_exactly(seed):
    names = two_hundred_names(seed) + ["", "x\u200by", "Çam", "ß", "Ꙁ", "Nguyễn Văn 2", "Ñá"]
    for a, b in itertools.combinations(names, 2):
        ka, kb, ta, tb = sort_key(a), sort_key(b), sort_key_text(a), sort_key_text(b)
        assert (ka < kb) == (ta < tb), (a, b)
        assert (ka == kb) == (ta == tb), (a, b)


@pytest.mark.parametrize(
    "names, expected",
    [
        (["Ân", "Ánh", "An"], ["An", "Ánh", "Ân"]),
        (["Lê Thị Đào", "Trần Văn Dũng"], ["Trần Văn Dũng", "Lê Thị Đào"]),
        (["Lê Văn An", "Nguyễn An"], ["Nguyễn An", "Lê Văn An"]),
        (["Mạ", "Má", "Mã", "Mả", "Mà", "Ma"], ["Ma", "Mà", "Mả", "Mã", "Má", "Mạ"]),
        (["Trần Thành Bình", "Phan Thanh Bình"], ["Phan Thanh Bình", "Trần Thành Bình"]),
        (["Đan", "Dan"], ["Dan", "Đan"]),
    ],
)
def test_known_orders(names, expected):
    assert sorted(names, key=sort_key_text) == expected


def test_only_ascii_digits_and_empty_is_smallest():
    for name in two_hundred_names(5):
        key = sort_key_text(name)
        assert key and key.isascii() and key.isdigit(), name
    assert sort_key_text("") == sort_key_text(None) == sort_key_text("   ") == ""
    assert min(sort_key_text(n) for n in ["An", "", "Bé"]) == ""


def test_normal_form_and_spacing_do_not_matter():
    nfd = unicodedata.normalize("NFD", "Nguyễn Văn Hùng")
    assert sort_key_text(nfd) == sort_key_text("Nguyễn Văn Hùng") == sort_key_text(" Nguyễn  Văn\u00a0Hùng ")


def test_typical_length_fits_the_column():
    assert len(sort_key_text("Nguyễn Thị Ngọc Hường")) < 200
    assert all(len(sort_key_text(n)) < 600 for n in two_hundred_names(9))
