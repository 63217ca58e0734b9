"""The API kit: the actor, the input base, choice fields, and problem details (RFC 9457).

Every operation takes its actor from ``actor(request)``, reads its body through a schema derived
from ``In`` and declares its errors with ``ERRORS``::

    @router.post("/{case_id}/notes", response={201: NoteOut, **ERRORS})

Every error of the API, wherever it is raised (a service, django-ninja, Django itself), reaches
the client as ``application/problem+json`` in the shape of ``Problem``: the exception handlers of
``opennrm.api.api`` and, for what happens outside django-ninja, ``opennrm.api.middleware``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin
from uuid import UUID

from django.db.models import Choices
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation
from pydantic import ConfigDict, GetJsonSchemaHandler, ValidationInfo, field_validator
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from opennrm.accounts.permissions import Actor
from opennrm.validation import text_problem

PROBLEM_CONTENT_TYPE = "application/problem+json"

# SQLite and PostgreSQL store integers in 64 bits; a larger one cannot be written or compared.
INT_MIN, INT_MAX = -(2**63), 2**63 - 1


def actor(request: HttpRequest, *, require: str | None = None) -> Actor:
    """The caller, as the authentication (token or session) set it on the request; with
    ``require``, one who holds that permission (403 otherwise), for a router whose every
    operation needs it."""
    caller: Actor = request.actor  # type: ignore[attr-defined]
    if require is not None:
        caller.require(require)
    return caller


# --- Input.


def _refuse_unwritable(value: Any) -> None:
    """Refuse what no database or encoder can take (lone surrogates, integers over 64 bits) and
    the characters the validation kit refuses in any text (NUL, control characters)."""
    if isinstance(value, str):
        if (problem := text_problem(value)) is not None:
            raise PydanticCustomError("invalid_text", problem)
    elif isinstance(value, bool):
        return
    elif isinstance(value, int):
        if not INT_MIN <= value <= INT_MAX:
            raise PydanticCustomError("int_too_large", _("The number is too large."))
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _refuse_unwritable(key)
            _refuse_unwritable(item)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            _refuse_unwritable(item)


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _is_iso(value: Any) -> bool:
    return isinstance(value, date) or (isinstance(value, str) and bool(ISO_DATE.match(value)))


def _is_temporal(annotation: Any) -> bool:
    if annotation in (date, datetime):
        return True
    return any(_is_temporal(arg) for arg in get_args(annotation))


def _as_in_json(annotation: Any, value: Any) -> bool:
    """Whether ``value`` has the JSON type the annotation asks for, without pydantic's
    conversions (``false`` as 0, ``"12"`` as 12, ``0`` as 1 January 1970)."""
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Annotated:
        return _as_in_json(args[0], value)
    if origin in (Union, UnionType):
        return any(_as_in_json(arg, value) for arg in args)
    if annotation is type(None):
        return value is None
    if annotation is bool:
        return isinstance(value, bool)
    if annotation is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if annotation is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if annotation in (date, datetime):
        return _is_iso(value)
    if origin is list:
        return isinstance(value, list) and all(_as_in_json(args[0], v) for v in value)
    if origin is dict:
        return isinstance(value, dict) and all(_as_in_json(args[1], v) for v in value.values())
    return True  # text, UUIDs, nested schemas: pydantic converts nothing there


class Params(Schema):
    """The base of query parameters: dates and times only as ISO 8601 text.

    pydantic would read ``0`` or ``"1700000000"`` as a date in 1970 or 2023 (seconds since
    1970): a client's mistake saved as a plausible date.
    """

    @field_validator("*", mode="before")
    @classmethod
    def _iso_dates(cls, value: Any, info: ValidationInfo) -> Any:
        field = cls.model_fields.get(info.field_name or "")
        temporal = field is not None and _is_temporal(field.annotation)
        if temporal and value is not None and not _is_iso(value):
            raise PydanticCustomError("date_format", _("Enter a date as YYYY-MM-DD."))
        return value


class In(Params):
    """The base of every request body: unknown fields are refused (a misspelt field is a 422,
    not a no-op), every value must have its JSON type (no ``false`` for 0, no ``"3"`` for 3),
    and text or a number that could not be stored is refused too."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _json_types(cls, value: Any, info: ValidationInfo) -> Any:
        field = cls.model_fields.get(info.field_name or "")
        if field is not None and not _as_in_json(field.annotation, value):
            if _is_temporal(field.annotation):
                raise PydanticCustomError("date_format", _("Enter a date as YYYY-MM-DD."))
            raise PydanticCustomError("wrong_type", _("This value has the wrong type."))
        return value

    @field_validator("*", mode="after")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        _refuse_unwritable(value)
        return value


