from auditlog.registry import auditlog

from mile.participants import models as m

# Case notes, service notes and documents are encrypted at rest: the audit trail must not hold
# them in clear either.
auditlog.register(m.Participant, exclude_fields=["created_at", "updated_at"], mask_fields=["notes"])
auditlog.register(m.StatusChange)
auditlog.register(m.LanguageSkill)
auditlog.register(m.ParticipantSkill)
auditlog.register(m.Consent)
auditlog.register(m.Education)
auditlog.register(m.WorkExperience)
auditlog.register(m.Document, exclude_fields=["text", "file"])
auditlog.register(m.IntegrationPlan, exclude_fields=["updated_at"])
auditlog.register(m.PlannedService)
auditlog.register(m.ServiceRecord, mask_fields=["notes"])
auditlog.register(m.SkillValidation, exclude_fields=["updated_at"])
