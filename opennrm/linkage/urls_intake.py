"""The pages of the intake part of linkage."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
