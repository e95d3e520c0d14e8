"""Every word a user reads is translatable, and Vietnamese has a translation for it (docs/i18n.md).

* Templates: no text outside {% translate %} / {% blocktranslate %} (Django's own Lexer, then an
  HTML parser for the text between tags and the attributes people read: title, aria-label, …).
* Catalogue: every msgid that makemessages would extract (templates and Python) has a non-empty,
  non-fuzzy msgstr in spendwise/locale/vi/LC_MESSAGES/django.po, and the committed django.mo holds
  exactly the .po's translations (so a fresh clone, `make run` and the image need no msgfmt).
* Rendering: a Vietnamese user sees Vietnamese pages.
"""

from __future__ import annotations

import ast
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import extract_python
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from django.template.base import Lexer, TokenType
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation.template import templatize

from spendwise.identity.models import User
from spendwise.phrases import Phrase, gettext_noop
from spendwise.testing.factories import make_account, make_entry
from spendwise.web.forms import say
from spendwise.web.language import language_for_locale

PACKAGE = Path(__file__).resolve().parent.parent
PO_PATH = PACKAGE / "locale" / "vi" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")
LETTERS = re.compile(r"[^\W\d_]+")
# Words that are the same in every language: the product's name, and the fixed prefix of an API
# token ("sw_…"). Nothing else: a word a user reads is translated, even when it looks technical.
NOT_LANGUAGE = {"SpendWise", "sw"}
# Attributes whose values people read (or hear from a screen reader).
READ_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label", "data-confirm", "label"}
# Django tags whose inside is not page text, or is already translated.
SKIPPED_BLOCKS = {
    "comment": "endcomment",
    "blocktranslate": "endblocktranslate",
    "blocktrans": "endblocktrans",
    "verbatim": "endverbatim",
}
# Stands for a tag or variable: a space keeps "<tr{% if … %} class=…>" a tag to the parser.
MARK = " "
# A words-with-spaces string given to an included template ({% include … with x="…" %}) is text
# too; ``x=_("…")`` translates it.
TAG_LITERAL = re.compile(r"""\w=(["'])(.*?)\1""")


def templates() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("templates/**/*.html") if "node_modules" not in p.parts)


def python_sources() -> list[Path]:
    return sorted(
        p
        for p in PACKAGE.rglob("*.py")
        if not {"tests", "migrations", "testing", "e2e"} & set(p.parts) and p.name != "conftest.py"
    )


