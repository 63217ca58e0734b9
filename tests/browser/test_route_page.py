"""The route on the case page, in Russian, in a real Chromium: a case worker adds the three stops
of the story (recruited in Tashkent, through Shymkent, to Almaty) through the form swapped in by
htmx, one of them with only its month known; the route is drawn in order with country names in
Russian, on a wide screen and on a phone; a file is uploaded on the files tab. Screenshots in
test-output/browser/route-*.png."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Browser, Page, expect

from opennrm.cases.attachments import Attachment
from opennrm.cases.models import HistoricEvent
from tests.browser.test_case_flow import fits, open_tab, shot, signed_in_context
from tests.browser.test_login_language import watch
from tests.cases.factories import open_diana
from tests.conftest import build_world

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def add_stop(page: Page, kind: str, city: str, country: str, day: str, month: str, year: str):
    before = page.locator("ol.route > li").count()
    adding = page.locator("#case-tabs details.edit")
    if adding.get_attribute("open") is None:
        adding.locator("summary").click()
    form = adding.locator("form")
    form.locator("select[name=event_type]").select_option(kind)
    form.locator("input[name=city]").fill(city)
    form.locator("select[name=country]").select_option(country)
    form.locator("input[name=day]").fill(day)
    form.locator("select[name=month]").select_option(month)
    form.locator("input[name=year]").fill(year)
    form.locator("button[type=submit]").click()
    expect(page.locator("ol.route > li")).to_have_count(before + 1)
    expect(page.locator("#case-tabs .messages")).to_contain_text("Остановка добавлена в маршрут.")


@pytest.mark.browser
def test_the_route_is_entered_and_drawn_in_russian(
    live_server, browser: Browser, screenshots: Path, tmp_path: Path
) -> None:
    world = build_world()
    case = open_diana(world.a["case_worker"])
    base = live_server.url
    errors: list[str] = []
    context = signed_in_context(
        browser, base, world.a["case_worker"], viewport={"width": 1280, "height": 900}
    )
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "ru", "url": base}])
    page = watch(context.new_page(), errors)
    page.goto(f"{base}/cases/{case.uuid}/")
    open_tab(page, "Маршрут", "route")
    expect(page.locator("#tab-route")).to_contain_text("Остановки маршрута ещё не записаны.")

    add_stop(page, "Recruitment", "Ташкент", "UZ", "14", "2", "2005")
    add_stop(page, "Exploitation", "Алматы", "KZ", "", "3", "2005")  # the day is not known
    add_stop(page, "Transit", "Шымкент", "KZ", "1", "3", "2005")
    assert HistoricEvent.objects.filter(case=case).count() == 3

    stops = page.locator("ol.route > li")
    expect(stops).to_have_count(3)
    texts = [" ".join(t.split()) for t in stops.all_inner_texts()]
    assert "Ташкент, Узбекистан" in texts[0] and "14 февраля 2005" in texts[0]
    assert "Шымкент, Казахстан" in texts[1]
    assert "Алматы, Казахстан" in texts[2] and "2005" in texts[2]
    assert all(code not in " ".join(texts) for code in (" UZ", " KZ"))
    fits(page, 1280)
    page.locator("ol.route").scroll_into_view_if_needed()
    shot(page, screenshots / "route-ru-desktop.png")

    # A stop corrected in place: Shymkent was passed through on 2 March.
    stop = page.locator("article.stop", has_text="Шымкент")
    stop.locator("a:text-is('Изменить')").click()
    stop = page.locator("article.stop", has=page.locator("form.edit-stop"))
    stop.locator("input[name$=-day]").fill("2")
    stop.scroll_into_view_if_needed()
    shot(page, screenshots / "route-ru-edit.png")
    stop.locator("button.primary").click()
    expect(page.locator("#case-tabs .messages")).to_contain_text("Остановка сохранена.")
    expect(page.locator("ol.route > li").nth(1)).to_contain_text("2 марта 2005")

    # On a phone the route is a column, and the page is no wider than the screen.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    fits(page, 390)
    first, second = page.locator("ol.route > li").nth(0), page.locator("ol.route > li").nth(1)
    assert first.bounding_box()["y"] < second.bounding_box()["y"]
    page.locator("ol.route").scroll_into_view_if_needed()
    shot(page, screenshots / "route-ru-phone.png")

    # A file on the files tab, through the same checks as the API.
    page.set_viewport_size({"width": 1280, "height": 900})
    open_tab(page, "Файлы", "files")
    statement = tmp_path / "statement.pdf"
    statement.write_bytes(PDF)
    page.set_input_files("input[name=file]", str(statement))
    page.fill("input[name=description]", "Письменное заявление")
    page.click("button:text-is('Загрузить файл')")
    expect(page.locator("#case-tabs .messages")).to_contain_text("Файл добавлен.")
    assert Attachment.objects.filter(case=case).count() == 1
    script = tmp_path / "invoice.pdf"
    script.write_bytes(b"#!/bin/sh\necho hi\n")
    page.set_input_files("input[name=file]", str(script))
    page.click("button:text-is('Загрузить файл')")
    expect(page.locator("#attachment-file_error")).to_be_visible()
    assert Attachment.objects.filter(case=case).count() == 1
    shot(page, screenshots / "route-ru-files.png")

    assert errors == []
    context.close()
