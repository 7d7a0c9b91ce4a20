"""The form renderer (settings.FORM_RENDERER): Django's own, with its commonest widget templates built in Python.

Django renders every widget, and every <option> of a <select>, through a template include: about 0.15 ms an
option, 6 ms for the roster's filter form of a dozen fields (a quarter of the whole page). The HTML here is
exactly what Django's templates `django/forms/widgets/{input-type}.html`, `select.html`, `select_option.html`
and `attrs.html` produce (tests/test_renderer.py compares both on every widget the project uses); any
other template, or one the project overrides, goes through the template engine as before.
"""
from __future__ import annotations

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

WIDGETS = "django/forms/widgets/"
INPUT_TEMPLATES = frozenset(
    WIDGETS + name
    for name in (
        "input.html", "text.html", "number.html", "email.html", "url.html", "password.html", "hidden.html",
        "date.html", "datetime.html", "time.html", "search.html", "tel.html", "color.html", "checkbox.html",
    )
)
SELECT_TEMPLATE = WIDGETS + "select.html"
OPTION_TEMPLATE = WIDGETS + "select_option.html"


def _attrs(attrs: dict) -> str:
    """attrs.html: ` name="value"` for each attribute; True alone as ` name`, False left out."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            out.append(f" {conditional_escape(name)}")
        else:
            out.append(f' {conditional_escape(name)}="{conditional_escape(str(value))}"')
    return "".join(out)


def _input(widget: dict) -> str:
    value = widget["value"]
    value_attr = "" if value is None else f' value="{conditional_escape(str(value))}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"'
        f"{value_attr}{_attrs(widget['attrs'])}>"
    )


def _text(value) -> str:
    """`{{ value }}`: localized as the template engine would (a number or a date as a label), then escaped."""
    return conditional_escape(value if isinstance(value, str) else localize(value))


def _option(option: dict) -> str:
    return (
        f'<option value="{conditional_escape(str(option["value"]))}"{_attrs(option["attrs"])}>'
        f"{_text(option['label'])}</option>"
    )


def _select(widget: dict) -> str | None:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in group_choices:
            if option["template_name"] != OPTION_TEMPLATE:
                return None
            parts.append("\n  " + _option(option) + "\n")  # the option template's own closing newline
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


class FastWidgetRenderer(DjangoTemplates):
    """DjangoTemplates, with input, select and option widgets rendered in Python when their templates are
    Django's own (checked once per template name: a project override of the template wins)."""

    def __init__(self):
        super().__init__()
        self._own: dict[str, bool] = {}

    def _is_django_template(self, template_name: str) -> bool:
        own = self._own.get(template_name)
        if own is None:
            origin = self.get_template(template_name).origin.name
            own = self._own[template_name] = "/django/forms/templates/" in str(origin).replace("\\", "/")
        return own

    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        if widget is not None and self._is_django_template(template_name):
            html = None
            if template_name in INPUT_TEMPLATES:
                html = _input(widget)
            elif template_name == SELECT_TEMPLATE and self._is_django_template(OPTION_TEMPLATE):
                html = _select(widget)
            if html is not None:
                return mark_safe(html)
        return super().render(template_name, context, request)
