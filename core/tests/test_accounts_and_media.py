"""Password rules and the password change page; uploaded files only through permission-checked views."""
from __future__ import annotations

import importlib
import io

import pytest
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import Resolver404, resolve, reverse
from PIL import Image

import config.urls
from cadre.tests.factories import CadreFactory
from core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("password", ["12345678", "password", "qwerty123", "20241231"])
def test_common_and_numeric_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_password_like_the_username_is_refused():
    user = User(username="zhangwei", first_name="张伟")
    with pytest.raises(ValidationError):
        validate_password("zhangwei1", user=user)
    validate_password("橙子-Lantern-48", user=user)  # a good one passes


def _change(client, old, new):
    return client.post(reverse("password_change"), {"old_password": old, "new_password1": new, "new_password2": new})


def test_password_change_page_refuses_a_weak_password_in_chinese(client, staff_user):
    client.force_login(staff_user)
    page = client.get(reverse("password_change"))
    assert page.status_code == 200 and "修改密码" in page.content.decode()
    response = _change(client, "pass12345", "12345678")
    assert response.status_code == 200
    text = response.content.decode()
    assert "这个密码太常见了" in text or "密码全是数字" in text or "这个密码全部是数字" in text
    staff_user.refresh_from_db()
    assert staff_user.check_password("pass12345")


def test_password_change_page_changes_it_keeps_the_session_and_audits(client, staff_user):
    client.force_login(staff_user)
    response = _change(client, "pass12345", "橙子-Lantern-48")
    assert response.status_code == 302 and response.url == reverse("password_change_done")
    staff_user.refresh_from_db()
    assert staff_user.check_password("橙子-Lantern-48")
    assert client.get(reverse("password_change_done")).status_code == 200  # still signed in
    event = AuditEvent.objects.get(action="core.password_change")
    assert event.actor == staff_user


def test_password_change_needs_the_old_password_and_a_login(client, candidate_user):
    assert client.get(reverse("password_change")).status_code == 302  # to the login page
    client.force_login(candidate_user)
    assert _change(client, "wrong-old", "橙子-Lantern-48").status_code == 200
    candidate_user.refresh_from_db()
    assert candidate_user.check_password("pass12345")


def test_the_user_menu_links_to_the_password_change_page(client, candidate_user):
    client.force_login(candidate_user)
    assert reverse("password_change") in client.get(reverse("home"), follow=True).content.decode()


# ---------------------------------------------------------------------------------------------------- media
def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, format="PNG")
    return out.getvalue()


def test_media_is_not_served_as_a_folder(client, staff_user):
    cadre = CadreFactory()
    cadre.photo.save("guessable.png", ContentFile(_png()), save=True)
    client.force_login(staff_user)
    assert client.get("/media/" + cadre.photo.name).status_code == 404
    client.logout()
    assert client.get("/media/" + cadre.photo.name).status_code == 404


def test_photo_goes_through_the_record_permission_both_ways(client, staff_user, leader_user, judge_user):
    cadre = CadreFactory()
    cadre.photo.save("p.png", ContentFile(_png()), save=True)
    url = reverse("cadre:cadre-photo", args=[cadre.pk])
    assert client.get(url).status_code == 302  # anonymous: to the login page
    for user in (staff_user, leader_user):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200 and b"".join(response.streaming_content) == _png()
    client.force_login(judge_user)
    assert client.get(url).status_code == 403
    client.force_login(staff_user)
    assert url in client.get(reverse("cadre:cadre-detail", args=[cadre.pk])).content.decode()


def test_no_url_serves_media_even_with_debug_on(settings):
    settings.DEBUG = True
    try:
        importlib.reload(config.urls)
        with pytest.raises(Resolver404):
            resolve("/media/photos/guessable.png", urlconf=config.urls)
    finally:
        settings.DEBUG = False
        importlib.reload(config.urls)
