"""The ILO/EC 2009 decision rule, on plain data: which dimensions are positive and why.

A dimension is positive when its indicators answered "yes" include at least
  (a) two strong, or (b) one strong and one medium or weak, or
  (c) three medium, or (d) two medium and one weak.
An adult is a possible victim of trafficking when recruitment (D1 or D2 or D3) AND exploitation
(D4) AND coercion at destination (D5 or D6) are positive. For a child the "means" element is
not required (Palermo Protocol art. 3(c)): recruitment (D1, D2 or D3) AND exploitation (D4);
D5 and D6 are still shown. The forced-labour short screen has no rule: it reports what is present.

"Don't know" is an answer that counts as not present. An unanswered indicator is missing: when
the missing answers could still change the outcome, the outcome is "not enough answers".
"I'd rather not say" (``declined``) is kept as the person's answer but scored as not answered:
it is missing (listed in ``missing`` and also in ``declined``), never present nor absent, so it
holds the outcome wherever a "yes" to it could change it.
The result only suggests a trafficking status; identification is a supervisor's decision.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field

POSSIBLE_VICTIM = "possible_victim"
RULE_NOT_MET = "rule_not_met"
NOT_ENOUGH_ANSWERS = "not_enough_answers"
INDICATORS_PRESENT = "indicators_present"  # the short screen
NO_INDICATORS = "no_indicators"  # the short screen

SUGGESTED_STATUS = "PossibleVictimOfTrafficking"  # HTCDS vic_TraffickingStatus

STRONG, MEDIUM, WEAK = "strong", "medium", "weak"
DECLINED = "declined"  # the person would rather not say: scored as not answered
ANSWERS = ("yes", "no", "unknown", DECLINED)

# The groups of dimensions each rule joins with AND; within a group, any dimension (OR).
RULE_GROUPS: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    "ilo-ec-adult": [
        ("recruitment", ("D1", "D2", "D3")),
        ("exploitation", ("D4",)),
        ("coercion_at_destination", ("D5", "D6")),
    ],
    "ilo-ec-child": [
        ("recruitment", ("D1", "D2", "D3")),
        ("exploitation", ("D4",)),
    ],
}


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    dimension: str
    weight: str  # strong, medium, weak, or "" when unweighted


@dataclass
class DimensionResult:
    code: str
    positive: bool
    clause: str | None  # a, b, c or d: the first clause of the rule that is met
    by: list[str]  # the indicators that meet that clause
    present: list[str]  # every indicator answered yes
    unknown: list[str]  # answered "don't know"
    missing: list[str]  # not answered, or "rather not say"
    could_become_positive: bool  # if the missing answers were yes
    declined: list[str] = field(default_factory=list)  # "rather not say" (also in missing)


@dataclass
class GroupResult:
    name: str
    dimensions: list[str]
    positive: bool


@dataclass
class Result:
    rule: str
    outcome: str
    suggested_trafficking_status: str | None
    dimensions: list[DimensionResult] = field(default_factory=list)
    groups: list[GroupResult] = field(default_factory=list)
    present: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    # Missing answers that could change the outcome: what completing a screening waits for.
    needed: list[str] = field(default_factory=list)
    # Answered "rather not say": kept as given, scored as not answered (also in ``missing``).
    declined: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def dimension_clause(present: Iterable[IndicatorSpec]) -> tuple[str | None, list[str]]:
    """The first clause (a–d) the present indicators meet, with the indicators that meet it."""
    by_weight: dict[str, list[str]] = {STRONG: [], MEDIUM: [], WEAK: []}
    for spec in present:
        if spec.weight in by_weight:
            by_weight[spec.weight].append(spec.code)
    strong, medium, weak = by_weight[STRONG], by_weight[MEDIUM], by_weight[WEAK]
    if len(strong) >= 2:
        return "a", strong[:2]
    if strong and (medium or weak):
        return "b", [strong[0], (medium or weak)[0]]
    if len(medium) >= 3:
        return "c", medium[:3]
    if len(medium) >= 2 and weak:
        return "d", [*medium[:2], weak[0]]
    return None, []


def _groups_met(rule: str, positive: Mapping[str, bool]) -> list[GroupResult]:
    return [
        GroupResult(name, list(codes), any(positive.get(code, False) for code in codes))
        for name, codes in RULE_GROUPS[rule]
    ]


def _needed(
    rule: str,
    specs: list[IndicatorSpec],
    answers: Mapping[str, str],
    dimensions: list[DimensionResult],
) -> list[str]:
    """The missing answers that could turn the rule: those in undecided dimensions that a
    still-unmet group needs. Dimensions already positive need nothing more."""
    by_code = {d.code: d for d in dimensions}
    wanted: set[str] = set()
    for _name, codes in RULE_GROUPS[rule]:
        if any(by_code[c].positive for c in codes if c in by_code):
            continue
        for code in codes:
            dimension = by_code.get(code)
            if dimension and dimension.could_become_positive:
                wanted.add(code)
    return [s.code for s in specs if s.dimension in wanted and s.code not in answers]


def score(rule: str, specs: list[IndicatorSpec], answers: Mapping[str, str]) -> Result:
    """Apply ``rule`` to ``answers`` ({indicator code: yes/no/unknown/declined}); unknown codes
    are ignored here (the services refuse them before they are stored)."""
    declined = [s.code for s in specs if answers.get(s.code) == DECLINED]
    answers = {code: value for code, value in answers.items() if value != DECLINED}
    missing = [s.code for s in specs if s.code not in answers]
    present = [s.code for s in specs if answers.get(s.code) == "yes"]
    if rule not in RULE_GROUPS:  # the short screen: what is present, nothing more
        if missing:
            outcome = NOT_ENOUGH_ANSWERS
        else:
            outcome = INDICATORS_PRESENT if present else NO_INDICATORS
        return Result(
            rule=rule,
            outcome=outcome,
            suggested_trafficking_status=None,
            present=present,
            missing=missing,
            needed=list(missing),
            declined=declined,
        )

    dimension_codes: list[str] = []
    for spec in specs:
        if spec.dimension not in dimension_codes:
            dimension_codes.append(spec.dimension)
    dimensions = []
    for code in dimension_codes:
        own = [s for s in specs if s.dimension == code]
        yes = [s for s in own if answers.get(s.code) == "yes"]
        clause, by = dimension_clause(yes)
        optimistic, _by = dimension_clause([s for s in own if answers.get(s.code, "yes") == "yes"])
        dimensions.append(
            DimensionResult(
                code=code,
                positive=clause is not None,
                clause=clause,
                by=by,
                present=[s.code for s in yes],
                unknown=[s.code for s in own if answers.get(s.code) == "unknown"],
                missing=[s.code for s in own if s.code not in answers],
                could_become_positive=clause is None and optimistic is not None,
                declined=[s.code for s in own if s.code in declined],
            )
        )
    positive = {d.code: d.positive for d in dimensions}
    groups = _groups_met(rule, positive)
    if all(g.positive for g in groups):
        outcome, needed = POSSIBLE_VICTIM, []
    else:
        if_all_yes = {d.code: d.positive or d.could_become_positive for d in dimensions}
        if all(g.positive for g in _groups_met(rule, if_all_yes)):
            outcome = NOT_ENOUGH_ANSWERS
            needed = _needed(rule, specs, answers, dimensions)
        else:
            outcome, needed = RULE_NOT_MET, []
    return Result(
        rule=rule,
        outcome=outcome,
        suggested_trafficking_status=SUGGESTED_STATUS if outcome == POSSIBLE_VICTIM else None,
        dimensions=dimensions,
        groups=groups,
        present=present,
        missing=missing,
        needed=needed,
        declined=declined,
    )
