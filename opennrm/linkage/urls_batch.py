"""The pages of the batch part of linkage."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
