"""``{% url %}`` that reverses a name without arguments once per process (a builtin: config/settings TEMPLATES).

Every page's navigation bar reverses about thirty such names; Django's ``reverse`` walks the URL resolver each
time (about a millisecond a page). The result of ``reverse(name)`` depends only on the name, the current app,
the URLconf, the script prefix and the language, so it is kept under all five; a name with arguments, or one
that does not reverse, goes through Django's own tag unchanged."""
from __future__ import annotations

from django import template
from django.conf import settings
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.translation import get_language

register = template.Library()

_MEMO: dict[tuple, str] = {}
_MEMO_MAX = 2000


def _current_app(context):
    try:
        return context.request.current_app
    except AttributeError:
        try:
            return context.request.resolver_match.namespace
        except AttributeError:
            return None


class MemoURLNode(URLNode):
    def render(self, context):
        if self.args or self.kwargs:
            return super().render(context)
        view_name = self.view_name.resolve(context)
        current_app = _current_app(context)
        key = (view_name, current_app, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), get_language())
        url = _MEMO.get(key)
        if url is None:
            try:
                url = reverse(view_name, current_app=current_app)
            except NoReverseMatch:
                return super().render(context)  # Django's own error, or "" for {% url … as var %}
            if len(_MEMO) < _MEMO_MAX:
                _MEMO[key] = url
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    node = django_url(parser, token)
    node.__class__ = MemoURLNode
    return node
