"""The public prevention portal, served under /help/ on the staff site (see ``host_urls`` for the
portal on its own host name). One flat list: each part of the portal adds its lines here."""

from django.urls import path

from . import views, views_agencies, views_job_offer, views_tips

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("tip/", views_tips.tip, name="tip"),
    path("tip/sent/", views_tips.tip_sent, name="tip_sent"),
    path("agencies/", views_agencies.agency_lookup, name="agency_lookup"),
    path("job-offer/", views_job_offer.job_offer_check, name="job_offer"),
    path("advice/", views.advice, name="advice"),
    path("numbers/", views.numbers, name="numbers"),
    path("safe-browsing/", views.safe_browsing, name="safe_browsing"),
    path("language/", views.language, name="language"),
]
