"""The portal's tip form: a tip lands in the hosting organization's hotline queue and nothing of
the sender is stored or logged; every bad input gets a clear answer and saves nothing."""

from __future__ import annotations

import logging
import time
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test import Client

from opennrm.accounts import ratelimit
from opennrm.audit.models import AuditEvent
from opennrm.hotline import services as hotline_services
from opennrm.hotline.models import Signal
from opennrm.portal import tips
from tests.portal.support import aged_token, tip_form

URL = "/help/tip/"
SENT = "/help/tip/sent/"
ADDRESS = "203.0.113.77"
FORWARDED = "198.51.100.23"
BROWSER = "Mozilla/5.0 (Linux; Android 10; SM-A105F) TipTestBrowser/91.0.4472.120"
REFERER = "https://referrer.example/secret-page"


@pytest.fixture(autouse=True)
def _hosted(world, settings):
    settings.OPENNRM_PORTAL_ORGANIZATION = str(world.org_b.uuid)
    # As in production: behind the proxy, the client's address is X-Forwarded-For's.
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")


def sender(address: str = ADDRESS) -> Client:
    return Client(
        REMOTE_ADDR=address,
        HTTP_X_FORWARDED_FOR=FORWARDED if address == ADDRESS else address,
        HTTP_USER_AGENT=BROWSER,
        HTTP_REFERER=REFERER,
    )


def nothing_saved(events_before: int) -> None:
    assert not Signal.objects.exists()
    assert AuditEvent.objects.count() == events_before


def every_stored_text() -> str:
    """Every row of every table, as stored (text and bytes alike), as one string."""
    quote = connection.ops.quote_name
    found = []
    with connection.cursor() as cursor:
        for model in apps.get_models():
            cursor.execute(f"SELECT * FROM {quote(model._meta.db_table)}")  # noqa: S608
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        found.append(bytes(value).decode("latin-1"))
                    elif value is not None:
                        found.append(str(value))
    return "\n".join(found)


def test_the_form_sets_no_cookie_and_is_never_stored():
    response = Client().get(URL)
    assert response.status_code == 200
    assert not response.cookies, "the portal must not set a session, CSRF or any cookie"
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert 'name="token"' in page and "csrfmiddlewaretoken" not in page
    assert 'autocomplete="off"' in page
    # The honeypot is hidden from people and from screen readers, out of the tab order.
    assert 'aria-hidden="true"' in page and 'tabindex="-1"' in page


def test_a_tip_reaches_the_hotline_queue_and_nothing_of_the_sender_is_stored(
    world, signed_in, caplog
):
    caplog.set_level(logging.DEBUG)
    client = sender()
    form = tip_form(
        notes="Мою сестру держат в кафе в Алматы, паспорт забрали.",
        about="me",
        phone="+998 90 765 43 21",
        safe_contact="Only text messages, after 6 pm",
    )
    response = client.post(URL, form)
    assert response.status_code == 302 and response["Location"] == SENT
    assert not response.cookies
    confirmation = client.get(SENT)
    assert confirmation.status_code == 200 and not confirmation.cookies
    page = confirmation.content.decode()
    assert "Мою сестру" not in page and "765" not in page and "text messages" not in page
    assert "Nothing that identifies you was stored" in page

    tip = Signal.objects.get()
    assert (tip.organization, tip.channel, tip.operator) == (world.org_b, "web_tip", None)
    assert (tip.caller_type, tip.reason) == ("potential_victim", "assistance_request")
    assert (tip.country, tip.language) == ("KZ", "ru")
    assert tip.phone == "+998907654321" and tip.safe_contact == "Only text messages, after 6 pm"
    event = AuditEvent.objects.get(action="signal.receive")
    assert event.actor is None and event.request_id == ""

    # Nothing of the request anywhere: every table, the log, the rate limiter's cache keys.
    stored = every_stored_text()
    for trace in (ADDRESS, FORWARDED, BROWSER, "TipTestBrowser", REFERER):
        assert trace not in stored, f"{trace} is stored in the database"
        assert trace not in caplog.text, f"{trace} is in the log"
        for record in caplog.records:
            assert trace not in record.getMessage() and trace not in str(record.__dict__)
        for key in cache._cache:  # type: ignore[attr-defined]  # local memory in tests
            assert trace not in key
    # Encrypted: neither the phone nor how to reach her is readable in the table.
    for secret in ("907654321", "text messages", "Мою сестру"):
        assert secret not in stored
    assert not Session.objects.exists()

    # The hosting organization's hotline operator sees it in the queue, unanswered.
    operator = world.b["hotline_operator"]
    queue = signed_in(operator.user, operator).get("/hotline/")
    assert f"/hotline/{tip.uuid}/" in queue.content.decode()
    unanswered = queue.content.decode().split('id="unanswered"')[1].split("</section>")[0]
    assert "Web tip" in unanswered
    # Another organization's operator does not.
    other = world.a["hotline_operator"]
    assert (
        f"/hotline/{tip.uuid}/"
        not in signed_in(other.user, other).get("/hotline/").content.decode()
    )


