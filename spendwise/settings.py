"""SpendWise settings: everything comes from the environment (see ``spendwise.env``).

The variables are listed in ``docs/configuration.md``. With ``DEBUG`` off the process refuses
to start on an empty or default ``SECRET_KEY``.
"""

from __future__ import annotations

import re
from pathlib import Path

from spendwise.db.config import database_settings
from spendwise.env import (
    ConfigurationError,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)

# Only used when DEBUG is on, so `make run` works with no configuration at all.
_DEVELOPMENT_SECRET_KEY = "development-only-insecure-secret-key-do-not-deploy"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY")
if not DEBUG and (not SECRET_KEY or SECRET_KEY == _DEVELOPMENT_SECRET_KEY):
    raise ConfigurationError(
        "SECRET_KEY is empty or the development default while DEBUG is off. "
        "Set SECRET_KEY (or SECRET_KEY_FILE) to a long random value, e.g. "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'."
    )
if not SECRET_KEY:
    SECRET_KEY = _DEVELOPMENT_SECRET_KEY
if not DEBUG and len(SECRET_KEY) < 32:
    raise ConfigurationError("SECRET_KEY must be at least 32 characters long when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "spendwise.identity",
    "spendwise.mfa",
    "spendwise.households",
    "spendwise.ledger",
    "spendwise.reports",
    "spendwise.recurring",
    "spendwise.budgets",
    "spendwise.notifications",
    "spendwise.currency",
    "spendwise.rules",
    "spendwise.imports",
    "spendwise.attachments",
    "spendwise.portability",
    "spendwise.web",
    "spendwise.api",
    "spendwise.webhooks",
    "spendwise.audit",
    "spendwise.pwa",
]

MIDDLEWARE = [
    # First: the request id covers every other middleware's log lines, and the request's
    # duration and status are what the client got (spendwise/ops/middleware.py).
    "spendwise.ops.middleware.RequestLogMiddleware",
    # Health checks come from the ALB with a task IP as Host: answered before host validation.
    "spendwise.web.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "spendwise.web.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The signed-in user's language (profile locale) wins over the cookie and Accept-Language.
    "spendwise.web.language.UserLanguageMiddleware",
    "spendwise.households.middleware.CurrentHouseholdMiddleware",
    # Who, from where, for which household: read by the audit log's receivers.
    "spendwise.audit.context.AuditContextMiddleware",
    "spendwise.api.idempotency.IdempotencyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "spendwise.identity.middleware.CognitoSessionMiddleware",
    # After the household and Cognito middleware: a household requiring two-step sign-in sends
    # members without it to the set-up page (spendwise/mfa/middleware.py).
    "spendwise.mfa.middleware.HouseholdMfaPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "spendwise.urls"
WSGI_APPLICATION = "spendwise.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "spendwise" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "spendwise.web.context_processors.navigation",
                "spendwise.notifications.context_processors.unread",
            ],
        },
    }
]

# Django's form templates, except <select>, which is rendered in Python (much faster).
FORM_RENDERER = "spendwise.web.widgets.FormRenderer"

