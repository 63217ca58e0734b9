"""Differentially private releases through OpenDP, and the privacy-budget ledger (decision 0023).

- **Neighbouring data sets** differ by one person (added or removed). Each person adds one to
  one cell of each table (``release_tables``), so a table's L1 sensitivity is 1.
- **Composition**: the epsilon of a release is split evenly over its tables (sequential
  composition); the releases of a data set add up in its ``PrivacyBudget``, which refuses a
  release over what remains.
- **Noise**: OpenDP's ``make_laplace`` over a vector of integers, which samples the discrete
  Laplace (geometric) distribution exactly; the scale is the smallest for which OpenDP's own
  privacy map gives at most the table's epsilon (``binary_search_param``).
- **Post-processing** (free of privacy cost): every noisy cell below zero becomes zero; totals
  are never noised on their own, they are the sums of the published cells, so every table adds
  up. Integers throughout. The metadata of the release says all of this, with the noise scale,
  the epsilon per table and the 95% accuracy of a cell as OpenDP computes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

import opendp.prelude as dp
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from opennrm.accounts import permissions as perms
from opennrm.accounts.models import Organization
from opennrm.accounts.permissions import Actor
from opennrm.accounts.timezones import local_today
from opennrm.audit.services import audit_record
from opennrm.errors import NotFound, ValidationFailed
from opennrm.validation import EARLIEST_RECORD, Checker

from . import release_tables
from .audit_dp import PrivacyAction
from .models_dp import EPSILON_PLACES, PrivacyBudget, Release
from .tables import Row, Table

dp.enable_features("contrib")

ALPHA = 0.05  # accuracy at 95%: |noise| stays within it with probability 0.95
MECHANISM = "discrete Laplace (OpenDP make_laplace on integers)"
DEFAULT_BUDGET = Decimal("3")  # total epsilon of a data set when the setting gives none
MAX_EPSILON = Decimal("100")
RELEASE_YEARS = 5  # the period a release covers unless one is chosen


def default_budget() -> Decimal:
    value = getattr(settings, "OPENNRM_STATS_PRIVACY_BUDGET", None)
    return Decimal(str(value)) if value is not None else DEFAULT_BUDGET


# --- Noise


def _space() -> tuple[Any, Any]:
    return dp.vector_domain(dp.atom_domain(T=int)), dp.l1_distance(T=int)


def noise_scale(epsilon: float) -> float:
    """The discrete Laplace scale giving ``epsilon`` for one table (L1 sensitivity 1), as OpenDP
    finds it: the smallest scale whose privacy map of 1 is at most ``epsilon``."""
    space = _space()
    return float(
        dp.binary_search_param(
            lambda scale: dp.m.make_laplace(*space, scale=scale), d_in=1, d_out=epsilon
        )
    )


def accuracy(scale: float) -> float:
    """The 95% accuracy of one noisy cell: OpenDP's bound on |noise| at ``ALPHA``."""
    return float(dp.discrete_laplacian_scale_to_accuracy(scale=scale, alpha=ALPHA))


@dataclass(frozen=True)
class NoisyTable:
    table: Table  # noisy cells and their totals
    epsilon: float
    scale: float
    accuracy: float


def _with_totals(table: Table, cells: list[list[int]]) -> Table:
    """The noisy cells with a total column and a total row computed from them."""
    rows = [Row(label=r.label, values=(*v, sum(v))) for r, v in zip(table.rows, cells, strict=True)]
    columns = [sum(row.values[j] or 0 for row in rows) for j in range(len(table.columns) + 1)]
    rows.append(Row(label=_("Total"), values=tuple(columns)))
    return Table(
        key=table.key,
        title=table.title,
        row_heading=table.row_heading,
        columns=(*table.columns, _("Total")),
        rows=tuple(rows),
        notes=table.notes,
    )


