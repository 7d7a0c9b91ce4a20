"""批准文号 and 聘任文件文号 are suggested by the numbering rule 机关代字〔年份〕序号号, never typed from blank."""
import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from selection.rules import next_document_number
from selection.tests import factories as f
from selection.workflow import Stage


def test_next_number_follows_the_highest_of_the_year_under_the_latest_prefix():
    used = ["青开组〔2026〕7号", "青开组〔2026〕12号", "青开组〔2025〕40号", "手写的文号"]
    assert next_document_number(used, year=2026, prefix="默认") == "青开组〔2026〕13号"
    assert next_document_number([], year=2026, prefix="青开组") == "青开组〔2026〕1号"
    assert next_document_number(["青开组[2026]3号"], year=2026, prefix="x") == "青开组〔2026〕4号"
    assert next_document_number(["青开组〔2025〕9号"], year=2026, prefix="x") == "青开组〔2026〕1号"


@given(st.lists(st.integers(min_value=1, max_value=999), max_size=20))
def test_the_suggestion_is_never_a_number_already_used(numbers):
    used = [f"青开组〔2026〕{n}号" for n in numbers]
    assert next_document_number(used, year=2026, prefix="青开组") not in used


@pytest.mark.django_db
def test_the_leader_inbox_and_the_campaign_page_offer_the_next_number(client):
    with time_machine.travel(dt.datetime(2026, 8, 3, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False):
        f.campaign(Stage.POSTING, plan_document_no="青开组〔2026〕5号")
        c = f.campaign(Stage.PLAN_APPROVAL, plan_document_no="")
        client.force_login(f.leader())
        inbox = client.get(reverse("selection:leader-inbox")).content.decode()
        page = client.get(reverse("selection:campaign", args=[c.pk])).content.decode()
    assert 'value="青开组〔2026〕6号"' in inbox
    assert 'value="青开组〔2026〕6号"' in page
