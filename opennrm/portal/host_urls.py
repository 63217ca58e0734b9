"""URLs of a request to ``OPENNRM_PORTAL_HOST``: the portal at the root, and nothing of the staff
application (no sign-in, no API, no admin pages)."""

from django.urls import include, path

urlpatterns = [
    path("", include("opennrm.portal.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]

# Django takes the error pages of the request's URLconf: the staff site's link to its own pages.
handler404 = "opennrm.portal.views.not_found"
handler500 = "opennrm.portal.views.server_error"
