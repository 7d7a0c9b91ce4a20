"""Placeholder: replaced by the pages/import work in this session."""
from django.http import HttpResponse


def roster(request, pk=None):
    return HttpResponse(status=501)


def cadre_create_view(request, pk=None):
    return HttpResponse(status=501)


def my_record(request, pk=None):
    return HttpResponse(status=501)


def cadre_detail(request, pk=None):
    return HttpResponse(status=501)


def cadre_edit_view(request, pk=None):
    return HttpResponse(status=501)


def unit_tree(request, pk=None):
    return HttpResponse(status=501)


def unit_detail(request, pk=None):
    return HttpResponse(status=501)

