"""Browser test of the record pages: Debian chromium driven by Playwright against the live server.

Logs in through the form, filters the roster (htmx), downloads the Excel export of the filtered rows, opens a
record and its 变更记录 tab, the unit tree and the own-record page, and writes the screenshots in
docs/screenshots/ (roster.png, cadre-detail.png, units.png, my-record.png).
"""
import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from playwright.sync_api import expect

from cadre.idnumber import make_id_number
from cadre.models import AnnualAssessment, Cadre, EducationRecord, FamilyMember, OrgUnit, Post, RewardPunishment
from cadre.services import cadre_create, cadre_update
from core import roles
from tests.browser import DOWNLOAD_TIMEOUT_MS, PASSWORD, click_and_wait, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"

UNITS = [
    # name, short, kind, parent, locality, key area, order
    ("开发区党工委管委会", "管委会", "机关", None, "", "", 1),
    ("党政办公室", "党政办", "机关", "开发区党工委管委会", "", "", 10),
    ("组织人事局", "组织人事局", "机关", "开发区党工委管委会", "", "组织", 20),
    ("财政局", "财政局", "机关", "开发区党工委管委会", "", "财政", 30),
    ("经济发展局", "经发局", "机关", "开发区党工委管委会", "", "", 40),
    ("东林镇", "东林镇", "乡镇", "开发区党工委管委会", "东林镇", "", 50),
    ("东林镇社会事务办", "东林镇社事办", "机关", "东林镇", "东林镇", "", 51),
    ("西山街道", "西山街道", "街道", "开发区党工委管委会", "西山街道", "", 60),
]
POSTS = [
    # unit, title, level, headcount, key post, open for competition
    ("党政办公室", "主任", "正科级", 1, False, False),
    ("党政办公室", "副主任", "副科级", 2, False, True),
    ("组织人事局", "局长", "正科级", 1, True, False),
    ("组织人事局", "副局长", "副科级", 2, True, False),
    ("财政局", "局长", "正科级", 1, True, False),
    ("财政局", "副局长", "副科级", 2, True, True),
    ("经济发展局", "局长", "正科级", 1, False, False),
    ("经济发展局", "副局长", "副科级", 3, False, True),
    ("东林镇", "镇长", "正科级", 1, False, False),
    ("东林镇", "副镇长", "副科级", 3, False, False),
    ("西山街道", "主任", "正科级", 1, False, False),
    ("西山街道", "副主任", "副科级", 2, False, True),
]
# name, gender, birth, unit, title, level, start, education (全日制, 在职), political status, earlier post
PEOPLE = [
    ("陈晓东", "男", dt.date(1978, 3, 12), "财政局", "局长", "正科级", dt.date(2019, 6, 1), ("大学本科", "研究生"), "中共党员", ("东林镇", "副镇长", dt.date(2011, 4, 1), "副科级")),
    ("李秀英", "女", dt.date(1984, 9, 23), "财政局", "副局长", "副科级", dt.date(2020, 8, 1), ("大学本科", ""), "中共党员", ("财政局", "预算科科长", dt.date(2014, 3, 1), "四级主任科员")),
    ("王建国", "男", dt.date(1975, 11, 2), "组织人事局", "局长", "正科级", dt.date(2018, 1, 1), ("大学专科", "大学本科"), "中共党员", ("党政办公室", "副主任", dt.date(2010, 7, 1), "副科级")),
    ("张丽华", "女", dt.date(1987, 5, 6), "组织人事局", "副局长", "副科级", dt.date(2021, 9, 1), ("研究生", ""), "中共党员", ("组织人事局", "干部科科员", dt.date(2012, 8, 1), "一级科员")),
    ("刘洋", "男", dt.date(1990, 1, 15), "党政办公室", "副主任", "副科级", dt.date(2022, 3, 1), ("大学本科", ""), "中共党员", ("党政办公室", "科员", dt.date(2013, 8, 1), "一级科员")),
    ("赵敏", "女", dt.date(1992, 7, 30), "党政办公室", "科员", "一级科员", dt.date(2016, 8, 1), ("大学本科", ""), "共青团员", None),
    ("孙志强", "男", dt.date(1969, 12, 8), "东林镇", "镇长", "正科级", dt.date(2017, 5, 1), ("中专", "大学本科"), "中共党员", ("西山街道", "副主任", dt.date(2009, 2, 1), "副科级")),
    ("周婷", "女", dt.date(1986, 2, 19), "东林镇", "副镇长", "副科级", dt.date(2019, 10, 1), ("大学本科", "研究生"), "中共党员", ("东林镇社会事务办", "主任科员", dt.date(2012, 6, 1), "四级主任科员")),
    ("吴海峰", "男", dt.date(1981, 4, 4), "东林镇", "副镇长", "副科级", dt.date(2018, 12, 1), ("大学专科", "大学本科"), "中共党员", None),
    ("郑佳", "女", dt.date(1994, 10, 10), "东林镇社会事务办", "科员", "二级科员", dt.date(2019, 8, 1), ("大学本科", ""), "中共预备党员", None),
    ("钱伟", "男", dt.date(1983, 6, 1), "经济发展局", "局长", "正科级", dt.date(2021, 1, 1), ("研究生", ""), "中共党员", ("经济发展局", "副局长", dt.date(2015, 3, 1), "副科级")),
    ("何静", "女", dt.date(1989, 8, 17), "经济发展局", "副局长", "副科级", dt.date(2023, 2, 1), ("大学本科", ""), "民盟盟员", None),
    ("冯磊", "男", dt.date(1979, 9, 9), "西山街道", "主任", "正科级", dt.date(2020, 4, 1), ("大学本科", "研究生"), "中共党员", ("财政局", "副局长", dt.date(2013, 9, 1), "副科级")),
    ("蒋红梅", "女", dt.date(1974, 3, 3), "西山街道", "副主任", "副科级", dt.date(2015, 7, 1), ("高中及以下", "大学专科"), "中共党员", None),
    ("沈浩", "男", dt.date(1995, 12, 24), "西山街道", "科员", "二级科员", dt.date(2020, 8, 1), ("大学本科", ""), "群众", None),
    ("韩雪", "女", dt.date(1991, 4, 27), "财政局", "科员", "一级科员", dt.date(2015, 8, 1), ("研究生", ""), "中共党员", None),
]


