"""Differentially private releases (opennrm/stats/dp.py, decision 0023): the tables they count,
the noise and its post-processing, the budget ledger, and the pages of the analyst."""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal

import opendp.prelude as dp_lib
import pytest

from opennrm.audit.models import AuditEvent
from opennrm.errors import PermissionDenied, ValidationFailed
from opennrm.stats import dp
from opennrm.stats.models_dp import PrivacyBudget, Release
from opennrm.stats.release_tables import release_tables
from opennrm.stats.tables import Row, Table
from tests.stats.dp_factories import a_release, open_case

dp_lib.enable_features("contrib")


def analyst(world, org: str = "a"):
    return world.actor(getattr(world, org)["data_analyst"])


def values(table: Table) -> list[tuple[str, tuple[int | None, ...]]]:
    return [(row.label, row.values) for row in table.rows]


# --- The true tables


def test_the_tables_count_each_person_allowing_statistics_once(world):
    open_case(world, gender="Feminine", citizenship="UZ", opened_on=date(2024, 5, 1))
    open_case(world, gender="Feminine", citizenship="TJ", opened_on=date(2025, 2, 1))
    open_case(world, gender="Masculine", citizenship="TJ", opened_on=date(2025, 3, 1))
    open_case(world, gender="NonSpecifiedUnknown", citizenship="", opened_on=date(2025, 4, 1))
    open_case(world, gender="Masculine", citizenship="MD", opened_on=date(2025, 4, 1))
    # Not counted: no statistics consent, a withdrawn one, another organization, before 2024.
    open_case(world, opened_on=date(2025, 1, 1), statistics=False)
    open_case(world, opened_on=date(2025, 1, 1), withdrawn=True)
    open_case(world, org="b", opened_on=date(2025, 1, 1))
    open_case(world, opened_on=date(2023, 1, 1))
    by_sex, by_citizenship = release_tables(
        organization=world.org_a,
        dataset="cases",
        keys=["year_sex", "year_citizenship"],
        first_year=2024,
        last_year=2026,
    )
    assert by_sex.columns == ("Female", "Male", "Other or unknown")
    assert values(by_sex) == [("2024", (1, 0, 0)), ("2025", (1, 2, 1)), ("2026", (0, 0, 0))]
    # Every release country a column, whether anyone is from it or not; then the rest.
    assert by_citizenship.columns[-1] == "Other or unknown"
    assert len(by_citizenship.columns) == 11
    tajikistan = by_citizenship.columns.index("Tajikistan")
    uzbekistan = by_citizenship.columns.index("Uzbekistan")
    row_2025 = by_citizenship.rows[1].values
    assert (row_2025[tajikistan], row_2025[uzbekistan], row_2025[-1]) == (2, 0, 2)
    assert sum(row_2025) == 4
    assert by_citizenship.rows[0].values[uzbekistan] == 1


# --- Noise and post-processing


def _table(rows: list[list[int]]) -> Table:
    return Table(
        key="t",
        title="t",
        row_heading="Year",
        columns=tuple(f"c{j}" for j in range(len(rows[0]))),
        rows=tuple(Row(str(2020 + i), tuple(r)) for i, r in enumerate(rows)),
    )


def test_noisy_counts_are_whole_non_negative_and_add_up():
    true = _table([[0, 0, 1], [0, 2, 0], [30, 0, 0]])
    for _attempt in range(20):  # epsilon 0.1: scale 10, many draws would be negative
        noisy = dp.noisy_table(true, 0.1).table
        assert noisy.columns == ("c0", "c1", "c2", "Total")
        assert noisy.rows[-1].label == "Total"
        cells = [row.values for row in noisy.rows]
        for row in cells:
            assert all(isinstance(v, int) and v >= 0 for v in row)
        for row in cells[:-1]:
            assert row[-1] == sum(row[:-1])
        for j in range(4):
            assert cells[-1][j] == sum(row[j] for row in cells[:-1])


def test_noise_is_added():
    true = _table([[50] * 10] * 5)
    draws = {dp.noisy_table(true, 0.5).table.rows[0].values for _ in range(5)}
    assert len(draws) > 1  # fifty cells, five draws: not all alike


