"""Editing the portal's pages: on the staff site only (the portal's host serves ``urls`` alone)."""

from django.urls import path

from . import staff_views

app_name = "portal_admin"

urlpatterns = [
    path("pages/", staff_views.page_list, name="page_list"),
    path("pages/<slug:slug>/<str:language>/", staff_views.page_edit, name="page_edit"),
]
