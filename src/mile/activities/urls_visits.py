"""Routes of study visits (views/visits.py)."""

from django.urls import URLPattern, path

from mile.activities.views import visits

urlpatterns: list[URLPattern] = [
    path("study-visits/", visits.visit_list, name="visit_list"),
    path("study-visits/new/", visits.visit_create, name="visit_create"),
    path("study-visits/<int:pk>/", visits.visit_detail, name="visit_detail"),
    path("study-visits/<int:pk>/edit/", visits.visit_edit, name="visit_edit"),
    path("study-visits/<int:pk>/delete/", visits.visit_delete, name="visit_delete"),
    path("study-visits/<int:pk>/programme/", visits.visit_item_add, name="visit_item_add"),
    path(
        "study-visits/<int:pk>/programme/<int:item>/delete/",
        visits.visit_item_delete,
        name="visit_item_delete",
    ),
    path("study-visits/<int:pk>/visitors/", visits.visit_visitor_add, name="visit_visitor_add"),
    path(
        "study-visits/<int:pk>/visitors/<int:item>/delete/",
        visits.visit_visitor_delete,
        name="visit_visitor_delete",
    ),
]
