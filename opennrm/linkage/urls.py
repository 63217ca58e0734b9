from . import urls_batch, urls_intake, urls_merge

app_name = "linkage"
urlpatterns = [*urls_batch.urlpatterns, *urls_intake.urlpatterns, *urls_merge.urlpatterns]
