from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "mile.accounts"
    label = "accounts"

    def ready(self) -> None:
        from mile.accounts import audit  # noqa: F401  (registers the models with auditlog)
