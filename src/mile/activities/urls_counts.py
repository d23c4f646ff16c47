"""Routes of counts (owned by its views module)."""

from django.urls import URLPattern, path

from mile.activities.views import counts

urlpatterns: list[URLPattern] = [
    path("activities/counts/", counts.counts_summary, name="counts_summary"),
]
