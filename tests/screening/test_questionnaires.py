"""The questionnaire files are complete and valid, and loading them is idempotent and safe."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from opennrm.screening.loader import (
    DIRECTORY,
    LANGUAGES,
    QuestionnaireFileError,
    person_texts,
    questionnaires_load,
    read_definitions,
    validate,
)
from opennrm.screening.models import Questionnaire
from tests.screening.helpers import (
    ADULT_LABOUR,
    ADULT_SEXUAL,
    CHILD_LABOUR,
    FORCED_LABOUR,
    definition,
)

DIMENSION_COUNTS = {"D1": 10, "D2": 10, "D3": 16, "D4": 9, "D5": 15, "D6": 7}


def weights(code: str) -> Counter:
    return Counter((i["dimension"], i["weight"]) for i in definition(code)["indicators"])


def test_every_file_is_valid_and_every_text_is_in_four_languages() -> None:
    assert set(LANGUAGES) == {"en", "ru", "kk", "uz-latn"}
    names = {name for name, _data, _hash in read_definitions()}
    # Version 1 stays: it is what the screenings made with it asked. Version 2 rewords the
    # questions after the translation review.
    assert names == {
        f"{code}.v{version}.json"
        for code in (ADULT_LABOUR, ADULT_SEXUAL, CHILD_LABOUR, FORCED_LABOUR)
        for version in (1, 2)
    }
    for name, data, _hash in read_definitions():
        assert validate(data, name) == []
        for indicator in data["indicators"]:
            for language in LANGUAGES:
                question = indicator["question"][language]
                assert question.strip().endswith("?"), (name, indicator["code"], language)
                assert indicator["label"][language].strip()
        # Kazakh is written in Cyrillic, Uzbek in Latin (with the modifier letter ʻ).
        texts = [i["question"] for i in data["indicators"]]
        assert all(any("а" <= ch <= "я" or ch in "әғқңөұүһі" for ch in t["kk"]) for t in texts)
        assert all(not any("а" <= ch.lower() <= "я" for ch in t["uz-latn"]) for t in texts)
        assert all(t["ru"] != t["en"] and t["kk"] != t["ru"] for t in texts)


def test_adult_labour_list_matches_the_reference_counts_and_weights() -> None:
    data = definition(ADULT_LABOUR)
    assert len(data["indicators"]) == 67
    counts = Counter(i["dimension"] for i in data["indicators"])
    assert counts == DIMENSION_COUNTS
    assert weights(ADULT_LABOUR) == Counter(
        {
            ("D1", "strong"): 1, ("D1", "medium"): 8, ("D1", "weak"): 1,
            ("D2", "strong"): 1, ("D2", "medium"): 9,
            ("D3", "medium"): 14, ("D3", "weak"): 2,  # no strong in D3
            ("D4", "strong"): 1, ("D4", "medium"): 7, ("D4", "weak"): 1,
            ("D5", "strong"): 4, ("D5", "medium"): 10, ("D5", "weak"): 1,
            ("D6", "medium"): 5, ("D6", "weak"): 2,
        }
    )  # fmt: skip
    # The two weights the sources disagree on say so in the data.
    notes = {i["code"] for i in data["indicators"] if "weight_note" in i}
    assert notes == {"d3_past_difficulties", "d3_travel_difficulty"}
    assert data["rule"] == "ilo-ec-adult" and data["adapted"] is False


def test_sexual_list_is_marked_adapted_and_says_how() -> None:
    data = definition(ADULT_SEXUAL)
    assert data["adapted"] is True
    assert "adapted" in data["note"]["en"].lower() and "labour list" in data["note"]["en"]
    assert weights(ADULT_SEXUAL) == weights(ADULT_LABOUR)
    labour = {i["code"]: i["question"]["en"] for i in definition(ADULT_LABOUR)["indicators"]}
    reworded = [i["code"] for i in data["indicators"] if i["question"]["en"] != labour[i["code"]]]
    assert "d5_forced_tasks" in reworded and "d4_excessive_hours" in reworded


def test_child_list_has_the_child_weights_and_rule() -> None:
    data = definition(CHILD_LABOUR)
    assert data["rule"] == "ilo-ec-child"
    assert len(data["indicators"]) == 65
    by_code = {i["code"]: i["weight"] for i in data["indicators"]}
    assert "d3_false_law" not in by_code and "d4_social_protection" not in by_code
    assert "weak" not in by_code.values()
    for code in [
        "d1_education",
        "d2_threats_violence",
        "d2_abduction",
        "d2_debt",
        "d5_threats_violence",
        "d5_illicit",
        "d5_forced_tasks",
        "d5_strong_influence",
    ]:
        assert by_code[code] == "strong", code
    for code in [
        "d3_beliefs",
        "d3_general_context",
        "d4_no_education",
        "d5_threats_inform",
        "d6_past_difficulties",
        "d6_personal_characteristics",
    ]:
        assert by_code[code] == "medium", code
    assert "3(c)" in data["note"]["en"]


def test_forced_labour_short_screen_is_eleven_unweighted_indicators() -> None:
    data = definition(FORCED_LABOUR)
    assert data["rule"] == "none"
    assert len(data["indicators"]) == 11
    assert {i["weight"] for i in data["indicators"]} == {""}


def test_self_answer_screens_speak_every_language() -> None:
    texts = person_texts()
    assert {"title", "intro", "start", "question", "yes", "no", "unknown", "done"} <= set(texts)
    for key, value in texts.items():
        assert all(value.get(language, "").strip() for language in LANGUAGES), key


def test_validation_names_the_place_of_each_problem() -> None:
    data = json.loads(json.dumps(definition(ADULT_LABOUR)))
    data["indicators"][3]["weight"] = "heavy"
    del data["indicators"][5]["question"]["kk"]
    data["indicators"][7]["dimension"] = "D9"
    data["indicators"][8]["code"] = data["indicators"][0]["code"]
    problems = validate(data, "ilo-ec-2009-adult-labour.v1.json")
    assert any(p.startswith("indicators[3].weight") for p in problems)
    assert "indicators[5].question.kk: missing or empty" in problems
    assert any(p.startswith("indicators[7].dimension") for p in problems)
    assert any(p.startswith("indicators[8].code") and "twice" in p for p in problems)
    assert validate(data, "other.v2.json")[0] == "code and version must match the file name"


# --- Loading into the database.


@pytest.mark.django_db
def test_migrate_loaded_every_questionnaire_and_loading_again_changes_nothing() -> None:
    loaded = {(q.code, q.version): q.indicators.count() for q in Questionnaire.objects.all()}
    assert loaded == {
        (code, version): count
        for code, count in ((ADULT_LABOUR, 67), (ADULT_SEXUAL, 67), (CHILD_LABOUR, 65))
        for version in (1, 2)
    } | {(FORCED_LABOUR, 1): 11, (FORCED_LABOUR, 2): 11}
    before = list(Questionnaire.objects.values_list("pk", "content_hash"))
    report = questionnaires_load()
    assert report.created == [] and report.reloaded == [] and len(report.unchanged) == 8
    assert list(Questionnaire.objects.values_list("pk", "content_hash")) == before
    out = StringIO()
    call_command("load_questionnaires", stdout=out)
    assert "8 unchanged" in out.getvalue()


def test_a_reworded_version_keeps_every_indicator_weight_and_rule() -> None:
    """Version 2 changes only words: the same indicators, dimensions, weights, labels' meaning
    and rule, so a "yes" means the same in both and the scoring is unchanged."""
    by_code: dict[str, dict[int, dict]] = {}
    for _name, data, _hash in read_definitions():
        by_code.setdefault(data["code"], {})[data["version"]] = data
    for code, versions in by_code.items():
        first, newest = versions[1], versions[max(versions)]
        assert max(versions) == 2, code
        for key in ("rule", "population", "exploitation", "adapted", "dimensions"):
            assert newest[key] == first[key], (code, key)
        shape = [(i["code"], i["dimension"], i["weight"]) for i in first["indicators"]]
        assert [(i["code"], i["dimension"], i["weight"]) for i in newest["indicators"]] == shape
        assert [i["label"]["en"] for i in newest["indicators"]] == [
            i["label"]["en"] for i in first["indicators"]
        ]
        reworded = [
            i["code"]
            for old, i in zip(first["indicators"], newest["indicators"], strict=True)
            if old["question"] != i["question"]
        ]
        assert reworded, code
        assert "Version 2" in newest["note"]["en"], code


def _copy(tmp_path: Path) -> Path:
    directory = tmp_path / "questionnaires"
    shutil.copytree(DIRECTORY, directory)
    return directory


def _rewrite(path: Path, change) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


@pytest.mark.django_db
def test_a_used_version_is_never_changed_in_place_a_correction_is_a_new_version(
    tmp_path: Path, world
) -> None:
    from opennrm.screening import services
    from tests.cases.factories import open_diana

    directory = _copy(tmp_path)
    newest = definition(ADULT_LABOUR)["version"]
    labour = directory / f"{ADULT_LABOUR}.v{newest}.json"

    def reweigh(data: dict) -> None:
        data["indicators"][14 + 10 + 6]["weight"] = "weak"  # a D3 weight corrected

    # Not used yet: the changed file replaces the stored version.
    _rewrite(labour, reweigh)
    assert questionnaires_load(directory).reloaded == [f"{ADULT_LABOUR} v{newest}"]

    # Once used, a changed file is refused; the stored version stays as it was.
    case = open_diana(world.a["case_worker"])
    services.screening_start(
        actor=world.actor(world.a["case_worker"]),
        case=case,
        questionnaire_code=ADULT_LABOUR,
        language="ru",
        mode="worker_led",
    )
    stored = Questionnaire.objects.get(code=ADULT_LABOUR, version=newest).content_hash
    _rewrite(labour, lambda data: data["indicators"][0]["question"].update(en="Changed?"))
    assert questionnaires_load(directory).refused == [f"{ADULT_LABOUR} v{newest}"]
    assert Questionnaire.objects.get(code=ADULT_LABOUR, version=newest).content_hash == stored

    # The correction as the next version: new screenings use it, the old one keeps its own.
    following = directory / f"{ADULT_LABOUR}.v{newest + 1}.json"
    labour.rename(following)
    _rewrite(following, lambda data: data.update(version=newest + 1))
    assert questionnaires_load(directory).created == [f"{ADULT_LABOUR} v{newest + 1}"]
    screening = services.screening_start(
        actor=world.actor(world.a["case_worker"]),
        case=case,
        questionnaire_code=ADULT_LABOUR,
        language="ru",
        mode="worker_led",
    )
    assert screening.questionnaire.version == newest + 1


@pytest.mark.django_db
def test_a_malformed_file_is_refused_naming_file_and_place(tmp_path: Path, monkeypatch) -> None:
    directory = _copy(tmp_path)
    _rewrite(
        directory / f"{FORCED_LABOUR}.v1.json",
        lambda data: data["indicators"][2]["label"].pop("uz-latn"),
    )
    with pytest.raises(
        QuestionnaireFileError, match=r"forced-labour-11\.v1\.json.*indicators\[2\]"
    ):
        questionnaires_load(directory)
    monkeypatch.setattr("opennrm.screening.loader.DIRECTORY", directory)
    monkeypatch.setattr(
        "opennrm.screening.management.commands.load_questionnaires.questionnaires_load",
        lambda: questionnaires_load(directory),
    )
    with pytest.raises(CommandError, match="label.uz-latn"):
        call_command("load_questionnaires", stdout=StringIO())
