"""The pages of the intake part of linkage."""

from django.urls import URLPattern, path

from . import views_intake

urlpatterns: list[URLPattern] = [
    path("check/", views_intake.intake_check, name="intake_check"),
    path("hints/<uuid:hint_id>/ask/", views_intake.hint_ask, name="hint_ask"),
    path("requests/", views_intake.requests_list, name="requests"),
    path("requests/<uuid:request_id>/answer/", views_intake.request_answer, name="request_answer"),
]
