from . import urls_dashboard

app_name = "stats"
urlpatterns = [*urls_dashboard.urlpatterns]