def test_html_and_script_are_kept_as_text_and_shown_escaped(world, signed_in):
    script = '<script>alert("x")</script><img src=x onerror=alert(1)> <b>bold</b>'
    assert sender().post(URL, tip_form(notes=script, safe_contact="<i>text</i>")).status_code == 302
    tip = Signal.objects.get()
    assert tip.notes == script and tip.safe_contact == "<i>text</i>"
    operator = world.b["hotline_operator"]
    page = signed_in(operator.user, operator).get(f"/hotline/{tip.uuid}/").content.decode()
    assert "<script>alert" not in page and "<img src=x" not in page and "<b>bold" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "&lt;i&gt;text&lt;/i&gt;" in page


def test_an_empty_tip_gets_the_form_again(world):
    before = AuditEvent.objects.count()
    response = sender().post(URL, tip_form(notes="   "))
    assert response.status_code == 200
    assert "Write what happened, or what help you need." in response.content.decode()
    nothing_saved(before)


def test_an_oversized_tip_gets_the_form_again_naming_the_field_and_the_limit(world):
    before = AuditEvent.objects.count()
    response = sender().post(URL, tip_form(notes="а" * 4001))
    assert response.status_code == 200
    page = response.content.decode()
    assert "What happened? How can we help?</a>: At most 4000 characters (this has 4001)." in page
    assert "а" * 4001 in page  # their text is kept in the form, to shorten
    nothing_saved(before)
    # 4,000 exactly is fine.
    assert sender().post(URL, tip_form(notes="а" * 4000)).status_code == 302
    assert len(Signal.objects.get().notes) == 4000


