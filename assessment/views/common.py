"""What every page of 民主测评 and 考核 shares: the role checks and the error messages."""
import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from core.exceptions import ApplicationError

from ..permissions import can_manage, can_read_tallies


def staff_required(view):
    @functools.wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not can_manage(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def tally_reader_required(view):
    @functools.wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not can_read_tallies(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def show_error(request, exc: ApplicationError):
    messages.error(request, exc.message)
    for item in exc.errors[:20]:
        messages.error(request, item["message"] if isinstance(item, dict) else str(item))
