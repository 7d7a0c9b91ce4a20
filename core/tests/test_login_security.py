"""Login lockout per account (never per address) and one client-address rule for axes and the ballot throttle."""
from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.test import RequestFactory, override_settings
from django.urls import reverse

from assessment.api import BallotThrottle
from core.network import client_ip

LOGIN = "accounts/login/"


def _post(client, username, password, **meta):
    return client.post(reverse("login"), {"username": username, "password": password}, **meta)


@pytest.mark.django_db
@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5)
def test_five_bad_passwords_for_one_account_do_not_lock_another_from_the_same_address(client):
    User.objects.create_user("alice", password="pass12345")
    User.objects.create_user("bob", password="pass12345")
    for _ in range(5):
        _post(client, "alice", "wrong-password", REMOTE_ADDR="10.0.0.7")
    locked = _post(client, "alice", "pass12345", REMOTE_ADDR="10.0.0.7")
    assert locked.status_code in (403, 429) and "_auth_user_id" not in client.session
    # the same address (a proxy, a NAT) for another account: signs in
    ok = _post(client, "bob", "pass12345", REMOTE_ADDR="10.0.0.7")
    assert ok.status_code == 302 and client.session["_auth_user_id"] == str(User.objects.get(username="bob").pk)
    # and alice stays locked from another address too (per account)
    client.logout()
    elsewhere = _post(client, "alice", "pass12345", REMOTE_ADDR="10.9.9.9")
    assert elsewhere.status_code in (403, 429) and "_auth_user_id" not in client.session


def _request(remote="10.0.0.1", forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/" + LOGIN, **meta)


@override_settings(TRUSTED_PROXY_COUNT=0)
def test_x_forwarded_for_is_ignored_without_trusted_proxies():
    assert client_ip(_request("10.0.0.1", "203.0.113.9")) == "10.0.0.1"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_x_forwarded_for_is_honoured_from_the_right_with_one_trusted_proxy():
    assert client_ip(_request("10.0.0.1", "203.0.113.9")) == "203.0.113.9"
    # a client's own claim further left is never believed: the proxy appended the address it saw
    assert client_ip(_request("10.0.0.1", "1.2.3.4, 203.0.113.9")) == "203.0.113.9"
    assert client_ip(_request("10.0.0.1", "")) == "10.0.0.1"  # no header: the socket's address
    assert client_ip(_request("10.0.0.1", "not-an-address")) == "10.0.0.1"


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_two_trusted_proxies_take_the_second_entry_from_the_right():
    assert client_ip(_request("10.0.0.2", "6.6.6.6, 198.51.100.4, 10.0.0.1")) == "198.51.100.4"
    assert client_ip(_request("10.0.0.2", "10.0.0.1")) == "10.0.0.2"  # too short: not through both proxies


@pytest.mark.django_db
@pytest.mark.parametrize("proxies, recorded", [(0, "10.0.0.1"), (1, "203.0.113.9")])
def test_axes_records_the_address_by_the_same_rule(client, proxies, recorded):
    with override_settings(AXES_ENABLED=True, TRUSTED_PROXY_COUNT=proxies):
        _post(client, "nobody", "wrong-password", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [recorded]


def test_ballot_throttle_keys_by_the_same_rule():
    throttle = BallotThrottle()
    with override_settings(TRUSTED_PROXY_COUNT=0):
        # a spoofed header does not make a new client
        assert throttle.get_cache_key(_request("10.0.0.1", "1.1.1.1"), None) == throttle.get_cache_key(
            _request("10.0.0.1", "2.2.2.2"), None)
    with override_settings(TRUSTED_PROXY_COUNT=1):
        assert throttle.get_cache_key(_request("10.0.0.1", "1.1.1.1"), None) != throttle.get_cache_key(
            _request("10.0.0.1", "2.2.2.2"), None)
        assert throttle.get_cache_key(_request("10.0.0.1", "9.9.9.9, 1.1.1.1"), None) == throttle.get_cache_key(
            _request("10.0.0.5", "1.1.1.1"), None)