def test_a_request_body_over_64_kb_is_refused_with_413(world):
    before = AuditEvent.objects.count()
    body = urlencode(tip_form(notes="я" * 12_000))  # as a browser sends it: 72 KB
    response = sender().post(URL, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert "Message too long" in response.content.decode()
    assert "4000 characters" in response.content.decode()
    nothing_saved(before)


@pytest.mark.parametrize(
    ("field", "label"),
    [("phone", "Phone number (optional)"), ("country", "In which country? (optional)")],
)
def test_a_bad_phone_or_country_saves_nothing(world, field, label):
    before = AuditEvent.objects.count()
    response = sender().post(URL, tip_form(**{field: "12"}))
    assert response.status_code == 200
    assert f"{label}</a>:" in response.content.decode()
    nothing_saved(before)


def test_a_flood_from_one_address_is_refused_with_429_and_a_clear_message(world):
    client = sender()
    for _ in range(5):
        assert client.post(URL, tip_form()).status_code == 302
    refused = client.post(URL, tip_form())
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 600
    page = refused.content.decode()
    assert "Too many messages" in page and 'href="/help/numbers/"' in page
    assert Signal.objects.count() == 5
    # Another address is counted apart.
    assert sender("192.0.2.10").post(URL, tip_form()).status_code == 302


def test_the_flood_message_is_translated(world):
    client = sender()
    for _ in range(5):
        client.post(URL, tip_form())
    refused = client.post(URL, tip_form(), HTTP_ACCEPT_LANGUAGE="ru")
    assert refused.status_code == 429
    assert "Слишком много сообщений" in refused.content.decode()


def test_a_flood_from_many_addresses_meets_the_ceiling_for_everyone(world, settings):
    settings.OPENNRM_RATE_LIMITS = {"portal_tips": {"per_all": 3}}
    for n in range(3):
        assert sender(f"192.0.2.{n + 1}").post(URL, tip_form()).status_code == 302
    assert sender("192.0.2.99").post(URL, tip_form()).status_code == 429
    assert Signal.objects.count() == 3


def test_a_refused_address_does_not_use_up_the_ceiling_for_everyone(world, settings):
    settings.OPENNRM_RATE_LIMITS = {"portal_tips": {"per_all": 6}}
    client = sender()
    for _ in range(20):
        client.post(URL, tip_form())
    assert sender("192.0.2.1").post(URL, tip_form()).status_code == 302


def test_the_limiter_keys_an_address_under_a_key_of_the_day(monkeypatch):
    today = ratelimit._digest(ADDRESS)
    assert ADDRESS not in today and today == ratelimit._digest(ADDRESS)
    tomorrow = time.time() + ratelimit.DAY
    monkeypatch.setattr(ratelimit.time, "time", lambda: tomorrow)
    assert ratelimit._digest(ADDRESS) != today


def test_a_filled_honeypot_is_thanked_and_nothing_is_saved(world, caplog):
    before = AuditEvent.objects.count()
    caplog.set_level(logging.INFO)
    response = sender().post(URL, tip_form(website="https://spam.example/"))
    assert response.status_code == 302 and response["Location"] == SENT
    nothing_saved(before)
    assert "portal tip dropped as automated" in caplog.text


def test_a_form_sent_too_fast_is_thanked_and_nothing_is_saved(world):
    before = AuditEvent.objects.count()
    response = sender().post(URL, tip_form(token=tips.token_issue()))
    assert response.status_code == 302 and response["Location"] == SENT
    nothing_saved(before)


@pytest.mark.parametrize(
    "token",
    [aged_token(tips.MAX_AGE_SECONDS + 5), "", "forged:token", aged_token() + "x"],
    ids=["expired", "missing", "forged", "altered"],
)
def test_an_expired_or_altered_token_gets_the_form_again_with_a_fresh_one(world, token):
    before = AuditEvent.objects.count()
    response = sender().post(URL, tip_form(token=token, notes="Please call me back."))
    assert response.status_code == 200
    page = response.content.decode()
    assert "This form was open for a long time. Check it and send it again." in page
    assert "Please call me back." in page  # their text is still there
    nothing_saved(before)
    fresh = page.split('name="token" value="')[1].split('"')[0]
    assert tips.token_read(fresh) is not None and fresh != token


def test_a_form_sent_twice_is_queued_once(world):
    form = tip_form()
    assert sender().post(URL, form).status_code == 302
    assert sender().post(URL, form).status_code == 302
    assert Signal.objects.count() == 1


def test_a_tip_refused_by_the_hotline_can_be_sent_again_with_the_same_form(world):
    form = tip_form(phone="12")
    assert sender().post(URL, form).status_code == 200
    form["phone"] = ""
    assert sender().post(URL, form).status_code == 302
    assert Signal.objects.count() == 1


def test_nothing_is_half_saved_when_the_audit_event_fails(world, monkeypatch):
    before = AuditEvent.objects.count()

    def broken(**kwargs):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(hotline_services, "audit_record", broken)
    with pytest.raises(RuntimeError):
        sender().post(URL, tip_form())
    nothing_saved(before)


def test_without_a_hosting_organization_the_page_gives_the_help_numbers(world, settings):
    settings.OPENNRM_PORTAL_ORGANIZATION = ""
    before = AuditEvent.objects.count()
    page = Client().get(URL)
    assert page.status_code == 200
    assert "Call a hotline" in page.content.decode()
    assert 'href="/help/numbers/"' in page.content.decode()
    assert sender().post(URL, tip_form()).status_code == 200
    nothing_saved(before)


def test_the_form_on_the_portal_host_posts_to_its_root(world, settings):
    settings.OPENNRM_PORTAL_HOST = "help.example.org"
    settings.ALLOWED_HOSTS = ["help.example.org", "testserver"]
    client = Client(HTTP_HOST="help.example.org")
    page = client.get("/tip/").content.decode()
    assert 'action="/tip/"' in page and 'href="/numbers/"' in page
    response = client.post("/tip/", tip_form())
    assert response.status_code == 302 and response["Location"] == "/tip/sent/"
    assert Signal.objects.count() == 1


def test_the_answer_language_follows_the_page(world):
    page = Client().get(URL, HTTP_ACCEPT_LANGUAGE="kk").content.decode()
    assert '<option value="kk" selected>' in page
