from auditlog.registry import auditlog

from mile.programmes.models import Involvement, Organisation, Programme, Site, Track

for model in (Organisation, Programme, Site, Track, Involvement):
    auditlog.register(model, exclude_fields=["created_at", "updated_at"])
