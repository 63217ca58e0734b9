"""The public prevention portal, served under /help/ on the staff site (see ``host_urls`` for the
portal on its own host name)."""

from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
]
