"""The pages of the batch part of linkage."""

from django.urls import URLPattern, path

from . import views_batch as views

urlpatterns: list[URLPattern] = [
    path("runs/", views.runs, name="batch_runs"),
    path("runs/start/", views.run_start, name="batch_run_start"),
    path("runs/<uuid:run_id>/", views.run, name="batch_run"),
    path("runs/<uuid:run_id>/progress/", views.run_progress, name="batch_run_progress"),
    path("national/", views.national, name="batch_national"),
    path("national/start/", views.national_start, name="batch_national_start"),
    path("national/<uuid:run_id>/", views.national_run, name="batch_national_run"),
    path(
        "national/<uuid:run_id>/progress/", views.national_progress, name="batch_national_progress"
    ),
]
