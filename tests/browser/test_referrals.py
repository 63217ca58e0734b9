"""The whole path of a referral, in a real Chromium.

A crisis-centre case worker records Diana's consent and refers her to IOM Almaty for legal and
medical assistance; IOM accepts, which opens its own case holding only the shared fields. The
dispensary receives a medical referral and sees only what was shared. IOM Türkiye refers a
woman's return to its partner in Tashkent, who accepts, records the return and the arrival: the
3-month reintegration follow-up appears as due. Screenshots in test-output/browser/.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from opennrm.accounts import services as accounts
from opennrm.accounts.models import Membership, OrganizationType, Role
from opennrm.accounts.permissions import Actor
from opennrm.cases import services as cases
from opennrm.referrals.models import Referral
from opennrm.returns.services import add_months
from tests.browser.test_case_flow import shot, signed_in_context
from tests.browser.test_login_language import watch
from tests.cases.factories import open_diana
from tests.conftest import PASSWORD

SECRETS = ("AA1234567", "+998", "Рустамовна", "Dilnoza")


def _organizations() -> dict[str, Membership]:
    """The organizations of the path, each with the member who acts for it."""
    admin = accounts.platform_admin_create(email="platform@example.org", password=PASSWORD)
    platform = Actor.of(admin, None)
    members = {}
    for key, name, org_type, country, city, role in [
        ("crisis", "Almaty Crisis Support Centre", OrganizationType.NGO, "KZ", "Almaty", "cw"),
        (
            "iom",
            "IOM Kazakhstan, Almaty office",
            OrganizationType.INTERNATIONAL,
            "KZ",
            "Almaty",
            "cw",
        ),
        (
            "clinic",
            "Almaty City HIV/AIDS Dispensary",
            OrganizationType.HEALTH_SERVICE,
            "KZ",
            "Almaty",
            "sp",
        ),
        ("turkey", "IOM Türkiye", OrganizationType.INTERNATIONAL, "TR", "Ankara", "cw"),
        ("tashkent", "Tashkent Reintegration Centre", OrganizationType.NGO, "UZ", "Tashkent", "cw"),
    ]:
        organization = accounts.organization_create(
            actor=platform, name=name, org_type=org_type, country=country, city=city
        )
        members[key] = accounts.membership_create(
            actor=platform,
            organization=organization,
            email=f"{key}@example.org",
            full_name=key.title(),
            role=Role.CASE_WORKER if role == "cw" else Role.SERVICE_PROVIDER,
            password=PASSWORD,
        )
    return members


def _inbox_open(page: Page, base: str, number: str) -> None:
    page.goto(base + "/referrals/")
    page.click(f"a:text-is('{number}')")
    page.wait_for_selector("#shared-fields")


@pytest.mark.browser
def test_referral_path(live_server, browser: Browser, screenshots: Path) -> None:
    members = _organizations()
    base = live_server.url
    errors: list[str] = []
    diana = open_diana(members["crisis"])
    viewport = {"width": 1280, "height": 900}

    # --- The crisis centre: Diana's consent, recorded on her case, then the referral.
    crisis = signed_in_context(browser, base, members["crisis"], viewport=viewport)
    page = watch(crisis.new_page(), errors)
    page.goto(f"{base}/cases/{diana.uuid}/consent/")
    page.select_option("#consent-purpose", "referral")
    page.select_option("#consent-method", "written")
    page.select_option("#consent-recipient_organization", label="IOM Kazakhstan, Almaty office")
    page.click("button:text-is('Record the consent')")
    expect(page.locator("#tab-consent tbody")).to_contain_text("IOM Kazakhstan, Almaty office")
    page.select_option("#consent-purpose", "referral")
    page.select_option("#consent-method", "written")
    page.select_option("#consent-recipient_type", "HealthServiceOrganisation")
    page.click("button:text-is('Record the consent')")
    expect(page.locator("#tab-consent tbody")).to_contain_text("Health service organisation")

    page.goto(f"{base}/cases/{diana.uuid}/")
    page.click("#case-referrals a:text-is('Refer')")
    page.wait_for_selector("#consent-state")
    # Without her consent, IOM Türkiye is refused, beside the organization chosen.
    page.select_option("#referral-to_organization", label="IOM Türkiye (Türkiye)")
    page.wait_for_load_state("networkidle")  # the form redraws for the receiver
    page.check("input[name=services_requested][value=Legal]")
    page.click("button:text-is('Send the referral')")
    expect(page.locator("#referral-to_organization_error")).to_contain_text("No consent in force")
    shot(page, screenshots / "referral-refused-without-consent.png")
    assert not Referral.objects.exists()

    page.select_option(
        "#referral-to_organization",
        label="IOM Kazakhstan, Almaty office (Kazakhstan) — consent on record",
    )
    page.wait_for_load_state("networkidle")  # the form redraws for the receiver
    page.select_option("#referral-reason", "AdditionalServicesRequired")
    page.check("input[name=services_requested][value=Medical]")
    for name in ("given_name", "family_name", "birth"):
        page.check(f"input[name=share_identifying][value={name}]")
    page.check("input[name=share_statistical][value=languages]")
    page.check("input[name=share_statistical][value=exploitation]")
    page.fill("#referral-note", "Needs a lawyer to restore her passport, and a medical check-up.")
    shot(page, screenshots / "referral-form.png")
    page.click("button:text-is('Send the referral')")
    # Sending writes the referral, its consent checks, notifications and audit events: on a
    # loaded CI machine with PostgreSQL it once took longer than the default 10 s.
    page.wait_for_selector("#referral-history", timeout=30_000)
    to_iom = Referral.objects.get()
    assert page.url == f"{base}/referrals/{to_iom.uuid}/"
    expect(page.locator("#referral-history")).to_contain_text("Sent")
    shot(page, screenshots / "referral-sent.png")

    # --- IOM Almaty: the inbox, the shared fields only, and acceptance opening its own case.
    iom = signed_in_context(browser, base, members["iom"], viewport=viewport)
    page = watch(iom.new_page(), errors)
    page.goto(base + "/referrals/")
    expect(page.locator("table.referral-table")).to_contain_text(to_iom.number)
    shot(page, screenshots / "referral-inbox.png")
    _inbox_open(page, base, to_iom.number)
    shared = page.inner_text("#shared-fields")
    assert "Диана" in shared and "Каримова" in shared and "born in 1977" in shared
    assert "Sexual exploitation" in shared
    for secret in SECRETS:
        assert secret not in page.content()
    page.click("button:text-is('Accept')")
    expect(page.locator(".messages")).to_contain_text("was opened with the shared fields")
    shot(page, screenshots / "referral-accepted.png")
    to_iom.refresh_from_db()
    assert to_iom.status == "accepted" and to_iom.to_case.organization.name.startswith("IOM")
    page.click(f"#referral-header a:text-is('{to_iom.to_case.number}')")
    page.wait_for_selector("#tab-person")
    person = page.inner_text("#tab-person")
    assert "Диана" in person and "AA1234567" not in person and "Рустамовна" not in person
    expect(page.locator("#case-referrals")).to_contain_text("This case came by referral")
    shot(page, screenshots / "referral-iom-case.png")
    iom.close()

    # --- The crisis centre sends a medical referral to the clinic (consent by type).
    page = watch(crisis.new_page(), errors)
    page.goto(f"{base}/referrals/from/{diana.uuid}/")
    page.select_option(
        "#referral-to_organization",
        label="Almaty City HIV/AIDS Dispensary (Kazakhstan) — consent on record",
    )
    page.wait_for_load_state("networkidle")  # the form redraws for the receiver
    page.check("input[name=services_requested][value=Medical]")
    page.select_option("#referral-urgency", "urgent")
    page.check("input[name=share_identifying][value=given_name]")
    page.fill("#referral-note", "Check-up; she speaks Uzbek and Russian.")
    page.click("button:text-is('Send the referral')")
    page.wait_for_selector("#referral-history")
    to_clinic = Referral.objects.get(to_organization__name__startswith="Almaty City")
    assert to_clinic.shared_fields == ["given_name", "citizenship", "gender", "age_band"]
    page.goto(f"{base}/cases/{diana.uuid}/")
    expect(page.locator("#case-referrals")).to_contain_text(to_clinic.number)
    shot(page, screenshots / "referral-case-outbox.png")
    crisis.close()

    # --- The clinic: no access to cases; it works from the referral, with the shared fields.
    clinic = signed_in_context(browser, base, members["clinic"], viewport=viewport)
    page = watch(clinic.new_page(), errors)
    _inbox_open(page, base, to_clinic.number)
    shared = page.inner_text("#shared-fields")
    assert "Диана" in shared and "Urgent" in page.inner_text("#referral-header")
    for secret in ("Каримова", "1977", "Sexual exploitation", *SECRETS):
        assert secret not in page.content(), secret
    assert diana.number not in page.content()
    page.click("button:text-is('Accept')")
    expect(page.locator(".messages")).to_contain_text("The referral was accepted.")
    shot(page, screenshots / "referral-clinic.png")
    page.fill("#complete-outcome", "Examined; treatment started.")
    page.click("button:text-is('Mark completed')")
    expect(page.locator("#referral-header")).to_contain_text("Completed")
    clinic.close()

    # --- IOM Türkiye refers a return to the partner in Tashkent.
    turkey_actor = Actor.of(members["turkey"].user, members["turkey"])
    returnee = cases.case_open(
        actor=turkey_actor,
        person={
            "given_name": "Shakhnoza",
            "family_name": "Tursunova",
            "birth_year": 1998,
            "gender": "Feminine",
            "citizenship": "UZ",
            "languages": ["uz", "ru"],
        },
        exploitation_types=["SexualExploitation"],
        country_of_origin="UZ",
        country_of_exploitation="TR",
    )
    cases.consent_record(
        actor=turkey_actor,
        case=returnee,
        purpose="referral",
        method="written",
        recipient_organization=members["tashkent"].organization,
    )
    turkey = signed_in_context(browser, base, members["turkey"], viewport=viewport)
    page = watch(turkey.new_page(), errors)
    page.goto(f"{base}/cases/{returnee.uuid}/")
    page.click("#case-referrals a:text-is('Refer')")
    page.select_option(
        "#referral-to_organization",
        label="Tashkent Reintegration Centre (Uzbekistan) — consent on record",
    )
    page.wait_for_load_state("networkidle")  # the form redraws for the receiver
    page.select_option("#referral-reason", "MigrationOrChangeOfLocation")
    page.check("input[name=services_requested][value=ReturnTravel]")
    page.check("input[name=services_requested][value=Reintegration]")
    page.check("input[name=share_identifying][value=given_name]")
    page.check("input[name=share_identifying][value=family_name]")
    page.fill("#referral-note", "Flies Istanbul – Tashkent; please meet her.")
    page.click("button:text-is('Send the referral')")
    page.wait_for_selector("#referral-history")
    to_tashkent = Referral.objects.get(to_organization__country="UZ")
    assert to_tashkent.from_organization.country == "TR"
    turkey.close()

    tashkent = signed_in_context(browser, base, members["tashkent"], viewport=viewport)
    page = watch(tashkent.new_page(), errors)
    _inbox_open(page, base, to_tashkent.number)
    assert "Tursunova" in page.inner_text("#shared-fields")
    page.click("button:text-is('Accept')")
    expect(page.locator(".messages")).to_contain_text("was opened with the shared fields")
    to_tashkent.refresh_from_db()
    their_case = to_tashkent.to_case
    # The return and the reception at arrival, about three months ago.
    today = timezone.localdate()
    arrived = add_months(today, -3) + timedelta(days=7)
    page.goto(f"{base}/returns/cases/{their_case.uuid}/")
    page.select_option("select[name=document_type]", "return_certificate")
    page.fill("input[name=document_number]", "RC-2026-555")
    page.fill("input[name=travel_date]", arrived.isoformat())
    page.select_option("select[name=destination_country]", "UZ")
    page.fill("input[name=destination_city]", "Tashkent")
    page.fill("input[name=route]", "Istanbul – Tashkent by air")
    page.select_option(
        "select[name=receiving_organization]",
        label="Tashkent Reintegration Centre (Uzbekistan, Tashkent)",
    )
    page.click("button:text-is('Record the return')")
    page.wait_for_selector("#arrival")
    page.fill("#arrival input[name=arrived_on]", arrived.isoformat())
    page.fill("#arrival input[name=received_by]", "The centre's reception team")
    page.click("button:text-is('Save the arrival')")
    expect(page.locator("#follow-up-3")).to_contain_text("3 months")
    page.goto(base + "/returns/follow-ups/")
    due = page.inner_text("#upcoming")
    assert their_case.number in due and "3 months" in due
    shot(page, screenshots / "referral-return-follow-up-due.png")
    tashkent.close()
    assert not errors, errors
