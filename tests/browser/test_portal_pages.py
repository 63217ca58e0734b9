"""The portal's own pages on a phone (390x844) in every language, with no console error, no
sideways scrolling and no English left in the shell; and the quick exit, with and without
JavaScript, leaving no portal page to go back to."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Route

from opennrm.directory import services as directory
from tests.conftest import build_world
from tests.support.browser import fits, shot, watch

PHONE = {"width": 390, "height": 844}
PAGES = {
    "home": "/help/",
    "advice": "/help/advice/",
    "numbers": "/help/numbers/",
    "safe-browsing": "/help/safe-browsing/",
}
EXIT = "https://www.google.com/"
# The shell's English words a translated page must not show.
ENGLISH = (
    "Quick exit",
    "Help numbers",
    "Check a job offer",
    "Browse safely",
    "Advice before you go",
)


def _numbers() -> None:
    world = build_world()
    admin = world.actor(world.b["organization_admin"])
    directory.hotline_number_create(
        actor=admin,
        country="UZ",
        number="+998712345678",
        languages=["uz", "ru"],
        hours="24/7",
        free_of_charge=True,
    )
    directory.hotline_number_create(
        actor=admin,
        country="KZ",
        number="+77001112233",
        languages=["kk", "ru"],
        hours="09:00-18:00",
    )


def _patient(page: Page) -> Page:
    # A loaded two-core machine (the lead's benchmarks) takes more than watch()'s 10 s at times.
    page.set_default_timeout(60_000)
    return page


def _stub_exit(page: Page) -> None:
    """No network here: the neutral site is a local stub page."""

    def fulfil(route: Route) -> None:
        route.fulfill(
            status=200, content_type="text/html", body="<!doctype html><title>Search</title>Search"
        )

    page.route(EXIT + "**", fulfil)


@pytest.mark.browser
@pytest.mark.parametrize("language", ["en", "ru", "kk", "uz-latn"])
def test_every_page_on_a_phone(live_server, browser: Browser, screenshots: Path, language) -> None:
    _numbers()
    errors: list[str] = []
    context = browser.new_context(viewport=PHONE, locale="en-US")
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = _patient(watch(context.new_page(), errors))
    for name, path in PAGES.items():
        page.goto(live_server.url + path)
        assert page.get_attribute("html", "lang") == language
        assert page.locator("#quick-exit").is_visible()
        assert page.locator("h1").count() == 1
        assert not page.locator("a[href*='/accounts/']").count()
        fits(page, PHONE["width"])
        if language != "en":
            shell = (
                page.inner_text("header") + page.inner_text("nav") + page.inner_text(".exit-bar")
            )
            left = [w for w in ENGLISH if w in shell]
            assert not left, f"{path} in {language}: {left}"
        shot(page, screenshots / f"portal-{name}-{language}.png")
    page.goto(live_server.url + "/help/numbers/")
    assert page.locator("a[href='tel:+998712345678']").count() == 1
    # The language switch is a plain form: Russian from any language, no script needed.
    page.click("form.portal-languages button[value=ru]")
    page.wait_for_selector("html[lang=ru]")
    assert "Телефоны помощи" in page.inner_text("h1")
    context.close()
    assert not errors, errors


@pytest.mark.browser
def test_the_desktop_view(live_server, browser: Browser, screenshots: Path) -> None:
    errors: list[str] = []
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-US")
    page = _patient(watch(context.new_page(), errors))
    for name in ("home", "advice"):
        page.goto(live_server.url + PAGES[name])
        shot(page, screenshots / f"portal-{name}-desktop.png")
    context.close()
    assert not errors, errors


@pytest.mark.browser
def test_quick_exit_replaces_the_page(live_server, browser: Browser) -> None:
    errors: list[str] = []
    context = browser.new_context(viewport=PHONE, locale="en-US")
    page = _patient(watch(context.new_page(), errors))
    _stub_exit(page)
    page.goto(live_server.url + "/help/advice/")
    before = page.evaluate("history.length")
    page.click("#quick-exit")
    page.wait_for_url(EXIT)
    assert page.evaluate("history.length") == before, "the exit added a history entry"
    page.go_back()
    assert "/help/" not in page.url, "back returned to the portal"

    # Escape three times leaves too.
    page.goto(live_server.url + "/help/safe-browsing/")
    page.wait_for_load_state()
    before = page.evaluate("history.length")
    for _ in range(3):
        page.keyboard.press("Escape")
    page.wait_for_url(EXIT)
    assert page.evaluate("history.length") == before
    context.close()
    assert not errors, errors


@pytest.mark.browser
def test_quick_exit_without_javascript(live_server, browser: Browser) -> None:
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = _patient(context.new_page())
    _stub_exit(page)
    page.goto(live_server.url + "/help/")
    page.click("#quick-exit")
    page.wait_for_url(EXIT)
    assert page.title() == "Search"
    context.close()
