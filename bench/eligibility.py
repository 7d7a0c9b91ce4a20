"""Eligibility benchmark: 100 000 cadres × 13 posts, the column-stored screen vs a naive per-object ORM loop.

    .venv/bin/python bench/eligibility.py [--size 100000] [--naive 200] [--keep] [--engine]

Uses its own PostgreSQL database `cadre_bench_elig` on 127.0.0.1:5432 (created if missing, migrated, filled
with `seed_demo --size N`, dropped at the end unless --keep). In the same run it times:
- set-based: `eligibility.screen_columns(active cadres, 13 posts, as_of)` — the whole-roster screen, column-stored
  (one array per post for appointment, result and open manual line; explanations built only when read);
- the floor: the same fact queries fetched raw (psycopg2, no Python work on the rows);
- with --engine, the per-person engine's `eligibility.screen` (every explanation built) once, for comparison;
- naive: `eligibility.explain(cadre, post)` for each of the first `--naive` cadres and each post (about seven
  queries per pair), extrapolated linearly to the whole roster (stated as such in the output);
and checks every pair of the naive subset: the column's appointment, result and open manual line, and the
explanation the screen builds for the row, against `explain`. Peak RSS is the process maximum
(resource.getrusage) after each phase. Targets (issue #19): set-based ≤ 1.5 s, growth ≤ 400 MB, ≥ 20× naive.
"""
from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DB_NAME = "cadre_bench_elig"
SERVER = "postgres://postgres@127.0.0.1:5432"
os.environ["DATABASE_URL"] = f"{SERVER}/{DB_NAME}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ.setdefault("LOG_LEVEL", "WARNING")


def _status_mb(field: str) -> float:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(field + ":")) / 1024


def rss_mb() -> float:
    """The process's peak RSS since the last reset_peak_rss() (VmHWM; ru_maxrss when /proc is missing)."""
    try:
        return _status_mb("VmHWM")
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_peak_rss() -> float:
    """Start the peak over from the current RSS (Linux: `5` to /proc/self/clear_refs), so that the growth
    printed is the screen's own, not seed_demo's when the roster was seeded in this process. Returns the RSS."""
    gc.collect()
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
        return _status_mb("VmRSS")
    except OSError:
        return rss_mb()


