"""DRF API of the rotation app: thin views over selectors and services; staff write, leaders decide, observers read.

Layout: serializers.py (what goes out and comes in), views.py (the due list, plans and their status moves through
``services.plan_transition``, suggestions, secondments), urls.py (the router, mounted by config.api_urls).
"""
from .views import CanRead, DueListView, PlanViewSet, SecondmentViewSet, SuggestionViewSet

__all__ = ["CanRead", "DueListView", "PlanViewSet", "SecondmentViewSet", "SuggestionViewSet"]
