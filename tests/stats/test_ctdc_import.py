"""Importing a CTDC global data set file as reference data: the counts equal a count made here
over the same generated rows; the command's output; every bad input refused, nothing saved."""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from opennrm.audit.models import AuditEvent
from opennrm.errors import NotFound, ValidationFailed
from opennrm.stats.ctdc_import import (
    BY_EXPLOITATION,
    reference_import,
    reference_import_system,
    reference_latest,
    reference_table,
)
from opennrm.stats.models_ctdc import ReferenceDataset, ReferenceRecord, ReferenceSchema
from tests.conftest import World
from tests.linkage.batch_factories import make_coordinator
from tests.stats.ctdc_files import (
    TERMS,
    V6_COLUMNS,
    Generated,
    generate,
    synthetic_file,
    v6_file,
    v6_text,
)

ROWS = generate(400)


def analyst(world: World):
    make_coordinator(world.org_a)
    return world.actor(world.a["data_analyst"])


def imported(world: World, data: bytes, name: str = "CTDC 2017") -> ReferenceDataset:
    return reference_import(analyst(world), name=name, file=io.BytesIO(data), source_name="f.csv")


def refused(world: World, data: bytes) -> list[str]:
    records, datasets = ReferenceRecord.objects.count(), ReferenceDataset.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        imported(world, data)
    assert ReferenceRecord.objects.count() == records
    assert ReferenceDataset.objects.count() == datasets
    return caught.value.errors["file"]


def _flag(value: str) -> bool:
    return value == "1"


def table_counts(table) -> dict[tuple[str, str], int]:
    return {
        (row.label, column): value
        for row in table.rows
        for column, value in zip(table.columns, row.values, strict=True)
        if value
    }


# --- The counts


def test_counts_by_year_citizenship_and_exploitation_equal_an_independent_count(world):
    dataset = imported(world, v6_file(ROWS))
    assert dataset.row_count == len(ROWS) == ReferenceRecord.objects.filter(dataset=dataset).count()
    assert dataset.schema == ReferenceSchema.V6
    assert dataset.terms_of_use == TERMS
    assert dataset.columns == V6_COLUMNS

    records = ReferenceRecord.objects.filter(dataset=dataset)
    assert Counter(records.values_list("year", flat=True)) == Counter(r.year for r in ROWS)
    assert Counter(records.values_list("citizenship", flat=True)) == Counter(
        "" if r.citizenship == "00" else r.citizenship for r in ROWS
    )
    for field, attribute in (
        ("forced_labour", "labour"),
        ("sexual_exploitation", "sexual"),
        ("other_exploitation", "other"),
    ):
        assert records.filter(**{field: True}).count() == sum(
            _flag(getattr(r, attribute)) for r in ROWS
        )
        assert records.filter(**{field: None}).count() == sum(
            getattr(r, attribute) in ("-99", "Unknown") for r in ROWS
        )

    # The table of the national view: exploited in Kazakhstan, by year and citizenship.
    table = reference_table(analyst(world), dataset, country_of_exploitation="KZ")
    in_kz = [r for r in ROWS if r.exploited_in == "KZ"]
    expected = Counter(
        (str(r.year), "Unknown" if r.citizenship == "00" else r.citizenship) for r in in_kz
    )
    names = {"UZ": "Uzbekistan", "TJ": "Tajikistan", "KG": "Kyrgyzstan", "KZ": "Kazakhstan"}
    names |= {"UA": "Ukraine", "MD": "Moldova", "PH": "Philippines", "Unknown": "Unknown"}
    assert table_counts(table) == {(y, names[c]): n for (y, c), n in expected.items()}
    assert [row.label for row in table.rows] == sorted({str(r.year) for r in in_kz})

    # ... and by year and type of exploitation.
    table = reference_table(
        analyst(world), dataset, country_of_exploitation="KZ", by=BY_EXPLOITATION
    )
    for row in table.rows:
        of_year = [r for r in in_kz if str(r.year) == row.label]
        assert row.values == (
            sum(_flag(r.labour) for r in of_year),
            sum(_flag(r.sexual) for r in of_year),
            sum(_flag(r.other) for r in of_year),
            sum(not any(_flag(f) for f in (r.labour, r.sexual, r.other)) for r in of_year),
        )


