"""What the page shell needs: the actor, navigation by role, organizations to switch to."""

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import permissions as perms
from .middleware import two_factor_pending
from .selectors import membership_list_for_user

# (permission, url name, label): the navigation, shown to those who hold the permission.
NAVIGATION = [
    (perms.HOME_VIEW, "home", _("Home")),
    (perms.CASES_VIEW, "cases:case_list", _("Cases")),
    (perms.REFERRALS_VIEW, "referrals:inbox", _("Referrals")),
    (perms.SIGNALS_VIEW, "hotline:queue", _("Hotline")),
    (perms.STATS_VIEW, "stats:dashboard", _("Statistics")),
    (perms.HOTLINE_STATS_VIEW, "stats:hotline", _("Hotline figures")),
    (perms.REFERRALS_STATS_VIEW, "stats:referrals", _("Referral figures")),
    (perms.DIRECTORY_VIEW, "directory:search", _("Directory")),
    (perms.RETURNS_MANAGE, "returns:follow_ups_due", _("Follow-ups")),
    (perms.PERPETRATORS_VIEW_SHARED, "cases:perpetrators_shared", _("Shared perpetrator records")),
    (perms.MATCH_REQUESTS_RESPOND, "linkage:requests", _("Requests to get in touch")),
    (perms.LINKAGE_RUN, "linkage:batch_runs", _("Duplicate search")),
    (perms.STATS_NATIONAL, "stats:national", _("National statistics")),
    (perms.LINKAGE_NATIONAL, "linkage:batch_national", _("National duplicate search")),
    (perms.STATS_RELEASE, "stats:dp_releases", _("Data releases")),
    (perms.MEMBERS_VIEW, "accounts:member_list", _("Members")),
    (perms.ACCESS_DENIALS_VIEW, "accounts:access_denial_list", _("Refused access")),
    (perms.ORGANIZATION_SETTINGS, "accounts:organization_settings", _("Organization settings")),
    (perms.STATS_SHARING_MANAGE, "stats:sharing", _("Sharing statistics")),
    (perms.AGENCIES_MANAGE, "registry:agency_list", _("Licensed agencies")),
    (perms.HTCDS_IMPORT, "interop:import_list", _("HTCDS import and export")),
    (perms.TOKENS_MANAGE, "accounts:token_list", _("API tokens")),
    (perms.ORGANIZATIONS_MANAGE, "accounts:organization_list", _("Organizations")),
    (perms.ORGANIZATIONS_MANAGE, "accounts:platform_role_grant_list", _("Role requests")),
]
# Permissions that act only in the national coordinator organization: shown there alone.
NATIONAL = frozenset({perms.LINKAGE_NATIONAL, perms.STATS_NATIONAL})


def shell(request: HttpRequest) -> dict:
    context: dict = {"demo_mode": settings.DEMO_MODE}
    actor = getattr(request, "actor", None)
    if not actor or two_factor_pending(request):
        return context
    context["actor"] = actor
    # The platform admin acts without a membership, so for no organization.
    national = actor.membership is not None and actor.active_organization.national_coordinator
    context["navigation"] = [
        {
            "name": name,
            "url": reverse(name),
            "label": label,
            "current": request.path == reverse(name),
        }
        for permission, name, label in NAVIGATION
        if actor.can(permission) and (permission not in NATIONAL or national)
    ]
    context["switchable_memberships"] = list(membership_list_for_user(user=actor.user))
    return context
