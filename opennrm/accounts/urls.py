from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views

app_name = "accounts"

urlpatterns = [
    path("accounts/login/", views.login_view, name="login"),
    path("accounts/logout/", views.logout_view, name="logout"),
    path("accounts/two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("accounts/two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
    path(
        "accounts/password-reset/",
        auth_views.PasswordResetView.as_view(
            template_name="accounts/password_reset_form.html",
            email_template_name="accounts/password_reset_email.txt",
            subject_template_name="accounts/password_reset_subject.txt",
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "accounts/password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password-reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("accounts/switch/", views.switch_organization, name="switch_organization"),
    path("accounts/password/", views.password_change, name="password_change"),
    path("accounts/sessions/", views.session_list, name="session_list"),
    path("accounts/sessions/<uuid:session_id>/end/", views.session_end, name="session_end"),
    path("accounts/sessions/end-others/", views.sessions_end_others, name="sessions_end_others"),
    path("members/", views.member_list, name="member_list"),
    path("members/role-requests/", views.role_grant_list, name="role_grant_list"),
    path(
        "members/role-requests/<uuid:grant_id>/approve/",
        views.role_grant_decide,
        {"approve": True},
        name="role_grant_approve",
    ),
    path(
        "members/role-requests/<uuid:grant_id>/refuse/",
        views.role_grant_decide,
        {"approve": False},
        name="role_grant_refuse",
    ),
    path("members/<uuid:membership_id>/", views.member_detail, name="member_detail"),
    path("members/<uuid:membership_id>/role/", views.member_change_role, name="member_role"),
    path(
        "members/<uuid:membership_id>/deactivate/",
        views.member_deactivate,
        name="member_deactivate",
    ),
    path("organization/", views.organization_settings, name="organization_settings"),
    path(
        "members/<uuid:membership_id>/deactivate-user/",
        views.member_deactivate_user,
        name="member_deactivate_user",
    ),
    path("access-denials/", views.access_denial_list, name="access_denial_list"),
    path("tokens/", views.token_list, name="token_list"),
    path("tokens/<uuid:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("platform/organizations/", views.organization_list, name="organization_list"),
    path(
        "platform/role-requests/", views.platform_role_grant_list, name="platform_role_grant_list"
    ),
    path(
        "platform/role-requests/<uuid:grant_id>/approve/",
        views.platform_role_grant_decide,
        {"approve": True},
        name="platform_role_grant_approve",
    ),
    path(
        "platform/role-requests/<uuid:grant_id>/refuse/",
        views.platform_role_grant_decide,
        {"approve": False},
        name="platform_role_grant_refuse",
    ),
    path(
        "platform/organizations/<uuid:organization_id>/",
        views.organization_edit,
        name="organization_edit",
    ),
]
