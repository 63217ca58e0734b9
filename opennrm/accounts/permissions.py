"""The one permission table of OpenNRM: what each role may do. Views, API and services read it.

Permissions are granted by the active membership's role. The platform admin (``is_superuser``)
gets only the platform permissions: organizations, never case content.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from opennrm.errors import PermissionDenied

from .models import Role

if TYPE_CHECKING:
    from .models import Membership, Organization, User

# Every permission, with what it allows.
HOME_VIEW = "home.view"  # the signed-in start page of an organization
TOKENS_MANAGE = "tokens.manage"  # one's own API tokens for the active membership
MEMBERS_VIEW = "members.view"  # the users of the active organization
MEMBERS_MANAGE = "members.manage"  # add users, change roles, deactivate
ORGANIZATION_SETTINGS = "organization.settings"  # the active organization's time zone
ACCESS_DENIALS_VIEW = "access_denials.view"  # refused accesses of the organization's members
IDENTIFYING_DATA_VIEW = "persons.view_identifying"  # names, documents, contacts of persons
ORGANIZATIONS_MANAGE = "organizations.manage"  # platform: create and edit organizations
CASES_VIEW = "cases.view"  # cases one owns or is on the team of, in the active organization
CASES_VIEW_ALL = "cases.view_all"  # every case of the active organization
CASES_CREATE = "cases.create"  # open a case (and record its person)
CASES_UPDATE = "cases.update"  # edit a visible case, its person, plan, services, consent, notes
CASES_CLOSE = "cases.close"  # close or reopen a case
CASES_HAND_ON = "cases.hand_on"  # close a case as handed on to another organization
IDENTIFICATION_PROPOSE = "identification.propose"  # propose a presumed/identified decision
IDENTIFICATION_APPROVE = "identification.approve"  # approve or reject a proposed decision
SIGNALS_VIEW = "signals.view"  # the hotline signals (calls, chats, tips) of the organization
SIGNALS_RECORD = "signals.record"  # log and update a signal, open a case from it
HOTLINE_STATS_VIEW = "hotline.stats"  # counts of signals by reason, channel, language; no content
SCREENING_CONDUCT = "screening.conduct"  # screen the person of a visible case, see the results
DIRECTORY_VIEW = "directory.view"  # the service directory: organizations, services, hotlines
DIRECTORY_MANAGE = "directory.manage"  # the organization's own entries in the directory
REFERRALS_VIEW = "referrals.view"  # referrals sent from visible cases or received by the org
REFERRALS_SEND = "referrals.send"  # refer a visible case to another organization, withdraw it
REFERRALS_RESPOND = "referrals.respond"  # accept, decline or complete a received referral
REFERRALS_OVERRIDE_CONSENT = "referrals.override_consent"  # send without consent, with a reason
REFERRALS_STATS_VIEW = "referrals.stats"  # referral counts and response times; no content
CASES_TRANSFER = "cases.transfer"  # transfer a case to another organization, accept a transfer
RETURNS_MANAGE = "returns.manage"  # voluntary return details and reintegration follow-ups
# Perpetrator records of a case (decision 0017): who did it, their phones, vehicles, places.
PERPETRATORS_WORK = "perpetrators.work"  # read and record them on a visible case
PERPETRATORS_SHARE = "perpetrators.share"  # share a case's records with the police liaison, or stop
PERPETRATORS_VIEW_SHARED = "perpetrators.view_shared"  # read them where a supervisor shared them
# Finding the same person (decision 0021).
PERSONS_MATCH = "persons.match"  # the duplicate check at intake and name search, own organization
MATCH_HINTS_VIEW = "matching.hints"  # "a possible record exists at X"; ask X to get in touch
MATCH_REQUESTS_RESPOND = (
    "matching.requests"  # answer another organization's request to get in touch
)
PERSONS_MERGE = "persons.merge"  # declare two persons of the organization one, or undo it
LINKAGE_RUN = "linkage.run"  # batch duplicate search within the organization
LINKAGE_NATIONAL = "linkage.national"  # linkage across organizations, at the national coordinator

# Statistics (decision 0022). No permission here reaches a person, a case number or a worker,
# but for the organization's own caseload per worker on its own dashboard.
STATS_VIEW = "stats.view"  # the organization's dashboard and annual report
STATS_NATIONAL = "stats.national"  # the national view; acts only at the national coordinator
STATS_SHARING_MANAGE = "stats.sharing"  # the organization's data-sharing agreement
STATS_RELEASE = "stats.release"  # suppressed tables, DP releases and CTDC microdata leaving
STATS_REFERENCE_IMPORT = "stats.reference"  # import a reference data set (CTDC)
# The public portal's registry of licensed agencies (decision 0027): the regulator's alone.
AGENCIES_MANAGE = "agencies.manage"  # create, edit and import licensed agencies
_STATS_ANALYSIS = {STATS_VIEW, STATS_RELEASE, STATS_NATIONAL, STATS_REFERENCE_IMPORT}

# The public portal (decision 0025): its content pages, edited and published per language. Acts
# only at the organization hosting the portal (opennrm.portal.site).
PORTAL_CONTENT_EDIT = "portal.content_edit"

# HTCDS import (decision 0028), with the case permissions its rows are written under.
HTCDS_IMPORT = "interop.import"  # upload an HTCDS file, preview it and import it
# HTCDS exports (decision 0029): one person asks, a supervisor (someone else) approves.
HTCDS_EXPORT_REQUEST = "interop.export_request"  # ask to export visible cases, download it
HTCDS_EXPORT_APPROVE = "interop.export_approve"  # approve or refuse another's export request

_EVERY_MEMBER = {HOME_VIEW, TOKENS_MANAGE, DIRECTORY_VIEW}

_CASE_WORK = {
    IDENTIFYING_DATA_VIEW,
    CASES_VIEW,
    CASES_CREATE,
    CASES_UPDATE,
    SCREENING_CONDUCT,
    PERSONS_MATCH,
}
# Hints across organizations: those who register persons and answer for them; never a service
# provider, the law-enforcement liaison or an analyst (decision 0021).
_MATCHING_ACROSS = {MATCH_HINTS_VIEW, MATCH_REQUESTS_RESPOND}

# Those who receive referrals; service providers and liaisons see only what is referred to them.
_REFERRAL_RECEIVING = {REFERRALS_VIEW, REFERRALS_RESPOND}
_REFERRAL_WORK = _REFERRAL_RECEIVING | {REFERRALS_SEND, RETURNS_MANAGE}

# Case workers log walk-ins and outreach contacts as signals too.
_SIGNAL_WORK = {SIGNALS_VIEW, SIGNALS_RECORD}

# Service providers and law-enforcement liaisons see only what is referred to them (referrals).
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.HOTLINE_OPERATOR: frozenset(
        _EVERY_MEMBER
        | _CASE_WORK
        | _SIGNAL_WORK
        | {HOTLINE_STATS_VIEW, REFERRALS_VIEW, REFERRALS_SEND, CASES_HAND_ON}
    ),
    Role.CASE_WORKER: frozenset(
        _EVERY_MEMBER
        | _CASE_WORK
        | _SIGNAL_WORK
        | _REFERRAL_WORK
        | {IDENTIFICATION_PROPOSE, PERPETRATORS_WORK}
        | _MATCHING_ACROSS
        | {HTCDS_IMPORT, HTCDS_EXPORT_REQUEST}
    ),
    Role.SUPERVISOR: frozenset(
        _EVERY_MEMBER
        | _CASE_WORK
        | _SIGNAL_WORK
        | {MEMBERS_VIEW, CASES_VIEW_ALL, CASES_CLOSE, CASES_HAND_ON, IDENTIFICATION_PROPOSE}
        | _REFERRAL_WORK
        | {IDENTIFICATION_APPROVE, HOTLINE_STATS_VIEW, REFERRALS_OVERRIDE_CONSENT}
        | {REFERRALS_STATS_VIEW, CASES_TRANSFER, DIRECTORY_MANAGE}
        | {PERPETRATORS_WORK, PERPETRATORS_SHARE}
        | _MATCHING_ACROSS
        | {PERSONS_MERGE, LINKAGE_RUN}
        | {STATS_VIEW}
        | {HTCDS_IMPORT, HTCDS_EXPORT_REQUEST, HTCDS_EXPORT_APPROVE}
    ),
    Role.SERVICE_PROVIDER: frozenset(_EVERY_MEMBER | {IDENTIFYING_DATA_VIEW} | _REFERRAL_RECEIVING),
    # The liaison reads perpetrator records only of the cases a supervisor shared (0017).
    Role.LAW_ENFORCEMENT_LIAISON: frozenset(
        _EVERY_MEMBER | {IDENTIFYING_DATA_VIEW, PERPETRATORS_VIEW_SHARED} | _REFERRAL_RECEIVING
    ),
    # LINKAGE_NATIONAL and STATS_NATIONAL act only in the national coordinator organization.
    Role.DATA_ANALYST: frozenset(
        _EVERY_MEMBER
        | {HOTLINE_STATS_VIEW, REFERRALS_STATS_VIEW, LINKAGE_NATIONAL}
        | _STATS_ANALYSIS
    ),
    Role.ORGANIZATION_ADMIN: frozenset(
        _EVERY_MEMBER
        | {MEMBERS_VIEW, MEMBERS_MANAGE, DIRECTORY_MANAGE, ACCESS_DENIALS_VIEW}
        | {ORGANIZATION_SETTINGS, STATS_SHARING_MANAGE, PORTAL_CONTENT_EDIT}
    ),
    # The licensing authority keeps the agency registry; it reads no case, person or signal.
    Role.REGULATOR: frozenset(_EVERY_MEMBER | {AGENCIES_MANAGE}),
}
PLATFORM_PERMISSIONS = frozenset({ORGANIZATIONS_MANAGE})

# Roles whose holders must use two-factor: those that see identifying data or grant access.
TWO_FACTOR_PERMISSIONS = frozenset({IDENTIFYING_DATA_VIEW, MEMBERS_MANAGE, ORGANIZATIONS_MANAGE})


def role_permissions(role: str) -> frozenset[str]:
    return ROLE_PERMISSIONS.get(role, frozenset())


@dataclass(frozen=True)
class Actor:
    """Who is acting: a user and the membership (organization and role) they act through."""

    user: User
    membership: Membership | None = None
    permissions: frozenset[str] = field(default=frozenset())

    @classmethod
    def of(cls, user: User, membership: Membership | None) -> Actor:
        perms: set[str] = set()
        if membership is not None and membership.is_active and user.is_active:
            perms |= role_permissions(membership.role)
        if user.is_superuser and user.is_active:
            perms |= PLATFORM_PERMISSIONS
        return cls(user=user, membership=membership, permissions=frozenset(perms))

    @property
    def organization(self) -> Organization | None:
        return self.membership.organization if self.membership else None

    @property
    def active_organization(self) -> Organization:
        """The organization acted for, where the work needs one: every permission but the
        platform admin's comes through a membership. ``PermissionDenied`` without one."""
        if self.membership is None:
            raise PermissionDenied(_("You do not have permission to do this."))
        return self.membership.organization

    @property
    def role(self) -> str | None:
        return self.membership.role if self.membership else None

    def can(self, permission: str) -> bool:
        return permission in self.permissions

    def require(self, permission: str) -> None:
        """Raise ``PermissionDenied`` unless the actor holds ``permission``."""
        if not self.can(permission):
            raise PermissionDenied(_("You do not have permission to do this."), rule=permission)


def requires_two_factor(user: User) -> bool:
    """True when any of the user's active roles (or the platform role) needs two-factor."""
    if user.is_superuser:
        return True
    for membership in user.memberships.filter(is_active=True, organization__is_active=True):
        if role_permissions(membership.role) & TWO_FACTOR_PERMISSIONS:
            return True
    return False


def role_reads_identifying(role: str) -> bool:
    """True when ``role`` may read persons' names, documents and contacts: such a role is granted
    only with a second admin's approval (accounts.services.membership_change_role)."""
    return IDENTIFYING_DATA_VIEW in role_permissions(role)


def role_needs_second_person(role: str) -> bool:
    """True when granting ``role`` waits for a second admin: it reads identifying data, or it
    manages members (else one admin could make a second admin account and approve with it)."""
    return role_reads_identifying(role) or MEMBERS_MANAGE in role_permissions(role)