@pytest.mark.parametrize("epsilon", [0.05, 0.5, 1.0, 2.5])
def test_the_noise_scale_is_what_opendp_reports(epsilon):
    scale = dp.noise_scale(epsilon)
    space = dp_lib.vector_domain(dp_lib.atom_domain(T=int)), dp_lib.l1_distance(T=int)
    measurement = dp_lib.m.make_laplace(*space, scale=scale)
    assert measurement.map(1) <= epsilon  # OpenDP's own privacy map of one person
    assert math.isclose(scale, 1 / epsilon, rel_tol=1e-6)
    assert dp.accuracy(scale) == dp_lib.discrete_laplacian_scale_to_accuracy(scale, alpha=0.05)


# --- The ledger


def test_a_release_spends_its_epsilon_and_says_how_it_was_made(world):
    for n in range(3):
        open_case(world, opened_on=date(2025, 1, 1 + n))
    release = dp.release_create(
        actor=analyst(world),
        dataset="cases",
        tables=["year_sex", "year_citizenship"],
        epsilon="1",
        first_year=2024,
        last_year=2025,
    )
    budget = PrivacyBudget.objects.get(organization=world.org_a, dataset="cases")
    assert (budget.total_epsilon, budget.spent_epsilon) == (Decimal(3), Decimal(1))
    meta = release.metadata
    assert meta["mechanism"] == dp.MECHANISM
    assert meta["epsilon"] == "1"
    assert (meta["first_year"], meta["last_year"]) == (2024, 2025)
    for key in ("year_sex", "year_citizenship"):
        table = meta["tables"][key]
        assert table["epsilon"] == 0.5  # split evenly: sequential composition
        found = dp_lib.binary_search_param(
            lambda s: dp_lib.m.make_laplace(
                dp_lib.vector_domain(dp_lib.atom_domain(T=int)), dp_lib.l1_distance(T=int), scale=s
            ),
            d_in=1,
            d_out=0.5,
        )
        assert table["noise_scale"] == found
        assert table["accuracy_95"] == dp_lib.discrete_laplacian_scale_to_accuracy(
            found, alpha=0.05
        )
    tables = dp.release_tables_of(release)
    assert [t.key for t in tables] == ["year_sex", "year_citizenship"]
    assert [r.label for r in tables[0].rows] == ["2024", "2025", "Total"]
    assert any("noise scale 2" in note for note in tables[0].notes)
    event = AuditEvent.objects.get(action="stats.release_create")
    assert (event.object_id, event.organization_id) == (release.uuid, world.org_a.pk)


@pytest.mark.parametrize(
    "epsilon",
    [0, -1, "0", "-0.5", "nan", "NaN", "inf", float("nan"), float("inf"), "abc", "", None],
)
def test_an_epsilon_of_zero_or_less_or_not_finite_is_refused(world, epsilon):
    with pytest.raises(ValidationFailed) as refused:
        dp.release_create(
            actor=analyst(world), dataset="cases", tables=["year_sex"], epsilon=epsilon
        )
    assert list(refused.value.errors) == ["epsilon"]
    assert not Release.objects.exists()
    assert not PrivacyBudget.objects.filter(spent_epsilon__gt=0).exists()


def test_a_release_over_the_budget_is_refused_saying_what_is_left(world, settings):
    settings.OPENNRM_STATS_PRIVACY_BUDGET = "3"
    actor = analyst(world)
    dp.release_create(actor=actor, dataset="cases", tables=["year_sex"], epsilon="2.5")
    with pytest.raises(ValidationFailed) as refused:
        dp.release_create(actor=actor, dataset="cases", tables=["year_sex"], epsilon=1)
    assert refused.value.errors["epsilon"] == [
        "This release needs epsilon 1, but the privacy budget of this data set has 0.5 left "
        "(2.5 of 3 spent)."
    ]
    assert Release.objects.count() == 1
    assert PrivacyBudget.objects.get(organization=world.org_a).spent_epsilon == Decimal("2.5")


def test_the_last_of_a_budget_is_spent_once(world):
    """Two releases after the budget is nearly spent: the first takes what is left, the second is
    refused (the budget row is locked and read again inside each release's transaction)."""
    actor = analyst(world)
    dp.release_create(actor=actor, dataset="cases", tables=["year_sex"], epsilon="2.9")
    first = dp.release_create(actor=actor, dataset="cases", tables=["year_sex"], epsilon="0.1")
    with pytest.raises(ValidationFailed, match=r"has 0 left \(3 of 3 spent\)"):
        dp.release_create(actor=actor, dataset="cases", tables=["year_sex"], epsilon="0.1")
    budget = PrivacyBudget.objects.get(organization=world.org_a, dataset="cases")
    assert budget.spent_epsilon == budget.total_epsilon == Decimal(3)
    assert list(Release.objects.filter(budget=budget).order_by("id"))[-1] == first
    assert AuditEvent.objects.filter(action="stats.release_create").count() == 2


