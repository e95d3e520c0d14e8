"""The signed-in user's language for every request (docs/i18n.md).

Django's LocaleMiddleware (before authentication) picks a language for signed-out visitors from
the language cookie set by the sign-in page's switch, then Accept-Language. Once the user is
known, their profile's ``locale`` wins: it is what they chose in Settings.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation


def language_for_locale(locale: str) -> str:
    """The UI language for a profile locale: "vi" for Vietnamese, "en" for en and en_GB.

    The locale keeps its full value for number and date formats (Babel); only the language
    of the text is derived from it.
    """
    language = (locale or "").replace("_", "-").split("-")[0].lower()
    return "vi" if language == "vi" else "en"


class UserLanguageMiddleware:
    """Activates the signed-in user's language; sets Content-Language on every response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = language_for_locale(getattr(user, "locale", "") or "")
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language() or "en")
        return response
