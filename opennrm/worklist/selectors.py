"""What is waiting for the actor: the home worklist and the counts in the navigation.

The worklist owns no data. It composes each domain app's selector of due items, each taking the
actor and answering in one query, and asks only for what the actor's permissions allow: a
section the actor may not work is absent, not empty. Decision 0015 says why it is an app of its
own, at the top of the layers.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from django.db.models import F, Func, IntegerField, QuerySet, Subquery

from opennrm.accounts import permissions as perms
from opennrm.accounts.models import Organization
from opennrm.accounts.permissions import Actor
from opennrm.accounts.timezones import local_today
from opennrm.cases import selectors as cases
from opennrm.hotline import selectors as hotline
from opennrm.notifications import selectors as notifications
from opennrm.referrals import selectors as referrals
from opennrm.returns import selectors as returns

# Rows shown per section (the page stays under the 100 KB budget with every section full);
# the rest are a link away: each section links to its full list.
SECTION_SIZE = 10


@dataclass(frozen=True)
class Section:
    rows: list[Any]
    more: bool  # there are more than the rows shown

    @classmethod
    def of(cls, queryset: QuerySet[Any], size: int = SECTION_SIZE) -> Section:
        rows = list(queryset[: size + 1])
        return cls(rows=rows[:size], more=len(rows) > size)


@dataclass(frozen=True)
class Worklist:
    """The sections of the home page; None where the actor's role has no such work."""

    today: date
    team: bool  # the actor sees the organization's cases: rows name the worker
    cases: Section | None = None
    decisions: Section | None = None
    referrals_to_answer: Section | None = None
    referrals_waiting: Section | None = None
    follow_ups: Section | None = None
    returns: Section | None = None
    signals: Section | None = None
    notifications: Section | None = None

    @property
    def empty(self) -> bool:
        """Nothing waits in any section."""
        return not any(
            section.rows
            for field in fields(self)
            if isinstance(section := getattr(self, field.name), Section)
        )


def _case_attention(actor: Actor, today: date) -> QuerySet[Any]:
    """The actor's cases with something overdue, with what other apps add to it for the roles
    that see it: a subquery on the case for each, and the ids of the cases concerned."""
    more: dict[str, Subquery] = {}
    more_cases: list[QuerySet[Any]] = []
    if actor.can(perms.REFERRALS_VIEW):
        more["referral_overdue"] = referrals.referral_overdue_of_case(actor=actor)
        more_cases.append(referrals.referral_overdue_cases(actor=actor))
    if actor.can(perms.RETURNS_MANAGE):
        more["follow_up_due_on"] = returns.follow_up_due_of_case(actor=actor, today=today)
        more_cases.append(returns.follow_up_due_cases(actor=actor, today=today))
    return cases.case_attention(actor=actor, today=today, more=more, more_cases=more_cases)


def worklist(*, actor: Actor) -> Worklist:
    """Everything waiting for the actor in the active organization, section by section: one
    query per section, however many items each holds."""
    organization = actor.active_organization
    today = local_today(organization)
    found: dict[str, Section] = {}
    if actor.can(perms.CASES_VIEW):
        found["cases"] = Section.of(_case_attention(actor, today))
    if actor.can(perms.IDENTIFICATION_APPROVE):
        found["decisions"] = Section.of(cases.decisions_awaiting_review(actor=actor))
    if actor.can(perms.REFERRALS_RESPOND):
        found["referrals_to_answer"] = Section.of(referrals.referral_awaiting_answer(actor=actor))
    if actor.can(perms.REFERRALS_SEND):
        found["referrals_waiting"] = Section.of(referrals.referral_awaiting_partner(actor=actor))
    if actor.can(perms.RETURNS_MANAGE):
        found["follow_ups"] = Section.of(returns.follow_ups_due_queryset(actor=actor, today=today))
        found["returns"] = Section.of(returns.returns_due(actor=actor, today=today))
    if actor.can(perms.SIGNALS_RECORD):
        found["signals"] = Section.of(hotline.signal_follow_ups_due(actor=actor, today=today))
    found["notifications"] = Section.of(notifications.notification_list(actor=actor, unread=True))
    return Worklist(today=today, team=actor.can(perms.CASES_VIEW_ALL), **found)


def _count(queryset: QuerySet[Any]) -> Subquery:
    """The number of rows of ``queryset`` as a scalar subquery (COUNT without GROUP BY)."""
    counted = queryset.order_by().annotate(
        n=Func(F("pk"), function="COUNT", output_field=IntegerField())
    )
    return Subquery(counted.values("n"), output_field=IntegerField())


def worklist_counts(*, actor: Actor) -> dict[str, int]:
    """The numbers beside the navigation, by the URL name of the entry they stand beside, in one
    query of a few COUNTs: referrals waiting for the organization's answer, hotline and return
    follow-ups due; "home" is their sum with the decisions awaiting the actor's review.

    Only what the actor's permissions allow is counted; empty without a membership. The cases
    with something overdue are not counted here: that walks every case a supervisor sees, too
    dear for every page (decision 0015); the worklist itself lists them.
    """
    if actor.membership is None or not actor.can(perms.HOME_VIEW):
        return {}
    today = local_today(actor.organization)
    counted: dict[str, QuerySet[Any]] = {}
    if actor.can(perms.IDENTIFICATION_APPROVE):
        counted["decisions"] = cases.decisions_awaiting_review(actor=actor)
    if actor.can(perms.REFERRALS_RESPOND):
        counted["referrals:inbox"] = referrals.referral_awaiting_answer(actor=actor)
    if actor.can(perms.SIGNALS_RECORD):
        counted["hotline:queue"] = hotline.signal_follow_ups_due(actor=actor, today=today)
    if actor.can(perms.RETURNS_MANAGE):
        counted["returns:follow_ups_due"] = returns.follow_ups_due_queryset(
            actor=actor, today=today, within_days=0
        )
    if not counted:
        return {}
    keys = list(counted)
    row = (
        Organization.objects.filter(pk=actor.active_organization.pk)
        .values_list(*(_count(counted[key]) for key in keys))
        .get()
    )
    counts = {key: int(value or 0) for key, value in zip(keys, row, strict=True)}
    counts["home"] = sum(counts.values())
    counts.pop("decisions", None)
    return counts
