"""TOTP codes (RFC 6238: SHA-1, 6 digits, 30-second steps), recovery codes and the set-up QR code.

No Django here. A *step* is Unix time // 30: the counter a code was made for. Remembering the
step of the last accepted code is what makes a code unusable twice.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time

import pyotp
import pyotp.utils
import segno

STEP_SECONDS = 30
DIGITS = 6
# Steps accepted either side of now: a phone clock 30 s off, or a code typed as it rolled over.
VALID_WINDOW = 1
ISSUER = "SpendWise"
RECOVERY_CODE_COUNT = 10
# No 0/o, 1/l/i: a recovery code is read off paper.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_TOTP_SHAPE = re.compile(rf"\d{{{DIGITS}}}")


def new_secret() -> str:
    """A fresh base32 secret (32 characters, 160 bits, as RFC 4226 recommends)."""
    return pyotp.random_base32()


def normalize(code: str) -> str:
    """What a person typed, without spaces and hyphens, lower-case."""
    return re.sub(r"[\s-]", "", code or "").lower()


def looks_like_totp(code: str) -> bool:
    return bool(_TOTP_SHAPE.fullmatch(normalize(code)))


def current_step(at: float | None = None) -> int:
    return int((time.time() if at is None else at) // STEP_SECONDS)


def matching_step(secret: str, code: str, *, at: float | None = None) -> int | None:
    """The step (within ``VALID_WINDOW`` of now) whose code ``code`` is, else None."""
    code = normalize(code)
    if not _TOTP_SHAPE.fullmatch(code):
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)
    now = current_step(at)
    for step in range(now - VALID_WINDOW, now + VALID_WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def provisioning_uri(secret: str, *, account: str) -> str:
    """The ``otpauth://`` URI an authenticator app reads from the QR code."""
    # build_uri, not TOTP(...): Cognito's secret is Cognito's business (moto's is short).
    return str(pyotp.utils.build_uri(secret, account, issuer=ISSUER))


def qr_svg_data_uri(uri: str) -> str:
    """The QR code of ``uri`` as an SVG ``data:`` URI for an ``<img>`` (the CSP allows
    ``img-src data:``; no inline script or style is involved)."""
    return str(segno.make(uri, error="m").svg_data_uri(scale=5, border=2))


def grouped(secret: str) -> str:
    """The secret in groups of four, easier to type into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def new_recovery_code() -> str:
    """``xxxxx-xxxxx``: 10 characters of a 31-letter alphabet, about 50 bits."""
    text = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
    return f"{text[:5]}-{text[5:]}"


def code_hash(code: str) -> str:
    """SHA-256 of the normalised code. Recovery codes are random and long enough that a fast
    hash is safe (like API tokens); six-digit codes are hashed only to compare, never to hide."""
    return hashlib.sha256(normalize(code).encode()).hexdigest()
