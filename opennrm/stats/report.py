"""The annual report of an organization, or of the country, for one year (issue 12): the key
figures, the charts and tables of the query layer, the method and the suppression applied, as
an HTML page and a PDF (WeasyPrint) ready to send to a donor.

A report leaves the organization, so every table goes through small-cell suppression
(``disclosure.suppress``) and every key figure is read from a suppressed table: a figure under
the threshold is never printed, nor one that would let a suppressed cell be worked out. No table
per worker, no partner organization, nothing that names a person or a case.

- The organization's report (``stats.view``): every case of the actor's own organization, as
  its dashboard counts them.
- The national report (``stats.national``, the national coordinator's analyst): the national
  view's scope (``national.national_scope``): the sharing organizations, consented cases, a
  person linked across organizations counted once.
- From the command line (``manage.py annual_report``) by the server's operator: no actor, the
  same report, audited under the organization.
"""

from __future__ import annotations

import mimetypes
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from opennrm.accounts import permissions as perms
from opennrm.accounts.models import Organization
from opennrm.accounts.permissions import Actor
from opennrm.accounts.timezones import local_today
from opennrm.audit.services import audit_record
from opennrm.errors import NotFound
from opennrm.locales import country_name
from opennrm.people.models import Gender
from opennrm.validation import EARLIEST_RECORD, Checker

from . import national, queries, sharing
from .audit_report import ReportAction
from .dashboard import HEADLINE_KEYS, Section
from .disclosure import suppress, suppression_threshold
from .queries import Scope
from .tables import Row, Table

if TYPE_CHECKING:
    from weasyprint.urls import URLFetcherResponse

TOP_CITIZENSHIPS = 5
CHILD_BANDS = ("0–8", "9–17")
FORMATS = ("html", "pdf", "text")
REFERRALS_SENT = HEADLINE_KEYS.index("sent")  # rows of queries.headline
REFERRALS_RECEIVED = HEADLINE_KEYS.index("received")


# --- The year.


def report_year(raw: Any, *, today: date) -> int:
    """The report's year: a whole number from the first record's year to this year."""
    check = Checker()
    year = check.integer("year", raw, low=EARLIEST_RECORD.year, high=today.year, required=True)
    check.raise_if_errors()
    assert year is not None
    return year


def default_year(today: date) -> int:
    """Last year: the last whole year, what a donor asks for."""
    return max(today.year - 1, EARLIEST_RECORD.year)


# --- The report.


@dataclass(frozen=True)
class Citizenship:
    code: str
    name: str
    people: int | None  # None: suppressed


@dataclass(frozen=True)
class KeyFigures:
    """Each figure read from a suppressed table; None where it is suppressed."""

    people_assisted: int | None
    women: int | None
    men: int | None
    children: int | None
    citizenships: tuple[Citizenship, ...]
    cases_opened: int | None
    identification_decisions: int | None
    services_given: int | None
    referrals_sent: int | None
    referrals_received: int | None
    returns: int | None

    def lines(self) -> list[tuple[str, int | None]]:
        """``key value`` pairs for scripts (``--format text``), the citizenships last."""
        return [
            ("people_assisted", self.people_assisted),
            ("women", self.women),
            ("men", self.men),
            ("children", self.children),
            ("cases_opened", self.cases_opened),
            ("identification_decisions", self.identification_decisions),
            ("services_given", self.services_given),
            ("referrals_sent", self.referrals_sent),
            ("referrals_received", self.referrals_received),
            ("returns", self.returns),
            *((f"citizenship.{c.code}", c.people) for c in self.citizenships),
        ]

    def tiles(self) -> list[tuple[str, int | None]]:
        """The figures as the page shows them: label and count."""
        return [
            (_("People assisted"), self.people_assisted),
            (_("Women and girls"), self.women),
            (_("Men and boys"), self.men),
            (_("Children (under 18)"), self.children),
            (_("Cases opened"), self.cases_opened),
            (_("Identification decisions"), self.identification_decisions),
            (_("Services given"), self.services_given),
            (_("Referrals sent"), self.referrals_sent),
            (_("Referrals received"), self.referrals_received),
            (_("Returns"), self.returns),
        ]


