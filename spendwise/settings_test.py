"""Settings for the test suite: production settings with a test-only secret.

Tests run with ``DEBUG`` off so that they see what production sees (secure cookies, HSTS,
hashed static files are the exception: the suite does not run ``collectstatic``).
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-that-is-long-enough-0123456789")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("STATIC_MANIFEST", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

from spendwise.settings import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast, tests only
STATIC_ROOT = None  # type: ignore[assignment] # no collectstatic in tests: WhiteNoise serves from the finders
WHITENOISE_USE_FINDERS = True
