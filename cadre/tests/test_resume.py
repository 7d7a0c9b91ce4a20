"""cadre_photo_set and post_history_replace: the photo and the 简历 rows the LRMX import writes, each with the
actor as history user and an audit row unless the caller writes its own."""
import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from PIL import Image

from cadre.audit import AuditAction
from cadre.models import PostHistory
from cadre.services import ResumeLine, cadre_photo_set, post_history_replace
from cadre.tests.factories import CadreFactory, OrgUnitFactory
from core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return get_user_model().objects.create_user("resume-staff", password="x")


def jpeg(color: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), color).save(out, format="JPEG")
    return out.getvalue()


def rows(cadre):
    return list(
        PostHistory.objects.filter(cadre=cadre)
        .order_by("start", "id")
        .values_list("unit_id", "unit_name", "title", "start", "end")
    )


def test_cadre_photo_set(staff):
    cadre = CadreFactory()
    content = jpeg("red")
    saved = cadre_photo_set(actor=staff, cadre=cadre, content=content, name=f"{cadre.id_number}.jpg")
    assert saved.pk == cadre.pk
    saved.refresh_from_db()
    with saved.photo.open("rb") as handle:
        assert handle.read() == content
    assert saved.history.first().history_user == staff
    event = AuditEvent.objects.get(action=AuditAction.CADRE_PHOTO_SET)
    assert (event.actor, event.object_id) == (staff, str(cadre.pk))

    # inside an operation that writes its own audit row: the photo and its history, no second audit row
    cadre_photo_set(actor=staff, cadre=cadre, content=jpeg("blue"), name=f"{cadre.id_number}.jpg", audited=False)
    assert AuditEvent.objects.filter(action=AuditAction.CADRE_PHOTO_SET).count() == 1
    assert cadre.history.count() == 3  # created, then one row per photo


def test_post_history_replace(staff):
    unit = OrgUnitFactory(name="审计局")
    cadre = CadreFactory()
    kept = PostHistory.objects.create(cadre=cadre, unit=unit, unit_name="审计局", title="科员",
                                      start=dt.date(2010, 7, 12), end=dt.date(2014, 5, 20))
    PostHistory.objects.create(cadre=cadre, unit_name="东林镇", title="科员", start=dt.date(2008, 7, 1),
                               end=dt.date(2010, 6, 30))
    lines = [
        # same months and text as the kept row: it stays with its exact days
        ResumeLine(dt.date(2010, 7, 1), dt.date(2014, 5, 1), unit, "科员"),
        ResumeLine(dt.date(2014, 6, 1), None, unit, "预算科科长"),
        ResumeLine(dt.date(2006, 9, 1), dt.date(2008, 6, 1), None, "浙江大学学生" + "长" * 120),
    ]
    assert post_history_replace(actor=staff, cadre=cadre, lines=lines) == (2, 1)
    assert rows(cadre) == [
        (None, "", ("浙江大学学生" + "长" * 120)[:100], dt.date(2006, 9, 1), dt.date(2008, 6, 1)),
        (unit.pk, "审计局", "科员", dt.date(2010, 7, 12), dt.date(2014, 5, 20)),
        (unit.pk, "审计局", "预算科科长", dt.date(2014, 6, 1), None),
    ]
    assert PostHistory.objects.filter(pk=kept.pk).exists()
    history = PostHistory.history.filter(cadre_id=cadre.pk, history_type__in=["+", "-"], history_user=staff)
    assert sorted(history.values_list("history_type", flat=True)) == ["+", "+", "-"]
    event = AuditEvent.objects.get(action=AuditAction.CADRE_POST_HISTORY_REPLACE)
    assert (event.actor, event.object_id, event.data) == (staff, str(cadre.pk), {"created": 2, "deleted": 1})

    # the same lines again change nothing (no audit row); without lines every row goes, audit left to the caller
    current = [lines[0], lines[1], ResumeLine(dt.date(2006, 9, 1), dt.date(2008, 6, 1), None, rows(cadre)[0][2])]
    assert post_history_replace(actor=staff, cadre=cadre, lines=current) == (0, 0)
    assert post_history_replace(actor=staff, cadre=cadre, lines=[], audited=False) == (0, 3)
    assert rows(cadre) == []
    assert AuditEvent.objects.filter(action=AuditAction.CADRE_POST_HISTORY_REPLACE).count() == 1
