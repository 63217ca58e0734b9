"""Importing HTCDS files: the official templates filled in, re-import, atomicity, the command."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from opennrm.accounts.models import Role
from opennrm.audit.models import AuditEvent
from opennrm.cases.models import Case
from opennrm.interop import htcds, services
from opennrm.interop.models import ExternalCase
from opennrm.interop.services import import_preview, import_run
from opennrm.people.models import Person
from tests.support.matrix import snapshot

from .support import ROW_LABELS, ROW_SYSTEM, person, template

pytestmark = pytest.mark.django_db


def supervisor(world: Any, key: str = "a") -> Any:
    return world.actor(getattr(world, key)[Role.SUPERVISOR])


def case_named(given_name: str) -> Case:
    """The case of the person so named (names are encrypted: compared after reading)."""
    cases = [c for c in Case.objects.select_related("person") if c.person.given_name == given_name]
    assert len(cases) == 1
    return cases[0]


def run(world: Any, data: bytes, name: str = "cases.xlsx", **options: Any) -> Any:
    actor = supervisor(world)
    return import_run(
        actor=actor, organization=world.org_a, file=io.BytesIO(data), name=name, **options
    )


@pytest.mark.parametrize("validated", [False, True], ids=["plain", "validation"])
def test_the_official_templates_filled_in_import(world, validated) -> None:
    row = ROW_LABELS if validated else ROW_SYSTEM
    second = {
        **row,
        "prs_FirstName": "Second",
        "prs_SecondName": "Abenova",
        "prs_MobilePhone": "+77017654321",
    }
    data = template([row, second], validated=validated)
    preview = import_preview(
        actor=supervisor(world), organization=world.org_a, file=io.BytesIO(data), name="t.xlsx"
    )
    assert preview.problems == [], [p.line() for p in preview.problems]
    assert (preview.rows, preview.cases_create, preview.persons_create) == (2, 2, 2)
    assert preview.mapped_by == "field names"
    assert any("AJ" in note for note in preview.notes)
    assert Case.objects.count() == 0  # the preview saved nothing

    result = run(world, data)
    assert result.saved and result.cases_create == 2
    case = case_named("Aigerim")
    assert case.person.family_name == "Testova"
    assert case.person.gender == "Feminine" and case.person.citizenship == "KZ"
    assert case.person.birth_date == "1995-03-01"
    assert case.person.phones == ["+77011234567"]
    assert case.methods_of_control == ["DebtBondage", "WithholdsDocuments"]
    assert case.recruitment_methods == ["ThroughOnlineSocialNetworks", "AtWork"]
    assert case.forced_labour_industry == "F_Construction"
    assert case.trafficking_status_decided_by == "NGO"
    assert case.status == ("FollowUp" if validated else "Active")
    assert ExternalCase.objects.filter(organization=world.org_a).count() == 2
    assert AuditEvent.objects.filter(action="interop.htcds_import").count() == 1


def test_a_template_without_its_field_names_is_mapped_by_labels(world) -> None:
    # Labels of N to R are not in the order of the names above them: each must land right.
    row = {**ROW_SYSTEM, "prs_MailingStreet": "Abai 1", "prs_MailingPostalCode": "050000"}
    result = run(world, template([row], without_names=True))
    assert result.mapped_by == "labels" and result.saved, [p.line() for p in result.problems]
    person = case_named("Aigerim").person
    assert person.address == "Abai 1"
    assert person.address_parts == {"city": "Almaty", "postal_code": "050000", "country": "KZ"}


def test_the_storage_of_the_84_fields_is_counted() -> None:
    counts = htcds.storage_counts()
    assert len(htcds.FIELDS) == 84 and sum(counts.values()) == 84
    assert counts == {"direct": 40, "converted": 23, "not stored": 21}


def test_reimporting_the_same_or_an_updated_file_makes_no_duplicates(world) -> None:
    rows = [person(1), person(2)]
    assert run(world, template(rows)).cases_create == 2
    again = run(world, template(rows))
    assert (again.cases_create, again.cases_update, again.cases_unchanged) == (0, 0, 2)
    updated = run(
        world,
        template([person(1, vic_TypeOfExploitation="SexualExploitation"), person(2), person(3)]),
    )
    assert (updated.cases_create, updated.cases_update, updated.cases_unchanged) == (1, 1, 1)
    assert Case.objects.count() == 3 and Person.objects.count() == 3
    assert case_named("Person1").exploitation_types == ["SexualExploitation"]
    # The external id is stored as a keyed hash, never as it was in the file.
    assert not ExternalCase.objects.filter(key_hash__in=["1", "row:1", "id:1"]).exists()


def test_a_case_id_column_matches_cases_across_files(world) -> None:
    csv = "cas_CaseId;prs_FirstName;prs_SecondName;prs_Gender;vic_TraffickingStatus\n"
    one = "K-1;Ana;One;Feminine;PossibleVictimOfTrafficking\n"
    two = "K-2;Bo;Two;Masculine;NotAVictimOfTrafficking\n"
    rows = one + two
    assert run(world, (csv + rows).encode(), name="a.csv").cases_create == 2
    reordered = two + one
    assert run(world, (csv + reordered).encode(), name="a.csv").cases_unchanged == 2
    assert Case.objects.count() == 2


def test_an_exception_at_row_n_leaves_the_database_exactly_as_before(world, monkeypatch) -> None:
    run(world, template([person(1)]))  # something there already
    before = snapshot()
    events = AuditEvent.objects.count()
    calls = {"n": 0}
    write_row = services.write_row

    def failing(**kwargs: Any) -> str:
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("the server went away")
        return write_row(**kwargs)

    monkeypatch.setattr(services, "write_row", failing)
    with pytest.raises(RuntimeError):
        run(world, template([person(2), person(3), person(4), person(5)]))
    assert calls["n"] == 3
    assert snapshot() == before
    assert AuditEvent.objects.count() == events


def test_one_bad_row_saves_nothing_unless_valid_rows_only(world) -> None:
    rows = [person(1), person(2, prs_Gender="Femenine"), person(3)]
    result = run(world, template(rows))
    assert not result.saved and result.rows_refused == 1
    assert Case.objects.count() == 0
    kept = run(world, template(rows), valid_rows_only=True)
    assert kept.saved and kept.cases_create == 2 and kept.refused_rows == [4]
    assert Case.objects.count() == 2


def test_the_services_refusals_name_the_column(world) -> None:
    # A case worker may not close a case: the service refuses, the problem names cas_Status.
    actor = world.actor(world.a[Role.CASE_WORKER])
    data = template([person(1, cas_Status="Closed", cas_ReasonForCaseClosure="moved")])
    result = import_preview(
        actor=actor, organization=world.org_a, file=io.BytesIO(data), name="x.xlsx"
    )
    assert [(p.row, p.column, p.field) for p in result.problems] == [(3, "AB", "cas_Status")]
    bad_phone = template([person(1, prs_MobilePhone="12")])
    result = run(world, bad_phone)
    assert [(p.column, p.field) for p in result.problems] == [("M", "prs_MobilePhone")]
    assert "12" not in result.problems[0].line()  # identifying: never repeated


def test_the_command_line(world, tmp_path) -> None:
    path = tmp_path / "cases.xlsx"
    path.write_bytes(template([person(1), person(2, vic_MethodsOfControl="Debt bondag")]))
    out, err = io.StringIO(), io.StringIO()
    email = world.a[Role.SUPERVISOR].user.email
    with pytest.raises(CommandError) as refused:
        call_command(
            "import_htcds",
            str(path),
            organization=world.org_a.name,
            user=email,
            dry_run=True,
            stdout=out,
            stderr=err,
        )
    lines = out.getvalue().splitlines()
    assert lines[0] == "Read as XLSX, sheet Sheet1, columns mapped by field names."
    assert lines[1].startswith("Column N: its label names prs_MailingStreet but its field name")
    assert any(line.startswith("Column AJ has no field name; it was mapped by") for line in lines)
    assert [line for line in lines if line.startswith("2 rows:")] == [
        "2 rows: would create 1 persons and 1 cases, update 0 cases, leave 0 unchanged; "
        "1 rows refused."
    ]
    problem = [line for line in lines if "row 4" in line]
    assert problem == [
        "sheet Sheet1, row 4, column W, field vic_MethodsOfControl: Not one of the values of "
        "this field. Found “Debt bondag”. Expected: one of: Physical threats; Threats of law "
        "enforcement; Threatens children/family; Debt bondage; False promises; Physical abuse; "
        "Sexual abuse; Takes earnings; Restricts financial access; Restricts medical care; "
        "Withholds necessities; Psychological abuse; Psychoactive substance; Excessive working "
        "hours; Withholds documents; Other. Did you mean “Debt bondage”?"
    ]
    assert "nothing would be saved" in str(refused.value)
    assert "2 rows read of 2" in err.getvalue()  # progress, on standard error
    assert Case.objects.count() == 0

    path.write_bytes(template([person(1), person(2)]))
    out = io.StringIO()
    call_command(
        "import_htcds", str(path), organization=str(world.org_a.pk), user=email, stdout=out
    )
    assert "Saved." in out.getvalue() and Case.objects.count() == 2

    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    with pytest.raises(CommandError) as refused:
        call_command("import_htcds", str(path), organization=world.org_a.name, user=email)
    assert "password-protected" in str(refused.value)


def test_a_person_already_recorded_is_found_by_the_duplicate_check(world) -> None:
    import json

    from opennrm.cases.models import Case
    from tests.cases.factories import open_diana

    diana = open_diana(world.a["case_worker"])  # "Диана Каримова", born 1977, +998 90 123 45 67
    row = {
        "prs_FirstName": "Diana",
        "prs_SecondName": "Karimova",  # her name as the passport spells it
        "prs_Birthdate": "1977-05-14",
        "prs_Gender": "Feminine",
        "prs_Citizenship": "UZ",
        "prs_MobilePhone": "+998901234567",
        "vic_LocationOfExploitation": "KZ",
        "vic_TraffickingStatus": "PossibleVictimOfTrafficking",
    }
    content = json.dumps([row]).encode()
    actor = world.actor(world.a["case_worker"])
    preview = import_preview(
        actor=actor, organization=world.org_a, file=io.BytesIO(content), name="c.json"
    )
    assert (preview.cases_create, preview.cases_update) == (0, 1)
    assert any(diana.number in w.message for w in preview.warnings)
    before = Case.objects.count()
    result = import_run(
        actor=actor, organization=world.org_a, file=io.BytesIO(content), name="c.json"
    )
    assert result.saved, [p.line() for p in result.problems]
    assert Case.objects.count() == before
    # Someone else with a similar name is not taken for her.
    other = {
        **row,
        "prs_FirstName": "Dilnoza",
        "prs_Birthdate": "1990-01-02",
        "prs_MobilePhone": "",
    }
    again = import_run(
        actor=actor,
        organization=world.org_a,
        file=io.BytesIO(json.dumps([other]).encode()),
        name="c.json",
    )
    assert again.cases_create == 1


def test_a_csv_row_with_a_route_stop_a_plan_and_a_comment_adds_them_once(world) -> None:
    import csv as csv_module

    from opennrm.cases.models import Case

    row = {
        **person(1),
        "cas_CaseId": "SHELTER-17",
        "hte_Type": "Exploitation",
        "hte_Date": "2005-03-20",
        "hte_Country": "KZ",
        "hte_City": "Almaty",
        "hte_Description": "A sauna on the outskirts",
        "spl_Type": "Health",
        "spl_Objectives": "Medical check and counselling",
        "spl_PlannedEndDate": "2025-12-31",
        "spl_ActualEndDate": "2025-11-15",
        "cco_CaseComment": "Arrived with her sister.",
    }
    row["prs_Birthdate"] = "1990-04-05"
    out = io.StringIO()
    writer = csv_module.DictWriter(out, fieldnames=list(row), delimiter=";")
    writer.writeheader()
    writer.writerow(row)
    content = out.getvalue().encode("utf-8")
    for _time in range(2):
        result = run(world, content, name="cases.csv")
        assert result.saved, [p.line() for p in result.problems]
    case = Case.objects.get(organization=world.org_a)
    (event,) = case.events.all()
    assert (event.event_type, str(event.occurred_on), event.country, event.city) == (
        "Exploitation",
        "2005-03-20",
        "KZ",
        "Almaty",
    )
    (plan,) = case.plans.all()
    assert (plan.plan_type, plan.objectives) == ("Health", "Medical check and counselling")
    assert (str(plan.planned_end_on), str(plan.ended_on)) == ("2025-12-31", "2025-11-15")
    assert [n.body for n in case.notes.all()] == ["Arrived with her sister."]


@pytest.mark.parametrize(
    "bad",
    [
        {"hte_Type": "Exploitation", "hte_Date": "2999-01-01"},
        {"spl_Type": "Health", "spl_ActualEndDate": "2999-01-01"},  # a plan cannot end ahead
    ],
    ids=["route stop", "plan end"],
)
def test_a_bad_route_stop_or_plan_is_named_by_its_column(world, bad) -> None:
    import json

    from opennrm.cases.models import Case

    row = {**person(1), **bad}
    row = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()}
    result = run(world, json.dumps([row]).encode(), name="c.json")
    assert not result.saved
    field = next(name for name in bad if "Date" in name)
    assert any(f"field {field}" in p.line() for p in result.problems), [
        p.line() for p in result.problems
    ]
    assert not Case.objects.filter(organization=world.org_a).exists()


def test_a_row_refused_after_its_case_was_opened_gives_its_number_back(world) -> None:
    """An import takes its case numbers in one batch (numbers_batched: the sequence written
    once, not once per row); a row its savepoint rolls back, here refused by the recorded
    referral's service after its case was opened, leaves no gap in the numbers."""
    from datetime import datetime

    from opennrm.cases.models import NumberSequence

    opened = {"cas_IncomingReferralDate": datetime(2024, 5, 6)}
    rows = [
        person(1, cas_ReferringOrganisation="IOM Almaty", **opened),
        person(2, cas_ReferringOrganisation=None, **opened),  # no referrer: refused
        person(3, cas_ReferringOrganisation="IOM Almaty", **opened),
    ]
    result = run(world, template(rows), valid_rows_only=True)
    assert result.saved and result.rows_refused == 1, [p.line() for p in result.problems]
    numbers = sorted(Case.objects.filter(organization=world.org_a).values_list("number", flat=True))
    assert [n.rsplit("-", 1)[1] for n in numbers] == ["00001", "00002"]
    assert NumberSequence.objects.get(organization=world.org_a, kind="case").last == 2
