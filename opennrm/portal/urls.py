"""The public prevention portal, served under /help/ on the staff site (see ``host_urls`` for the
portal on its own host name). One flat list: each part of the portal adds its lines here."""

from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("advice/", views.advice, name="advice"),
    path("numbers/", views.numbers, name="numbers"),
    path("safe-browsing/", views.safe_browsing, name="safe_browsing"),
    path("language/", views.language, name="language"),
]
