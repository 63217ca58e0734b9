"""The national view: the figures of every organization that shares its statistics with the
national coordinator, for the coordinator's data analyst (decision 0022).

What it counts, and what it never shows:

- the organizations with a data-sharing agreement in force today (``sharing``);
- only cases whose person consented to statistical use (``Scope.statistical_consent_only``);
- a person recorded by several organizations once: the latest national duplicate search's groups
  (``linkage.PersonCluster``) join the records, and people are counted once per group
  (``Scope.linkage_run``); cases stay cases;
- every table through small-cell suppression and its secondary suppression
  (``disclosure.suppress``), so a count under the threshold is never shown nor recoverable from
  the totals;
- no table per worker, and nothing that leads to a person, a case number or a worker: the labels
  are categories, organizations' countries and months.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from opennrm.accounts import permissions as perms
from opennrm.accounts.models import Organization
from opennrm.accounts.permissions import Actor
from opennrm.accounts.timezones import local_today
from opennrm.errors import NotFound
from opennrm.linkage.batch import latest_national_run
from opennrm.locales import country_name

from . import queries
from .cache import cached, is_cached
from .dashboard import Section
from .disclosure import suppress
from .queries import Scope
from .sharing import sharing_organization_ids
from .tables import Row, Table


def national_allowed(actor: Actor) -> bool:
    """The national view is the national coordinator's analyst's alone."""
    organization = actor.organization
    return (
        actor.can(perms.STATS_NATIONAL)
        and organization is not None
        and organization.national_coordinator
    )


def coordinator_of(actor: Actor) -> Organization:
    """The national coordinator organization the actor is the analyst of; NotFound otherwise."""
    actor.require(perms.STATS_NATIONAL)
    if not national_allowed(actor):
        raise NotFound(_("Page not found."))
    return actor.active_organization


@dataclass(frozen=True)
class National:
    scope: Scope
    organizations: int  # sharing today
    linked_records: int  # person records of the scope counted with another of the same person


def national_scope(*, actor: Actor, start: date, end: date) -> National:
    """The scope of the national view over the period: the sharing organizations, consented
    cases, people counted once per group of the latest national duplicate search. NotFound for
    anyone but the coordinator's analyst."""
    return national_scope_of(coordinator=coordinator_of(actor), start=start, end=end)


def national_scope_of(*, coordinator: Organization, start: date, end: date) -> National:
    """The same for the national coordinator ``coordinator``, with no actor: for the server's
    operator (``manage.py annual_report --national``); the caller checks who asks."""
    today = local_today(coordinator)
    organization_ids = tuple(sharing_organization_ids(coordinator=coordinator, on=today))
    run = latest_national_run()
    scope = Scope(
        organization_ids=organization_ids,
        start=start,
        end=end,
        statistical_consent_only=True,
        time_zone=coordinator.time_zone,
        linkage_run=run.pk if run is not None else None,
    )
    return National(scope, len(organization_ids), cached(linked_records)(scope))


def linked_records(scope: Scope) -> int:
    """How many of the scope's person records are counted together with another: the
    persons minus the people."""
    if scope.linkage_run is None:
        return 0
    return queries.linked_records(scope)


def cases_by_organization_country(national: National) -> Table:
    """Cases opened by the country of the organization that recorded them, in the period and
    the period before: how each country's figures moved ("Tajikistan: 93, up from 41")."""
    return cases_by_country_of_organization(national.scope)


def cases_by_country_of_organization(scope: Scope) -> Table:
    """`cases_by_organization_country` of a scope (what the cache keys on)."""
    previous = scope.previous()

    def counts(s: Scope) -> dict[str, int]:
        per = queries.counted(s, "opened", by_organization=True)
        country = dict(
            Organization.objects.filter(pk__in=s.organization_ids).values_list("pk", "country")
        )
        out: dict[str, int] = {}
        for (organization_id, _key), n in per.items():
            code = country.get(organization_id, "")
            out[code] = out.get(code, 0) + n
        return {code: n for code, n in out.items() if n}

    now, before = counts(scope), counts(previous)
    countries = sorted(set(now) | set(before), key=lambda code: -now.get(code, 0))
    rows = tuple(
        Row(country_name(code) or code, (before.get(code, 0), now.get(code, 0)))
        for code in countries
    )
    return Table(
        key="cases-by-organization-country",
        title=_("Cases opened, by the country of the organization"),
        row_heading=_("Country of the organization"),
        columns=(previous.label(), scope.label()),
        rows=rows,
    )


def national_tables() -> list[tuple[str, list[Callable[[Scope], Table]]]]:
    """The national view's sections: a title and the functions of its tables, in page order."""
    return [
        (
            _("Cases"),
            [
                cases_by_country_of_organization,
                queries.cases_by_month,
                queries.cases_by_exploitation_type,
                queries.cases_by_country_of_exploitation,
                queries.routes,
            ],
        ),
        (
            _("People assisted"),
            [queries.people_by_sex, queries.people_by_age_band, queries.people_by_citizenship],
        ),
        (_("Identification"), [queries.identification_decisions]),
        (_("Services and returns"), [queries.services_by_type, queries.returns_by_destination]),
    ]


# No published totals where the rows or columns are not parts of a whole: two years side by
# side, cases opened beside closed, a case of several types of exploitation.
WITHOUT_TOTALS = frozenset(
    {cases_by_country_of_organization, queries.cases_by_month, queries.cases_by_exploitation_type}
)


def national_sections(national: National, *, threshold: int | None = None) -> list[Section]:
    """Every table of the national view, each suppressed for small cells; the counts from the
    statistics cache while no counted record changed (suppression is redone: it is quick)."""
    scope = national.scope
    return [
        Section(
            title,
            [
                suppress(cached(fn)(scope), threshold=threshold, totals=fn not in WITHOUT_TOTALS)
                for fn in functions
            ],
        )
        for title, functions in national_tables()
    ]


def national_counted(national: National) -> bool:
    """True when every table of the national view is in the statistics cache."""
    return all(is_cached(fn, national.scope) for _t, fns in national_tables() for fn in fns)