@dataclass(frozen=True)
class Report:
    year: int
    organization: Organization  # whose report, or the national coordinator's
    is_national: bool
    threshold: int
    key_figures: KeyFigures
    sections: list[Section]
    organizations: int = 1  # sharing organizations counted (national)
    linked_records: int = 0  # records counted under another record of the same person
    empty: bool = False
    generated_on: date = field(default_factory=date.today)

    @property
    def title(self) -> str:
        """In the language of the moment it is read (a page, a PDF in Russian)."""
        if self.is_national:
            country = country_name(self.organization.country) or self.organization.country
            return _("National annual report %(year)s: %(country)s") % {
                "year": self.year,
                "country": country,
            }
        return _("Annual report %(year)s: %(organization)s") % {
            "year": self.year,
            "organization": self.organization.name,
        }

    @property
    def tables(self) -> list[Table]:
        return [table for section in self.sections for table in section.tables]

    def table(self, key: str) -> Table:
        (found,) = [t for t in self.tables if t.key == key]
        return found


def _grand_total(table: Table) -> int | None:
    """The total of a suppressed table: its last cell (the Total row's Total column, or the
    single row's or column's total); 0 for a table of no rows."""
    if not table.rows:
        return 0
    return table.rows[-1].values[-1]


def _cell(table: Table, label: str) -> int | None:
    found = [row for row in table.rows if row.label == label]
    return found[0].values[0] if found else 0


def _single(label: str, key: str, n: int, threshold: int, columns: tuple[str, ...]) -> Table:
    return suppress(
        Table(
            key=key, title=label, row_heading=_("Figure"), columns=columns, rows=(Row(label, (n,)),)
        ),
        threshold=threshold,
    )


def referral_counts(scope: Scope) -> Table:
    """Referrals sent and received in the period: counts only, never the partner."""
    headline = queries.headline(scope).rows
    sent, received = headline[REFERRALS_SENT], headline[REFERRALS_RECEIVED]
    rows = (Row(_("Sent"), sent.values), Row(_("Received"), received.values))
    return Table(
        key="referral-counts",
        title=_("Referrals sent and received"),
        row_heading=_("Direction"),
        columns=(_("Referrals"),),
        rows=rows,
    )


def _citizenship_codes(scope: Scope) -> dict[str, str]:
    """Each citizenship's name, as the citizenship table labels it, to its code."""
    codes = queries.by_key(scope, "citizenship")
    return {country_name(code) or code: code for code in codes if code}


def report_sections(
    scope: Scope, threshold: int, *, found: national.National | None = None
) -> list[Section]:
    """Every table of the report, suppressed. Totals are published only where the rows and
    columns are parts of a whole: not for opened and closed cases, two years side by side, or
    types of exploitation (a case may have several); those totals are still protected, as known.
    The national report's first table: cases by the country of the organization, the year
    before beside the year."""

    def safe(table: Table, *, totals: bool = True) -> Table:
        return suppress(table, threshold=threshold, totals=totals)

    by_country = (
        [safe(national.cases_by_organization_country(found), totals=False)] if found else []
    )
    return [
        Section(
            _("Cases"),
            [
                *by_country,
                safe(queries.cases_by_month(scope), totals=False),
                safe(queries.cases_by_exploitation_type(scope), totals=False),
                safe(queries.cases_by_country_of_exploitation(scope)),
                safe(queries.routes(scope)),
            ],
        ),
        Section(
            _("People assisted"),
            [
                safe(queries.people_by_sex(scope)),
                safe(queries.people_by_age_band(scope)),
                safe(queries.people_by_citizenship(scope)),
            ],
        ),
        Section(_("Identification"), [safe(queries.identification_decisions(scope))]),
        Section(
            _("Services, referrals and returns"),
            [
                safe(queries.services_by_type(scope)),
                safe(referral_counts(scope)),
                safe(queries.returns_by_destination(scope)),
            ],
        ),
    ]


