"""The 民主测评 API (DRF): ``serializers`` (in and out), ``views`` (sessions, codes, tallies, the anonymous
ballot), ``urls`` (mounted under /api/ by config.api_urls), ``throttles`` (the ballot throttle, which the HTML
ballot page uses too)."""
from .throttles import BallotThrottle

__all__ = ["BallotThrottle"]
