"""The validation kit: one way to check input, shared by every service (so pages and API alike).

A service makes a ``Checker``, runs the checks it needs (each returns the cleaned value and notes
an error against the field's path), then calls ``raise_if_errors()``, which raises
``ValidationFailed`` naming every bad field at once. Messages never repeat the value of a text
(it may identify someone); codes (countries, languages) are repeated, cut short.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

import phonenumbers
import pycountry
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from opennrm.errors import ValidationFailed

T = TypeVar("T")
Day = date  # inside Checker, ``date`` is the method's name

# Plausible bounds of dates. A person is not born before 1900; no case, signal, consent or
# service of this system predates 2000, so an earlier date is a typing error (1800, year 1).
EARLIEST_BIRTH = date(1900, 1, 1)
EARLIEST_LIFE_EVENT = date(1900, 1, 1)  # recruitment, exploitation: events of a person's life
EARLIEST_RECORD = date(2000, 1, 1)  # a case opened, a call received, a consent given...

# Lengths of free text: a line (a name, a city), a paragraph (grounds, objectives), a note.
MAX_NAME = 200
MAX_LINE = 200
MAX_PARAGRAPH = 5000
MAX_NOTE = 20_000
# Entries of a list a person may have several of (other names, documents, phones, languages).
MAX_ITEMS = 20

# C0 controls except tab, line feed and carriage return (a textarea sends CR LF), DEL, lone
# UTF-16 surrogates (JSON may carry "\ud800"; they cannot be encoded, nor encrypted), and the
# replacement character U+FFFD that a page form's decoder puts where a byte was not UTF-8.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffd]")


def shown(code: str, limit: int = 10) -> str:
    """A code as a message (or a field path) may repeat it: short, and only what can be printed."""
    return _FORBIDDEN.sub("?", code[:limit])


def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be stored as text (a control character, a lone surrogate), or None."""
    found = _FORBIDDEN.search(value)
    if found is None:
        return None
    if found.group() == "\x00":
        return _("Null characters are not allowed.")
    if found.group() == "\ufffd" or "\ud800" <= found.group() <= "\udfff":
        return _("Contains a character that is not valid text; retype it.")
    return _("Contains a control character; remove it.")


# What looks like an HTML tag or comment in a Markdown text: shown as text, never as HTML.
# A Markdown autolink (<https://...>, <tel:...>) is not a tag: a colon follows its name.
_HTML_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9-]*(\s[^<>]*)?/?>|<!--")


def html_problem(value: str) -> str | None:
    """Why a Markdown text cannot be published as it is (it holds HTML), or None."""
    if _HTML_TAG.search(value) is None:
        return None
    return _(
        "Remove the HTML tags (such as <script> or <b>): they are shown as plain text, not run. "
        "Use Markdown: ## for a heading, - for a list, **bold**, [words](https://address)."
    )


