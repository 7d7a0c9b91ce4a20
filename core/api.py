from django.core.exceptions import PermissionDenied
from django.db import DataError
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
    if isinstance(exc, (OverflowError, DataError)):
        # a query parameter the database cannot hold (an ID beyond 64 bits, a value too long): the request is
        # wrong, not the server (found by schemathesis; filters should bound their numbers, see core.filters)
        return Response({"detail": "查询参数超出允许范围，请检查数字或文字长度。"}, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)
