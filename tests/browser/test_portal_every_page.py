"""Every page of the public portal, on a phone, in every language of the product: it renders with
no console error, no untranslated string and no serious or critical axe-core violation (WCAG 2.1
A and AA rules), fits the screen, and sends no request to another host. Screenshots are saved.

The pages are found in the portal's URLconf (every route without a parameter that answers a GET),
so a page added later is checked without touching this file.

Untranslated: a text of the page in Russian, Kazakh or Uzbek that is an English source string of
the catalogues (a msgid shown as is), or a longer text shown identically on the English page
(which catches default content left in English), bar what comes from data (organization and
agency names, numbers)."""

from __future__ import annotations

import re
from functools import lru_cache
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings as django_settings
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import trans_real
from playwright.sync_api import Browser, Page

from opennrm.accounts.models import Organization
from opennrm.portal.models_agencies import Agency
from tests.support.browser import fits, shot, watch
from tests.support.portal import portal_pages

PHONE = {"width": 390, "height": 844}
WORDS = re.compile(r"[^\W\d_]{2,}")
# The WCAG 2.1 A and AA rule sets of axe-core, and the best practices it runs beside them.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def texts(page: Page) -> list[str]:
    """The visible text nodes of the page, and the texts people meet without seeing them (the
    title, labels of controls, placeholders, alternative texts)."""
    return page.evaluate(
        """() => {
      const out = [document.title];
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      while (walker.nextNode()) {
        const node = walker.currentNode, parent = node.parentElement;
        if (!parent || parent.closest('script,style,[hidden],[aria-hidden=true]')) continue;
        const text = node.textContent.replace(/\\s+/g, ' ').trim();
        if (text) out.push(text);
      }
      for (const el of document.querySelectorAll('[aria-label],[placeholder],[alt],[title]')) {
        for (const a of ['aria-label', 'placeholder', 'alt', 'title']) {
          const v = el.getAttribute(a);
          if (v && v.trim()) out.push(v.replace(/\\s+/g, ' ').trim());
        }
      }
      for (const el of document.querySelectorAll('input[type=submit][value],button[value]')) {
        if (el.value) out.push(el.value.trim());
      }
      return out;
    }"""
    )


@lru_cache(maxsize=8)
def english_sources(language: str) -> frozenset[str]:
    """The English source strings that ``language`` translates otherwise (as shown, whitespace
    folded): one of them on the page is left untranslated. A word spelt the same in both
    ("Portal" in Uzbek) is not."""
    with translation.override(language):
        catalog = trans_real.translation(translation.get_language())._catalog
        return frozenset(
            " ".join(k.split())
            for k in catalog.keys()  # noqa: SIM118 - a TranslationCatalog, not a dict
            if isinstance(k, str) and k.strip() and catalog[k] != k
        )


def from_data() -> set[str]:
    """Texts the same in every language: records (organization and agency names) and the
    language switch, where each language is named in its own words."""
    names = set(Organization.objects.values_list("name", flat=True))
    names |= set(Agency.objects.values_list("name", flat=True))
    for code, _name in django_settings.LANGUAGES:
        info = translation.get_language_info(code)
        names |= {info["name_local"], info["name_local"].capitalize()}
    return names


def untranslated(
    shown: list[str], english: list[str], sources: frozenset[str], data: set[str]
) -> set[str]:
    same_as_english = {t for t in english if len(WORDS.findall(t)) >= 3}
    found = set()
    for text in shown:
        if not WORDS.search(text) or text in data or any(text in d for d in data):
            continue
        if text in sources or text in same_as_english:
            found.add(text)
    return found


def visit(browser: Browser, base: str, path: str, language: str, errors: list[str]) -> Page:
    context = browser.new_context(viewport=PHONE, locale="en-US", is_mobile=True)
    context.add_cookies(
        [{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base}]
    )
    outside: list[str] = []
    host = urlsplit(base).netloc

    def refuse_other_hosts(route):  # noqa: ANN001 - Playwright's Route
        if urlsplit(route.request.url).netloc not in (host, ""):
            outside.append(route.request.url)
            return route.abort()
        return route.continue_()

    context.route("**/*", refuse_other_hosts)
    page = watch(context.new_page(), errors)
    page.goto(base + path)
    assert not outside, f"{path} ({language}) asked other hosts: {outside}"
    return page


@pytest.mark.browser
def test_every_portal_page_in_every_language(
    live_server, settings, browser: Browser, screenshots: Path
) -> None:
    settings.DEMO_MODE = True
    call_command("load_demo", stdout=StringIO())
    hosting = Organization.objects.filter(name="Kazakhstan Trafficking Hotline").first()
    assert hosting is not None
    settings.OPENNRM_PORTAL_ORGANIZATION = str(hosting.uuid)
    pages = portal_pages()
    assert len(pages) >= 6, f"too few portal pages found: {pages}"
    data = from_data()
    axe = Axe()
    problems: list[str] = []
    english: dict[str, list[str]] = {}
    for code, _name in settings.LANGUAGES:
        for path in pages:
            errors: list[str] = []
            page = visit(browser, live_server.url, path, code, errors)
            with translation.override(code):
                assert page.locator("html").get_attribute("lang") == translation.get_language()
            shown = texts(page)
            if code == "en":
                english[path] = shown
            else:
                sources = english_sources(code)
                for text in sorted(untranslated(shown, english[path], sources, data)):
                    problems.append(f"{path} ({code}): untranslated {text!r}")
            result = axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
            for v in result.response["violations"]:
                if v["impact"] in ("serious", "critical"):
                    targets = [n["target"] for n in v["nodes"]][:3]
                    problems.append(f"{path} ({code}): axe {v['id']} ({v['impact']}) at {targets}")
            fits(page, PHONE["width"])
            name = path.strip("/").replace("/", "-") or "help"
            shot(page, screenshots / f"portal-{name}-{code}.png")
            problems.extend(f"{path} ({code}): {e}" for e in errors)
            page.context.close()
    assert not problems, "\n".join(problems)
