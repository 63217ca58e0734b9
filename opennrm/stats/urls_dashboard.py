"""The pages of the organization's dashboard part of stats."""

from django.urls import URLPattern, path

from . import views_dashboard as views

urlpatterns: list[URLPattern] = [
    path("", views.dashboard, name="dashboard"),
    path("hotline/", views.hotline, name="hotline"),
    path("referrals/", views.referrals, name="referrals"),
]
