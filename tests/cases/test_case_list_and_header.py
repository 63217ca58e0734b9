"""Who the case is about, in the case page's header, and the case list's total, names and filters.

Names are shown only to roles that read identifying data; on the list they are decrypted for the
rows of the page alone and recorded as one read event naming those cases (decision 0016).
"""

from __future__ import annotations

import pytest
from django.test import Client

from opennrm.accounts import permissions as perms
from opennrm.accounts.models import Role
from opennrm.accounts.timezones import local_today
from opennrm.audit.models import AuditEvent
from opennrm.audit.services import audit_verify
from opennrm.cases import selectors, services
from opennrm.cases.choices import IdentificationStage, TraffickingStatus
from opennrm.cases.models import Case
from tests.cases.factories import open_diana
from tests.conftest import World, sign_in

FULL_NAME = "Каримова Диана Рустамовна"


@pytest.fixture
def diana(world: World) -> Case:
    return open_diana(world.a["case_worker"])


def _client(world: World, role: str = "case_worker") -> Client:
    membership = world.a[role]
    return sign_in(Client(), membership.user, membership)


@pytest.fixture
def without_identifying(monkeypatch):
    """The case worker's role as if it did not read identifying data (no role that works cases
    lacks it today; the header and the list must still hide names from such a role)."""
    granted = perms.ROLE_PERMISSIONS[Role.CASE_WORKER] - {perms.IDENTIFYING_DATA_VIEW}
    monkeypatch.setitem(perms.ROLE_PERMISSIONS, Role.CASE_WORKER, granted)


def _list_reads() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="read", object_ids__isnull=False).order_by("id"))


# --- The header.


@pytest.mark.parametrize("role", ["case_worker", "supervisor", "hotline_operator"])
def test_the_header_names_the_person_and_the_age(world: World, role: str) -> None:
    case = open_diana(world.a[role])
    html = _client(world, role).get(f"/cases/{case.uuid}/trafficking/").content.decode()
    age = local_today(world.org_a).year - 1977
    header = html.split('id="case-header"', 1)[1].split("</section>", 1)[0]
    assert FULL_NAME in header
    assert f"{age} years old" in header


def test_the_header_shows_only_the_number_to_a_role_without_identifying_data(
    world: World, diana: Case, without_identifying
) -> None:
    response = _client(world).get(f"/cases/{diana.uuid}/trafficking/")
    assert response.status_code == 200
    html = response.content.decode()
    assert diana.number in html
    assert "Каримова" not in html and "Диана" not in html and "years old" not in html
    assert 'id="case-person"' not in html


# --- The list: names, audited as one read of the page's rows.


def test_the_list_names_the_persons_of_its_rows_in_one_read_event(
    world: World, diana: Case
) -> None:
    before = AuditEvent.objects.count()
    html = _client(world).get("/cases/").content.decode()
    assert FULL_NAME in html
    reads = _list_reads()
    assert len(reads) == 1 and AuditEvent.objects.count() == before + 1
    read = reads[0]
    assert read.object_type == "cases.case" and read.object_id is None
    assert read.object_ids == [str(diana.uuid)]
    assert sorted(read.fields) == ["family_name", "given_name", "patronymic"]
    # The event names the cases and the fields, never a value.
    assert "Каримова" not in str(read.object_ids) + str(read.fields)
    assert audit_verify().ok


def test_names_are_decrypted_for_the_rows_of_the_page_only(world: World) -> None:
    cases = [open_diana(world.a["case_worker"]) for _ in range(52)]
    client = _client(world)
    first = client.get("/cases/")
    shown = [str(case.uuid) for case in first.context["page"].rows]
    assert len(shown) == 50
    assert _list_reads()[-1].object_ids == shown  # in page order, the two others not read
    client.get("/cases/", {"page": 2})
    assert sorted(_list_reads()[-1].object_ids) == sorted(str(c.uuid) for c in cases[:2])


def test_a_role_without_identifying_data_gets_no_names_and_no_read(
    world: World, diana: Case, without_identifying
) -> None:
    html = _client(world).get("/cases/").content.decode()
    assert diana.number in html and "Каримова" not in html
    assert ">Name<" not in html
    assert _list_reads() == []


def test_an_empty_page_reads_nothing(world: World) -> None:
    html = _client(world).get("/cases/").content.decode()
    assert "No cases." in html and _list_reads() == []


# --- The total.


def test_the_total_counts_the_rows_the_actor_may_see(world: World, diana: Case) -> None:
    open_diana(world.a["case_worker"])
    assert "2 cases" in _client(world).get("/cases/").content.decode()
    # The operator owns neither case: the total says so, and counts nothing of B's.
    open_diana(world.b["case_worker"])
    assert "0 cases" in _client(world, "hotline_operator").get("/cases/").content.decode()
    one = _client(world).get("/cases/", {"status": "Closed"}).content.decode()
    assert "0 cases" in one


def test_the_total_stops_at_its_cap(world: World, monkeypatch) -> None:
    monkeypatch.setattr(selectors, "TOTAL_CAP", 3)
    for _ in range(3):
        open_diana(world.a["case_worker"])
    assert "3 cases" in _client(world).get("/cases/").content.decode()
    open_diana(world.a["case_worker"])
    html = _client(world).get("/cases/").content.decode()
    assert "More than 3 cases" in html and "4 cases" not in html


# --- The filters.


def test_filter_by_trafficking_status(world: World, diana: Case) -> None:
    client = _client(world)

    def listed(status: str) -> bool:
        return (
            diana.number in client.get("/cases/", {"trafficking_status": status}).content.decode()
        )

    assert listed(TraffickingStatus.POSSIBLE) and not listed(TraffickingStatus.ACTUAL)
    worker, supervisor = world.actor(world.a["case_worker"]), world.actor(world.a["supervisor"])
    for stage in (IdentificationStage.PRESUMED, IdentificationStage.IDENTIFIED):
        decision = services.identification_propose(
            actor=worker,
            case=diana,
            stage=stage,
            grounds="Passport taken.",
            decided_by_type="NGO",
            # The conclusive decision before the reflection period ends, as the person asked.
            requested_early=stage == IdentificationStage.IDENTIFIED,
        )
        services.identification_review(actor=supervisor, decision=decision, approve=True)
    assert listed(TraffickingStatus.ACTUAL) and not listed(TraffickingStatus.POSSIBLE)
    bad = client.get("/cases/", {"trafficking_status": "Nonsense"})
    assert "trafficking_status" in bad.context["filter_form"].errors


def test_filter_by_decision_pending(world: World, diana: Case) -> None:
    other = open_diana(world.a["case_worker"])
    client = _client(world)
    services.identification_propose(
        actor=world.actor(world.a["case_worker"]),
        case=diana,
        stage=IdentificationStage.PRESUMED,
        grounds="Passport taken.",
        decided_by_type="NGO",
    )
    html = client.get("/cases/", {"decision_pending": "on"}).content.decode()
    assert diana.number in html and other.number not in html and "1 case" in html
    everything = client.get("/cases/").content.decode()
    assert diana.number in everything and other.number in everything
