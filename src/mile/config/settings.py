"""The one settings module of MILE, driven by the environment.

Development needs no variable at all (SQLite under var/, console e-mail). Production
(``MILE_ENV=production``) requires its secrets, from the variable or from ``<NAME>_FILE``.
A bad or missing value stops start-up with a message naming the variable.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent  # src/mile
PROJECT_DIR = BASE_DIR.parent.parent  # the checkout, for var/ in development

# FileAwareEnv reads NAME_FILE when NAME is unset: Docker and systemd secrets.
env = environ.FileAwareEnv()

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}: expected true or false, got {raw!r}.")


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}: expected a whole number, got {raw!r}.") from None


def _required(name: str) -> str:
    try:
        value = str(env.str(name))
    except ImproperlyConfigured:
        raise ImproperlyConfigured(
            f"{name} is required when MILE_ENV=production (set it, or {name}_FILE)."
        ) from None
    if not value.strip():
        raise ImproperlyConfigured(f"{name} is set but empty.")
    return value


MILE_ENV = os.environ.get("MILE_ENV", "development")
if MILE_ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured(
        f"MILE_ENV: expected development, test or production, got {MILE_ENV!r}."
    )
PRODUCTION = MILE_ENV == "production"

DEBUG = _bool("MILE_DEBUG", default=not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("MILE_DEBUG must be false when MILE_ENV=production.")

if PRODUCTION:
    SECRET_KEY = _required("SECRET_KEY")
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured("SECRET_KEY must be at least 50 random characters.")
else:
    SECRET_KEY = os.environ.get(
        "SECRET_KEY", "django-insecure-development-only-key-not-for-production"
    )

VAR_DIR = Path(os.environ.get("MILE_VAR_DIR", str(PROJECT_DIR / "var")))

ALLOWED_HOSTS: list[str] = (
    [h.strip() for h in _required("ALLOWED_HOSTS").split(",") if h.strip()]
    if PRODUCTION
    else ["127.0.0.1", "localhost", "testserver", "[::1]"]
)
CSRF_TRUSTED_ORIGINS: list[str] = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "auditlog",
    "django_tasks_db",
    "django_htmx",
    "django_filters",
    "django_countries",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "rules.apps.AutodiscoverRulesConfig",
    "mile.core",
    "mile.accounts",
    "mile.programmes",
    "mile.privacy",
    "mile.taxonomy",
    "mile.participants",
    "mile.employers",
    "mile.activities",
    "mile.placements",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "mile.accounts.middleware.RequireMfaMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    # Axes last: it turns a lockout raised anywhere above into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mile.config.urls"
# Project templates override the form widgets, which is where Bootstrap's classes are added.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "mile.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mile.core.context_processors.shell",
            ],
        },
    }
]

# Databases: SQLite under var/ unless DATABASE_URL says otherwise.
_default_db = f"sqlite:///{VAR_DIR / 'mile.sqlite3'}"
try:
    DATABASES = {"default": env.db_url("DATABASE_URL", default=_default_db)}
except (ImproperlyConfigured, ValueError, KeyError) as exc:
    raise ImproperlyConfigured(
        f"DATABASE_URL: not a database URL this app can use ({exc})."
    ) from None
if PRODUCTION and "DATABASE_URL" not in os.environ and "DATABASE_URL_FILE" not in os.environ:
    raise ImproperlyConfigured("DATABASE_URL is required when MILE_ENV=production.")
_engine = DATABASES["default"].get("ENGINE", "")
if _engine not in {"django.db.backends.sqlite3", "django.db.backends.postgresql"}:
    raise ImproperlyConfigured(f"DATABASE_URL: MILE runs on SQLite or PostgreSQL, not {_engine!r}.")
if _engine == "django.db.backends.sqlite3":
    # The embedded database lives under var/; create it on first start.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = _int("DATABASE_CONN_MAX_AGE", 60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "mile.accounts.validators.CharacterClassesValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:dashboard"

# django-allauth: e-mail sign-in, no self sign-up (people join by invitation), MFA.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "mile.accounts.adapters.AccountAdapter"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_RATE_LIMITS: dict[str, Any] | bool = False  # axes does the lockout
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "MILE"
MFA_ADAPTER = "mile.accounts.adapters.MfaAdapter"

# django-axes: lock an account and address pair after repeated failures.
AXES_FAILURE_LIMIT = _int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "mile.accounts.auth.axes_username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

SESSION_COOKIE_AGE = 60 * 60 * 8  # a working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Internationalisation: ten interface languages, each with a URL prefix.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("it", "Italiano"),
    ("de", "Deutsch"),
    ("el", "Ελληνικά"),
    ("es", "Español"),
    ("fr", "Français"),
    ("bg", "Български"),
    ("ro", "Română"),
    ("sv", "Svenska"),
    ("hu", "Magyar"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "mile_language"
LANGUAGE_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Brussels")
USE_I18N = True
USE_TZ = True
# 13.896 in German, 13 896 in French: counts read the way each language writes them.
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
if not PRODUCTION:
    # Served from the apps' folders by WhiteNoise's finders; the folder only has to exist.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
    WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"  # private: served only through permission-checked views

# E-mail: printed to the console in development, SMTP from EMAIL_URL in production.
if PRODUCTION or "EMAIL_URL" in os.environ or "EMAIL_URL_FILE" in os.environ:
    try:
        _mail = env.email_url("EMAIL_URL", default="smtp://localhost:25")
    except (ImproperlyConfigured, ValueError, KeyError):
        raise ImproperlyConfigured("EMAIL_URL: expected smtp://user:password@host:port.") from None
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _mail["EMAIL_HOST"],
                "port": _mail["EMAIL_PORT"],
                "username": _mail.get("EMAIL_HOST_USER") or None,
                "password": _mail.get("EMAIL_HOST_PASSWORD") or None,
                "use_tls": bool(_mail.get("EMAIL_USE_TLS")),
                "use_ssl": bool(_mail.get("EMAIL_USE_SSL")),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "MILE <no-reply@mile.invalid>")

# Background jobs: django.tasks stored in the database, run by `mile worker`.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("MILE_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

INVITATION_MAX_AGE_DAYS = _int("MILE_INVITATION_MAX_AGE_DAYS", 7)

# API: versioned DRF with session and token authentication, JSON errors per field.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "mile.accounts.api_auth.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "mile.core.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "mile.core.api.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "MILE API",
    "DESCRIPTION": "Programmes, organisations, sites and people of MILE.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # The five CEFR skills share one scale: one name for it in the schema.
    "ENUM_NAME_OVERRIDES": {
        "CefrLevelEnum": "mile.participants.models.Cefr",
        # Several models have a "status" or "origin" choice set: one stable name for each.
        "StatusEnum": "mile.participants.models.Status",
        "OriginEnum": "mile.participants.models.ParticipantSkill.Origin",
        "EmployerStatusEnum": "mile.employers.models.EmployerStatus",
        "OfferStatusEnum": "mile.employers.models.OfferStatus",
        "OfferSkillOriginEnum": "mile.employers.models.OfferSkill.Origin",
        "OfferKindEnum": "mile.employers.models.OfferKind",
        "CourseLevelEnum": "mile.activities.models.Level",
        "CourseStatusEnum": "mile.activities.models.CourseStatus",
        "EventKindEnum": "mile.activities.models.EventKind",
        "AudienceEnum": "mile.activities.models.Audience",
        "PlacementStatusEnum": "mile.placements.models.PlacementStatus",
        # The services' outcome keeps its name beside the follow-ups' one.
        "OutcomeEnum": "mile.participants.models.ServiceRecord.Outcome",
        "FollowUpOutcomeEnum": "mile.placements.models.Outcome",
        "LeftReasonEnum": "mile.placements.models.LeftReason",
    },
}

AUDITLOG_INCLUDE_ALL_MODELS = False
# auditlog's default mask keeps half of the value; a masked secret must show nothing.
AUDITLOG_MASK_CALLABLE = "mile.privacy.audit.mask_entirely"

# Field encryption (case notes, documents): keys derived from SECRET_KEY and this salt.
SALT_KEY = (
    _required("MILE_ENCRYPTION_SALT")
    if PRODUCTION
    else os.environ.get("MILE_ENCRYPTION_SALT", "development-only-salt")
)
AUDITLOG_DISABLE_REMOTE_ADDR = False

# Content Security Policy, built into Django 6: nothing from elsewhere, no inline script.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_SSL_REDIRECT = _bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = _int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint and fontTools report each step of a PDF at INFO: noise in every command.
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

if MILE_ENV == "test":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    # Uploads made by tests go to a scratch folder, never into var/media.
    import tempfile

    MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="mile-test-media-"))

APP_NAME = _("MILE")
