"""Background jobs through the database backend, the demo scenario, and the security headers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client

from opennrm.accounts.models import Membership, Organization, Role, User
from opennrm.accounts.tasks import send_email
from opennrm.audit.models import AuditEvent
from opennrm.audit.services import audit_verify
from opennrm.cases.fields import has
from opennrm.cases.models import Case, Service

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db(transaction=True)
def test_database_backend_queues_and_the_worker_runs_the_job(settings):
    # django-tasks rebuilds its backends when the setting changes.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from django_tasks_db.models import DBTaskResult

    result = send_email.enqueue(subject="hello", body="a queued message", to=["worker@example.org"])
    assert DBTaskResult.objects.filter(id=result.id, status="READY").exists()
    assert mail.outbox == []
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    # A finished job leaves no row behind (opennrm.accounts.tasks.forget_finished_task).
    assert not DBTaskResult.objects.filter(id=result.id).exists()
    assert [m.to for m in mail.outbox] == [["worker@example.org"]]


def test_load_demo_refuses_outside_demo_mode(db):
    with pytest.raises(CommandError, match="OPENNRM_DEMO_MODE"):
        call_command("load_demo")


def test_load_demo_builds_the_scenario_through_services_once(db, settings, capsys):
    settings.DEMO_MODE = True
    call_command("load_demo")
    assert Organization.objects.count() == 10
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    assert User.objects.filter(is_demo=True).count() == 15
    assert AuditEvent.objects.filter(action="organization.create").count() == 10
    memberships = Membership.objects.count()
    assert AuditEvent.objects.filter(action="membership.create").count() == memberships
    assert AuditEvent.objects.filter(action="case.open").count() == Case.objects.count()
    out = capsys.readouterr().out
    assert "caseworker@demo.opennrm.org" in out and "opennrm-demo-2026" in out
    call_command("load_demo")  # idempotent
    assert Organization.objects.count() == 10
    assert audit_verify().ok


def test_demo_cases_answer_the_scenario_figures(db, settings):
    settings.DEMO_MODE = True
    call_command("load_demo")
    in_2005 = Case.objects.filter(opened_on__year=2005)
    iom = in_2005.filter(organization__name="IOM Kazakhstan, Almaty office")
    assert iom.count() == 49
    assert iom.filter(person__gender="Feminine").count() == 38
    assert iom.filter(person__citizenship="UZ").count() == 16
    tajik = Case.objects.filter(organization__country="TJ")
    assert tajik.filter(opened_on__year=2004).count() == 41
    assert tajik.filter(opened_on__year=2005).count() == 93
    women_sexual = tajik.filter(opened_on__year=2005, person__gender="Feminine").filter(
        has("exploitation_types", "SexualExploitation")
    )
    assert women_sexual.count() == 90
    returns = Service.objects.filter(
        service_type="ReturnTravel", case__organization__name="IOM Türkiye"
    )
    assert returns.count() == 220
    assert returns.filter(destination_country__in=["KZ", "KG", "TM", "UZ"]).count() == 40
    dispensary = Service.objects.filter(
        service_type="Medical", provider__name="Almaty City HIV/AIDS Dispensary"
    )
    assert dispensary.filter(case__person__citizenship="UZ").count() == 17
    diana = Case.objects.get(city_of_exploitation="Almaty")  # only Diana's names the city
    assert diana.trafficking_status == "ActualVictimOfTrafficking"
    assert diana.decisions.filter(state="approved").count() == 2
    assert diana.consents.count() == 4 and diana.services.count() == 4
    assert diana.events.count() == 3 and diana.notes.count() == 1


def test_security_headers_on_every_page(db):
    response = Client().get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_templates_have_no_inline_script_or_event_handlers():
    for template in (ROOT / "opennrm").rglob("*.html"):
        text = template.read_text()
        for match in re.finditer(r"<script\b[^>]*>", text):
            assert "src=" in match.group(0), f"inline script in {template}"
        assert not re.search(r"\son[a-z]+=", text), f"inline event handler in {template}"
        assert "style=" not in text, f"inline style in {template}"


def test_htmx_is_vendored_and_no_page_uses_a_cdn():
    assert (ROOT / "opennrm/static/opennrm/htmx-2.0.8.min.js").stat().st_size > 40_000
    for template in (ROOT / "opennrm").rglob("*.html"):
        assert "https://" not in template.read_text(), f"external URL in {template}"
