"""Names no one should have to type, and names in scripts we do not transliterate: no error, a
conservative score, a bounded number of keys."""

from __future__ import annotations

import pytest

from opennrm.matching.names import (
    MAX_WORDS,
    NEAR_MAX,
    compare_name,
    index_keys,
    query_keys,
    query_values,
    word,
    words,
)

BAND = 0.85
BAD = [
    "",
    "   ",
    "\t\n",
    "فاطمة",
    "王芳",
    "ნინო",
    "Z",
    "Ж",
    "A" * 200,
    "Анна" * 50,
    "Сарсенbaeva",
    "Anna-2!",
    "O'Neil",
    "___",
    "123",
    "ʻʼ'",
    "Zhanar " * 40,
    "Юсупова\u200bЖанар",
    "\u0301\u0308",
]


@pytest.mark.parametrize("text", BAD, ids=range(len(BAD)))
def test_bad_input_raises_nothing_and_keys_are_bounded(text):
    keys = query_keys(text)
    stored = index_keys(given=text, family=text, patronymic=text, others=[text])
    # Per word at most four keys and its near ones, plus the whole text; per person the parts
    # and both orders.
    per_word = 4 + NEAR_MAX
    assert len(keys) <= per_word * MAX_WORDS + 1
    assert len(stored) <= per_word * 3 * MAX_WORDS + 6
    assert len(words(text)) <= MAX_WORDS
    match = compare_name(text, given="Жанар", family="Юсупова", patronymic="", others=[])
    assert 0.0 <= match.score <= 1.0


def test_nothing_to_search_finds_nothing():
    for text in ("", "   ", "___", "123", "!?"):
        assert words(text) == []
        assert (
            compare_name(text, given="Жанар", family="Юсупова", patronymic="", others=[]).score == 0
        )
    assert compare_name("Zhanar", given="", family="", patronymic="", others=[]).score == 0


@pytest.mark.parametrize("name", ["فاطمة", "王芳", "ნინო"])
def test_a_script_we_do_not_transliterate_matches_only_as_written(name):
    assert word(name).fold == ""
    same = compare_name(name, given=name, family="", patronymic="", others=[])
    assert same.score == 1.0 and same.parts == {"given": "exact"}
    assert set(query_keys(name)) & index_keys(given=name, family="", patronymic="", others=[])
    # Not against a Latin or Cyrillic name, not against another name in the same script.
    assert compare_name(name, given="Fatima", family="Wang", patronymic="", others=[]).score == 0
    other = {"فاطمة": "فاطم", "王芳": "王丽", "ნინო": "ნინა"}[name]
    assert compare_name(name, given=other, family="", patronymic="", others=[]).score < BAND


def test_a_single_letter_never_reaches_the_band_against_a_full_name():
    for letter in ("Z", "Ж", "Y", "ю"):
        match = compare_name(letter, given="Жанар", family="Юсупова", patronymic="", others=[])
        assert match.score < BAND
        # An initial is not a key of its own: it would bring half the records.
        assert {purpose for purpose, _ in query_values(letter)} == {"name"}  # as written only


def test_an_initial_with_a_family_name_stays_below_the_band():
    match = compare_name("Yusupova Z.", given="Жанар", family="Юсупова", patronymic="", others=[])
    assert match.score < BAND


def test_a_very_long_name_is_cut_to_its_first_words():
    text = " ".join(["Zhanar"] * 30 + ["Yusupova"])
    assert len(words(text)) == MAX_WORDS
    match = compare_name(text, given="Жанар", family="Юсупова", patronymic="", others=[])
    assert 0 < match.score <= 1


def test_digits_and_punctuation_split_words_and_do_not_count():
    assert words("Anna-2!") == ["Anna"]
    assert words("O'Neil") == ["O'Neil"]
    assert word("O'Neil").fold == word("ONeil").fold
    match = compare_name("Anna-2!", given="Анна", family="", patronymic="", others=[])
    assert match.score >= BAND


def test_a_word_mixing_scripts_is_compared_conservatively():
    # Latin and Georgian letters in one word: not folded, found only as written.
    assert word("Ninoნინო").fold == ""
    assert compare_name("Ninoნინო", given="Nino", family="", patronymic="", others=[]).score == 0


def test_one_slip_of_the_keyboard_still_shares_a_key():
    for slip, name in (
        ("Lebwdeva", "Лебедева"),
        ("Atamvaeva", "Атамбаева"),
        ("Davlatvoa", "Давлатова"),
    ):
        assert set(query_keys(slip)) & index_keys(given="", family=name, patronymic="", others=[])
    # A very short name has no near keys: it would meet half the short names.
    assert not [value for purpose, value in query_values("Ali") if purpose == "name-near"]
