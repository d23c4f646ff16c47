from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "mile.programmes"
    label = "programmes"

    def ready(self) -> None:
        from mile.programmes import audit  # noqa: F401  (registers the models with auditlog)
