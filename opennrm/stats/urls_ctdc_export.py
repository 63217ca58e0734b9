"""The pages of the CTDC microdata export."""

from django.urls import URLPattern, path

from . import views_ctdc_export as views

urlpatterns: list[URLPattern] = [
    path("ctdc/", views.export_page, name="ctdc_export"),
    path("ctdc/export.csv", views.export_download, name="ctdc_export_download"),
]