class UuidOut(Schema):
    """An output whose ``id`` is the object's UUID (never its sequential key)."""

    id: UUID

    @staticmethod
    def resolve_id(obj: Any) -> UUID:
        return obj.uuid


class OneOf:
    """``Annotated[str, OneOf(CaseStatus)]``: a string among a model's choices, declared as an
    ``enum`` in the OpenAPI document.

    The value is checked where every other rule is, by the service (or, for an output, by the
    database's constraint): its error is translated and comes with the body's other errors at
    once, which a schema check, stopping first and speaking English, would not give.
    ``blank=True`` allows the empty string, for a choice that may be left unset.
    """

    def __init__(self, choices: type[Choices] | Iterable[str], *, blank: bool = False) -> None:
        values = [str(v) for v in (choices.values if isinstance(choices, type) else choices)]
        if blank and "" not in values:
            values.append("")
        self.values = values

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema["enum"] = list(self.values)
        return json_schema


def uuid_of(related: Any) -> UUID | None:
    """The UUID of a related object that may be unset."""
    return related.uuid if related is not None else None


# --- Problem details.


class FieldError(Schema):
    field: str
    message: str


class Problem(Schema):
    """RFC 9457 problem details, with a stable ``code`` and the errors per field."""

    type: str = "about:blank"
    title: str
    status: int
    code: str
    detail: str = ""
    errors: list[FieldError] = []


# What any operation may answer besides its success; the OpenAPI document declares them all.
ERRORS: dict[int, type[Problem]] = {
    400: Problem,
    401: Problem,
    403: Problem,
    404: Problem,
    409: Problem,
    413: Problem,
    422: Problem,
}


def problem_response(
    *,
    status: int,
    code: str,
    title: str,
    detail: str = "",
    errors: list[dict[str, str]] | None = None,
) -> HttpResponse:
    """One problem details response; never anything about the server's insides."""
    body = Problem(
        title=title,
        status=status,
        code=code,
        detail=detail,
        errors=[FieldError(**e) for e in errors or []],
    )
    response = HttpResponse(
        json.dumps(body.model_dump(), ensure_ascii=False),
        status=status,
        content_type=PROBLEM_CONTENT_TYPE,
    )
    response["Cache-Control"] = "no-store"
    return response


# The problem for an error that no handler named more precisely, by HTTP status.
def problem_for_status(status: int) -> HttpResponse:
    """The generic problem of a status (an unknown URL, a wrong method, a server error)."""
    codes = {
        400: ("bad_request", _("The request could not be read.")),
        401: ("unauthenticated", _("Authentication required")),
        403: ("permission_denied", _("You do not have permission to do this.")),
        404: ("not_found", _("Not found.")),
        405: ("method_not_allowed", _("This method is not allowed here.")),
        413: ("request_too_large", _("The request is too large.")),
        429: ("too_many_requests", _("Too many requests. Please wait and try again.")),
    }
    if status in codes:
        code, title = codes[status]
    elif status >= 500:
        code, title = "server_error", _("Something went wrong. The error was recorded.")
    else:
        code, title = "http_error", _("The request could not be handled.")
    return problem_response(status=status, code=code, title=title)


# --- The API object: operation ids and the OpenAPI document.


class ProblemOpenAPISchema(OpenAPISchema):
    """The OpenAPI document: errors as ``application/problem+json``, schema names unique."""

    def add_schema_definitions(self, definitions: dict) -> None:
        for name, schema in definitions.items():
            known = self.schemas.get(name)
            if known is not None and _shape(known) != _shape(schema):
                raise ValueError(f"Two API schemas are named {name!r}; rename one of them.")
        super().add_schema_definitions(definitions)

    def responses(self, operation: Operation) -> dict[int, Any]:
        result = super().responses(operation)
        for status, details in result.items():
            content = details.get("content")
            if int(status) >= 400 and content and "application/json" in content:
                details["content"] = {PROBLEM_CONTENT_TYPE: content["application/json"]}
        return result


def _shape(schema: dict) -> tuple:
    return (schema.get("type"), sorted(schema.get("properties", {})), schema.get("enum"))


class Api(NinjaAPI):
    """django-ninja's API with this project's operation ids and OpenAPI document."""

    def get_openapi_operation_id(self, operation: Operation) -> str:
        # The module's first three parts: an API module split into a package keeps its ids.
        module = ".".join(operation.view_func.__module__.split(".")[:3])
        return f"{module}_{operation.view_func.__name__}".replace(".", "_")

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return ProblemOpenAPISchema(self, path_prefix)
