"""The portal's content pages: the default texts in every language, drafts and their audited
publication, what Markdown may become, and the bad input an editor may type."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client
from django.utils import translation

from opennrm.audit.models import AuditEvent
from opennrm.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from opennrm.portal import content, selectors, services
from opennrm.portal.models import ADVICE, MAX_BODY, PAGE_LANGUAGES, PageSlug, PortalPage

LANGUAGES = ("en", "ru", "kk", "uz-latn")


@pytest.fixture
def editor(world, settings):
    settings.OPENNRM_PORTAL_ORGANIZATION = world.org_a.name
    return world.actor(world.a["organization_admin"])


def test_every_page_ships_a_default_text_in_every_language():
    assert set(LANGUAGES) == set(PAGE_LANGUAGES)
    titles = {}
    for slug in PageSlug.values:
        for language in LANGUAGES:
            path = content.CONTENT_DIR / language / f"{slug}.md"
            assert path.is_file(), f"no default text {path}"
            text = content.default_text(slug, language)
            assert text.title and len(text.body) > 500, (slug, language)
            assert not content.has_html(text.body), (slug, language)
            titles[slug, language] = text.title
        # Each language has its own words, not the English copied.
        assert len({titles[slug, language] for language in LANGUAGES}) == 4, slug
    uzbek = "".join(content.default_text(s, "uz-latn").body for s in PageSlug.values)
    assert "oʻ" in uzbek and "o'" not in uzbek and "o‘" not in uzbek


def test_a_language_without_its_own_text_falls_back_to_english():
    assert content.default_text("at-work", "tg") == content.default_text("at-work", "en")


def test_the_public_reads_the_default_until_a_text_is_published(world, editor):
    before = selectors.portal_page_public(slug="at-work", language="kk")
    assert before.title == "Жұмыста"
    assert "<h2>" in before.html and "<ul>" in before.html

    services.portal_page_draft_save(
        actor=editor, slug="at-work", language="kk", title="Жаңа", body="Мәтін", version=0
    )
    assert selectors.portal_page_public(slug="at-work", language="kk").title == "Жұмыста"

    services.portal_page_publish(
        actor=editor, slug="at-work", language="kk", title="Жаңа", body="**Мәтін**", version=1
    )
    after = selectors.portal_page_public(slug="at-work", language="kk")
    assert after.title == "Жаңа"
    assert after.html == "<p><strong>Мәтін</strong></p>\n"
    # The other languages still read their defaults.
    assert selectors.portal_page_public(slug="at-work", language="ru").title == "На работе"
    pages = selectors.portal_pages_public(slugs=tuple(ADVICE), language="kk")
    assert [p.title for p in pages][2] == "Жаңа"


def test_publishing_is_audited_in_its_transaction(world, editor):
    page = services.portal_page_publish(
        actor=editor, slug="browse-safely", language="ru", title="Т", body="Текст", version=0
    )
    event = AuditEvent.objects.get(action="portal.page_publish")
    assert event.object_id == page.uuid
    assert event.organization_id == world.org_a.pk
    assert event.actor_id == world.a["organization_admin"].user_id
    assert page.published_by_id == event.actor_id and page.published_at is not None
    assert page.version == 1

    # A refusal leaves nothing half-saved: neither the page nor an event.
    with pytest.raises(ValidationFailed):
        services.portal_page_publish(
            actor=editor, slug="browse-safely", language="ru", title="", body="x", version=1
        )
    assert AuditEvent.objects.filter(action="portal.page_publish").count() == 1
    assert PortalPage.objects.get().title == "Т"


def test_an_audit_failure_undoes_the_publication(world, editor, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(services, "audit_record", broken)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.portal_page_publish(
            actor=editor, slug="at-work", language="en", title="T", body="Body", version=0
        )
    assert not PortalPage.objects.exists()


def test_a_page_changed_since_it_was_read_is_not_overwritten(world, editor):
    services.portal_page_draft_save(
        actor=editor, slug="at-work", language="en", title="One", body="First", version=0
    )
    with pytest.raises(Conflict):
        services.portal_page_publish(
            actor=editor, slug="at-work", language="en", title="Two", body="Second", version=0
        )
    with pytest.raises(Conflict):
        services.portal_page_draft_save(
            actor=editor, slug="at-work", language="en", title="Two", body="Second", version=7
        )
    page = PortalPage.objects.get()
    assert (page.draft_title, page.version, page.published_at) == ("One", 1, None)


def test_only_the_hosting_organizations_admin_edits(world, settings):
    settings.OPENNRM_PORTAL_ORGANIZATION = world.org_a.name
    kwargs = {"slug": "at-work", "language": "en", "title": "T", "body": "B", "version": 0}
    with pytest.raises(NotFound):
        services.portal_page_publish(actor=world.actor(world.b["organization_admin"]), **kwargs)
    with pytest.raises(PermissionDenied):
        services.portal_page_publish(actor=world.actor(world.a["supervisor"]), **kwargs)
    settings.OPENNRM_PORTAL_ORGANIZATION = ""  # no host: nobody edits
    with pytest.raises(NotFound):
        services.portal_page_publish(actor=world.actor(world.a["organization_admin"]), **kwargs)
    assert not PortalPage.objects.exists()


@pytest.mark.parametrize(
    ("title", "body", "field", "message"),
    [
        ("", "Text", "title", "Give the page a title."),
        ("   ", "Text", "title", "Give the page a title."),
        ("T", "", "body", "Write the page's text."),
        ("T", "x" * (MAX_BODY + 1), "body", "At most 20000 characters (this has 20001)."),
        ("T" * 201, "Text", "title", "At most 200 characters (this has 201)."),
        ("T", "<script>alert(1)</script>", "body", "Remove the HTML tags"),
        ("T", "Hi <img src=x onerror=alert(1)>", "body", "Remove the HTML tags"),
        ("T", "Bad\x00byte", "body", "Null characters are not allowed."),
    ],
)
def test_bad_input_is_named(world, editor, title, body, field, message):
    with pytest.raises(ValidationFailed) as refused:
        services.portal_page_publish(
            actor=editor, slug="at-work", language="en", title=title, body=body, version=0
        )
    assert any(m.startswith(message) for m in refused.value.errors[field])
    assert not PortalPage.objects.exists()


@pytest.mark.parametrize(
    ("markdown", "html"),
    [
        ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"),
        ("[x](javascript:alert(1))", "<p>[x](javascript:alert(1))</p>\n"),
        ("![img](https://example.org/a.png)", "<p></p>\n"),
        ("# Big", "<h2>Big</h2>\n"),
        ("##### Small", "<h4>Small</h4>\n"),
        (
            "[Call](tel:+77001234567) [Mail](mailto:a@b.kz) [Web](https://gov.kz)",
            '<p><a href="tel:+77001234567" rel="noopener noreferrer">Call</a> '
            '<a href="mailto:a@b.kz" rel="noopener noreferrer">Mail</a> '
            '<a href="https://gov.kz" rel="noopener noreferrer">Web</a></p>\n',
        ),
        ("[ftp](ftp://x.kz/f)", '<p><a rel="noopener noreferrer">ftp</a></p>\n'),
        (
            "- one\n- *two*\n\n1. first",
            "<ul>\n<li>one</li>\n<li><em>two</em></li>\n</ul>\n<ol>\n<li>first</li>\n</ol>\n",
        ),
        ("> quote\n\n    code\n\n---", "\n<p>quote</p>\n\ncode\n\n\n"),
    ],
)
def test_markdown_becomes_only_the_allowed_html(markdown, html):
    assert content.render(markdown) == html


def test_the_editor_previews_a_text_with_html_as_text(world, editor, signed_in):
    membership = world.a["organization_admin"]
    client = signed_in(membership.user, membership)
    url = "/portal-admin/pages/at-work/en/"
    page = client.get(url).content.decode()
    assert "At work" in page and "Register and keep your papers valid" in page
    answer = client.post(
        url,
        {
            "title": "T",
            "body": "Hello <script>alert(1)</script>",
            "version": 0,
            "action": "preview",
        },
    )
    text = answer.content.decode()
    assert "Preview: as the public will see it" in text
    assert "<p>Hello &lt;script&gt;alert(1)&lt;/script&gt;</p>" in text
    assert "<script>alert(1)" not in text
    assert "Remove the HTML tags" in text
    assert not PortalPage.objects.exists()
    # Publishing it is refused with the same message; nothing is written.
    answer = client.post(
        url, {"title": "T", "body": "Hello <b>x</b>", "version": 0, "action": "publish"}
    )
    assert answer.status_code == 200 and "Remove the HTML tags" in answer.content.decode()
    assert not PortalPage.objects.exists()
    # A stale version: the message says what to do.
    client.post(url, {"title": "T", "body": "One", "version": 0, "action": "save"})
    answer = client.post(url, {"title": "T", "body": "Two", "version": 0, "action": "publish"})
    assert "Someone else changed this page" in answer.content.decode()
    answer = client.post(url, {"title": "T", "body": "Two", "version": 1, "action": "publish"})
    assert answer.status_code == 302
    listing = client.get("/portal-admin/pages/").content.decode()
    assert listing.count("Default text") == len(PageSlug.values) * len(LANGUAGES) - 1
    assert Client().get("/help/advice/").content.decode().count("<p>Two</p>") == 1


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_in_every_language(world, language):
    client = Client()
    client.cookies["django_language"] = language
    for url in ("/help/", "/help/advice/", "/help/numbers/", "/help/safe-browsing/"):
        page = client.get(url).content.decode()
        assert f'<html lang="{language}">' in page, url
        assert 'id="quick-exit"' in page and 'rel="noreferrer"' in page
        assert "/static/opennrm/portal.js" in page
        assert "/accounts/" not in page and "/portal-admin/" not in page
    advice = client.get("/help/advice/").content.decode()
    for slug in ADVICE:
        with translation.override(language):
            assert content.default_text(slug, language).title in advice


def test_the_exit_leaves_for_the_setting(world, settings):
    settings.OPENNRM_PORTAL_EXIT_URL = "https://weather.example/"
    page = Client().get("/help/").content.decode()
    assert 'href="https://weather.example/" rel="noreferrer"' in page


def test_the_language_switch_needs_no_script_nor_a_cookie_before_it(world):
    client = Client(enforce_csrf_checks=True)
    for url in ("/help/", "/help/advice/", "/help/numbers/", "/help/safe-browsing/"):
        answer = client.get(url)
        assert not answer.cookies, f"{url} set {list(answer.cookies)}"
    page = client.get("/help/advice/").content.decode()
    assert 'action="/help/language/"' in page and 'name="language" value="kk"' in page
    assert "csrfmiddlewaretoken" not in page
    answer = client.post("/help/language/", {"language": "kk", "next": "/help/advice/"})
    assert answer["Location"] == "/help/advice/"
    assert list(answer.cookies) == ["django_language"]
    assert "Жолға шықпас бұрын" in client.get("/help/advice/").content.decode()
    # Another site's address, or an unknown language: home, and the language unchanged.
    answer = client.post("/help/language/", {"language": "xx", "next": "https://evil.example/"})
    assert answer["Location"] == "/help/" and not answer.cookies
    assert client.get("/help/language/").status_code == 405


def test_help_numbers_by_country(world, settings):
    from opennrm.directory import services as directory

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
        languages=["kk"],
        hours="9-18",
        free_of_charge=False,
    )
    directory.hotline_number_create(
        actor=admin, country="KZ", number="+77009998877", languages=["ru"], is_demo=True
    )
    client = Client()
    client.cookies["django_language"] = "ru"
    page = client.get("/help/numbers/").content.decode()
    assert page.index("Казахстан") < page.index("Узбекистан")
    assert 'href="tel:+998712345678"' in page and "+998 71 234 56 78" in page
    assert "Бесплатно" in page and "24/7" in page and "узбекский" in page.lower()
    assert "+77009998877" not in page  # invented for a demo: never on a real portal
    settings.DEMO_MODE = True
    assert "tel:+77009998877" in client.get("/help/numbers/").content.decode()


def test_the_portal_host_sees_the_portal_alone(world, settings):
    settings.OPENNRM_PORTAL_HOST = "help.example.org"
    settings.ALLOWED_HOSTS = ["help.example.org", "testserver"]
    client = Client(HTTP_HOST="help.example.org")
    home = client.get("/")
    assert home.status_code == 200 and b"Quick exit" in home.content
    assert b'href="/advice/"' in home.content and b'href="/job-offer/"' in home.content
    assert client.get("/advice/").status_code == 200
    assert client.get("/numbers/").status_code == 200
    switched = client.post("/language/", {"language": "ru", "next": "/advice/"})
    assert switched["Location"] == "/advice/"
    for staff in ("/accounts/login/", "/api/v1/cases", "/portal-admin/pages/", "/help/"):
        assert client.get(staff).status_code == 404, staff
    # The staff site keeps the portal under /help/.
    staff_home = Client().get("/help/")
    assert staff_home.status_code == 200 and b'href="/help/job-offer/"' in staff_home.content
