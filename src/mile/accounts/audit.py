"""Changes to people and their access are kept in the audit log; secrets never are."""

from allauth.mfa.models import Authenticator
from auditlog.registry import auditlog

from mile.accounts.models import ApiToken, Invitation, Membership, User

auditlog.register(User, exclude_fields=["password", "last_login"])
auditlog.register(Membership)
auditlog.register(Invitation)
auditlog.register(ApiToken, exclude_fields=["last_used_at"], mask_fields=["key_hash"])
# Enrolling or removing a second factor is a security event; its secret stays out of the log.
auditlog.register(Authenticator, exclude_fields=["last_used_at"], mask_fields=["data"])