class _ReadText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._raw = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._raw += 1
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value:
                self._check(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._raw = max(0, self._raw - 1)

    def handle_data(self, data: str) -> None:
        if not self._raw:
            self._check(data)

    def _check(self, text: str) -> None:
        if set(LETTERS.findall(text)) - NOT_LANGUAGE:
            self.found.append(" ".join(text.split()))


def untranslated_text(source: str) -> list[str]:
    """The pieces of page text in a template that are not inside a translate tag."""
    parts: list[str] = []
    found: list[str] = []
    skip_until: str | None = None
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents.split() else ""
            if skip_until:
                if name == skip_until:
                    skip_until = None
                continue
            skip_until = SKIPPED_BLOCKS.get(name)
            if name in ("include", "with"):  # {% include "x" with label="Some words" %}
                literals = TAG_LITERAL.findall(token.contents)
                found += [text for _quote, text in literals if " " in text and LETTERS.search(text)]
            parts.append(MARK)
        elif skip_until:
            continue
        elif token.token_type == TokenType.TEXT:
            parts.append(token.contents)
        else:
            parts.append(MARK)
    reader = _ReadText()
    reader.feed("".join(parts))
    reader.close()
    return found + reader.found


def test_the_checker_finds_text_outside_translate_tags():
    source = (
        '{% load i18n %}<h1>{% translate "Budgets" %}</h1><p title="Hello">Spent {{ x }}</p>'
        "{% blocktranslate %}Left {{ y }}{% endblocktranslate %}{% comment %}Note{% endcomment %}"
        "<p>SpendWise · ₫ — {{ z }}</p>"
        '{% include "chart.html" with label="A chart" %}{% include "c.html" with label=_("Fine") %}'
    )
    assert untranslated_text(source) == ["A chart", "Hello", "Spent"]


@pytest.mark.parametrize("path", templates(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_it_has_no_untranslated_text_in_templates(path: Path):
    assert untranslated_text(path.read_text(encoding="utf-8")) == []


_CALL = re.compile(r"\b(_|gettext|ngettext|pgettext|npgettext)\(")


def _template_msgids(code: str) -> set[str]:
    """The msgids in Django's templatize() output: calls such as `` gettext('…') `` set in
    filler text that is not valid Python as a whole, so each call is parsed on its own."""
    found: set[str] = set()
    for match in _CALL.finditer(code):
        start, end = match.end(), match.end()
        while True:
            end = code.find(")", end) + 1
            if end == 0:
                raise AssertionError(f"unparsable templatize output near {code[start:][:80]!r}")
            try:
                call = ast.parse(f"f({code[start : end - 1]})", mode="eval").body
            except SyntaxError:
                continue
            break
        assert isinstance(call, ast.Call)
        strings = [
            a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)
        ]
        if match.group(1).startswith("p"):
            strings = strings[1:]  # the context
        found.add(strings[0])
    return found


def _extracted_msgids() -> set[str]:
    """What makemessages extracts: gettext calls in Python, Django's templatize for templates."""
    keywords = {
        "_": None,
        "gettext": None,
        "gettext_lazy": None,
        "gettext_noop": None,
        "ngettext": (1, 2),
        "ngettext_lazy": (1, 2),
        "pgettext": ((1, "c"), 2),
        "pgettext_lazy": ((1, "c"), 2),
        "npgettext": ((1, "c"), 2, 3),
        "npgettext_lazy": ((1, "c"), 2, 3),
    }
    msgids: set[str] = set()
    for path in python_sources():
        code = path.read_bytes()
        for _lineno, _func, message, _comments in extract_python(
            io.BytesIO(code), keywords, [], {"encoding": "utf-8"}
        ):
            texts = message if isinstance(message, (tuple, list)) else (message,)
            if texts and texts[0]:
                msgids.add(str(texts[0]))
    for path in templates():
        msgids |= _template_msgids(templatize(path.read_text(encoding="utf-8"), origin=str(path)))
    return msgids


def _catalogue():
    with PO_PATH.open("rb") as handle:
        return read_po(handle, locale="vi")


def test_every_message_has_a_vietnamese_translation():
    catalogue = _catalogue()
    missing = []
    for msgid in sorted(_extracted_msgids()):
        message = catalogue.get(msgid)
        strings = message.string if message else None
        texts = strings if isinstance(strings, tuple) else (strings,)
        if message is None or message.fuzzy or not all(texts):
            missing.append(msgid)
    assert missing == [], f"run `make messages` and translate these in {PO_PATH.name}"


def _by_msgid(messages) -> dict[tuple[str, str | None], tuple[str, ...]]:
    return {
        (m.id if isinstance(m.id, str) else m.id[0], m.context): (
            (m.string,) if isinstance(m.string, str) else tuple(m.string)
        )
        for m in messages
        if m.id and not m.fuzzy
    }


def test_the_compiled_catalogue_matches_the_po_file():
    po = _by_msgid(_catalogue())
    with MO_PATH.open("rb") as handle:
        mo = _by_msgid(read_mo(handle))
    assert mo == po, "run `make messages` to compile django.mo"


def test_it_keeps_placeholders_intact_in_translations():
    broken = []
    for message in _catalogue():
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(re.findall(r"%\(\w+\)[sd]", " ".join(ids)))
        for string in strings:
            if set(re.findall(r"%\(\w+\)[sd]", string)) != wanted:
                broken.append(ids[0])
    assert broken == []


# --- the language a person gets -------------------------------------------------------------
@pytest.mark.parametrize(("locale", "language"), [("vi", "vi"), ("en", "en"), ("en_GB", "en")])
def test_a_profile_locale_picks_the_language(locale: str, language: str):
    assert language_for_locale(locale) == language


@pytest.fixture
def vi_client(owner) -> Client:
    owner.user.locale = "vi"
    owner.user.home_currency = "VND"
    owner.user.save()
    wallet = make_account(owner, "Ví", currency="VND", opening=5_000_000)
    make_entry(owner, wallet, 1_234_567, category_name="Groceries", payee="Co.op Mart")
    client = Client()
    client.force_login(owner.user)
    return client


VIETNAMESE_PAGES = {
    "web:dashboard": "Tổng quan",
    "ledger:transactions": "Giao dịch",
    "ledger:accounts": "Tài khoản",
    "budgets:index": "Ngân sách",
    "reports:index": "Báo cáo",
    "identity:settings": "Cài đặt",
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(VIETNAMESE_PAGES))
def test_a_vietnamese_user_sees_vietnamese_pages(vi_client: Client, name: str):
    response = vi_client.get(reverse(name))
    page = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Language"] == "vi"
    assert '<html lang="vi"' in page
    assert VIETNAMESE_PAGES[name] in page
    for english in ("Dashboard", "Transactions", "Sign out", "Settings", "Budgets"):
        assert f">{english}<" not in page


@pytest.mark.django_db
def test_it_shows_dong_without_minor_units_in_vietnamese(vi_client: Client):
    page = vi_client.get(reverse("ledger:accounts")).content.decode()
    # 5,000,000 − 1,234,567 = 3,765,433 ₫, grouped with dots and no decimals.
    assert "3.765.433\xa0₫" in page


@pytest.mark.django_db
def test_an_english_user_keeps_english(owner_client: Client):
    response = owner_client.get(reverse("web:dashboard"), HTTP_ACCEPT_LANGUAGE="vi")
    assert response["Content-Language"] == "en"
    assert ">Dashboard<" in response.content.decode()


@pytest.mark.django_db
def test_a_signed_out_visitor_gets_their_browser_language(client: Client):
    response = client.get(reverse("identity:sign_in"), HTTP_ACCEPT_LANGUAGE="vi,en;q=0.5")
    assert response["Content-Language"] == "vi"
    assert "Đăng nhập" in response.content.decode()


@pytest.mark.django_db
def test_the_sign_in_page_switch_changes_the_language(client: Client):
    page = client.get(reverse("identity:sign_in")).content.decode()
    assert 'action="/i18n/setlang/"' in page
    response = client.post("/i18n/setlang/", {"language": "vi", "next": "/sign-in/"})
    assert response.status_code == 302
    page = client.get(reverse("identity:sign_in")).content.decode()
    assert "Đăng nhập" in page


@pytest.mark.django_db
def test_signing_up_in_vietnamese_keeps_vietnamese(client: Client):
    client.post("/i18n/setlang/", {"language": "vi", "next": "/sign-up/"})
    client.post(
        reverse("identity:sign_up"),
        {"email": "lan@example.com", "password": "a-long-passphrase-42"},
    )
    assert User.objects.get(email="lan@example.com").locale == "vi"


@pytest.mark.django_db
def test_a_bad_report_range_is_explained_in_vietnamese(vi_client: Client):
    page = vi_client.get(reverse("reports:spending"), {"range": "someday"}).content.decode()
    assert "“someday” không phải là khoảng thời gian." in page
    assert "is not a date range" not in page


@pytest.mark.django_db
def test_a_bank_files_problem_is_explained_in_vietnamese(vi_client: Client):
    with translation.override("vi"):
        problem = say(Phrase(gettext_noop("“%(shown)s” is not an amount."), shown="12,3,4"))
    assert problem == "“12,3,4” không phải là số tiền."
    assert str(Phrase(gettext_noop("“%(shown)s” is not an amount."), shown="1x")) == (
        "“1x” is not an amount."
    )
