from django.apps import AppConfig


class ParticipantsConfig(AppConfig):
    name = "mile.participants"
    label = "participants"

    def ready(self) -> None:
        from mile.participants import audit  # noqa: F401  (registers the models with auditlog)
