"""The ILO/EC decision rule against hand-worked examples, branch by branch.

Dimension rule: positive with (a) 2 strong, (b) 1 strong + 1 medium or weak, (c) 3 medium,
(d) 2 medium + 1 weak. Adult: (D1 or D2 or D3) and D4 and (D5 or D6). Child: (D1 or D2 or D3)
and D4. The examples use the real questionnaire files, so the weights are the data's.
"""

from __future__ import annotations

import pytest

from opennrm.screening import scoring
from opennrm.screening.scoring import IndicatorSpec, dimension_clause, score
from tests.screening.helpers import (
    ADULT_LABOUR,
    ADULT_SEXUAL,
    CHILD_LABOUR,
    FORCED_LABOUR,
    all_no,
    codes,
    diana_answers,
    specs,
)

# Hand-picked indicators with their weights in the adult labour list.
D1_STRONG = "d1_job_nature"  # strong
D1_MEDIUM = ["d1_conditions", "d1_contract", "d1_wages"]  # medium
D1_WEAK = "d1_education"  # weak
D2_STRONG, D2_MEDIUM = "d2_violence", ["d2_documents", "d2_debt", "d2_isolation"]
D3_MEDIUM, D3_WEAK = ["d3_illegal_status", "d3_lack_information", "d3_economic"], "d3_beliefs"
D4_STRONG, D4_MEDIUM = "d4_excessive_hours", ["d4_low_salary", "d4_hazardous", "d4_labour_law"]
D4_WEAK = "d4_no_education"
D5_STRONG = ["d5_documents", "d5_violence"]
D5_MEDIUM, D5_WEAK = ["d5_forced_tasks", "d5_forced_lie"], "d5_threats_inform"
D6_MEDIUM, D6_WEAK = ["d6_dependency", "d6_economic"], "d6_past_difficulties"


def yes(*indicators: str, code: str = ADULT_LABOUR, missing: tuple[str, ...] = ()) -> dict:
    answers = all_no(code, **dict.fromkeys(indicators, "yes"))
    for indicator in missing:
        answers.pop(indicator)
    return answers


def dimension(result: scoring.Result, code: str) -> scoring.DimensionResult:
    return next(d for d in result.dimensions if d.code == code)


def adult(*indicators: str, missing: tuple[str, ...] = ()) -> scoring.Result:
    return score("ilo-ec-adult", specs(ADULT_LABOUR), yes(*indicators, missing=missing))


# --- One dimension: each clause, and each way of falling short.


def spec(weight: str, n: int) -> IndicatorSpec:
    return IndicatorSpec(f"{weight}{n}", "D", weight)


@pytest.mark.parametrize(
    ("weights", "clause"),
    [
        (["strong", "strong"], "a"),
        (["strong", "medium"], "b"),
        (["strong", "weak"], "b"),
        (["medium", "medium", "medium"], "c"),
        (["medium", "medium", "weak"], "d"),
        # More than enough: the first clause met is reported.
        (["strong", "strong", "medium"], "a"),
        (["medium", "medium", "medium", "weak"], "c"),
    ],
)
def test_each_clause_makes_a_dimension_positive(weights: list[str], clause: str) -> None:
    present = [spec(w, i) for i, w in enumerate(weights)]
    assert dimension_clause(present)[0] == clause


@pytest.mark.parametrize(
    "weights",
    [
        [],
        ["strong"],
        ["medium"],
        ["medium", "medium"],
        ["weak", "weak", "weak"],
        ["medium", "weak", "weak"],
        ["medium", "weak"],
    ],
)
def test_too_few_or_too_weak_indicators_leave_a_dimension_negative(weights: list[str]) -> None:
    assert dimension_clause([spec(w, i) for i, w in enumerate(weights)]) == (None, [])


def test_clause_a_in_the_adult_list_names_its_two_strong_indicators() -> None:
    result = adult(*D5_STRONG)
    d5 = dimension(result, "D5")
    assert (d5.positive, d5.clause, d5.by) == (True, "a", D5_STRONG)


