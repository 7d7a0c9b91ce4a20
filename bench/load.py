"""Mixed load against a real gunicorn server on 127.0.0.1: roster pages, eligibility checks and ballots.

    .venv/bin/python bench/load.py [--seconds 30] [--clients 12] [--size 2000] [--workers N] [--threads 1] [--sqlite] [--from-db NAME]

What it does, bounded in time and size (only 127.0.0.1; its own database, dropped at the end):
1. creates a PostgreSQL database `cadre_load_bench` (or, with --sqlite or when PostgreSQL is not reachable, a
   temporary SQLite file), migrates it and loads `seed_demo --size N` (units, posts, N cadres, demo users);
2. opens a 民主测评 session on 5 cadres and issues one-time codes (enough for every ballot the run can send);
3. starts gunicorn as docker-compose does (config/gunicorn.py: sync workers, two per core plus one, the app preloaded; Redis as the cache when a Redis
   answers on 127.0.0.1:6379 — its database 15, flushed — else each worker's own locmem cache) on a free port
   with a throw-away settings module (DEBUG off, ballot throttle off, axes off — every client comes from
   127.0.0.1) and waits until it answers; then opens the "who qualifies" page of each open post once (the cold
   screens, timed and printed: later requests read the cached screen until a write changes the roster);
4. --clients threads, each with a keep-alive connection and a staff session, loop for --seconds picking a
   request kind by weight:
     roster      40 %  GET /cadre/ with a random page, sort, filter or name search
     explain     25 %  GET /api/eligibility/explain/?cadre=…&post=… (one person against one post)
     post-screen  5 %  GET /eligibility/posts/<id>/ (one open post against everybody, a random page or filter)
     ballot      30 %  POST /api/ballots/ with an unused one-time code (anonymous)
5. stops the server and checks the ballots: stored == accepted (no loss), no code used twice.
Prints, per kind and overall: requests, throughput (requests/s), p50/p95/p99 latency, errors (unexpected
status or connection failure), each kind's p95 against its target (issue #19: roster ≤ 200 ms, post-screen
≤ 300 ms, ballot ≤ 100 ms), the load average, and one JSON line.
"""
from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
HOST = "127.0.0.1"
PG = "postgres://postgres@127.0.0.1:5432"
KINDS = (("roster", 40), ("explain", 25), ("post-screen", 5), ("ballot", 30))
EXPECTED = {"roster": {200}, "explain": {200}, "post-screen": {200}, "ballot": {201}}
TARGET_P95_MS = {"roster": 200, "post-screen": 300, "ballot": 100}
REDIS_DB = "redis://127.0.0.1:6379/15"


def percentile(values, p):
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def pg_available() -> bool:
    return subprocess.run(["pg_isready", "-h", HOST, "-q"], check=False).returncode == 0


def psql(sql: str):
    subprocess.run(["psql", "-h", HOST, "-U", "postgres", "-d", "postgres", "-qAtc", sql], check=True)


def seed_with_factories(size: int) -> None:
    from django.db import transaction

    import datetime as dt

    from cadre.idnumber import make_id_number
    from cadre.tests.factories import CadreFactory, OrgUnitFactory, PostFactory

    with transaction.atomic():
        units = [OrgUnitFactory(name=f"单位{i:02d}") for i in range(20)]
        for unit in units:
            for title, level in (("局长", "正科级"), ("副局长", "副科级"), ("科长", "四级主任科员")):
                PostFactory(unit=unit, title=title, level=level, is_open_for_competition=True)
        for i in range(size):
            birth = dt.date(1965 + i % 35, 1 + i % 12, 1 + i % 28)
            gender = "男" if i % 3 else "女"
            CadreFactory(unit=units[i % len(units)], birth_date=birth, gender=gender,
                         id_number=make_id_number("330502", birth, i % 499 + 1, gender))


