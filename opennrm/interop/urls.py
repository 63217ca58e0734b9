"""HTCDS exports: ask, approve or refuse, download (decision 0029)."""

from django.urls import path

from . import views_exports

app_name = "interop"

urlpatterns = [
    path("", views_exports.export_list, name="export_list"),
    path("new/", views_exports.export_new, name="export_new"),
    path("<uuid:export_id>/", views_exports.export_detail, name="export_detail"),
    path("<uuid:export_id>/approve/", views_exports.export_approve, name="export_approve"),
    path("<uuid:export_id>/refuse/", views_exports.export_refuse, name="export_refuse"),
    path("<uuid:export_id>/download/", views_exports.export_download, name="export_download"),
]
