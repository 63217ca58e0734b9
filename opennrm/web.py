"""Helpers every page view uses: the permission gate, turning domain errors into answers, the
"form, service, message, redirect" of a change, paging without counting, and phone display."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, Concatenate, ParamSpec, TypeVar, cast

import phonenumbers
from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from opennrm.accounts.models import User
from opennrm.accounts.permissions import Actor
from opennrm.audit.denials import denial_log_anonymous, denial_record, refusing_rule
from opennrm.errors import ApplicationError, Conflict, NotFound, PermissionDenied, ValidationFailed

P = ParamSpec("P")
T = TypeVar("T")


class ActorRequest(HttpRequest):
    """A request of a signed-in user, as views behind ``actor_required`` and the API see it.

    ``actor`` is set by ``ActiveMembershipMiddleware`` (pages) or the API's authentication: the
    user acting through the active membership. Only for type checking: Django makes the request.
    """

    actor: Actor
    user: User


View = Callable[Concatenate[ActorRequest, P], HttpResponse]
DjangoView = Callable[Concatenate[HttpRequest, P], HttpResponse]


def actor_required(permission: str) -> Callable[[View[P]], DjangoView[P]]:
    """Signed-in users holding ``permission`` through their active membership; others get 403.

    Objects the actor may not see raise NotFound in the selectors and become 404 here. Every
    refusal is recorded (opennrm.audit.denials), after the view's transactions have ended.
    """

    def decorator(view: View[P]) -> DjangoView[P]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                denial_log_anonymous(request, status=302)
                return redirect_to_login(request.get_full_path())
            signed_in = cast(ActorRequest, request)  # the middleware set the actor
            if not signed_in.actor.can(permission):
                denial_record(request, rule=permission, status=403)
                raise DjangoPermissionDenied
            try:
                return view(signed_in, *args, **kwargs)
            except (NotFound, Http404) as exc:
                denial_record(request, rule=refusing_rule(exc), status=404)
                raise Http404 from None
            except (PermissionDenied, DjangoPermissionDenied) as exc:
                denial_record(request, rule=refusing_rule(exc), status=403)
                raise DjangoPermissionDenied from None

        return wrapper

    return decorator


def moved(pattern_name: str, permission: str) -> DjangoView[[]]:
    """The old address of a page that moved to another app: those who hold ``permission`` are
    sent on to ``pattern_name`` (query string kept); others are refused as by the page itself.
    A URLconf names the new page by its name only, so no app imports the one above it."""

    @actor_required(permission)
    def view(request: ActorRequest) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "")
        return redirect(reverse(pattern_name) + (f"?{query}" if query else ""))

    return view


def add_errors(form: forms.Form, error: ApplicationError) -> None:
    """Put a service's field errors beside the fields of the form; the rest above it."""
    if not error.errors:
        form.add_error(None, error.message)
    for name, lines in error.errors.items():
        for message in lines:
            form.add_error(name if name in form.fields else None, message)


def problem_lines(error: ApplicationError) -> str:
    """A service's refusal as one line for a message: a button has no field to show it beside."""
    return " ".join(m for lines in error.errors.values() for m in lines) or error.message


FormErrors = Callable[[Any, ApplicationError], None]
Message = str | Callable[[T], str]
Destination = str | Callable[[T], str | HttpResponse]


def _message(message: Message[T], result: T) -> str:
    return message(result) if callable(message) else message


def _destination(destination: Destination[T], result: T) -> HttpResponse:
    answer = destination(result) if callable(destination) else destination
    return answer if isinstance(answer, HttpResponse) else redirect(answer)


def submit(
    request: HttpRequest,
    form: forms.Form,
    action: Callable[[], T],
    *,
    redirect_to: Destination[T],
    success: Message[T] | None = None,
    errors: FormErrors = add_errors,
) -> HttpResponse | None:
    """Carry out a form: when it was posted and parses, call ``action`` (the service); on success
    leave the ``success`` message (if any) and answer with ``redirect_to``: a URL, or a function
    of the service's result giving a URL or the answer itself (the fresh tab for htmx).

    ``None`` means "show the page again": not posted, the form invalid, or the service refused
    (``errors`` puts its field errors beside the fields). Not found and not allowed go on to
    ``actor_required``.
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = action()
    except (ValidationFailed, Conflict) as exc:
        errors(form, exc)
        return None
    if success is not None:
        messages.success(request, _message(success, result))
    return _destination(redirect_to, result)


def perform(
    request: HttpRequest,
    action: Callable[[], T],
    *,
    success: Message[T],
    redirect_to: str | Callable[[], str | HttpResponse],
) -> HttpResponse:
    """A button that changes something: call ``action``; leave its success or its refusal as a
    message (a button has no field to show an error beside), then answer with ``redirect_to``: a
    URL, or a function giving a URL or the answer itself (the fresh tab for htmx)."""
    try:
        result = action()
    except (ValidationFailed, Conflict) as exc:
        messages.error(request, problem_lines(exc))
    else:
        messages.success(request, _message(success, result))
    answer = redirect_to() if callable(redirect_to) else redirect_to
    return answer if isinstance(answer, HttpResponse) else redirect(answer)


PAGE_SIZE = 50


@dataclass
class Page:
    """One page of a list, found without counting the rows (decision 0004): one row more than the
    page is read to know whether a next page exists."""

    rows: list[Any]
    number: int
    has_next: bool

    @property
    def next(self) -> int:
        return self.number + 1

    @property
    def previous(self) -> int:
        return self.number - 1


def page_of(queryset: QuerySet[Any] | list[Any], number: int, size: int = PAGE_SIZE) -> Page:
    """Page ``number`` (from 1) of ``queryset``, ``size`` rows."""
    start = (number - 1) * size
    rows = list(queryset[start : start + size + 1])
    return Page(rows=rows[:size], number=number, has_next=len(rows) > size)


def phone_display(number: str) -> str:
    """A stored number as people write it: +998901234567 -> +998 90 123 45 67. A short number
    (a hotline's 1414) or anything that does not parse is shown as stored. Parsing and checking
    numbers is the validation kit's (``opennrm.validation.phone_to_e164``)."""
    if not number.startswith("+"):
        return number
    try:
        parsed = phonenumbers.parse(number)
    except phonenumbers.NumberParseException:
        return number
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def page_number(value: Any) -> int:
    """A page number from a query string or form, 1 when missing or nonsense."""
    try:
        return max(1, min(int(value), 100_000))
    except (TypeError, ValueError):
        return 1


def choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    """The form's choice field ``name``, to set its choices when the form is made."""
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{type(form).__name__}.{name} is not a choice field")
    return field
