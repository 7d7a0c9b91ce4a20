"""python manage.py import_roster FILE.xlsx [--dry-run] [--user USERNAME]

Success: exit 0 and `created N, updated M, unchanged K` on stdout (warnings before, on stderr).
Failure: exit 1 and one line per error, `第R行 <列名>: <message>`, nothing written.
"""
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from cadre.roster import import_roster


class Command(BaseCommand):
    help = "导入干部花名册（.xlsx）：先检查全部数据，没有错误时一次写入"

    def add_arguments(self, parser):
        parser.add_argument("file", help="花名册 .xlsx 文件")
        parser.add_argument("--dry-run", action="store_true", help="只检查并统计，不写入")
        parser.add_argument("--user", help="记为操作人的用户名（写入变更记录与操作日志）")

    def handle(self, *args, file, dry_run=False, user=None, **options):
        actor = None
        if user:
            try:
                actor = get_user_model().objects.get(username=user)
            except get_user_model().DoesNotExist:
                raise CommandError(f"用户 {user} 不存在") from None
        try:
            with open(file, "rb") as fh:
                report = import_roster(actor=actor, source=fh, dry_run=dry_run, filename=file.rsplit("/", 1)[-1])
        except OSError as exc:
            self.stdout.write(f"无法打开文件 {file}: {exc.strerror}")
            raise SystemExit(1) from None
        for warning in report.warnings:
            self.stderr.write(f"提示 {warning.line()}")
        if report.errors:
            for error in report.errors:
                self.stdout.write(error.line())
            raise SystemExit(1)
        self.stdout.write(report.summary())
        for unit in report.new_units:
            self.stderr.write(f"{'将新建' if dry_run else '新建'}单位 {unit['name']}（{unit['kind']}）")
