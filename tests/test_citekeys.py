"""kb.formats.citekeys: one key generator for every format that gives no usable key."""

from __future__ import annotations

import pytest

from kb.formats.citekeys import KeyMaker, key_base, surname, usable_key


def test_key_is_surname_year_and_first_long_title_word_in_ascii() -> None:
    assert (
        key_base(["Ózcan-Ekşi, E. E."], 2016, "The paraspinal muscle") == "ozcaneksi2016paraspinal"
    )
    assert key_base(["Costantini A"], 2010, "Spinal cord stimulation") == "costantini2010spinal"
    assert key_base([], None, None) == "refuntitled"


def test_taken_keys_get_a_letter_then_a_number_ignoring_case() -> None:
    maker = KeyMaker(["Smith2020Pain"])
    keys = [maker.make(["Smith, A."], 2020, "Pain") for _ in range(28)]
    assert keys[:2] == ["smith2020paina", "smith2020painb"]
    assert keys[25] == "smith2020painz" and keys[26] == "smith2020pain28"
    assert len({k.casefold() for k in keys}) == 28


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("smith2020", "smith2020"),
        (" Smith:2020 ", "Smith:2020"),
        ("12345", None),  # an EndNote record number
        ("L2006713348", None),  # an Embase accession number
        ("http://zotero.org/users/1/items/ABCD", None),
        ("has space", None),
        (17, None),
    ],
)
def test_a_file_id_is_a_key_only_when_it_looks_like_one(
    value: object, expected: str | None
) -> None:
    assert usable_key(value) == expected


def test_surname_of_both_name_orders() -> None:
    assert surname("Lee, Jane") == "Lee" and surname("Lee J") == "Lee"
