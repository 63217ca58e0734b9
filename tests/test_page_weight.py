"""Page weight: sign-in and home pages, the hotline's contact form and a self-answer question,
with their stylesheets and scripts, transfer under 60 KB on a first visit.

Counted as a browser receives them: the HTML as sent (the application does not compress its
responses: compressed pages that echo a secret invite BREACH), the stylesheet and scripts
gzip-compressed, as WhiteNoise serves the files collectstatic compresses. Until the statistics
app, the budget was 100 KB of uncompressed bytes; htmx alone is half of that, and the one
stylesheet grew past it though a first visit stays near 55 KB."""

from __future__ import annotations

import gzip
from html.parser import HTMLParser

from django.contrib.staticfiles import finders
from django.test import Client

BUDGET = 60 * 1024


class _AssetParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "link" and "stylesheet" in (a.get("rel") or "").split() and a.get("href"):
            self.urls.append(a["href"] or "")
        elif tag == "script" and a.get("src"):
            self.urls.append(a["src"] or "")


def asset_urls(html: str) -> list[str]:
    """The stylesheets and scripts a page references, in order."""
    parser = _AssetParser()
    parser.feed(html)
    return parser.urls


def fetch_asset(client: Client, url: str) -> bytes | None:
    """An asset's bytes, from the test client (WhiteNoise) or else the static finders."""
    response = client.get(url)
    if response.status_code == 200:
        if response.streaming:
            return b"".join(response.streaming_content)  # type: ignore[arg-type]
        return response.content
    path = finders.find(url.split("/static/", 1)[-1]) if "/static/" in url else None
    if not path:
        return None
    with open(path, "rb") as f:  # type: ignore[arg-type]
        return f.read()


def page_weight(client: Client, path: str) -> tuple[bytes, dict[str, bytes | None]]:
    """The page's HTML and each referenced asset (None when it could not be found)."""
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    html = response.content
    return html, {url: fetch_asset(client, url) for url in asset_urls(html.decode())}


def transferred(html: bytes, assets: dict[str, bytes | None]) -> int:
    """Bytes a first visit transfers: the HTML as sent, each asset gzip-compressed."""
    return len(html) + sum(len(gzip.compress(body or b"", 9)) for body in assets.values())


def _assert_under_budget(client: Client, path: str) -> None:
    html, assets = page_weight(client, path)
    assert assets, f"{path} references no stylesheet or script"
    missing = [url for url, body in assets.items() if not body]
    assert not missing, f"{path}: assets not found: {missing}"
    total = transferred(html, assets)
    assert total < BUDGET, f"{path} transfers {total} bytes ({len(html)} HTML), budget {BUDGET}"


def test_login_page_weight(db) -> None:
    _assert_under_budget(Client(), "/accounts/login/")


def test_home_page_weight(world, signed_in) -> None:
    m = world.a["case_worker"]
    _assert_under_budget(signed_in(m.user, m), "/")


def test_hotline_contact_form_weight(world, signed_in) -> None:
    m = world.b["hotline_operator"]
    _assert_under_budget(signed_in(m.user, m), "/hotline/new/")


def test_self_answer_question_weight(world, signed_in) -> None:
    from tests.cases.factories import open_diana
    from tests.screening.test_page_permissions import draft

    m = world.a["case_worker"]
    screening = draft(world, open_diana(m))
    _assert_under_budget(signed_in(m.user, m), f"/screenings/{screening.uuid}/self/question/")


def test_worklist_weight_with_every_section_full(world, signed_in) -> None:
    from tests.worklist.factories import make_work

    make_work(world, 12)  # more than a section shows
    m = world.a["supervisor"]
    _assert_under_budget(signed_in(m.user, m), "/")