def test_the_values_of_one_row_are_read_as_published(world):
    row = Generated(
        year=2016,
        hotline=False,
        gender="Female",
        age="9--17",
        citizenship="TJ",
        exploited_in="KZ",
        labour="1",
        sexual="0",
        other="-99",
        labour_type="Construction",
    )
    dataset = imported(world, v6_file([row]))
    record = dataset.records.get()
    assert (record.year, record.gender, record.age_band, record.minor) == (
        2016,
        "female",
        "9-17",
        True,
    )
    assert (record.citizenship, record.country_of_exploitation) == ("TJ", "KZ")
    assert (record.forced_labour, record.sexual_exploitation, record.other_exploitation) == (
        True,
        False,
        None,
    )
    assert record.labour_types == ["Construction"]
    assert record.data_source == "Case Management"


def test_the_newer_synthetic_schema_with_alpha_3_citizenship(world):
    dataset = imported(world, synthetic_file(ROWS))
    assert dataset.schema == ReferenceSchema.SYNTHETIC
    assert dataset.terms_of_use == ""
    records = ReferenceRecord.objects.filter(dataset=dataset)
    assert Counter(records.values_list("citizenship", flat=True)) == Counter(
        "" if r.citizenship == "00" else r.citizenship for r in ROWS
    )
    assert Counter(records.values_list("gender", flat=True)) == Counter(
        {"Male": "male", "Female": "female", "-99": ""}.get(r.gender, "transgender") for r in ROWS
    )
    assert records.filter(country_of_exploitation="KZ").count() == sum(
        r.exploited_in == "KZ" for r in ROWS
    )


def test_a_file_without_a_byte_order_mark_and_with_lf_line_ends(world):
    data = v6_text(ROWS[:30]).replace("\r\n", "\n").encode("utf-8")
    assert imported(world, data).row_count == 30


def test_terms_of_use_over_several_lines_count_in_the_line_numbers(world):
    text = v6_text(ROWS[:5]).replace("CTDC terms of use:", "CTDC terms of use:\r\n")
    assert text.splitlines()[1].startswith(" the data may not")
    dataset = imported(world, text.encode())
    assert dataset.row_count == 5 and dataset.terms_of_use.startswith("By using this data;")
    records = list(csv.reader(io.StringIO(text), delimiter=";"))
    records[3][1] = "later"  # the third row, on line 5 of the file
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(records)
    assert refused(world, out.getvalue().encode()) == [
        "Line 5, column yearOfRegistration: “later” is not a year."
    ]


def test_the_import_is_audited(world):
    dataset = imported(world, v6_file(ROWS[:20]))
    event = AuditEvent.objects.get(action="stats.reference_import")
    assert event.object_id == dataset.uuid
    assert event.actor == world.a["data_analyst"].user


# --- Who may


def test_only_the_coordinators_analyst_imports(world):
    data = v6_file(ROWS[:5])
    with pytest.raises(NotFound):  # B's analyst holds the permission; B is not the coordinator
        reference_import(world.actor(world.b["data_analyst"]), name="x", file=io.BytesIO(data))
    make_coordinator(world.org_a)
    from opennrm.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        reference_import(world.actor(world.a["supervisor"]), name="x", file=io.BytesIO(data))
    assert not ReferenceDataset.objects.exists()


def test_the_national_view_finds_the_newest_data_set(world):
    assert reference_latest(actor=analyst(world)) is None
    imported(world, v6_file(ROWS[:3]), name="older")
    newer = imported(world, synthetic_file(ROWS[:3]), name="newer")
    assert reference_latest(actor=analyst(world)) == newer
    assert reference_latest(actor=world.actor(world.b["data_analyst"])) is None


# --- The command


def test_the_command_prints_the_rows_and_the_count_per_year(world, tmp_path: Path):
    path = tmp_path / "CTDC_global_dataset.csv"
    path.write_bytes(v6_file(ROWS))
    out = io.StringIO()
    call_command("import_ctdc", str(path), "--name", "CTDC v6", stdout=out)
    per_year = Counter(r.year for r in ROWS)
    assert out.getvalue().splitlines() == [
        f"{len(ROWS)} rows imported",
        *(f"{year} {per_year[year]}" for year in sorted(per_year)),
    ]
    dataset = ReferenceDataset.objects.get(name="CTDC v6")
    assert dataset.source_name == "CTDC_global_dataset.csv"
    assert dataset.imported_by is None
    event = AuditEvent.objects.get(action="stats.reference_import")
    assert event.actor is None


