"""CTDC microdata from an organization's cases, k-anonymous (decision 0022).

One row per case whose person consented to anonymous statistics (a consent for that purpose, not
withdrawn), in the 62 columns of the CTDC global data set (codebook v6), in their order; what the
case does not record is -99 (citizenship "00"). Names, case numbers, dates, workers and free text
never enter a row: the row is built from statistical fields only (year opened, gender, age band,
citizenship, exploitation, means of control, country of exploitation).

Then k-anonymity with k = 11 over the combination of ALL released columns, as CTDC publishes:
columns are generalized in groups (a group is the columns that say one thing: the age band with
the majority statuses; the 18 means of control with their concatenation) one level at a time,
each step taking the group whose next level leaves the fewest rows in combinations rarer than k,
until at most 5% of the rows are in such combinations; those rows are then suppressed whole.
The report says which level each group ended at, and per column how many released values were
generalized and how many known values were lost with suppressed rows.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from opennrm.accounts import permissions as perms
from opennrm.accounts.permissions import Actor
from opennrm.audit.services import audit_record
from opennrm.cases.choices import (
    ConsentPurpose,
    ExploitationType,
    ForcedLabourIndustry,
    MethodOfControl,
    RelationshipToTrafficker,
)
from opennrm.cases.models import Case, Consent
from opennrm.people.models import AgeBand, Gender

from .audit_ctdc import CtdcAction

K = 11  # CTDC's k
MAX_SUPPRESSED = 0.05  # generalize until at most this share of rows must be suppressed
MISSING = "-99"
NO_COUNTRY = "00"

MEANS = (
    "DebtBondage",
    "TakesEarnings",
    "RestrictsFinancialAccess",
    "Threats",
    "PsychologicalAbuse",
    "PhysicalAbuse",
    "SexualAbuse",
    "FalsePromises",
    "PsychoactiveSubstances",
    "RestrictsMovement",
    "RestrictsMedicalCare",
    "ExcessiveWorkingHours",
    "UsesChildren",
    "ThreatOfLawEnforcement",
    "WithholdsNecessities",
    "WithholdsDocuments",
    "Other",
    "NotSpecified",
)
LABOUR = (
    "Agriculture",
    "Aquafarming",
    "Begging",
    "Construction",
    "DomesticWork",
    "Hospitality",
    "IllicitActivities",
    "Manufacturing",
    "MiningOrDrilling",
    "Peddling",
    "Transportation",
    "Other",
    "NotSpecified",
)
SEX = ("Prostitution", "Pornography", "RemoteInteractiveServices", "PrivateSexualServices")
RELATIONS = ("IntimatePartner", "Friend", "Family", "Other", "Unknown")
EXPLOITATION = (
    "isForcedLabour",
    "isSexualExploit",
    "isOtherExploit",
    "isSexAndLabour",
    "isForcedMarriage",
    "isForcedMilitary",
    "isOrganRemoval",
)
V6_COLUMNS: tuple[str, ...] = (
    "yearOfRegistration",
    "Datasource",
    "gender",
    "ageBroad",
    "majorityStatus",
    "majorityStatusAtExploit",
    "majorityEntry",
    "citizenship",
    *(f"meansOfControl{m}" for m in MEANS),
    "meansOfControlConcatenated",
    *EXPLOITATION,
    "typeOfExploitConcatenated",
    *(f"typeOfLabour{t}" for t in LABOUR),
    "typeOfLabourConcatenated",
    *(f"typeOfSex{t}" for t in SEX),
    "typeOfSexConcatenated",
    "isAbduction",
    "RecruiterRelationship",
    "CountryOfExploitation",
    *(f"recruiterRelation{r}" for r in RELATIONS),
)
assert len(V6_COLUMNS) == 62  # noqa: S101 (the codebook's count)

# HTCDS picklists to CTDC's values.
GENDERS: dict[str, str] = {
    Gender.FEMININE: "Female",
    Gender.MASCULINE: "Male",
    Gender.TRANSGENDER_FEMININE: "Transgender/NonConforming",
    Gender.TRANSGENDER_MASCULINE: "Transgender/NonConforming",
    Gender.NON_CONFORMING: "Transgender/NonConforming",
}
MEANS_OF: dict[str, str] = {
    MethodOfControl.PHYSICAL_THREATS: "Threats",
    MethodOfControl.THREATENS_FAMILY: "Threats",
    MethodOfControl.THREATS_LAW_ENFORCEMENT: "ThreatOfLawEnforcement",
    MethodOfControl.DEBT_BONDAGE: "DebtBondage",
    MethodOfControl.FALSE_PROMISES: "FalsePromises",
    MethodOfControl.PHYSICAL_ABUSE: "PhysicalAbuse",
    MethodOfControl.SEXUAL_ABUSE: "SexualAbuse",
    MethodOfControl.TAKES_EARNINGS: "TakesEarnings",
    MethodOfControl.RESTRICTS_FINANCIAL: "RestrictsFinancialAccess",
    MethodOfControl.RESTRICTS_MEDICAL: "RestrictsMedicalCare",
    MethodOfControl.WITHHOLDS_NECESSITIES: "WithholdsNecessities",
    MethodOfControl.PSYCHOLOGICAL_ABUSE: "PsychologicalAbuse",
    MethodOfControl.PSYCHOACTIVE: "PsychoactiveSubstances",
    MethodOfControl.EXCESSIVE_HOURS: "ExcessiveWorkingHours",
    MethodOfControl.WITHHOLDS_DOCUMENTS: "WithholdsDocuments",
    MethodOfControl.RESTRICTS_MOVEMENT: "RestrictsMovement",
    MethodOfControl.OTHER: "Other",
}
# ISIC sections to CTDC's types of labour; a section without its own type is "Other".
LABOUR_OF: dict[str, str] = {
    ForcedLabourIndustry.A: "Agriculture",
    ForcedLabourIndustry.B: "MiningOrDrilling",
    ForcedLabourIndustry.C: "Manufacturing",
    ForcedLabourIndustry.F: "Construction",
    ForcedLabourIndustry.H: "Transportation",
    ForcedLabourIndustry.I: "Hospitality",
    ForcedLabourIndustry.T: "DomesticWork",
}
LABOUR_EXPLOITATION = {
    ExploitationType.FORCED_LABOUR,
    ExploitationType.CHILD_LABOUR,
    ExploitationType.SERVITUDE,
    ExploitationType.FORCED_BEGGING,
}
OTHER_EXPLOITATION = {
    ExploitationType.FORCED_MARRIAGE,
    ExploitationType.FORCED_MILITARY,
    ExploitationType.ORGAN_REMOVAL,
    ExploitationType.FORCED_ADOPTION,
    ExploitationType.SURROGACY,
    ExploitationType.OTHER,
}
RELATION_OF: dict[str, str] = {
    RelationshipToTrafficker.FAMILIAL: "Family",
    RelationshipToTrafficker.ACQUAINTED: "Other",
    RelationshipToTrafficker.UNACQUAINTED: "Other",
}
# CTDC's age bands (ageBroad), as its files write them.
AGE_BANDS: tuple[tuple[int, str], ...] = ((8, "0--8"), (17, "9--17"), (20, "18--20"))
AGE_BANDS += ((23, "21--23"), (26, "24--26"), (29, "27--29"), (38, "30--38"), (47, "39--47"))
OLDEST_BAND = "48+"
# The person's age band (at identification) where it falls within one CTDC band.
AGE_BAND_OF: dict[str, str] = {AgeBand.CHILD_12_17: "9--17", AgeBand.ADULT_55: "48+"}
MINOR_BANDS = {AgeBand.CHILD_0_11, AgeBand.CHILD_12_17}
COARSE_AGE = {"0--8": "0--17", "9--17": "0--17", "48+": "48+"}
COARSE_AGE |= {b: "18--29" for b in ("18--20", "21--23", "24--26", "27--29")}
COARSE_AGE |= {b: "30--47" for b in ("30--38", "39--47")}


def age_band(age: int | None) -> str:
    """CTDC's ageBroad of an age in years."""
    if age is None:
        return MISSING
    for oldest, band in AGE_BANDS:
        if age <= oldest:
            return band
    return OLDEST_BAND


