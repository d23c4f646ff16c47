from django.urls import path

from mile.participants import views

app_name = "participants"
urlpatterns = [
    path("participants/", views.participant_list, name="participant_list"),
    path("participants/new/", views.participant_create, name="participant_create"),
    path("participants/export/", views.participant_export, name="participant_export"),
    path("participants/<int:pk>/", views.participant_detail, name="participant_detail"),
    path("participants/<int:pk>/edit/", views.participant_edit, name="participant_edit"),
    path("participants/<int:pk>/status/", views.participant_status, name="participant_status"),
    path(
        "participants/<int:pk>/languages/",
        views.participant_language_add,
        name="participant_language_add",
    ),
    path(
        "participants/<int:pk>/languages/<int:item>/delete/",
        views.participant_language_delete,
        name="participant_language_delete",
    ),
    path(
        "participants/<int:pk>/skills/", views.participant_skill_add, name="participant_skill_add"
    ),
    path(
        "participants/<int:pk>/skills/<int:item>/delete/",
        views.participant_skill_delete,
        name="participant_skill_delete",
    ),
]
