"""Domain errors: expected failures with a message a person can act on."""

from __future__ import annotations


class DomainError(Exception):
    """A refused action. ``field`` names the form field it belongs to, when there is one.

    Pages show ``message`` next to ``field``; the API answers 4xx with ``{"detail", "code"}``.
    """

    status = 400

    def __init__(self, message: str, *, field: str | None = None, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


class PermissionDenied(DomainError):
    """The member's role does not allow this (e.g. a viewer writing)."""

    status = 403

    def __init__(self, message: str = "Your role in this household cannot make changes.") -> None:
        super().__init__(message, code="forbidden")