# The ages each of the person's bands (at identification) covers.
AGE_BAND_RANGE: dict[str, tuple[int, int]] = {
    AgeBand.CHILD_0_11: (0, 11),
    AgeBand.CHILD_12_17: (12, 17),
    AgeBand.ADULT_18_24: (18, 24),
    AgeBand.ADULT_25_34: (25, 34),
    AgeBand.ADULT_35_44: (35, 44),
    AgeBand.ADULT_45_54: (45, 54),
    AgeBand.ADULT_55: (55, 200),
}
CTDC_BAND_RANGE: dict[str, tuple[int, int]] = {"0--8": (0, 8), OLDEST_BAND: (48, 200)}
CTDC_BAND_RANGE |= {band: (int(band.split("--")[0]), oldest) for oldest, band in AGE_BANDS}


def _age_broad(person_band: str, age_when_trafficked: int | None) -> str:
    """CTDC's band of the age at registration: the person's band where it lies within one;
    else the band of the age when trafficked where that band lies within the person's (or the
    person's is unknown); else -99. Never a band the person's band contradicts."""
    if person_band in AGE_BAND_OF:
        return AGE_BAND_OF[person_band]
    band = age_band(age_when_trafficked)
    if band == MISSING or person_band not in AGE_BAND_RANGE:
        return band
    low, high = AGE_BAND_RANGE[person_band]
    band_low, band_high = CTDC_BAND_RANGE[band]
    return band if low <= band_low and band_high <= high else MISSING


