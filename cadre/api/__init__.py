"""Records API (单位, 职位, 干部) under /api/: ``views`` (thin viewsets over cadre.services), ``serializers``
(output and input shapes), ``filters`` (query parameters), ``urls`` (the router, mounted by config.api_urls)."""
from .views import CadreViewSet, OrgUnitViewSet, PostViewSet

__all__ = ["CadreViewSet", "OrgUnitViewSet", "PostViewSet"]
