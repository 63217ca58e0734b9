"""Small-cell suppression (opennrm/stats/disclosure.py, decision 0023) on tables worked by hand,
then attacked: every suppressed count is solved for from what is published (linear programming
over the published counts, the totals and non-negativity) and must not come out as one value."""

from __future__ import annotations

import random
from datetime import date

import pytest

from opennrm.errors import ApplicationError, ValidationFailed
from opennrm.stats.disclosure import suppress, suppress_consistently, suppression_threshold
from opennrm.stats.tables import Row, Table
from tests.stats.attack import Knowledge, add_table, unknowns

_ = None  # a suppressed cell, as the expected tables below are written


def table(rows: list[tuple[str, list[int]]], columns: tuple[str, ...] = ("F", "M")) -> Table:
    return Table(
        key="t",
        title="People by year and sex",
        row_heading="Year",
        columns=columns,
        rows=tuple(Row(label, tuple(values)) for label, values in rows),
    )


def published(t: Table) -> list[tuple[str, tuple[int | None, ...]]]:
    return [(row.label, row.values) for row in t.rows]


def assert_not_pinned(original: Table, out: Table, **totals: bool) -> None:
    """The attack: the least and the most each suppressed cell can be, from what is published;
    they must differ, and hold the true count."""
    knowledge = Knowledge()
    grid = add_table(out, "t", knowledge, **totals)
    truth = {}
    for i, row in enumerate(grid):
        for j, term in enumerate(row):
            if not isinstance(term, int):
                truth[term] = _true(original, i, j)
    for cell in unknowns(grid):
        low, high = knowledge.bounds({cell: 1.0})
        assert low <= truth[cell] <= high
        assert high - low >= 1, f"cell {cell} is pinned to {low}"


def _true(t: Table, i: int, j: int) -> int:
    """A cell of ``t`` with its totals (a last column and a last row), from the original."""
    rows = [list(r.values) for r in t.rows]
    width = len(t.columns)
    with_totals = [[*r, sum(r)] if width > 1 else r for r in rows]
    if len(rows) > 1:
        with_totals.append([sum(col) for col in zip(*with_totals, strict=True)])
    return with_totals[i][j]


def test_a_small_cell_and_its_complements_by_hand():
    # 3 men in 2004 is suppressed; then, line by line (rows, then columns, from the top), each
    # line hiding one count hides its smallest other positive count: 20 (row 2004), 15 (column
    # F), 40 (row 2006). The four hidden cells form a cycle no total can break.
    original = table([("2004", [20, 3]), ("2005", [30, 25]), ("2006", [15, 40])])
    out = suppress(original)
    assert out.columns == ("F", "M", "Total")
    assert published(out) == [
        ("2004", (_, _, 23)),
        ("2005", (30, 25, 55)),
        ("2006", (_, _, 55)),
        ("Total", (65, 68, 133)),
    ]
    assert out.notes == (
        "Counts from 1 to 10 are suppressed (shown as a dash) so that no one can be singled "
        "out; a zero is shown.",
        "3 more cells are suppressed so that no suppressed count can be worked out from the "
        "totals.",
    )
    assert_not_pinned(original, out)


def test_zeros_are_shown_and_never_chosen_as_complements():
    # Primary: 3 and 2. Complements: 12 (row 2004), 15 (row 2006), 20 (column a), 25 (column b),
    # 30 (row 2005: the zero beside it is not taken, it could only be guessed upward).
    original = table(
        [("2004", [20, 3, 12]), ("2005", [30, 25, 0]), ("2006", [15, 40, 2])],
        columns=("a", "b", "c"),
    )
    out = suppress(original)
    assert published(out) == [
        ("2004", (_, _, _, 35)),
        ("2005", (_, _, 0, 55)),
        ("2006", (_, 40, _, 57)),
        ("Total", (65, 68, 14, 147)),
    ]
    assert_not_pinned(original, out)


def test_a_small_total_is_suppressed_and_protected_like_a_cell():
    # Kazakhstan: 4 women, 3 men, 7 in all: the three are primary. Columns F, M and Total each
    # hide one of them, so each hides its smallest other count: 20, 30, 50 (all of row UZ).
    original = table([("KZ", [4, 3]), ("UZ", [20, 30])])
    out = suppress(original)
    assert published(out) == [("KZ", (_, _, _)), ("UZ", (_, _, _)), ("Total", (24, 33, 57))]
    assert_not_pinned(original, out)


def test_one_row_one_column_and_one_cell():
    # One row: no total row (it would repeat the row); the row total is published.
    one_row = table([("2025", [20, 3, 12, 0])], columns=("a", "b", "c", "d"))
    out = suppress(one_row)
    assert published(out) == [("2025", (20, _, _, 0, 35))]
    assert_not_pinned(one_row, out, column_totals=False)
    # One column: no total column; the column total is published.
    one_column = table([("KZ", [3]), ("UZ", [30]), ("TJ", [12])], columns=("People",))
    out = suppress(one_column)
    assert out.columns == ("People",)
    assert published(out) == [("KZ", (_,)), ("UZ", (30,)), ("TJ", (_,)), ("Total", (45,))]
    assert_not_pinned(one_column, out, row_totals=False)
    # One cell: it is its own total; hidden when small, nothing else to do.
    assert published(suppress(table([("2025", [3])], columns=("People",)))) == [("2025", (_,))]
    assert published(suppress(table([("2025", [0])], columns=("People",)))) == [("2025", (0,))]