def setup_data(size: int, n_codes: int, seed: bool = True) -> dict:
    """In this process, Django configured for the bench database: migrate, seed (unless it was copied from a
    seeded one), session, codes, login cookie."""
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.db import connections
    from django.test import Client

    from assessment import services
    from cadre.models import Cadre, Post
    from core import roles

    call_command("migrate", verbosity=0, interactive=False)
    try:
        if seed:
            call_command("seed_demo", size=size, verbosity=0)
    except Exception as exc:  # keep measuring when the demo loader is broken, but say so
        print(f"WARNING: seed_demo failed ({type(exc).__name__}: {str(exc).splitlines()[0][:120]}); "
              f"loading {size} cadres with the test factories instead")
        call_command("flush", interactive=False, verbosity=0)  # what the failed loader left behind
        seed_with_factories(size)
    if connections["default"].vendor == "postgresql":
        with connections["default"].cursor() as cursor:
            # the state autovacuum leaves after a bulk load (PostgreSQL 13+ vacuums insert-only tables too):
            # statistics, the visibility map, and the GIN indexes' pending lists merged (a name search scanned
            # 160 pending pages, 6 ms, before)
            cursor.execute("VACUUM ANALYZE")
    staff = User.objects.create_user("load-staff", password="load-pass-123")
    staff.groups.add(Group.objects.get_or_create(name=roles.STAFF)[0])
    cadre_ids = list(Cadre.objects.values_list("pk", flat=True))
    post_ids = list(Post.objects.filter(is_active=True).values_list("pk", flat=True))
    open_ids = list(Post.objects.filter(is_active=True, is_open_for_competition=True).values_list("pk", flat=True)) or post_ids[:13]
    rnd = random.Random(5)
    targets = list(Cadre.objects.filter(pk__in=rnd.sample(cadre_ids, 5)))
    session = services.ballot_session_create(
        actor=staff, title="负载测试民主测评", option_set="评价", targets=targets,
        groups=[{"name": "中层干部", "weight": 100}],
    )
    codes = []
    while len(codes) < n_codes:  # at most 2000 per issue
        codes += services.codes_issue(actor=staff, session=session, group=session.groups.get(), count=min(2000, n_codes - len(codes)))
    services.session_open(actor=staff, session=session)
    client = Client()
    client.force_login(staff)
    data = {
        "cookie": f"sessionid={client.cookies['sessionid'].value}",
        "cadre_ids": cadre_ids, "post_ids": post_ids, "open_ids": open_ids, "codes": codes,
        "public_id": str(session.public_id),
        "target_ids": list(session.targets.order_by("order").values_list("id", flat=True)),
        "units": list(Cadre.objects.exclude(unit=None).values_list("unit_id", flat=True).distinct()[:50]),
        "names": list(Cadre.objects.values_list("name", flat=True)[:200]),
    }
    connections.close_all()
    return data


def redis_available() -> bool:
    try:
        with socket.create_connection((HOST, 6379), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def redis_flush_db15() -> None:
    with socket.create_connection((HOST, 6379), timeout=2) as s:
        s.sendall(b"SELECT 15\r\nFLUSHDB\r\n")
        time.sleep(0.1)
        s.recv(64)


def start_server(port: int, workers: int, threads: int, env: dict) -> subprocess.Popen:
    """gunicorn as docker/start-web.sh starts it (its config module; sync workers unless threads > 1)."""
    cmd = [str(ROOT / ".venv/bin/gunicorn"), "config.wsgi:application", "--config", "python:config.gunicorn",
           "--bind", f"{HOST}:{port}", "--log-level", "warning", "--timeout", "120"]
    if workers:  # else config/gunicorn.py's own number (GUNICORN_WORKERS, or two per core plus one)
        cmd += ["--workers", str(workers)]
    if threads > 1:
        cmd += ["--worker-class", "gthread", "--threads", str(threads), "--keep-alive", "30"]
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)


def wait_ready(port: int, deadline: float):
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/accounts/login/")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("server did not start in time")


def run(port: int, data: dict, clients: int, seconds: float) -> tuple[list, float]:
    codes = list(data["codes"])
    codes_lock = threading.Lock()
    results = []  # (kind, status, seconds, code or "")
    results_lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    names, weights = zip(*KINDS)
    sorts = ["", "position", "strokes", "pinyin"]
    choices = ["优秀", "称职", "基本称职", "不称职"]

    def request(kind, rnd):
        if kind == "roster":
            params = [f"page={rnd.randint(1, 5)}"]
            pick = rnd.random()
            if pick < 0.3:
                params.append(f"sort={rnd.choice(sorts)}")
            elif pick < 0.6 and data["units"]:
                params.append(f"unit={rnd.choice(data['units'])}")
            elif pick < 0.8 and data["names"]:
                params.append(f"q={quote(rnd.choice(data['names'])[:2])}")
            return "GET", "/cadre/?" + "&".join(params), None, {"Cookie": data["cookie"]}, ""
        if kind == "explain":
            url = f"/api/eligibility/explain/?cadre={rnd.choice(data['cadre_ids'])}&post={rnd.choice(data['post_ids'])}"
            return "GET", url, None, {"Cookie": data["cookie"], "Accept": "application/json"}, ""
        if kind == "post-screen":
            extra = rnd.choice(["", "&page=2", "&result=符合", "&appointment=转任", "&page=3"])
            url = f"/eligibility/posts/{rnd.choice(data['open_ids'])}/?as_of={data['as_of']}{extra}"
            return "GET", quote(url, safe="/?=&"), None, {"Cookie": data["cookie"]}, ""
        with codes_lock:
            code = codes.pop() if codes else ""
        body = json.dumps({"session": data["public_id"], "code": code,
                           "marks": {str(t): {"choice": rnd.choice(choices)} for t in data["target_ids"]}})
        return "POST", "/api/ballots/", body, {"Content-Type": "application/json"}, code

    def client(seed):
        rnd = random.Random(seed)
        conn = http.client.HTTPConnection(HOST, port, timeout=120)
        local = []
        while time.monotonic() < stop_at:
            kind = rnd.choices(names, weights)[0]
            method, url, body, headers, code = request(kind, rnd)
            if kind == "ballot" and not code:
                continue
            t0 = time.perf_counter()
            try:
                conn.request(method, url, body, headers)
                resp = conn.getresponse()
                resp.read()
                status = resp.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=120)
                status = -1
            if resp_closes(conn):
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=120)
            local.append((kind, status, time.perf_counter() - t0, code))
        conn.close()
        with results_lock:
            results.extend(local)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 120)
    return results, time.perf_counter() - t0


