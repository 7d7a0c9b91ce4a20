"""Display helpers of the record pages."""
from django import template

from cadre.models import month_text

register = template.Library()


@register.filter
def ym(value):
    """A date as the roster shows it: `2016.03` (year-month) or `2016.03.15`."""
    return month_text(value)


@register.filter
def age_on(cadre, on):
    return cadre.age_on(on)


@register.simple_tag(takes_context=True)
def page_url(context, number):
    """`?<filters>&page=N` keeping the current filters."""
    query = context.get("querystring") or ""
    return f"?{query}&page={number}" if query else f"?page={number}"
