"""Rendered page fragments kept in the cache under a key that names everything they show.

A list page that many people open at once (the roster: 40 % of the load bench) renders the same HTML for the
same filters, the same data version and the same permissions. ``cached_fragment`` keeps that HTML; the caller's
key must change whenever the HTML would (the data version, today's date, the permission flags, the query), so a
cached fragment is always one a fresh render would give.

The one per-request value inside such HTML is the CSRF token of a form: the fragment is rendered with
``CSRF_SLOT`` as its ``csrf_token`` and the request's own token goes into the slot on the way out (as the
``{% csrf_token %}`` tag would have put it: ``get_token`` also marks the response to set the cookie).
"""
from __future__ import annotations

from collections.abc import Callable

from django.core.cache import cache
from django.middleware.csrf import get_token

CSRF_SLOT = "csrf-slot-5b1f0c7e"  # never a real token: those are 64 letters and digits
TIMEOUT = 600


def cached_fragment(request, key: str | None, render: Callable[[], str]) -> str:
    """The HTML of ``render()`` (rendered with ``{"csrf_token": CSRF_SLOT}`` in its context), from the cache
    under ``key`` when it is there; ``key`` None renders every time. The request's CSRF token is filled in."""
    html = cache.get(key) if key else None
    if html is None:
        html = str(render())
        if key:
            cache.set(key, html, TIMEOUT)
    if CSRF_SLOT in html:
        html = html.replace(CSRF_SLOT, get_token(request))
    return html
