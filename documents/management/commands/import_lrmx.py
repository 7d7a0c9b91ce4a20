"""python manage.py import_lrmx FILE... — create or update cadres from LRMX files and/or .zip archives.

One file: imported at once, as before (exit 1 on errors). Several files or a zip: a batch, one transaction per
person; ``--dry-run`` prints the preview (新增/变更/未变/拒绝, field by field) and writes nothing; ``--report``
writes the xlsx report. Exit 1 when a file is refused (the others are imported all the same)."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.exceptions import ApplicationError
from documents import lrmx
from documents.lrmx import archive
from documents.lrmx import batch as lrmx_batch
from documents.lrmx.report import report_xlsx


def issue_line(issue) -> str:
    return lrmx_batch.issue_text(issue)


class Command(BaseCommand):
    help = "导入任免审批表数据文件（LRMX），可一次导入多个文件或zip压缩包，按身份证号新建或更新干部档案"

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help="LRMX文件或zip压缩包的路径")
        parser.add_argument("--dry-run", action="store_true", help="只预览，不写入")
        parser.add_argument("--report", help="把报告写入此xlsx文件")

    def handle(self, *args, files, dry_run=False, report=None, **options):
        paths = [Path(f) for f in files]
        if len(paths) == 1 and not dry_run and not report and paths[0].is_file() and not self._is_zip(paths[0]):
            return self._one(paths[0])
        try:
            batch = archive.read_paths(paths)
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
        result = lrmx_batch.run_batch(batch, actor=None, commit=not dry_run)
        for note in result["notes"]:
            self.stdout.write(note)
        for entry in result["entries"]:
            self._entry(entry)
        if report:
            Path(report).write_bytes(report_xlsx(result))
        self.stdout.write(lrmx_batch.summary(result, commit=not dry_run))
        refused = result["counts"]["refused"]
        if refused:
            raise CommandError(f"{refused}个文件被拒绝（其余文件{'已预览' if dry_run else '已导入'}）")

    @staticmethod
    def _is_zip(path: Path) -> bool:
        with path.open("rb") as fh:
            return archive.is_zip(fh.read(4))

    def _entry(self, entry: dict) -> None:
        label = lrmx_batch.STATUS_LABELS[entry["status"]]
        who = entry["name"] or "—"
        out = self.stderr if entry["status"] == lrmx_batch.REFUSED else self.stdout
        out.write(f"[{label}] {entry['file']} {who}")
        for reason in entry["reasons"]:
            out.write(f"    {reason}")
        if entry["status"] == lrmx_batch.CHANGED:
            for field, old, new in entry["changes"]:
                out.write(f"    {field}：{old or '（空）'} → {new or '（空）'}".replace("\n", "／"))
        for warning in entry["warnings"]:
            out.write(f"    提示：{warning}")

    def _one(self, path: Path) -> None:
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
