"""English text that can still be said in another language. No Django here.

Django-free modules (file formats, parsing) word their errors in English, but mark the
template with ``gettext_noop`` so that ``makemessages`` collects it, and raise a ``Phrase``:
it reads as the English text, and keeps the template and the values so that a page can say
it in the person's language (``spendwise.web.forms.say``; docs/i18n.md).
"""

from __future__ import annotations


def gettext_noop(message: str) -> str:
    """Marks ``message`` for the catalogue; the text itself is unchanged."""
    return message


class Phrase(str):
    """``Phrase(gettext_noop("“%(text)s” is not an amount."), text="12,3,4")`` reads as
    ``“12,3,4” is not an amount.``; ``template`` and ``values`` are kept for translation."""

    template: str
    values: dict[str, object]

    def __new__(cls, template: str, **values: object) -> Phrase:
        phrase = super().__new__(cls, template % values if values else template)
        phrase.template = template
        phrase.values = values
        return phrase


def reason(exc: BaseException) -> str:
    """The message an exception was raised with, a ``Phrase`` when it was one."""
    first = exc.args[0] if exc.args else None
    return first if isinstance(first, str) else str(exc)