# --- Database -------------------------------------------------------------------------------
# DATABASE_URL, else DB_HOST/DB_NAME/… (on AWS: the RDS-managed secret, read at connect time
# so that password rotation needs no restart), else the SQLite file. See spendwise/db/config.py.
DATABASES = {"default": database_settings(f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Identity ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "identity.User"
IDENTITY_PROVIDER = env_choice("IDENTITY_PROVIDER", ("local", "cognito"), "local")
# cognito: the same pages call the user pool's API through boto3 (no hosted UI, so the
# cognito-idp VPC endpoint is enough). See docs/identity.md. AWS_ENDPOINT_URL (below) points
# boto3 and the JWKS download at an emulator.
COGNITO_USER_POOL_ID = env_str("COGNITO_USER_POOL_ID").strip()
COGNITO_CLIENT_ID = env_str("COGNITO_CLIENT_ID").strip()
COGNITO_CLIENT_SECRET = env_str("COGNITO_CLIENT_SECRET")  # only for an app client with a secret
if IDENTITY_PROVIDER == "cognito":
    if not (COGNITO_USER_POOL_ID and COGNITO_CLIENT_ID):
        raise ConfigurationError(
            "IDENTITY_PROVIDER=cognito needs COGNITO_USER_POOL_ID (e.g. eu-west-1_AbC123) and "
            "COGNITO_CLIENT_ID (the app client allowing USER_PASSWORD_AUTH and REFRESH_TOKEN_AUTH)."
        )
    # A pool id is "<region>_<id>": the region is where its API and its token issuer live.
    _pool_region = COGNITO_USER_POOL_ID.partition("_")[0]
    if "_" not in COGNITO_USER_POOL_ID or not _pool_region:
        raise ConfigurationError(
            f"COGNITO_USER_POOL_ID={COGNITO_USER_POOL_ID!r} is not a user pool id "
            "(<region>_<id>, e.g. eu-west-1_AbC123)."
        )
    if env_str("AWS_REGION") not in ("", _pool_region):
        raise ConfigurationError(
            f"COGNITO_USER_POOL_ID={COGNITO_USER_POOL_ID!r} is in {_pool_region} but "
            f"AWS_REGION={env_str('AWS_REGION')!r}."
        )
LOGIN_URL = "identity:sign_in"
LOGIN_REDIRECT_URL = "web:dashboard"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Failed sign-ins / code attempts allowed per account and per IP address in one window.
AUTH_THROTTLE_MAX_FAILURES = env_int("AUTH_THROTTLE_MAX_FAILURES", 5, minimum=1)
AUTH_THROTTLE_WINDOW_SECONDS = env_int("AUTH_THROTTLE_WINDOW_SECONDS", 15 * 60, minimum=1)
CONFIRMATION_CODE_TTL_SECONDS = env_int("CONFIRMATION_CODE_TTL_SECONDS", 30 * 60, minimum=60)
# Trust X-Forwarded-For from this many proxies in front of the app (CloudFront + ALB = 2).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)

# --- E-mail -----------------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1)
# The public address of the site, for links in e-mails (no trailing slash).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "SpendWise <no-reply@spendwise.local>")

# --- Internationalisation -----------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("vi", "Tiếng Việt")]
TIME_ZONE = "UTC"
USE_I18N = True
# The Vietnamese catalogue (docs/i18n.md); inside the package so the image carries it.
LOCALE_PATHS = [BASE_DIR / "spendwise" / "locale"]
USE_TZ = True

# --- Static files -------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "spendwise" / "static"]
# Hashed file names with long cache headers in production; plain files while developing.
_STATIC_BACKEND = (
    "whitenoise.storage.CompressedManifestStaticFilesStorage"
    if env_bool("STATIC_MANIFEST", not DEBUG)
    else "django.contrib.staticfiles.storage.StaticFilesStorage"
)
# While developing, WhiteNoise serves straight from the source folders, no collectstatic.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": _STATIC_BACKEND},
}

# --- Files: receipts and imports (spendwise/attachments/storage.py) -------------------------------
FILE_STORAGE = env_choice("FILE_STORAGE", ("local", "s3"), "local")
# local: a folder served only through the signed-in, household-scoped file view.
FILE_STORAGE_DIR = Path(env_str("FILE_STORAGE_DIR", "var/files"))
if not FILE_STORAGE_DIR.is_absolute():
    FILE_STORAGE_DIR = BASE_DIR / FILE_STORAGE_DIR
# s3: a private bucket; objects encrypted with SSE-S3, or SSE-KMS when a key id is given.
S3_BUCKET = env_str("S3_BUCKET")
S3_KMS_KEY_ID = env_str("S3_KMS_KEY_ID")
AWS_REGION = env_str("AWS_REGION")
AWS_ENDPOINT_URL = env_str("AWS_ENDPOINT_URL")  # an emulator (moto, MinIO); empty for AWS
if FILE_STORAGE == "s3" and not S3_BUCKET:
    raise ConfigurationError("FILE_STORAGE=s3 needs S3_BUCKET (the private bucket's name).")
# Seconds a link to a stored file (presigned S3 URL or signed local link) stays valid.
FILE_URL_EXPIRY_SECONDS = env_int("FILE_URL_EXPIRY_SECONDS", 300, minimum=1)
RECEIPT_MAX_BYTES = env_int("RECEIPT_MAX_BYTES", 10 * 1024 * 1024, minimum=1)
# Largest SpendWise export (zip) the import page and command accept.
RESTORE_MAX_BYTES = env_int("RESTORE_MAX_BYTES", 1024 * 1024 * 1024, minimum=1)

# --- Security -----------------------------------------------------------------------------------
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 14 * 24 * 3600, minimum=300)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# TLS ends at CloudFront/ALB, which redirect plain HTTP; the app trusts their header.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"

