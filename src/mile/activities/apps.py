from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "mile.activities"
    label = "activities"

    def ready(self) -> None:
        from mile.activities import audit  # noqa: F401  (registers the models with auditlog)
        from mile.activities.models import Enrolment, EventRegistration, GroupMember, StudyVisitor
        from mile.activities.services import attendees_merge
        from mile.participants.duplicates import register_relation

        # Merging two records of one person moves their enrolments, registrations and seats.
        for model in (Enrolment, EventRegistration, GroupMember, StudyVisitor):
            register_relation(
                f"activities.{model._meta.model_name}.participant", attendees_merge(model)
            )
