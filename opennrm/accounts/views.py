"""Pages of the accounts app: sign-in, two-factor, organizations, members, API tokens."""

from __future__ import annotations

import base64
from typing import Any, cast

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.contrib.auth.tokens import default_token_generator
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from opennrm.audit.services import audit_read
from opennrm.crypto.keyring import DecryptionError, keyring
from opennrm.errors import ApplicationError, NotFound, PermissionDenied, ValidationFailed
from opennrm.web import ActorRequest, actor_required, add_errors

from . import permissions as perms
from . import selectors, services, sessions
from .forms import (
    ApiTokenForm,
    MemberCreateForm,
    MemberRoleForm,
    OrganizationForm,
    OrganizationSettingsForm,
    TokenForm,
)
from .middleware import two_factor_pending
from .models import User

ACCESS_DENIALS_SHOWN = 200


def login_view(request: HttpRequest) -> HttpResponse:
    """E-mail and password; django-axes counts failures per username and IP."""
    if request.user.is_authenticated and not two_factor_pending(request):
        return redirect("home")
    form = AuthenticationForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        sessions.session_start(request=request, user=form.get_user())
        target = request.POST.get("next") or request.GET.get("next") or ""
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = ""
        if two_factor_pending(request):
            return redirect("accounts:two_factor_verify")
        return HttpResponseRedirect(target or reverse("home"))
    return render(request, "accounts/login.html", {"form": form, "next": request.GET.get("next")})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    sessions.session_end(request=request)
    return redirect("accounts:login")