def _flag(value: bool) -> str:
    return "1" if value else "0"


def _flags(prefix: str, names: Sequence[str], chosen: set[str] | None) -> dict[str, str]:
    """One 0/1 column per name, and the chosen names joined; all -99 when not known."""
    if chosen is None:
        row = {f"{prefix}{n}": MISSING for n in names}
        row[f"{prefix}Concatenated"] = MISSING
        return row
    row = {f"{prefix}{n}": _flag(n in chosen) for n in names}
    row[f"{prefix}Concatenated"] = ";".join(sorted(chosen)) or MISSING
    return row


def case_row(case: Case) -> dict[str, str]:
    """The case as a row of the CTDC v6 columns: statistical fields only, -99 where unknown."""
    person = case.person
    types = set(case.exploitation_types or [])
    labour = bool(types & LABOUR_EXPLOITATION)
    sexual = ExploitationType.SEXUAL in types
    other = bool(types & OTHER_EXPLOITATION)
    band = _age_broad(person.age_band, case.age_when_trafficked)
    minor = (
        MISSING
        if person.age_band == AgeBand.UNKNOWN
        else ("Minor" if person.age_band in MINOR_BANDS else "Adult")
    )
    at_exploit = case.age_when_trafficked
    row: dict[str, str] = {
        "yearOfRegistration": str(case.opened_on.year),
        "Datasource": "Case Management",
        "gender": GENDERS.get(person.gender, MISSING),
        "ageBroad": band,
        "majorityStatus": minor,
        "majorityStatusAtExploit": (
            MISSING if at_exploit is None else ("Minor" if at_exploit < 18 else "Adult")
        ),
        "majorityEntry": MISSING,
        "citizenship": person.citizenship or NO_COUNTRY,
    }
    means = {MEANS_OF[m] for m in case.methods_of_control or [] if m in MEANS_OF}
    row |= _flags("meansOfControl", MEANS, means or None)
    if types:
        row |= {
            "isForcedLabour": _flag(labour),
            "isSexualExploit": _flag(sexual),
            "isOtherExploit": _flag(other),
            "isSexAndLabour": _flag(labour and sexual),
            "isForcedMarriage": _flag(ExploitationType.FORCED_MARRIAGE in types),
            "isForcedMilitary": _flag(ExploitationType.FORCED_MILITARY in types),
            "isOrganRemoval": _flag(ExploitationType.ORGAN_REMOVAL in types),
        }
    else:
        row |= dict.fromkeys(EXPLOITATION, MISSING)
    row["typeOfExploitConcatenated"] = _exploit_concatenated(row)
    kinds: set[str] | None = None
    if labour:
        kinds = set()
        if case.forced_labour_industry:
            kinds.add(LABOUR_OF.get(case.forced_labour_industry, "Other"))
        if ExploitationType.FORCED_BEGGING in types:
            kinds.add("Begging")
        kinds = kinds or {"NotSpecified"}
    row |= _flags("typeOfLabour", LABOUR, kinds)
    sex_kinds = set(case.sex_exploitation_types or []) & set(SEX) if sexual else None
    row |= _flags("typeOfSex", SEX, sex_kinds)
    row["isAbduction"] = MISSING
    row["RecruiterRelationship"] = MISSING  # the hotline rows' field
    row["CountryOfExploitation"] = case.country_of_exploitation or MISSING
    relation = RELATION_OF.get(case.relationship_to_trafficker, "Unknown")
    row |= {f"recruiterRelation{r}": _flag(r == relation) for r in RELATIONS}
    return {column: row[column] for column in V6_COLUMNS}


