"""Routes of placements: answering, starting, following up, outcomes (views/placements.py,
views/follow_ups.py, views/outcomes.py)."""

from django.urls import URLPattern, path

from mile.placements.views import follow_ups, outcomes, placements

urlpatterns: list[URLPattern] = [
    path("proposals/<int:pk>/answer/", placements.proposal_answer, name="proposal_answer"),
    path("proposals/<int:pk>/start/", placements.placement_start, name="placement_start"),
    path("placements/", placements.placement_list, name="placement_list"),
    path("placements/outcomes/", outcomes.outcomes, name="outcomes"),
    path("placements/<int:pk>/", placements.placement_detail, name="placement_detail"),
    path("placements/<int:pk>/end/", placements.placement_end, name="placement_end"),
    path("follow-ups/", follow_ups.follow_up_list, name="follow_up_list"),
    path("follow-ups/<int:pk>/", follow_ups.follow_up_record, name="follow_up_record"),
]
