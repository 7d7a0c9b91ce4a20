"""Ballot benchmark: N concurrent HTTP clients submit ballots to a real gunicorn server on PostgreSQL.

    .venv/bin/python bench/ballots.py [--clients 16] [--ballots 3000] [--duplicates 300] [--workers 3] [--threads 4]

What it does, bounded in count and time (only 127.0.0.1):
1. creates its own PostgreSQL database `cadre_h5_ballot_bench` (dropped at the end; --db to change), migrates it;
2. creates an open session (5 targets, 3 groups) and issues --ballots one-time codes through the services;
3. starts gunicorn (gthread) on 127.0.0.1 with a throw-away settings module (ballot throttle off, persistent
   DB connections, WARNING logs) and waits until it answers;
4. --clients threads, each with a keep-alive http.client connection, POST /api/ballots/ — every code once, plus
   --duplicates codes sent twice at the same moment by two clients (a double-submit race);
5. stops the server, closes the session (the sealed pool is written out shuffled; timed) and checks the database:
   ballots stored == codes accepted (lost = 0), every code at most one ballot and one 201 (double = 0), used
   codes == ballots, pool empty.
Prints ballots/s (accepted ballots over the wall time of the submission phase), p50/p95/p99 latency, and JSON.
Targets: ≥ 200 ballots/s, p95 < 200 ms, 0 lost, 0 double.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PG = "postgres://postgres@127.0.0.1:5432"
HOST = "127.0.0.1"


def psql(sql: str):
    subprocess.run(["psql", "-h", HOST, "-U", "postgres", "-d", "postgres", "-qAtc", sql], check=True)


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def setup_data(n_codes: int):
    """Runs in this process with Django configured for the bench DB; returns (public_id, target ids, codes)."""
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command

    from assessment import services
    from cadre.tests.factories import CadreFactory
    from core import roles

    call_command("migrate", verbosity=0, interactive=False)
    staff = User.objects.create_user("bench-staff", password="bench-pass-123")
    staff.groups.add(Group.objects.get_or_create(name=roles.STAFF)[0])
    cadres = [CadreFactory(name=f"测评对象{i}") for i in range(5)]
    session = services.ballot_session_create(
        actor=staff, title="压力测试民主测评", option_set="评价", targets=cadres,
        groups=[("领导班子成员", 30), ("中层干部", 50), ("一般干部", 20)],
    )
    groups = list(session.groups.order_by("order"))
    codes = []
    for i, group in enumerate(groups):
        share = n_codes // len(groups) + (1 if i < n_codes % len(groups) else 0)
        codes += services.codes_issue(actor=staff, session=session, group=group, count=share)
    services.session_open(actor=staff, session=session)
    target_ids = list(session.targets.order_by("order").values_list("id", flat=True))
    from django.db import connections

    connections.close_all()
    return str(session.public_id), target_ids, codes


def start_server(port: int, workers: int, threads: int, env: dict) -> subprocess.Popen:
    cmd = [
        str(ROOT / ".venv/bin/gunicorn"), "config.wsgi:application", "--bind", f"{HOST}:{port}",
        "--worker-class", "gthread", "--workers", str(workers), "--threads", str(threads),
        "--keep-alive", "30", "--log-level", "warning", "--timeout", "60",
    ]
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)


def wait_ready(port: int, path: str, deadline: float):
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("server did not start in time")


def run_clients(port, public_id, target_ids, jobs: list[str], n_clients: int, time_limit: float):
    """jobs: codes in submission order (a duplicated code appears twice, next to each other)."""
    work: queue.Queue = queue.Queue()
    for code in jobs:
        work.put(code)
    results = []  # (code, status, seconds)
    lock = threading.Lock()
    stop_at = time.monotonic() + time_limit
    options = ["优秀", "称职", "基本称职", "不称职", ""]

    def client(seed):
        rnd = random.Random(seed)
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        local = []
        while time.monotonic() < stop_at:
            try:
                code = work.get_nowait()
            except queue.Empty:
                break
            body = json.dumps({
                "session": public_id, "code": code,
                "marks": {str(t): {"choice": rnd.choice(options)} for t in target_ids},
            })
            t0 = time.perf_counter()
            try:
                conn.request("POST", "/api/ballots/", body, {"Content-Type": "application/json"})
                resp = conn.getresponse()
                resp.read()
                status = resp.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=30)
                status = -1
            local.append((code, status, time.perf_counter() - t0))
        conn.close()
        with lock:
            results.extend(local)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(n_clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(time_limit + 60)
    return results, time.perf_counter() - t0, work.qsize()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--ballots", type=int, default=3000, help="codes issued, each submitted once")
    ap.add_argument("--duplicates", type=int, default=300, help="codes also submitted a second time concurrently")
    ap.add_argument("--workers", type=int, default=3)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--conn-max-age", type=int, default=60)
    ap.add_argument("--time-limit", type=float, default=120.0)
    ap.add_argument("--db", default="cadre_h5_ballot_bench")
    ap.add_argument("--keep-db", action="store_true")
    args = ap.parse_args()
    if not (1 <= args.clients <= 64 and 1 <= args.ballots <= 50000 and 0 <= args.duplicates <= args.ballots):
        raise SystemExit("bounds: 1–64 clients, 1–50000 ballots, duplicates ≤ ballots")

    db_url = f"{PG}/{args.db}"
    psql(f'DROP DATABASE IF EXISTS "{args.db}"')
    psql(f'CREATE DATABASE "{args.db}"')
    tmp = tempfile.mkdtemp(prefix="ballot-bench-")
    Path(tmp, "ballot_bench_settings.py").write_text(textwrap.dedent(f"""
        from config.settings.base import *  # noqa
        DEBUG = False
        ALLOWED_HOSTS = ["127.0.0.1"]
        ASSESSMENT_BALLOT_RATE = None  # one client address for every evaluator here
        DATABASES["default"]["CONN_MAX_AGE"] = {args.conn_max_age}
        AXES_ENABLED = False
    """))
    env = {**os.environ, "DATABASE_URL": db_url, "DJANGO_SETTINGS_MODULE": "ballot_bench_settings",
           "PYTHONPATH": f"{tmp}:{ROOT}", "LOG_LEVEL": "WARNING", "DJANGO_DEBUG": "false"}
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "LOG_LEVEL", "DJANGO_DEBUG")})
    sys.path.insert(0, tmp)
    server = None
    try:
        t_setup = time.perf_counter()
        public_id, target_ids, codes = setup_data(args.ballots)
        print(f"setup: {len(codes)} codes, {len(target_ids)} targets in {time.perf_counter() - t_setup:.1f} s")
        port = free_port()
        server = start_server(port, args.workers, args.threads, env)
        wait_ready(port, f"/assessment/vote/{public_id}/", time.monotonic() + 30)

        rnd = random.Random(7)
        dup = set(rnd.sample(range(len(codes)), args.duplicates))
        jobs = []
        for i, code in enumerate(codes):
            jobs.append(code)
            if i in dup:
                jobs.append(code)  # the same code, taken by the next free client at nearly the same moment
        results, wall, left = run_clients(port, public_id, target_ids, jobs, args.clients, args.time_limit)
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

    from django.contrib.auth.models import User

    from assessment import services
    from assessment.models import Ballot, BallotCode, BallotMark, BallotSession, CodeStatus, PendingBallot

    connection.close()
    # while open the ballots are sealed in the pool; close writes them out shuffled (timed here)
    pooled = PendingBallot.objects.count()
    used = BallotCode.objects.filter(status=CodeStatus.USED).count()
    t_close = time.perf_counter()
    services.session_close(actor=User.objects.get(username="bench-staff"),
                           session=BallotSession.objects.get(public_id=public_id))
    close_s = time.perf_counter() - t_close
    ballots = Ballot.objects.count()
    marks = BallotMark.objects.count()
    if ballots != pooled or PendingBallot.objects.exists():
        print(f"pool {pooled} != ballots written at close {ballots}")
        ballots = -1
    ok_by_code: dict[str, int] = {}
    statuses: dict[int, int] = {}
    for code, status, _s in results:
        statuses[status] = statuses.get(status, 0) + 1
        if status == 201:
            ok_by_code[code] = ok_by_code.get(code, 0) + 1
    accepted = sum(ok_by_code.values())
    double = sum(n - 1 for n in ok_by_code.values() if n > 1) + max(0, ballots - len(ok_by_code))
    lost = max(0, len(ok_by_code) - ballots)
    latencies = [s for _c, _st, s in results]
    report = {
        "clients": args.clients, "workers": args.workers, "threads": args.threads,
        "requests": len(results), "not_sent_in_time": left, "statuses": statuses,
        "accepted": accepted, "ballots_stored": ballots, "marks_stored": marks, "codes_used": used,
        "close_s": round(close_s, 2),
        "lost": lost, "double": double,
        "wall_s": round(wall, 2), "ballots_per_s": round(ballots / wall, 1), "requests_per_s": round(len(results) / wall, 1),
        "p50_ms": round(percentile(latencies, 50) * 1000, 1), "p95_ms": round(percentile(latencies, 95) * 1000, 1),
        "p99_ms": round(percentile(latencies, 99) * 1000, 1), "mean_ms": round(statistics.mean(latencies) * 1000, 1),
    }
    if not args.keep_db:
        psql(f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)')
    print(f"{report['ballots_stored']} ballots in {report['wall_s']} s = {report['ballots_per_s']} ballots/s "
          f"({report['requests_per_s']} requests/s incl. {args.duplicates} duplicate attempts); "
          f"p50 {report['p50_ms']} ms, p95 {report['p95_ms']} ms, p99 {report['p99_ms']} ms; "
          f"lost {lost}, double {double}; statuses {statuses}; close (write-out of the pool) {report['close_s']} s")
    print(json.dumps(report, ensure_ascii=False))
    ok = (lost == 0 and double == 0 and used == ballots and marks == ballots * len(target_ids)
          and statuses.get(201, 0) == len(codes) and statuses.get(400, 0) == args.duplicates)
    targets_met = report["ballots_per_s"] >= 200 and report["p95_ms"] < 200
    print("integrity:", "OK" if ok else "FAILED", "| targets (≥200/s, p95<200 ms):", "met" if targets_met else "NOT met")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
