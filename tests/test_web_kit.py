"""The page kit (opennrm/web.py): paging without counting, problem lines, phone display, and the
"form, service, errors, message, redirect" of a change, used by the apps' views instead of local
copies."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from opennrm.audit.models import AuditEvent
from opennrm.errors import Conflict, NotFound, ValidationFailed
from opennrm.web import Page, page_of, perform, phone_display, problem_lines, submit

ROOT = Path(__file__).resolve().parents[1] / "opennrm"


class NameForm(forms.Form):
    name = forms.CharField(max_length=20)


def _request(method: str = "post", data: dict | None = None):
    request = getattr(RequestFactory(), method)("/somewhere/", data or {})
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def _messages(request) -> list[tuple[str, str]]:
    return [(m.level_tag, m.message) for m in get_messages(request)]


# --- Paging.


@pytest.mark.django_db
def test_page_of_reads_one_row_more_than_the_page_and_never_counts(world):
    events = AuditEvent.objects.order_by("id")
    total = events.count()
    assert total > 5
    with CaptureQueriesContext(connection) as queries:
        first = page_of(events, 1, size=5)
    assert len(queries) == 1 and "COUNT" not in queries[0]["sql"].upper()
    assert [e.id for e in first.rows] == list(events.values_list("id", flat=True)[:5])
    assert first.has_next and (first.previous, first.next) == (0, 2)
    last_number = (total + 4) // 5
    last = page_of(events, last_number, size=5)
    assert not last.has_next and 1 <= len(last.rows) <= 5
    assert page_of(events, last_number + 1, size=5) == Page(
        rows=[], number=last_number + 1, has_next=False
    )


# --- Problem lines and phone numbers.


def test_problem_lines_joins_field_errors_or_falls_back_to_the_message():
    refused = ValidationFailed.of({"a": ["First."], "b": ["Second.", "Third."]})
    assert problem_lines(refused) == "First. Second. Third."
    assert problem_lines(Conflict("Someone else changed it.")) == "Someone else changed it."


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("+998901234567", "+998 90 123 45 67"),
        ("+77273000000", "+7 727 300 0000"),
        ("1414", "1414"),  # a short hotline number, as stored
        ("+", "+"),  # nothing that parses: as stored, never an error
        ("", ""),
    ],
)
def test_phone_display(stored, shown):
    assert phone_display(stored) == shown


# --- submit and perform.


def test_submit_shows_the_page_again_when_not_posted_or_invalid():
    calls = []
    get = _request("get")
    assert submit(get, NameForm(get.GET or None), calls.append, redirect_to="/done/") is None
    post = _request(data={"name": ""})
    form = NameForm(post.POST)
    assert submit(post, form, lambda: calls.append(1), redirect_to="/done/") is None
    assert calls == [] and "name" in form.errors


def test_submit_puts_a_refusal_beside_the_field_and_a_conflict_above_the_form():
    def refuse():
        raise ValidationFailed.of({"name": ["Too odd."], "elsewhere": ["Not a field."]})

    request = _request(data={"name": "x"})
    form = NameForm(request.POST)
    assert submit(request, form, refuse, success="Saved.", redirect_to="/done/") is None
    assert form.errors["name"] == ["Too odd."]
    assert form.non_field_errors() == ["Not a field."]

    def conflict():
        raise Conflict("Someone else changed it.")

    form = NameForm(request.POST)
    assert submit(request, form, conflict, success="Saved.", redirect_to="/done/") is None
    assert form.non_field_errors() == ["Someone else changed it."]
    assert _messages(request) == []


def test_submit_redirects_with_the_message_made_from_the_result():
    request = _request(data={"name": "Aru"})
    form = NameForm(request.POST)
    response = submit(
        request,
        form,
        lambda: form.cleaned_data["name"].upper(),
        success=lambda name: f"{name} saved.",
        redirect_to=lambda name: f"/people/{name}/",
    )
    assert response is not None and response.status_code == 302
    assert response["Location"] == "/people/ARU/"
    assert _messages(request) == [("success", "ARU saved.")]
    # The answer itself (an htmx fragment) instead of a URL.
    fragment = submit(
        _request(data={"name": "Aru"}),
        NameForm({"name": "Aru"}),
        lambda: 1,
        redirect_to=lambda _one: HttpResponse("tab"),
    )
    assert fragment is not None and fragment.content == b"tab"


def test_not_found_goes_on_to_the_gate():
    def missing():
        raise NotFound("No such case.")

    request = _request(data={"name": "x"})
    with pytest.raises(NotFound):
        submit(request, NameForm(request.POST), missing, redirect_to="/done/")
    with pytest.raises(NotFound):
        perform(request, missing, success="Done.", redirect_to="/done/")


def test_perform_leaves_the_refusal_or_the_success_as_a_message_and_redirects():
    def refuse():
        raise ValidationFailed.of({"status": ["Already answered."]})

    request = _request()
    response = perform(request, refuse, success="Done.", redirect_to="/referral/")
    assert response.status_code == 302 and response["Location"] == "/referral/"
    assert _messages(request) == [("error", "Already answered.")]
    request = _request()
    response = perform(
        request, lambda: 3, success=lambda n: f"{n} done.", redirect_to=lambda: "/list/"
    )
    assert response["Location"] == "/list/" and _messages(request) == [("success", "3 done.")]


# --- One way: the local copies are gone.


def _sources() -> dict[str, str]:
    return {
        str(path.relative_to(ROOT)): path.read_text()
        for path in ROOT.rglob("*.py")
        if "migrations" not in path.parts
    }


def test_phone_display_paging_and_problem_lines_live_in_the_kit_only():
    for name, source in _sources().items():
        if name == "web.py":
            continue
        assert "PhoneNumberFormat.INTERNATIONAL" not in source, name
        if name.endswith("views.py") or "templatetags" in name:
            local = re.search(r"^def (_page|_problem|_phone|phone_display)\(", source, re.M)
            assert not local, name
            assert not re.search(r"^class Page\b", source, re.M), name
