"""Each folding rule earns its place: its example pair meets through the pipeline, and does not
meet with that rule taken out."""

from __future__ import annotations

import re

import pytest

from opennrm.matching import names, rules


@pytest.fixture(autouse=True)
def _fresh_words():
    names.word.cache_clear()
    yield
    names.word.cache_clear()


def _without(monkeypatch, attribute: str, index: int) -> None:
    compiled = list(getattr(names, attribute))
    del compiled[index]
    monkeypatch.setattr(names, attribute, compiled)
    names.word.cache_clear()


def _ids(rule_list: list[rules.Rule]) -> list[str]:
    return [f"{r.example[0]}~{r.example[1]}" for r in rule_list]


@pytest.mark.parametrize("index", range(len(rules.FOLDING)), ids=_ids(rules.FOLDING))
def test_folding_rule_makes_its_example_fold_alike(monkeypatch, index):
    a, b = rules.FOLDING[index].example
    assert names.word(a).fold == names.word(b).fold
    _without(monkeypatch, "_FOLDING", index)
    assert names.word(a).fold != names.word(b).fold


@pytest.mark.parametrize("index", range(len(rules.PHONETIC)), ids=_ids(rules.PHONETIC))
def test_phonetic_rule_makes_its_example_sound_alike(monkeypatch, index):
    a, b = rules.PHONETIC[index].example
    assert names.word(a).fold != names.word(b).fold  # folding alone does not join them
    assert names.word(a).sound == names.word(b).sound
    _without(monkeypatch, "_PHONETIC", index)
    assert names.word(a).sound != names.word(b).sound


@pytest.mark.parametrize("index", range(len(rules.ENDINGS)), ids=_ids(rules.ENDINGS))
def test_ending_rule_makes_its_example_share_a_stem(monkeypatch, index):
    a, b = (names.word(w) for w in rules.ENDINGS[index].example)
    assert a.sound != b.sound
    assert (a.stem or a.sound) == (b.stem or b.sound)
    _without(monkeypatch, "_ENDINGS", index)
    a, b = (names.word(w) for w in rules.ENDINGS[index].example)
    assert (a.stem or a.sound) != (b.stem or b.sound)


@pytest.mark.parametrize("rule", rules.FOLDING + rules.PHONETIC + rules.ENDINGS, ids=str)
def test_rule_is_a_valid_pattern_with_a_reason(rule):
    re.compile(rule.pattern)
    assert rule.why and len(rule.example) == 2 and rule.example[0] != rule.example[1]


def test_letters_with_a_meaning_of_their_own_are_kept_apart():
    assert names.word("Žanar").fold == names.word("Zhanar").fold == names.word("Жанар").fold
    assert names.word("Şaripova").fold == names.word("Sharipova").fold
    assert names.word("Zanar").fold != names.word("Zhanar").fold
