from django import forms
from django.forms.renderers import DjangoTemplates

from spendwise.web.widgets import FormRenderer


class Pick(forms.Form):
    colour = forms.ChoiceField(
        choices=[
            ("", "Any"),
            ("Warm", [("red", "Red <hot>"), ("amber", "Amber")]),
            ("blue", "Blue"),
        ],
        required=False,
    )
    many = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B")], required=False)


def normalise(html: object) -> str:
    return " ".join(str(html).replace(">", "> ").replace("<", " <").split())


def test_the_select_html_is_the_same_as_djangos_templates():
    data = {"colour": "amber", "many": ["a", "b"]}
    fast = Pick(data=data, renderer=FormRenderer())
    slow = Pick(data=data, renderer=DjangoTemplates())
    for name in ("colour", "many"):
        assert normalise(fast[name]) == normalise(slow[name])
    assert "Red &lt;hot&gt;" in str(fast["colour"])
    assert 'value="amber" selected' in str(fast["colour"])
    assert "multiple" in str(fast["many"])


def test_the_project_uses_it(settings):
    assert settings.FORM_RENDERER == "spendwise.web.widgets.FormRenderer"
