from django.apps import AppConfig


class PlacementsConfig(AppConfig):
    name = "mile.placements"
    label = "placements"

    def ready(self) -> None:
        from mile.participants.duplicates import register_relation
        from mile.placements import audit  # noqa: F401  (registers the models with auditlog)
        from mile.placements.services import placements_merge, suggestions_merge

        # Merging two records of one person moves their suggestions and placements too.
        register_relation("placements.suggestion.participant", suggestions_merge)
        register_relation("placements.placement.participant", placements_merge)
