"""The pages of the annual report part of stats."""

from django.urls import URLPattern, path

from . import views_report as views

urlpatterns: list[URLPattern] = [
    path("report/", views.organization_report, name="report"),
    path("national/report/", views.national_report, name="national_report"),
]
