"""core.renderer builds Django's input, select and option widgets in Python: the HTML must be Django's own,
byte for byte, for every widget and value the project's forms use."""
from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from hypothesis import given, settings
from hypothesis import strategies as st

from cadre.filters import CadreFilter
from cadre.tests.factories import OrgUnitFactory
from core import renderer as renderer_module
from core.renderer import FastWidgetRenderer

DJANGO = DjangoTemplates()
FAST = FastWidgetRenderer()


def both(widget: forms.Widget, name: str, value, attrs=None) -> tuple[str, str]:
    return (
        widget.render(name, value, attrs=attrs, renderer=DJANGO),
        widget.render(name, value, attrs=attrs, renderer=FAST),
    )


CHOICES = [("", "全部"), ("男", "男"), ("女", "女"), (3, 3), ("x<&\"'", "<b>甲&乙</b>")]
GROUPED = [("正职", [("正科级", "正科级"), ("正处级", "正处级")]), ("副职", [("副科级", "副科级")]), ("", "无")]

WIDGETS = [
    (forms.TextInput(), "q", "王伟"),
    (forms.TextInput(attrs={"placeholder": "姓名、拼音", "type": "search", "class": "form-control"}), "q", None),
    (forms.TextInput(attrs={"required": True, "disabled": False, "maxlength": 20}), "name", '"><script>'),
    (forms.NumberInput(attrs={"min": 0, "step": "any"}), "n", 12),
    (forms.EmailInput(), "e", "a@b.cn"),
    (forms.URLInput(), "u", "https://x.cn/?a=1&b=2"),
    (forms.PasswordInput(render_value=False), "p", "secret"),
    (forms.HiddenInput(), "h", "1"),
    (forms.DateInput(attrs={"type": "date"}), "d", dt.date(2026, 12, 3)),
    (forms.DateInput(), "d", "2026-12-03"),
    (forms.DateTimeInput(), "t", dt.datetime(2026, 12, 3, 9, 30)),
    (forms.TimeInput(), "t", dt.time(9, 30)),
    (forms.CheckboxInput(), "c", True),
    (forms.CheckboxInput(attrs={"class": "form-check-input"}), "c", False),
    (forms.CheckboxInput(), "c", "on"),
    (forms.Select(choices=CHOICES), "gender", "男"),
    (forms.Select(choices=CHOICES, attrs={"class": "form-select"}), "gender", None),
    (forms.Select(choices=CHOICES), "gender", 3),
    (forms.Select(choices=CHOICES), "gender", "x<&\"'"),
    (forms.Select(choices=GROUPED), "level", "副科级"),
    (forms.SelectMultiple(choices=CHOICES), "many", ["男", "女"]),
    (forms.NullBooleanSelect(), "nb", True),
]


@pytest.mark.parametrize(("widget", "name", "value"), WIDGETS)
def test_each_widget_renders_as_django_does(widget, name, value):
    django_html, fast_html = both(widget, name, value, attrs={"id": f"id_{name}"})
    assert fast_html == django_html


@settings(max_examples=200, deadline=None)
@given(
    value=st.one_of(st.none(), st.text(max_size=12), st.integers(-5, 5)),
    attr=st.one_of(st.booleans(), st.text(max_size=8), st.integers(0, 9)),
    label=st.text(max_size=8),
)
def test_any_value_attribute_and_label_render_as_django_does(value, attr, label):
    text = forms.TextInput(attrs={"data-x": attr})
    assert both(text, "f", value)[1] == both(text, "f", value)[0]
    select = forms.Select(choices=[("", "—"), ("a", label), (label, "b")], attrs={"data-x": attr})
    django_html, fast_html = both(select, "s", value)
    assert fast_html == django_html


@pytest.mark.django_db
def test_the_roster_filter_form_renders_as_django_does(staff_user):
    OrgUnitFactory(name="区委组织部")
    OrgUnitFactory(name='单位"<甲>"&乙')

    class Request:
        user = staff_user

    form = CadreFilter({"q": "王", "gender": "男", "sort": "pinyin", "include_sub": "on"}, request=Request()).form
    for name in form.fields:
        field = form[name]
        widget, attrs, value = field.field.widget, field.build_widget_attrs({"id": field.auto_id}), field.value()
        assert widget.render(field.html_name, value, attrs, FAST) == widget.render(field.html_name, value, attrs, DJANGO)


def test_a_template_that_is_not_djangos_own_goes_through_the_engine(monkeypatch):
    """An app that overrides a widget template (found before Django's by the renderer's loaders) wins."""
    overridden = FastWidgetRenderer()
    overridden._own["django/forms/widgets/text.html"] = False

    def fail(widget):
        raise AssertionError("built in Python")

    monkeypatch.setattr(renderer_module, "_input", fail)
    assert forms.TextInput().render("q", "x", renderer=overridden) == forms.TextInput().render("q", "x", renderer=DJANGO)
    with pytest.raises(AssertionError):
        forms.TextInput().render("q", "x", renderer=FastWidgetRenderer())