def _key_figures(scope: Scope, sections: list[Section], threshold: int) -> KeyFigures:
    tables = {t.key: t for s in sections for t in s.tables}
    sex, age = tables["people-by-sex"], tables["people-by-age"]
    children_cells = [_cell(age, band) for band in CHILD_BANDS]
    # A sum of published cells only: a suppressed band would be recovered from it.
    children = None if None in children_cells else sum(c or 0 for c in children_cells)
    codes = _citizenship_codes(scope)
    citizenships = tuple(
        Citizenship(codes[row.label], row.label, row.values[0])
        for row in tables["people-by-citizenship"].rows
        if row.label in codes and row.values[0] is not None
    )[:TOP_CITIZENSHIPS]
    cases = queries.by_key(scope, "opened").get("", 0)
    referrals = tables["referral-counts"]
    return KeyFigures(
        people_assisted=_grand_total(sex),
        women=_cell(sex, str(Gender.FEMININE.label)),
        men=_cell(sex, str(Gender.MASCULINE.label)),
        children=children,
        citizenships=citizenships,
        cases_opened=_grand_total(
            _single(_("Cases opened"), "cases-opened", cases, threshold, (scope.label(),))
        ),
        identification_decisions=_grand_total(tables["identification-decisions"]),
        services_given=_grand_total(tables["services-by-type"]),
        referrals_sent=_cell(referrals, _("Sent")),
        referrals_received=_cell(referrals, _("Received")),
        returns=_grand_total(tables["returns"]),
    )


def _empty(scope: Scope) -> bool:
    return not queries.by_key(scope, "opened") and all(
        table.empty
        for table in (
            queries.identification_decisions(scope),
            queries.services_by_type(scope),
            referral_counts(scope),
            queries.returns_by_destination(scope),
        )
    )


def _year_scope(organization: Organization, year: int) -> Scope:
    return Scope.of_organization(organization, date(year, 1, 1), date(year, 12, 31))


def _organization_report(organization: Organization, year: int) -> Report:
    threshold = suppression_threshold()
    scope = _year_scope(organization, year)
    sections = report_sections(scope, threshold)
    return Report(
        year=year,
        organization=organization,
        is_national=False,
        threshold=threshold,
        key_figures=_key_figures(scope, sections, threshold),
        sections=sections,
        empty=_empty(scope),
        generated_on=local_today(organization),
    )


def _national_report(coordinator: Organization, found: national.National, year: int) -> Report:
    threshold = suppression_threshold()
    sections = report_sections(found.scope, threshold, found=found)
    return Report(
        year=year,
        organization=coordinator,
        is_national=True,
        threshold=threshold,
        key_figures=_key_figures(found.scope, sections, threshold),
        sections=sections,
        organizations=found.organizations,
        linked_records=found.linked_records,
        empty=_empty(found.scope),
        generated_on=local_today(coordinator),
    )


def organization_report(*, actor: Actor, year: int) -> Report:
    """The annual report of the actor's own organization."""
    actor.require(perms.STATS_VIEW)
    return _organization_report(actor.active_organization, year)


def national_report(*, actor: Actor, year: int) -> Report:
    """The country's annual report: the national view's scope; NotFound for anyone but the
    national coordinator's analyst (as /stats/national/)."""
    found = national.national_scope(actor=actor, start=date(year, 1, 1), end=date(year, 12, 31))
    return _national_report(actor.active_organization, found, year)


# --- From the command line: the server's operator, no actor.


def command_organization(value: str) -> Organization:
    """The organization named by its exact name, id or UUID; NotFound when none or several."""
    organizations = Organization.objects.all()
    found = organizations.filter(name=value)
    if not found.exists() and value.isdigit():
        found = organizations.filter(pk=int(value))
    if not found.exists():
        try:
            found = organizations.filter(uuid=value)
            found.exists()
        except (ValueError, TypeError, Exception):  # not a UUID
            found = organizations.none()
    if found.count() != 1:
        raise NotFound(
            _("No single organization has the name, id or UUID “%(value)s”.") % {"value": value}
        )
    return found.get()