def test_the_command_names_what_is_wrong_and_saves_nothing(world, tmp_path: Path):
    path = tmp_path / "bad.csv"
    path.write_bytes(v6_file(ROWS[:10], separator=","))
    with pytest.raises(CommandError, match="separated by commas"):
        call_command("import_ctdc", str(path), stdout=io.StringIO())
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_ctdc", str(tmp_path / "none.csv"), stdout=io.StringIO())
    assert not ReferenceDataset.objects.exists()


def test_the_command_records_under_the_coordinator(world):
    make_coordinator(world.org_a)
    dataset = reference_import_system(name="x", file=io.BytesIO(v6_file(ROWS[:3])))
    event = AuditEvent.objects.get(action="stats.reference_import")
    assert (event.organization, event.object_id) == (world.org_a, dataset.uuid)


# --- Bad input: refused with what was wrong, nothing saved


def test_an_empty_file(world):
    assert refused(world, b"") == ["The file is empty."]
    assert refused(world, b"\xef\xbb\xbf\r\n") == ["The file is empty."]


def test_a_header_without_rows(world):
    assert refused(world, v6_file([])) == ["The file has a header but no rows."]


@pytest.mark.parametrize(("separator", "words"), [(",", "commas"), ("\t", "tabs")])
def test_another_separator(world, separator, words):
    (message,) = refused(world, v6_file(ROWS[:10], separator=separator))
    assert f"separated by {words}" in message


def test_a_missing_and_a_renamed_column(world):
    text = v6_text(ROWS[:10])
    header, rest = text.split("\r\n", 1)
    header = header.replace(";citizenship;", ";nationality;").replace(
        "CountryOfExploitation", "CountryOfExploit"
    )
    messages = refused(world, f"{header}\r\n{rest}".encode())
    assert messages == [
        "The column citizenship is missing.",
        "The column CountryOfExploitation is missing (renamed CountryOfExploit?).",
    ]


def test_a_non_numeric_year_names_the_line_and_column(world):
    # Line 4 of the file (the header is line 1): the third row.
    messages = refused(world, edited(ROWS[:10], {2: {"yearOfRegistration": "twenty"}}))
    assert messages == ["Line 4, column yearOfRegistration: “twenty” is not a year."]


def edited(rows: list[Generated], changes: dict[int, dict[str, str]]) -> bytes:
    """The v6 file of ``rows`` with values changed: {row index: {column: value}}."""
    records = list(csv.reader(io.StringIO(v6_text(rows)), delimiter=";"))
    at = {c: i + 1 for i, c in enumerate(V6_COLUMNS)}
    for index, values in changes.items():
        for column, value in values.items():
            records[index + 1][at[column]] = value
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(records)
    return out.getvalue().encode("utf-8")


def test_bad_values_are_each_named(world):
    data = edited(
        ROWS[:10],
        {0: {"isForcedLabour": "maybe", "citizenship": "U1", "ageBroad": "18--25"}},
    )
    lines = data.decode().split("\r\n")
    lines[5] = lines[5] + ";extra"
    messages = refused(world, "\r\n".join(lines).encode())
    assert messages == [
        "Line 2, column ageBroad: “18--25” is not one of CTDC's age bands "
        "(0-8, 9-17, 18-20, 21-23, 24-26, 27-29, 30-38, 39-47, 48+).",
        "Line 2, column citizenship: “U1” is not an ISO 3166 country code (two or three letters).",
        "Line 2, column isForcedLabour: “maybe” is not 0, 1 or -99.",
        "Line 6: 64 fields where the header has 63 (a value holding ; must be in quotation marks).",
    ]


def test_a_file_that_is_not_utf8(world):
    data = v6_text(ROWS[:5]).replace("CTDC terms", "CTDC términos").encode("latin-1")
    assert refused(world, data) == ["The file is not UTF-8 text; save it as UTF-8 CSV."]


def test_a_bad_row_far_down_saves_nothing_of_the_rows_before(world):
    messages = refused(world, edited(ROWS, {len(ROWS) - 2: {"yearOfRegistration": "20x5"}}))
    assert messages == [f"Line {len(ROWS)}, column yearOfRegistration: “20x5” is not a year."]


def test_a_name_is_required(world):
    with pytest.raises(ValidationFailed) as caught:
        reference_import(analyst(world), name=" ", file=io.BytesIO(v6_file(ROWS[:3])))
    assert "name" in caught.value.errors
