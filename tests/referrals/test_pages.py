"""The referral pages: the form with the consent state, errors beside the fields, the override,
the anonymous form, inbox and outbox with overdue flags, the supervisor's view, the figures,
and the overdue command and task."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from opennrm.audit.models import AuditEvent
from opennrm.notifications.models import Notification
from opennrm.referrals.models import Referral
from opennrm.referrals.tasks import notify_overdue_referrals
from tests.cases.factories import open_diana
from tests.conftest import World, sign_in
from tests.referrals.factories import consent_to, diana_consenting, police, send
from tests.support.matrix import client_for


def form(world: World, **changes) -> dict:
    data = {
        "to_organization": str(world.org_b.uuid),
        "reason": "AdditionalServicesRequired",
        "services_requested": ["Legal", "Medical"],
        "urgency": "urgent",
        "share_identifying": ["given_name"],
        "share_statistical": ["citizenship", "gender", "age_band"],
        "note": "Needs a lawyer.",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_the_form_shows_the_consent_and_preselects_the_minimum(world: World) -> None:
    case = diana_consenting(world)
    html = client_for(world, "a:case_worker").get(f"/referrals/from/{case.uuid}/").content.decode()
    assert "Hotline B (Uzbekistan) — consent on record" in html
    assert 'id="consent-state"' in html and "In force" in html
    for name in ("citizenship", "gender", "age_band"):
        assert f'value="{name}" id="referral-share_statistical_' in html
    assert html.count("checked") == 3
    assert 'name="override_reason"' not in html  # a case worker cannot override


def test_sending_through_the_form(world: World) -> None:
    case = diana_consenting(world)
    response = client_for(world, "a:case_worker").post(f"/referrals/from/{case.uuid}/", form(world))
    referral = Referral.objects.get()
    assert response["Location"] == f"/referrals/{referral.uuid}/"
    assert referral.shared_fields == ["given_name", "citizenship", "gender", "age_band"]
    assert referral.urgency == "urgent" and referral.deadline - referral.sent_at == timedelta(
        hours=2
    )


def test_no_consent_is_said_beside_the_organization(world: World) -> None:
    case = open_diana(world.a["case_worker"])
    response = client_for(world, "a:case_worker").post(f"/referrals/from/{case.uuid}/", form(world))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "No consent in force covers referral to Hotline B" in errors["to_organization"][0]
    assert "No referral consent is in force for this case." in response.content.decode()
    assert not Referral.objects.exists()


def test_a_supervisor_overrides_with_a_reason(world: World) -> None:
    case = open_diana(world.a["case_worker"])
    supervisor = client_for(world, "a:supervisor")
    assert (
        'name="override_reason"' in supervisor.get(f"/referrals/from/{case.uuid}/").content.decode()
    )
    reason = "Immediate danger; she cannot be asked now."
    response = supervisor.post(f"/referrals/from/{case.uuid}/", form(world, override_reason=reason))
    referral = Referral.objects.get()
    assert response.status_code == 302 and referral.overridden_by == world.a["supervisor"].user
    assert AuditEvent.objects.filter(action="referral.override_consent").count() == 1
    html = supervisor.get("/referrals/attention/").content.decode()
    assert referral.number in html and "Without consent" in html
    html = supervisor.get(f"/referrals/{referral.uuid}/").content.decode()
    assert "Sent without consent" in html and reason in html
    # B is told it came without consent, but not A's reason.
    html = client_for(world, "b:case_worker").get(f"/referrals/{referral.uuid}/").content.decode()
    assert "Sent without consent" in html and reason not in html


def test_a_case_worker_posting_an_override_is_refused(world: World) -> None:
    case = open_diana(world.a["case_worker"])
    response = client_for(world, "a:case_worker").post(
        f"/referrals/from/{case.uuid}/", form(world, override_reason="Because.")
    )
    # The field is not on a case worker's form: the override is ignored, consent still missing.
    assert response.status_code == 200 and "to_organization" in response.context["form"].errors
    assert not Referral.objects.exists()


def test_the_anonymous_form_offers_no_identifying_field(world: World) -> None:
    case = open_diana(world.a["case_worker"])
    unit, liaison = police(world)
    worker = client_for(world, "a:case_worker")
    html = worker.get(f"/referrals/from/{case.uuid}/anonymous/").content.decode()
    assert 'name="share_identifying"' not in html and 'name="note"' not in html
    assert "Police Unit P" in html and "Hotline B" not in html
    response = worker.post(
        f"/referrals/from/{case.uuid}/anonymous/",
        {
            "to_organization": str(unit.uuid),
            "reason": "Other",
            "urgency": "normal",
            "share_statistical": ["gender", "exploitation"],
            "share_identifying": ["given_name"],  # not a field of this form: ignored
        },
    )
    referral = Referral.objects.get()
    assert response.status_code == 302 and referral.kind == "anonymous"
    assert referral.shared_fields == ["gender", "exploitation"]
    police_client = sign_in(Client(), liaison.user, liaison)
    html = police_client.get(f"/referrals/{referral.uuid}/").content.decode()
    assert "Sexual exploitation" in html and "Диана" not in html


def test_decline_without_a_reason_is_shown_beside_the_field(world: World) -> None:
    referral = send(world, diana_consenting(world))
    response = client_for(world, "b:service_provider").post(
        f"/referrals/{referral.uuid}/decline/", {"reason": ""}
    )
    assert response.status_code == 200
    assert response.context["decline_form"].errors["reason"]
    referral.refresh_from_db()
    assert referral.status == "pending"


def test_accept_through_the_page_opens_b_case(world: World) -> None:
    referral = send(world, diana_consenting(world))
    b = client_for(world, "b:case_worker")
    response = b.post(f"/referrals/{referral.uuid}/accept/")
    referral.refresh_from_db()
    assert response.status_code == 302 and referral.to_case is not None
    html = b.get(f"/referrals/{referral.uuid}/").content.decode()
    assert referral.to_case.number in html and "Mark completed" in html
    case_page = b.get(f"/cases/{referral.to_case.uuid}/").content.decode()
    assert f"This case came by referral {referral.number} from Crisis Centre A." in case_page


def test_overdue_is_flagged_on_both_sides(world: World) -> None:
    case = diana_consenting(world)
    late = send(world, case, urgency="urgent")
    send(world, case)
    Referral.objects.filter(pk=late.pk).update(deadline=timezone.now() - timedelta(minutes=5))
    for org, url in (("a", "/referrals/sent/"), ("b", "/referrals/")):
        html = client_for(world, f"{org}:supervisor").get(url).content.decode()
        assert html.count("Overdue</span>") == 1, org
        html = client_for(world, f"{org}:supervisor").get("/referrals/attention/").content.decode()
        assert late.number in html and html.count("<tr>") == 2  # the head and the late one
    html = client_for(world, "a:case_worker").get(f"/cases/{case.uuid}/").content.decode()
    assert "Overdue</span>" in html.split('id="case-referrals"')[1]


def test_the_inbox_reads_a_constant_number_of_queries(world: World) -> None:
    case = diana_consenting(world)
    b = client_for(world, "b:case_worker")
    send(world, case)
    with CaptureQueriesContext(connection) as one:
        b.get("/referrals/")
    for _ in range(5):
        send(world, case)
    with CaptureQueriesContext(connection) as six:
        b.get("/referrals/")
    assert len(six) == len(one)


@pytest.mark.parametrize("run", ["command", "task"])
def test_overdue_notices_run_once_per_referral(world: World, run: str, capsys) -> None:
    referral = send(world, diana_consenting(world), urgency="urgent")
    Referral.objects.filter(pk=referral.pk).update(deadline=timezone.now() - timedelta(hours=1))
    for expected in (1, 0):
        if run == "command":
            call_command("referrals_notify_overdue")
            assert f"{expected} overdue referral(s) notified." in capsys.readouterr().out
        else:
            assert notify_overdue_referrals.enqueue().return_value == expected
    notices = Notification.objects.filter(kind="referral.overdue")
    assert set(notices.values_list("organization", flat=True)) == {world.org_a.pk, world.org_b.pk}
    assert all("Диана" not in n.text for n in notices)


def test_a_referral_to_a_consented_type_shows_on_the_form(world: World) -> None:
    case = open_diana(world.a["case_worker"])
    unit, _liaison = police(world)
    consent_to(world, case, unit)
    html = client_for(world, "a:case_worker").get(f"/referrals/from/{case.uuid}/").content.decode()
    assert "Police Unit P (Kazakhstan) — consent on record" in html
    assert "Hotline B (Uzbekistan)</option>" in html
