"""Screening pages. URLs carry UUIDs and dimension codes only; never an answer."""

from django.urls import path

from . import views

app_name = "screening"

urlpatterns = [
    path("cases/<uuid:case_id>/screenings/new/", views.screening_new, name="new"),
    path("screenings/<uuid:screening_id>/", views.screening_detail, name="detail"),
    path(
        "screenings/<uuid:screening_id>/answer/<str:dimension>/",
        views.screening_dimension,
        name="dimension",
    ),
    path("screenings/<uuid:screening_id>/complete/", views.screening_complete, name="complete"),
    # The self-answer mode, on a device handed to the person.
    path("screenings/<uuid:screening_id>/self/", views.self_intro, name="self_intro"),
    path(
        "screenings/<uuid:screening_id>/self/question/", views.self_question, name="self_question"
    ),
    path("screenings/<uuid:screening_id>/self/done/", views.self_done, name="self_done"),
    path("screenings/<uuid:screening_id>/self/unlock/", views.self_unlock, name="self_unlock"),
]