def _needs_session(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    if not two_factor_pending(request):
        return redirect("home")
    return None


def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app by QR code (or the key typed in), confirmed by one code."""
    if (response := _needs_session(request)) is not None:
        return response
    user = cast(User, request.user)  # _needs_session saw to it
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect("accounts:two_factor_verify")
    device = sessions.two_factor_device_for_enrolment(user=user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if sessions.two_factor_enrol(request=request, user=user, token=form.cleaned_data["token"]):
            messages.success(request, _("Two-factor sign-in is on."))
            return redirect("home")
        form.add_error("token", _("That code is not right. Check the time on your phone."))
    svg = segno.make(device.config_url, error="m").svg_inline(scale=4)
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    qr_data_uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    return render(
        request,
        "accounts/two_factor_setup.html",
        {"form": form, "qr_data_uri": qr_data_uri, "secret": secret},
    )


def two_factor_verify(request: HttpRequest) -> HttpResponse:
    if (response := _needs_session(request)) is not None:
        return response
    user = cast(User, request.user)  # _needs_session saw to it
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect("accounts:two_factor_setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if sessions.two_factor_verify(request=request, user=user, token=form.cleaned_data["token"]):
            return redirect("home")
        form.add_error("token", _("That code is not right, or it was already used."))
    return render(request, "accounts/two_factor_verify.html", {"form": form})


_RESET_TOKEN_CONTEXT = "session.password_reset_token"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Setting a password through the service, which audits it and keeps two-factor in force."""

    success_url = reverse_lazy("accounts:password_reset_complete")
    template_name = "accounts/password_reset_confirm.html"
    token_generator = default_token_generator

    def dispatch(self, *args: Any, **kwargs: Any) -> HttpResponseBase:
        """Django keeps the link's token in the session between the link and the form; the
        session store would hold it readable, so it is kept there encrypted (key ring)."""
        session = self.request.session
        sealed = session.get(auth_views.INTERNAL_RESET_SESSION_TOKEN)
        if sealed:
            try:
                session[auth_views.INTERNAL_RESET_SESSION_TOKEN] = keyring().decrypt(
                    sealed, context=_RESET_TOKEN_CONTEXT
                )
            except (DecryptionError, AttributeError):  # not ours: the link must be opened again
                session.pop(auth_views.INTERNAL_RESET_SESSION_TOKEN, None)
        response = super().dispatch(*args, **kwargs)
        token = session.get(auth_views.INTERNAL_RESET_SESSION_TOKEN)
        if token:
            session[auth_views.INTERNAL_RESET_SESSION_TOKEN] = keyring().encrypt(
                token, context=_RESET_TOKEN_CONTEXT
            )
        return response

    def form_valid(self, form: Any) -> HttpResponse:
        sessions.password_set(
            user=form.user, password=form.cleaned_data["new_password1"], reset=True
        )
        self.request.session.pop(auth_views.INTERNAL_RESET_SESSION_TOKEN, None)
        return HttpResponseRedirect(self.get_success_url())


def _signed_in(request: HttpRequest) -> HttpResponse | None:
    """Own-account pages need a signed-in user, not a membership: the platform admin has none."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return None


@never_cache
def password_change(request: HttpRequest) -> HttpResponse:
    """The signed-in user's new password: the old one, the new one twice; other sessions end."""
    if (response := _signed_in(request)) is not None:
        return response
    form = PasswordChangeForm(cast(User, request.user), request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sessions.password_change(
                request=request,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password1"],
            )
        except ValidationFailed as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request, _("Your password was changed. Your other sessions were signed out.")
            )
            return redirect("accounts:session_list")
    return render(request, "accounts/password_change.html", {"form": form})


@never_cache
def session_list(request: HttpRequest) -> HttpResponse:
    """The user's own sessions: when each began and was last used, on which device."""
    if (response := _signed_in(request)) is not None:
        return response
    rows = selectors.session_list_own(
        user=cast(User, request.user),
        current_key=request.session.session_key or "",
    )
    return render(request, "accounts/session_list.html", {"rows": rows})


@require_POST
def session_end(request: HttpRequest, session_id: str) -> HttpResponse:
    if (response := _signed_in(request)) is not None:
        return response
    try:
        sessions.session_end_other(request=request, session_id=session_id)
    except NotFound:
        raise Http404 from None
    messages.success(request, _("That session was signed out."))
    return redirect("accounts:session_list")


@require_POST
def sessions_end_others(request: HttpRequest) -> HttpResponse:
    if (response := _signed_in(request)) is not None:
        return response
    ended = sessions.sessions_end_others(request=request)
    messages.success(
        request, _("Sessions signed out: %(count)d. This one goes on.") % {"count": ended}
    )
    return redirect("accounts:session_list")


@require_POST
@actor_required(perms.HOME_VIEW)
def switch_organization(request: ActorRequest) -> HttpResponse:
    membership = sessions.active_membership_switch(
        request=request, user=request.user, membership_id=request.POST.get("membership", "")
    )
    messages.info(request, _("You now work in %(org)s.") % {"org": membership.organization.name})
    return redirect("home")


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    if cast(ActorRequest, request).actor.membership is None and not request.user.is_superuser:
        return render(request, "accounts/no_membership.html", status=403)
    return render(request, "accounts/home.html")


@actor_required(perms.MEMBERS_VIEW)
def member_list(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    form = MemberCreateForm(request.POST or None)
    if request.method == "POST":
        if not actor.can(perms.MEMBERS_MANAGE):
            raise DjangoPermissionDenied
        if form.is_valid():
            try:
                membership = services.membership_create(
                    actor=actor, organization=actor.active_organization, **form.cleaned_data
                )
            except ValidationFailed as exc:
                add_errors(form, exc)
            else:
                if membership.is_active:
                    text = _("%(email)s was added.")
                else:
                    text = _("%(email)s was added; the role waits for another admin's approval.")
                messages.success(request, text % {"email": membership.user})
                return redirect("accounts:member_list")
    members = list(selectors.member_list(actor=actor))
    pending = selectors.role_grant_pending_of(actor=actor, memberships=members)
    return render(
        request,
        "accounts/member_list.html",
        {
            "members": [(m, pending.get(m.pk)) for m in members],
            "form": form if actor.can(perms.MEMBERS_MANAGE) else None,
            "can_manage": actor.can(perms.MEMBERS_MANAGE),
        },
    )


@actor_required(perms.MEMBERS_VIEW)
def member_detail(request: ActorRequest, membership_id: str) -> HttpResponse:
    actor = request.actor
    membership = selectors.member_get(actor=actor, membership_id=membership_id)
    audit_read(actor=actor, obj=membership.user)
    return render(
        request,
        "accounts/member_detail.html",
        {
            "member": membership,
            "pending": selectors.role_grant_pending_of(actor=actor, memberships=[membership]).get(
                membership.pk
            ),
            "role_form": MemberRoleForm(initial={"role": membership.role}),
            "can_manage": actor.can(perms.MEMBERS_MANAGE),
            # One's own role and membership are changed by another admin only.
            "is_self": membership.user_id == actor.user.pk,
        },
    )


def _member_change_refused(request: ActorRequest, exc: ApplicationError) -> None:
    """Show why a change to a member was refused. A refusal of permission goes on to
    ``actor_required``, which records it (an admin trying their own role shows among the refused
    accesses) and answers 403 with the message on the page."""
    messages.error(request, exc.message)
    if isinstance(exc, PermissionDenied):
        raise exc


@require_POST
@actor_required(perms.MEMBERS_MANAGE)
def member_change_role(request: ActorRequest, membership_id: str) -> HttpResponse:
    membership = selectors.member_get(actor=request.actor, membership_id=membership_id)
    form = MemberRoleForm(request.POST)
    if form.is_valid():
        role = form.cleaned_data["role"]
        try:
            membership = services.membership_change_role(
                actor=request.actor, membership=membership, role=role
            )
        except (PermissionDenied, ValidationFailed) as exc:
            _member_change_refused(request, exc)
        else:
            if membership.role == role:
                messages.success(request, _("The role was changed."))
            else:
                messages.info(request, _("The new role waits for another admin's approval."))
    else:
        messages.error(request, _("Choose one of the roles."))
    return redirect("accounts:member_detail", membership_id=membership.uuid)


@require_POST
@actor_required(perms.MEMBERS_MANAGE)
def member_deactivate(request: ActorRequest, membership_id: str) -> HttpResponse:
    membership = selectors.member_get(actor=request.actor, membership_id=membership_id)
    try:
        services.membership_deactivate(actor=request.actor, membership=membership)
    except (PermissionDenied, ValidationFailed) as exc:
        _member_change_refused(request, exc)
    else:
        messages.success(request, _("The member was deactivated and signed out everywhere."))
    return redirect("accounts:member_detail", membership_id=membership.uuid)


@require_POST
@actor_required(perms.MEMBERS_MANAGE)
def member_deactivate_user(request: ActorRequest, membership_id: str) -> HttpResponse:
    """Deactivate the member's user account everywhere (if they work for this organization only)."""
    membership = selectors.member_get(actor=request.actor, membership_id=membership_id)
    try:
        services.user_deactivate(actor=request.actor, user=membership.user)
    except (PermissionDenied, ValidationFailed) as exc:
        _member_change_refused(request, exc)
    else:
        messages.success(request, _("The user was deactivated and signed out everywhere."))
    return redirect("accounts:member_detail", membership_id=membership.uuid)


def _role_grant_page(request: ActorRequest, url_prefix: str) -> HttpResponse:
    actor = request.actor
    grants = selectors.role_grant_list(actor=actor)
    return render(
        request,
        "accounts/role_grant_list.html",
        {
            "grants": [
                (grant, selectors.role_grant_may_decide(actor=actor, grant=grant))
                for grant in grants
            ],
            "approve_url": f"accounts:{url_prefix}role_grant_approve",
            "refuse_url": f"accounts:{url_prefix}role_grant_refuse",
            "show_organization": actor.can(perms.ORGANIZATIONS_MANAGE),
        },
    )


def _role_grant_decide(
    request: ActorRequest, grant_id: str, *, approve: bool, url_prefix: str
) -> HttpResponse:
    grant = selectors.role_grant_get(actor=request.actor, grant_id=grant_id)
    decide = services.role_grant_approve if approve else services.role_grant_refuse
    try:
        decide(actor=request.actor, grant=grant)
    except ApplicationError as exc:
        if isinstance(exc, NotFound):
            raise
        _member_change_refused(request, exc)
    else:
        messages.success(
            request, _("The role was granted.") if approve else _("The request was refused.")
        )
    return redirect(f"accounts:{url_prefix}role_grant_list")


@never_cache
@actor_required(perms.MEMBERS_MANAGE)
def role_grant_list(request: ActorRequest) -> HttpResponse:
    """Roles reading identifying data that an admin asked for, awaiting another admin."""
    return _role_grant_page(request, "")


@require_POST
@actor_required(perms.MEMBERS_MANAGE)
def role_grant_decide(request: ActorRequest, grant_id: str, approve: bool) -> HttpResponse:
    return _role_grant_decide(request, grant_id, approve=approve, url_prefix="")


@never_cache
@actor_required(perms.ORGANIZATIONS_MANAGE)
def platform_role_grant_list(request: ActorRequest) -> HttpResponse:
    """Role requests of organizations with no other admin: the platform admin decides."""
    return _role_grant_page(request, "platform_")


@require_POST
@actor_required(perms.ORGANIZATIONS_MANAGE)
def platform_role_grant_decide(request: ActorRequest, grant_id: str, approve: bool) -> HttpResponse:
    return _role_grant_decide(request, grant_id, approve=approve, url_prefix="platform_")


@actor_required(perms.TOKENS_MANAGE)
def token_list(request: ActorRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_token = services.api_token_create(actor=request.actor, **form.cleaned_data)
        except ValidationFailed as exc:
            add_errors(form, exc)
        else:
            form = ApiTokenForm()
    return render(
        request,
        "accounts/token_list.html",
        {
            "tokens": selectors.api_token_list(actor=request.actor),
            "form": form,
            "new_token": new_token,
            "max_days": settings.API_TOKEN_MAX_DAYS,
        },
    )


@require_POST
@actor_required(perms.TOKENS_MANAGE)
def token_revoke(request: ActorRequest, token_id: str) -> HttpResponse:
    token = selectors.api_token_get(actor=request.actor, token_id=token_id)
    services.api_token_revoke(actor=request.actor, token=token)
    messages.success(request, _("The token was revoked."))
    return redirect("accounts:token_list")


@actor_required(perms.ORGANIZATIONS_MANAGE)
def organization_list(request: ActorRequest) -> HttpResponse:
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            organization = services.organization_create(actor=request.actor, **data)
        except ValidationFailed as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("%(name)s was created.") % {"name": organization.name})
            return redirect("accounts:organization_list")
    return render(
        request,
        "accounts/organization_list.html",
        {"organizations": selectors.organization_list(actor=request.actor), "form": form},
    )


@actor_required(perms.ORGANIZATIONS_MANAGE)
def organization_edit(request: ActorRequest, organization_id: str) -> HttpResponse:
    organization = selectors.organization_get(actor=request.actor, organization_id=organization_id)
    initial = {
        "name": organization.name,
        "org_type": organization.org_type,
        "country": organization.country,
        "city": organization.city,
        "phone": organization.phone,
        "time_zone": organization.time_zone,
        "version": organization.version,
    }
    form = OrganizationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version") or 0
        try:
            services.organization_update(
                actor=request.actor, organization=organization, version=version, **data
            )
        except ApplicationError as exc:
            if isinstance(exc, NotFound):
                raise
            add_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("accounts:organization_list")
    return render(
        request, "accounts/organization_edit.html", {"organization": organization, "form": form}
    )


@actor_required(perms.ORGANIZATION_SETTINGS)
def organization_settings(request: ActorRequest) -> HttpResponse:
    """The organization admin's settings of their own organization: its time zone, who decides
    identification and its periods."""
    organization = request.actor.active_organization
    initial = {name: getattr(organization, name) for name in services.SETTINGS_FIELDS}
    initial["version"] = organization.version
    form = OrganizationSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_settings_update(actor=request.actor, **form.cleaned_data)
        except ApplicationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("accounts:organization_settings")
    return render(
        request,
        "accounts/organization_settings.html",
        {"organization": organization, "form": form, "now": timezone.now()},
    )


@actor_required(perms.ACCESS_DENIALS_VIEW)
def access_denial_list(request: ActorRequest) -> HttpResponse:
    """Who was refused what in the organization, newest first: someone probing shows here."""
    denials = selectors.access_denial_list(actor=request.actor, limit=ACCESS_DENIALS_SHOWN)
    return render(
        request,
        "accounts/access_denial_list.html",
        {"denials": denials, "shown": ACCESS_DENIALS_SHOWN},
    )
