"""Every answer under /api/: never cached, and every error a problem details document.

django-ninja's handlers (``opennrm.api.api``) answer the errors of its operations. What happens
outside them is Django's to answer, as HTML, or in debug mode (the demo) as a traceback: an
unknown URL, a refused CSRF check, a request body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` read
before an operation runs, a server error. This middleware, first in the list, replaces any such
answer under /api/ with ``application/problem+json`` of the same status.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBase

from .common import PROBLEM_CONTENT_TYPE, problem_for_status

API_PREFIX = "/api/"


class ApiResponseMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if not request.path.startswith(API_PREFIX):
            return response
        if response.status_code >= 400 and not _is_problem(response):
            replaced: HttpResponseBase = problem_for_status(response.status_code)
            if response.has_header("Allow"):  # 405 says which methods are allowed
                replaced["Allow"] = response["Allow"]
            if response.has_header("Retry-After"):
                replaced["Retry-After"] = response["Retry-After"]
            response = replaced
        # Answers carry personal data: no browser, proxy or cache keeps a copy.
        response["Cache-Control"] = "no-store"
        return response


def _is_problem(response: HttpResponseBase) -> bool:
    content_type = response.get("Content-Type", "")
    return isinstance(response, HttpResponse) and content_type.startswith(PROBLEM_CONTENT_TYPE)
