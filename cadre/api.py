"""Placeholder: replaced by the API work in this session."""
from rest_framework import viewsets

from .models import Cadre, OrgUnit, Post


class OrgUnitViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = OrgUnit.objects.none()


class PostViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Post.objects.none()


class CadreViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Cadre.objects.none()