# --- Logging ------------------------------------------------------------------------------------
# One JSON object per line on stdout (CloudWatch Logs), or plain text while developing; every
# line carries its request's id. See docs/observability.md and spendwise/ops/logging.py.
LOG_FORMAT = env_choice("LOG_FORMAT", ("json", "plain"), "plain" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "spendwise.ops.logging.JsonFormatter"},
        "plain": {"()": "spendwise.ops.logging.PlainFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "stream": "ext://sys.stdout",
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO").upper()},
    "loggers": {
        # Django's own console handler would print its lines a second time, unformatted.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        # Request lines and metrics are kept whatever LOG_LEVEL says: the metrics live in them.
        "spendwise.request": {"level": "INFO"},
        "spendwise.metrics": {"level": "INFO"},
    },
}
# Metrics in CloudWatch Embedded Metric Format, written as log lines (spendwise/ops/metrics.py).
METRICS_ENABLED = env_bool("METRICS_ENABLED", not DEBUG)
# Request metrics per route as well as per status class; each route and status class that
# gets traffic in an hour is a billed custom metric (docs/observability.md, "Cost").
METRICS_BY_ROUTE = env_bool("METRICS_BY_ROUTE", True)
# An "Environment" dimension on every metric (e.g. "prod"), for accounts that run several.
METRICS_ENVIRONMENT = env_str("METRICS_ENVIRONMENT").strip()
if not re.fullmatch(r"[A-Za-z0-9._-]{0,64}", METRICS_ENVIRONMENT):
    raise ConfigurationError(
        f"METRICS_ENVIRONMENT={METRICS_ENVIRONMENT!r}: use up to 64 letters, digits, '.', '_', '-'."
    )
# Database statements slower than this many milliseconds are logged (without parameters); 0: off.
SLOW_QUERY_MS = env_int("SLOW_QUERY_MS", 250, minimum=0)

# --- API ----------------------------------------------------------------------------------------
API_RATE_LIMIT_PER_MINUTE = env_int("API_RATE_LIMIT_PER_MINUTE", 120, minimum=1)

# --- Product defaults ---------------------------------------------------------------------------
TRANSACTIONS_PAGE_SIZE = env_int("TRANSACTIONS_PAGE_SIZE", 50, minimum=5)
# Exchange rates: a rate up to this many days older than an amount's date still converts it
# (the ECB publishes on working days only).
EXCHANGE_RATE_MAX_AGE_DAYS = env_int("EXCHANGE_RATE_MAX_AGE_DAYS", 7, minimum=0)

# --- Imports ------------------------------------------------------------------------------------
# A statement file larger than this (bytes) is refused from its Content-Length, unread.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
# Rows in one import (transactions of a file), so that one commit stays a few seconds.
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 50_000, minimum=1)
# Uploads above this many bytes stream to a temporary file instead of memory (Django's
# default, written down because imports rely on it); other request bodies stay capped.
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 2_621_440, minimum=0)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440, minimum=1024)

# --- Webhooks -----------------------------------------------------------------------------------
# Let endpoints on 127.0.0.1/localhost (also plain http) receive webhooks: local testing only.
# Also allowed while DEBUG is on; private and link-local addresses are refused either way.
WEBHOOKS_ALLOW_LOOPBACK = env_bool("WEBHOOKS_ALLOW_LOOPBACK", False)
