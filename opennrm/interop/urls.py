"""HTCDS in and out: imports (upload, preview, import) and exports (ask, approve, download)."""

from django.urls import path

from . import views_exports, views_imports

app_name = "interop"

urlpatterns = [
    path("import/", views_imports.import_list, name="import_list"),
    path("import/<uuid:job_id>/", views_imports.import_detail, name="import_detail"),
    path("import/<uuid:job_id>/progress/", views_imports.import_progress, name="import_progress"),
    path("import/<uuid:job_id>/confirm/", views_imports.import_confirm, name="import_confirm"),
    path("import/<uuid:job_id>/rejected/", views_imports.import_rejected, name="import_rejected"),
    path("exports/", views_exports.export_list, name="export_list"),
    path("exports/new/", views_exports.export_new, name="export_new"),
    path("exports/<uuid:export_id>/", views_exports.export_detail, name="export_detail"),
    path("exports/<uuid:export_id>/approve/", views_exports.export_approve, name="export_approve"),
    path("exports/<uuid:export_id>/refuse/", views_exports.export_refuse, name="export_refuse"),
    path(
        "exports/<uuid:export_id>/download/",
        views_exports.export_download,
        name="export_download",
    ),
]
