"""Case pages. URLs carry UUIDs only; a person's name never goes in a path or a query string."""

from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("cases/", views.case_list, name="case_list"),
    path("cases/new/", views.case_open, name="case_open"),
    path("cases/<uuid:case_id>/", views.case_tab, name="case_detail"),
    path("cases/<uuid:case_id>/status/", views.case_status, name="status"),
    path("cases/<uuid:case_id>/assign/", views.case_assign, name="assign"),
    # Tabs: each a page of its own, or a fragment when htmx asks.
    path("cases/<uuid:case_id>/person/", views.case_tab, {"tab": "person"}, name="person"),
    path(
        "cases/<uuid:case_id>/trafficking/",
        views.case_tab,
        {"tab": "trafficking"},
        name="trafficking",
    ),
    path(
        "cases/<uuid:case_id>/identification/",
        views.case_tab,
        {"tab": "identification"},
        name="identification",
    ),
    path("cases/<uuid:case_id>/plan/", views.case_tab, {"tab": "plan"}, name="plan"),
    path("cases/<uuid:case_id>/consent/", views.case_tab, {"tab": "consent"}, name="consent"),
    path("cases/<uuid:case_id>/notes/", views.case_tab, {"tab": "notes"}, name="notes"),
    path("cases/<uuid:case_id>/history/", views.case_tab, {"tab": "history"}, name="history"),
    path("cases/<uuid:case_id>/route/", views.case_tab, {"tab": "route"}, name="route"),
    path("cases/<uuid:case_id>/files/", views.case_tab, {"tab": "files"}, name="files"),
    # Changes: POST only.
    path("cases/<uuid:case_id>/person/save/", views.person_save, name="person_save"),
    path("cases/<uuid:case_id>/trafficking/save/", views.trafficking_save, name="trafficking_save"),
    path(
        "cases/<uuid:case_id>/identification/propose/",
        views.decision_propose,
        name="decision_propose",
    ),
    path(
        "cases/<uuid:case_id>/identification/record/",
        views.decision_record,
        name="decision_record",
    ),
    path(
        "cases/<uuid:case_id>/identification/<uuid:decision_id>/approve/",
        views.decision_review,
        {"approve": True},
        name="decision_approve",
    ),
    path(
        "cases/<uuid:case_id>/identification/<uuid:decision_id>/reject/",
        views.decision_review,
        {"approve": False},
        name="decision_reject",
    ),
    path("cases/<uuid:case_id>/plan/create/", views.plan_create, name="plan_create"),
    path("cases/<uuid:case_id>/plan/<uuid:plan_id>/end/", views.plan_end, name="plan_end"),
    path("cases/<uuid:case_id>/services/add/", views.service_add, name="service_add"),
    path("cases/<uuid:case_id>/consent/record/", views.consent_record, name="consent_record"),
    path(
        "cases/<uuid:case_id>/consent/<uuid:consent_id>/withdraw/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
    path("cases/<uuid:case_id>/notes/add/", views.note_add, name="note_add"),
    # The route and the files: a file is named in its URL by its UUID only.
    path("cases/<uuid:case_id>/route/add/", views.route_add, name="route_add"),
    path("cases/<uuid:case_id>/route/<uuid:event_id>/edit/", views.route_edit, name="route_edit"),
    path(
        "cases/<uuid:case_id>/route/<uuid:event_id>/remove/",
        views.route_remove,
        name="route_remove",
    ),
    path("cases/<uuid:case_id>/files/add/", views.file_add, name="file_add"),
    path(
        "cases/<uuid:case_id>/files/<uuid:attachment_id>/",
        views.file_download,
        name="file_download",
    ),
    # Perpetrators, needs and risks, the person's own account (decision 0017).
    path("cases/<uuid:case_id>/needs/", views.case_tab, {"tab": "needs"}, name="needs"),
    path(
        "cases/<uuid:case_id>/perpetrators/",
        views.case_tab,
        {"tab": "perpetrators"},
        name="perpetrators",
    ),
    path("cases/<uuid:case_id>/account/", views.case_tab, {"tab": "account"}, name="account"),
    path("cases/<uuid:case_id>/perpetrators/add/", views.perpetrator_add, name="perpetrator_add"),
    path(
        "cases/<uuid:case_id>/perpetrators/<uuid:perpetrator_id>/edit/",
        views.perpetrator_edit,
        name="perpetrator_edit",
    ),
    path(
        "cases/<uuid:case_id>/perpetrators/<uuid:perpetrator_id>/remove/",
        views.perpetrator_remove,
        name="perpetrator_remove",
    ),
    path(
        "cases/<uuid:case_id>/perpetrators/share/",
        views.perpetrators_share,
        {"share": True},
        name="perpetrators_share",
    ),
    path(
        "cases/<uuid:case_id>/perpetrators/unshare/",
        views.perpetrators_share,
        {"share": False},
        name="perpetrators_unshare",
    ),
    path("cases/<uuid:case_id>/needs/record/", views.assessment_record, name="assessment_record"),
    path("cases/<uuid:case_id>/account/record/", views.account_record, name="account_record"),
    path("perpetrators/shared/", views.shared_list, name="perpetrators_shared"),
    path(
        "perpetrators/shared/<uuid:case_id>/",
        views.shared_case,
        name="perpetrators_shared_case",
    ),
]
