"""The validation kit (opennrm/validation.py): each rule, and the errors it names by field."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from opennrm.errors import ValidationFailed
from opennrm.validation import (
    EARLIEST_BIRTH,
    EARLIEST_RECORD,
    Checker,
    language_code,
    text_problem,
)

TODAY = date(2026, 12, 3)


def errors_of(check) -> dict[str, list[str]]:
    checker = Checker()
    check(checker)
    return checker.errors


@pytest.mark.parametrize(
    "value",
    ["x\x00y", "x\ud800y", "x\udfffy", "a\x07b", "a\x1bb", "a\x7fb", "broken \ufffd byte"],
)
def test_text_refuses_nul_surrogates_and_controls(value):
    checker = Checker()
    checker.text("given_name", value, max_length=200)
    assert list(checker.errors) == ["given_name"]
    with pytest.raises(ValidationFailed) as caught:
        checker.raise_if_errors()
    assert caught.value.errors == checker.errors
    # The message never repeats the text: it may identify someone.
    assert value not in " ".join(checker.errors["given_name"])


def test_text_keeps_tabs_and_new_lines_and_strips():
    checker = Checker()
    assert checker.text("notes", "  one\r\n\ttwo \n", max_length=50) == "one\r\n\ttwo"
    assert checker.text("city", "  New \n  York ", max_length=50, multiline=False) == "New York"
    assert checker.errors == {}
    checker.raise_if_errors()  # nothing to raise


def test_text_bounds_give_the_limit():
    checker = Checker()
    checker.text("objectives", "x" * 5001, max_length=5000)
    assert checker.errors == {"objectives": ["At most 5000 characters (this has 5001)."]}
    assert Checker().text("objectives", "x" * 5000, max_length=5000) == "x" * 5000


def test_text_required():
    checker = Checker()
    assert checker.text("grounds", "   ", max_length=10, required=True) == ""
    assert list(checker.errors) == ["grounds"]
    assert errors_of(lambda c: c.text("grounds", None, max_length=10)) == {}


def test_text_problem_is_none_for_any_script():
    assert text_problem("Диана Каримова — Dilnoza O‘g‘li 李") is None


def test_prefix_names_nested_fields():
    checker = Checker(prefix="person.")
    checker.text("names[3]", "x\x00", max_length=10)
    assert list(checker.errors) == ["person.names[3]"]


def test_list_size():
    checker = Checker()
    assert len(checker.list_size("names", ["a"] * 20, max_items=20)) == 20
    assert checker.errors == {}
    assert len(checker.list_size("names", ["a"] * 10_000, max_items=20)) == 20
    assert checker.errors == {"names": ["At most 20 entries (this has 10000)."]}
    assert Checker().list_size("names", None) == []


def test_date_bounds():
    def check(value, **bounds):
        return errors_of(lambda c: c.date("opened_on", value, **bounds))

    assert check(date(1800, 1, 1), earliest=EARLIEST_RECORD, latest=TODAY) == {
        "opened_on": ["The date is too far in the past (the earliest is 2000-01-01)."]
    }
    assert check("0001-01-01", earliest=EARLIEST_RECORD, latest=TODAY) != {}
    assert check(TODAY + timedelta(days=1), earliest=EARLIEST_RECORD, latest=TODAY) == {
        "opened_on": ["This date is in the future."]
    }
    assert check(TODAY, earliest=EARLIEST_RECORD, latest=TODAY) == {}
    assert check("1899-12-31", earliest=EARLIEST_BIRTH) != {}
    assert check("2026-02-30") == {"opened_on": ["Not a date; write it as YYYY-MM-DD."]}
    assert check("") == {}
    assert errors_of(lambda c: c.date("opened_on", None, required=True)) == {
        "opened_on": ["Give the date."]
    }
    checker = Checker()
    assert checker.date("d", "2020-05-01", earliest=EARLIEST_RECORD, latest=TODAY) == date(
        2020, 5, 1
    )
    assert checker.date("d", datetime(2020, 5, 1, 12)) == date(2020, 5, 1)


def test_moment_bounds():
    now = timezone.now()
    checker = Checker()
    checker.moment("received_at", "0001-01-01T00:00", earliest=EARLIEST_RECORD, latest=now)
    assert checker.errors == {"received_at": ["The date is too far in the past."]}
    checker = Checker()
    checker.moment("received_at", now + timedelta(hours=1), earliest=EARLIEST_RECORD, latest=now)
    assert checker.errors == {"received_at": ["This is in the future."]}
    checker = Checker()
    checker.moment("received_at", "yesterday", earliest=EARLIEST_RECORD, latest=now)
    assert list(checker.errors) == ["received_at"]
    checker = Checker()
    got = checker.moment("received_at", "2024-03-01T10:30", earliest=EARLIEST_RECORD, latest=now)
    assert checker.errors == {}
    assert got is not None and timezone.is_aware(got)


def test_integer():
    assert errors_of(lambda c: c.integer("age", "7", low=0, high=110)) == {}
    assert errors_of(lambda c: c.integer("age", 111, low=0, high=110)) == {
        "age": ["Must be between 0 and 110."]
    }
    assert errors_of(lambda c: c.integer("age", "seven", low=0, high=110)) == {
        "age": ["Not a whole number."]
    }
    assert errors_of(lambda c: c.integer("age", "9" * 5000, low=0, high=110)) != {}
    assert errors_of(lambda c: c.integer("age", True, low=0, high=110)) != {}


def test_choice():
    assert errors_of(lambda c: c.choice("gender", "Feminine", ["Feminine", "Masculine"])) == {}
    assert errors_of(lambda c: c.choice("gender", "x", ["Feminine"])) == {
        "gender": ["Choose one of the listed values."]
    }
    assert errors_of(lambda c: c.choice("gender", "", ["Feminine"], required=True)) == {
        "gender": ["Choose one."]
    }
    assert errors_of(lambda c: c.choice("gender", ["Feminine"], ["Feminine"])) != {}
    assert list(errors_of(lambda c: c.choices("types", ["a", "b"], ["a"]))) == ["types[1]"]
    assert list(errors_of(lambda c: c.choices("types", ["a"] * 30, ["a"]))) == ["types"]


def test_country():
    assert errors_of(lambda c: c.country("citizenship", "KZ")) == {}
    assert errors_of(lambda c: c.country("citizenship", "")) == {}
    for bad in ("kz", "XX", "KAZ", "K\x00", "K\ud800"):
        assert list(errors_of(lambda c, bad=bad: c.country("citizenship", bad))) == ["citizenship"]
    assert errors_of(lambda c: c.country("citizenship", "", required=True)) == {
        "citizenship": ["Give the country."]
    }
    assert list(errors_of(lambda c: c.countries("transit", ["KZ", "ZZ"]))) == ["transit[1]"]


def test_language_one_rule_one_format():
    checker = Checker()
    assert checker.language("language", "RU") == "ru"
    assert checker.language("language", "rus") == "ru"  # one format: the two-letter code
    assert checker.language("language", "kaa") == "kaa"  # Karakalpak has no two-letter code
    assert checker.language("language", "") == ""
    assert checker.errors == {}
    for bad in ("zz", "english", "r", "ru1", "xqq", "р у"):
        assert list(errors_of(lambda c, bad=bad: c.language("language", bad))) == ["language"]
    assert language_code("uz") == "uz" and language_code("qq") is None


def test_languages_list():
    checker = Checker()
    assert checker.languages("languages", ["ru", "RUS", "kk"]) == ["ru", "kk"]
    assert checker.errors == {}
    assert list(errors_of(lambda c: c.languages("languages", ["ru", "zz"]))) == ["languages[1]"]
    assert list(errors_of(lambda c: c.languages("languages", ["ru"] * 21))) == ["languages"]


def test_phone():
    checker = Checker()
    assert checker.phone("phone", "+7 701 234 5678") == "+77012345678"
    assert checker.phone("phone", "8 701 234 5678", region="KZ") == "+77012345678"
    assert checker.phone("phone", "") == ""
    assert checker.errors == {}
    bad = errors_of(lambda c: c.phone("phone", "12"))
    assert list(bad) == ["phone"] and "12" not in bad["phone"][0]
    assert list(errors_of(lambda c: c.phone("phone", "+7701\x00"))) == ["phone"]


def test_unknown_fields():
    assert errors_of(lambda c: c.unknown({"a": 1, "zz": 2}, ["a"])) == {"zz": ["Unknown field."]}


def test_errors_collected_together():
    checker = Checker()
    checker.text("a", "x\x00", max_length=5)
    checker.date("b", date(1800, 1, 1), earliest=EARLIEST_RECORD)
    checker.list_size("c", range(30), max_items=20)
    with pytest.raises(ValidationFailed) as caught:
        checker.raise_if_errors()
    assert set(caught.value.errors) == {"a", "b", "c"}
    assert caught.value.status == 422


def test_decimal():
    def check(value):
        return errors_of(
            lambda c: c.decimal("epsilon", value, above=Decimal(0), high=Decimal(100), places=6)
        )

    for good in ["0.5", "1", 2, 0.1, Decimal("0.000001"), " 1,5 ", "1E+1"]:
        assert check(good) == {}, good
    for bad in [0, "-1", "0", "100.5", "1e999999"]:
        assert check(bad) == {"epsilon": ["Must be more than 0 and at most 100."]}, bad
    for bad in ["nan", "NaN", "inf", "-Infinity", float("nan"), float("inf")]:
        assert check(bad) == {"epsilon": ["Must be a finite number."]}, bad
    for bad in ["abc", True, [1], "1/2"]:
        assert check(bad) == {"epsilon": ["Not a number."]}, bad
    assert check("0.0000001") == {"epsilon": ["At most 6 decimal places."]}
    assert check("") == {} and check(None) == {}
    assert errors_of(
        lambda c: c.decimal("e", None, above=Decimal(0), high=Decimal(1), places=2, required=True)
    ) == {"e": ["This field is required."]}