def test_each_organization_has_its_own_budget(world):
    dp.release_create(actor=analyst(world, "a"), dataset="cases", tables=["year_sex"], epsilon=3)
    dp.release_create(actor=analyst(world, "b"), dataset="cases", tables=["year_sex"], epsilon=3)
    assert PrivacyBudget.objects.filter(spent_epsilon=3).count() == 2


def test_bad_tables_and_years_are_refused_by_field(world):
    with pytest.raises(ValidationFailed) as refused:
        dp.release_create(
            actor=analyst(world),
            dataset="cases",
            tables=["names"],
            epsilon=1,
            first_year=2026,
            last_year=2020,
        )
    assert set(refused.value.errors) == {"tables[0]", "last_year"}
    with pytest.raises(ValidationFailed) as refused:
        dp.release_create(actor=analyst(world), dataset="cases", tables=[], epsilon=1)
    assert refused.value.errors == {"tables": ["Choose at least one table."]}
    with pytest.raises(ValidationFailed) as refused:
        dp.release_create(actor=analyst(world), dataset="persons", tables=["year_sex"], epsilon=1)
    assert "dataset" in refused.value.errors


def test_only_the_analyst_releases(world):
    with pytest.raises(PermissionDenied):
        dp.release_create(
            actor=world.actor(world.a["supervisor"]),
            dataset="cases",
            tables=["year_sex"],
            epsilon=1,
        )
    assert not Release.objects.exists()


# --- The pages


def test_the_page_shows_the_budget_and_makes_a_release(world, signed_in):
    client = signed_in(world.a["data_analyst"].user, world.a["data_analyst"])
    page = client.get("/stats/releases/")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'id="privacy-budgets"' in body and "No release yet." in body
    made = client.post(
        "/stats/releases/",
        {"tables": ["year_sex"], "epsilon": "0.5", "first_year": "2024", "last_year": "2026"},
    )
    release = Release.objects.get()
    assert made["Location"] == f"/stats/releases/{release.uuid}/"
    detail = client.get(made["Location"]).content.decode()
    assert 'id="figure-year_sex"' in detail and "People assisted by year and sex" in detail
    assert "Noise scale" in detail and "2.000" in detail
    listed = client.get("/stats/releases/").content.decode()
    assert str(release.uuid) in listed
    assert "2.5" in listed  # remaining of 3


def test_the_page_shows_a_refusal_beside_the_field(world, signed_in):
    client = signed_in(world.a["data_analyst"].user, world.a["data_analyst"])
    page = client.post("/stats/releases/", {"tables": ["year_sex"], "epsilon": "0"})
    assert page.status_code == 200
    assert 'id="id_epsilon-error"' in page.content.decode()
    assert not Release.objects.exists()


def test_another_organizations_release_is_not_found(world, signed_in):
    release = a_release(world, "a")
    client = signed_in(world.b["data_analyst"].user, world.b["data_analyst"])
    assert client.get(f"/stats/releases/{release.uuid}/").status_code == 404


def test_a_released_table_downloads_as_published(world, signed_in):
    release = a_release(world, "a")
    client = signed_in(world.a["data_analyst"].user, world.a["data_analyst"])
    answer = client.get(f"/stats/releases/{release.uuid}/?download=year_sex&format=csv")
    assert answer["Content-Disposition"] == 'attachment; filename="year_sex.csv"'
    lines = answer.content.decode("utf-8-sig").splitlines()
    published = dp.release_tables_of(release)[0]
    assert lines[0] == ";".join(["Year", *published.columns])
    assert lines[-1] == ";".join(["Total", *(str(v) for v in published.rows[-1].values)])
    assert AuditEvent.objects.filter(action="stats.table_download").count() == 1


@pytest.mark.parametrize("role, shown", [("data_analyst", True), ("supervisor", False)])
def test_the_releases_are_in_the_analyst_s_navigation(world, signed_in, role, shown):
    membership = world.a[role]
    html = signed_in(membership.user, membership).get("/").content.decode()
    nav = html[html.index('class="mainnav"') : html.index("</nav>")]
    assert ('href="/stats/releases/"' in nav) is shown
