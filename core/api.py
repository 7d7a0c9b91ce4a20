from django.core.exceptions import PermissionDenied
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .exceptions import ApplicationError


def exception_handler(exc, context):
    """Map ApplicationError to a 400 with its Chinese message; everything else as DRF does."""
    if isinstance(exc, ApplicationError):
        body = {"detail": exc.message}
        if exc.field:
            body["field"] = exc.field
        if exc.errors:
            body["errors"] = [e if isinstance(e, dict) else str(e) for e in exc.errors]
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, PermissionDenied):
        return Response({"detail": "您没有执行该操作的权限。"}, status=status.HTTP_403_FORBIDDEN)
    return drf_exception_handler(exc, context)
