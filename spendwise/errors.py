"""Domain errors: expected failures with a message a person can act on."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy


class DomainError(Exception):
    """A refused action. ``field`` names the form field it belongs to, when there is one.

    Pages show ``message`` next to ``field``; the API answers 4xx with ``{"detail", "code"}``.
    """

    status = 400

    def __init__(
        self, message: str | Promise, *, field: str | None = None, code: str = "invalid"
    ) -> None:
        # A lazy message (a translated constant) is rendered now, in the active language.
        self.message = str(message)
        super().__init__(self.message)
        self.field = field
        self.code = code


class PermissionDenied(DomainError):
    """The member's role does not allow this (e.g. a viewer writing)."""

    status = 403

    def __init__(self, message: str | Promise | None = None) -> None:
        super().__init__(
            message or gettext_lazy("Your role in this household cannot make changes."),
            code="forbidden",
        )
