"""Referrals recorded from an organization's own files, not sent through OpenNRM (issue 14).

Diana's case is A's, owned by A's case worker. A recorded referral is a part of her case: only
those who may change the case record one, only on a case they see, and B never finds it. Every
bad field is named at once and nothing is saved; every write has its audit event (field names,
never values) in its own transaction.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from unittest import mock

import pytest

from opennrm.audit.models import AuditEvent
from opennrm.cases.models import Case
from opennrm.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from opennrm.referrals import recorded, selectors
from opennrm.referrals.models import RecordedReferral
from tests.cases.factories import open_diana
from tests.conftest import World
from tests.support.matrix import Route, check, each

WORKER = "Гульнара Ахметова"
DETAILS = "Referred by the shelter's lawyer after the court hearing."
INCOMING = {
    "direction": "incoming",
    "organization_name": "Shelter Sana Sezim",
    "referred_on": date(2023, 5, 14),
    "reason": "AdditionalServicesRequired",
    "details": DETAILS,
    "worker": WORKER,
}


def actor(world: World, key: str = "a:case_worker") -> Any:
    org, role = key.split(":")
    return world.actor(getattr(world, org)[role])


def diana(world: World) -> Case:
    return world.once("diana", lambda: open_diana(world.a["case_worker"]))


def add(world: World, **changes: Any) -> RecordedReferral:
    return recorded.recorded_referral_add(
        actor=actor(world), case=diana(world), data=INCOMING | changes
    )


def writes() -> tuple[int, int]:
    return RecordedReferral.objects.count(), AuditEvent.objects.exclude(action="read").count()


def test_add_keeps_what_was_recorded_and_audits_field_names_only(world):
    referral = add(world)
    referral.refresh_from_db()
    assert referral.case == diana(world)
    assert referral.direction == "incoming"
    assert referral.organization_name == "Shelter Sana Sezim"
    assert referral.referred_on == date(2023, 5, 14)
    assert referral.reason == "AdditionalServicesRequired"
    assert (referral.details, referral.worker) == (DETAILS, WORKER)
    assert referral.source == "page"
    assert referral.recorded_by == world.a["case_worker"].user
    assert referral.version == 1 and referral.removed_at is None
    event = AuditEvent.objects.get(object_id=referral.uuid)
    assert event.action == "recorded_referral.add"
    assert event.organization == world.org_a
    assert set(event.fields) == set(INCOMING) | {"source"}
    assert WORKER not in repr(event.__dict__) and "Sana Sezim" not in repr(event.__dict__)


def test_the_worker_and_details_are_encrypted_at_rest(world):
    from django.db import connection

    referral = add(world)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT details, worker FROM referrals_recordedreferral WHERE id = %s", [referral.pk]
        )
        stored = " ".join(str(value) for value in cursor.fetchone())
    assert WORKER not in stored and "lawyer" not in stored


def test_only_direction_and_organization_are_required_and_an_import_says_so(world):
    referral = recorded.recorded_referral_add(
        actor=actor(world),
        case=diana(world),
        data={"direction": "outgoing", "organization_name": "  IOM   Almaty "},
        source="import",
    )
    assert referral.organization_name == "IOM Almaty"
    assert (referral.referred_on, referral.reason, referral.details, referral.worker) == (
        None,
        "",
        "",
        "",
    )
    assert referral.source == "import"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"direction": "sideways"}, "direction"),
        ({"direction": ""}, "direction"),
        ({"organization_name": ""}, "organization_name"),
        ({"organization_name": "x" * 201}, "organization_name"),
        ({"organization_name": "IOM\x00"}, "organization_name"),
        ({"referred_on": date.today() + timedelta(days=2)}, "referred_on"),
        ({"referred_on": date(1999, 12, 31)}, "referred_on"),
        ({"referred_on": "14.05.2023"}, "referred_on"),
        ({"reason": "Because"}, "reason"),
        ({"details": "x" * 5001}, "details"),
        ({"details": "\ud800"}, "details"),
        ({"worker": "x" * 201}, "worker"),
        ({"referred_by": "someone"}, "referred_by"),
    ],
    ids=lambda v: str(v)[:40],
)
def test_bad_input_names_the_field_and_saves_nothing(world, changes, field):
    diana(world)
    before = writes()
    with pytest.raises(ValidationFailed) as refused:
        add(world, **changes)
    assert field in refused.value.errors
    assert writes() == before


def test_every_bad_field_is_named_at_once(world):
    diana(world)
    with pytest.raises(ValidationFailed) as refused:
        add(world, direction="up", organization_name="", reason="x", worker="y" * 300)
    assert {"direction", "organization_name", "reason", "worker"} <= set(refused.value.errors)


def test_an_unknown_source_is_refused(world):
    with pytest.raises(ValidationFailed) as refused:
        recorded.recorded_referral_add(
            actor=actor(world), case=diana(world), data=INCOMING, source="api"
        )
    assert "source" in refused.value.errors


def test_a_value_that_names_someone_is_never_repeated_in_the_error(world):
    diana(world)
    with pytest.raises(ValidationFailed) as refused:
        add(world, worker=WORKER * 20)
    assert WORKER not in str(refused.value.errors)


def test_update_changes_only_the_named_fields_and_counts_the_version(world):
    referral = add(world)
    changed = recorded.recorded_referral_update(
        actor=actor(world, "a:supervisor"),
        case=diana(world),
        referral_id=referral.uuid,
        version=1,
        data={"reason": "Other", "worker": ""},
    )
    changed.refresh_from_db()
    assert (changed.reason, changed.worker, changed.version) == ("Other", "", 2)
    assert changed.organization_name == "Shelter Sana Sezim"
    event = AuditEvent.objects.get(object_id=referral.uuid, action="recorded_referral.update")
    assert set(event.fields) == {"reason", "worker"}


def test_update_over_a_newer_change_is_a_conflict_and_changes_nothing(world):
    referral = add(world)
    recorded.recorded_referral_update(
        actor=actor(world),
        case=diana(world),
        referral_id=referral.uuid,
        version=1,
        data={"reason": "Other"},
    )
    before = writes()
    with pytest.raises(Conflict):
        recorded.recorded_referral_update(
            actor=actor(world, "a:supervisor"),
            case=diana(world),
            referral_id=referral.uuid,
            version=1,
            data={"reason": "MigrationOrChangeOfLocation"},
        )
    assert writes() == before
    referral.refresh_from_db()
    assert (referral.reason, referral.version) == ("Other", 2)


def test_update_with_bad_input_saves_nothing(world):
    referral = add(world)
    before = writes()
    with pytest.raises(ValidationFailed) as refused:
        recorded.recorded_referral_update(
            actor=actor(world),
            case=diana(world),
            referral_id=referral.uuid,
            version=1,
            data={"organization_name": "", "referred_on": date(1990, 1, 1)},
        )
    assert set(refused.value.errors) == {"organization_name", "referred_on"}
    assert writes() == before


def test_an_update_that_changes_nothing_writes_nothing(world):
    referral = add(world)
    before = writes()
    same = recorded.recorded_referral_update(
        actor=actor(world),
        case=diana(world),
        referral_id=referral.uuid,
        version=1,
        data={"reason": "AdditionalServicesRequired"},
    )
    assert same.version == 1 and writes() == before


def test_remove_marks_it_removed_and_keeps_it(world):
    referral = add(world)
    recorded.recorded_referral_remove(
        actor=actor(world), case=diana(world), referral_id=referral.uuid
    )
    referral.refresh_from_db()
    assert referral.removed_at is not None
    assert referral.removed_by == world.a["case_worker"].user
    assert AuditEvent.objects.filter(
        object_id=referral.uuid, action="recorded_referral.remove"
    ).exists()
    assert list(selectors.recorded_referral_list(actor=actor(world), case=diana(world))) == []
    with pytest.raises(NotFound):
        recorded.recorded_referral_remove(
            actor=actor(world), case=diana(world), referral_id=referral.uuid
        )
    with pytest.raises(NotFound):
        recorded.recorded_referral_update(
            actor=actor(world),
            case=diana(world),
            referral_id=referral.uuid,
            version=1,
            data={"reason": "Other"},
        )


def test_the_audit_event_is_in_the_same_transaction(world):
    diana(world)
    before = writes()
    with (
        mock.patch.object(recorded, "audit_record", side_effect=RuntimeError("audit down")),
        pytest.raises(RuntimeError),
    ):
        add(world)
    assert writes() == before


@pytest.mark.parametrize("key", ["a:hotline_operator", "b:case_worker", "b:supervisor"])
def test_a_case_not_visible_is_not_found_and_nothing_changes(world, key):
    """A's hotline operator does not own Diana's case; B's members never see A's cases."""
    referral = add(world)
    before = writes()
    who = actor(world, key)
    with pytest.raises(NotFound):
        recorded.recorded_referral_add(actor=who, case=diana(world), data=INCOMING)
    with pytest.raises(NotFound):
        recorded.recorded_referral_update(
            actor=who, case=diana(world), referral_id=referral.uuid, version=1, data={}
        )
    with pytest.raises(NotFound):
        recorded.recorded_referral_remove(actor=who, case=diana(world), referral_id=referral.uuid)
    with pytest.raises(NotFound):
        selectors.recorded_referral_list(actor=who, case=diana(world))
    assert writes() == before


@pytest.mark.parametrize("role", ["service_provider", "data_analyst", "organization_admin"])
def test_a_role_without_case_rights_is_refused(world, role):
    diana(world)
    before = writes()
    with pytest.raises(PermissionDenied):
        recorded.recorded_referral_add(
            actor=actor(world, f"a:{role}"), case=diana(world), data=INCOMING
        )
    assert writes() == before


def test_a_referral_of_another_case_is_not_found_through_this_one(world):
    referral = add(world)
    other = open_diana(world.a["case_worker"])
    with pytest.raises(NotFound):
        recorded.recorded_referral_remove(actor=actor(world), case=other, referral_id=referral.uuid)
    with pytest.raises(NotFound):
        selectors.recorded_referral_get(actor=actor(world), case=other, referral_id=referral.uuid)
    with pytest.raises(NotFound):
        recorded.recorded_referral_remove(actor=actor(world), case=other, referral_id="not-a-uuid")


def test_the_list_is_by_date_the_undated_last(world):
    late = add(world, referred_on=date(2024, 2, 1))
    undated = add(world, referred_on=None, direction="outgoing")
    early = add(world, referred_on=date(2021, 7, 9))
    rows = list(selectors.recorded_referral_list(actor=actor(world), case=diana(world)))
    assert rows == [early, late, undated]


def test_a_recorded_referral_is_no_referral_sent_through_opennrm(world):
    """It appears in no inbox, outbox or count of referrals: nothing was sent."""
    from opennrm.referrals.models import Referral

    add(world)
    assert Referral.objects.count() == 0
    assert list(selectors.case_referrals(actor=actor(world), case=diana(world))) == []


# --- The pages: who may, who may not (tests/support/matrix.py), and what they show.

CASE_ROLES = frozenset({"hotline_operator", "case_worker", "supervisor"})  # cases.view, .update
SEES_DIANA = frozenset({"a:case_worker", "a:supervisor"})
CASES = ("/cases/",)
FORM = {
    "direction": "outgoing",
    "organization_name": "IOM Almaty",
    "referred_on": "2022-11-03",
    "reason": "MigrationOrChangeOfLocation",
    "worker": WORKER,
    "details": DETAILS,
}


def recorded_one(w: World) -> RecordedReferral:
    return w.once("recorded", lambda: add(w))


def _page(suffix: str = "") -> Any:
    return lambda w: f"/cases/{diana(w).uuid}/referrals/recorded/{suffix}"


def _listed(w: World) -> str:
    """The list, with one recorded referral on it."""
    recorded_one(w)
    return _page()(w)


def _one(suffix: str) -> Any:
    return lambda w: f"/cases/{diana(w).uuid}/referrals/recorded/{recorded_one(w).uuid}/{suffix}"


def _edit_form(w: World) -> dict[str, Any]:
    prefix = recorded_one(w).uuid.hex
    return {f"{prefix}-{name}": value for name, value in FORM.items()} | {f"{prefix}-version": 1}


ROUTES = [
    Route("recorded list", "get", _listed, CASE_ROLES, sees=SEES_DIANA),
    Route(
        "recorded add",
        "post",
        _page("add/"),
        CASE_ROLES,
        ok=302,
        data=lambda w: FORM,
        sees=SEES_DIANA,
        lands=CASES,
    ),
    Route("recorded edit page", "get", _one("edit/"), CASE_ROLES, sees=SEES_DIANA),
    Route(
        "recorded edit",
        "post",
        _one("edit/"),
        CASE_ROLES,
        ok=302,
        data=_edit_form,
        sees=SEES_DIANA,
        lands=CASES,
    ),
    Route(
        "recorded remove", "post", _one("remove/"), CASE_ROLES, ok=302, sees=SEES_DIANA, lands=CASES
    ),
]


@each(ROUTES)
def test_access(world: World, route: Route, principal: str) -> None:
    response = check(world, route, principal)
    if response.status_code == 200:
        # Whoever sees the page sees the referral marked as recorded, not sent through OpenNRM.
        body = response.content.decode()
        assert "Referrals recorded, not sent through OpenNRM" in body
        assert "Shelter Sana Sezim" in body


def test_the_case_page_shows_them_marked_as_not_sent_through_opennrm(world, signed_in):
    add(world)
    add(world, direction="outgoing", organization_name="IOM Almaty", worker="", details="")
    client = signed_in(world.a["case_worker"].user, world.a["case_worker"])
    box = client.get(f"/cases/{diana(world).uuid}/").content.decode()
    box = box.split('id="case-referrals"')[1]
    section = box.split('id="recorded-referrals"')[1]
    assert "Referrals recorded, not sent through OpenNRM" in section
    assert "Nothing was sent through OpenNRM" in section
    assert "Shelter Sana Sezim" in section and "IOM Almaty" in section
    assert WORKER in section and "2023-05-14" in section
    assert f"/cases/{diana(world).uuid}/referrals/recorded/add/" in section


def test_adding_on_the_page_records_it_and_lands_on_the_case(world, signed_in):
    client = signed_in(world.a["case_worker"].user, world.a["case_worker"])
    response = client.post(f"/cases/{diana(world).uuid}/referrals/recorded/add/", FORM)
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{diana(world).uuid}/#case-referrals"
    referral = RecordedReferral.objects.get(case=diana(world))
    assert (referral.direction, referral.organization_name) == ("outgoing", "IOM Almaty")
    assert (referral.worker, referral.source) == (WORKER, "page")


def test_a_refused_form_comes_back_with_the_errors_and_saves_nothing(world, signed_in):
    client = signed_in(world.a["case_worker"].user, world.a["case_worker"])
    diana(world)
    before = writes()
    bad = FORM | {"organization_name": "", "referred_on": "2099-01-01"}
    response = client.post(f"/cases/{diana(world).uuid}/referrals/recorded/add/", bad)
    assert response.status_code == 200
    html = response.content.decode()
    assert "recorded-organization_name-error" in html
    assert "recorded-referred_on-error" in html
    assert writes() == before
    assert WORKER in html  # what was typed comes back to be corrected, on a page not cached
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


def test_a_stale_edit_is_refused_on_the_page(world, signed_in):
    referral = add(world)
    recorded.recorded_referral_update(
        actor=actor(world),
        case=diana(world),
        referral_id=referral.uuid,
        version=1,
        data={"reason": "Other"},
    )
    client = signed_in(world.a["supervisor"].user, world.a["supervisor"])
    prefix = referral.uuid.hex
    data = {f"{prefix}-{k}": v for k, v in FORM.items()} | {f"{prefix}-version": 1}
    response = client.post(
        f"/cases/{diana(world).uuid}/referrals/recorded/{referral.uuid}/edit/", data
    )
    assert response.status_code == 200
    assert "Someone else changed this record" in response.content.decode()
    referral.refresh_from_db()
    assert referral.organization_name == "Shelter Sana Sezim"


def test_the_list_never_reads_the_worker_for_one_who_may_not_see_identifying_data(world):
    from opennrm.accounts import permissions as perms
    from opennrm.accounts.permissions import Actor

    add(world)
    member = world.a["case_worker"]
    full = actor(world)
    limited = Actor(
        user=member.user,
        membership=member,
        permissions=full.permissions - {perms.IDENTIFYING_DATA_VIEW},
    )
    row = selectors.recorded_referral_list(actor=limited, case=diana(world)).get()
    assert {"worker", "details"} <= row.get_deferred_fields()
    row = selectors.recorded_referral_list(actor=full, case=diana(world)).get()
    assert not {"worker", "details"} & row.get_deferred_fields()


def test_the_case_page_reads_recorded_referrals_in_constant_queries(world, signed_in):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in(world.a["case_worker"].user, world.a["case_worker"])
    url = f"/cases/{diana(world).uuid}/"
    add(world)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for _ in range(5):
        add(world)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
