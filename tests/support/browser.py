"""Helpers of the browser tests (tests/browser/): a signed-in context, the console watcher,
screenshots and the width check. Playwright is imported here only, so the rest of tests/support
stays free of it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Response

from opennrm.accounts.models import Membership
from tests.conftest import sign_in


def signed_in_context(
    browser: Browser, base_url: str, membership: Membership, **kw: Any
) -> BrowserContext:
    """A browser context holding a signed-in, two-factor-verified session of ``membership``
    (English unless ``locale`` is given)."""
    client = sign_in(Client(), membership.user, membership)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    kw.setdefault("locale", "en-US")
    context: BrowserContext = browser.new_context(**kw)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base_url}])
    context.add_init_script(SETTLE_BEFORE_SUBMIT)
    return context


# A test types and submits faster than a person: a form submitted while htmx still asks the
# server something (the duplicate check as the name is typed) would reach the live server's
# in-memory SQLite at the same moment, whose shared cache locks tables instead of waiting
# ("database table is locked"). A person cannot hit this on a file or PostgreSQL database, which
# wait for the lock; the test's browser waits for htmx to settle before it submits.
SETTLE_BEFORE_SUBMIT = """
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form.dataset.settled || !document.querySelector(".htmx-request")) return;
  event.preventDefault();
  event.stopImmediatePropagation();
  const submitter = event.submitter;
  const wait = () => {
    if (document.querySelector(".htmx-request")) { setTimeout(wait, 25); return; }
    form.dataset.settled = "1";
    form.requestSubmit(submitter || undefined);
  };
  wait();
}, true);
"""


def watch(page: Page, errors: list[str]) -> Page:
    """Collect console errors, script errors and failed responses (the browser's own
    /favicon.ico request aside: the app has no favicon)."""

    def on_console(m: ConsoleMessage) -> None:
        if m.type == "error" and not m.location.get("url", "").endswith("/favicon.ico"):
            errors.append(f"{m.text} {m.location.get('url')}")

    def on_response(r: Response) -> None:
        if r.status >= 400:
            errors.append(f"{r.status} {r.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("response", on_response)
    page.set_default_timeout(10_000)
    return page


def shot(page: Page, path: Path) -> None:
    # caret="initial": Playwright's default hides the caret by setting style attributes, which
    # htmx then copies onto swapped-in elements and the CSP (rightly) refuses.
    page.screenshot(path=path, full_page=True, caret="initial")


def fits(page: Page, width: int) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url} is {scroll} CSS px wide on a {width} px screen"
