from django.urls import path

from opennrm.accounts import permissions as perms
from opennrm.web import moved

from . import views

app_name = "hotline"

urlpatterns = [
    path("hotline/", views.queue, name="queue"),
    path("hotline/new/", views.signal_new, name="signal_new"),
    # The figures moved to the stats app (decision 0022); old links and bookmarks land there.
    path(
        "hotline/figures/",
        moved("stats:hotline", perms.HOTLINE_STATS_VIEW),
        name="dashboard",
    ),
    path("hotline/<uuid:signal_id>/", views.signal_detail, name="signal_detail"),
    path("hotline/<uuid:signal_id>/save/", views.signal_save, name="signal_save"),
    path("hotline/<uuid:signal_id>/take/", views.signal_take, name="signal_take"),
    path(
        "hotline/<uuid:signal_id>/followed-up/",
        views.signal_followed_up,
        name="signal_followed_up",
    ),
    path("hotline/<uuid:signal_id>/hand-on/", views.signal_hand_on, name="signal_hand_on"),
    path("hotline/<uuid:signal_id>/case/", views.signal_open_case, name="signal_open_case"),
]
