"""A demo case worker signs in, sees the demo banner and organization, and switches to Russian."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation
from playwright.sync_api import Browser, Page

from opennrm.accounts.demo import DEMO_PASSWORD
from opennrm.accounts.models import User
from opennrm.accounts.selectors import membership_list_for_user
from tests.support.browser import watch

EMAIL = "caseworker@demo.opennrm.org"


def sign_in(page: Page, base_url: str) -> None:
    if not page.url.endswith("/accounts/login/"):
        page.goto(base_url + "/accounts/login/")
    page.fill("input[name=username]", EMAIL)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form:has(input[name=password]) button[type=submit]")
    page.wait_for_url(base_url + "/")


@pytest.mark.browser
def test_demo_login_and_russian(live_server, settings, browser: Browser, screenshots: Path) -> None:
    settings.DEMO_MODE = True
    call_command("load_demo", stdout=StringIO())
    user = User.objects.get(email=EMAIL)
    organization = next(iter(membership_list_for_user(user=user))).organization.name
    with translation.override("ru"):
        home_ru = translation.gettext("Home")
    assert home_ru != "Home", "no Russian for 'Home' in locale/ru (is the .mo compiled?)"

    errors: list[str] = []
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-US")
    page = watch(context.new_page(), errors)

    page.goto(live_server.url + "/accounts/login/")
    page.screenshot(path=screenshots / "login.png", full_page=True)
    sign_in(page, live_server.url)

    assert page.locator(".demo-banner").is_visible()
    assert organization in page.inner_text("main")
    assert page.locator("nav.mainnav a").first.inner_text() == "Home"
    page.screenshot(path=screenshots / "home-en.png", full_page=True)

    page.select_option("#language-switch", "ru")
    page.click("form:has(#language-switch) button[type=submit]")
    page.wait_for_selector("html[lang=ru]")
    assert page.get_attribute("html", "lang") == "ru"
    nav = page.locator("nav.mainnav a").all_inner_texts()
    assert "Home" not in nav
    assert home_ru in nav
    assert page.locator(".demo-banner").is_visible()
    page.screenshot(path=screenshots / "home-ru.png", full_page=True)

    phone = browser.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
        storage_state=context.storage_state(),
    )
    phone_page = watch(phone.new_page(), errors)
    phone_page.goto(live_server.url + "/")
    assert phone_page.get_attribute("html", "lang") == "ru"
    phone_page.screenshot(path=screenshots / "home-ru-phone.png", full_page=True)
    phone.close()
    context.close()
    assert not errors, errors


@pytest.mark.browser
@pytest.mark.parametrize("language", ["en", "ru"])
def test_phone_home_fits_without_sideways_scrolling(
    live_server, settings, browser: Browser, language: str
) -> None:
    settings.DEMO_MODE = True
    call_command("load_demo", stdout=StringIO())
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    page = context.new_page()
    sign_in(page, live_server.url)
    width = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert width <= 390, f"the {language} home page is {width} CSS px wide on a 390 px phone"
