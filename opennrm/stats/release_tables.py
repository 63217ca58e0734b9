"""The tables a differentially private release is made of, counted from an organization's cases.

The one place where releases meet the data: the query layer (``stats/queries.py``) will take over
the counting; the rest of the release machinery only sees ``Table``s.

Differential privacy needs two things of these tables:

- **Each person adds one to one cell of each table**: people, not cases, each counted in the
  year their first case at the organization was opened (among the cases whose person allows
  statistical use, an active "anonymous statistics" consent). Adding or removing a person changes
  one cell by one: L1 sensitivity 1 per table.
- **Rows and columns do not depend on the data**: every year of the chosen period, every sex
  group, the countries of ``OPENNRM_STATS_RELEASE_COUNTRIES`` and "other or unknown". A category
  shown only because someone is in it would tell that someone is.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, Min, OuterRef
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opennrm.accounts.models import Organization
from opennrm.cases.choices import ConsentPurpose
from opennrm.cases.models import Case, Consent
from opennrm.locales import country_name
from opennrm.people.models import Gender

from .tables import Row, Table

# The release countries when the setting names none: Central Asia and its neighbours of origin,
# transit and destination in the reports this system was built for.
DEFAULT_COUNTRIES = ("KZ", "KG", "TJ", "TM", "UZ", "AF", "RU", "CN", "TR", "AE")

CASES = "cases"
DATASETS = {CASES: gettext_lazy("People assisted (by their first case at the organization)")}

YEAR_BY_SEX = "year_sex"
YEAR_BY_CITIZENSHIP = "year_citizenship"
TABLES = {
    YEAR_BY_SEX: gettext_lazy("People assisted by year and sex"),
    YEAR_BY_CITIZENSHIP: gettext_lazy("People assisted by year and citizenship"),
}
TABLES_OF = {CASES: (YEAR_BY_SEX, YEAR_BY_CITIZENSHIP)}
MAX_YEARS = 30  # rows of a release: a longer period is refused


@dataclass(frozen=True)
class _Person:
    year: int
    sex: str
    citizenship: str


def release_countries() -> tuple[str, ...]:
    return tuple(getattr(settings, "OPENNRM_STATS_RELEASE_COUNTRIES", None) or DEFAULT_COUNTRIES)


def _people(organization: Organization, first_year: int, last_year: int) -> list[_Person]:
    """Each person of the organization's cases allowing statistics, once, by first case."""
    allowed = Consent.objects.filter(
        case=OuterRef("pk"), purpose=ConsentPurpose.STATISTICS, withdrawn_on__isnull=True
    )
    rows = (
        Case.objects.filter(organization=organization)
        .filter(Exists(allowed))
        .values("person_id", "person__gender", "person__citizenship")
        .annotate(first=Min("opened_on"))
    )
    return [
        _Person(
            year=row["first"].year,
            sex=row["person__gender"],
            citizenship=row["person__citizenship"],
        )
        for row in rows
        if first_year <= row["first"].year <= last_year
    ]


def _sex_group(gender: str) -> int:
    if gender == Gender.FEMININE:
        return 0
    if gender == Gender.MASCULINE:
        return 1
    return 2


def _table(
    key: str, heading: str, columns: tuple[str, ...], counts: Counter, years: range
) -> Table:
    rows = tuple(
        Row(label=str(year), values=tuple(counts[(year, j)] for j in range(len(columns))))
        for year in years
    )
    return Table(key=key, title=str(TABLES[key]), row_heading=heading, columns=columns, rows=rows)


def release_tables(
    *, organization: Organization, dataset: str, keys: list[str], first_year: int, last_year: int
) -> list[Table]:
    """The true tables ``keys`` of ``dataset`` for the organization, a row for every year."""
    if dataset not in TABLES_OF or any(key not in TABLES_OF[dataset] for key in keys):
        raise ValueError(f"unknown tables {keys!r} of data set {dataset!r}")
    years = range(first_year, last_year + 1)
    people = _people(organization, first_year, last_year)
    countries = release_countries()
    tables = []
    for key in keys:
        columns: tuple[str, ...]
        if key == YEAR_BY_SEX:
            columns = (_("Female"), _("Male"), _("Other or unknown"))
            counts = Counter((p.year, _sex_group(p.sex)) for p in people)
        else:
            columns = (*(country_name(code) for code in countries), _("Other or unknown"))
            index = {code: n for n, code in enumerate(countries)}
            counts = Counter((p.year, index.get(p.citizenship, len(countries))) for p in people)
        tables.append(_table(key, _("Year"), columns, counts, years))
    return tables
