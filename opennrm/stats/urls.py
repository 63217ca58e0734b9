from . import urls_sharing

app_name = "stats"
urlpatterns = [*urls_sharing.urlpatterns]
