"""The national view: the organizations sharing under an agreement, consented cases only, a
person linked across organizations counted once, small cells suppressed, nothing that reaches a
person, a case number or a worker; the coordinator's analyst alone."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command
from django.utils import translation

from opennrm.accounts.models import Membership, Organization
from opennrm.accounts.permissions import Actor
from opennrm.cases import services as case_services
from opennrm.cases.models import Case
from opennrm.errors import NotFound
from opennrm.linkage.models_batch import LinkageRun, LinkageScope, LinkageStatus, PersonLink
from opennrm.stats import national, sharing
from opennrm.stats.tables import Table
from tests.support.matrix import Route, check, each

YEAR_2005 = (date(2005, 1, 1), date(2005, 12, 31))


def _row(table: Table, label: str) -> tuple[int | None, ...]:
    (row,) = [row for row in table.rows if row.label == label]
    return row.values


def _analyst(email: str = "analyst@demo.opennrm.org") -> Actor:
    membership = Membership.objects.get(user__email=email)
    return Actor.of(membership.user, membership)


@pytest.fixture
def demo(db, settings):
    settings.DEMO_MODE = True
    call_command("load_demo", verbosity=0)


def test_the_national_view_shows_tajikistan_41_then_93(demo) -> None:
    found = national.national_scope(actor=_analyst(), start=YEAR_2005[0], end=YEAR_2005[1])
    assert found.organizations == 4  # IOM Almaty, the hotline, IOM Türkiye, the Tajik NGO
    with translation.override("en"):
        table = national.cases_by_organization_country(found)
        assert table.columns == ("2004", "2005")
        assert _row(table, "Tajikistan") == (41, 93)
        # Suppressed as it leaves the organizations: the same counts, all above the threshold.
        sections = national.national_sections(found)
        (shown,) = [t for s in sections for t in s.tables if t.key == table.key]
        assert _row(shown, "Tajikistan")[:2] == (41, 93)


def _link(a: Case, b: Case) -> None:
    coordinator = Organization.objects.get(national_coordinator=True)
    run = LinkageRun.objects.create(
        scope=LinkageScope.NATIONAL, organization=coordinator, status=LinkageStatus.DONE
    )
    first, second = sorted([a, b], key=lambda c: c.person_id)
    PersonLink.objects.create(
        run=run,
        person_a_id=first.person_id,
        person_b_id=second.person_id,
        probability=0.99,
        organization_a_id=first.organization_id,
        organization_b_id=second.organization_id,
    )


def test_a_person_registered_at_two_organizations_and_linked_counts_once(demo) -> None:
    tajik = Organization.objects.get(country="TJ")
    iom = Organization.objects.get(name="IOM Kazakhstan, Almaty office")
    one = Case.objects.filter(organization=tajik, opened_on__year=2005).first()
    other = Case.objects.filter(organization=iom, opened_on__year=2005).first()
    assert one is not None and other is not None

    def people() -> int:
        found = national.national_scope(actor=_analyst(), start=YEAR_2005[0], end=YEAR_2005[1])
        with translation.override("en"):
            return sum(
                v or 0
                for row in national.queries.people_by_sex(found.scope).rows
                for v in row.values[:1]
            )

    before = people()
    _link(one, other)
    assert people() == before - 1
    found = national.national_scope(actor=_analyst(), start=YEAR_2005[0], end=YEAR_2005[1])
    assert found.linked_records == 1


def test_only_sharing_organizations_and_consented_cases_count(demo) -> None:
    analyst = _analyst()
    tajik = Organization.objects.get(country="TJ")
    found = national.national_scope(actor=analyst, start=YEAR_2005[0], end=YEAR_2005[1])
    assert tajik.pk in found.scope.organization_ids
    # A consent withdrawn: that case no longer counts.
    case = Case.objects.filter(organization=tajik, opened_on__year=2005).first()
    assert case is not None
    consent = case.consents.get(purpose="statistics")
    member = Membership.objects.get(user=case.owner, organization=tajik)
    case_services.consent_withdraw(
        actor=Actor.of(member.user, member), consent=consent, reason="She asked."
    )
    with translation.override("en"):
        assert _row(national.cases_by_organization_country(found), "Tajikistan")[1] == 92
    # The agreement withdrawn: the organization is no longer counted at all.
    admin = Membership.objects.get(user__email="directory@demo.opennrm.org", organization=tajik)
    agreement = sharing.sharing_agreements(actor=Actor.of(admin.user, admin)).get()
    sharing.sharing_withdraw(actor=Actor.of(admin.user, admin), agreement_id=agreement.uuid)
    later = national.national_scope(actor=analyst, start=YEAR_2005[0], end=YEAR_2005[1])
    assert tajik.pk not in later.scope.organization_ids


def test_the_analyst_reaches_no_person_case_number_or_worker(demo, client) -> None:
    from tests.conftest import sign_in

    membership = Membership.objects.get(user__email="analyst@demo.opennrm.org")
    page = sign_in(client, membership.user, membership)
    secrets = list(Case.objects.values_list("number", flat=True))
    workers = [
        m.user.full_name for m in Membership.objects.select_related("user") if m.user.full_name
    ]
    html = page.get("/stats/national/", {"preset": "year", "year": 2005}).content.decode()
    assert "Tajikistan" in html or "Таджикистан" in html
    found = national.national_scope(actor=_analyst(), start=YEAR_2005[0], end=YEAR_2005[1])
    keys = [t.key for s in national.national_sections(found) for t in s.tables]
    downloads = [
        page.get(
            "/stats/national/", {"preset": "year", "year": 2005, "download": key, "format": fmt}
        )
        for key in keys
        for fmt in ("csv", "xlsx")
    ]
    assert all(r.status_code == 200 for r in downloads)
    texts = [html] + [
        r.content.decode("utf-8-sig") for r in downloads if r["Content-Type"].startswith("text/csv")
    ]
    for text in texts:
        for number in secrets:
            assert number not in text
        for name in workers:
            assert name not in text
    assert "/cases/" not in html.split('class="mainnav"')[1].split("</nav>")[1]


def test_anyone_but_the_coordinator_s_analyst_gets_not_found(demo) -> None:
    other = Membership.objects.filter(role="supervisor").first()
    assert other is not None
    with pytest.raises(Exception):  # PermissionDenied: a supervisor has no national permission
        national.national_scope(
            actor=Actor.of(other.user, other), start=YEAR_2005[0], end=YEAR_2005[1]
        )


def _coordinator_a(world) -> str:
    world.org_a.national_coordinator = True
    world.org_a.save(update_fields=["national_coordinator"])
    return "/stats/national/"


ROUTES = [
    Route(
        "national",
        "get",
        _coordinator_a,
        frozenset({"data_analyst"}),
        sees=frozenset({"a:data_analyst"}),
    ),
]


@each(ROUTES)
def test_access(world, route, principal):
    check(world, route, principal)


def test_a_national_analyst_elsewhere_is_not_found(world) -> None:
    """B's analyst holds the national permission, but B is not the coordinator."""
    _coordinator_a(world)
    with pytest.raises(NotFound):
        national.national_scope(
            actor=world.actor(world.b["data_analyst"]), start=YEAR_2005[0], end=YEAR_2005[1]
        )


def test_the_national_api_gives_the_page_s_suppressed_tables(demo, client) -> None:
    from tests.conftest import sign_in

    membership = Membership.objects.get(user__email="analyst@demo.opennrm.org")
    api = sign_in(client, membership.user, membership)
    body = api.get("/api/v1/stats/national", {"year": 2005}).json()
    assert body["period"] == "2005"
    (table,) = [t for t in body["tables"] if t["key"] == "cases-by-organization-country"]
    assert [41, 93] in [row["values"][:2] for row in table["rows"]]
    text = str(body)
    for number in Case.objects.values_list("number", flat=True):
        assert number not in text
    refused = api.get("/api/v1/stats/national", {"year": 1999})
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["year"]


API_ROUTES = [
    Route(
        "national api",
        "get",
        lambda w: (_coordinator_a(w), "/api/v1/stats/national?year=2026")[1],
        frozenset({"data_analyst"}),
        sees=frozenset({"a:data_analyst"}),
    ),
    Route(
        "organization api",
        "get",
        lambda w: "/api/v1/stats/organization?year=2026",
        frozenset({"supervisor", "data_analyst"}),
    ),
]


@each(API_ROUTES)
def test_api_access(world, route, principal):
    check(world, route, principal)
