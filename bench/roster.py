"""Roster benchmark: import 10k rows beside its floor, export 10k/100k (time + peak RSS), the list page at 100k.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cadre_bench .venv/bin/python bench/roster.py [--quick]

It creates (and at the end drops) its own database `test_<name of DATABASE_URL's database>` with Django's test
database machinery, so the database named in DATABASE_URL itself is never touched. Each export runs in a fresh
subprocess so that its peak RSS (resource.getrusage(RUSAGE_SELF).ru_maxrss) is its own.
The import's floor is measured in the same run, on the same file: read every cell with python-calamine and COPY
the rows as text into an unindexed staging table (no checks, no history, no indexes).
Targets (issue #19): import 10k new rows ≤ 3 s and ≤ 5× the floor; re-import of the unchanged file ≤ 1.5 s;
export 100k ≤ 30 s and RSS growth 10k→100k < 50 MB; list page p95 < 150 ms, ≤ 10 queries.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ.setdefault("LOG_LEVEL", "WARNING")

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤欧阳"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏飞斌波辉建国文宇浩然婷雪梅琳晨阳东海峰志宏"
UNITS = (
    [f"区{n}局" for n in "发改 财政 人社 教育 卫健 民政 司法 审计 统计 商务 文旅 农业 水利 交通 住建 应急 市场 医保 城管 科技".split()]
    + [f"{n}镇" for n in "东林 南浔 双林 练市 菱湖 和孚 千金 石淙 善琏 旧馆".split()]
    + [f"{n}街道" for n in "凤凰 龙泉 月河 仁皇山 康山 滨湖".split()]
    + ["区委组织部", "区委宣传部", "区委办公室", "区政府办公室", "区纪委监委"]
)
RANKS = ["正科级", "副科级", "一级主任科员", "二级主任科员", "三级主任科员", "四级主任科员", "一级科员", "二级科员"]
TITLES = {"正科级": "局长", "副科级": "副局长"}
HEADER = [
    "序号", "姓名", "性别", "身份证号", "出生年月", "民族", "籍贯", "参加工作时间", "政治面貌", "入党时间", "编制类型", "单位",
    "职务", "职务层次", "任现职时间", "任现职级时间", "全日制学历", "全日制学位", "全日制院校及专业", "在职学历",
    "2023年度考核", "2024年度考核", "2025年度考核", "健康状况", "备注",
]


def test_db_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/test_" + parts.path.lstrip("/")))


def person(i: int, rnd: random.Random) -> dict:
    from cadre.idnumber import make_id_number

    gender = "男" if rnd.random() < 0.6 else "女"
    birth = dt.date(1965, 1, 1) + dt.timedelta(days=(i * 7919) % (35 * 365))
    area = f"3305{(i // 500) % 100:02d}"
    rank = rnd.choice(RANKS)
    return {
        "name": rnd.choice(SURNAMES) + "".join(rnd.choice(GIVEN) for _ in range(rnd.choice((1, 2)))),
        "gender": gender,
        "id_number": make_id_number(area, birth, i % 500, gender),
        "birth": birth,
        "unit": UNITS[i % len(UNITS)],
        "rank": rank,
        "title": TITLES.get(rank, "科员"),
        "start": dt.date(2010 + i % 15, 1 + i % 12, 1 if i % 3 else 15),
    }


def roster_row(i: int, p: dict) -> list:
    return [
        i + 1, p["name"], p["gender"], p["id_number"], f"{p['birth']:%Y.%m}", "汉族", "浙江湖州",
        f"{p['birth'].year + 22}.08", "中共党员", f"{p['birth'].year + 21}.06", "公务员", p["unit"], p["title"], p["rank"],
        f"{p['start']:%Y.%m}" if p["start"].day == 1 else f"{p['start']:%Y.%m.%d}", f"{p['start']:%Y.%m}",
        "大学本科", "学士", "浙江大学 经济学", "", "称职", "优秀" if i % 7 == 0 else "称职", "称职", "健康", "",
    ]


def build_xlsx(path: Path, start: int, count: int, seed: int = 1):
    from openpyxl import Workbook

    rnd = random.Random(seed)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("干部名册")
    ws.append(["基准测试干部花名册"])
    ws.append(HEADER)
    for i in range(start, start + count):
        ws.append(roster_row(i, person(i, rnd)))
    wb.save(path)


def bulk_fill(start: int, count: int):
    """Insert cadres straight into the tables (for the 100k export/list measurements), 5000 at a time."""
    from django.db import transaction

    from cadre.models import AnnualAssessment, Cadre, EducationRecord, OrgUnit

    units = dict(OrgUnit.objects.values_list("name", "id"))
    unit_orders = dict(OrgUnit.objects.values_list("id", "order"))
    rnd = random.Random(start)
    for base in range(start, start + count, 5000):
        cadres = []
        for i in range(base, min(base + 5000, start + count)):
            p = person(i, rnd)
            c = Cadre(
                name=p["name"], gender=p["gender"], id_number=p["id_number"], birth_date=p["birth"],
                unit_id=units.get(p["unit"]), position_title=p["title"], rank_level=p["rank"],
                position_start=p["start"], rank_start=p["start"].replace(day=1), native_place="浙江湖州",
                work_start_date=dt.date(p["birth"].year + 22, 8, 1),
            )
            c.fill_sort_keys()
            c.unit_order = unit_orders.get(c.unit_id)
            cadres.append(c)
        with transaction.atomic():
            Cadre.objects.bulk_create(cadres, batch_size=5000)
            EducationRecord.objects.bulk_create(
                [EducationRecord(cadre=c, mode="全日制", level="大学本科", school="浙江大学", major="经济学") for c in cadres],
                batch_size=5000,
            )
            AnnualAssessment.objects.bulk_create(
                [AnnualAssessment(cadre=c, year=y, grade="称职") for c in cadres for y in (2023, 2024, 2025)],
                batch_size=5000,
            )


def child_export(limit: int, sort: str):
    """Runs in a fresh process: export `limit` cadres, print time and peak RSS as JSON."""
    import django

    django.setup()
    from cadre.models import Cadre
    from cadre.roster import write_roster

    ids = Cadre.objects.order_by("id").values_list("id", flat=True)
    last = ids[limit - 1]
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "export.xlsx"
        t0 = time.perf_counter()
        rows = write_roster(Cadre.objects.filter(id__lte=last), out, sort=sort)
        seconds = time.perf_counter() - t0
        size = out.stat().st_size
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    hwm = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
    print(json.dumps({"rows": rows, "seconds": seconds, "rss_kb": rss, "rss_before_kb": rss_before, "hwm_kb": hwm, "bytes": size}))


def launcher():
    """A small process started before Django is set up: it starts the export children for the parent.

    ru_maxrss survives fork+exec (the kernel carries the pre-exec high-water mark over), so children started
    from the big parent would all report the parent's peak; started from here they start from ~10 MB.
    """
    for line in sys.stdin:
        job = json.loads(line)
        out = subprocess.run(job["argv"], env=job["env"], capture_output=True, text=True, cwd=ROOT)
        result = out.stdout.strip().splitlines()[-1] if out.returncode == 0 else json.dumps({"error": out.stderr[-2000:]})
        sys.stdout.write(result + "\n")
        sys.stdout.flush()


LAUNCHER = None


def run_child(limit: int, sort: str, env: dict) -> dict:
    LAUNCHER.stdin.write(json.dumps({"argv": [sys.executable, __file__, "--child-export", str(limit), "--sort", sort], "env": env}) + "\n")
    LAUNCHER.stdin.flush()
    result = json.loads(LAUNCHER.stdout.readline())
    if "error" in result:
        raise RuntimeError(result["error"])
    return result


def read_copy_floor(path: Path) -> tuple[int, float, float]:
    """The floor of an import: every cell read by python-calamine, the rows COPYed as text into a temporary
    staging table (no checks, no indexes, no history). Returns (rows, read seconds, total seconds)."""
    import io

    from django.db import connection, transaction
    from python_calamine import CalamineWorkbook

    t0 = time.perf_counter()
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("干部名册").to_python(skip_empty_area=False)
    t_read = time.perf_counter() - t0
    width = max(len(r) for r in rows)

    def text(value) -> str:
        if value == "" or value is None:
            return "\\N"
        return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")

    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(text(v) for v in row) + "\n")
    buffer.seek(0)
    with transaction.atomic(), connection.cursor() as cursor:
        columns = ", ".join(f"c{i} text" for i in range(width))
        cursor.execute(f"CREATE TEMP TABLE roster_floor ({columns}) ON COMMIT DROP")
        cursor.cursor.copy_expert("COPY roster_floor FROM STDIN", buffer)
    return len(rows), t_read, time.perf_counter() - t0


def command_import(path: Path, env: dict) -> float:
    """Wall time of `manage.py import_roster FILE` in a fresh process (Django's start-up included)."""
    t0 = time.perf_counter()
    out = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "import_roster", str(path)], env=env, capture_output=True, text=True, cwd=ROOT
    )
    seconds = time.perf_counter() - t0
    if out.returncode != 0:
        raise RuntimeError(out.stdout[-2000:] + out.stderr[-2000:])
    return seconds


