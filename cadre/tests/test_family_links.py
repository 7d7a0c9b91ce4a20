"""Family links (issue 15 part 3): matching family rows to roster records, proposals for staff, the page, and the
three entry points (the record form's service, the LRMX import, the roster import)."""
from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from cadre import rules
from cadre.idnumber import make_id_number
from cadre.models import FamilyLinkProposal, FamilyMember
from cadre.roster.importer import import_roster
from cadre.services import cadre_records_save, family_link_confirm, family_link_reject, family_links_refresh
from cadre.tests.factories import CadreFactory, FamilyMemberFactory, OrgUnitFactory
from cadre.tests.roster_helpers import xlsx
from core.exceptions import ApplicationError
from core.models import AuditEvent
from documents.lrmx import import_person

FATHER_BIRTH = dt.date(1960, 3, 9)


# ---------------------------------------------------------------------------------------------- pure rules
def _roster(*people):
    return rules.index_roster(people)


def _p(cid, name="王建国", birth=FATHER_BIRTH, idn="", unit="财政局", short=""):
    return rules.RosterFacts(cid, name, birth, idn or f"ID{cid}", unit, short, "局长")


def _rel(name="王建国", birth=FATHER_BIRTH, idn="", work="", owner=100):
    return rules.RelativeFacts(1, owner, name, birth, idn, work)


def test_id_number_decides_alone():
    by_id, by_name = _roster(_p(1, idn="330502196003090011"), _p(2))
    assert rules.match_relative(_rel(idn="330502196003090011"), by_id, by_name) == [
        rules.Match(1, 1, rules.EXACT, "身份证号一致")
    ]
    # a number that is on no record: no match, even when name and month agree with someone
    assert rules.match_relative(_rel(idn="330502196003090099"), by_id, by_name) == []


def test_name_month_with_unit_support_links_without_it_proposes():
    by_id, by_name = _roster(_p(1))
    exact = rules.match_relative(_rel(birth=dt.date(1960, 3, 1), work="区财政局退休干部"), by_id, by_name)
    assert [m.kind for m in exact] == [rules.EXACT]
    weak = rules.match_relative(_rel(work="务农"), by_id, by_name)
    assert [(m.cadre_id, m.kind) for m in weak] == [(1, rules.PROPOSAL)] and "未能印证" in weak[0].basis
    assert rules.match_relative(_rel(birth=dt.date(1960, 4, 9), work="财政局"), by_id, by_name) == []
    assert rules.match_relative(_rel(birth=None, work="财政局"), by_id, by_name) == []


def test_several_candidates_are_all_proposed_and_owner_never_matches_self():
    by_id, by_name = _roster(_p(1), _p(2, unit="教育局"), _p(100))
    out = rules.match_relative(_rel(work="财政局"), by_id, by_name)
    assert [(m.cadre_id, m.kind) for m in out] == [(1, rules.PROPOSAL), (2, rules.PROPOSAL)]
    assert "共2人" in out[0].basis and "相符" in out[0].basis and "未能印证" in out[1].basis


def test_unit_support_by_short_or_distinctive_name():
    person = _p(1, unit="某区人民政府办公室", short="区政府办")
    assert rules.unit_supports("区政府办主任", person)
    assert rules.unit_supports("某区人民政府办公室副主任", person)
    assert not rules.unit_supports("", person) and not rules.unit_supports("教育局", person)


@given(st.text(alphabet="王李张 \u3000建国芳", min_size=1, max_size=6), st.integers(1950, 2000), st.integers(1, 12))
def test_name_spacing_never_matters(name, year, month):
    clean = rules.normalize_name(name)
    if not clean:
        return
    by_id, by_name = _roster(_p(1, name=clean, birth=dt.date(year, month, 1), unit="财政局"))
    out = rules.match_relative(_rel(name=name, birth=dt.date(year, month, 28), work="财政局"), by_id, by_name)
    assert [(m.cadre_id, m.kind) for m in out] == [(1, rules.EXACT)]


