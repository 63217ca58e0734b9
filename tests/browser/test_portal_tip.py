"""A person sends a tip in Russian from a phone, anonymously; the hosting organization's hotline
operator finds it in the queue. The browser keeps no cookie of the portal, and the page is no
wider than the phone. Screenshots go to test-output/browser/portal-tip-*.png."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import Browser, expect

from opennrm.hotline.models import Signal
from opennrm.portal.tips import MIN_FILL_SECONDS
from tests.conftest import build_world
from tests.support.browser import fits, shot, signed_in_context, watch


def warm_up() -> None:
    """The process's first page builds the URLconf, the API schema and the country names: on a
    loaded machine longer than a browser waits. A GET in the test's thread does it first."""
    Client().get("/help/tip/")


PHONE = {"width": 390, "height": 844}
TEXT = "Мою сестру держат в кафе в Алматы, паспорт забрали. <b>Помогите</b>"


@pytest.mark.browser
def test_a_tip_sent_in_russian_on_a_phone_reaches_the_hotline_queue(
    live_server, browser: Browser, screenshots: Path, settings
) -> None:
    world = build_world()
    settings.OPENNRM_PORTAL_ORGANIZATION = str(world.org_b.uuid)
    warm_up()
    base = live_server.url
    errors: list[str] = []

    sender = browser.new_context(locale="ru-RU", viewport=PHONE)
    page = watch(sender.new_page(), errors)
    page.goto(base + "/help/tip/")
    expect(page.locator("h1")).to_have_text("Сообщить о случае или попросить о помощи")
    expect(page.locator("select[name=language]")).to_have_value("ru")
    fits(page, PHONE["width"])
    shot(page, screenshots / "portal-tip-form-ru.png")

    page.fill("textarea[name=notes]", TEXT)
    page.get_by_label("Обо мне").check()
    page.select_option("select[name=country]", "KZ")
    page.fill("input[name=phone]", "+998 90 765 43 21")
    page.fill("textarea[name=safe_contact]", "Только SMS, после 18:00")
    page.wait_for_timeout(MIN_FILL_SECONDS * 1000 + 300)  # a person takes longer than a script
    shot(page, screenshots / "portal-tip-filled-ru.png")
    page.get_by_role("button", name="Отправить").click()
    page.wait_for_url(base + "/help/tip/sent/")
    expect(page.locator("h1")).to_have_text("Спасибо. Ваше сообщение отправлено.")
    assert "Мою сестру" not in page.content()
    assert sender.cookies() == [], "the portal set a cookie"
    fits(page, PHONE["width"])
    shot(page, screenshots / "portal-tip-sent-ru.png")
    sender.close()

    tip = Signal.objects.get()
    assert (tip.organization, tip.channel, tip.language, tip.country) == (
        world.org_b,
        "web_tip",
        "ru",
        "KZ",
    )

    operator = signed_in_context(browser, base, world.b["hotline_operator"], viewport=PHONE)
    page = watch(operator.new_page(), errors)
    page.goto(base + "/hotline/")
    unanswered = page.locator("#unanswered")
    expect(unanswered).to_contain_text("Web tip")
    shot(page, screenshots / "portal-tip-queue.png")
    unanswered.locator(f"a[href='/hotline/{tip.uuid}/']").click()
    page.wait_for_url(f"{base}/hotline/{tip.uuid}/")
    expect(page.locator(".notes")).to_have_text(TEXT)  # the markup shown as text
    expect(page.locator(".safe-contact")).to_have_text("Только SMS, после 18:00")
    shot(page, screenshots / "portal-tip-signal.png")
    operator.close()
    assert not errors, errors


@pytest.mark.browser
def test_an_oversized_tip_and_a_flood_get_clear_pages(
    live_server, browser: Browser, screenshots: Path, settings
) -> None:
    world = build_world()
    settings.OPENNRM_PORTAL_ORGANIZATION = str(world.org_b.uuid)
    settings.OPENNRM_RATE_LIMITS = {"portal_tip": {"per_address": 1}}
    warm_up()
    base = live_server.url
    errors: list[str] = []

    desktop = browser.new_context(locale="kk-KZ", viewport={"width": 1280, "height": 900})
    page = watch(desktop.new_page(), errors)
    page.goto(base + "/help/tip/")
    expect(page.locator("h1")).to_have_text("Оқиға туралы хабарлау немесе көмек сұрау")
    shot(page, screenshots / "portal-tip-form-kk-desktop.png")
    desktop.close()

    phone = browser.new_context(locale="uz-UZ", viewport=PHONE)
    page = watch(phone.new_page(), errors)
    page.goto(base + "/help/tip/")
    expect(page.locator("h1")).to_have_text("Holat haqida xabar berish yoki yordam soʻrash")
    page.fill("textarea[name=notes]", "a" * 4001)
    page.wait_for_timeout(MIN_FILL_SECONDS * 1000 + 300)
    page.locator("button.primary[type=submit]").click()
    summary = page.locator("#tip-errors")
    expect(summary).to_contain_text("4000")
    expect(page.locator("textarea[name=notes]")).to_have_value("a" * 4001)
    fits(page, PHONE["width"])
    shot(page, screenshots / "portal-tip-oversized.png")
    assert not errors, errors
    assert not Signal.objects.exists()

    # A second tip from the same address within ten minutes: over this test's limit of one.
    page.fill("textarea[name=notes]", "Yordam kerak")
    page.locator("button.primary[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Xabarlar juda koʻp")
    assert errors and all("429" in e for e in errors), errors  # the refusal itself, nothing else
    fits(page, PHONE["width"])
    shot(page, screenshots / "portal-tip-too-many.png")
    assert not Signal.objects.exists()
    phone.close()