def per_row_import(rows_file: Path, actor) -> tuple[int, float]:
    """Baseline: the same rows through the per-record services (cadre_create → save + sync_current_position)."""
    from django.db import transaction

    from cadre.models import AnnualAssessment, EducationRecord, OrgUnit
    from cadre.roster import read_roster
    from cadre.services import cadre_create

    parsed = read_roster(str(rows_file))
    units = dict(OrgUnit.objects.values_list("name", "id"))
    t0 = time.perf_counter()
    with transaction.atomic():
        for row in parsed.rows:
            data = dict(row.values)
            data["unit_id"] = units.get(data.pop("unit"))
            cadre = cadre_create(actor=actor, data=data)
            for mode, edu in row.educations.items():
                EducationRecord.objects.create(cadre=cadre, mode=mode, **edu)
            for year, grade in row.assessments.items():
                AnnualAssessment.objects.create(cadre=cadre, year=year, grade=grade)
    return len(parsed.rows), time.perf_counter() - t0


def list_page(staff, samples: int) -> list[tuple[str, float, float, int]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from cadre.models import OrgUnit

    client = Client()
    client.force_login(staff)
    probe = client.get("/cadre/")
    if probe.status_code != 200:
        return [("/cadre/", float("nan"), float("nan"), probe.status_code)]
    unit = OrgUnit.objects.get(name="东林镇")
    cases = [
        "/cadre/",
        "/cadre/?sort=strokes",
        "/cadre/?sort=pinyin&page=200",
        f"/cadre/?unit={unit.pk}&sort=position",
        "/cadre/?q=王&rank_level=副科级",
        "/cadre/?political_status=中共党员&education=大学本科&page=50",
        "/cadre/?age_band=41-45&sort=age",
    ]
    results = []
    for url in cases:
        times = []
        for _ in range(samples):
            t0 = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        times.sort()
        p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
        results.append((url, statistics.median(times), p95, len(ctx)))
    return results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--child-export", type=int)
    parser.add_argument("--sort", default="position")
    parser.add_argument("--quick", action="store_true", help="smaller sizes (2k/20k) for a smoke run")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    parser.add_argument("--import-only", action="store_true", help="measure the import and its floor only (no 100k fill, export or list page)")
    parser.add_argument("--launcher", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.launcher:
        launcher()
        return
    if args.child_export:
        child_export(args.child_export, args.sort)
        return
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("set DATABASE_URL to a PostgreSQL database of your own, e.g. postgres://postgres@127.0.0.1:5432/cadre_bench")
    small, big = (2000, 20000) if args.quick else (10000, 100000)
    global LAUNCHER
    LAUNCHER = subprocess.Popen(
        [sys.executable, __file__, "--launcher"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT
    )

    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.db import connection

    from cadre.roster import import_roster
    from core import roles

    print(f"creating database test_{connection.settings_dict['NAME']} …", flush=True)
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    child_env = {**os.environ, "DATABASE_URL": test_db_url(url), "LOG_LEVEL": "WARNING"}
    try:
        staff = User.objects.create_user("bench_staff", password="bench-pass-123")
        staff.groups.add(Group.objects.get_or_create(name=roles.STAFF)[0])
        tmp = Path(tempfile.mkdtemp())
        roster = tmp / "roster.xlsx"
        t0 = time.perf_counter()
        build_xlsx(roster, 0, small)
        print(f"built {small}-row xlsx in {time.perf_counter() - t0:.1f} s ({roster.stat().st_size / 1e6:.1f} MB)")

        floors = [read_copy_floor(roster) for _ in range(3)]  # the first also warms the file cache
        floor_rows, t_floor_read, t_floor = min(floors, key=lambda f: f[2])
        t0 = time.perf_counter()
        report = import_roster(actor=staff, source=str(roster))
        t_import = time.perf_counter() - t0
        assert report.ok and report.created == small, report.errors[:3]
        t_floor_after = read_copy_floor(roster)[2]
        t0 = time.perf_counter()
        report = import_roster(actor=staff, source=str(roster))
        t_again = time.perf_counter() - t0
        assert report.unchanged == small
        t0 = time.perf_counter()
        report = import_roster(actor=staff, source=str(roster), dry_run=True)
        t_dry = time.perf_counter() - t0

        baseline_rows = 300
        baseline = tmp / "baseline.xlsx"
        build_xlsx(baseline, big + 50000, baseline_rows, seed=7)
        n, t_rowwise = per_row_import(baseline, staff)
        per_row_10k = t_rowwise / n * small
        second = tmp / "roster_more.xlsx"
        build_xlsx(second, big + 100000, small, seed=3)  # other people: all new again
        t_command = command_import(second, child_env)
        floor_best = min(t_floor, t_floor_after)
        print()
        print(f"IMPORT ({connection.vendor}; load average {os.getloadavg()[0]:.1f})")
        print(f"  floor: read (python-calamine) + COPY of {floor_rows} rows {floor_best:7.2f} s   (read alone {t_floor_read:.2f} s;"
              f" before/after the import {t_floor:.2f}/{t_floor_after:.2f} s)")
        print(f"  {small} rows, all new, import_roster()     {t_import:7.2f} s   = {t_import / floor_best:4.1f}× floor"
              f"   (targets ≤ 3 s and ≤ 5× floor)")
        print(f"  {small} rows, re-import, all unchanged     {t_again:7.2f} s   = {t_again / floor_best:4.1f}× floor   (target ≤ 1.5 s)")
        print(f"  {small} rows, preview (dry run)            {t_dry:7.2f} s")
        print(f"  {small} other rows, all new, `manage.py import_roster` wall {t_command:5.2f} s (Django's start-up included)")
        print(f"  per-row services baseline: {n} rows in {t_rowwise:.2f} s → {per_row_10k:.1f} s per {small} rows")
        print(f"  ratio per-row / set-based                   {per_row_10k / t_import:7.1f} ×")

        if args.import_only:
            return
        t0 = time.perf_counter()
        from cadre.models import Cadre

        bulk_fill(small + 1000, big - Cadre.objects.count())
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # fresh statistics and visibility map, as autovacuum would leave them
        print(f"\nfilled the database to {Cadre.objects.count()} cadres in {time.perf_counter() - t0:.1f} s")
        connection.close()

        print("\nEXPORT (fresh subprocess each; ru_maxrss)")
        exports = {}
        for limit in (small, big):
            exports[limit] = run_child(limit, "position", child_env)
            e = exports[limit]
            print(
                f"  {e['rows']:>6} rows  {e['seconds']:6.2f} s   peak RSS {e['rss_kb'] / 1024:6.1f} MB"
                f"  (after setup {e['rss_before_kb'] / 1024:5.1f} MB, VmHWM {e['hwm_kb'] / 1024:5.1f} MB)"
                f"   {e['bytes'] / 1e6:5.1f} MB file"
            )
        growth = (exports[big]["rss_kb"] - exports[small]["rss_kb"]) / 1024
        print(f"  RSS growth {small}→{big}: {growth:.1f} MB (target < 50 MB);  time ratio "
              f"{exports[big]['seconds'] / exports[small]['seconds']:.1f}× for {big // small}× rows (target {big} ≤ 30 s)")
        strokes = run_child(big, "strokes", child_env)
        print(f"  {strokes['rows']:>6} rows by 姓氏笔画 {strokes['seconds']:6.2f} s   peak RSS {strokes['rss_kb'] / 1024:6.1f} MB")

        print(f"\nLIST PAGE /cadre/ at {Cadre.objects.count()} cadres (django.test.Client, staff)")
        for url_, median, p95, queries in list_page(staff, samples=20):
            if median != median:  # nan: the page is not there
                print(f"  {url_}: HTTP {queries} — the list page is not available, not measured")
                continue
            print(f"  median {median:6.1f} ms  p95 {p95:6.1f} ms  queries {queries:2d}   {url_}")
        print("  (targets: p95 < 150 ms, ≤ 10 queries)")
    finally:
        LAUNCHER.stdin.close()
        LAUNCHER.wait()
        connection.close()
        if args.keep:
            print(f"kept database {connection.settings_dict['NAME']}")
        else:
            connection.creation.destroy_test_db(old_name, verbosity=0)
            print("dropped the benchmark database")


if __name__ == "__main__":
    main()
