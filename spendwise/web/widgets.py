"""The project's form renderer: Django's, with ``<select>`` rendered in plain Python.

Django renders every ``<option>`` of a select through a template include; a page with a few
selects of categories, accounts, payees or time zones spent most of its time there (the
transaction list: 100+ ms at 300 payees). ``FormRenderer`` produces the same HTML for the
select template — attributes, ``selected``, optgroups — and leaves every other widget to the
templates. Set as ``FORM_RENDERER``.
"""

from __future__ import annotations

from typing import Any

from django.forms.renderers import DjangoTemplates
from django.forms.utils import flatatt
from django.http import HttpRequest
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

SELECT_TEMPLATE = "django/forms/widgets/select.html"


class FormRenderer(DjangoTemplates):
    def render(
        self, template_name: str, context: dict[str, Any], request: HttpRequest | None = None
    ) -> str:
        if template_name == SELECT_TEMPLATE:
            return render_select(context["widget"])
        return str(super().render(template_name, context, request))


def render_select(widget: dict[str, Any]) -> SafeString:
    """The HTML of Django's select.html for a widget context, without a template per option."""
    parts: list[str] = [
        format_html("<select name={}{}>", _quoted(widget["name"]), flatatt(widget["attrs"]))
    ]
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(format_html("<optgroup label={}>", _quoted(str(group_name))))
        for option in options:
            value = "" if option["value"] is None else str(option["value"])
            parts.append(
                format_html(
                    "<option value={}{}>{}</option>",
                    _quoted(value),
                    flatatt(option["attrs"]),
                    option["label"],
                )
            )
        if group_name:
            parts.append("</optgroup>")
    parts.append("</select>")
    return mark_safe("".join(str(part) for part in parts))  # noqa: S308 - every part is escaped


def _quoted(text: str) -> SafeString:
    return mark_safe(f'"{escape(text)}"')  # noqa: S308 - escaped right here
