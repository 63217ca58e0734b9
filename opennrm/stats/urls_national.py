from django.urls import path

from . import views_national as views

urlpatterns = [path("national/", views.national_page, name="national")]
