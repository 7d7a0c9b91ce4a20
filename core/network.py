"""The client's address, one rule for every caller (login lockout via django-axes, the ballot throttle).

``X-Forwarded-For`` is believed only as far as ``TRUSTED_PROXY_COUNT`` proxies of our own wrote it: with 0
(the default, no proxy) the header is ignored and the address is the socket's; with N, each trusted proxy
appended the address it saw, so the client is the N-th entry from the right. Whatever a client put further
left is its own claim and is never used. A malformed or too short header falls back to the socket's address.
"""
from __future__ import annotations

import ipaddress

from django.conf import settings


def _valid(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or ""
    count = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < count:
        return remote
    candidate = forwarded[-count]
    return candidate if _valid(candidate) else remote
