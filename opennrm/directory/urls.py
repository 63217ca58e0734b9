from django.urls import path

from . import views

app_name = "directory"

urlpatterns = [
    path("directory/", views.search, name="search"),
    path(
        "directory/organizations/<uuid:organization_id>/",
        views.organization,
        name="organization",
    ),
    path("directory/services/new/", views.entry_new, name="entry_new"),
    path("directory/services/<uuid:entry_id>/edit/", views.entry_edit, name="entry_edit"),
    path(
        "directory/services/<uuid:entry_id>/withdraw/",
        views.entry_withdraw,
        name="entry_withdraw",
    ),
    path("directory/services/<uuid:entry_id>/relist/", views.entry_relist, name="entry_relist"),
    path("directory/hotlines/new/", views.hotline_new, name="hotline_new"),
    path("directory/hotlines/<uuid:hotline_id>/edit/", views.hotline_edit, name="hotline_edit"),
    path(
        "directory/hotlines/<uuid:hotline_id>/withdraw/",
        views.hotline_withdraw,
        name="hotline_withdraw",
    ),
]
