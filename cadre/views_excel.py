"""Placeholder: replaced by the pages/import work in this session."""
from django.http import HttpResponse


def import_upload(request, pk=None):
    return HttpResponse(status=501)


def import_preview(request, pk=None):
    return HttpResponse(status=501)


def import_confirm(request, pk=None):
    return HttpResponse(status=501)


def import_error_copy(request, pk=None):
    return HttpResponse(status=501)


def roster_export(request, pk=None):
    return HttpResponse(status=501)
