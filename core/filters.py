"""Filters shared by the API filter sets, and the choice iterator of short model lists in filter forms."""
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


class ListedChoiceIterator(forms.models.ModelChoiceIterator):
    """The choices of a short model list (units) read by one plain query: Django's iterator() opens a server-side
    cursor on PostgreSQL (DECLARE, FETCH, CLOSE: three round trips a page for a few dozen rows). Serves Django's
    ModelChoiceField and django-filter's, whose `null_label` choice follows the empty one."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if getattr(self.field, "null_label", None) is not None:
            yield (self.field.null_value, self.field.null_label)
        for obj in self.queryset:
            yield self.choice(obj)

    def __len__(self):
        return super().__len__() + (getattr(self.field, "null_label", None) is not None)