def report_system(*, organization: Organization, year: int, national_: bool) -> Report:
    """The report as the command writes it: the organization's, or with ``national_`` the
    country's (the organization must then be the active national coordinator)."""
    today = local_today(organization)
    year = report_year(year, today=today)
    if not national_:
        return _organization_report(organization, year)
    if not (organization.national_coordinator and organization.is_active):
        raise NotFound(
            _("%(organization)s is not the national coordinator: it has no national report.")
            % {"organization": organization.name}
        )
    found = national.national_scope_of(
        coordinator=organization, start=date(year, 1, 1), end=date(year, 12, 31)
    )
    return _national_report(organization, found, year)


def national_coordinator() -> Organization:
    """The active national coordinator (``sharing.national_coordinator``); NotFound if none."""
    found = sharing.national_coordinator()
    if found is None:
        raise NotFound(_("No active organization is the national coordinator."))
    return found


@transaction.atomic
def report_written_record(*, actor: Actor | None, report: Report, file_format: str) -> None:
    """A report left the system as a file (a PDF downloaded, a file the command wrote)."""
    audit_record(
        actor=actor,
        action=ReportAction.ANNUAL_REPORT,
        object_type="stats.annual_report",
        fields=[
            str(report.year),
            "national" if report.is_national else "organization",
            file_format,
        ],
        organization=None if actor is not None else report.organization,
    )


# --- Rendering.


def render_html(report: Report, *, request: Any = None, pdf_url: str = "") -> str:
    """The report as a standalone document (the PDF's source, and the command's HTML)."""
    return render_to_string(
        "stats/report_document.html", {"report": report, "pdf_url": pdf_url}, request=request
    )


class FetchRefused(ValueError):
    """The PDF asked for something other than a data: URL or one of our static files."""


def _static_path(url: str) -> Path | None:
    static = settings.STATIC_URL or "/static/"
    path = unquote(urlparse(url).path)
    if not path.startswith(static) or ".." in path:
        return None
    found = finders.find(path[len(static) :])
    if isinstance(found, list):
        found = found[0] if found else None
    return Path(found) if found else None


def url_fetcher(url: str) -> URLFetcherResponse:
    """WeasyPrint's fetcher: data: URLs, and our own static files read from disk; nothing else,
    never the network (a report must not leak by fetching, nor hang on a fetch)."""
    from weasyprint.urls import URLFetcherResponse

    if url.startswith("data:"):
        # urllib decodes a data: URL in memory; no other scheme reaches this line.
        with urllib.request.urlopen(url) as found:  # noqa: S310
            body, content_type = found.read(), found.headers.get("Content-Type", "")
        return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})
    path = _static_path(url)
    if path is not None and path.is_file():
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            url, body=path.read_bytes(), headers={"Content-Type": content_type}
        )
    raise FetchRefused(f"refused to fetch {url!r}")


def render_pdf(
    report: Report, *, fetcher: Callable[[str], URLFetcherResponse] = url_fetcher
) -> bytes:
    """The report as a PDF: the same document, its print stylesheet inline, DejaVu fonts."""
    from weasyprint import HTML

    html = render_html(report)
    document = HTML(string=html, base_url="/", url_fetcher=fetcher)
    pdf = document.write_pdf()
    assert pdf is not None
    return bytes(pdf)


def render_text(report: Report) -> str:
    """The key figures, ``key value`` one a line; a suppressed figure is ``suppressed``."""
    lines = [f"year {report.year}", f"threshold {report.threshold}"]
    for key, value in report.key_figures.lines():
        lines.append(f"{key} {'suppressed' if value is None else value}")
    return "\n".join(lines) + "\n"
