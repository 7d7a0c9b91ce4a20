"""Rotation benchmark: the solver and the plan page at 1,000 and 10,000 cadres, each with its naive ratio.

    .venv/bin/python bench/rotation.py                  # 1,000 and 10,000 cadres
    .venv/bin/python bench/rotation.py --sizes 1000     # one size
    .venv/bin/python bench/rotation.py --synthetic      # the old synthetic case: 500 movers × 600 seats, LSA vs greedy

Each size runs in its own process on its own SQLite database (/tmp/rotation_bench_<size>.sqlite3, seeded once with
`seed_demo --size N --seed 1` and kept; or DATABASE_URL_<size> if set). A plan covers every unit (the worst case:
every due person of the roster is a mover) as of 2026-06-30. Printed per size:

- solver: the problem built from the database (`build_problem`), then
  new   = `evaluate_pairs` (level rules as a matrix, the other rules once per mover and post) + `solve_whole`
          (assignment + repair loop over the whole post-plan state);
  naive = `evaluate_pairs_naive` (every rule and the fit once per mover and seat, the first algorithm) + one
          assignment; at 10,000 cadres it runs on a sample of movers and is extrapolated per mover (linear);
- page: the plan page (filters, 20 suggestions a page, details on demand, the check after the page) after
  suggestions are generated and all adopted: median of 5, its size, and the check request; naive = the same
  suggestions all on one page, every suggestion's explanation rendered inline with its 调整 form (a select of
  every post) and the check run inline (what the page did before); beyond 500 suggestions the inline details are
  extrapolated per suggestion.
"""
import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
AS_OF = dt.date(2026, 6, 30)
NAIVE_SAMPLE = 400  # movers in the naive evaluation at large sizes
NAIVE_DETAILS = 500  # suggestions rendered inline in the naive page (more: extrapolated per suggestion)


def one(size: int):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ["DATABASE_URL"] = os.environ.get(f"DATABASE_URL_{size}", f"sqlite:////tmp/rotation_bench_{size}.sqlite3")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings

    from cadre.models import Cadre, OrgUnit
    from django.template.loader import render_to_string

    from rotation import selectors, services, solver
    from rotation.forms import AcceptForm
    from rotation.models import RotationPlan, RotationSuggestion
    from rotation.views import plans as plan_views

    call_command("migrate", verbosity=0)
    if Cadre.objects.count() < size:
        t = time.perf_counter()
        call_command("seed_demo", size=size, seed=1, verbosity=0, stdout=open(os.devnull, "w"))
        print(f"[{size}] seed_demo: {time.perf_counter() - t:.0f} s")
    staff = get_user_model().objects.get(username="staff")
    RotationPlan.objects.filter(name="基准测试方案").delete()
    plan = services.plan_create(actor=staff, name="基准测试方案", as_of=AS_OF, units=list(OrgUnit.objects.all()))
    n_cadres = Cadre.objects.filter(status="在职").count()

    t = time.perf_counter()
    movers, slots, ctx, state = services.build_problem(plan)
    t_build = time.perf_counter() - t
    w = solver.Weights()
    t = time.perf_counter()
    pairs = solver.evaluate_pairs(movers, slots, ctx, w)
    t_eval = time.perf_counter() - t
    t = time.perf_counter()
    result, repaired = services.solve_whole(movers, slots, ctx, w, state, pairs=pairs)
    t_solve = time.perf_counter() - t
    sample = movers if len(movers) <= NAIVE_SAMPLE or size <= 1000 else movers[:NAIVE_SAMPLE]
    t = time.perf_counter()
    naive_pairs = solver.evaluate_pairs_naive(sample, slots, ctx, w)
    t_naive_eval = (time.perf_counter() - t) * len(movers) / len(sample)
    if len(sample) == len(movers):
        t = time.perf_counter()
        solver.solve(movers, slots, ctx, w, pairs=naive_pairs)
        t_naive_solve = time.perf_counter() - t
        assert result.score <= solver.solve(movers, slots, ctx, w, pairs=naive_pairs).score + 1e-6
    else:
        t_naive_solve = t_solve  # the same assignment cost; only the evaluation is extrapolated
    new, naive = t_eval + t_solve, t_naive_eval + t_naive_solve
    print(f"[{size}] roster {n_cadres} cadres: movers={len(movers)} seats={len(slots)} pairs={len(movers) * len(slots)} "
          f"moved={len(result.moves())} repaired={len(repaired)}; build_problem {t_build:.2f} s")
    print(f"[{size}] solver: new {new:.2f} s (evaluate {t_eval:.2f} + solve/repair {t_solve:.2f}); naive {naive:.2f} s "
          f"(evaluate {t_naive_eval:.2f}{' extrapolated from %d movers' % len(sample) if len(sample) < len(movers) else ''}"
          f" + solve {t_naive_solve:.2f}); naive/new = {naive / new:.1f}×")

    t = time.perf_counter()
    rows = services.suggestions_generate(actor=staff, plan=plan)
    t_generate = time.perf_counter() - t
    adopted = services.suggestions_adopt(actor=staff, plan=plan, everything=True)
    client = Client()
    client.force_login(staff)
    url = f"/rotation/plans/{plan.pk}/"
    with override_settings(DEBUG=False):
        client.get(url)
        times, size_kb = [], 0
        for _ in range(5):
            t = time.perf_counter()
            r = client.get(url)
            times.append(time.perf_counter() - t)
            size_kb = len(r.content) / 1024
        t = time.perf_counter()
        client.get(url + "?part=check")
        t_check = time.perf_counter() - t
        page = statistics.median(times)
        per_page = plan_views.SUGGESTIONS_PER_PAGE
        plan_views.SUGGESTIONS_PER_PAGE = 10**6
        try:
            t = time.perf_counter()
            r = client.get(url + "?status=all")
            naive_kb = len(r.content) / 1024
            by_id = {x.id: x for x in selectors.suggestion_rows(plan)}
            form = AcceptForm()
            inline = list(RotationSuggestion.objects.filter(plan=plan).select_related("cadre", "from_post__unit", "to_post__unit"))
            sample = inline[:NAIVE_DETAILS]
            t_list = time.perf_counter() - t
            t = time.perf_counter()
            sample_kb = 0.0
            for s in sample:
                html = render_to_string("rotation/_suggestion_detail.html", {
                    "plan": plan, "s": s, "row": by_id.get(s.pk), "can_edit": True, "accept_form": form})
                sample_kb += len(html.encode()) / 1024
            scale = len(inline) / max(1, len(sample))
            naive_kb += sample_kb * scale
            t_naive_page = t_list + (time.perf_counter() - t) * scale + t_check
        finally:
            plan_views.SUGGESTIONS_PER_PAGE = per_page
    print(f"[{size}] suggestions: {len(rows)} generated in {t_generate:.2f} s, {len(adopted.moves)} adopted in one request")
    print(f"[{size}] plan page: {page * 1000:.0f} ms, {size_kb:.0f} KB (check after the page: {t_check * 1000:.0f} ms); "
          f"naive (all {len(rows)} with details inline): {t_naive_page * 1000:.0f} ms, {naive_kb:.0f} KB; "
          f"naive/new = {t_naive_page / page:.1f}×")