def noisy_table(table: Table, epsilon: float) -> NoisyTable:
    """``table`` with discrete Laplace noise for ``epsilon`` on every cell, clamped at zero, and
    its totals as the sums of the noisy cells."""
    scale = noise_scale(epsilon)
    measurement = dp.m.make_laplace(*_space(), scale=scale)
    width = len(table.columns)
    flat = [value or 0 for row in table.rows for value in row.values]
    released = measurement(flat) if flat else []
    cells = [
        [max(0, int(v)) for v in released[i * width : (i + 1) * width]]
        for i in range(len(table.rows))
    ]
    noted = Table(
        key=table.key,
        title=table.title,
        row_heading=table.row_heading,
        columns=table.columns,
        rows=table.rows,
        notes=(
            *table.notes,
            _(
                "Differential privacy: every count has random noise added (epsilon %(epsilon)s, "
                "noise scale %(scale)s); 95%% of the counts are off by at most %(accuracy)s. "
                "Negative counts are shown as 0; totals are the sums of the counts shown."
            )
            % {
                "epsilon": f"{epsilon:.4g}",
                "scale": f"{scale:.3g}",
                "accuracy": f"{accuracy(scale):.3g}",
            },
        ),
    )
    return NoisyTable(
        table=_with_totals(noted, cells), epsilon=epsilon, scale=scale, accuracy=accuracy(scale)
    )


# --- Tables as stored in a release


def table_to_json(table: Table) -> dict[str, Any]:
    return {
        "key": table.key,
        "title": table.title,
        "row_heading": table.row_heading,
        "columns": list(table.columns),
        "rows": [{"label": r.label, "values": list(r.values)} for r in table.rows],
        "notes": list(table.notes),
    }


def table_from_json(data: dict[str, Any]) -> Table:
    return Table(
        key=data["key"],
        title=data["title"],
        row_heading=data["row_heading"],
        columns=tuple(data["columns"]),
        rows=tuple(Row(label=r["label"], values=tuple(r["values"])) for r in data["rows"]),
        notes=tuple(data.get("notes", ())),
    )


# --- Selectors


@dataclass(frozen=True)
class BudgetLine:
    dataset: str
    label: str
    total: Decimal
    spent: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.total - self.spent


def budget_list(*, actor: Actor) -> list[BudgetLine]:
    """The privacy budget of every data set of the actor's organization, spent and remaining
    (a data set with no release yet has the default budget, nothing spent)."""
    actor.require(perms.STATS_RELEASE)
    stored = {
        b.dataset: b for b in PrivacyBudget.objects.filter(organization=actor.active_organization)
    }
    lines = []
    for dataset, label in release_tables.DATASETS.items():
        budget = stored.get(dataset)
        lines.append(
            BudgetLine(
                dataset=dataset,
                label=str(label),
                total=budget.total_epsilon if budget else default_budget(),
                spent=budget.spent_epsilon if budget else Decimal(0),
            )
        )
    return lines


def release_list(*, actor: Actor) -> QuerySet[Release]:
    """The releases of the actor's organization, newest first."""
    actor.require(perms.STATS_RELEASE)
    return Release.objects.filter(budget__organization=actor.active_organization).select_related(
        "budget"
    )


def release_get(*, actor: Actor, release_id: UUID | str) -> Release:
    """One release of the actor's organization; NotFound for any other."""
    release = release_list(actor=actor).filter(uuid=release_id).first()
    if release is None:
        raise NotFound(_("No such release."))
    return release


# --- The service


def _budget_locked(organization: Organization, dataset: str) -> PrivacyBudget:
    """The data set's budget row, locked until the transaction ends, made on first use.

    Locked alone (no select_related): on PostgreSQL, FOR UPDATE over a join also locks the joined
    rows and refuses the nullable side of an outer join; ``of=("self",)`` would be needed then."""
    if not PrivacyBudget.objects.filter(organization=organization, dataset=dataset).exists():
        try:
            with transaction.atomic():
                PrivacyBudget.objects.create(
                    organization=organization, dataset=dataset, total_epsilon=default_budget()
                )
        except IntegrityError:
            pass  # made meanwhile by another release
    return PrivacyBudget.objects.select_for_update().get(organization=organization, dataset=dataset)


