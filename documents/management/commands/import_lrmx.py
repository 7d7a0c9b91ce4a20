"""python manage.py import_lrmx FILE — create or update a cadre from an LRMX file (exit 1 on errors)."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.exceptions import ApplicationError
from documents import lrmx


def issue_line(issue) -> str:
    where = f"家庭成员第{issue.row}项 " if issue.row else ""
    value = f"「{issue.value}」" if issue.value else ""
    return f"{where}{issue.column}{value}：{issue.message}"


class Command(BaseCommand):
    help = "导入任免审批表数据文件（LRMX），按身份证号新建或更新干部档案"

    def add_arguments(self, parser):
        parser.add_argument("file", help="LRMX文件路径")

    def handle(self, *args, file, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"文件不存在：{file}")
        if path.stat().st_size > 5 * 1024 * 1024:
            raise CommandError("文件超过5MB，不是有效的LRMX文件")
        try:
            result = lrmx.import_person(path.read_bytes(), actor=None, name=path.name)
        except ApplicationError as exc:
            for issue in exc.errors:
                self.stderr.write(issue_line(issue))
            raise CommandError(exc.message) from None
        for issue in result.warnings:
            self.stdout.write("提示：" + issue_line(issue))
        self.stdout.write(result.summary)
