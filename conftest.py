"""Shared fixtures: one user per role, and factories from cadre.tests.factories."""
import pytest
from django.contrib.auth.models import Group, User

from core import roles


def _user(username, *group_names, **extra):
    user = User.objects.create_user(username=username, password="pass12345", **extra)
    for name in group_names:
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    return user


@pytest.fixture
def staff_user(db):
    return _user("staff", roles.STAFF, first_name="组织部小王")


@pytest.fixture
def leader_user(db):
    return _user("leader", roles.LEADER)


@pytest.fixture
def judge_user(db):
    return _user("judge", roles.JUDGE)


@pytest.fixture
def observer_user(db):
    return _user("observer", roles.OBSERVER)


@pytest.fixture
def candidate_user(db):
    """A candidate with their own cadre record."""
    from cadre.tests.factories import CadreFactory

    user = _user("candidate", roles.CANDIDATE)
    CadreFactory(user=user, name="候选人")
    return user


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def candidate_client(client, candidate_user):
    client.force_login(candidate_user)
    return client