class Checker:
    """Collects field errors (path -> messages); every check returns the cleaned value."""

    def __init__(self, prefix: str = "", *, errors: dict[str, list[str]] | None = None) -> None:
        # ``errors``: a dict the caller already collects into, to check alongside its own rules.
        self.errors: dict[str, list[str]] = {} if errors is None else errors
        self.prefix = prefix

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(f"{self.prefix}{field}", []).append(str(message))

    def has(self, field: str) -> bool:
        return f"{self.prefix}{field}" in self.errors

    def merge(self, errors: Mapping[str, list[str]]) -> None:
        for field, messages in errors.items():
            self.errors.setdefault(field, []).extend(messages)

    def raise_if_errors(self) -> None:
        if self.errors:
            raise ValidationFailed.of(self.errors)

    # --- text

    def text(
        self,
        field: str,
        value: Any,
        *,
        max_length: int,
        required: bool = False,
        multiline: bool = True,
        required_message: str = "",
    ) -> str:
        """Text stripped (and on one line unless ``multiline``), without control characters."""
        if value is None:
            value = ""
        if not isinstance(value, str):
            value = str(value)
        value = value.strip() if multiline else " ".join(value.split())
        if problem := text_problem(value):
            self.add(field, problem)
        elif len(value) > max_length:
            self.add(
                field,
                _("At most %(limit)d characters (this has %(length)d).")
                % {"limit": max_length, "length": len(value)},
            )
        elif required and not value:
            self.add(field, required_message or _("This field is required."))
        return value

    def markdown(
        self,
        field: str,
        value: Any,
        *,
        max_length: int,
        required: bool = False,
        required_message: str = "",
    ) -> str:
        """A Markdown text (a page of the public portal): text as ``text`` checks it, without
        HTML tags, which the portal would show as text."""
        value = self.text(
            field,
            value,
            max_length=max_length,
            required=required,
            required_message=required_message,
        )
        if not self.has(field) and (problem := html_problem(value)):
            self.add(field, problem)
        return value

    def list_size(
        self, field: str, values: Iterable[T] | None, *, max_items: int = MAX_ITEMS
    ) -> list[T]:
        """The values as a list; an error when there are more than ``max_items``, and then only
        the first ``max_items`` are returned, so 10,000 entries are not each checked in vain."""
        items = list(values or [])
        if len(items) > max_items:
            self.add(
                field,
                _("At most %(limit)d entries (this has %(count)d).")
                % {"limit": max_items, "count": len(items)},
            )
            return items[:max_items]
        return items

    # --- dates and numbers

    def date(
        self,
        field: str,
        value: Any,
        *,
        earliest: Day | None = None,
        latest: Day | None = None,
        required: bool = False,
    ) -> Day | None:
        """A date (``date`` or ISO 8601 text) within the bounds; ``latest`` is usually the
        caller's today (``timezone.localdate()``), so a date in the future is refused."""
        day = self._as_date(field, value)
        if day is None:
            if required and not self.has(field):
                self.add(field, _("Give the date."))
            return None
        self._bounds(field, day, earliest, latest)
        return day

    def moment(
        self,
        field: str,
        value: Any,
        *,
        earliest: Day | None = None,
        latest: datetime | None = None,
        required: bool = False,
        zone: tzinfo | None = None,
    ) -> datetime | None:
        """An aware date and time (a naive one is taken in ``zone``, by default the current
        time zone: the wall-clock time of the organization that writes it), not before
        ``earliest`` (a day) nor after ``latest`` (a moment, usually now plus a clock skew)."""
        moment: datetime | None = None
        if isinstance(value, datetime):
            moment = value
        elif isinstance(value, str) and value.strip():
            try:
                moment = parse_datetime(value.strip())
            except ValueError:
                moment = None
            if moment is None:
                self.add(field, _("Not a date and time; write it as YYYY-MM-DDTHH:MM."))
                return None
        elif value not in (None, ""):
            self.add(field, _("Not a date and time; write it as YYYY-MM-DDTHH:MM."))
            return None
        if moment is None:
            if required:
                self.add(field, _("Give the date and time."))
            return None
        if timezone.is_naive(moment):
            try:
                moment = timezone.make_aware(moment, zone)
            except (OverflowError, ValueError):
                self.add(field, _("The date is too far in the past."))
                return None
        if earliest is not None and moment.date() < earliest:
            self.add(field, _("The date is too far in the past."))
        elif latest is not None and moment > latest:
            self.add(field, _("This is in the future."))
        return moment

    def integer(
        self, field: str, value: Any, *, low: int, high: int, required: bool = False
    ) -> int | None:
        """A whole number from ``low`` to ``high``."""
        if value is None or value == "":
            if required:
                self.add(field, _("This field is required."))
            return None
        if isinstance(value, bool):
            self.add(field, _("Not a whole number."))
            return None
        try:
            number = int(value)
        except (TypeError, ValueError, OverflowError):
            self.add(field, _("Not a whole number."))
            return None
        if not low <= number <= high:
            self.add(field, _("Must be between %(low)d and %(high)d.") % {"low": low, "high": high})
        return number

    def decimal(
        self,
        field: str,
        value: Any,
        *,
        above: Decimal,
        high: Decimal,
        places: int,
        required: bool = False,
    ) -> Decimal | None:
        """A finite number more than ``above`` and at most ``high``, with at most ``places``
        decimal places (an epsilon, a rate); a float is read by its shortest text ("0.1")."""
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.add(field, _("This field is required."))
            return None
        if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
            self.add(field, _("Not a number."))
            return None
        try:
            number = Decimal(str(value).strip().replace(",", "."))
        except InvalidOperation:
            self.add(field, _("Not a number."))
            return None
        if not number.is_finite():
            self.add(field, _("Must be a finite number."))
            return None
        if number <= above or number > high:
            self.add(
                field,
                _("Must be more than %(low)s and at most %(high)s.") % {"low": above, "high": high},
            )
        elif isinstance(exponent := number.as_tuple().exponent, int) and -exponent > places:
            self.add(field, _("At most %(places)d decimal places.") % {"places": places})
        return number

    # --- codes

    def choice(
        self, field: str, value: Any, choices: Collection[str], *, required: bool = False
    ) -> str:
        """One of ``choices`` (or empty, unless ``required``)."""
        value = "" if value is None else value
        if not isinstance(value, str):
            self.add(field, _("Choose one of the listed values."))
            return ""
        if not value:
            if required:
                self.add(field, _("Choose one."))
        elif value not in choices:
            self.add(field, _("Choose one of the listed values."))
        return value

    def choices(
        self,
        field: str,
        values: Iterable[Any] | None,
        choices: Collection[str],
        *,
        max_items: int = MAX_ITEMS,
    ) -> list[str]:
        """Several of ``choices``, each checked, no more than ``max_items``."""
        items = self.list_size(field, values, max_items=max_items)
        return [self.choice(f"{field}[{i}]", v, choices) for i, v in enumerate(items)]

    def country(self, field: str, code: Any, *, required: bool = False) -> str:
        """An ISO 3166-1 alpha-2 code, as given (upper case expected)."""
        code = "" if code is None else str(code).strip()
        if not code:
            if required:
                self.add(field, _("Give the country."))
            return ""
        if message := country_code_error(code):
            self.add(field, message)
        return code

    def countries(
        self, field: str, codes: Iterable[Any] | None, *, max_items: int = MAX_ITEMS
    ) -> list[str]:
        items = self.list_size(field, codes, max_items=max_items)
        return [self.country(f"{field}[{i}]", c, required=True) for i, c in enumerate(items)]

    def language(self, field: str, code: Any, *, required: bool = False) -> str:
        """An ISO 639 language code, in one format: lower case, the two-letter ISO 639-1 code
        when the language has one, else its three-letter ISO 639-3 code ("rus" becomes "ru")."""
        raw = "" if code is None else str(code).strip()
        if not raw:
            if required:
                self.add(field, _("Give the language."))
            return ""
        normal = language_code(raw)
        if normal is None:
            self.add(
                field,
                _("“%(value)s” is not an ISO 639 language code (for example ru, uz, kk).")
                % {"value": shown(raw)},
            )
            return raw.lower()
        return normal

    def languages(
        self, field: str, codes: Iterable[Any] | None, *, max_items: int = MAX_ITEMS
    ) -> list[str]:
        """Language codes, each by ``language``, duplicates dropped."""
        items = self.list_size(field, codes, max_items=max_items)
        result: list[str] = []
        for i, code in enumerate(items):
            normal = self.language(f"{field}[{i}]", code, required=True)
            if normal not in result:
                result.append(normal)
        return result

    def phone(self, field: str, raw: Any, *, region: str | None = None) -> str:
        """A phone number in E.164 form (empty stays empty); the message never repeats it."""
        text = "" if raw is None else str(raw).strip()
        if not text:
            return ""
        if problem := text_problem(text):
            self.add(field, problem)
            return ""
        try:
            return phone_to_e164(text, region=region)
        except ValueError as exc:
            self.add(field, str(exc))
            return ""

    def unknown(self, data: Mapping[str, Any], allowed: Collection[str]) -> None:
        """An error for each key of ``data`` that is not an allowed field."""
        for name in sorted(set(data) - set(allowed)):
            self.add(name, _("Unknown field."))

    # --- helpers

    def _as_date(self, field: str, value: Any) -> Day | None:
        if value is None or value == "":
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            self.add(field, _("Not a date; write it as YYYY-MM-DD."))
            return None

    def _bounds(self, field: str, day: Day, earliest: Day | None, latest: Day | None) -> None:
        if earliest is not None and day < earliest:
            self.add(
                field,
                _("The date is too far in the past (the earliest is %(date)s).")
                % {"date": earliest.isoformat()},
            )
        elif latest is not None and day > latest:
            self.add(field, _("This date is in the future."))


