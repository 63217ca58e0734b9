"""The stats figures in a real Chromium, in Russian: a bar chart, columns and a line by month
with a suppressed month, the route flow and a table with no data, each beside its data table,
on a wide screen and on a 320 px phone, with the one stylesheet. No page shows them yet (the
dashboard does), so the test renders the include into a bare page. Screenshots in
test-output/browser/stats-charts-*.png."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation
from playwright.sync_api import Browser

from opennrm.stats.tables import Row, Table
from tests.support.browser import fits, shot

MONTHS = ("янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек")

TABLES = [
    (
        Table(
            "people-by-citizenship",
            "Люди по гражданству, 2005",
            "Гражданство",
            ("Люди",),
            (
                Row("Узбекистан", (16,)),
                Row("Кыргызстан", (12,)),
                Row("Таджикистан", (None,)),
                Row("Казахстан", (11,)),
                Row("Объединённые Арабские Эмираты", (None,)),
            ),
            ("Числа меньше 11 скрыты, и ещё одно, чтобы их не вычислить из итога.",),
        ),
        "bar",
    ),
    (
        Table(
            "cases-by-month",
            "Дела по месяцам",
            "Месяц",
            ("2005", "2004"),
            tuple(
                Row(f"{m} 2005", (None if i == 3 else 4 + i, 2 + i // 2))
                for i, m in enumerate(MONTHS)
            ),
        ),
        "column",
    ),
    (
        Table(
            "cases-by-month-line",
            "Дела по месяцам (линии)",
            "Месяц",
            ("2005", "2004"),
            tuple(Row(f"{m} 2005", (4 + i, 2 + i // 2)) for i, m in enumerate(MONTHS)),
        ),
        "line",
    ),
    (
        Table(
            "routes",
            "Маршруты",
            "Маршрут",
            ("Люди",),
            (
                Row("Узбекистан → Казахстан → Россия", (40,)),
                Row("Узбекистан → Казахстан", (20,)),
                Row("Таджикистан → Казахстан → Россия", (15,)),
                Row("Таджикистан → Узбекистан → Турция", (12,)),
                Row("Кыргызстан → Казахстан → ОАЭ", (None,)),
            ),
        ),
        "flow",
    ),
    (Table("returns", "Возвращения", "Месяц", ("Возвращения",), ()), "bar"),
]


def page_html() -> str:
    request = RequestFactory().get("/stats/", {"year": "2005"})
    template = Template("{% load stats_tables %}{% table_figure table chart=chart %}")
    with translation.override("ru"):
        figures = "".join(
            template.render(Context({"table": table, "chart": chart, "request": request}))
            for table, chart in TABLES
        )
    return f'<!doctype html><html lang="ru"><body><main><h1>Статистика</h1>{figures}</main>'


@pytest.mark.browser
def test_the_figures_read_on_a_wide_screen_and_on_a_phone(browser: Browser, screenshots: Path):
    css = Path(settings.BASE_DIR, "opennrm/static/opennrm/opennrm.css")
    html = page_html()
    for width in (1280, 320):
        context = browser.new_context(viewport={"width": width, "height": 800}, locale="ru-RU")
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
        page.set_content(html)
        page.add_style_tag(path=str(css))
        assert page.locator("figure.stats-figure").count() == 5
        assert page.locator("figure svg[role=img]").count() == 4
        assert page.get_by_text("За этот период данных нет.").is_visible()
        # every chart's text at 12 px or more: the 12-unit text of a 300-unit viewBox, scaled
        for box in page.locator("figure svg").evaluate_all(
            "els => els.map(e => e.getBoundingClientRect().width)"
        ):
            assert 0 < box <= width
            assert box / 300 * 12 >= 10.5, f"chart text {box / 300 * 12:.1f} px on {width} px"
        fits(page, width)
        shot(page, screenshots / f"stats-charts-{width}.png")
        assert not errors
        context.close()