def _exploit_concatenated(row: dict[str, str]) -> str:
    names = [
        name
        for column, name in (
            ("isForcedLabour", "Forced labour"),
            ("isSexualExploit", "Sexual exploitation"),
            ("isOtherExploit", "Other"),
        )
        if row[column] == "1"
    ]
    if not names:
        return MISSING
    return ";".join(names)


# --- Generalization hierarchies


@lru_cache(maxsize=1)
def _regions() -> tuple[dict[str, str], dict[str, str]]:
    """UN M49 sub-region and continent of every ISO alpha-2 code (country_converter's table)."""
    import country_converter

    table = country_converter.CountryConverter().data
    region, continent = {}, {}
    for code, sub, whole in zip(table["ISO2"], table["UNregion"], table["continent"], strict=True):
        if isinstance(code, str) and len(code) == 2:
            if isinstance(sub, str) and sub:
                region[code] = sub
            if isinstance(whole, str) and whole:
                continent[code] = whole
    return region, continent


def _country_level(column: str, level: int, unknown: str) -> Callable[[dict[str, str]], tuple]:
    def apply(row: dict[str, str]) -> tuple:
        code = row[column]
        if code in (NO_COUNTRY, MISSING) or level == 3:
            return (unknown,)
        if level == 0:
            return (code,)
        return (_regions()[level - 1].get(code, unknown),)

    return apply


def _as_is(columns: Sequence[str]) -> Callable[[dict[str, str]], tuple]:
    return lambda row: tuple(row[c] for c in columns)


def _removed(columns: Sequence[str], value: str = MISSING) -> Callable[[dict[str, str]], tuple]:
    return lambda row: tuple(value for _c in columns)


def _year_period(row: dict[str, str]) -> tuple:
    year = int(row["yearOfRegistration"])
    start = year - year % 5
    return (f"{start}-{start + 4}",)


AGE_COLUMNS = ("ageBroad", "majorityStatus", "majorityStatusAtExploit", "majorityEntry")
EXPLOITATION_COLUMNS = (*EXPLOITATION, "typeOfExploitConcatenated", "isAbduction")


def _age_coarse(row: dict[str, str]) -> tuple:
    return (COARSE_AGE.get(row["ageBroad"], MISSING), *(row[c] for c in AGE_COLUMNS[1:]))


def _age_majority(row: dict[str, str]) -> tuple:
    return (MISSING, *(row[c] for c in AGE_COLUMNS[1:]))


def _exploitation_main(row: dict[str, str]) -> tuple:
    # The three main types (and their concatenation) kept; the rarer ones removed.
    return tuple(
        row[c] if c in ("isForcedLabour", "isSexualExploit", "isOtherExploit") else MISSING
        for c in EXPLOITATION
    ) + (row["typeOfExploitConcatenated"], MISSING)


Level = tuple[Promise, Callable[[dict[str, str]], tuple]]


@dataclass(frozen=True)
class Hierarchy:
    """Columns that say one thing, generalized together, level 0 being the values as they are."""

    key: str
    label: Promise
    columns: tuple[str, ...]
    levels: tuple[Level, ...]


AS_RECORDED = _("As recorded")
REMOVED = _("Removed (-99)")


def _simple(key: str, label: Promise, columns: Sequence[str]) -> Hierarchy:
    columns = tuple(columns)
    return Hierarchy(
        key, label, columns, ((AS_RECORDED, _as_is(columns)), (REMOVED, _removed(columns)))
    )


