"""Questionnaire files -> Questionnaire and Indicator rows, idempotently.

Each ``questionnaires/<code>.v<version>.json`` is checked (every question in every language,
known weights and dimensions, unique codes) and loaded once. Loading again changes nothing.
A file whose content changed is reloaded only while no screening uses that version: a version
once used is never changed in place; a correction is a new file with the next version number.

Runs after every ``migrate`` (``apps.py``) and as ``manage.py load_questionnaires``.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.db import transaction

from .models import Indicator, Language, Questionnaire, Rule, Weight

DIRECTORY = Path(__file__).resolve().parent / "questionnaires"
PERSON_TEXTS = Path(__file__).resolve().parent / "person_texts.json"
LANGUAGES = tuple(Language.values)
_FILE_NAME = re.compile(r"^(?P<code>[a-z0-9-]+)\.v(?P<version>[1-9][0-9]*)\.json$")
_CODE = re.compile(r"^[a-z][a-z0-9_]*$")


class QuestionnaireFileError(ValueError):
    """A questionnaire file is malformed; the message names the file and the place."""


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    reloaded: list[str] = field(default_factory=list)
    # Changed files whose version is already used: left as they were.
    refused: list[str] = field(default_factory=list)


def _texts(value: Any, where: str) -> list[str]:
    if not isinstance(value, dict):
        return [f"{where}: expected an object with a text per language"]
    return [
        f"{where}.{language}: missing or empty"
        for language in LANGUAGES
        if not isinstance(value.get(language), str) or not value[language].strip()
    ]


def validate(data: Any, name: str) -> list[str]:
    """Every problem of one definition, each naming its place (``indicators[3].question.kk``)."""
    if not isinstance(data, dict):
        return ["the file must hold one JSON object"]
    problems: list[str] = []
    match = _FILE_NAME.match(name)
    if not match:
        problems.append("the file name must be <code>.v<version>.json")
    elif (data.get("code"), data.get("version")) != (match["code"], int(match["version"])):
        problems.append("code and version must match the file name")
    if data.get("rule") not in Rule.values:
        problems.append(f"rule: one of {', '.join(Rule.values)}")
    for key in ("population", "exploitation", "source"):
        if not isinstance(data.get(key), str) or not data[key]:
            problems.append(f"{key}: missing")
    if not isinstance(data.get("adapted"), bool):
        problems.append("adapted: true or false")
    problems += _texts(data.get("title"), "title")
    problems += _texts(data.get("note"), "note")
    dimensions = data.get("dimensions")
    if not isinstance(dimensions, list) or not dimensions:
        return [*problems, "dimensions: a non-empty list"]
    dimension_codes = []
    for i, dimension in enumerate(dimensions):
        dimension_codes.append(dimension.get("code"))
        problems += _texts(dimension.get("title"), f"dimensions[{i}].title")
    indicators = data.get("indicators")
    if not isinstance(indicators, list) or not indicators:
        return [*problems, "indicators: a non-empty list"]
    weighted = data.get("rule") != Rule.NONE
    seen: set[str] = set()
    for i, item in enumerate(indicators):
        where = f"indicators[{i}]"
        code = item.get("code")
        if not isinstance(code, str) or not _CODE.match(code):
            problems.append(f"{where}.code: lower-case letters, digits and _")
        elif code in seen:
            problems.append(f"{where}.code: {code} appears twice")
        seen.add(code)
        if item.get("dimension") not in dimension_codes:
            problems.append(f"{where}.dimension: not one of the dimensions")
        allowed = [Weight.STRONG, Weight.MEDIUM, Weight.WEAK] if weighted else [Weight.NONE]
        if item.get("weight") not in allowed:
            problems.append(f"{where}.weight: one of {', '.join(repr(w.value) for w in allowed)}")
        problems += _texts(item.get("label"), f"{where}.label")
        problems += _texts(item.get("question"), f"{where}.question")
    return problems


def read_definitions(directory: Path = DIRECTORY) -> list[tuple[str, dict, str]]:
    """(file name, definition, content hash) of every questionnaire file, checked."""
    definitions = []
    for path in sorted(directory.glob("*.json")):
        raw = path.read_bytes()
        try:
            data = json.loads(raw)
        except ValueError as exc:
            raise QuestionnaireFileError(f"{path.name}: not valid JSON ({exc})") from None
        problems = validate(data, path.name)
        if problems:
            raise QuestionnaireFileError(f"{path.name}: " + "; ".join(problems))
        canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        definitions.append((path.name, data, hashlib.sha256(canonical.encode()).hexdigest()))
    return definitions


def _fill(questionnaire: Questionnaire, data: dict, content_hash: str) -> None:
    questionnaire.rule = data["rule"]
    questionnaire.population = data["population"]
    questionnaire.exploitation = data["exploitation"]
    questionnaire.adapted = data["adapted"]
    questionnaire.title = data["title"]
    questionnaire.note = data["note"]
    questionnaire.source = data["source"]
    questionnaire.dimensions = data["dimensions"]
    questionnaire.content_hash = content_hash
    questionnaire.save()
    questionnaire.indicators.all().delete()
    Indicator.objects.bulk_create(
        Indicator(
            questionnaire=questionnaire,
            code=item["code"],
            position=position,
            dimension=item["dimension"],
            weight=item["weight"],
            label=item["label"],
            question=item["question"],
        )
        for position, item in enumerate(data["indicators"], start=1)
    )


@transaction.atomic
def questionnaires_load(directory: Path = DIRECTORY) -> LoadReport:
    """Load every questionnaire file not yet loaded; reload changed, still unused versions."""
    report = LoadReport()
    for _name, data, content_hash in read_definitions(directory):
        label = f"{data['code']} v{data['version']}"
        existing = Questionnaire.objects.filter(code=data["code"], version=data["version"]).first()
        if existing is None:
            _fill(Questionnaire(code=data["code"], version=data["version"]), data, content_hash)
            report.created.append(label)
        elif existing.content_hash == content_hash:
            report.unchanged.append(label)
        elif existing.screenings.exists():
            report.refused.append(label)
        else:
            _fill(existing, data, content_hash)
            report.reloaded.append(label)
    return report


@cache
def person_texts() -> dict[str, dict[str, str]]:
    """What the self-answer screens say, per key and language (``person_texts.json``)."""
    data = json.loads(PERSON_TEXTS.read_text(encoding="utf-8"))
    return {key: value for key, value in data.items() if not key.startswith("_")}