def synthetic():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    import random

    from rotation import rules, solver
    from rotation.rules import Eligibility, PersonFacts, Policy, PostFacts

    rnd = random.Random(7)
    places = ["东林镇", "西林镇", "南湖街道", "北山镇", "城关"]
    units = [(u, f"单位{u}", "乡镇" if u % 3 == 0 else "机关", rnd.choice(places)) for u in range(1, 61)]
    slots, movers, pid = [], [], 0
    for _ in range(600):
        u = rnd.choice(units)
        pid += 1
        level = rnd.choices(["副科级", "正科级"], [4, 1])[0]
        slots.append(solver.Slot(PostFacts(pid, u[0], u[1], ("局长" if level == "正科级" else "副职") + str(pid), level,
                                           "领导职务", 1, needs_local_avoidance=rnd.random() < 0.2, unit_locality=u[3],
                                           unit_kind=u[2])))
    for i in range(1, 501):
        u = rnd.choice(units)
        pid += 1
        level = rnd.choices(["副科级", "正科级"], [4, 1])[0]
        own = PostFacts(pid, u[0], u[1], f"职位{pid}", level, "领导职务", 1, unit_locality=u[3], unit_kind=u[2])
        p = PersonFacts(i, f"干部{i}", rnd.choice("男女"), dt.date(rnd.randint(1968, 1994), rnd.randint(1, 12), 1), u[0],
                        u[1], pid, own.title, level, "领导职务", dt.date(rnd.randint(2008, 2024), 1, 1),
                        grew_up_place=rnd.choice(places + [""] * 3))
        movers.append(solver.Mover(p, ("同一职位满10年",) if rnd.random() < 0.5 else (),
                                   rnd.choice(["培养流", "任职期满交流", "调整流"]), rnd.random() < 0.2,
                                   rnd.choice([3, 4, 4, 5]), AS_OF.year - p.birth_date.year))
        slots.append(solver.Slot(own, seat_of=i))
    elig = {(m.person.cadre_id, s.post.post_id): Eligibility("不符合", ("年龄：超过上限",))
            for m in movers for s in slots if rnd.random() < 0.15}
    kin = {frozenset((m.person.cadre_id, 10000 + rnd.choice(units)[0])): rules.Kinship("配偶", "配偶")
           for m in rnd.sample(movers, 80)}
    stayers = {u[0]: [PersonFacts(10000 + u[0], f"班长{u[0]}", "男", dt.date(1970, 1, 1), u[0], u[1], 99999, "局长",
                                  "正科级", "领导职务", dt.date(2020, 1, 1))] for u in units}
    ctx = solver.Context(Policy(), AS_OF, elig, kin, stayers, {}, {}, {u[0]: u[2] for u in units})
    w = solver.Weights()
    t = time.perf_counter()
    fast = solver.evaluate_pairs(movers, slots, ctx, w)
    t_fast = time.perf_counter() - t
    t = time.perf_counter()
    naive = solver.evaluate_pairs_naive(movers, slots, ctx, w)
    t_naive = time.perf_counter() - t
    lsa, gr = solver.solve(movers, slots, ctx, w, pairs=fast), solver.greedy(movers, slots, ctx, w, pairs=naive)
    print(f"synthetic 500 movers × {len(slots)} seats: evaluate new {t_fast:.2f} s, naive {t_naive:.2f} s "
          f"({t_naive / t_fast:.1f}×); LSA objective {lsa.score:.1f} vs greedy {gr.score:.1f}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--synthetic", action="store_true")
    args = parser.parse_args()
    if args.synthetic:
        return synthetic()
    if args.one:
        return one(args.one)
    for size in (int(s) for s in args.sizes.split(",")):
        subprocess.run([sys.executable, os.path.abspath(__file__), "--one", str(size)], check=True)


if __name__ == "__main__":
    main()
