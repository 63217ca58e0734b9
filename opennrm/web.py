"""Helpers every page view uses: the permission gate and turning domain errors into answers."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from opennrm.audit.denials import denial_log_anonymous, denial_record, refusing_rule
from opennrm.errors import ApplicationError, NotFound, PermissionDenied


def actor_required(permission: str) -> Callable:
    """Signed-in users holding ``permission`` through their active membership; others get 403.

    Objects the actor may not see raise NotFound in the selectors and become 404 here. Every
    refusal is recorded (opennrm.audit.denials), after the view's transactions have ended.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                denial_log_anonymous(request, status=302)
                return redirect_to_login(request.get_full_path())
            if not request.actor.can(permission):
                denial_record(request, rule=permission, status=403)
                raise DjangoPermissionDenied
            try:
                return view(request, *args, **kwargs)
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