# In the order of preference when two steps leave as many rows in rare combinations: the
# detail columns go before the year, the age, the countries and the gender.
HIERARCHIES: tuple[Hierarchy, ...] = (
    _simple(
        "means",
        _("Means of control"),
        (*(f"meansOfControl{m}" for m in MEANS), "meansOfControlConcatenated"),
    ),
    _simple(
        "recruiter",
        _("Relation to the recruiter"),
        ("RecruiterRelationship", *(f"recruiterRelation{r}" for r in RELATIONS)),
    ),
    _simple(
        "labour",
        _("Type of labour"),
        (*(f"typeOfLabour{t}" for t in LABOUR), "typeOfLabourConcatenated"),
    ),
    _simple(
        "sex",
        _("Type of sexual exploitation"),
        (*(f"typeOfSex{t}" for t in SEX), "typeOfSexConcatenated"),
    ),
    Hierarchy(
        "exploitation",
        _("Type of exploitation"),
        EXPLOITATION_COLUMNS,
        (
            (AS_RECORDED, _as_is(EXPLOITATION_COLUMNS)),
            (_("Forced labour, sexual and other only"), _exploitation_main),
            (REMOVED, _removed(EXPLOITATION_COLUMNS)),
        ),
    ),
    Hierarchy(
        "exploited_in",
        _("Country of exploitation"),
        ("CountryOfExploitation",),
        (
            (AS_RECORDED, _country_level("CountryOfExploitation", 0, MISSING)),
            (_("UN sub-region"), _country_level("CountryOfExploitation", 1, MISSING)),
            (_("Continent"), _country_level("CountryOfExploitation", 2, MISSING)),
            (REMOVED, _country_level("CountryOfExploitation", 3, MISSING)),
        ),
    ),
    Hierarchy(
        "citizenship",
        _("Citizenship"),
        ("citizenship",),
        (
            (AS_RECORDED, _country_level("citizenship", 0, NO_COUNTRY)),
            (_("UN sub-region"), _country_level("citizenship", 1, NO_COUNTRY)),
            (_("Continent"), _country_level("citizenship", 2, NO_COUNTRY)),
            (_("Removed (00)"), _country_level("citizenship", 3, NO_COUNTRY)),
        ),
    ),
    Hierarchy(
        "age",
        _("Age"),
        AGE_COLUMNS,
        (
            (AS_RECORDED, _as_is(AGE_COLUMNS)),
            (_("Coarser age bands (0–17, 18–29, 30–47, 48+)"), _age_coarse),
            (_("Minor or adult only"), _age_majority),
            (REMOVED, _removed(AGE_COLUMNS)),
        ),
    ),
    Hierarchy(
        "year",
        _("Year of registration"),
        ("yearOfRegistration",),
        (
            (AS_RECORDED, _as_is(("yearOfRegistration",))),
            (_("Five-year periods"), _year_period),
            (REMOVED, _removed(("yearOfRegistration",))),
        ),
    ),
    _simple("gender", _("Gender"), ("gender",)),
    Hierarchy(
        "source", _("Data source"), ("Datasource",), ((AS_RECORDED, _as_is(("Datasource",))),)
    ),
)
assert sorted(c for h in HIERARCHIES for c in h.columns) == sorted(V6_COLUMNS)  # noqa: S101


# --- k-anonymity


@dataclass(frozen=True)
class ColumnReport:
    column: str
    generalization: str  # the level its group ended at, in words
    generalized: int  # released values that differ from the recorded ones
    suppressed: int  # known (not -99, not 00) values lost with the suppressed rows


@dataclass(frozen=True)
class GroupReport:
    key: str
    label: str
    level: int
    generalization: str


@dataclass
class ExportReport:
    k: int
    eligible: int  # persons with a case whose consent allows statistical use
    released: int
    suppressed: int
    groups: list[GroupReport] = field(default_factory=list)
    columns: list[ColumnReport] = field(default_factory=list)


@dataclass
class Anonymized:
    rows: list[dict[str, str]]  # the released rows, in the order of the input
    kept: list[int]  # for each released row, its index in the input
    report: ExportReport

    def csv(self) -> str:
        """The rows as CTDC publishes them: ;-separated, a header of the 62 columns."""
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow(V6_COLUMNS)
        writer.writerows([row[c] for c in V6_COLUMNS] for row in self.rows)
        return out.getvalue()


