from django.urls import path

from mile.participants.views import me, pathway, records, validation

app_name = "participants"
urlpatterns = [
    path("me/", me.me, name="me"),
    path("me/edit/", me.me_edit, name="me_edit"),
    path("me/welcome/<str:token>/", me.me_welcome, name="me_welcome"),
    path(
        "participants/<int:pk>/account/",
        me.participant_account_invite,
        name="participant_account_invite",
    ),
    path("participants/", records.participant_list, name="participant_list"),
    path("participants/new/", records.participant_create, name="participant_create"),
    path("participants/export/", records.participant_export, name="participant_export"),
    path("participants/<int:pk>/", records.participant_detail, name="participant_detail"),
    path("participants/<int:pk>/edit/", records.participant_edit, name="participant_edit"),
    path("participants/<int:pk>/status/", records.participant_status, name="participant_status"),
    path(
        "participants/<int:pk>/languages/",
        records.participant_language_add,
        name="participant_language_add",
    ),
    path(
        "participants/<int:pk>/languages/<int:item>/delete/",
        records.participant_language_delete,
        name="participant_language_delete",
    ),
    path(
        "participants/<int:pk>/skills/", records.participant_skill_add, name="participant_skill_add"
    ),
    path(
        "participants/<int:pk>/skills/<int:item>/delete/",
        records.participant_skill_delete,
        name="participant_skill_delete",
    ),
    path("participants/<int:pk>/pathway/", pathway.participant_pathway, name="participant_pathway"),
    path(
        "participants/<int:pk>/timeline/", pathway.participant_timeline, name="participant_timeline"
    ),
    path(
        "participants/<int:pk>/validation/",
        validation.participant_validation,
        name="participant_validation",
    ),
]
