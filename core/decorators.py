from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def require(predicate):
    """View decorator: log in first (anonymous → login page), then `predicate(user)` or 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not predicate(request.user):
                raise PermissionDenied("您没有访问该页面的权限")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