def k_anonymize(
    rows: Sequence[dict[str, str]], *, k: int = K, max_suppressed: float = MAX_SUPPRESSED
) -> Anonymized:
    """Generalize, then suppress, until every combination of all columns occurs k times or
    more (module docstring). Pure: the input rows are not changed."""
    n = len(rows)
    cache: dict[tuple[str, int], list[tuple]] = {}

    def values(h: Hierarchy, level: int) -> list[tuple]:
        if (h.key, level) not in cache:
            apply = h.levels[level][1]
            cache[(h.key, level)] = [apply(row) for row in rows]
        return cache[(h.key, level)]

    def combinations(levels: dict[str, int]) -> list[tuple]:
        return list(zip(*(values(h, levels[h.key]) for h in HIERARCHIES), strict=True))

    def rare(levels: dict[str, int]) -> int:
        counts = Counter(combinations(levels))
        return sum(c for c in counts.values() if c < k)

    levels = {h.key: 0 for h in HIERARCHIES}
    budget = int(n * max_suppressed)
    if n:
        while rare(levels) > budget:
            steps = [h for h in HIERARCHIES if levels[h.key] < len(h.levels) - 1]
            if not steps:
                break
            best = min(
                steps,
                key=lambda h: (rare(levels | {h.key: levels[h.key] + 1}), HIERARCHIES.index(h)),
            )
            levels[best.key] += 1
        # A step taken early may no longer be needed once later ones were: take back what can
        # be (the columns people read most first), so nothing is generalized for nothing.
        for h in reversed(HIERARCHIES):
            while levels[h.key] and rare(levels | {h.key: levels[h.key] - 1}) <= budget:
                levels[h.key] -= 1
    keys = combinations(levels) if n else []
    counts = Counter(keys)
    kept = [i for i, key in enumerate(keys) if counts[key] >= k]
    released = []
    for i in kept:
        row: dict[str, str] = {}
        for h, part in zip(HIERARCHIES, keys[i], strict=True):
            row.update(zip(h.columns, part, strict=True))
        released.append({c: row[c] for c in V6_COLUMNS})
    report = ExportReport(k=k, eligible=n, released=len(kept), suppressed=n - len(kept))
    kept_set = set(kept)
    for h in HIERARCHIES:
        words = str(h.levels[levels[h.key]][0])
        report.groups.append(GroupReport(h.key, str(h.label), levels[h.key], words))
        for column in h.columns:
            report.columns.append(
                ColumnReport(
                    column=column,
                    generalization=words,
                    generalized=sum(
                        rows[i][column] != out[column]
                        for i, out in zip(kept, released, strict=True)
                    ),
                    suppressed=sum(
                        rows[i][column] not in (MISSING, NO_COUNTRY)
                        for i in range(n)
                        if i not in kept_set
                    ),
                )
            )
    report.columns.sort(key=lambda c: V6_COLUMNS.index(c.column))
    return Anonymized(rows=released, kept=kept, report=report)


# --- Service


def consenting_cases(organization_id: int) -> QuerySet[Case]:
    """The organization's cases whose person consented to anonymous statistics (not withdrawn)."""
    consent = Consent.objects.filter(
        case=OuterRef("pk"), purpose=ConsentPurpose.STATISTICS, withdrawn_on__isnull=True
    )
    return (
        Case.objects.filter(organization_id=organization_id)
        .filter(Exists(consent))
        .select_related("person")
        .only(
            "opened_on",
            "person_id",
            "exploitation_types",
            "forced_labour_industry",
            "sex_exploitation_types",
            "methods_of_control",
            "relationship_to_trafficker",
            "age_when_trafficked",
            "country_of_exploitation",
            "person__gender",
            "person__age_band",
            "person__citizenship",
        )
        .order_by("opened_on", "id")
    )


def ctdc_rows(cases: Iterable[Case]) -> list[dict[str, str]]:
    """One row per person, from their first case: k counts people, so a person with two cases
    must not make a combination of eleven rows ten people."""
    seen: set[int] = set()
    rows = []
    for case in cases:
        if case.person_id not in seen:
            seen.add(case.person_id)
            rows.append(case_row(case))
    return rows


def _export(actor: Actor) -> Anonymized:
    actor.require(perms.STATS_RELEASE)
    cases = consenting_cases(actor.active_organization.pk)
    return k_anonymize(ctdc_rows(cases.iterator(chunk_size=2000)), k=K)


def ctdc_export(actor: Actor) -> Anonymized:
    """The organization's consenting cases as k-anonymous CTDC microdata (k = 11), for release
    by the analyst (STATS_RELEASE); audited, with the column groups that were generalized."""
    result = _export(actor)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=CtdcAction.CTDC_EXPORT,
            object_type="stats.ctdc_export",
            fields=[g.key for g in result.report.groups if g.level],  # what was generalized
        )
    return result


def ctdc_export_preview(actor: Actor) -> ExportReport:
    """What an export would release and generalize, without releasing a row (not audited)."""
    return _export(actor).report
