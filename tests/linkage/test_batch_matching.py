"""The pure batch linkage (opennrm/matching/batch.py): same person across scripts and orders,
not people who share one name, bad input without errors, repeatable results."""

from __future__ import annotations

import pytest

from opennrm.matching.batch import (
    Pair,
    Record,
    clusters_of,
    features,
    for_spark,
    link,
    settings,
)


def rec(id: str, given: str, family: str, **more) -> Record:
    return Record(
        id=id, organization=more.pop("organization", "1"), given=given, family=family, **more
    )


POOL = [
    rec("1", "Жанар", "Юсупова", birth_year=1990),
    rec("2", "Zhanar", "Yusupova", birth_year=1990),
    rec("3", "Yusupova", "Janar", birth_date="1990-05-04"),  # order swapped, spelled as heard
    rec("4", "Дильноза", "Юсупова", birth_year=1975),
    rec("5", "Айгуль", "Сарсенбаева", birth_year=1985, phones=("+77011234567",)),
    rec("6", "Aigul", "Sarsenbayeva", birth_year=1985, phones=("+77011234567",)),
    rec("7", "Zhanar", "Akhmetova", birth_year=1988),
]


def test_the_same_person_across_scripts_and_orders_and_no_one_else():
    result = link(POOL)
    assert result.clusters == [["1", "2", "3"], ["5", "6"]]
    assert not result.trained
    linked = {(p.id_a, p.id_b) for p in result.pairs}
    assert ("1", "4") not in linked and ("2", "7") not in linked


def test_results_are_repeatable():
    assert link(POOL).pairs == link(POOL).pairs


def test_between_organizations_only():
    pool = [
        rec("1", "Жанар", "Юсупова", birth_year=1990, organization="a"),
        rec("2", "Zhanar", "Yusupova", birth_year=1990, organization="a"),
        rec("3", "Zhanar", "Yusupova", birth_year=1990, organization="b"),
    ]
    pairs = {(p.id_a, p.id_b) for p in link(pool, between_organizations=True).pairs}
    assert pairs == {("1", "3"), ("2", "3")}


def test_progress_goes_from_zero_to_one():
    seen: list[float] = []
    link(POOL, progress=seen.append)
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)


@pytest.mark.parametrize(
    "given,family",
    [
        ("", ""),
        ("محمد", "علي"),  # Arabic: not transliterated
        ("王", "伟"),
        ("გიორგი", "ბერიძე"),
        ("A", "B"),
        ("Ж" * 200, "Y" * 200),
        ("Жanar", "Yusupоvа"),  # mixed scripts inside a word
        ("123", "!!!"),
    ],
)
def test_bad_input_is_handled_and_scored_conservatively(given, family):
    pool = [rec("x", given, family), rec("y", given, family), rec("z", "Aigul", "Sarsenbayeva")]
    result = link(pool)
    for pair in result.pairs:
        assert "z" not in (pair.id_a, pair.id_b)
    if not any(c.isalpha() for c in given + family):
        assert result.pairs == []  # nothing to compare: no link on empty names alone


def test_names_are_reduced_to_keys():
    row = features(rec("1", "Жанар", "Юсупова"))
    assert row["given_fold"] == features(rec("2", "Zhanar", "Yusupova"))["given_fold"]
    assert "Жанар" not in repr(row) and "Юсупова" not in repr(row)


def test_tiny_pools_and_duplicate_ids():
    assert link([]).pairs == [] and link([POOL[0]]).clusters == []
    with pytest.raises(ValueError):
        link([POOL[0], POOL[0]])
    with pytest.raises(ValueError):
        link(POOL, extra_columns=["Bad Column"])


def test_clusters_join_chains():
    assert clusters_of([Pair("a", "b", 0.9), Pair("b", "c", 0.9), ("x", "y")]) == [
        ["a", "b", "c"],
        ["x", "y"],
    ]


def test_the_settings_are_one_model_for_every_backend():
    model = settings(trained=False, extra_columns=["postcode"], extra_blocking=[["postcode"]])
    assert model["link_type"] == "dedupe_only"
    assert any(
        "x_postcode" in r["blocking_rule"] for r in model["blocking_rules_to_generate_predictions"]
    )
    levels = [lvl for c in model["comparisons"] for lvl in c["comparison_levels"]]
    assert all("m_probability" in lvl for lvl in levels if not lvl.get("is_null_level"))


def test_the_model_converts_to_spark_sql():
    text = repr(for_spark(link(POOL).model))
    for duckdb_only in ("list_has_any(", "list_contains(", "jaro_winkler_similarity("):
        assert duckdb_only not in text
    assert "'sql_dialect': 'spark'" in text and "arrays_overlap(" in text
