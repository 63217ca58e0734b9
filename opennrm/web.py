"""Helpers every page view uses: the permission gate and turning domain errors into answers."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, ParamSpec, cast

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from opennrm.accounts.models import User
from opennrm.accounts.permissions import Actor
from opennrm.audit.denials import denial_log_anonymous, denial_record, refusing_rule
from opennrm.errors import ApplicationError, NotFound, PermissionDenied

P = ParamSpec("P")


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


def add_errors(form: forms.Form, error: ApplicationError) -> None:
    """Put a service's field errors beside the fields of the form; the rest above it."""
    if not error.errors:
        form.add_error(None, error.message)
    for name, messages in error.errors.items():
        for message in messages:
            form.add_error(name if name in form.fields else None, message)


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