def _group(user, name):
    user.groups.add(Group.objects.get_or_create(name=name)[0])


def build_sample_records():
    """A small, realistic zone: a unit tree with posts, 16 cadres with histories, a staff and a candidate user."""
    staff = User.objects.create_user("zzb_wang", password=PASSWORD, first_name="王组织")
    _group(staff, roles.STAFF)
    candidate_user = User.objects.create_user("liu_yang", password=PASSWORD, first_name="刘洋")
    _group(candidate_user, roles.CANDIDATE)

    units = {}
    for name, short, kind, parent, locality, key_area, order in UNITS:
        units[name] = OrgUnit.objects.create(
            name=name, short_name=short if short != name else "", code=f"K{order:04d}", kind=kind,
            parent=units.get(parent), locality=locality, is_key_unit=bool(key_area), key_area=key_area, order=order,
        )
    for unit, title, level, headcount, key, open_ in POSTS:
        Post.objects.create(unit=units[unit], title=title, level=level, headcount=headcount, is_key_post=key,
                            is_open_for_competition=open_, needs_local_avoidance=key, order=headcount)

    cadres = {}
    for seq, (name, gender, birth, unit, title, level, start, (full, part), political, earlier) in enumerate(PEOPLE, start=1):
        first_unit, first_title, first_start, first_level = earlier or (unit, title, start, level)
        cadre = cadre_create(
            actor=staff,
            data={
                "name": name, "gender": gender, "id_number": make_id_number("330521", birth, seq, gender),
                "birth_date": birth, "political_status": political,
                "party_join_date": dt.date(birth.year + 22, 7, 1) if "党员" in political else None,
                "work_start_date": dt.date(birth.year + 22, 8, 1), "native_place": "浙江德清",
                "birthplace": "浙江湖州", "grew_up_place": "德清县武康镇" if seq % 3 else "东林镇",
                "unit": units[first_unit], "position_title": first_title,
                "rank_level": first_level, "position_start": first_start,
                "rank_start": first_start,
                "professional_title": "经济师" if seq % 4 == 0 else "", "title_level": "中级" if seq % 4 == 0 else "",
            },
        )
        if earlier:
            cadre = cadre_update(
                actor=staff, cadre=cadre,
                data={"unit": units[unit], "position_title": title, "rank_level": level, "position_start": start, "rank_start": start},
                method="平级交流" if level == first_level else "提拔",
            )
        EducationRecord.objects.create(cadre=cadre, mode="全日制", level=full, degree="学士" if full == "大学本科" else ("硕士" if full == "研究生" else ""),
                                       school="浙江工业大学" if seq % 2 else "浙江财经大学", major="公共管理" if seq % 2 else "财政学",
                                       graduated_on=dt.date(birth.year + 22, 6, 1))
        if part:
            EducationRecord.objects.create(cadre=cadre, mode="在职", level=part, degree="公共管理硕士" if part == "研究生" else "",
                                           school="中共浙江省委党校", major="经济管理")
        for year, grade in ((2023, "称职"), (2024, "优秀" if seq % 3 == 0 else "称职"), (2025, "称职")):
            AnnualAssessment.objects.create(cadre=cadre, year=year, grade=grade)
        spouse_gender = "女" if gender == "男" else "男"
        spouse_birth = dt.date(birth.year + 1, 5, 1 + seq)
        FamilyMember.objects.create(
            cadre=cadre, relation="配偶", name=("沈" + "芳红丽敏"[seq % 4]) if spouse_gender == "女" else ("朱" + "斌军涛明"[seq % 4]),
            birth_date=spouse_birth, political_status="群众" if seq % 2 else "中共党员",
            work_unit_and_post="德清县人民医院护士" if spouse_gender == "女" else "德清县第一中学教师",
            id_number=make_id_number("330521", spouse_birth, 100 + seq, spouse_gender), order=10,
        )
        FamilyMember.objects.create(cadre=cadre, relation="父亲", name=name[0] + "国庆", birth_date=dt.date(birth.year - 27, 10, 1),
                                    political_status="中共党员", work_unit_and_post="已退休", order=20)
        cadres[name] = cadre
    RewardPunishment.objects.create(cadre=cadres["陈晓东"], kind="奖励", name="记三等功", reason="防汛抗台工作成绩突出",
                                    decided_on=dt.date(2021, 12, 1), issuer="德清县人民政府")
    RewardPunishment.objects.create(cadre=cadres["吴海峰"], kind="党纪处分", name="党内警告", reason="违反工作纪律",
                                    decided_on=dt.date(2025, 9, 1), effect_start=dt.date(2025, 9, 1),
                                    effect_end=dt.date(2026, 8, 31), issuer="开发区纪工委")
    cadre_update(actor=staff, cadre=cadres["陈晓东"], data={"health": "良好", "expertise": "财政预算管理"})
    Cadre.objects.filter(pk=cadres["刘洋"].pk).update(user=candidate_user)
    return staff, candidate_user, cadres


