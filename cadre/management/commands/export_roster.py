"""python manage.py export_roster FILE.xlsx [--sort position|strokes|pinyin] [--all]"""
from django.core.management.base import BaseCommand

from cadre.choices import CadreStatus
from cadre.models import Cadre
from cadre.roster import SORTS, write_roster


class Command(BaseCommand):
    help = "导出干部花名册（.xlsx，与导入格式相同）"

    def add_arguments(self, parser):
        parser.add_argument("file", help="输出的 .xlsx 文件")
        parser.add_argument("--sort", choices=sorted(SORTS), default="position", help="排序：职务（默认）、姓氏笔画、拼音")
        parser.add_argument("--all", action="store_true", help="包括退休、调离人员（默认只导出在职）")
        parser.add_argument("--title", default="干部花名册", help="标题行文字")

    def handle(self, *args, file, sort="position", all=False, title="干部花名册", **options):
        queryset = Cadre.objects.all() if all else Cadre.objects.filter(status=CadreStatus.ACTIVE)
        count = write_roster(queryset, file, title=title, sort=sort)
        self.stdout.write(f"exported {count} rows to {file}")
