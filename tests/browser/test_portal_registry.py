"""On a phone: the job-offer check on Diana's offer, in English and Russian, shows each of its
warning signs; the agency lookup finds a licensed agency and explains a name it does not find.
Console errors fail; screenshots in test-output/browser/."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import translation
from playwright.sync_api import Browser, Page

from opennrm.accounts import services
from opennrm.accounts.models import OrganizationType, Role
from opennrm.accounts.permissions import Actor
from opennrm.portal import agencies, job_offer
from tests.conftest import PASSWORD
from tests.support.browser import fits, shot, signed_in_context, watch

PHONE = {"width": 390, "height": 844}
# Diana's offer: see tests/portal/test_job_offer.py.
DIANA_CHOICES = {
    "who": "acquaintance",
    "abroad": "yes",
    "wage": "no",
    "travel": "recruiter",
    "passport": "yes",
}
DIANA_SIGNS = ["informal_recruiter", "travel_paid", "passport_kept", "job_abroad"]


def _regulator() -> Actor:
    platform = Actor.of(
        services.platform_admin_create(email="p@example.org", password=PASSWORD), None
    )
    ministry = services.organization_create(
        actor=platform,
        name="Ministry of Labour",
        org_type=OrganizationType.CENTRAL_GOVERNMENT,
        country="KZ",
        city="Astana",
    )
    membership = services.membership_create(
        actor=platform,
        organization=ministry,
        email="regulator@example.org",
        full_name="Regulator",
        role=Role.REGULATOR,
        password=PASSWORD,
    )
    return Actor.of(membership.user, membership)


def _check_diana(page: Page, base: str, language: str, screenshots: Path) -> None:
    page.goto(base + "/help/job-offer/")
    for name, value in DIANA_CHOICES.items():
        page.check(f"input[name={name}][value={value}]")
    page.locator(".job-offer-form button[type=submit]").click()
    page.wait_for_selector(".job-offer-result")
    with translation.override(language):
        for key in DIANA_SIGNS:
            sign = next(s for s in job_offer.SIGNS if s.key == key)
            item = page.locator(f"#sign-{key}")
            assert item.is_visible(), key
            assert str(sign.title) in item.inner_text(), (language, key)
            assert str(sign.what_to_do) in item.inner_text(), (language, key)
            if language != "en":
                with translation.override("en"):
                    english = str(sign.title)
                assert str(sign.title) != english, f"{key}: not in {language}"
    assert page.locator(".signs > li").count() == len(DIANA_SIGNS)
    fits(page, PHONE["width"])
    shot(page, screenshots / f"portal-job-offer-diana-{language}.png")


@pytest.mark.browser
def test_job_offer_and_agency_lookup_on_a_phone(live_server, browser: Browser, screenshots: Path):
    regulator = _regulator()
    agencies.agency_create(
        actor=regulator,
        data={
            "name": "ТОО «Ориент-Тур»",
            "licence_number": "KZ-0012",
            "kind": "travel",
            "status": "active",
            "valid_until": "2030-06-30",
            "issuing_authority": "Ministry of Labour and Social Protection",
        },
    )
    base = live_server.url
    for language, locale in (("en", "en-US"), ("ru", "ru-RU")):
        errors: list[str] = []
        context = browser.new_context(viewport=PHONE, locale=locale, is_mobile=True)
        page = watch(context.new_page(), errors)
        page.set_default_timeout(30_000)  # a loaded CI machine: the first page may be slow
        page.goto(base + "/help/job-offer/")
        shot(page, screenshots / f"portal-job-offer-form-{language}.png")
        _check_diana(page, base, language, screenshots)
        assert not errors, errors
        context.close()

    errors = []
    context = browser.new_context(viewport=PHONE, locale="en-US", is_mobile=True)
    page = watch(context.new_page(), errors)
    page.set_default_timeout(30_000)
    page.goto(base + "/help/agencies/")
    page.fill("#agency-q", "orient tur")
    page.locator(".agency-search button").click()
    page.wait_for_selector(".agency-results")
    result = page.locator(".agency-results li").first.inner_text()
    assert "ТОО «Ориент-Тур»" in result and "Licensed until" in result
    assert "KZ-0012" in result
    fits(page, PHONE["width"])
    shot(page, screenshots / "portal-agency-found.png")
    page.fill("#agency-q", "Golden Future Abroad")
    page.locator(".agency-search button").click()
    page.wait_for_selector(".not-found")
    assert "No licensed agency found" in page.inner_text(".not-found")
    shot(page, screenshots / "portal-agency-not-found.png")
    page.goto(base + "/help/agencies/?q=" + "x" * 10_000)
    assert "That is too long to search" in page.inner_text("main")
    assert not errors, errors
    context.close()

    # The regulator's pages, on a desktop: preview an import, confirm it, see the registry.
    errors = []
    assert regulator.membership is not None
    context = signed_in_context(
        browser, base, regulator.membership, viewport={"width": 1280, "height": 800}
    )
    page = watch(context.new_page(), errors)
    page.set_default_timeout(30_000)
    page.goto(base + "/registry/")
    page.set_input_files(
        "input[name=file]",
        files=[
            {
                "name": "registry.csv",
                "mimeType": "text/csv",
                "buffer": (
                    "name;licence_number;kind;status;valid_until;issuing_authority\n"
                    "Silk Road Jobs;KZ-0099;recruitment;active;31.12.2029;Ministry of Labour\n"
                    "ТОО «Ориент-Тур»;KZ-0012;travel;revoked;30.06.2030;Ministry of Labour\n"
                ).encode(),
            }
        ],
    )
    page.locator("form[enctype] button[type=submit]").click()
    page.wait_for_selector("#import-preview")
    assert "1 to add, 1 to change, 0 unchanged" in page.inner_text("#import-preview")
    shot(page, screenshots / "registry-import-preview.png")
    page.locator("#import-preview button[type=submit]").click()
    page.wait_for_selector("#agencies")
    assert "Silk Road Jobs" in page.inner_text("#agencies")
    shot(page, screenshots / "registry-list.png")
    assert not errors, errors
    context.close()