# ---------------------------------------------------------------------------------------------- services
@pytest.fixture
def father(db):
    return CadreFactory(name="王建国", birth_date=FATHER_BIRTH, unit=OrgUnitFactory(name="财政局"), position_title="局长")


@pytest.fixture
def son(db):
    return CadreFactory(name="王小明", birth_date=dt.date(1988, 5, 1), unit=OrgUnitFactory(name="财政局"))


def _family(cadre, **kw):
    row = {"relation": "父亲", "name": "王建国", "birth_date": FATHER_BIRTH, "work_unit_and_post": "", "id_number": ""}
    row.update(kw)
    return [row]


@pytest.mark.django_db
def test_record_form_links_by_id_number_and_audits(staff_user, father, son):
    cadre_records_save(actor=staff_user, cadre=son, family=_family(son, id_number=father.id_number))
    member = FamilyMember.objects.get(cadre=son)
    assert member.relative_cadre_id == father.pk
    event = AuditEvent.objects.get(action="cadre.family_links_refresh")
    assert event.data["linked"] == [[member.pk, son.pk, father.pk]] and event.actor == staff_user
    assert member.history.first().history_user == staff_user


@pytest.mark.django_db
def test_record_form_links_by_name_month_and_unit(staff_user, father, son):
    cadre_records_save(actor=staff_user, cadre=son, family=_family(son, work_unit_and_post="财政局局长"))
    assert FamilyMember.objects.get(cadre=son).relative_cadre_id == father.pk
    assert not FamilyLinkProposal.objects.exists()


@pytest.mark.django_db
def test_ambiguous_is_proposed_confirmed_and_reject_is_remembered(staff_user, father, son):
    twin = CadreFactory(name="王建国", birth_date=dt.date(1960, 3, 20), unit=OrgUnitFactory(name="教育局"))
    cadre_records_save(actor=staff_user, cadre=son, family=_family(son, work_unit_and_post="退休"))
    member = FamilyMember.objects.get(cadre=son)
    assert member.relative_cadre_id is None
    proposals = {p.candidate_id: p for p in FamilyLinkProposal.objects.filter(status="pending")}
    assert set(proposals) == {father.pk, twin.pk}
    family_link_reject(actor=staff_user, proposal=proposals[twin.pk], reason="不是同一人")
    family_links_refresh(actor=staff_user)  # the rejected pair is not proposed again, the other stays
    assert set(FamilyLinkProposal.objects.filter(status="pending").values_list("candidate_id", flat=True)) == {father.pk}
    family_link_confirm(actor=staff_user, proposal=proposals[father.pk])
    member.refresh_from_db()
    assert member.relative_cadre_id == father.pk
    assert not FamilyLinkProposal.objects.filter(status="pending").exists()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"cadre.family_link_reject", "cadre.family_link_confirm"} <= actions
    with pytest.raises(ApplicationError):
        family_link_confirm(actor=staff_user, proposal=proposals[father.pk])  # already decided


@pytest.mark.django_db
def test_rejection_survives_the_family_row_being_rewritten(staff_user, father, son):
    cadre_records_save(actor=staff_user, cadre=son, family=_family(son))
    proposal = FamilyLinkProposal.objects.get()
    family_link_reject(actor=staff_user, proposal=proposal)
    member = FamilyMember.objects.get(cadre=son)
    cadre_records_save(actor=staff_user, cadre=son, family=[{"id": member.pk, "DELETE": True}] + _family(son))
    assert FamilyLinkProposal.objects.filter(status="pending").count() == 0
    assert FamilyMember.objects.get(cadre=son).relative_cadre_id is None


@pytest.mark.django_db
def test_new_record_links_rows_already_on_other_records(staff_user, son):
    FamilyMemberFactory(cadre=son, relation="父亲", name="王建国", birth_date=FATHER_BIRTH, work_unit_and_post="财政局局长")
    father = CadreFactory(name="王建国", birth_date=FATHER_BIRTH, unit=OrgUnitFactory(name="财政局"))
    family_links_refresh(actor=staff_user, cadre_ids=[father.pk])
    assert FamilyMember.objects.get(cadre=son).relative_cadre_id == father.pk


