"""The pages of reference data sets (CTDC imports)."""

from django.urls import URLPattern, path

from . import views_ctdc_import as views

urlpatterns: list[URLPattern] = [
    path("reference/", views.datasets, name="reference_datasets"),
    path("reference/<uuid:dataset_id>/", views.dataset, name="reference_dataset"),
]
