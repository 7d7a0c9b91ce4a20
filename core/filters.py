"""Filters shared by the API filter sets."""
import django_filters
from django import forms

MAX_ID = 2**63 - 1


class IdFilter(django_filters.NumberFilter):
    """An object ID in a query string: a whole number from 1 to 2^63-1 (larger ones are a 400, not a crash)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.extra.setdefault("min_value", 1)
        self.extra.setdefault("max_value", MAX_ID)
