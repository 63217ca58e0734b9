"""The CTDC microdata export: every combination of the released columns occurs at least 11 times
(counted here over the CSV itself), the report's numbers equal what the test counts, only cases
consenting to statistics are in it, and nothing identifying is."""

from __future__ import annotations

import csv
import io
import random
from collections import Counter
from datetime import date

import pytest

from opennrm.accounts.permissions import Actor
from opennrm.audit.models import AuditEvent
from opennrm.cases import services
from opennrm.errors import PermissionDenied
from opennrm.stats.ctdc_export import (
    MISSING,
    NO_COUNTRY,
    V6_COLUMNS,
    age_band,
    case_row,
    consenting_cases,
    ctdc_export,
    ctdc_rows,
    k_anonymize,
)
from tests.conftest import World

K = 11


def combinations(rows: list[dict[str, str]]) -> Counter:
    return Counter(tuple(row[c] for c in V6_COLUMNS) for row in rows)


def parse(text: str) -> list[dict[str, str]]:
    reader = csv.reader(io.StringIO(text), delimiter=";")
    header = next(reader)
    assert tuple(header) == V6_COLUMNS
    return [dict(zip(header, values, strict=True)) for values in reader]


def assert_report_counts(rows: list[dict[str, str]], result) -> None:
    """The report's numbers, counted here from the input rows and what was released."""
    report = result.report
    assert report.eligible == len(rows)
    assert report.released == len(result.rows) == len(result.kept)
    assert report.suppressed == len(rows) - len(result.rows)
    left_out = [rows[i] for i in range(len(rows)) if i not in set(result.kept)]
    for column in report.columns:
        name = column.column
        changed = sum(
            rows[i][name] != out[name] for i, out in zip(result.kept, result.rows, strict=True)
        )
        lost = sum(row[name] not in (MISSING, NO_COUNTRY) for row in left_out)
        assert (column.generalized, column.suppressed) == (changed, lost), name
    assert [c.column for c in report.columns] == list(V6_COLUMNS)


# --- The anonymization itself, on rows made here


def row(**values: str) -> dict[str, str]:
    base = dict.fromkeys(V6_COLUMNS, MISSING)
    base |= {"yearOfRegistration": "2016", "Datasource": "Case Management", "citizenship": "00"}
    return base | values


def random_rows(count: int, seed: int) -> list[dict[str, str]]:
    rng = random.Random(seed)
    rows = []
    for _ in range(count):
        rows.append(
            row(
                yearOfRegistration=str(rng.choice(range(2010, 2020))),
                gender=rng.choice(["Female", "Female", "Male", MISSING]),
                ageBroad=age_band(rng.choice([None, *range(5, 60)])),
                citizenship=rng.choice(["UZ", "TJ", "KG", "KZ", "RU", "UA", "00"]),
                CountryOfExploitation=rng.choice(["KZ", "KZ", "RU", "TR", "AE", MISSING]),
                isForcedLabour=rng.choice("01"),
                isSexualExploit=rng.choice("01"),
                meansOfControlDebtBondage=rng.choice(["0", "1", MISSING]),
                meansOfControlThreats=rng.choice(["0", "1", MISSING]),
            )
        )
    return rows


@pytest.mark.parametrize(("count", "seed"), [(30, 1), (200, 2), (1500, 3)])
def test_every_combination_occurs_k_times_and_the_report_counts_are_right(count, seed):
    rows = random_rows(count, seed)
    before = [dict(r) for r in rows]
    result = k_anonymize(rows, k=K)
    assert rows == before  # the input is not changed
    assert all(n >= K for n in combinations(result.rows).values())
    assert_report_counts(rows, result)
    # Generalized until at most 5% are left out, or until nothing is left to generalize.
    assert result.report.suppressed <= int(count * 0.05) or all(
        group.level == top for group, top in _max_levels(result.report)
    )
    # The CSV written is the same rows.
    assert parse(result.csv()) == result.rows


