"""The annual report (issue 12): the demo's figures in the HTML page, the PDF and the text of
the command; a year with no data said so; bad input refused with a clear message; the
national report the coordinator's analyst's only, reaching no person, case number or worker."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from opennrm.accounts.models import Membership, Organization
from opennrm.audit.models import AuditEvent
from opennrm.cases.models import Case
from opennrm.stats import report
from tests.cases.factories import open_diana
from tests.conftest import World, sign_in
from tests.support.matrix import Route, check, each

IOM = "IOM Kazakhstan, Almaty office"
SUPERVISOR = "supervisor@demo.opennrm.org"
ANALYST = "analyst@demo.opennrm.org"
REPORTERS = frozenset({"supervisor", "data_analyst"})


@pytest.fixture
def demo(db, settings):
    settings.DEMO_MODE = True
    call_command("load_demo", verbosity=0)


def _client(client, email: str, organization: str = IOM):
    membership = Membership.objects.filter(user__email=email).first()
    if email == SUPERVISOR:
        membership = Membership.objects.get(user__email=email, organization__name=organization)
    assert membership is not None
    return sign_in(client, membership.user, membership)


def pdf_text(body: bytes, tmp_path) -> str:
    assert body.startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "report.pdf"
    path.write_bytes(body)
    out = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True)
    return out.stdout


def _command(*args: str) -> str:
    out = io.StringIO()
    call_command("annual_report", *args, stdout=out)
    return out.getvalue()


def test_iom_almaty_2005_in_the_text_of_the_command(demo) -> None:
    lines = _command("--organization", IOM, "--year", "2005", "--format", "text").splitlines()
    assert "people_assisted 49" in lines
    assert "women 38" in lines
    assert "citizenship.UZ 16" in lines
    assert "threshold 11" in lines


def test_iom_almaty_2005_in_the_page_and_its_pdf(demo, client, tmp_path) -> None:
    page = _client(client, SUPERVISOR)
    response = page.get("/stats/report/", {"year": 2005})
    assert response.status_code == 200
    found = response.context["report"]
    assert (found.key_figures.people_assisted, found.key_figures.women) == (49, 38)
    (uz,) = [c for c in found.key_figures.citizenships if c.code == "UZ"]
    assert uz.people == 16
    html = response.content.decode()
    assert "?year=2005&amp;format=pdf" in html
    pdf = page.get("/stats/report/", {"year": 2005, "format": "pdf"})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert AuditEvent.objects.filter(action="stats.annual_report").count() == 1
    with translation.override("en"):
        document = report.render_pdf(
            report.report_system(
                organization=Organization.objects.get(name=IOM), year=2005, national_=False
            )
        )
    text = " ".join(pdf_text(document, tmp_path).split())
    assert "People assisted 49" in text
    assert "Women and girls 38" in text
    assert "Uzbekistan (16)" in text
    assert "the threshold is 11" in text


def test_the_national_report_2005_shows_tajikistan_41_to_93(demo, client, tmp_path) -> None:
    page = _client(client, ANALYST)
    response = page.get("/stats/national/report/", {"year": 2005})
    assert response.status_code == 200
    found = response.context["report"]
    assert found.is_national
    table = found.table("cases-by-organization-country")
    (row,) = [r for r in table.rows if r.label in ("Tajikistan", "Таджикистан")]
    assert row.values[:2] == (41, 93)
    text = _command("--national", "--year", "2005", "--format", "text")
    assert "people_assisted" in text
    with translation.override("en"):
        document = report.render_pdf(
            report.report_system(
                organization=report.national_coordinator(), year=2005, national_=True
            )
        )
    words = " ".join(pdf_text(document, tmp_path).split())
    assert "Tajikistan 41 93" in words


def test_the_analyst_reaches_no_person_case_number_or_worker(demo, client, tmp_path) -> None:
    page = _client(client, ANALYST)
    response = page.get("/stats/national/report/", {"year": 2005})
    html = response.content.decode()
    pdf = page.get("/stats/national/report/", {"year": 2005, "format": "pdf"})
    assert pdf.status_code == 200
    texts = [html, pdf_text(pdf.content, tmp_path)]
    for table in response.context["report"].tables:  # each table's CSV, as the page links it
        csv = page.get("/stats/national/report/", {"year": 2005, "download": table.key})
        assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
        texts.append(csv.content.decode("utf-8-sig"))
    numbers = list(Case.objects.values_list("number", flat=True))
    workers = [
        m.user.full_name for m in Membership.objects.select_related("user") if m.user.full_name
    ]
    partners = [o.name for o in Organization.objects.filter(national_coordinator=False)]
    for text in texts:
        for number in numbers:
            assert number not in text
        for name in workers:
            assert name not in text
        for name in partners:
            assert name not in text
    body = html.split('class="annual-report"')[1]
    assert "/cases/" not in body and "/people/" not in body


def test_a_year_with_no_data_says_so(demo, client) -> None:
    page = _client(client, SUPERVISOR)
    response = page.get("/stats/report/", {"year": 2001})
    assert response.context["report"].empty
    html = response.content.decode()
    assert "No case, identification decision, service, referral or return was recorded" in html
    assert 'class="stats-figure"' not in html
    text = _command("--organization", IOM, "--year", "2001", "--format", "text")
    assert "people_assisted 0" in text.splitlines()


def test_a_small_figure_is_suppressed_everywhere(world: World, tmp_path) -> None:
    """One case of Diana in 2005 at A: the report leaves A, so her 1 is never printed."""
    case = open_diana(world.a["case_worker"])
    with translation.override("en"):
        found = report.organization_report(actor=world.actor(world.a["supervisor"]), year=2005)
        text = pdf_text(report.render_pdf(found), tmp_path)
    figures = found.key_figures
    assert figures.people_assisted is None and figures.women is None
    assert figures.cases_opened is None and figures.citizenships == ()
    assert all(v in (None, 0) for t in found.tables for row in t.rows for v in row.values)
    assert "people_assisted suppressed" in report.render_text(found).splitlines()
    assert case.number not in text and "Диана" not in text
    assert "the threshold is 11" in " ".join(text.split())
    with translation.override("ru"):
        russian = pdf_text(report.render_pdf(found), tmp_path)
    assert "Годовой отчёт за 2005" in russian and "скрыто" in russian


@pytest.mark.parametrize("year", ["1999", "3000", "twenty", "2005.5"])
def test_a_bad_year_is_refused_beside_the_field(demo, client, year: str) -> None:
    page = _client(client, SUPERVISOR)
    response = page.get("/stats/report/", {"year": year})
    assert response.status_code == 200
    assert response.context["report"] is None
    assert response.context["errors"]
    assert 'id="id_year_error"' in response.content.decode()
    with pytest.raises(CommandError, match="year"):
        _command("--organization", IOM, "--year", year, "--format", "text")


def test_an_unknown_organization_is_named_and_refused(demo) -> None:
    with pytest.raises(CommandError, match="No single organization"):
        _command("--organization", "No Such Office", "--year", "2005", "--format", "text")
    with pytest.raises(CommandError, match="not the national coordinator"):
        _command("--organization", IOM, "--national", "--year", "2005", "--format", "text")


def test_the_command_writes_a_pdf_and_an_html_file_and_audits_them(demo, tmp_path) -> None:
    pdf, html = tmp_path / "r.pdf", tmp_path / "r.html"
    _command("--organization", IOM, "--year", "2005", "--output", str(pdf))
    _command("--organization", IOM, "--year", "2005", "--format", "html", "--output", str(html))
    assert pdf.read_bytes().startswith(b"%PDF")
    assert "49" in html.read_text()
    events = AuditEvent.objects.filter(action="stats.annual_report")
    _command("--organization", IOM, "--year", "2005", "--format", "text")
    assert events.count() == 3
    assert {e.organization.name for e in events} == {IOM}


def test_the_pdf_fetches_nothing_but_data_and_our_static_files() -> None:
    with pytest.raises(report.FetchRefused):
        report.url_fetcher("https://example.org/tracker.png")
    with pytest.raises(report.FetchRefused):
        report.url_fetcher("file:///etc/passwd")
    with pytest.raises(report.FetchRefused):
        report.url_fetcher("/static/../../etc/passwd")
    assert report.url_fetcher("data:text/plain,hi").read() == b"hi"


def test_the_year_s_bounds() -> None:
    today = date(2026, 12, 3)
    assert report.report_year("2005", today=today) == 2005
    assert report.default_year(today) == 2025


# --- Who may see which report.


def _coordinator_a(world: World) -> str:
    world.org_a.national_coordinator = True
    world.org_a.save(update_fields=["national_coordinator"])
    return "/stats/national/report/?year=2005"


ROUTES = [
    Route(
        "annual report",
        "get",
        lambda w: "/stats/report/?year=2005",
        frozenset({"supervisor", "data_analyst"}),
    ),
    Route(
        "annual report PDF",
        "get",
        lambda w: "/stats/report/?year=2005&format=pdf",
        frozenset({"supervisor", "data_analyst"}),
    ),
    Route(
        "annual report, bad year",
        "get",
        lambda w: "/stats/report/?year=1999",
        frozenset({"supervisor", "data_analyst"}),
    ),
    Route(
        "national annual report",
        "get",
        _coordinator_a,
        frozenset({"data_analyst"}),
        sees=frozenset({"a:data_analyst"}),
    ),
    Route(
        "national annual report PDF",
        "get",
        lambda w: _coordinator_a(w) + "&format=pdf",
        frozenset({"data_analyst"}),
        sees=frozenset({"a:data_analyst"}),
    ),
]


@each(ROUTES)
def test_access(world: World, route: Route, principal: str) -> None:
    response = check(world, route, principal)
    if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
        html = response.content.decode()
        organization = world.org_a if principal.startswith("a:") else world.org_b
        other = world.org_b if principal.startswith("a:") else world.org_a
        assert organization.name in html
        assert other.name not in html.split('class="annual-report"')[-1]


def test_the_command_writes_the_pdf_to_stdout_as_bytes(world: World, capfdbinary) -> None:
    open_diana(world.a["case_worker"])
    call_command("annual_report", "--organization", world.org_a.name, "--year", "2005")
    out = capfdbinary.readouterr().out
    assert out.startswith(b"%PDF") and out.rstrip().endswith(b"%%EOF")
