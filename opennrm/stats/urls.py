from . import urls_ctdc_import

app_name = "stats"
urlpatterns = [*urls_ctdc_import.urlpatterns]