def _row_names(page):
    return page.locator("[data-cadre-row] td a[href*='/cadre/']").all_inner_texts()


def _xlsx_names(content: bytes) -> list[str]:
    wb = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    ws = wb["干部名册"] if "干部名册" in wb.sheetnames else wb.worksheets[0]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    header_index = next(i for i, r in enumerate(rows) if "姓名" in [str(c).strip() if c else "" for c in r])
    name_col = [str(c).strip() if c else "" for c in rows[header_index]].index("姓名")
    return [str(r[name_col]).strip() for r in rows[header_index + 1:] if r and len(r) > name_col and r[name_col]]


def test_roster_filter_export_detail_units_and_own_record(live_server, browser, tmp_path):
    staff, candidate_user, cadres = build_sample_records()
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    # log in through the form: staff land on their to-do list, the roster is one click away
    login(page, base, staff.username)
    assert page.url == f"{base}/"
    page.locator("h3:text-is('我的待办')").wait_for()
    page.goto(f"{base}/cadre/")
    expect(page.locator("[data-cadre-row]")).to_have_count(len(PEOPLE))
    page.screenshot(path=str(SHOTS / "roster.png"), full_page=True)

    # filter by gender (select → htmx swap, URL pushed) then by text
    with page.expect_response(lambda r: "/cadre/?" in r.url and r.request.headers.get("hx-request") == "true"):
        page.select_option("#id_gender", "女")
    # a locator wait, not wait_for_function: a string predicate is evaluated with eval, which the CSP refuses
    expect(page.locator("[data-cadre-row]")).to_have_count(sum(1 for p in PEOPLE if p[1] == "女"))
    assert "gender=%E5%A5%B3" in page.url
    women = {p[0] for p in PEOPLE if p[1] == "女"}
    assert set(_row_names(page)) == women

    # typing alone searches (the form's `input changed delay:500ms` trigger): no Enter as well, whose second
    # request could swap the table, export link included, while the link below is being clicked
    with page.expect_response(lambda r: "q=" in r.url and r.request.headers.get("hx-request") == "true"):
        page.fill("#id_q", "财政局")
    # leaving the box fires `change`, which searches once more: let that happen now, not while clicking export
    with page.expect_response(lambda r: "q=" in r.url and r.request.headers.get("hx-request") == "true"):
        page.locator("#id_q").blur()
    expected = {p[0] for p in PEOPLE if p[1] == "女" and p[3] == "财政局"}
    expect(page.locator("[data-cadre-row]")).to_have_count(len(expected))
    assert set(_row_names(page)) == expected == {"李秀英", "韩雪"}
    # leaders and observers see masked numbers; staff the full number
    assert cadres["李秀英"].id_number in page.inner_text("#roster-table")

    # the export button carries the same filters and returns an xlsx with exactly the filtered rows
    href = page.get_attribute("[data-roster-export]", "href")
    assert "gender=%E5%A5%B3" in href and "q=" in href
    with page.expect_download(timeout=DOWNLOAD_TIMEOUT_MS) as download_info:
        page.click("[data-roster-export]")
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    content = Path(download.path()).read_bytes()
    assert content[:2] == b"PK"
    assert set(_xlsx_names(content)) == expected

    # the record page, then its 变更记录 tab (Bootstrap tabs, no inline script)
    page.goto(f"{base}/cadre/{cadres['陈晓东'].pk}/")
    record_text = page.inner_text("#pane-record")
    assert "2011.04--2019.05  东林镇副镇长" in record_text
    assert cadres["陈晓东"].family.order_by("order").first().id_number in record_text  # staff see relatives' numbers
    page.screenshot(path=str(SHOTS / "cadre-detail.png"), full_page=True)
    page.click("#tab-history")
    page.locator("#pane-history.show").wait_for()
    history = page.inner_text("#pane-history")
    assert "王组织" in history and "良好" in history and "副镇长" in history
    page.screenshot(path=str(tmp_path / "history.png"), full_page=True)

    # the edit form: "添加一行" (static/js/app.js) adds an assessment row, which is saved
    page.click("a:has-text('修改档案')")
    page.locator("form.cadre-form").wait_for()
    rows_before = page.locator('[data-formset-body="assess"] tr[data-formset-row]').count()
    page.click('[data-formset-add="assess"]')
    assert page.locator('[data-formset-body="assess"] tr[data-formset-row]').count() == rows_before + 1
    index = rows_before  # the new row's form index
    page.fill(f"#id_assess-{index}-year", "2022")
    page.select_option(f"#id_assess-{index}-grade", "优秀")
    page.screenshot(path=str(tmp_path / "edit.png"), full_page=True)
    click_and_wait(page, "button:has-text('保存')")
    expect(page.locator("main")).to_contain_text("已保存陈晓东的干部档案")
    assert AnnualAssessment.objects.filter(cadre=cadres["陈晓东"], year=2022, grade="优秀").exists()

    page.goto(f"{base}/cadre/units/")
    assert page.locator("[data-unit-row]").count() == len(UNITS)
    page.screenshot(path=str(SHOTS / "units.png"), full_page=True)
    page.click("[data-unit-row] a:text-is('财政局')")
    page.locator("[data-post-row]").first.wait_for()
    posts_text = page.inner_text("main")
    assert "陈晓东" in posts_text and "李秀英" in posts_text and "重要岗位" in posts_text
    page.screenshot(path=str(tmp_path / "unit-detail.png"), full_page=True)

    # the candidate: own record only
    click_and_wait(page, "button:has-text('退出')")
    login(page, base, candidate_user.username)
    assert page.url == f"{base}/"
    page.goto(f"{base}/cadre/me/")
    text = page.inner_text("main")
    assert "我的档案：刘洋" in text and "变更记录" not in text
    page.screenshot(path=str(SHOTS / "my-record.png"), full_page=True)
    response = page.goto(f"{base}/cadre/{cadres['陈晓东'].pk}/")
    assert response.status == 403
    assert errors == []
    context.close()