def resp_closes(conn) -> bool:
    """A sync gunicorn worker closes the connection after each response: open a new one next time."""
    return conn.sock is None


def warm_up(port: int, data: dict) -> list[float]:
    """Each open post's "who qualifies" page once, in turn: the cold screens (computed, then cached)."""
    out = []
    for pid in data["open_ids"]:
        conn = http.client.HTTPConnection(HOST, port, timeout=300)
        t0 = time.perf_counter()
        conn.request("GET", f"/eligibility/posts/{pid}/?as_of={data['as_of']}", headers={"Cookie": data["cookie"]})
        resp = conn.getresponse()
        resp.read()
        out.append(time.perf_counter() - t0)
        conn.close()
        if resp.status != 200:
            raise SystemExit(f"warm-up: post {pid} answered {resp.status}")
    return out


def summarize(results, wall) -> dict:
    report = {}
    for kind, _w in KINDS + (("all", 0),):
        rows = [r for r in results if kind == "all" or r[0] == kind]
        lat = [r[2] for r in rows]
        errors = [r for r in rows if r[1] not in EXPECTED.get(r[0], set())]
        statuses: dict[int, int] = {}
        for r in rows:
            statuses[r[1]] = statuses.get(r[1], 0) + 1
        report[kind] = {
            "requests": len(rows), "per_s": round(len(rows) / wall, 1) if wall else 0,
            "p50_ms": round(percentile(lat, 50) * 1000, 1), "p95_ms": round(percentile(lat, 95) * 1000, 1),
            "p99_ms": round(percentile(lat, 99) * 1000, 1), "errors": len(errors),
            "statuses": dict(sorted(statuses.items())),
        }
    return report


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--clients", type=int, default=12)
    ap.add_argument("--size", type=int, default=2000, help="cadres loaded by seed_demo")
    ap.add_argument("--workers", type=int, default=0, help="gunicorn workers (default: config/gunicorn.py's, "
                    "GUNICORN_WORKERS or two per core plus one)")
    ap.add_argument("--threads", type=int, default=1, help="> 1: gthread workers with this many threads")
    ap.add_argument("--no-redis", action="store_true", help="locmem cache per worker even when Redis answers")
    ap.add_argument("--sqlite", action="store_true", help="a temporary SQLite file instead of PostgreSQL")
    ap.add_argument("--db", default="cadre_load_bench")
    ap.add_argument("--from-db", default="", help="copy this already seeded PostgreSQL database (CREATE DATABASE … "
                    "TEMPLATE) instead of seeding; --size is then what it holds")
    args = ap.parse_args()
    if not (1 <= args.clients <= 64 and 1 <= args.seconds <= 600 and 100 <= args.size <= 100000):
        raise SystemExit("bounds: 1–64 clients, 1–600 s, 100–100000 cadres")

    tmp = tempfile.mkdtemp(prefix="load-bench-")
    use_pg = not args.sqlite and pg_available()
    if use_pg:
        db_url = f"{PG}/{args.db}"
        psql(f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)')
        psql(f'CREATE DATABASE "{args.db}"' + (f' TEMPLATE "{args.from_db}"' if args.from_db else ""))
    else:
        db_url = f"sqlite:///{tmp}/load.sqlite3"
    Path(tmp, "load_bench_settings.py").write_text(textwrap.dedent("""
        from config.settings.base import *  # noqa
        DEBUG = False
        ALLOWED_HOSTS = ["127.0.0.1"]
        ASSESSMENT_BALLOT_RATE = None  # every evaluator comes from 127.0.0.1 here
        AXES_ENABLED = False
        DATABASES["default"]["CONN_MAX_AGE"] = 60
        CELERY_TASK_ALWAYS_EAGER = True
    """))
    use_redis = not args.no_redis and redis_available()
    if use_redis:
        redis_flush_db15()
    env = {**os.environ, "DATABASE_URL": db_url, "DJANGO_SETTINGS_MODULE": "load_bench_settings",
           "PYTHONPATH": f"{tmp}:{ROOT}", "LOG_LEVEL": "WARNING", "DJANGO_DEBUG": "false",
           "REDIS_URL": REDIS_DB if use_redis else ""}
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "LOG_LEVEL", "DJANGO_DEBUG", "REDIS_URL")})
    sys.path.insert(0, tmp)
    server = None
    try:
        t0 = time.perf_counter()
        # at most ~400 ballots/s could be sent: issue enough codes that the ballots never run out
        data = setup_data(args.size, n_codes=int(min(20000, 150 * args.seconds)), seed=not (use_pg and args.from_db))
        data["as_of"] = dt.date.today().isoformat()
        print(f"setup ({'PostgreSQL' if use_pg else 'SQLite'}): {len(data['cadre_ids'])} cadres, {len(data['post_ids'])} posts, "
              f"{len(data['codes'])} codes in {time.perf_counter() - t0:.1f} s")
        port = free_port()
        server = start_server(port, args.workers, args.threads, env)
        wait_ready(port, time.monotonic() + 60)
        cold = warm_up(port, data)
        print(f"cold 'who qualifies' screens ({len(cold)} open posts, cache {'Redis' if use_redis else 'locmem per worker'}): "
              f"median {sorted(cold)[len(cold) // 2] * 1000:.0f} ms, max {max(cold) * 1000:.0f} ms")
        results, wall = run(port, data, args.clients, args.seconds)
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
            err = server.stderr.read().decode(errors="replace") if server.stderr else ""
            if err.strip():
                print("server stderr (tail):", err.strip()[-800:])

    from django.db import connection

    from assessment.models import Ballot, BallotCode, CodeStatus, PendingBallot

    connection.close()
    accepted = [r[3] for r in results if r[0] == "ballot" and r[1] == 201]
    # only this run's session: the demo data (seed_demo's finished campaign) holds ballots of its own
    # an open session keeps its returned ballots sealed in the pool (PendingBallot) until close
    stored = (Ballot.objects.filter(session__public_id=data["public_id"]).count()
              + PendingBallot.objects.filter(session__public_id=data["public_id"]).count())
    used = BallotCode.objects.filter(session__public_id=data["public_id"], status=CodeStatus.USED).count()
    report = summarize(results, wall)
    report["_meta"] = {"clients": args.clients, "workers": args.workers or "config (GUNICORN_WORKERS or 2 × cores + 1)", "threads": args.threads, "seconds": round(wall, 1),
                       "cache": "redis" if use_redis else "locmem", "cold_screen_ms": [round(x * 1000) for x in cold],
                       "database": "postgresql" if use_pg else "sqlite", "cadres": len(data["cadre_ids"]),
                       "ballots_accepted": len(accepted), "ballots_stored": stored, "codes_used": used,
                       "ballots_lost": max(0, len(accepted) - stored), "codes_twice": len(accepted) - len(set(accepted)),
                       "load_average": os.getloadavg()}
    connection.close()
    if use_pg:
        psql(f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)')
    print(f"{'kind':<12}{'requests':>9}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}  statuses")
    for kind, row in report.items():
        if kind.startswith("_"):
            continue
        print(f"{kind:<12}{row['requests']:>9}{row['per_s']:>8}{row['p50_ms']:>9}{row['p95_ms']:>9}{row['p99_ms']:>9}"
              f"{row['errors']:>8}  {row['statuses']}")
    meta = report["_meta"]
    for kind, target in TARGET_P95_MS.items():
        p95 = report[kind]["p95_ms"]
        print(f"target {kind}: p95 {p95} ms vs ≤ {target} ms: {'met' if p95 <= target else 'MISSED'}")
    print(f"errors: {report['all']['errors']} (target 0); throughput {report['all']['per_s']} req/s")
    print(f"ballots: accepted {meta['ballots_accepted']}, stored {meta['ballots_stored']}, lost {meta['ballots_lost']}, "
          f"codes used twice {meta['codes_twice']}; load average {meta['load_average']}")
    print(json.dumps(report, ensure_ascii=False))
    ok = report["all"]["errors"] == 0 and meta["ballots_lost"] == 0 and meta["codes_twice"] == 0 and stored == used
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
