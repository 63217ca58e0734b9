from django.urls import path

from . import views_national as views

urlpatterns = [
    path("national/", views.national_page, name="national"),
    path("national/prepare/", views.national_prepare, name="national_prepare"),
    path(
        "national/prepare/progress/",
        views.national_prepare_progress,
        name="national_prepare_progress",
    ),
]
