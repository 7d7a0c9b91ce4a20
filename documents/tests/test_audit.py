"""Every audit action of the documents app is an enum member with a Chinese label, registered at start-up."""
import datetime as dt

import pytest

from core.audit import action_choices
from core.models import AuditEvent
from documents import services
from documents.audit import AuditAction


def test_actions_registered_with_chinese_labels():
    registered = dict(action_choices())
    for member in AuditAction:
        assert registered[member.value] == member.label and not member.label.isascii()
    assert AuditAction.LRMX_IMPORT == "cadre.lrmx_import"  # the stored value of the rows written so far


@pytest.mark.django_db
def test_stored_actions_are_members(staff_user):
    day = services.calendar_day_set(actor=staff_user, date=dt.date(2031, 1, 1), is_working_day=False, name="元旦")
    services.calendar_day_delete(actor=staff_user, calendar_day_id=day.pk)
    assert list(AuditEvent.objects.order_by("id").values_list("action", flat=True)) == [
        AuditAction.CALENDAR_DAY_SET, AuditAction.CALENDAR_DAY_DELETE,
    ]