def admin_sql(sql: str):
    import psycopg2

    conn = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres")
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            return cur.fetchall() if cur.description else None
    finally:
        conn.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--naive", type=int, default=200, help="cadres in the naive per-object loop (extrapolated)")
    parser.add_argument("--posts", type=int, default=13)
    parser.add_argument("--runs", type=int, default=3, help="timed set-based runs (the median is reported)")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database for the next run")
    parser.add_argument("--engine", action="store_true", help="also time the per-person engine's screen once")
    args = parser.parse_args()

    if not admin_sql(f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}'"):
        admin_sql(f'CREATE DATABASE "{DB_NAME}"')
        print(f"created database {DB_NAME}")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    import numpy as np

    from cadre import eligibility as E
    from cadre.eligibility import facts
    from cadre.eligibility import rules as R
    from cadre.models import Cadre, Post

    try:
        call_command("migrate", verbosity=0)
        have = Cadre.objects.count()
        if have < args.size:
            if have:
                raise SystemExit(f"{DB_NAME} holds {have} cadres (< {args.size}); drop it and rerun")
            t = time.perf_counter()
            call_command("seed_demo", size=args.size, seed=1, verbosity=0)
            print(f"seed_demo --size {args.size}: {time.perf_counter() - t:.1f} s")
        # the planner's statistics, as autovacuum would have them after a bulk load (without them PostgreSQL
        # estimates a few dozen rows per table and picks nested loops over 100 000 people)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        posts = list(
            Post.objects.filter(is_active=True, level__in=["正科级", "副科级"]).select_related("unit").order_by("-level", "id")
        )
        zk = [p for p in posts if p.level == "正科级"]
        fk = [p for p in posts if p.level == "副科级"]
        chosen = (zk[:5] + fk[: args.posts])[: args.posts]
        if len(chosen) < args.posts:
            raise SystemExit(f"only {len(chosen)} posts of 正科/副科 level in the seeded data")
        cadres = E.active_cadres()
        n = cadres.count()
        as_of = dt.date(2026, 6, 30)
        print(f"roster: {n} active cadres × {len(chosen)} posts ({sum(p.level == '正科级' for p in chosen)} 正科, "
              f"{sum(p.level == '副科级' for p in chosen)} 副科), as of {as_of}")
        rss_before = reset_peak_rss()
        print(f"RSS before screening: {rss_before:.0f} MB (the peak is measured from here)")
        t = time.perf_counter()
        sum(range(1_000_000))
        print(f"CPU reference: sum(range(10**6)) takes {1000 * (time.perf_counter() - t):.0f} ms here (≈12 ms on an idle modern core)")

        # set-based (first run warms the connection; the second is timed)
        E.screen_columns(cadres.filter(pk__in=cadres.values("pk")[:100]), chosen, as_of)
        # Timed without instrumentation; the query count comes from one more, captured run. The column screen
        # leaves the garbage collector alone and builds no per-pair objects, so nothing is deferred: the full
        # collection after each run (gc.collect(), a pass over the whole process heap) is printed, not counted.
        times, gc_times = [], []
        for _ in range(args.runs):
            result = None
            gc.collect()
            t = time.perf_counter()
            result = E.screen_columns(cadres, chosen, as_of)
            t_screen = time.perf_counter()
            gc.collect()
            times.append(t_screen - t)
            gc_times.append(time.perf_counter() - t_screen)
        set_time = sorted(times)[len(times) // 2]
        # the captured run (queries on this connection and on the worker connections)
        worker_queries = []
        fetch_rows = facts._fetch_rows
        facts._fetch_rows = lambda sql, params, alias: worker_queries.append((sql, params)) or fetch_rows(sql, params, alias)
        with CaptureQueriesContext(connection) as q:
            E.screen_columns(cadres, chosen, as_of)
        facts._fetch_rows = fetch_rows
        pairs = sum(len(c.result) for c in result.posts.values())
        counts = {}
        for col in result.posts.values():
            for code, k in zip(*np.unique(col.result, return_counts=True)):
                counts[R.RESULTS[code]] = counts.get(R.RESULTS[code], 0) + int(k)
        print(f"set-based screen: median {set_time:.2f} s of {args.runs} runs ({', '.join(f'{x:.2f}' for x in times)} s, "
              f"then a full garbage collection {', '.join(f'{x:.2f}' for x in gc_times)} s, not counted) "
              f"for {pairs} (cadre, post) pairs, {len(q.captured_queries)} queries on this connection + "
              f"{len(worker_queries)} sent together on worker connections, "
              f"peak RSS {rss_mb():.0f} MB (growth over the loaded roster {rss_mb() - rss_before:.0f} MB, target ≤ 400 MB)")
        print("  results: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
        # the floor: the rows the screen reads, fetched raw on one connection (no Python work on them)
        sqls = list(worker_queries) or [(x["sql"], None) for x in q.captured_queries[1:]]
        floor_times = []
        for _ in range(args.runs):
            t = time.perf_counter()
            with connection.cursor() as cur:
                for sql, params in sqls:
                    cur.execute(sql, params)
                    cur.fetchall()
            floor_times.append(time.perf_counter() - t)
        floor = sorted(floor_times)[len(floor_times) // 2]
        print(f"floor (the same {len(sqls)} fact queries fetched raw, in turn): median {floor:.2f} s; "
              f"screen / floor = {set_time / floor:.1f}")
        if args.engine:
            t = time.perf_counter()
            full = E.screen(cadres, chosen, as_of)
            gc.collect()
            print(f"per-person engine screen (every explanation built): {time.perf_counter() - t:.2f} s, "
                  f"peak RSS {rss_mb():.0f} MB")
            del full
            gc.collect()

        # naive per-object ORM loop on a subset, extrapolated
        subset = list(cadres.order_by("rank_order", "id")[: args.naive])
        t = time.perf_counter()
        executed = []

        def count(execute, sql, params, many, context):
            executed.append(1)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            naive = {(c.pk, p.pk): E.explain(c, p, as_of) for c in subset for p in chosen}
        naive_time = time.perf_counter() - t
        per_pair = naive_time / len(naive)
        extrapolated = per_pair * pairs
        print(f"naive loop: {naive_time:.2f} s for {len(naive)} pairs ({len(subset)} cadres × {len(chosen)} posts), "
              f"{len(executed)} queries ({len(executed) / len(naive):.1f} per pair); "
              f"extrapolated to {pairs} pairs: {extrapolated:.0f} s")
        position = {int(cid): i for i, cid in enumerate(result.ids)}
        mismatches = 0
        for p in chosen:
            col = result.posts[p.pk]
            rows = [position[c.pk] for c in subset]
            built = result.explanations(p.pk, rows)  # the explanations the screen builds when a page reads them
            for c, i, x in zip(subset, rows, built):
                want = naive[(c.pk, p.pk)]
                got = (R.APPOINTMENTS[col.appointment[i]], R.RESULTS[col.result[i]], bool(col.manual_open[i]))
                if got != (want.appointment, want.result, bool(want.manual)) or x != want:
                    mismatches += 1
        print(f"naive vs set-based on the subset: {len(naive) - mismatches}/{len(naive)} identical")
        speedup = extrapolated / set_time
        print(f"speed-up: {speedup:.0f}× (target ≥ 20×); set-based {'meets' if set_time <= 1.5 else 'MISSES'} the 1.5 s target")
        print(f"peak RSS at end: {rss_mb():.0f} MB" + (" (after the per-person engine's screen, --engine)" if args.engine else ""))
        if mismatches:
            raise SystemExit("set-based and naive results differ")
    finally:
        connection.close()
        if not args.keep:
            admin_sql(f'DROP DATABASE IF EXISTS "{DB_NAME}"')
            print(f"dropped database {DB_NAME}")


if __name__ == "__main__":
    main()
