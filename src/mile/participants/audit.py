from auditlog.registry import auditlog

from mile.participants.models import LanguageSkill, Participant, ParticipantSkill, StatusChange

# Case notes are encrypted at rest; the audit trail must not hold them in clear.
auditlog.register(Participant, exclude_fields=["created_at", "updated_at"], mask_fields=["notes"])
auditlog.register(StatusChange)
auditlog.register(LanguageSkill)
auditlog.register(ParticipantSkill)