def _max_levels(report):
    from opennrm.stats.ctdc_export import HIERARCHIES

    return [(g, len(h.levels) - 1) for g, h in zip(report.groups, HIERARCHIES, strict=True)]


def test_common_rows_are_released_as_recorded():
    rows = [row(gender="Female", citizenship="UZ", CountryOfExploitation="KZ")] * 30
    rows += [row(gender="Male", citizenship="TJ", CountryOfExploitation="RU")] * 12
    result = k_anonymize(rows, k=K)
    assert result.rows == rows
    assert all(g.level == 0 for g in result.report.groups)
    assert result.report.suppressed == 0


def test_rare_citizenships_are_generalized_to_their_region():
    # 12 Uzbeks, 6 Tajiks, 6 Kyrgyz: Tajik and Kyrgyz alone are rarer than 11; Central Asia is not.
    rows = [row(citizenship="UZ")] * 12 + [row(citizenship="TJ")] * 6 + [row(citizenship="KG")] * 6
    result = k_anonymize(rows, k=K)
    assert {r["citizenship"] for r in result.rows} == {"Central Asia"}
    assert result.report.released == 24
    (citizenship,) = [c for c in result.report.columns if c.column == "citizenship"]
    assert (citizenship.generalization, citizenship.generalized) == ("UN sub-region", 24)
    assert_report_counts(rows, result)


def test_a_rare_row_that_generalizing_would_cost_too_much_is_suppressed():
    rows = [row(citizenship="UZ", gender="Female")] * 100 + [row(citizenship="PH", gender="Male")]
    result = k_anonymize(rows, k=K)
    assert result.report.suppressed == 1
    assert result.rows == rows[:100]
    assert all(g.level == 0 for g in result.report.groups)
    assert_report_counts(rows, result)


def test_fewer_than_k_rows_release_nothing():
    rows = [row()] * (K - 1)
    result = k_anonymize(rows, k=K)
    assert result.rows == [] and result.report.suppressed == K - 1
    assert_report_counts(rows, result)
    assert k_anonymize([], k=K).report.released == 0


# --- From the organization's cases


NAMES = ["Гульнара", "Абдуллаева", "Shahnoza", "Karimova", "Dilnoza", "Rahimova"]


def open_cases(world: World, count: int, seed: int = 5) -> list:
    """Cases of organization A with the statistical fields filled; most consent to statistics."""
    rng = random.Random(seed)
    worker = world.actor(world.a["case_worker"])
    cases = []
    for i in range(count):
        born = rng.choice([1975, 1985, 1990, 1995, 2000])
        case = services.case_open(
            actor=worker,
            person={
                "given_name": rng.choice(NAMES[::2]),
                "family_name": rng.choice(NAMES[1::2]),
                "birth_year": born,
                "gender": rng.choice(["Feminine", "Feminine", "Masculine"]),
                "citizenship": rng.choice(["UZ", "UZ", "TJ", "KG"]),
            },
            opened_on=date(rng.choice([2021, 2022, 2023]), 3, 1),
            exploitation_types=rng.choice(
                [["SexualExploitation"], ["ForcedLabour"], ["ForcedLabour", "SexualExploitation"]]
            ),
            country_of_exploitation=rng.choice(["KZ", "KZ", "RU"]),
            methods_of_control=rng.choice([[], ["DebtBondage"], ["WithholdsDocuments"]]),
            age_when_trafficked=rng.choice([None, 2020 - born]),
        )
        if i % 10 != 0:  # every tenth case has no consent to statistics
            consent = services.consent_record(
                actor=worker, case=case, purpose="statistics", method="verbal"
            )
            if i % 10 == 1:  # ... and one in ten withdrew it
                services.consent_withdraw(actor=worker, consent=consent, reason="asked")
        cases.append(case)
    return cases


