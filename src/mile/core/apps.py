from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "mile.core"
    label = "core"
