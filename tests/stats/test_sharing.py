"""Data-sharing agreements with the national coordinator: recorded and withdrawn by the
organization's admin, audited on both sides, and the organizations in force on a day."""

from __future__ import annotations

from datetime import date

import pytest

from opennrm.audit.models import AuditEvent
from opennrm.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from opennrm.stats import sharing
from opennrm.stats.models_sharing import SharingAgreement
from tests.support.matrix import EVERY_MEMBER, Route, check, each

ADMIN = frozenset({"organization_admin"})


def _coordinator(world):
    world.org_b.national_coordinator = True
    world.org_b.save(update_fields=["national_coordinator"])
    return world.org_b


def test_an_admin_shares_from_a_date_and_withdraws_audited_on_both_sides(world):
    coordinator = _coordinator(world)
    admin = world.actor(world.a["organization_admin"])
    agreement = sharing.sharing_start(actor=admin, starts_on="2005-01-01", reference="No. 17/2005")
    assert (agreement.coordinator, agreement.starts_on) == (coordinator, date(2005, 1, 1))
    assert sharing.sharing_organization_ids(coordinator=coordinator, on=date(2005, 6, 1)) == [
        world.org_a.pk
    ]
    assert sharing.sharing_organization_ids(coordinator=coordinator, on=date(2004, 12, 31)) == []
    events = AuditEvent.objects.filter(object_id=agreement.uuid)
    assert sorted(events.values_list("organization_id", flat=True)) == sorted(
        [world.org_a.pk, coordinator.pk]
    )
    assert set(events.values_list("action", flat=True)) == {"stats.sharing_start"}

    with pytest.raises(Conflict):  # one agreement at a time
        sharing.sharing_start(actor=admin, starts_on="2006-01-01")

    withdrawn = sharing.sharing_withdraw(actor=admin, agreement_id=agreement.uuid)
    assert withdrawn.withdrawn_on is not None
    assert (
        sharing.sharing_organization_ids(coordinator=coordinator, on=withdrawn.withdrawn_on) == []
    )
    assert (
        AuditEvent.objects.filter(object_id=agreement.uuid, action="stats.sharing_withdraw").count()
        == 2
    )
    with pytest.raises(Conflict):
        sharing.sharing_withdraw(actor=admin, agreement_id=agreement.uuid)
    # Shared again later: a new agreement, the old one kept as history.
    sharing.sharing_start(actor=admin, starts_on="2007-01-01")
    assert SharingAgreement.objects.filter(organization=world.org_a).count() == 2


@pytest.mark.parametrize(
    "data, field",
    [
        ({"starts_on": ""}, "starts_on"),
        ({"starts_on": "31.12.2005"}, "starts_on"),
        ({"starts_on": "1999-12-31"}, "starts_on"),
        ({"starts_on": "2005-01-01", "reference": "x" * 201}, "reference"),
        ({"starts_on": "2005-01-01", "reference": "a\x00b"}, "reference"),
    ],
)
def test_bad_input_is_named_and_nothing_is_saved(world, data, field):
    _coordinator(world)
    with pytest.raises(ValidationFailed) as refused:
        sharing.sharing_start(actor=world.actor(world.a["organization_admin"]), **data)
    assert field in refused.value.errors
    assert not SharingAgreement.objects.exists()


def test_no_coordinator_no_agreement(world):
    with pytest.raises(Conflict, match="coordinator"):
        sharing.sharing_start(
            actor=world.actor(world.a["organization_admin"]), starts_on="2005-01-01"
        )


@pytest.mark.parametrize("role", sorted(set(EVERY_MEMBER) - ADMIN))
def test_only_the_admin_records_or_withdraws(world, role):
    _coordinator(world)
    agreement = sharing.sharing_start(
        actor=world.actor(world.a["organization_admin"]), starts_on="2005-01-01"
    )
    with pytest.raises(PermissionDenied):
        sharing.sharing_start(actor=world.actor(world.a[role]), starts_on="2005-01-01")
    with pytest.raises(PermissionDenied):
        sharing.sharing_withdraw(actor=world.actor(world.a[role]), agreement_id=agreement.uuid)


def test_another_organization_s_admin_cannot_withdraw_it(world):
    _coordinator(world)
    agreement = sharing.sharing_start(
        actor=world.actor(world.a["organization_admin"]), starts_on="2005-01-01"
    )
    with pytest.raises(NotFound):
        sharing.sharing_withdraw(
            actor=world.actor(world.b["organization_admin"]), agreement_id=agreement.uuid
        )


def _agreement_of_a(world):
    _coordinator(world)
    return world.once(
        "agreement",
        lambda: sharing.sharing_start(
            actor=world.actor(world.a["organization_admin"]), starts_on="2005-01-01"
        ),
    )


ROUTES = [
    Route("sharing", "get", lambda w: "/stats/sharing/", ADMIN),
    Route(
        "sharing start",
        "post",
        lambda w: (_coordinator(w), "/stats/sharing/")[1],
        ADMIN,
        ok=302,
        data=lambda w: {"starts_on": "2005-01-01", "reference": "No. 1"},
        lands=("/stats/sharing/",),
    ),
    Route(
        "sharing withdraw",
        "post",
        lambda w: f"/stats/sharing/{_agreement_of_a(w).uuid}/withdraw/",
        ADMIN,
        sees=frozenset({"a:organization_admin"}),
        ok=302,
        lands=("/stats/sharing/",),
    ),
]


@each(ROUTES)
def test_access(world, route, principal):
    check(world, route, principal)
