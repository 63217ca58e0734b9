"""The demo scenario's directory, hotline numbers and return, loaded by load_demo."""

from __future__ import annotations

from django.core.management import call_command

from opennrm.accounts.models import Membership, Organization
from opennrm.accounts.permissions import Actor
from opennrm.directory.models import DirectoryEntry, HotlineNumber
from opennrm.directory.selectors import hotline_number_public_list
from opennrm.returns import selectors
from opennrm.returns.models import ReturnRecord


def test_demo_directory_hotlines_and_a_follow_up_due(db, settings) -> None:
    settings.DEMO_MODE = True
    call_command("load_demo", verbosity=0)
    for organization in Organization.objects.all():
        assert DirectoryEntry.objects.filter(organization=organization).exists(), organization
    assert set(HotlineNumber.objects.values_list("country", flat=True)) == {
        "KZ", "UZ", "TJ", "KG", "TR", "RU",
    }  # fmt: skip
    # Invented numbers are marked, and the public portal's list leaves them out.
    assert not DirectoryEntry.objects.filter(is_demo=False).exists()
    assert not HotlineNumber.objects.filter(is_demo=False).exists()
    assert not hotline_number_public_list().exists()
    centre = Organization.objects.get(name="Tashkent Reintegration Centre", country="UZ")
    record = ReturnRecord.objects.get(organization=centre)
    assert record.arrived_on is not None and record.document_number.startswith("DEMO-")
    worker = Membership.objects.get(organization=centre, user__email="uzbek@demo.opennrm.org")
    due = selectors.follow_ups_due(actor=Actor.of(worker.user, worker))
    assert [f.months for f in due.overdue] == [3]
    # IOM Türkiye's return, shared with the centre (0018): the centre recorded the arrival and
    # the 3-month follow-up, and has its own case of the woman from IOM's referral.
    actor = Actor.of(worker.user, worker)
    (shared,) = selectors.return_received_list(actor=actor)
    assert shared.organization.name == "IOM Türkiye" and shared.arrived_on is not None
    assert [(f.months, f.outcome) for f in shared.follow_ups.all()][0] == (3, "needs_support")
    own = selectors.receiving_case(actor=Actor.of(worker.user, worker), record=shared)
    assert own is not None
    assert selectors.return_for_received_case(actor=actor, case=own, audit=False) == shared
