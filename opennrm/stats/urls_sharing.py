from django.urls import path

from . import views_sharing as views

urlpatterns = [
    path("sharing/", views.sharing_page, name="sharing"),
    path("sharing/<uuid:agreement_id>/withdraw/", views.sharing_withdraw, name="sharing_withdraw"),
]