def language_code(code: str) -> str | None:
    """The one form of an ISO 639 code (see ``Checker.language``), or None when it is not one."""
    code = code.strip().lower()
    if not code.isascii() or not code.isalpha():
        return None
    if len(code) == 2:
        language = pycountry.languages.get(alpha_2=code)
    elif len(code) == 3:
        language = pycountry.languages.get(alpha_3=code)
    else:
        return None
    if language is None:
        return None
    return str(getattr(language, "alpha_2", None) or language.alpha_3)


def full_clean_or_raise(instance: models.Model, *, exclude: list[str] | None = None) -> None:
    """Run the model's validation; raise ValidationFailed with messages per field."""
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise ValidationFailed(
            _("Please correct the errors below."), errors=exc.message_dict
        ) from None


def country_code_error(code: str) -> str | None:
    """None when ``code`` is an ISO 3166 alpha-2 code, else a message naming the bad value."""
    if (
        code
        and code.isascii()
        and code.isupper()
        and pycountry.countries.get(alpha_2=code) is not None
    ):
        return None
    return _("“%(value)s” is not an ISO 3166 two-letter country code (for example KZ, UZ).") % {
        "value": shown(code)
    }


def phone_to_e164(raw: str, *, region: str | None = None) -> str:
    """A phone number in E.164 form, or ValueError; the message never repeats the number."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        raise ValueError(_("This is not a phone number.")) from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError(_("This is not a valid phone number for its country."))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def closest(value: str, choices: Iterable[str]) -> str:
    """The choice nearest to a mistyped ``value`` (difflib), or "" when none is near."""
    by_folded = {choice.casefold(): choice for choice in choices}
    found = difflib.get_close_matches(value.strip().casefold(), list(by_folded), n=1, cutoff=0.6)
    return by_folded[found[0]] if found else ""


@dataclass(frozen=True)
class FileProblem:
    """One problem of an imported file: where (sheet, row, column, field), the value (only when it
    identifies no one; the caller decides), what was expected and the closest valid value."""

    message: str
    sheet: str = ""
    row: int | None = None
    column: str = ""  # a column letter (B, AJ) or a JSON key
    field: str = ""
    value: str = ""
    expected: str = ""
    suggestion: str = ""

    def line(self) -> str:
        """The problem on one line, as a page or the command line prints it."""
        where = []
        if self.sheet:
            where.append(_("sheet %(sheet)s") % {"sheet": self.sheet})
        if self.row is not None:
            where.append(_("row %(row)d") % {"row": self.row})
        if self.column:
            where.append(_("column %(column)s") % {"column": self.column})
        if self.field:
            where.append(_("field %(field)s") % {"field": self.field})
        parts = [", ".join(where) + ": " if where else "", self.message]
        if self.value:
            parts.append(" " + _("Found “%(value)s”.") % {"value": self.value})
        if self.expected:
            parts.append(" " + _("Expected: %(expected)s.") % {"expected": self.expected})
        if self.suggestion:
            parts.append(" " + _("Did you mean “%(value)s”?") % {"value": self.suggestion})
        return "".join(parts)
