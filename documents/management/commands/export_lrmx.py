"""python manage.py export_lrmx <身份证号> FILE — write one cadre as an LRMX file."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cadre.models import Cadre
from cadre.services import validate_id_number
from core.exceptions import ApplicationError
from documents import lrmx, services


class Command(BaseCommand):
    help = "导出一名干部的任免审批表数据文件（LRMX）"

    def add_arguments(self, parser):
        parser.add_argument("id_number", help="身份证号")
        parser.add_argument("file", help="输出文件路径（.lrmx）")

    def handle(self, *args, id_number, file, **options):
        try:
            number = validate_id_number(id_number)
        except ApplicationError as exc:
            raise CommandError(f"身份证号「{id_number}」无效：{exc.message}") from None
        cadre = Cadre.objects.filter(id_number=number).first()
        if cadre is None:
            raise CommandError(f"干部名册中没有身份证号为{number}的干部")
        data = lrmx.export_person(cadre)
        try:
            Path(file).write_bytes(data)
        except OSError as exc:
            raise CommandError(f"无法写入文件{file}：{exc.strerror}") from None
        services.lrmx_export_record(actor=None, cadre=cadre)  # from the command line: no actor, still on record
        self.stdout.write(f"已导出{cadre.name}的LRMX文件：{file}（{len(data)}字节）")
