from auditlog.registry import auditlog

from mile.placements import models as m

auditlog.register(m.MatchRun)
auditlog.register(m.Suggestion, exclude_fields=["parts", "reasons"])
auditlog.register(m.Placement, exclude_fields=["created_at"])
auditlog.register(m.FollowUp)
