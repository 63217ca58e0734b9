"""The pages of the merge part of linkage."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
