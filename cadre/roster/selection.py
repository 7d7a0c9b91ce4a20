"""The people a roster batch action applies to: the ticked rows (``cadre`` ids), or every person matching the list
page's filter (``all_matching=1`` with the page's query string in ``query``). Shared by the batch endpoints of other
apps (任免审批表 zip, rotation plan) and the roster's own export of the selection."""
from __future__ import annotations

from django.http import QueryDict

from ..selectors import roster_base_queryset, roster_search

MAX_SELECTED = 5000


def selected_queryset(*, user, data):
    """Cadres of the selection, in the roster's order (filters and sort of the list page when ``all_matching``)."""
    query = QueryDict((data.get("query") or "").lstrip("?"))
    _, queryset = roster_search(user=user, params=query)
    if data.get("all_matching") == "1":
        return queryset
    ids = {int(v) for v in data.getlist("cadre") if str(v).isdigit()}
    # the ticked rows in the order of the page they were ticked on (its query), else in record order
    return queryset.filter(pk__in=ids) if query else roster_base_queryset().filter(pk__in=ids).order_by("pk")


def selected_ids(*, user, data) -> list[int]:
    """Ids of the selection (at most ``MAX_SELECTED``), in the roster's order."""
    return list(selected_queryset(user=user, data=data).values_list("pk", flat=True)[:MAX_SELECTED])
