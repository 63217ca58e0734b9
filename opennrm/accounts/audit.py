"""The audit actions of organizations, users, memberships, sessions and tokens."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountAction(models.TextChoices):
    ORGANIZATION_CREATE = "organization.create", _("Organization created")
    ORGANIZATION_UPDATE = "organization.update", _("Organization changed")
    USER_CREATE = "user.create", _("User created")
    USER_CREATE_PLATFORM_ADMIN = "user.create_platform_admin", _("Platform admin created")
    USER_DEACTIVATE = "user.deactivate", _("User deactivated")
    PASSWORD_RESET = "user.password_reset", _("Password reset")
    PASSWORD_CHANGE = "user.password_change", _("Password changed")
    MEMBERSHIP_CREATE = "membership.create", _("Role given")
    MEMBERSHIP_CHANGE_ROLE = "membership.change_role", _("Role changed")
    MEMBERSHIP_DEACTIVATE = "membership.deactivate", _("Role ended")
    SESSION_LOGIN = "session.login", _("Session started")
    SESSION_LOGOUT = "session.logout", _("Signed out")
    SESSION_EXPIRED = "session.expired", _("Session expired")
    SESSION_SWITCH_ORGANIZATION = "session.switch_organization", _("Organization switched")
    TWO_FACTOR_ENROL = "two_factor.enrol", _("Two-factor set up")
    TWO_FACTOR_VERIFY = "two_factor.verify", _("Two-factor code accepted")
    TWO_FACTOR_FAIL = "two_factor.fail", _("Two-factor code refused")
    API_TOKEN_CREATE = "api_token.create", _("API token created")
    API_TOKEN_REVOKE = "api_token.revoke", _("API token revoked")
    SESSION_END_OTHER = "session.end_other", _("Another session ended")
    SESSION_END_OTHERS = "session.end_others", _("Every other session ended")
    ROLE_GRANT_REQUEST = "role_grant.request", _("Role awaits approval")
    ROLE_GRANT_APPROVE = "role_grant.approve", _("Role approved")
    ROLE_GRANT_REFUSE = "role_grant.refuse", _("Role refused")
    ROLE_GRANT_CANCEL = "role_grant.cancel", _("Role request withdrawn")
