"""干部任免审批表 downloads: one person's form in one click (PDF, Word or LRMX), several people's as one zip made by
a background job. Writes of the documents app (audited); the forms come from the same data as everywhere else:
``selectors.approval_form_data`` for the PDF (through ``services.approval_forms_generate``) and the Word file, and
``lrmx.export_person`` for the LRMX file.
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cadre.models import Cadre
from core import roles
from core.audit import audit
from core.exceptions import ApplicationError
from core.jobs import enqueue_on_commit
from core.models import BackgroundJob

from . import selectors, services
from .approval_docx import DOCX_CONTENT_TYPE, approval_form_docx
from .audit import AuditAction
from .lrmx import export_person

BUNDLE_KIND = "documents.approval_forms_zip"  # BackgroundJob.kind
BUNDLE_TASK = "documents.bundle_approval_forms"
MAX_BUNDLE = 1000
FORMATS = {"pdf": "PDF", "docx": "Word", "lrmx": "LRMX"}
CONTENT_TYPES = {"pdf": "application/pdf", "docx": DOCX_CONTENT_TYPE, "lrmx": "application/xml; charset=utf-8",
                 "zip": "application/zip"}


@dataclass(frozen=True)
class FormFile:
    name: str
    content_type: str
    data: bytes


def _check(actor, fmt: str) -> None:
    if not roles.is_staff_member(actor):
        raise ApplicationError("只有组织部工作人员可以导出干部任免审批表")
    if fmt not in FORMATS:
        raise ApplicationError(f"不支持的格式：{fmt}（可选PDF、Word、LRMX）")


def _entry_name(cadre: Cadre, fmt: str) -> str:
    """``张晓明-1234.pdf``: the name and the last four characters of the 身份证号 (two 张伟 stay apart)."""
    return f"{cadre.name}-{cadre.id_number[-4:]}.{fmt}"


def _files(actor, cadres: list[Cadre], fmt: str, *, job: BackgroundJob | None = None, progress=None):
    """(cadre, bytes) for each cadre, in the order given."""
    if fmt == "pdf":
        documents = services.approval_forms_generate(actor=actor, cadre_ids=[c.pk for c in cadres], job=job)
        for cadre, document in zip(cadres, documents):
            with document.file.open("rb") as handle:
                yield cadre, handle.read()
            services.document_record_download(actor=actor, document=document)
        return
    for n, cadre in enumerate(cadres, start=1):
        if fmt == "docx":
            data = approval_form_docx(selectors.approval_form_data(selectors.cadre_for_documents(cadre.pk)))
        else:
            data = export_person(cadre, actor=actor)
        yield cadre, data
        if progress:
            progress(n, len(cadres))


def approval_form_export(*, actor, cadre_id: int, fmt: str) -> FormFile:
    """One person's 任免审批表 to download now (PDF stored as a document record, Word and LRMX built on the fly)."""
    _check(actor, fmt)
    cadre = Cadre.objects.filter(pk=cadre_id).first()
    if cadre is None:
        raise ApplicationError(f"干部档案（编号{cadre_id}）不存在")
    (_, data), = list(_files(actor, [cadre], fmt))
    name = f"干部任免审批表-{cadre.name}.{fmt}" if fmt != "lrmx" else _entry_name(cadre, fmt)
    audit(actor=actor, action=AuditAction.APPROVAL_FORM_EXPORT, obj=cadre,
          summary=f"导出{cadre.name}的干部任免审批表（{FORMATS[fmt]}）", data={"format": fmt, "cadre": cadre.pk})
    return FormFile(name=name, content_type=CONTENT_TYPES[fmt], data=data)


def approval_forms_bundle_start(*, actor, cadre_ids, fmt: str) -> BackgroundJob:
    """Queue one zip of the selected people's 任免审批表 (``fmt``): the job row now, the work once committed."""
    _check(actor, fmt)
    ids = list(dict.fromkeys(int(i) for i in cadre_ids))
    ids = list(Cadre.objects.filter(pk__in=ids).values_list("pk", flat=True))
    if not ids:
        raise ApplicationError("请先选择干部")
    if len(ids) > MAX_BUNDLE:
        raise ApplicationError(f"一次最多导出{MAX_BUNDLE}人的干部任免审批表，已选{len(ids)}人")
    with transaction.atomic():
        job = BackgroundJob.objects.create(
            kind=BUNDLE_KIND, created_by=actor, total=len(ids), message="等待生成",
            params={"cadre_ids": ids, "format": fmt},
        )
        job.params["next_url"] = reverse("documents:approval-forms-zip", args=[job.pk])
        job.save(update_fields=["params"])
        audit(actor=actor, action=AuditAction.APPROVAL_FORMS_BUNDLE, obj=job,
              summary=f"批量导出干部任免审批表（{FORMATS[fmt]}，{len(ids)}人）", data={"format": fmt, "cadre_ids": ids})
        enqueue_on_commit(BUNDLE_TASK, job.pk)
    return job


def approval_forms_bundle_run(*, job_id: int) -> None:
    """Build the job's zip (one file per person) into ``job.output_file``; a finished job is not built again."""
    job = BackgroundJob.objects.select_related("created_by").get(pk=job_id, kind=BUNDLE_KIND)
    if job.status == BackgroundJob.Status.DONE and job.output_file:
        return
    fmt, actor = job.params["format"], job.created_by
    order = {pk: i for i, pk in enumerate(job.params["cadre_ids"])}
    cadres = sorted(Cadre.objects.filter(pk__in=order), key=lambda c: order[c.pk])
    message = f"正在生成干部任免审批表（{FORMATS[fmt]}）"
    services.job_progress(job, done=0, total=len(cadres), message=message)
    buffer = io.BytesIO()
    names: list[str] = []
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        progress = lambda done, total: services.job_progress(job, done=done, total=total, message=message)  # noqa: E731
        for cadre, data in _files(actor, cadres, fmt, job=job, progress=progress):
            name = _entry_name(cadre, fmt)
            archive.writestr(name, data)
            names.append(name)
    stamp = timezone.localtime()
    job.output_file.save(f"approval_forms_{stamp:%Y%m%d_%H%M%S}_{job.pk}.zip", ContentFile(buffer.getvalue()), save=False)
    BackgroundJob.objects.filter(pk=job.pk).update(output_file=job.output_file.name)
    services.job_finish(job, result={"files": names, "format": fmt},
                        message=f"已生成{len(names)}人的干部任免审批表（{FORMATS[fmt]}），打包为一个压缩文件")


def bundle_file_name(job: BackgroundJob) -> str:
    return f"干部任免审批表_{FORMATS.get(job.params.get('format'), '')}_{job.created_at:%Y%m%d}_{job.total}人.zip"
