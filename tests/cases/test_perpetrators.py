"""Perpetrator records, needs and risks, the person's own account (decision 0017): what they
store, what they refuse, who reads them, and the contact warning on the case page."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opennrm.accounts.timezones import local_today
from opennrm.audit.models import AuditEvent
from opennrm.cases import needs, perpetrators
from opennrm.cases.models import (
    Case,
    NeedsAssessment,
    Perpetrator,
    PerpetratorShare,
    PersonalAccount,
)
from opennrm.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from tests.cases.factories import open_diana
from tests.cases.records import (
    ASSESSMENT,
    STORY,
    TAXI_DRIVER,
    WARNING,
    assess,
    record_account,
    record_perpetrator,
    share,
)
from tests.conftest import World

SECRETS = [
    "Рустам",
    "таксист",
    "7015550199",
    "907654321",
    "Toyota Camry",
    "777ABA02",
    "Райымбека",
    "забирал деньги",
    "телефон проверяют",
    "по вторникам",
    "адрес матери",
    "ВИЧ",
    "Чиланзар",
    "Новый паспорт",
    "Гульнара",
    "шлангом",
    "остаться в Казахстане",
]


@pytest.fixture
def case(world: World) -> Case:
    return open_diana(world.a["case_worker"])


def _raw(table: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
        return repr(cursor.fetchall())


# --- Storage and audit.


def test_identifying_values_are_not_readable_in_the_database(world, case):
    record_perpetrator(world, case)
    assess(world, case)
    record_account(world, case)
    raw = "".join(
        _raw(model._meta.db_table) for model in (Perpetrator, NeedsAssessment, PersonalAccount)
    )
    assert "Masculine" in raw and "high" in raw  # the statistical fields stay plain
    for secret in SECRETS:
        assert secret not in raw, f"{secret!r} readable in the database"
    events = repr(list(AuditEvent.objects.values()))
    for secret in SECRETS:
        assert secret not in events, f"{secret!r} in an audit event"


def test_a_record_reads_back_and_its_audit_names_the_fields(world, case):
    record = record_perpetrator(world, case)
    record.refresh_from_db()
    assert record.name == "Рустам, таксист"
    assert record.phones == ["+77015550199", "+998907654321"]  # E.164
    assert record.places == ["Алматы, улица Райымбека 12"]
    event = AuditEvent.objects.get(action="perpetrator.add", object_id=record.uuid)
    assert set(event.fields) == set(TAXI_DRIVER)


# --- Bad input: the field named, nothing saved.


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"phones": ["+7 701 555 0199", "12"]}, "phones[1]"),
        ({"phones": [f"+7 701 555 {n:04d}" for n in range(21)]}, "phones"),
        ({"name": "x" * 501}, "name"),
        ({"name": "  "}, "name"),
        ({"actions": "x" * 5001}, "actions"),
        ({"vehicles": ["v" * 201]}, "vehicles[0]"),
        ({"nationality": "XX"}, "nationality"),
        ({"roles": ["Boss"]}, "roles[0]"),
        ({"name": "a\x00b"}, "name"),
    ],
)
def test_bad_perpetrator_is_refused_naming_the_field(world, case, changes, field):
    with pytest.raises(ValidationFailed) as refused:
        record_perpetrator(world, case, **changes)
    assert field in refused.value.errors
    assert not Perpetrator.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"told_on": "future"}, "told_on"),
        ({"told_on": None}, "told_on"),
        ({"wishes": "x" * 20_001}, "wishes"),
        ({"language": "zz"}, "language"),
        ({"recruitment": "", "exploitation": "", "wishes": ""}, "before"),
    ],
)
def test_bad_account_is_refused_naming_the_field(world, case, changes, field):
    if changes.get("told_on") == "future":
        changes["told_on"] = local_today(world.org_a) + timedelta(days=1)
    with pytest.raises(ValidationFailed) as refused:
        record_account(world, case, **changes)
    assert field in refused.value.errors
    assert not PersonalAccount.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"contact_warning": "x" * 501}, "contact_warning"),
        ({"children_count": 31}, "children_count"),
        ({"interpreter_language": ""}, "interpreter_language"),
        ({"contact_safety": "unsafe"}, "contact_channels"),  # a channel for one not to contact
        ({"contact_safety": "maybe"}, "contact_safety"),
    ],
)
def test_bad_assessment_is_refused_naming_the_field(world, case, changes, field):
    with pytest.raises(ValidationFailed) as refused:
        assess(world, case, **changes)
    assert field in refused.value.errors
    assert not NeedsAssessment.objects.exists()


def test_bad_input_by_page_shows_the_error_beside_the_field(world, case, signed_in):
    client = signed_in(world.a["case_worker"].user, world.a["case_worker"])
    url = f"/cases/{case.uuid}/perpetrators/add/"
    response = client.post(url, {"name": "Рустам", "phones": "+7 701 555 0199\n12"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Line 2:" in page and "perpetrator-phones_error" in page
    assert not Perpetrator.objects.exists()
    too_many = "\n".join(f"+7 701 555 {n:04d}" for n in range(21))
    response = client.post(url, {"name": "Рустам", "phones": too_many})
    assert "At most 20 entries" in response.content.decode()
    tomorrow = (local_today(world.org_a) + timedelta(days=1)).isoformat()
    response = client.post(
        f"/cases/{case.uuid}/account/record/", {"told_on": tomorrow, "wishes": "Домой"}
    )
    assert response.status_code == 200
    assert "account-told_on_error" in response.content.decode()
    response = client.post(
        f"/cases/{case.uuid}/account/record/",
        {"told_on": "2005-10-05", "wishes": "x" * 20_001},
    )
    assert "account-wishes_error" in response.content.decode()
    assert not PersonalAccount.objects.exists()


def test_bad_input_by_api_is_a_problem_naming_the_field(world, case, signed_in):
    client = signed_in(world.a["case_worker"].user, world.a["case_worker"])
    url = f"/api/v1/cases/{case.uuid}/perpetrators"

    def post(path: str, body: dict) -> dict:
        response = client.post(path, json.dumps(body), content_type="application/json")
        assert response.status_code == 422, response.content
        return {e["field"] for e in response.json()["errors"]}

    assert "phones[0]" in post(url, {"name": "Рустам", "phones": ["not a phone"]})
    assert "phones" in post(url, {"name": "Рустам", "phones": ["+77015550199"] * 21})
    assert "name" in post(url, {"name": "x" * 501})
    tomorrow = (local_today(world.org_a) + timedelta(days=1)).isoformat()
    accounts = f"/api/v1/cases/{case.uuid}/accounts"
    assert "told_on" in post(accounts, {"told_on": tomorrow, "wishes": "Домой"})
    assert "wishes" in post(accounts, {"told_on": "2005-10-05", "wishes": "x" * 20_001})
    assert not Perpetrator.objects.exists() and not PersonalAccount.objects.exists()


# --- Editing and removing.


def test_an_edit_over_a_newer_change_is_refused(world, case):
    record = record_perpetrator(world, case)
    actor = world.actor(world.a["case_worker"])
    perpetrators.perpetrator_update(
        actor=actor, perpetrator=record, version=1, **{**TAXI_DRIVER, "name": "Рустам"}
    )
    with pytest.raises(Conflict):
        perpetrators.perpetrator_update(actor=actor, perpetrator=record, version=1, **TAXI_DRIVER)
    event = AuditEvent.objects.get(action="perpetrator.update", object_id=record.uuid)
    assert event.fields == ["name"]


def test_a_removed_record_is_kept_but_not_shown(world, case, signed_in):
    record = record_perpetrator(world, case)
    kept = record_perpetrator(world, case, name="Гульнара, вербовщица")
    client = signed_in(world.a["case_worker"].user, world.a["case_worker"])
    response = client.post(f"/cases/{case.uuid}/perpetrators/{record.uuid}/remove/")
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.removed_at is not None and record.removed_by == world.a["case_worker"].user
    page = client.get(f"/cases/{case.uuid}/perpetrators/").content.decode()
    # Only the tab: the header names the person (Диана Рустамовна), not a perpetrator.
    tab = page[page.index('id="tab-perpetrators"') :]
    assert "Гульнара" in tab and "Рустам" not in tab
    response = client.get(f"/api/v1/cases/{case.uuid}/perpetrators")
    assert [p["id"] for p in response.json()] == [str(kept.uuid)]
    assert client.get(f"/cases/{case.uuid}/perpetrators/{record.uuid}/edit/").status_code == 404


def test_the_edit_page_shows_the_record_in_the_form(world, case, signed_in):
    record = record_perpetrator(world, case)
    client = signed_in(world.a["case_worker"].user, world.a["case_worker"])
    page = client.get(f"/cases/{case.uuid}/perpetrators/{record.uuid}/edit/").content.decode()
    assert "+77015550199" in page and 'name="version"' in page
    data = {**TAXI_DRIVER, "phones": "+77015550199", "vehicles": "", "places": ""}
    data["version"] = 1
    response = client.post(f"/cases/{case.uuid}/perpetrators/{record.uuid}/edit/", data)
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.phones == ["+77015550199"] and record.places == [] and record.version == 2


# --- Sharing with the police liaison.


def test_the_liaison_reads_only_while_shared_and_only_in_their_organization(world, case, signed_in):
    record_perpetrator(world, case)
    liaison = signed_in(world.a["law_enforcement_liaison"].user, world.a["law_enforcement_liaison"])
    other = signed_in(world.b["law_enforcement_liaison"].user, world.b["law_enforcement_liaison"])
    page, api = f"/perpetrators/shared/{case.uuid}/", f"/api/v1/cases/{case.uuid}/perpetrators"

    def reads(client) -> tuple[int, int]:
        return client.get(page).status_code, client.get(api).status_code

    assert reads(liaison) == (404, 404)  # never by default
    assert "Nothing is shared" in liaison.get("/perpetrators/shared/").content.decode()
    supervisor = signed_in(world.a["supervisor"].user, world.a["supervisor"])
    assert supervisor.post(f"/cases/{case.uuid}/perpetrators/share/").status_code == 302
    assert reads(liaison) == (200, 200)
    assert "Рустам" in liaison.get(page).content.decode()
    assert case.number in liaison.get("/perpetrators/shared/").content.decode()
    assert reads(other) == (404, 404)
    assert AuditEvent.objects.filter(action="read", object_type="cases.perpetratorshare").exists()
    assert supervisor.post(f"/cases/{case.uuid}/perpetrators/unshare/").status_code == 302
    assert reads(liaison) == (404, 404)
    actions = list(
        AuditEvent.objects.filter(action__startswith="perpetrators.").values_list(
            "action", flat=True
        )
    )
    assert actions == ["perpetrators.share", "perpetrators.unshare"]
    assert PerpetratorShare.objects.get().withdrawn_at is not None  # the history is kept


def test_only_a_supervisor_shares_and_never_twice(world, case):
    with pytest.raises(PermissionDenied):
        perpetrators.perpetrators_share(actor=world.actor(world.a["case_worker"]), case=case)
    share(world, case)
    with pytest.raises(ValidationFailed):
        share(world, case)
    assert PerpetratorShare.objects.count() == 1


def test_roles_that_do_not_work_the_case_read_no_perpetrator(world, case):
    for role in ("hotline_operator", "service_provider", "data_analyst", "organization_admin"):
        with pytest.raises((PermissionDenied, NotFound)):
            perpetrators.readable_perpetrators(actor=world.actor(world.a[role]), case_id=case.uuid)


def test_a_hotline_operator_on_the_team_has_no_perpetrators_tab(world, case, signed_in):
    case.team.add(world.a["hotline_operator"].user)
    client = signed_in(world.a["hotline_operator"].user, world.a["hotline_operator"])
    page = client.get(f"/cases/{case.uuid}/trafficking/").content.decode()
    assert "/perpetrators/" not in page
    assert client.get(f"/cases/{case.uuid}/perpetrators/").status_code == 403


# --- Needs and risks: the current assessment, its history, the warning on top.


def test_a_new_assessment_replaces_the_current_and_keeps_the_history(world, case, signed_in):
    assess(world, case)
    assess(world, case, contact_warning="Звонить только на новый номер", contact_safety="safe")
    current = needs.case_assessment_list(actor=world.actor(world.a["case_worker"]), case=case)
    assert [a.contact_warning for a in current] == ["Звонить только на новый номер", WARNING]
    client = signed_in(world.a["case_worker"].user, world.a["case_worker"])
    page = client.get(f"/cases/{case.uuid}/needs/").content.decode()
    assert page.index("Звонить только на новый номер") < page.index("Earlier assessments")


@pytest.mark.parametrize("tab", ["", "trafficking/", "notes/", "needs/"])
@pytest.mark.parametrize("role", ["case_worker", "supervisor", "hotline_operator"])
def test_the_contact_warning_is_on_top_of_every_tab_for_who_may_contact(
    world, case, signed_in, tab, role
):
    case.team.add(world.a["hotline_operator"].user)
    assess(world, case)
    client = signed_in(world.a[role].user, world.a[role])
    page = client.get(f"/cases/{case.uuid}/{tab}").content.decode()
    alert = page.index('id="contact-alert"')
    assert page.index('id="case-header"') < alert < page.index("case-summary")
    assert WARNING in page[alert:]


def test_no_alert_when_contact_is_safe_and_nothing_is_said(world, case, signed_in):
    assess(world, case, contact_safety="safe", contact_warning="")
    client = signed_in(world.a["case_worker"].user, world.a["case_worker"])
    assert 'id="contact-alert"' not in client.get(f"/cases/{case.uuid}/").content.decode()


def test_accounts_are_kept_newest_first(world, case, signed_in):
    record_account(world, case)
    later = {**STORY, "told_on": STORY["told_on"] + timedelta(days=20), "wishes": "Домой"}
    record_account(world, case, **later)
    client = signed_in(world.a["case_worker"].user, world.a["case_worker"])
    page = client.get(f"/cases/{case.uuid}/account/").content.decode()
    assert page.index("2005-10-25") < page.index("2005-10-05")
    assert "Домой" in page and "шлангом" in page


# --- Query counts of the perpetrators tab do not grow with the records.


def test_perpetrators_tab_queries_do_not_grow_with_records(world, case, signed_in):
    client = signed_in(world.a["case_worker"].user, world.a["case_worker"])
    url = f"/cases/{case.uuid}/perpetrators/"
    record_perpetrator(world, case)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(5):
        record_perpetrator(world, case, name=f"Водитель {n}")
    with CaptureQueriesContext(connection) as six:
        assert client.get(url).content.decode().count('class="item perpetrator"') == 6
    assert len(six) == len(one)


def test_the_shared_list_queries_do_not_grow_with_cases(world, signed_in):
    liaison = signed_in(world.a["law_enforcement_liaison"].user, world.a["law_enforcement_liaison"])
    first = open_diana(world.a["case_worker"])
    share(world, first)
    liaison.get("/perpetrators/shared/")
    with CaptureQueriesContext(connection) as one:
        liaison.get("/perpetrators/shared/")
    for _ in range(3):
        share(world, open_diana(world.a["case_worker"]))
    with CaptureQueriesContext(connection) as four:
        liaison.get("/perpetrators/shared/")
    assert len(four) == len(one)


def test_the_assessment_and_account_audit_name_fields_only(world, case):
    assessment = assess(world, case)
    account = record_account(world, case)
    fields = AuditEvent.objects.get(object_id=assessment.uuid, action="assessment.record").fields
    assert "contact_warning" in fields and "interpreter_language" in fields
    fields = AuditEvent.objects.get(object_id=account.uuid, action="account.record").fields
    assert set(fields) == set(STORY)  # told on, language, interpreter, the sections told
    assert ASSESSMENT["contact_warning"] not in repr(list(AuditEvent.objects.values()))
