from django.apps import AppConfig


class TaxonomyConfig(AppConfig):
    name = "mile.taxonomy"
    label = "taxonomy"
    verbose_name = "ESCO"
