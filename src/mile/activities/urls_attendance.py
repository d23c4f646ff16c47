"""Routes of attendance (owned by its views module)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
