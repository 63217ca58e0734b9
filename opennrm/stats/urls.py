from . import (
    urls_ctdc_export,
    urls_ctdc_import,
    urls_dashboard,
    urls_dp,
    urls_national,
    urls_report,
    urls_sharing,
)

app_name = "stats"
urlpatterns = [
    *urls_dashboard.urlpatterns,
    *urls_national.urlpatterns,
    *urls_ctdc_import.urlpatterns,
    *urls_ctdc_export.urlpatterns,
    *urls_sharing.urlpatterns,
    *urls_dp.urlpatterns,
    *urls_report.urlpatterns,
]
