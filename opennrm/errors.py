"""Domain errors. Views turn them into pages, the API into problem details (RFC 9457)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class ApplicationError(Exception):
    """Base of every error a user may be shown. ``code`` is stable; ``message`` is translated."""

    code = "application_error"
    status = 400

    def __init__(
        self, message: StrOrPromise = "", *, errors: dict[str, list[str]] | None = None
    ) -> None:
        super().__init__(message)
        self.message = str(message)
        # field path -> messages, e.g. {"country": ["Unknown country code 'XX'."]}
        self.errors = errors or {}


class NotFound(ApplicationError):
    """The object does not exist or is not the actor's to see: the same answer for both."""

    code = "not_found"
    status = 404


class PermissionDenied(ApplicationError):
    code = "permission_denied"
    status = 403

    def __init__(
        self,
        message: StrOrPromise = "",
        *,
        errors: dict[str, list[str]] | None = None,
        rule: str = "",
    ) -> None:
        super().__init__(message, errors=errors)
        # The permission refused, for the record of refused accesses (never shown to the user).
        self.rule = rule


class ValidationFailed(ApplicationError):
    code = "validation_failed"
    status = 422

    @classmethod
    def of(cls, errors: dict[str, list[str]], message: str = "") -> ValidationFailed:
        """Bad input, by field path, under the heading every form shows."""
        from django.utils.translation import gettext as _

        return cls(message or _("Please correct the errors below."), errors=errors)


class Conflict(ApplicationError):
    """Someone else changed the object since it was read (optimistic locking)."""

    code = "conflict"
    status = 409
