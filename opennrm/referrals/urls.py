"""Referral pages. URLs carry UUIDs only."""

from django.urls import path

from opennrm.accounts import permissions as perms
from opennrm.web import moved

from . import views

app_name = "referrals"

urlpatterns = [
    path("referrals/", views.inbox, name="inbox"),
    path("referrals/sent/", views.outbox, name="outbox"),
    path("referrals/attention/", views.attention, name="attention"),
    # The figures moved to the stats app (decision 0022); old links and bookmarks land there.
    path(
        "referrals/figures/",
        moved("stats:referrals", perms.REFERRALS_STATS_VIEW),
        name="figures",
    ),
    path("referrals/from/<uuid:case_id>/", views.referral_new, name="new"),
    path("referrals/from/<uuid:case_id>/transfer/", views.transfer_new, name="transfer_new"),
    path("referrals/from/<uuid:case_id>/anonymous/", views.anonymous_new, name="anonymous_new"),
    path("referrals/<uuid:referral_id>/", views.referral_detail, name="detail"),
    path("referrals/<uuid:referral_id>/accept/", views.referral_accept, name="accept"),
    path("referrals/<uuid:referral_id>/decline/", views.referral_decline, name="decline"),
    path("referrals/<uuid:referral_id>/complete/", views.referral_complete, name="complete"),
    path("referrals/<uuid:referral_id>/withdraw/", views.referral_withdraw, name="withdraw"),
    path("referrals/<uuid:referral_id>/services/", views.service_record, name="service_record"),
    # Referrals made outside OpenNRM, recorded from the organization's own files: case parts.
    path("cases/<uuid:case_id>/referrals/recorded/", views.recorded_list, name="recorded"),
    path("cases/<uuid:case_id>/referrals/recorded/add/", views.recorded_add, name="recorded_add"),
    path(
        "cases/<uuid:case_id>/referrals/recorded/<uuid:recorded_id>/edit/",
        views.recorded_edit,
        name="recorded_edit",
    ),
    path(
        "cases/<uuid:case_id>/referrals/recorded/<uuid:recorded_id>/remove/",
        views.recorded_remove,
        name="recorded_remove",
    ),
]
