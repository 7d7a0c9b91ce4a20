"""The ballot throttle, shared by the anonymous API and the HTML ballot page."""
import hashlib
import hmac

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from core.network import client_ip


class BallotThrottle(SimpleRateThrottle):
    """Limits ballot submissions per client address. The cache key is a keyed hash of the address, so
    not even the throttle cache holds an IP; nothing is written to the database."""

    scope = "ballot"

    def get_rate(self):
        return getattr(settings, "ASSESSMENT_BALLOT_RATE", "300/min")  # a meeting room shares one NAT address

    def get_cache_key(self, request, view):
        ident = client_ip(request)  # the login lockout's rule: X-Forwarded-For only from trusted proxies
        key = settings.ASSESSMENT_BALLOT_HMAC_KEY.encode()
        hashed = hmac.new(key, b"throttle:" + ident.encode(), hashlib.sha256).hexdigest()[:32]
        return self.cache_format % {"scope": self.scope, "ident": hashed}

    def allow_request(self, request, view):
        if self.get_rate() is None:
            return True
        return super().allow_request(request, view)
