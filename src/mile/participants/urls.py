from django.urls import path

from mile.participants.views import apply as apply_views
from mile.participants.views import exports as documents
from mile.participants.views import me, pathway, records, validation
from mile.participants.views import merge as merge_views
from mile.participants.views import profile as profile_views

app_name = "participants"
# Education, work experience, preferences, documents and suggested skills (views/profile.py).
_profile = [
    path(
        "participants/<int:pk>/education/",
        profile_views.participant_education_add,
        name="participant_education_add",
    ),
    path(
        "participants/<int:pk>/education/<int:item>/edit/",
        profile_views.participant_education_edit,
        name="participant_education_edit",
    ),
    path(
        "participants/<int:pk>/education/<int:item>/delete/",
        profile_views.participant_education_delete,
        name="participant_education_delete",
    ),
    path(
        "participants/<int:pk>/experience/",
        profile_views.participant_experience_add,
        name="participant_experience_add",
    ),
    path(
        "participants/<int:pk>/experience/<int:item>/edit/",
        profile_views.participant_experience_edit,
        name="participant_experience_edit",
    ),
    path(
        "participants/<int:pk>/experience/<int:item>/delete/",
        profile_views.participant_experience_delete,
        name="participant_experience_delete",
    ),
    path(
        "participants/<int:pk>/experience/<int:item>/skills/",
        profile_views.participant_experience_skills,
        name="participant_experience_skills",
    ),
    path(
        "participants/<int:pk>/preferences/",
        profile_views.participant_preferences,
        name="participant_preferences",
    ),
    path(
        "participants/<int:pk>/documents/upload/",
        profile_views.participant_document_add,
        name="participant_document_add",
    ),
    path(
        "participants/<int:pk>/documents/<int:doc>/",
        profile_views.participant_document,
        name="participant_document",
    ),
    path(
        "participants/<int:pk>/documents/<int:doc>/delete/",
        profile_views.participant_document_delete,
        name="participant_document_delete",
    ),
    path(
        "participants/<int:pk>/documents/<int:doc>/skills/",
        profile_views.participant_document_skills,
        name="participant_document_skills",
    ),
]
# The public application, consent answers and merging duplicates (views/apply.py, merge.py).
_applying = [
    path("apply/<slug:programme>/", apply_views.apply_programme, name="apply_programme"),
    path("apply/<slug:programme>/privacy/", apply_views.apply_privacy, name="apply_privacy"),
    path("apply/<slug:programme>/done/", apply_views.apply_done, name="apply_done"),
    path(
        "apply/<slug:programme>/<int:site>/<slug:step>/",
        apply_views.apply_step,
        name="apply_step",
    ),
    path(
        "participants/<int:pk>/consents/",
        merge_views.participant_consent_record,
        name="participant_consent_record",
    ),
    path(
        "participants/<int:pk>/merge/<int:duplicate>/",
        merge_views.participant_merge_view,
        name="participant_merge",
    ),
]
urlpatterns = [
    *_profile,
    *_applying,
    path("me/", me.me, name="me"),
    path("me/edit/", me.me_edit, name="me_edit"),
    path("me/consent/", me.me_consent, name="me_consent"),
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
    # Plan, planned services and service records (views/pathway.py).
    path(
        "participants/<int:pk>/plan/", pathway.participant_plan_save, name="participant_plan_save"
    ),
    path(
        "participants/<int:pk>/plan/from-track/",
        pathway.participant_plan_from_track,
        name="participant_plan_from_track",
    ),
    path(
        "participants/<int:pk>/plan/services/",
        pathway.participant_planned_service_add,
        name="participant_planned_service_add",
    ),
    path(
        "participants/<int:pk>/plan/services/<int:item>/",
        pathway.participant_planned_service_edit,
        name="participant_planned_service_edit",
    ),
    path(
        "participants/<int:pk>/plan/services/<int:item>/delete/",
        pathway.participant_planned_service_delete,
        name="participant_planned_service_delete",
    ),
    path(
        "participants/<int:pk>/services/",
        pathway.participant_service_record_add,
        name="participant_service_record_add",
    ),
    path(
        "participants/<int:pk>/services/<int:item>/",
        pathway.participant_service_record_edit,
        name="participant_service_record_edit",
    ),
    path(
        "participants/<int:pk>/services/<int:item>/delete/",
        pathway.participant_service_record_delete,
        name="participant_service_record_delete",
    ),
    # Validation of skills in four phases (views/validation.py).
    path(
        "participants/<int:pk>/validation/start/",
        validation.participant_validation_start,
        name="participant_validation_start",
    ),
    path(
        "participants/<int:pk>/validation/<int:item>/advance/",
        validation.participant_validation_advance,
        name="participant_validation_advance",
    ),
    path(
        "participants/<int:pk>/validation/<int:item>/evidence/",
        validation.participant_validation_evidence,
        name="participant_validation_evidence",
    ),
    path(
        "participants/<int:pk>/documents/",
        documents.participant_exports,
        name="participant_exports",
    ),
    # Files, not pages: their names end in "_export" (the i18n page test skips those).
    path(
        "participants/<int:pk>/profile.pdf",
        documents.participant_profile_pdf,
        name="participant_profile_export",
    ),
    path(
        "participants/<int:pk>/certificate.pdf",
        documents.participant_certificate_pdf,
        name="participant_certificate_export",
    ),
    path(
        "participants/<int:pk>/export.json",
        documents.participant_export_json,
        name="participant_data_export",
    ),
]