def test_totals_not_published_are_still_protected_against():
    # The totals are known elsewhere (the dashboard's cases by year): same hiding, no margins.
    original = table([("2004", [20, 3]), ("2005", [30, 25]), ("2006", [15, 40])])
    out = suppress(original, totals=False)
    assert out.columns == ("F", "M")
    assert published(out) == [("2004", (_, _)), ("2005", (30, 25)), ("2006", (_, _))]


def test_nothing_to_hide():
    original = table([("2004", [20, 11]), ("2005", [0, 25])])
    out = suppress(original)
    assert published(out) == [
        ("2004", (20, 11, 31)),
        ("2005", (0, 25, 25)),
        ("Total", (20, 36, 56)),
    ]
    assert len(out.notes) == 1  # the rule; no complementary cell


@pytest.mark.parametrize("seed", range(40))
def test_random_tables_resist_the_attack(seed):
    """Small random tables, many small counts and zeros: no suppressed cell can be pinned."""
    rng = random.Random(seed)
    rows, columns = rng.randint(1, 5), rng.randint(1, 5)
    original = table(
        [
            (f"r{i}", [rng.choice([0, 0, 1, 2, 5, 9, 12, 20, 40]) for _j in range(columns)])
            for i in range(rows)
        ],
        columns=tuple(f"c{j}" for j in range(columns)),
    )
    out = suppress(original)
    for row_in, row_out in zip(original.rows, out.rows, strict=False):
        for value, shown in zip(row_in.values, row_out.values, strict=False):
            assert shown is None or shown == value
            assert not (0 < value < 11 and shown is not None)
    assert_not_pinned(original, out, row_totals=columns > 1, column_totals=rows > 1)


# --- Thresholds


def test_the_threshold_comes_from_the_setting_or_the_call(settings):
    original = table([("2004", [20, 5]), ("2005", [30, 4])])
    settings.OPENNRM_STATS_SUPPRESSION_THRESHOLD = 5
    assert suppression_threshold() == 5
    # 5 is shown, 4 is not; then 30 (row 2005), 20 (column F), 5 (row 2004).
    assert published(suppress(original)) == [
        ("2004", (_, _, 25)),
        ("2005", (_, _, 34)),
        ("Total", (50, 9, 59)),
    ]
    assert published(suppress(original, threshold=2))[1] == ("2005", (30, 4, 34))
    settings.OPENNRM_STATS_SUPPRESSION_THRESHOLD = 1
    with pytest.raises(ValidationFailed):
        suppress(original)


@pytest.mark.parametrize("bad", [1, 0, -11])
def test_a_threshold_below_2_is_refused_saying_why(bad):
    with pytest.raises(ApplicationError) as refused:
        suppress(table([("2004", [20, 3])]), threshold=bad)
    assert refused.value.message == (
        f"The suppression threshold must be at least 2 (it is {bad}): a count of 1 is a person."
    )
    assert refused.value.errors == {"threshold": [refused.value.message]}


@pytest.mark.parametrize("bad", [1.5, "11", True, None])
def test_a_threshold_that_is_not_a_whole_number_is_refused(bad, settings):
    if bad is None:
        settings.OPENNRM_STATS_SUPPRESSION_THRESHOLD = "eleven"
    with pytest.raises(ValidationFailed) as refused:
        suppress(table([("2004", [20, 3])]), threshold=bad)
    assert refused.value.message == "The suppression threshold must be a whole number."


# --- Periods


H1 = (date(2025, 1, 1), date(2025, 6, 30))
JAN_JUL = (date(2025, 1, 1), date(2025, 7, 31))
Period = tuple[date, date]
Counts = list[list[int]]


def periods_of(stretches: dict[Period, Counts], periods: list[Period]) -> dict[Period, Table]:
    """Each period's table: the sum of the stretches of time inside it (the truth)."""
    tables = {}
    for start, end in periods:
        inside = [c for (s, e), c in stretches.items() if start <= s and e <= end]
        summed = [[sum(c[i][j] for c in inside) for j in range(2)] for i in range(2)]
        tables[(start, end)] = table([("KZ", summed[0]), ("UZ", summed[1])])
    return tables


