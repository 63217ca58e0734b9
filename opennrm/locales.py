"""Countries and languages by name, in the reader's language: the one home for turning an
ISO code into words and for the lists people choose from.

Codes are what we store (ISO 3166-1 alpha-2 for countries; ISO 639 in the one form of
``validation.language_code`` for languages); people never type or read them. Names come from the
Unicode CLDR through Babel, in the language of the page ("Qozogʻiston" on an Uzbek page,
"Казахстан" on a Russian one). Templates use the builtin filters ``country`` and ``language``;
forms use ``CountryField`` and ``LanguageField``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import pycountry
from babel import Locale, UnknownLocaleError
from django import forms, template
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from opennrm.validation import language_code

register = template.Library()

# Offered first in every list: the countries and languages of the region's cases.
REGION_COUNTRIES = ("KZ", "UZ", "KG", "TJ", "TM", "RU", "TR", "AE", "KR", "CN")
REGION_LANGUAGES = ("ru", "kk", "uz", "ky", "tg", "tk", "en", "tr", "zh", "ar", "fa", "ko")


def _locale() -> Locale:
    """The Babel locale of the active language ("uz-latn" is Babel's "uz_Latn")."""
    return _locale_of(translation.get_language() or "en")


@lru_cache(maxsize=16)
def _locale_of(django_code: str) -> Locale:
    try:
        return Locale.parse(translation.to_locale(django_code).replace("_latn", "_Latn"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def _capital(name: str) -> str:
    # CLDR writes language names in lower case in Russian, Kazakh and Uzbek ("узбекский").
    return name[:1].upper() + name[1:]


def _uzbek_marks(name: str) -> str:
    # CLDR mixes quotation marks into Uzbek Latin ("O‘zbek"); the letters are ʻ and ʼ.
    return name.replace("\u2018", "\u02bb").replace("\u2019", "\u02bc").replace("'", "\u02bc")


def _sort_key(name: str) -> str:
    return unicodedata.normalize("NFKD", name).casefold()


def country_name(code: str | None) -> str:
    """The country's name in the reader's language; an unknown code is returned as it is."""
    if not code:
        return ""
    return _countries(str(_locale())).get(code.upper(), code)


def language_name(code: str | None) -> str:
    """The language's name in the reader's language; an unknown code is returned as it is."""
    if not code:
        return ""
    return _languages(str(_locale())).get(code.lower(), code)


@lru_cache(maxsize=16)
def _countries(locale_id: str) -> dict[str, str]:
    names = Locale.parse(locale_id).territories
    english = Locale.parse("en").territories
    fix = _uzbek_marks if locale_id.startswith("uz") else str
    result = {}
    for country in pycountry.countries:
        code = country.alpha_2
        result[code] = fix(names.get(code) or english.get(code) or country.name)
    return result


@lru_cache(maxsize=16)
def _languages(locale_id: str) -> dict[str, str]:
    names = Locale.parse(locale_id).languages
    fix = _uzbek_marks if locale_id.startswith("uz") else str
    result: dict[str, str] = {}
    for code, name in names.items():
        if "_" in code or language_code(code) != code:
            continue  # regional variants ("en_GB") and codes outside ISO 639
        result[code] = fix(_capital(name))
    return result


def _grouped(names: dict[str, str], first: Iterable[str], current: Iterable[str]) -> list[Any]:
    """Choices: an empty one, the region's entries, then every other by name."""
    head = [code for code in first if code in names]
    rest = sorted((c for c in names if c not in head), key=lambda c: _sort_key(names[c]))
    unknown = [c for c in current if c and c not in names]
    return [
        ("", "—"),
        (_("Often chosen"), [(c, names[c]) for c in head]),
        (_("All others"), [(c, names[c]) for c in rest] + [(c, c) for c in unknown]),
    ]


def country_choices() -> list[Any]:
    return _grouped(_countries(str(_locale())), REGION_COUNTRIES, ())


def language_choices() -> list[Any]:
    return _grouped(_languages(str(_locale())), REGION_LANGUAGES, ())


class _LeanMixin:
    """A list rendered lean: the region's entries and the chosen ones, never every country or
    language (a case form with six lists would weigh 70 KB more). ``opennrm/lists.js`` adds the
    others from ``static/opennrm/lists/<language>.json``, cached by the browser once for every
    page. Validation always uses the full list."""

    def optgroups(self, name: str, value: Any, attrs: Any = None) -> Any:
        groups = super().optgroups(name, value, attrs)  # type: ignore[misc]
        chosen = {str(v) for v in value if v}
        kept: list[Any] = []
        for group_name, options, index in groups:
            # The blank choice and the first named group (the region's) stay whole.
            if group_name is None or not any(g[0] for g in kept):
                kept.append((group_name, options, index))
                continue
            options = [o for o in options if str(o["value"]) in chosen]
            if options:
                kept.append((group_name, options, index))
        return kept


class LeanSelect(_LeanMixin, forms.Select):
    pass


class LeanSelectMultiple(_LeanMixin, forms.SelectMultiple):
    pass


def _lean(field: forms.Field, kind: str) -> None:
    field.widget.attrs["data-list"] = kind


class CountryField(forms.ChoiceField):
    """A country chosen by its name; the value is the ISO 3166-1 alpha-2 code."""

    widget = LeanSelect

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(choices=country_choices, **kwargs)
        _lean(self, "country")


class LanguageField(forms.ChoiceField):
    """A language chosen by its name; the value is the ISO 639 code in its one form."""

    widget = LeanSelect

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(choices=language_choices, **kwargs)
        _lean(self, "language")


class LanguagesField(forms.MultipleChoiceField):
    """Several languages chosen by name (a list of ISO 639 codes)."""

    widget = LeanSelectMultiple

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(choices=lambda: language_choices()[1:], **kwargs)
        _lean(self, "language")


class CountriesField(forms.MultipleChoiceField):
    """Several countries chosen by name (a list of ISO 3166-1 alpha-2 codes)."""

    widget = LeanSelectMultiple

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(choices=lambda: country_choices()[1:], **kwargs)
        _lean(self, "country")


def lists_document(django_language: str) -> dict[str, Any]:
    """What ``opennrm/lists.js`` adds to the lean lists of a page in ``django_language``: the
    label of the group and every entry outside the region's, by name."""
    with translation.override(django_language):
        document: dict[str, Any] = {"others": str(_("All others"))}
        for kind, choices in (("country", country_choices()), ("language", language_choices())):
            document[kind] = [list(entry) for entry in choices[2][1]]
    return document


def write_static_lists(directory: Any) -> list[Any]:
    """Write ``<language>.json`` for every interface language into ``directory`` (the files
    under ``opennrm/static/opennrm/lists/``; tests/test_locales.py checks they are current)."""
    import json
    from pathlib import Path

    from django.conf import settings

    written = []
    for code, _name in settings.LANGUAGES:
        path = Path(directory) / f"{code}.json"
        text = json.dumps(lists_document(code), ensure_ascii=False, separators=(",", ":"))
        path.write_text(text + "\n", encoding="utf-8")
        written.append(path)
    return written


def _names(value: Any, one: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(one(v) for v in value)
    return str(one(value))


@register.filter(name="country")
def country_filter(value: Any) -> str:
    """``{{ code|country }}``: the name of a country (or of each in a list)."""
    return _names(value, country_name)


@register.filter(name="language")
def language_filter(value: Any) -> str:
    """``{{ code|language }}``: the name of a language (or of each in a list)."""
    return _names(value, language_name)
