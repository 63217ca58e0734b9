from . import urls_dp

app_name = "stats"
urlpatterns = [*urls_dp.urlpatterns]