def test_clause_b_with_a_medium_and_with_a_weak_indicator() -> None:
    d1 = dimension(adult(D1_STRONG, D1_MEDIUM[0]), "D1")
    assert (d1.positive, d1.clause, d1.by) == (True, "b", [D1_STRONG, D1_MEDIUM[0]])
    d1 = dimension(adult(D1_STRONG, D1_WEAK), "D1")
    assert (d1.positive, d1.clause, d1.by) == (True, "b", [D1_STRONG, D1_WEAK])


def test_clause_c_three_medium_indicators() -> None:
    d3 = dimension(adult(*D3_MEDIUM), "D3")  # D3 has no strong indicator at all
    assert (d3.positive, d3.clause, d3.by) == (True, "c", D3_MEDIUM)


def test_clause_d_two_medium_and_one_weak() -> None:
    d6 = dimension(adult(*D6_MEDIUM, D6_WEAK), "D6")
    assert (d6.positive, d6.clause, d6.by) == (True, "d", [*D6_MEDIUM, D6_WEAK])


@pytest.mark.parametrize(
    ("dimension_code", "present"),
    [
        ("D1", [D1_STRONG]),  # one strong alone
        ("D2", D2_MEDIUM[:2]),  # two medium
        ("D3", [D3_MEDIUM[0], D3_WEAK]),  # one medium and one weak
        ("D4", [D4_MEDIUM[0], D4_WEAK]),
        ("D5", [D5_MEDIUM[0], D5_WEAK]),
        ("D6", [D6_MEDIUM[0], D6_WEAK]),
    ],
)
def test_each_dimension_negative_with_indicators_below_the_rule(
    dimension_code: str, present: list[str]
) -> None:
    d = dimension(adult(*present), dimension_code)
    assert (d.positive, d.clause, d.by) == (False, None, [])
    assert d.present == present


def test_dont_know_counts_as_not_present() -> None:
    answers = yes(D1_STRONG)
    answers[D1_MEDIUM[0]] = "unknown"
    d1 = dimension(score("ilo-ec-adult", specs(ADULT_LABOUR), answers), "D1")
    assert not d1.positive and d1.unknown == [D1_MEDIUM[0]]


def test_rather_not_say_is_scored_as_not_answered_unlike_dont_know() -> None:
    """A "don't know" counts as absent, a "rather not say" is no answer at all: with D1 strong
    present, a declined medium could still make D1 positive, so the result waits for it."""
    declined = yes(D1_STRONG, *EXPLOITATION, *D5_STRONG)
    declined[D1_MEDIUM[0]] = "declined"
    result = score("ilo-ec-adult", specs(ADULT_LABOUR), declined)
    d1 = dimension(result, "D1")
    assert not d1.positive and d1.could_become_positive
    assert d1.declined == [D1_MEDIUM[0]] and d1.missing == [D1_MEDIUM[0]] and d1.unknown == []
    assert result.outcome == scoring.NOT_ENOUGH_ANSWERS
    assert result.declined == [D1_MEDIUM[0]] and result.needed == [D1_MEDIUM[0]]
    assert D1_MEDIUM[0] not in result.present

    known = {**declined, D1_MEDIUM[0]: "unknown"}
    result = score("ilo-ec-adult", specs(ADULT_LABOUR), known)
    assert result.outcome == scoring.RULE_NOT_MET and result.declined == []
    assert dimension(result, "D1").unknown == [D1_MEDIUM[0]]


def test_rather_not_say_holds_nothing_the_result_no_longer_depends_on() -> None:
    answers = yes(*RECRUITMENT["D1"], *EXPLOITATION, *D5_STRONG)
    answers.update(dict.fromkeys(codes(ADULT_LABOUR, "D6"), "declined"))
    result = score("ilo-ec-adult", specs(ADULT_LABOUR), answers)
    assert result.outcome == scoring.POSSIBLE_VICTIM and result.needed == []
    assert result.declined == codes(ADULT_LABOUR, "D6")
    assert dimension(result, "D6").declined == codes(ADULT_LABOUR, "D6")


def test_rather_not_say_on_the_short_screen_is_not_an_answer() -> None:
    answers = all_no(FORCED_LABOUR, fl_documents="yes", fl_debt="declined")
    result = score("none", specs(FORCED_LABOUR), answers)
    assert result.outcome == scoring.NOT_ENOUGH_ANSWERS
    assert result.needed == ["fl_debt"] and result.declined == ["fl_debt"]
    assert result.present == ["fl_documents"]


