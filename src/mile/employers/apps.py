from django.apps import AppConfig


class EmployersConfig(AppConfig):
    name = "mile.employers"
    label = "employers"

    def ready(self) -> None:
        from mile.employers import audit  # noqa: F401  (registers the models with auditlog)
        from mile.employers.services import proposals_merge
        from mile.participants.duplicates import register_relation

        # Merging two records of one person moves their candidacies too.
        register_relation("employers.proposal.participant", proposals_merge)
