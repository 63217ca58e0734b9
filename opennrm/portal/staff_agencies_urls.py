"""The regulator's pages of the agency registry, on the staff site (never on the portal host)."""

from django.urls import path

from . import views_agencies

app_name = "registry"

urlpatterns = [
    path("", views_agencies.agency_list, name="agency_list"),
    path("new/", views_agencies.agency_new, name="agency_new"),
    path("import/", views_agencies.agency_import, name="agency_import"),
    path("<uuid:agency_id>/", views_agencies.agency_edit, name="agency_edit"),
]