# --- The adult rule: each group true and false.

RECRUITMENT = {"D1": [D1_STRONG, D1_MEDIUM[0]], "D2": [D2_STRONG, D2_MEDIUM[0]], "D3": D3_MEDIUM}
DESTINATION = {"D5": D5_STRONG, "D6": [*D6_MEDIUM, D6_WEAK]}
EXPLOITATION = [D4_STRONG, D4_MEDIUM[0]]


@pytest.mark.parametrize("recruitment", sorted(RECRUITMENT))
@pytest.mark.parametrize("destination", sorted(DESTINATION))
def test_adult_victim_with_any_recruitment_and_any_destination_dimension(
    recruitment: str, destination: str
) -> None:
    result = adult(*RECRUITMENT[recruitment], *EXPLOITATION, *DESTINATION[destination])
    assert result.outcome == scoring.POSSIBLE_VICTIM
    assert result.suggested_trafficking_status == "PossibleVictimOfTrafficking"
    assert [g.positive for g in result.groups] == [True, True, True]
    assert {d.code for d in result.dimensions if d.positive} == {"D4", recruitment, destination}


@pytest.mark.parametrize(
    ("present", "groups"),
    [
        ([*EXPLOITATION, *D5_STRONG], [False, True, True]),  # no recruitment
        ([D1_STRONG, D1_MEDIUM[0], *D5_STRONG], [True, False, True]),  # no exploitation
        ([D1_STRONG, D1_MEDIUM[0], *EXPLOITATION], [True, True, False]),  # nothing at destination
    ],
)
def test_adult_rule_not_met_when_one_group_is_negative(
    present: list[str], groups: list[bool]
) -> None:
    result = adult(*present)
    assert result.outcome == scoring.RULE_NOT_MET
    assert result.suggested_trafficking_status is None
    assert [g.positive for g in result.groups] == groups


def test_not_enough_indicators_present_in_every_group_but_no_dimension_positive() -> None:
    """Indicators everywhere, none meeting the rule: "indicators present but rule not met"."""
    result = adult(D1_STRONG, D4_MEDIUM[0], D4_WEAK, D5_MEDIUM[0], D6_WEAK)
    assert result.outcome == scoring.RULE_NOT_MET
    assert not any(d.positive for d in result.dimensions)
    assert result.present == [D1_STRONG, D4_MEDIUM[0], D4_WEAK, D5_MEDIUM[0], D6_WEAK]
    assert result.needed == []


def test_not_enough_answers_lists_only_the_missing_answers_that_matter() -> None:
    """D1 and D4 positive, D5 and D6 not asked yet: the result waits for D5 and D6 only."""
    missing = tuple(
        codes(ADULT_LABOUR, "D5") + codes(ADULT_LABOUR, "D6") + codes(ADULT_LABOUR, "D2")
    )
    result = adult(D1_STRONG, D1_MEDIUM[0], *EXPLOITATION, missing=missing)
    assert result.outcome == scoring.NOT_ENOUGH_ANSWERS
    assert result.suggested_trafficking_status is None
    assert result.needed == codes(ADULT_LABOUR, "D5") + codes(ADULT_LABOUR, "D6")
    assert set(result.missing) == set(missing)  # D2 is missing but no longer matters
    assert dimension(result, "D5").could_become_positive


def test_missing_answers_that_cannot_change_the_outcome_do_not_hold_it() -> None:
    # Positive already: what is missing cannot undo it.
    result = adult(
        *RECRUITMENT["D1"], *EXPLOITATION, *D5_STRONG, missing=tuple(codes(ADULT_LABOUR, "D6"))
    )
    assert result.outcome == scoring.POSSIBLE_VICTIM and result.needed == []
    # Exploitation answered all "no": no missing answer elsewhere can meet the rule.
    result = adult(*D5_STRONG, missing=tuple(codes(ADULT_LABOUR, "D1")))
    assert result.outcome == scoring.RULE_NOT_MET and result.needed == []


