"""People, their memberships in programmes, invitations and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mile.core import permissions
from mile.core.roles import Cap, Role


class UserQuerySet(models.QuerySet["User"]):
    def for_user(self, user: Any) -> UserQuerySet:
        if not user.is_authenticated:
            return self.none()
        # Platform administrators see every account.
        if permissions.is_platform_admin(user):
            return self.all()
        visible = Membership.objects.for_user(user).values("user_id")
        # Everyone sees themselves; others only through a membership they may see.
        return self.filter(Q(pk=user.pk) | Q(pk__in=visible))


class UserManager(BaseUserManager["User"]):
    def get_queryset(self) -> UserQuerySet:
        return UserQuerySet(self.model, using=self._db)

    def for_user(self, user: Any) -> UserQuerySet:
        return self.get_queryset().for_user(user)

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class MembershipQuerySet(models.QuerySet["Membership"]):
    def for_user(self, user: Any) -> MembershipQuerySet:
        if not user.is_authenticated:
            return self.none()
        # Platform administrators see every membership.
        if permissions.is_platform_admin(user):
            return self.all()
        # Everyone sees their own memberships.
        own = Q(user=user)
        # Coordinators and evaluators see all members of their programmes.
        wide = Q(programme_id__in=permissions.programme_wide_ids(user, Cap.VIEW_MEMBERS))
        # Partner staff see the members of their own organisation in the programme.
        own_orgs = user.memberships.filter(
            is_active=True,
            role=Role.PARTNER_STAFF,
            programme_id__in=permissions.programme_ids_with(user, Cap.VIEW_MEMBERS),
        ).values_list("programme_id", "organisation_id")
        same_org = Q(pk__in=[])
        for programme_id, organisation_id in own_orgs:
            same_org |= Q(programme_id=programme_id, organisation_id=organisation_id)
        return self.filter(own | wide | same_org)

    def active(self) -> MembershipQuerySet:
        return self.filter(is_active=True)


class Membership(models.Model):
    """A person's role for an organisation within a programme."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        "programmes.Organisation", on_delete=models.PROTECT, related_name="memberships"
    )
    site = models.ForeignKey(
        "programmes.Site",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("site"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["programme", "organisation__name", "user__full_name"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "programme", "organisation", "role"], name="membership_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} ({self.organisation})"

    def clean(self) -> None:
        if (
            self.site is not None
            and self.programme_id
            and self.site.programme_id != self.programme_id
        ):
            raise ValidationError({"site": _("The site belongs to another programme.")})

    def get_additional_data(self) -> dict[str, Any]:
        return {"programme": self.programme_id}


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def for_user(self, user: Any) -> InvitationQuerySet:
        if not user.is_authenticated:
            return self.none()
        # Platform administrators see every invitation.
        if permissions.is_platform_admin(user):
            return self.all()
        # Those who may invite see the invitations of their programmes.
        return self.filter(programme_id__in=permissions.programme_ids_with(user, Cap.INVITE_USERS))

    def pending(self) -> InvitationQuerySet:
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True)


class Invitation(models.Model):
    """An offer of a membership, sent by a signed link that expires."""

    email = models.EmailField(_("e-mail address"))
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="invitations"
    )
    organisation = models.ForeignKey(
        "programmes.Organisation",
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("organisation"),
    )
    site = models.ForeignKey(
        "programmes.Site",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("site"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    language = models.CharField(
        _("language of the e-mail"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="invitations_sent"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} – {self.get_role_display()}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"programme": self.programme_id}

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None

    def revoke(self) -> None:
        if not self.is_pending:
            raise ValidationError(_("Only a pending invitation can be revoked."))
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def for_user(self, user: Any) -> ApiTokenQuerySet:
        # A token is a password: only its owner ever lists it.
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user, revoked_at__isnull=True)


class ApiToken(models.Model):
    """A named API key; only its hash is stored, the key is shown once."""

    PREFIX_LENGTH = 8

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(max_length=PREFIX_LENGTH, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, *, user: User, name: str) -> tuple[ApiToken, str]:
        """Create a token and return it with its key, which is not stored anywhere."""
        key = secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, name=name, prefix=key[: cls.PREFIX_LENGTH], key_hash=_hash(key)
        )
        return token, key

    @classmethod
    def authenticate(cls, key: str) -> ApiToken | None:
        token = (
            cls.objects.select_related("user")
            .filter(key_hash=_hash(key), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if token is not None:
            now = timezone.now()
            # Record use at most once a minute, not a write on every request.
            if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
                cls.objects.filter(pk=token.pk).update(last_used_at=now)
        return token

    def revoke(self) -> None:
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])
