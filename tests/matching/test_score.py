"""Scoring two person records: conservative bands, and the reasons why."""

from __future__ import annotations

import pytest

from opennrm.matching.score import HIGH, Probe, band_of, score

ZHANAR = Probe(
    given="Жанар",
    family="Юсупова",
    birth_date="1990-04-02",
    sex="Feminine",
    citizenship="UZ",
    phones=frozenset({"tok-1"}),
)


def codes(m):
    return {r.code for r in m.reasons}


def test_a_single_word_name_alone_never_reaches_high():
    m = score(Probe(family="Yusupova"), ZHANAR)
    assert m.band == "medium"
    assert m.score < HIGH
    assert "family.transliterated" in codes(m)
    assert m.kinds == ["name"]


def test_a_single_word_name_with_the_same_birth_day_may_reach_high():
    m = score(Probe(family="Yusupova", birth_date="1990-04-02"), ZHANAR)
    assert m.band == "high"
    assert "birth.day" in codes(m)


def test_full_name_across_scripts_and_birth_day_is_high_with_reasons():
    m = score(Probe(given="Zhanar", family="Yusupova", birth_date="1990-04-02"), ZHANAR)
    assert m.band == "high"
    assert {"given.transliterated", "family.transliterated", "birth.day"} <= codes(m)
    assert "order.swapped" not in codes(m)
    assert m.kinds == ["name", "birth_date"]


def test_swapped_order_is_a_reason():
    m = score(Probe(family="Zhanar", given="Yusupova"), ZHANAR)
    assert "order.swapped" in codes(m)


def test_similar_spelling_same_year_sex_citizenship_phone():
    probe = Probe(
        given="Janar",
        family="Jusupova",
        birth_year=1990,
        sex="Feminine",
        citizenship="UZ",
        phones=frozenset({"tok-1"}),
    )
    m = score(probe, ZHANAR)
    assert m.band == "high"
    assert {"birth.year", "citizenship", "phone"} <= codes(m)
    assert m.kinds == ["name", "birth_date", "sex", "citizenship", "phone"]
    labels = [r.label for r in m.reasons]
    assert "born the same year" in labels and "same phone" in labels


@pytest.mark.parametrize(
    "probe",
    [
        Probe(given="Zhanar", family="Yusupova", birth_year=1975),  # years apart
        Probe(given="Zhanar", family="Yusupova", birth_date="1971-04-02"),
        Probe(given="Zhanar", family="Yusupova", sex="Masculine"),  # another sex
        Probe(given="Anna", family="Petrova"),  # another person
    ],
)
def test_conflicts_and_other_names_pull_below_the_bands(probe):
    assert score(probe, ZHANAR).band == ""


def test_a_year_one_apart_does_not_pull_down():
    near = score(Probe(given="Zhanar", family="Yusupova", birth_year=1991), ZHANAR)
    assert near.band == "medium"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "Ж",
        "ა",  # Georgian
        "محمد",  # Arabic
        "李",  # Chinese
        "12345 !!!",
        "Ю" * 200,
    ],
)
def test_bad_input_scores_without_error_and_conservatively(text):
    m = score(Probe(family=text), ZHANAR)
    assert m.band in ("", "low")
    assert 0 <= m.score <= 1


def test_mixed_scripts_in_one_word_are_read_letter_by_letter():
    # A keyboard switched mid-word: still the same family name, but never "high" alone.
    assert score(Probe(family="Юsupova"), ZHANAR).band == "medium"


def test_names_in_scripts_not_transliterated_match_only_as_written():
    georgian = Probe(family="ნინო", given="ბერიძე")
    assert score(georgian, georgian).band == "medium"
    assert score(Probe(family="Nino", given="Beridze"), georgian).band == ""


def test_other_names_of_the_probe_are_tried():
    m = score(Probe(family="Smith", others=("Юсупова Жанар",)), ZHANAR)
    assert m.band == "medium"


def test_bands():
    assert band_of(0.9) == "high" and band_of(0.75) == "medium" and band_of(0.6) == "low"
    assert band_of(0.5) == ""
