"""The pages of the merge part of linkage."""

from django.urls import URLPattern, path

from . import views_merge

urlpatterns: list[URLPattern] = [
    path("merge/", views_merge.merge, name="merge"),
    path("merges/", views_merge.merge_list, name="merge_list"),
    path("merges/<uuid:merge_id>/", views_merge.merge_detail, name="merge_detail"),
    path("merges/<uuid:merge_id>/undo/", views_merge.merge_undo, name="merge_undo"),
]
