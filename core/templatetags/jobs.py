"""``{% load jobs %}{% if job|retryable %}``: whether a failed job offers 重试."""
from django import template

from ..jobs import retryable as _retryable

register = template.Library()


@register.filter
def retryable(job) -> bool:
    return _retryable(job)
