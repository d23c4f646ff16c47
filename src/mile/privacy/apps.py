from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "mile.privacy"
    label = "privacy"
