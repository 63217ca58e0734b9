"""The in-memory index ranks as the product's search, and the bench's --pairs mode works."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from opennrm.matching.index import CANDIDATES, NameIndex, Names
from opennrm.people.search import CANDIDATES as PRODUCT_CANDIDATES

ROOT = Path(__file__).resolve().parents[2]


def test_the_index_finds_a_name_across_scripts_best_first():
    index = NameIndex()
    index.add(1, Names(given="Жанар", family="Юсупов"))
    index.add(2, Names(given="Жанар", family="Юсупова"))
    index.add(3, Names(given="Дилноза", family="Юсупова"))
    index.add(4, Names(given="Анна", family="Иванова"))
    found = index.search("Yusupova Zhanar")
    assert [f.person for f in found] == [2, 1, 3]  # then the brother, then the sister-in-law
    assert found[0].match.score >= 0.85 > found[1].match.score
    assert found[0].match.swapped
    assert index.search("王芳") == []


def test_the_index_keeps_the_products_limit_and_order():
    assert CANDIDATES == PRODUCT_CANDIDATES
    index = NameIndex()
    for person in range(CANDIDATES + 50):
        index.add(person, Names(given="Жанар", family="Юсупова"))
    candidates = index.candidates("Жанар")
    assert len(candidates) == CANDIDATES
    assert [p for p, _ in candidates] == list(range(CANDIDATES))  # ties: lower id first


def _bench():
    spec = importlib.util.spec_from_file_location(
        "matching_names", ROOT / "bench" / "matching_names.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_the_bench_reads_a_file_of_labelled_pairs(capsys, tmp_path):
    output = tmp_path / "out.txt"
    pairs = Path(__file__).parent / "data" / "pairs_small.tsv"
    assert (
        _bench().main(["--pairs", str(pairs), "--population", "2000", "--output", str(output)]) == 0
    )
    printed = capsys.readouterr().out
    assert "labelled pairs: 4 from" in printed and "(4 distinct records)" in printed
    assert "all: 4 queries, recall@1 1.000, recall@10 1.000" in printed
    assert "command: .venv/bin/python bench/matching_names.py --pairs" in printed
    assert output.read_text(encoding="utf-8") == printed


def test_the_development_set_spells_names_by_the_documented_rules():
    bench = _bench()
    assert bench.spell("Юлия Жукова", bench.ICAO).upper() == "IULIIA ZHUKOVA"
    assert bench.spell("Сарсенбаева", bench.PRESS, iotated_e="ye") == "Sarsenbayeva"
    assert bench.spell("Юсупова", bench.GERMAN, iotated_e="je") == "Jussupowa"
    assert bench.spell("Жанар Сәуле", bench.KAZAKH_2021) == "Janar Säule"
    assert bench.icu_latin("Ўткир", "uz") == "Oʻtkir"
    assert bench.female_family("Вишневский") == "Вишневская"
    assert bench.derived_family("Нурлан") == "Нурланов"
