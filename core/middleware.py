"""A database that is down or restarting gives a clear Chinese 503 page, not a 500 with a traceback.

The request's own writes are inside service transactions (transaction.atomic), so an OperationalError in the
middle rolls them back: no partial writes. API clients get a JSON body.
"""
import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader

logger = logging.getLogger(__name__)

MESSAGE = "数据库暂时无法连接，可能正在维护或重启。您刚才的操作没有保存，请稍后刷新页面重试。"


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.error("database unavailable on %s %s: %s", request.method, request.path, exception)
        if request.path.startswith("/api/"):
            response = JsonResponse({"detail": MESSAGE}, status=503)
        else:
            # rendered without the request context: the context processors would query the database again
            response = HttpResponse(loader.get_template("503.html").render({"message": MESSAGE}), status=503)
        response["Retry-After"] = "30"
        return response
