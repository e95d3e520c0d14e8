"""The first POST form of an HTML page as a browser would submit it, with the standard library.

The load scenario re-submits the app's own forms (the sign-in form, the quick-add row, the
import wizard's steps) with their pre-filled values, so it follows the templates instead of
hard-coding every field.
"""

from __future__ import annotations

from html.parser import HTMLParser


class _FormParser(HTMLParser):
    def __init__(self, action_contains: str) -> None:
        super().__init__(convert_charrefs=True)
        self.action_contains = action_contains
        self.depth = 0  # inside the wanted form
        self.done = False
        self.action = ""
        self.fields: list[tuple[str, str]] = []
        self.options: dict[str, list[tuple[str, str]]] = {}  # select -> [(optgroup, value)]
        self._group = ""
        self._select: str | None = None
        self._selected: str | None = None
        self._first: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if self.done:
            return
        if tag == "form" and not self.depth:
            action = a.get("action", "")
            wanted = self.action_contains in action if self.action_contains else not action
            if a.get("method", "get").lower() == "post" and wanted:
                self.depth = 1
                self.action = a.get("action", "")
            return
        if not self.depth:
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            self.fields.append((name, a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self._select, self._selected, self._first = name, None, None
            self.options[name] = []
        elif tag == "optgroup":
            self._group = a.get("label", "")
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            self.options[self._select].append((self._group, value))
            if self._first is None:
                self._first = value
            if "selected" in a:
                self._selected = value
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_endtag(self, tag: str) -> None:
        if not self.depth or self.done:
            return
        if tag == "select" and self._select is not None:
            chosen = self._selected if self._selected is not None else self._first
            if chosen is not None:
                self.fields.append((self._select, chosen))
            self._select = None
        elif tag == "optgroup":
            self._group = ""
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea, "".join(self._text)))
            self._textarea = None
        elif tag == "form":
            self.done = True
            self.depth = 0

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)


class Form:
    """A parsed form: ``action``, ``fields`` ([(name, value)], what a browser would send
    without touching anything) and each select's ``options`` ([(optgroup label, value)])."""

    def __init__(
        self,
        action: str,
        fields: list[tuple[str, str]],
        options: dict[str, list[tuple[str, str]]],
    ) -> None:
        self.action = action
        self.fields = fields
        self.options = options

    def data(self, **overrides: str) -> dict[str, str | list[str]]:
        out: dict[str, str | list[str]] = {}
        for name, value in self.fields:
            if name in out:
                previous = out[name]
                out[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
            else:
                out[name] = value
        out.update(overrides)
        return out


def post_form(html: str, action_contains: str = "") -> Form | None:
    """The first ``method="post"`` form whose action contains ``action_contains`` (empty: the
    first one without an action, which posts back to the page itself)."""
    parser = _FormParser(action_contains)
    parser.feed(html)
    if not parser.done and not parser.fields:
        return None
    return Form(parser.action, parser.fields, parser.options)
