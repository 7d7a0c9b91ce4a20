"""Screen the active roster against the default rule set of a level.

    python manage.py eligibility --level 正科 --as-of 2026-06-30 --json [--strict]

Prints a JSON list with one object per cadre: id_number, name, appointment (新任/转任), result and the rule
lines. Manual items (政治素质和品行) are listed with status "manual"; they make the result 待人工审核 only with
--strict and only when no automatic rule failed (without --strict the result follows the automatic rules).
Waivers are recorded per post or campaign, so none applies to a level-wide screen.
"""
import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from cadre.eligibility import LEVELS, active_cadres, screen_level, today


class Command(BaseCommand):
    help = "按职位层次的默认任职资格规则筛查全体在职干部（--json 输出 JSON）"

    def add_arguments(self, parser):
        parser.add_argument("--level", required=True, help="正科 或 副科")
        parser.add_argument("--as-of", dest="as_of", default="", help="截止日期 YYYY-MM-DD，默认今天")
        parser.add_argument("--json", action="store_true", help="输出 JSON 列表")
        parser.add_argument("--strict", action="store_true", help="无自动条件不符合时，人工审核项使结果为“待人工审核”")

    def handle(self, *args, level, as_of, json: bool, strict: bool, **options):
        level = level.strip().removesuffix("级")
        if level not in LEVELS:
            raise CommandError("--level 应为 正科 或 副科")
        try:
            day = dt.date.fromisoformat(as_of) if as_of else today()
        except ValueError:
            raise CommandError(f"--as-of 日期格式不正确：{as_of}（应为YYYY-MM-DD）") from None
        rows = screen_level(active_cadres(), level, day, strict_manual=strict)
        if json:
            self.stdout.write(_dumps([_row(x) for x in rows]))
            return
        for x in rows:
            self.stdout.write(f"{x.cadre.name}\t{x.cadre.id_number}\t{x.appointment}\t{x.result}\t{x.reasons_text}")
        counts = {r: sum(1 for x in rows if x.result == r) for r in ("符合", "符合（含放宽）", "待人工审核", "不符合")}
        self.stdout.write(f"共{len(rows)}人（截止{day.isoformat()}，{level}级默认规则）：" + "，".join(f"{k}{v}人" for k, v in counts.items()))


def _row(x):
    return {
        "id_number": x.cadre.id_number,
        "name": x.cadre.name,
        "appointment": x.appointment,
        "result": x.result,
        "rules": [{"code": r.code, "name": r.name, "status": r.status, "reason": r.reason} for r in x.rules],
    }


def _dumps(value):
    return json.dumps(value, ensure_ascii=False, indent=1)
