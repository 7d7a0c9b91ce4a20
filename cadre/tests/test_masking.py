"""Masking that cannot be undone (issue 18, deliverable 1): for the roles that see masked 身份证号 (leader,
observer), no page, API response (list, detail, family) or export carries the hidden digits in another field:
neither the eight birth digits ``yyyymmdd`` nor the date ``yyyy-mm-dd`` of any person or relative. Staff see
the full numbers and dates, as before."""
import datetime as dt
import io
import json

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from cadre.idnumber import make_id_number
from cadre.tests.factories import CadreFactory, FamilyMemberFactory, PostFactory
from core.privacy import mask_birth_date, mask_data, mask_id_number, mask_id_numbers

BIRTHS = [dt.date(1979, 4, 13), dt.date(1983, 11, 27), dt.date(1990, 2, 19)]
RELATIVE_BIRTH = dt.date(1981, 7, 23)


@pytest.fixture
def people(db):
    cadres = []
    for i, birth in enumerate(BIRTHS):
        cadre = CadreFactory(
            name=f"掩码{'甲乙丙'[i]}", birth_date=birth, id_number=make_id_number("330502", birth, 17 + i, "男")
        )
        cadres.append(cadre)
    FamilyMemberFactory(
        cadre=cadres[0], name="配偶甲", birth_date=RELATIVE_BIRTH,
        id_number=make_id_number("330502", RELATIVE_BIRTH, 31, "女"),
    )
    return cadres


def forbidden(cadres) -> list[str]:
    dates = [c.birth_date for c in cadres] + [RELATIVE_BIRTH]
    return [f"{d:%Y%m%d}" for d in dates] + [d.isoformat() for d in dates] + [c.id_number for c in cadres]


def xlsx_text(content: bytes) -> str:
    wb = load_workbook(io.BytesIO(content), read_only=True)
    return "\n".join(
        str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v is not None
    )


def responses(user, cadres) -> dict[str, str]:
    api = APIClient()
    api.force_authenticate(user)
    out = {
        "api list": json.dumps(api.get(reverse("cadre-list"), {"page_size": 100}).json(), ensure_ascii=False),
    }
    for c in cadres:
        out[f"api detail {c.name}"] = json.dumps(api.get(reverse("cadre-detail", args=[c.pk])).json(), ensure_ascii=False)
    post = PostFactory(level="副科级", title="副局长")
    out["eligibility explain api"] = json.dumps(
        api.get(reverse("eligibility-explain"), {"cadre": cadres[0].pk, "post": post.pk}).json(), ensure_ascii=False
    )
    out["eligibility screen api"] = json.dumps(
        api.get(reverse("eligibility-post-screen", args=[post.pk]), {"page_size": 100}).json(), ensure_ascii=False
    )
    web = Client()
    web.force_login(user)
    out["roster page"] = web.get(reverse("cadre:roster")).content.decode()
    for c in cadres:
        out[f"record page {c.name}"] = web.get(reverse("cadre:cadre-detail", args=[c.pk])).content.decode()
    export = web.get(reverse("cadre:roster-export"))
    assert export.status_code == 200
    out["roster export"] = xlsx_text(b"".join(export.streaming_content))
    return out


@pytest.mark.parametrize("role", ["leader_user", "observer_user"])
def test_no_response_gives_back_the_hidden_digits(request, people, role):
    user = request.getfixturevalue(role)
    bad = forbidden(people)
    for where, text in responses(user, people).items():
        leaked = [b for b in bad if b in text]
        assert not leaked, f"{where} carries {leaked}"
    # the masked forms are there instead
    api = APIClient()
    api.force_authenticate(user)
    detail = api.get(reverse("cadre-detail", args=[people[0].pk])).json()
    assert detail["id_number"] == mask_id_number(people[0].id_number)
    assert detail["birth_date"] == "1979-04"
    assert detail["family"][0]["birth_date"] == "1981-07"


def test_staff_see_full_numbers_and_dates(staff_user, people):
    got = responses(staff_user, people)
    for c in people:
        assert c.id_number in got["api list"] and c.birth_date.isoformat() in got["api list"]
        assert c.id_number in got["roster export"] and c.id_number in got["eligibility screen api"]
    assert RELATIVE_BIRTH.isoformat() in got[f"api detail {people[0].name}"]


def test_birth_date_filters_are_monthly_for_non_staff(leader_user, staff_user, people):
    """A leader cannot bisect a birth date through the API filters: the bounds snap to whole months."""
    url = reverse("cadre-list")
    for user, expect in ((leader_user, {"掩码甲"}), (staff_user, set())):
        api = APIClient()
        api.force_authenticate(user)
        names = {r["name"] for r in api.get(url, {"born_after": "1979-04-14", "born_before": "1979-04-20"}).json()["results"]}
        assert names == expect


def test_mask_functions():
    number = make_id_number("330502", dt.date(1979, 4, 13), 311, "男")
    masked = mask_id_number(number)
    assert masked.startswith("330502********") and masked.endswith("*") and "19790413" not in masked
    assert masked[-4:-1] == number[14:17]  # the sequence stays, the check digit goes
    assert mask_id_numbers(f"号{number}。") == f"号{masked}。"
    assert mask_id_number("12345") == "*****" and mask_id_number("") == ""
    assert mask_birth_date(dt.date(1979, 4, 13)) == "1979-04" and mask_birth_date("1979-04-13") == "1979-04"
    assert mask_data({"birth_date": "1979-04-13", "note": [number]}) == {"birth_date": "1979-04", "note": [masked]}
