"""Export → import into an empty organization → export again gives the same HTCDS data, field by
field, in each format."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest
import pyzipper

from opennrm.cases import services as case_services
from opennrm.cases.models import Case
from opennrm.interop import exports, services
from opennrm.interop.htcds_export import COLUMNS, FIELDS
from tests.cases.factories import open_diana
from tests.interop.support import person, template

# Who owns a case is a member of the organization keeping it: the importer, on the other side.
# The case id is the keeping organization's case number (and not an HTCDS field).
NOT_CARRIED = {"cas_CaseOwner", "cas_CaseId"}


def _export(world, org: str, file_format: str) -> bytes:
    asker = world.actor(getattr(world, org)["case_worker"])
    approver = world.actor(getattr(world, org)["supervisor"])
    numbers = " ".join(
        Case.objects.filter(organization=asker.organization).values_list("number", flat=True)
    )
    request = exports.export_request_create(
        actor=asker,
        data={
            "numbers": numbers,
            "purpose": "round trip",
            "identifying": True,
            "file_format": file_format,
        },
    )
    exports.export_approve(actor=approver, export_id=request.uuid)
    request.refresh_from_db()
    sealed = exports.export_download(actor=asker, export_id=request.uuid)
    with pyzipper.AESZipFile(io.BytesIO(sealed.content)) as archive:
        archive.setpassword(request.password.encode())
        return archive.read(archive.namelist()[0])


def _rows(content: bytes, file_format: str) -> list[dict[str, str]]:
    if file_format == "json":
        return [{f: r.get(f, "") for f in FIELDS} for r in json.loads(content)]
    if file_format == "csv":
        return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    return [
        {c.field: (sheet.cell(r, i + 2).value or "") for i, c in enumerate(COLUMNS)}
        for r in range(3, sheet.max_row + 1)
    ]


@pytest.mark.parametrize("file_format", ["xlsx", "csv", "json"])
def test_export_import_export_gives_the_same_htcds_data(world, file_format):
    diana = open_diana(
        world.a["case_worker"],
        trafficking_status="PossibleVictimOfTrafficking",
        trafficking_status_decided_by="NGO",
    )
    case_services.person_update(
        actor=world.actor(world.a["case_worker"]),
        case=diana,
        version=diana.person.version,
        birth_date="1977-05-14",
        address="+1 этаж, ул. Абая 10, кв. 5",  # a spreadsheet would read "+..." as a formula
    )
    first = _export(world, "a", file_format)
    assert not Case.objects.filter(organization=world.org_b).exists()
    result = services.import_run(
        actor=world.actor(world.b["case_worker"]),
        organization=world.org_b,
        file=io.BytesIO(first),
        name=f"export.{file_format}",
    )
    assert result.saved, [str(p) for p in result.problems]
    assert result.cases_create == 1
    imported = Case.objects.select_related("person").get(organization=world.org_b)
    assert imported.person.address == "+1 этаж, ул. Абая 10, кв. 5"  # the guard taken off
    assert imported.person.phones == diana.person.phones
    second = _export(world, "b", file_format)
    before, after = _rows(first, file_format), _rows(second, file_format)
    assert len(before) == len(after) == 1
    differences = {
        f: (before[0][f], after[0][f])
        for f in FIELDS
        if f not in NOT_CARRIED and before[0][f] != after[0][f]
    }
    assert differences == {}
    assert before[0]["prs_FirstName"] == "Диана"


def test_several_citizenships_and_the_address_parts_go_out_and_come_back(world):
    diana = open_diana(world.a["case_worker"])
    case_services.person_update(
        actor=world.actor(world.a["case_worker"]),
        case=diana,
        version=diana.person.version,
        citizenship="UZ",
        other_citizenships=["KZ", "UZ", "KZ"],  # the main one and a repeat are dropped
        address="ул. Навои 5",
        address_parts={"city": "Ташкент", "postal_code": "100011", "country": "UZ"},
    )
    diana.person.refresh_from_db()
    assert diana.person.other_citizenships == ["KZ"]
    first = _export(world, "a", "csv")
    (row,) = _rows(first, "csv")
    assert row["prs_Citizenship"] == "UZ;KZ"
    assert (row["prs_MailingStreet"], row["prs_MailingCity"]) == ("ул. Навои 5", "Ташкент")
    assert (row["prs_MailingPostalCode"], row["prs_MailingCountry"]) == ("100011", "UZ")
    result = services.import_run(
        actor=world.actor(world.b["case_worker"]),
        organization=world.org_b,
        file=io.BytesIO(first),
        name="export.csv",
    )
    assert result.saved, [p.line() for p in result.problems]
    person = Case.objects.select_related("person").get(organization=world.org_b).person
    assert (person.citizenship, person.other_citizenships) == ("UZ", ["KZ"])
    assert person.address_parts == {"city": "Ташкент", "postal_code": "100011", "country": "UZ"}


def test_consent_true_is_recorded_once_and_comes_back_true(world):
    from opennrm.cases.choices import ConsentMethod, ConsentPurpose

    diana = open_diana(world.a["case_worker"])
    case_services.consent_record(
        actor=world.actor(world.a["case_worker"]),
        case=diana,
        purpose=ConsentPurpose.ASSISTANCE,
        method=ConsentMethod.WRITTEN,
    )
    first = _export(world, "a", "json")
    assert json.loads(first)[0]["con_Consent"] == "TRUE"
    for _time in range(2):  # a re-import records no second consent
        result = services.import_run(
            actor=world.actor(world.b["case_worker"]),
            organization=world.org_b,
            file=io.BytesIO(first),
            name="export.json",
        )
        assert result.saved, [p.line() for p in result.problems]
    case = Case.objects.get(organization=world.org_b)
    (consent,) = case.consents.all()
    assert (consent.purpose, consent.method) == ("assistance", "recorded")
    assert json.loads(_export(world, "b", "json"))[0]["con_Consent"] == "TRUE"


def test_referrals_made_outside_opennrm_go_out_and_come_back_as_recorded(world):
    from datetime import date

    from opennrm.referrals.recorded import recorded_referral_add

    diana = open_diana(world.a["case_worker"])
    actor = world.actor(world.a["case_worker"])
    recorded_referral_add(
        actor=actor,
        case=diana,
        data={
            "direction": "incoming",
            "organization_name": "Embassy of Uzbekistan in Almaty",
            "referred_on": date(2005, 10, 1),
            "reason": "AdditionalServicesRequired",
            "worker": "Консул Иванов",
            "details": "Passport taken by the employer",
        },
    )
    recorded_referral_add(
        actor=actor,
        case=diana,
        data={"direction": "outgoing", "organization_name": "Shelter Tashkent", "reason": "Other"},
    )
    first = _export(world, "a", "xlsx")
    (row,) = _rows(first, "xlsx")
    assert row["cas_ReferringOrganisation"] == "Embassy of Uzbekistan in Almaty"
    assert row["cas_IncomingReferralDate"] == "2005-10-01"
    assert row["cas_ReasonForOutgoingReferral"] == "Other"
    for _time in range(2):  # a re-import records them once
        result = services.import_run(
            actor=world.actor(world.b["case_worker"]),
            organization=world.org_b,
            file=io.BytesIO(first),
            name="export.xlsx",
        )
        assert result.saved, [p.line() for p in result.problems]
    case = Case.objects.get(organization=world.org_b)
    found = sorted(case.recorded_referrals.values_list("direction", "organization_name", "source"))
    assert found == [
        ("incoming", "Embassy of Uzbekistan in Almaty", "import"),
        ("outgoing", "Shelter Tashkent", "import"),
    ]
    (again,) = _rows(_export(world, "b", "xlsx"), "xlsx")
    assert {f: again[f] for f in row if f.startswith("cas_") and f not in NOT_CARRIED} == {
        f: row[f] for f in row if f.startswith("cas_") and f not in NOT_CARRIED
    }


def test_a_referral_without_its_organization_is_named_by_its_column(world):
    rows = [
        {
            **person(1),
            "cas_ReferringOrganisation": None,  # a date and a reason, but to whom?
            "cas_IncomingReferralDate": "2024-01-01",
            "cas_ReasonForIncomingReferral": "Other",
        }
    ]
    result = services.import_preview(
        actor=world.actor(world.a["case_worker"]),
        organization=world.org_a,
        file=io.BytesIO(template(rows)),
        name="c.xlsx",
    )
    lines = [p.line() for p in result.problems]
    assert any("field cas_ReferringOrganisation" in line for line in lines), lines


@pytest.mark.parametrize(
    "phones",
    [
        {"prs_HomePhone": "+77272501234"},
        {"prs_MobilePhone": "+77011234567", "prs_HomePhone": "+77272501234"},
    ],
    ids=["home only", "both"],
)
def test_a_home_and_a_mobile_phone_come_back_in_their_own_columns(world, phones):
    row = person(1, **{"prs_MobilePhone": "", **phones})
    result = services.import_run(
        actor=world.actor(world.a["case_worker"]),
        organization=world.org_a,
        file=io.BytesIO(template([row])),
        name="cases.xlsx",
    )
    assert result.saved, [p.line() for p in result.problems]
    imported = Case.objects.select_related("person").get(organization=world.org_a).person
    kinds = {"prs_MobilePhone": "mobile", "prs_HomePhone": "home"}
    assert imported.phone_kinds == {number: kinds[field] for field, number in phones.items()}
    (exported,) = _rows(_export(world, "a", "csv"), "csv")
    # A leading "+" is guarded against spreadsheet formulas ("'+7..."); an import takes it off.
    assert exported["prs_HomePhone"] == "'+77272501234"
    assert exported["prs_MobilePhone"] == "'" * ("prs_MobilePhone" in phones) + phones.get(
        "prs_MobilePhone", ""
    )


def test_a_number_of_no_kind_fills_the_mobile_column_then_the_home_one(world):
    diana = open_diana(world.a["case_worker"])  # +998 90 123 45 67, of no kind
    case_services.person_update(
        actor=world.actor(world.a["case_worker"]),
        case=diana,
        version=diana.person.version,
        phones=["+998901234567", "+998712345678", "+998909999999"],
        phone_kinds={"+998909999999": "mobile"},
    )
    (row,) = _rows(_export(world, "a", "csv"), "csv")
    assert (row["prs_MobilePhone"], row["prs_HomePhone"]) == ("'+998909999999", "'+998901234567")
