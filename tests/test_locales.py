"""Countries and languages are read and chosen by name in the page's language, never by code."""

import pytest
from django import forms
from django.template import Context, Template
from django.utils import translation

from opennrm.locales import (
    CountriesField,
    CountryField,
    LanguageField,
    LanguagesField,
    country_name,
    language_name,
    lists_document,
)


@pytest.mark.parametrize(
    ("lang", "country", "language"),
    [
        ("en", "Kazakhstan", "Uzbek"),
        ("ru", "Казахстан", "Узбекский"),
        ("kk", "Қазақстан", "Өзбек тілі"),
        ("uz-latn", "Qozogʻiston", "Oʻzbek"),
    ],
)
def test_names_follow_the_page_language(lang, country, language):
    with translation.override(lang):
        assert country_name("KZ") == country
        assert language_name("uz") == language


def test_uzbek_names_use_the_letters_not_quotation_marks():
    with translation.override("uz-latn"):
        names = [country_name("TJ"), language_name("uz"), country_name("KZ")]
    assert not any(mark in name for name in names for mark in "‘’'")


def test_unknown_and_empty_codes():
    assert country_name("") == ""
    assert country_name("XX") == "XX"  # not a country: shown as stored, not hidden
    assert language_name(None) == ""


def test_template_filters_are_builtin():
    with translation.override("ru"):
        html = Template("{{ c|country }} · {{ ls|language }}").render(
            Context({"c": "UZ", "ls": ["ru", "kk"]})
        )
    assert html == "Узбекистан · Русский, Казахский"


class Form(forms.Form):
    country = CountryField()
    language = LanguageField()
    countries = CountriesField()
    languages = LanguagesField()


def test_choices_are_names_region_first_and_values_are_codes():
    with translation.override("ru"):
        html = str(Form()["country"])
        assert '<option value="KZ">Казахстан</option>' in html
        # The region's countries come first, in their own group; the others are in the
        # language's static list that lists.js adds (the page stays light).
        assert "Австралия" not in html and 'data-list="country"' in html
        assert ">KZ<" not in html
    others = lists_document("ru")
    assert others["others"] == "Все остальные" or others["others"]
    names = [name for _code, name in others["country"]]
    assert "Австралия" in names and "Казахстан" not in names
    form = Form({"country": "UZ", "language": "uz", "countries": ["KZ", "KG"], "languages": ["ru"]})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {
        "country": "UZ",
        "language": "uz",
        "countries": ["KZ", "KG"],
        "languages": ["ru"],
    }


def test_a_code_not_in_the_list_is_refused():
    form = Form({"country": "XX", "language": "rus"})
    assert not form.is_valid()
    assert set(form.errors) == {"country", "language"}


def test_every_language_offered_is_in_the_stored_form():
    from opennrm.validation import language_code

    with translation.override("en"):
        codes = [c for _g, group in Form()["language"].field.choices[1:] for c, _n in group]
    assert "uz" in codes and "kk" in codes and len(codes) > 150
    assert all(language_code(c) == c for c in codes)


def test_the_static_lists_are_current(tmp_path):
    """lists.js fills the lean lists from these files: regenerate them with
    ``write_static_lists("opennrm/static/opennrm/lists")`` when Babel or the languages change."""
    from pathlib import Path

    from opennrm.locales import write_static_lists

    static = Path(__file__).resolve().parents[1] / "opennrm/static/opennrm/lists"
    for path in write_static_lists(tmp_path):
        assert path.read_text(encoding="utf-8") == (static / path.name).read_text(
            encoding="utf-8"
        ), f"{path.name} is stale"


def test_a_lean_list_shows_the_region_and_the_choice_and_accepts_every_country():
    from django import forms

    from opennrm.locales import CountriesField, CountryField

    class Form(forms.Form):
        country = CountryField()
        countries = CountriesField()

    with translation.override("ru"):
        html = str(Form(initial={"country": "TH", "countries": ["NO"]}))
        assert "Казахстан" in html and "Таиланд" in html and "Норвегия" in html
        assert "Франция" not in html and ">TH<" not in html
        assert 'data-list="country"' in html
        form = Form(data={"country": "FR", "countries": ["PE", "KZ"]})
        assert form.is_valid() and form.cleaned_data["countries"] == ["PE", "KZ"]
