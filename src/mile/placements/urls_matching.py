"""Routes of matching: runs and their suggestions, the live rankings, skill gaps to the plan."""

from django.urls import URLPattern, path

from mile.placements.views import matching

urlpatterns: list[URLPattern] = [
    path("matching/", matching.run_list, name="run_list"),
    # GET shows the run; POST proposes the suggestions chosen on it.
    path("matching/runs/<int:pk>/", matching.run_detail, name="run_detail"),
    path(
        "matching/suggestions/<int:pk>/dismiss/",
        matching.suggestion_dismiss,
        name="suggestion_dismiss",
    ),
    path("offers/<int:pk>/matches/", matching.offer_matches, name="offer_matches"),
    path(
        "offers/<int:pk>/matches/propose/",
        matching.offer_match_propose,
        name="offer_match_propose",
    ),
    path(
        "participants/<int:pk>/matches/",
        matching.participant_matches,
        name="participant_matches",
    ),
    path(
        "participants/<int:pk>/matches/propose/",
        matching.participant_match_propose,
        name="participant_match_propose",
    ),
    path("participants/<int:pk>/gaps/plan/", matching.gap_to_plan, name="gap_to_plan"),
]