def _check(
    organization: Organization,
    dataset: Any,
    tables: Any,
    epsilon: Any,
    first_year: Any,
    last_year: Any,
) -> tuple[str, list[str], Decimal, int, int]:
    check = Checker()
    dataset = check.choice("dataset", dataset, list(release_tables.DATASETS), required=True)
    keys = check.choices(
        "tables", tables, list(release_tables.TABLES_OF.get(dataset, ())), max_items=10
    )
    if not keys and not check.has("tables"):
        check.add("tables", _("Choose at least one table."))
    if len(set(keys)) != len(keys):
        check.add("tables", _("Each table only once."))
    amount = check.decimal(
        "epsilon",
        epsilon,
        above=Decimal(0),
        high=MAX_EPSILON,
        places=EPSILON_PLACES,
        required=True,
    )
    this_year = local_today(organization).year
    first = check.integer(
        "first_year", first_year, low=EARLIEST_RECORD.year, high=this_year, required=True
    )
    last = check.integer(
        "last_year", last_year, low=EARLIEST_RECORD.year, high=this_year, required=True
    )
    if first is not None and last is not None and not check.has("first_year"):
        if last < first:
            check.add("last_year", _("The last year comes before the first."))
        elif last - first + 1 > release_tables.MAX_YEARS:
            check.add(
                "last_year",
                _("At most %(count)d years in one release.") % {"count": release_tables.MAX_YEARS},
            )
    check.raise_if_errors()
    assert amount is not None and first is not None and last is not None
    return dataset, keys, amount, first, last


def release_years(organization: Organization) -> tuple[int, int]:
    """The years a release covers unless chosen: the last five, this year included."""
    this_year = local_today(organization).year
    return this_year - RELEASE_YEARS + 1, this_year


def release_create(
    *,
    actor: Actor,
    dataset: str,
    tables: list[str],
    epsilon: Decimal | float | str,
    first_year: int | None = None,
    last_year: int | None = None,
) -> Release:
    """Publish noisy ``tables`` of ``dataset`` for the actor's organization, spending
    ``epsilon`` of the data set's budget; refused over what remains. One transaction with its
    audit event; the budget row is locked so two releases cannot both spend the last of it."""
    actor.require(perms.STATS_RELEASE)
    organization = actor.active_organization
    default_first, default_last = release_years(organization)
    dataset, keys, amount, first, last = _check(
        organization,
        dataset,
        tables,
        epsilon,
        default_first if first_year is None else first_year,
        default_last if last_year is None else last_year,
    )
    with transaction.atomic():
        budget = _budget_locked(organization, dataset)
        remaining = budget.total_epsilon - budget.spent_epsilon
        if amount > remaining:
            message = _(
                "This release needs epsilon %(epsilon)s, but the privacy budget of this data set "
                "has %(remaining)s left (%(spent)s of %(total)s spent)."
            ) % {
                "epsilon": _plain(amount),
                "remaining": _plain(remaining),
                "spent": _plain(budget.spent_epsilon),
                "total": _plain(budget.total_epsilon),
            }
            raise ValidationFailed.of({"epsilon": [message]}, message)
        true_tables = release_tables.release_tables(
            organization=organization,
            dataset=dataset,
            keys=keys,
            first_year=first,
            last_year=last,
        )
        per_table = float(amount) / len(true_tables)
        noisy = [noisy_table(table, per_table) for table in true_tables]
        release = Release.objects.create(
            budget=budget,
            epsilon=amount,
            tables=[table_to_json(n.table) for n in noisy],
            metadata={
                "dataset": dataset,
                "mechanism": MECHANISM,
                "library": f"opendp {dp.__version__}",
                "privacy_unit": "one person (added or removed); L1 sensitivity 1 per table",
                "composition": "sequential: the release's epsilon split evenly over its tables",
                "post_processing": "negative counts set to 0; totals are sums of the cells",
                "epsilon": str(amount),
                "first_year": first,
                "last_year": last,
                "alpha": ALPHA,
                "tables": {
                    n.table.key: {
                        "epsilon": n.epsilon,
                        "noise_scale": n.scale,
                        "accuracy_95": n.accuracy,
                    }
                    for n in noisy
                },
            },
            created_by=actor.user,
        )
        budget.spent_epsilon += amount
        budget.save(update_fields=["spent_epsilon"])
        audit_record(actor=actor, action=PrivacyAction.RELEASE_CREATE, obj=release)
    return release


def _plain(value: Decimal) -> str:
    """An epsilon as people write it: 0.5, not 0.500000."""
    return format(value.normalize(), "f")


def release_tables_of(release: Release) -> list[Table]:
    """The noisy tables of a release, as published."""
    return [table_from_json(data) for data in release.tables]
