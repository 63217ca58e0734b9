"""The pages of differential privacy: releases and their budgets."""

from django.urls import URLPattern, path

from . import views_dp as views

urlpatterns: list[URLPattern] = [
    path("releases/", views.releases, name="dp_releases"),
    path("releases/<uuid:release_id>/", views.release, name="dp_release"),
]
