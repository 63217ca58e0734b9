"""Shared test data: the questionnaire files as specs, and Diana's answers from the scenario."""

from __future__ import annotations

from opennrm.screening.loader import read_definitions
from opennrm.screening.scoring import IndicatorSpec

ADULT_LABOUR = "ilo-ec-2009-adult-labour"
ADULT_SEXUAL = "ilo-ec-2009-adult-sexual"
CHILD_LABOUR = "ilo-ec-2009-child-labour"
FORCED_LABOUR = "ilo-forced-labour-11"


def definition(code: str) -> dict:
    """The newest version of a questionnaire: the one a new screening uses."""
    versions = [data for _name, data, _hash in read_definitions() if data["code"] == code]
    return max(versions, key=lambda data: data["version"])


def specs(code: str) -> list[IndicatorSpec]:
    return [
        IndicatorSpec(i["code"], i["dimension"], i["weight"])
        for i in definition(code)["indicators"]
    ]


def codes(code: str, dimension: str | None = None) -> list[str]:
    return [s.code for s in specs(code) if dimension is None or s.dimension == dimension]


def all_no(code: str, **answers: str) -> dict[str, str]:
    """Every indicator answered "no", except those given."""
    return {c: answers.get(c, "no") for c in codes(code)}


# Diana's story (../shared/reference/scenario.md), indicator by indicator. Only what the story
# says is "yes"; everything it does not mention is "don't know".
DIANA_YES = {
    # Offered jobs as cosmetics sales managers by an acquaintance; forced into prostitution.
    "d1_job_nature": "strong: a sales job was promised, prostitution was forced",
    # $100–200 a month promised; the pimp took all the money.
    "d1_wages": "medium: the promised pay never came",
    "d4_low_salary": "medium: she took all the money",
    "d4_labour_law": "medium: nothing of the agreed job or pay was kept",
    "d4_working_conditions": "medium: forced, beaten, driven to clients",
    # On arrival a pimp took their passports.
    "d5_documents": "strong: passports taken on arrival",
    # Beaten with a hose.
    "d5_violence": "strong: beaten with a hose",
    # "Her" taxi drivers drove the women to clients and back: control of movement.
    "d5_isolation": "strong: movement controlled through the drivers",
    "d5_forced_tasks": "medium: forced to see clients",
    "d5_withholding_wages": "medium: she took all the money",
}


def diana_answers(code: str = ADULT_SEXUAL) -> dict[str, str]:
    return {c: "yes" if c in DIANA_YES else "unknown" for c in codes(code)}
