from django.apps import AppConfig


class EmployersConfig(AppConfig):
    name = "mile.employers"
    label = "employers"

    def ready(self) -> None:
        from mile.employers import audit  # noqa: F401  (registers the models with auditlog)
