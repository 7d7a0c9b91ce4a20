from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def pct(value, digits=2):
    """'0.8125' → '81.25%'; None/'' → '—'."""
    if value in (None, ""):
        return "—"
    try:
        return f"{Decimal(str(value)) * 100:.{int(digits)}f}%"
    except (InvalidOperation, ValueError):
        return "—"
