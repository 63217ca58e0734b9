from . import urls_dashboard, urls_dp, urls_sharing

app_name = "stats"
urlpatterns = [*urls_dashboard.urlpatterns, *urls_dp.urlpatterns, *urls_sharing.urlpatterns]