LRMX = """<?xml version="1.0" encoding="UTF-8"?>
<Person><XingMing>王小明</XingMing><XingBie>男</XingBie><ChuShengNianYue>198805</ChuShengNianYue>
<ShenFenZheng>{idn}</ShenFenZheng>
<JiaTingChengYuan><Item><ChengWei>父亲</ChengWei><XingMing>王建国</XingMing><ChuShengRiQi>196003</ChuShengRiQi>
<ZhengZhiMianMao>中共党员</ZhengZhiMianMao><GongZuoDanWeiJiZhiWu>财政局局长</GongZuoDanWeiJiZhiWu></Item></JiaTingChengYuan>
</Person>"""


@pytest.mark.django_db
def test_lrmx_import_links_the_family(staff_user, father):
    idn = make_id_number("330502", dt.date(1988, 5, 1), 7, "男")
    import_person(LRMX.format(idn=idn).encode("utf-8"), actor=staff_user, name="王小明.lrmx")
    member = FamilyMember.objects.get(cadre__id_number=idn)
    assert member.relation == "父亲" and member.relative_cadre_id == father.pk


@pytest.mark.django_db
def test_roster_import_links_family_rows_of_existing_records(staff_user, son):
    FamilyMemberFactory(cadre=son, relation="父亲", name="王建国", birth_date=FATHER_BIRTH, work_unit_and_post="财政局局长",
                        id_number=make_id_number("330502", FATHER_BIRTH, 3, "男"))
    idn = make_id_number("330502", FATHER_BIRTH, 3, "男")
    rows = [["姓名", "性别", "身份证号", "出生年月", "单位", "职务"], ["王建国", "男", idn, "1960.03", "财政局", "局长"]]
    report = import_roster(actor=staff_user, source=xlsx(rows))
    assert report.written, report.errors
    assert FamilyMember.objects.get(cadre=son).relative_cadre.id_number == idn


# ---------------------------------------------------------------------------------------------- the page
@pytest.fixture
def proposal(staff_user, father, son):
    cadre_records_save(actor=staff_user, cadre=son, family=_family(son))
    return FamilyLinkProposal.objects.get()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["leader_user", "observer_user", "judge_user", "candidate_user"])
def test_page_refused_to_everyone_but_staff(client, request, proposal, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("cadre:family-links")).status_code == 403
    response = client.post(reverse("cadre:family-link-decide", args=[proposal.pk]), {"decision": "confirm"})
    assert response.status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == "pending"


@pytest.mark.django_db
def test_staff_sees_both_persons_and_confirms(staff_client, proposal, father, son):
    page = staff_client.get(reverse("cadre:family-links")).content.decode()
    assert "王小明" in page and "王建国" in page and "1960.03" in page and "确认是同一人" in page
    assert staff_client.post(reverse("cadre:family-link-decide", args=[proposal.pk]), {}).status_code == 400
    response = staff_client.post(reverse("cadre:family-link-decide", args=[proposal.pk]), {"decision": "confirm"})
    assert response.status_code == 302
    assert FamilyMember.objects.get(cadre=son).relative_cadre_id == father.pk
    again = staff_client.post(reverse("cadre:family-link-decide", args=[proposal.pk]), {"decision": "reject"}, follow=True)
    assert "已处理" in again.content.decode()


@pytest.mark.django_db
def test_staff_rejects_with_a_reason_and_reruns_matching(staff_client, proposal):
    staff_client.post(reverse("cadre:family-link-decide", args=[proposal.pk]), {"decision": "reject", "reason": "同名"})
    proposal.refresh_from_db()
    assert proposal.status == "rejected" and proposal.reason == "同名"
    assert staff_client.post(reverse("cadre:family-links")).status_code == 302
    assert not FamilyLinkProposal.objects.filter(status="pending").exists()
    assert "同名" in staff_client.get(reverse("cadre:family-links")).content.decode()
