"""The builtin ``{% url %}`` (core.templatetags.urls) gives what Django's own tag gives: argument-free names
once reversed per URLConf, script prefix, current app and language; names with arguments, ``as var`` and
names that do not reverse as before."""
import pytest
from django.template import Context, Engine, Template
from django.test import override_settings
from django.urls import NoReverseMatch, clear_script_prefix, reverse, set_script_prefix

from core.templatetags.urls import MemoURLNode


def render(text: str, **context) -> str:
    return Template(text).render(Context(context))


def test_the_tag_is_the_memoizing_one():
    (node,) = [n for n in Template("{% url 'home' %}").nodelist if not isinstance(n, str)]
    assert isinstance(node, MemoURLNode)


def test_same_urls_as_django():
    django_engine = Engine(libraries={}, builtins=[])  # Django's own defaulttags only
    for text in (
        "{% url 'home' %}",
        "{% url 'cadre:roster' %}|{% url 'cadre:roster' %}",
        "{% url 'cadre:cadre-detail' 7 %}",
        "{% url 'cadre:cadre-detail' pk=8 %}",
        "{% url 'cadre:roster' as link %}[{{ link }}]",
        "{% url 'no-such-name' as link %}[{{ link }}]",
    ):
        assert render(text) == django_engine.from_string(text).render(Context({})), text


def test_a_name_that_does_not_reverse_still_raises():
    with pytest.raises(NoReverseMatch):
        render("{% url 'no-such-name' %}")


def test_the_script_prefix_is_part_of_the_key():
    assert render("{% url 'cadre:roster' %}") == reverse("cadre:roster")
    set_script_prefix("/cadres-app/")
    try:
        assert render("{% url 'cadre:roster' %}") == "/cadres-app/cadre/"
    finally:
        clear_script_prefix()
    assert render("{% url 'cadre:roster' %}") == "/cadre/"


@override_settings(ROOT_URLCONF="tests.url_tag_urls")
def test_another_urlconf_is_another_key():
    assert render("{% url 'home' %}") == "/elsewhere/"
