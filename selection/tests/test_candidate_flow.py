"""The candidate's side, true to the state: 我能报考的职位 are the posts open in campaigns now in 报名 (each with
the person's own check); a pending nomination does not stop a draft and the refusal names the way out."""
import pytest
import time_machine
from django.urls import reverse

from selection import services as S
from selection.models import Application, AppStatus, PostStatus, Source
from selection.tests import factories as F
from selection.workflow import Stage

pytestmark = pytest.mark.django_db
IN_WINDOW = "2026-07-08 10:00 +0800"


def test_posts_i_can_apply_for_are_the_open_posts_of_campaigns_in_registration(client):
    first = F.campaign(Stage.COMPLETED, posts=1, title="第一批（已完成）")
    second = F.campaign(Stage.REGISTRATION, posts=3, title="第二批")
    cancelled_post = F.posts_of(second)[2]
    cancelled_post.status = PostStatus.CANCELLED
    cancelled_post.cancel_reason = "职位调整"
    cancelled_post.save(update_fields=["status", "cancel_reason"])
    user, _cadre = F.candidate()
    client.force_login(user)
    page = client.get(reverse("selection:my-applications")).content.decode()
    assert "我能报考的职位" in page and "第二批" in page and "第一批（已完成）" not in page
    for cp in F.posts_of(second)[:2]:
        assert str(cp.post) in page
    assert str(cancelled_post.post) not in page
    assert str(F.posts_of(first)[0].post) not in page
    table = page.split('id="open-posts"')[1].split("我的报名记录")[0]
    assert table.count('<span class="badge text-bg-') == 2  # each open post with the person's own check


def test_a_pending_nomination_does_not_stop_a_draft_and_the_refusal_says_how_to_decline(client):
    c = F.campaign(Stage.REGISTRATION)
    first, second = F.posts_of(c)
    user, cadre = F.candidate()
    with time_machine.travel(IN_WINDOW, tick=False):
        S.nomination_create(actor=F.staff(), campaign_post=first, cadre=cadre, source=Source.ORG,
                            recommending_unit="经济发展局", recommending_signer="赵局长")
        client.force_login(user)
        url = reverse("selection:apply", args=[c.pk])
        form = {"campaign_post": second.pk, "achievements": "牵头完成项目审批提速。", "declaration": "on",
                "accept_adjustment": "on"}
        saved = client.post(url, {**form, "action": "draft"})
        assert saved.status_code == 302
        assert Application.objects.get(cadre=cadre, campaign_post=second).status == AppStatus.DRAFT
        refused = client.post(url, {**form, "action": "submit"}).content.decode()
        assert "您已被组织推荐竞争" in refused and "婉拒" in refused
        assert f'value="{second.pk}" selected' in refused  # the check panel reloads for the chosen post
        check = client.get(reverse("selection:eligibility-check", args=[c.pk]), {"campaign_post": second.pk})
        assert str(second.post) in check.content.decode()
