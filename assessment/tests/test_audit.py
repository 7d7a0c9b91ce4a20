"""Every audit action of the assessment app is an enum member with a Chinese label, registered at start-up."""
import pytest

from assessment import services
from assessment.audit import AuditAction
from core.audit import action_choices, action_label
from core.models import AuditEvent


def test_actions_registered_with_chinese_labels():
    registered = dict(action_choices())
    for member in AuditAction:
        assert registered[member.value] == member.label
        assert action_label(member.value) == member.label and member.label.isascii() is False


@pytest.mark.django_db
def test_stored_actions_are_members(make_session, staff_user):
    s = make_session()
    services.session_open(actor=staff_user, session=s)
    stored = set(AuditEvent.objects.values_list("action", flat=True))
    assert stored == {AuditAction.BALLOT_SESSION_CREATE, AuditAction.BALLOT_SESSION_OPEN}
