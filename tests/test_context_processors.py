"""core.context_processors.has_own_record: the nav's 我的档案, one EXISTS query, none when `user.cadre` is loaded."""
import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ObjectDoesNotExist

from cadre.tests.factories import CadreFactory
from core.context_processors import has_own_record

pytestmark = pytest.mark.django_db


def test_an_account_with_a_record(staff_user, django_assert_num_queries):
    CadreFactory(user=staff_user)
    user = User.objects.get(pk=staff_user.pk)  # as a request has it: nothing linked loaded
    with django_assert_num_queries(1):
        assert has_own_record(user)
    user.cadre  # noqa: B018 (loads the linked record)
    with django_assert_num_queries(0):
        assert has_own_record(user)


def test_an_account_without_one(staff_user, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert not has_own_record(staff_user)
    with pytest.raises(ObjectDoesNotExist):
        staff_user.cadre  # noqa: B018 (Django remembers that there is none)
    with django_assert_num_queries(0):
        assert not has_own_record(staff_user)


def test_anonymous(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert not has_own_record(AnonymousUser())
