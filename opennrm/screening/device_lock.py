"""The device lock of the self-answer mode.

A worker hands the device to the person being screened while signed in. From the first person
page on, this session reaches only that screening's person pages, whatever URL is typed, until
the worker gives their password again: the person must not reach cases, names or the API.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve

SESSION_KEY = "opennrm_self_answer_lock"
PERSON_PAGES = {"self_intro", "self_question", "self_done", "self_unlock"}


def device_lock(request: HttpRequest, screening_uuid: str) -> None:
    request.session[SESSION_KEY] = screening_uuid


def device_unlock(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)


def locked_screening(request: HttpRequest) -> str | None:
    session = getattr(request, "session", None)
    return session.get(SESSION_KEY) if session is not None else None


def _allowed(path: str, screening_uuid: str) -> bool:
    try:
        match = resolve(path)
    except Resolver404:
        return False
    if match.url_name == "logout":
        return True
    return (
        match.namespace == "screening"
        and match.url_name in PERSON_PAGES
        and str(match.kwargs.get("screening_id")) == screening_uuid
    )


class SelfAnswerLockMiddleware:
    """Sends a locked session back to its screening's current question from any other URL."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        screening_uuid = locked_screening(request)
        if screening_uuid and not _allowed(request.path_info, screening_uuid):
            return redirect("screening:self_question", screening_id=screening_uuid)
        return self.get_response(request)
