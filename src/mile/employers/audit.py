from auditlog.registry import auditlog

from mile.employers import models as m

auditlog.register(m.Employer, exclude_fields=["created_at", "updated_at"])
auditlog.register(m.Workplace)
auditlog.register(m.NeedsAssessment, m2m_fields={"occupations", "skills"})
auditlog.register(m.Engagement)
auditlog.register(m.Offer, exclude_fields=["created_at", "updated_at"])
auditlog.register(m.OfferSkill)
auditlog.register(m.OfferLanguage)
auditlog.register(m.Proposal)