def attack_periods(stretches: dict[Period, Counts], out: dict[Period, Table]) -> None:
    """The published periods are sums of unknown stretches of time: no suppressed cell, and no
    small count of any run of consecutive stretches (with its totals), may be pinned."""
    knowledge = Knowledge()
    atoms = sorted(stretches)
    hidden = {
        (atom, i, j): knowledge.variable(("atom", atom, i, j))
        for atom in atoms
        for i in range(2)
        for j in range(2)
    }
    for period, published_table in out.items():
        grid = add_table(published_table, period, knowledge)
        inside = [a for a in atoms if period[0] <= a[0] and a[1] <= period[1]]
        for i in range(2):
            for j in range(2):
                knowledge.equal([(grid[i][j], 1.0), *((hidden[(a, i, j)], -1.0) for a in inside)])
        for cell in unknowns(grid):
            low, high = knowledge.bounds({cell: 1.0})
            assert high - low >= 1, f"{period} cell {cell} pinned to {low}"
    for first in range(len(atoms)):
        for last in range(first, len(atoms)):
            run = atoms[first : last + 1]
            # Each cell of the run, each row and column total, the grand total.
            for cells in [
                *([(i, j)] for i in range(2) for j in range(2)),
                *([(i, 0), (i, 1)] for i in range(2)),
                *([(0, j), (1, j)] for j in range(2)),
                [(0, 0), (0, 1), (1, 0), (1, 1)],
            ]:
                true = sum(stretches[a][i][j] for a in run for i, j in cells)
                if 0 < true < 11:
                    combination = {hidden[(a, i, j)]: 1.0 for a in run for i, j in cells}
                    low, high = knowledge.bounds(combination)
                    assert high - low >= 1, f"{run[0][0]}..{run[-1][1]} {cells} is {low}"


def test_two_overlapping_periods_cannot_be_subtracted():
    # July alone is January–July minus January–June: 2 Kazakh women, 5 Uzbek men.
    july = (date(2025, 7, 1), date(2025, 7, 31))
    stretches = {H1: [[20, 30], [15, 40]], july: [[2, 0], [0, 5]]}
    tables = periods_of(stretches, [H1, JAN_JUL])
    assert tables[JAN_JUL].rows[0].values == (22, 30)
    out = suppress_consistently(tables, threshold=11)
    # No count is shown in both where the difference is small.
    for i in range(3):
        for j in range(3):
            a, b = out[H1].rows[i].values[j], out[JAN_JUL].rows[i].values[j]
            if a is not None and b is not None:
                assert b - a == 0 or b - a >= 11
    assert "subtracting one period from another" in out[H1].notes[-1]
    attack_periods(stretches, out)


def test_a_year_and_its_quarters():
    quarters = [
        (date(2025, 1, 1), date(2025, 3, 31)),
        (date(2025, 4, 1), date(2025, 6, 30)),
        (date(2025, 7, 1), date(2025, 9, 30)),
        (date(2025, 10, 1), date(2025, 12, 31)),
    ]
    counts = [[[20, 12], [30, 14]], [[25, 3], [31, 16]], [[18, 13], [40, 15]], [[22, 11], [35, 19]]]
    stretches = dict(zip(quarters, counts, strict=True))
    out = suppress_consistently(
        periods_of(stretches, [*quarters, (date(2025, 1, 1), date(2025, 12, 31))])
    )
    assert out[quarters[1]].rows[0].values[1] is None  # the 3 of the second quarter
    attack_periods(stretches, out)


def test_periods_that_overlap_without_nesting():
    # April–June is January–June plus April–September minus January–September: no two of the
    # published periods differ by it, their combination does.
    q1, q2, q3 = (
        (date(2025, 1, 1), date(2025, 3, 31)),
        (date(2025, 4, 1), date(2025, 6, 30)),
        (date(2025, 7, 1), date(2025, 9, 30)),
    )
    stretches = {q1: [[30, 25], [40, 22]], q2: [[4, 0], [3, 2]], q3: [[28, 31], [19, 45]]}
    periods = [(q1[0], q2[1]), (q2[0], q3[1]), (q1[0], q3[1])]
    out = suppress_consistently(periods_of(stretches, periods))
    attack_periods(stretches, out)


def test_periods_must_have_the_same_shape():
    with pytest.raises(ValueError):
        suppress_consistently(
            {H1: table([("KZ", [20, 30])]), JAN_JUL: table([("UZ", [20, 30])])}, threshold=11
        )


def test_the_line_rule_alone_is_not_enough(monkeypatch):
    """Every row and column hiding two cells can still leave a cell that the totals give away
    (two cycles of hidden cells joined by one cell); the exact check finds and closes it."""
    from opennrm.stats import disclosure

    original = table(
        [
            ("r0", [0, 5, 40, 20]),
            ("r1", [12, 5, 20, 9]),
            ("r2", [2, 40, 1, 5]),
            ("r3", [1, 0, 5, 40]),
        ],
        columns=("a", "b", "c", "d"),
    )
    assert_not_pinned(original, suppress(original))
    monkeypatch.setattr(disclosure._Problem, "_exact_rule", lambda self: False)
    with pytest.raises(AssertionError, match="pinned"):
        assert_not_pinned(original, suppress(original))


def test_an_empty_table_and_a_table_already_suppressed():
    empty = table([], columns=("F", "M"))
    assert suppress(empty).rows == ()
    assert suppress(table([("2025", [0, 0])])).rows[0].values == (0, 0, 0)
    with pytest.raises(ValueError, match="suppressed or negative"):
        suppress(table([("2025", [None, 3])]))  # type: ignore[list-item]