def test_the_export_of_the_organizations_consenting_cases(world, signed_in):
    cases = open_cases(world, 80)
    consenting = consenting_cases(world.org_a.pk)
    expected = [c for i, c in enumerate(cases) if i % 10 not in (0, 1)]
    assert {c.pk for c in consenting} == {c.pk for c in expected}

    analyst = world.a["data_analyst"]
    client = signed_in(analyst.user, analyst)
    response = client.get("/stats/ctdc/export.csv")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="ctdc-microdata.csv"'
    text = response.content.decode()
    released = parse(text)
    assert released
    assert all(n >= K for n in combinations(released).values())

    # The report's numbers, from the same rows.
    rows = ctdc_rows(consenting)
    result = k_anonymize(rows)
    assert result.rows == released
    assert_report_counts(rows, result)
    assert result.report.eligible == len(expected)

    # Nothing identifying: no name, no case number, no worker.
    for case in cases:
        assert case.number not in text
    for word in [*NAMES, "Case worker", analyst.user.email, "Crisis Centre"]:
        assert word not in text
    assert AuditEvent.objects.filter(action="stats.ctdc_export", actor=analyst.user).count() == 1

    page = client.get("/stats/ctdc/").content.decode()
    assert f"<dd>{result.report.released}</dd>" in page
    assert f"<dd>{result.report.suppressed}</dd>" in page


def test_a_case_row_maps_the_htcds_values_to_ctdc():
    class Person:
        gender, age_band, citizenship = "Feminine", "12-17", "TJ"

    class Case:
        opened_on = date(2005, 6, 1)
        person = Person()
        exploitation_types = ["SexualExploitation", "ForcedBegging"]
        forced_labour_industry = ""
        sex_exploitation_types = ["Prostitution"]
        methods_of_control = ["PhysicalThreats", "DebtBondage"]
        relationship_to_trafficker = "Familial"
        age_when_trafficked = 16
        country_of_exploitation = "KZ"

    row = case_row(Case())  # type: ignore[arg-type]
    assert row["yearOfRegistration"] == "2005"
    assert (row["gender"], row["ageBroad"], row["majorityStatus"]) == ("Female", "9--17", "Minor")
    assert (row["citizenship"], row["CountryOfExploitation"]) == ("TJ", "KZ")
    assert (row["isForcedLabour"], row["isSexualExploit"], row["isSexAndLabour"]) == ("1",) * 3
    assert row["typeOfLabourBegging"] == "1" and row["typeOfLabourConcatenated"] == "Begging"
    assert row["typeOfSexProstitution"] == "1" and row["typeOfSexPornography"] == "0"
    assert row["meansOfControlConcatenated"] == "DebtBondage;Threats"
    assert row["recruiterRelationFamily"] == "1" and row["recruiterRelationUnknown"] == "0"
    assert row["isAbduction"] == MISSING


def test_a_person_with_two_cases_is_one_row(world):
    """k counts people: the person's first case only."""
    first, second, other = open_cases(world, 3)
    second.person_id = first.person_id
    rows = ctdc_rows([first, second, other])
    assert rows == [case_row(first), case_row(other)]


def test_the_export_needs_the_release_permission(world):
    with pytest.raises(PermissionDenied):
        ctdc_export(Actor.of(world.a["supervisor"].user, world.a["supervisor"]))


@pytest.mark.parametrize(
    ("person_band", "age_when_trafficked", "expected"),
    [
        ("12-17", None, "9--17"),  # the person's band lies within one of CTDC's
        ("55+", 30, "48+"),
        ("18-24", 19, "18--20"),  # finer, from the age when trafficked, within the person's band
        ("18-24", 24, MISSING),  # 24--26 reaches past the person's band
        ("25-34", 16, MISSING),  # contradicts the person's band
        ("0-11", 5, "0--8"),
        ("unknown", 40, "39--47"),
        ("unknown", None, MISSING),
    ],
)
def test_the_age_band_is_never_one_the_persons_band_contradicts(
    person_band, age_when_trafficked, expected
):
    from opennrm.stats.ctdc_export import _age_broad

    assert _age_broad(person_band, age_when_trafficked) == expected