def test_nothing_answered_is_not_enough_answers() -> None:
    result = score("ilo-ec-adult", specs(ADULT_LABOUR), {})
    assert result.outcome == scoring.NOT_ENOUGH_ANSWERS
    assert len(result.missing) == 67
    # Every dimension could still become positive, so every answer matters.
    assert len(result.needed) == 67


# --- The child rule: no means, no weak tier.


def child(*indicators: str) -> scoring.Result:
    return score("ilo-ec-child", specs(CHILD_LABOUR), yes(*indicators, code=CHILD_LABOUR))


def test_child_is_a_possible_victim_without_coercion_at_destination() -> None:
    present = [D1_STRONG, D1_MEDIUM[0], D4_STRONG, D4_MEDIUM[0]]
    result = child(*present)
    assert result.outcome == scoring.POSSIBLE_VICTIM
    assert [(g.name, g.positive) for g in result.groups] == [
        ("recruitment", True),
        ("exploitation", True),
    ]
    assert not dimension(result, "D5").positive and not dimension(result, "D6").positive
    # The same answers for an adult miss the means at destination.
    assert adult(*present).outcome == scoring.RULE_NOT_MET


def test_child_rule_still_needs_recruitment_and_exploitation() -> None:
    assert child(D4_STRONG, D4_MEDIUM[0], *D5_STRONG).outcome == scoring.RULE_NOT_MET
    assert child(D1_STRONG, D1_MEDIUM[0], *D5_STRONG).outcome == scoring.RULE_NOT_MET


def test_child_weights_come_from_the_child_list() -> None:
    # Education: weak for adults (clause b with the strong one), strong for children (clause a).
    assert dimension(adult(D1_STRONG, D1_WEAK), "D1").clause == "b"
    assert dimension(child(D1_STRONG, D1_WEAK), "D1").clause == "a"
    # Cultural beliefs: weak for adults, medium for children: 2 medium + it is (d) vs (c).
    assert dimension(adult(*D3_MEDIUM[:2], D3_WEAK), "D3").clause == "d"
    assert dimension(child(*D3_MEDIUM[:2], D3_WEAK), "D3").clause == "c"
    assert all(s.weight != "weak" for s in specs(CHILD_LABOUR))


# --- The forced-labour short screen: no rule, what is present.


def test_forced_labour_screen_reports_what_is_present_and_suggests_nothing() -> None:
    answers = all_no(FORCED_LABOUR, fl_documents="yes", fl_wages="yes", fl_debt="unknown")
    result = score("none", specs(FORCED_LABOUR), answers)
    assert result.outcome == scoring.INDICATORS_PRESENT
    assert result.present == ["fl_documents", "fl_wages"]
    assert result.suggested_trafficking_status is None and result.dimensions == []
    assert score("none", specs(FORCED_LABOUR), all_no(FORCED_LABOUR)).outcome == (
        scoring.NO_INDICATORS
    )
    answers.pop("fl_isolation")
    result = score("none", specs(FORCED_LABOUR), answers)
    assert result.outcome == scoring.NOT_ENOUGH_ANSWERS and result.needed == ["fl_isolation"]


# --- Diana's story.


@pytest.mark.parametrize("questionnaire", [ADULT_SEXUAL, ADULT_LABOUR])
def test_diana_is_positive_for_deceptive_recruitment_exploitation_and_coercion(
    questionnaire: str,
) -> None:
    result = score("ilo-ec-adult", specs(questionnaire), diana_answers(questionnaire))
    positive = {d.code: (d.clause, d.by) for d in result.dimensions if d.positive}
    assert positive == {
        # Deceived about the job (strong) and the pay (medium).
        "D1": ("b", ["d1_job_nature", "d1_wages"]),
        # No pay, the agreement broken, very bad conditions: three medium.
        "D4": ("c", ["d4_low_salary", "d4_labour_law", "d4_working_conditions"]),
        # Passport taken and movement controlled: two strong (violence is a third).
        "D5": ("a", ["d5_documents", "d5_isolation"]),
    }
    assert result.outcome == scoring.POSSIBLE_VICTIM
    assert result.suggested_trafficking_status == "PossibleVictimOfTrafficking"
    assert result.missing == [] and result.needed == []
