from . import urls_dashboard, urls_sharing

app_name = "stats"
urlpatterns = [*urls_dashboard.urlpatterns, *urls_sharing.urlpatterns]
