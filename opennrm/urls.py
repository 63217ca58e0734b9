from django.urls import include, path

from opennrm.api.api import api
from opennrm.worklist import views as worklist_views

urlpatterns = [
    path("", worklist_views.home, name="home"),
    path("", include("opennrm.accounts.urls")),
    path("", include("opennrm.cases.urls")),
    path("", include("opennrm.hotline.urls")),
    path("", include("opennrm.screening.urls")),
    path("", include("opennrm.notifications.urls")),
    path("", include("opennrm.directory.urls")),
    path("", include("opennrm.referrals.urls")),
    path("", include("opennrm.returns.urls")),
    path("linkage/", include("opennrm.linkage.urls")),
    path("stats/", include("opennrm.stats.urls")),
    path("help/", include("opennrm.portal.urls")),
    path("registry/", include("opennrm.portal.staff_agencies_urls")),
    path("portal-admin/", include("opennrm.portal.staff_urls")),
    path("htcds/", include("opennrm.interop.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
]
