"""The CTDC export of the demo scenario's IOM Almaty, every person consenting to statistics:
k-anonymous, and no demo name, case number or worker in the file."""

from __future__ import annotations

import csv
import io
from collections import Counter

from django.core.management import call_command

from opennrm.accounts import permissions as perms
from opennrm.accounts.models import Membership, Organization
from opennrm.accounts.permissions import Actor
from opennrm.cases import demo, services
from opennrm.cases.models import Case
from opennrm.stats.ctdc_export import V6_COLUMNS, ctdc_export

NAMES = {n for table in (demo._WOMEN, demo._MEN, demo._FAMILY) for ns in table.values() for n in ns}


def test_the_demo_export_is_k_anonymous_and_names_no_one(db, settings) -> None:
    settings.DEMO_MODE = True
    call_command("load_demo", verbosity=0)
    iom = Organization.objects.get(name="IOM Kazakhstan, Almaty office")
    cases = list(Case.objects.filter(organization=iom).select_related("person", "owner"))
    assert len(cases) >= 49
    for case in cases:
        owner = Membership.objects.get(organization=iom, user=case.owner)
        services.consent_record(
            actor=Actor.of(owner.user, owner),
            case=case,
            purpose="statistics",
            method="written",
            guardian_name="Guardian" if case.person.is_minor else "",
        )
    member = Membership.objects.filter(organization=iom).first()
    assert member is not None
    # The organization's analyst: the demo has none at IOM Almaty, so one is made here.
    analyst = Actor(
        user=member.user, membership=member, permissions=frozenset({perms.STATS_RELEASE})
    )
    result = ctdc_export(analyst)
    text = result.csv()
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert tuple(rows[0]) == V6_COLUMNS
    assert len(rows) - 1 == result.report.released > 0
    assert all(n >= 11 for n in Counter(map(tuple, rows[1:])).values())
    for case in cases:
        assert case.number not in text
    assert not [n for n in NAMES if n in text]
    workers = Membership.objects.filter(organization=iom).values_list("user__email", flat=True)
    assert not [w for w in workers if w in text]
