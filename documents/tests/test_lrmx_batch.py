"""LRMX batch import: preview states (field by field), re-import unchanged, refused files among good ones, zip
limits (a zip bomb, a lying header, unsafe names, too many files), the xlsx report, the Celery path, the command,
and who may use the pages."""
import io
import struct
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from cadre.models import Cadre
from core.exceptions import ApplicationError
from core.models import AuditEvent, BackgroundJob
from documents import lrmx, services
from documents.lrmx import archive
from documents.tests.conftest import make_full_cadre

pytestmark = pytest.mark.django_db


def _zip(members: dict, compression=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out.getvalue()


@pytest.fixture
def files(db):
    """Three people: 张晓明 on file and unchanged, 李红梅 on file with two fields changed, 王建国 new; plus a file
    that is not XML and one without <Person>."""
    same = make_full_cadre(name="张晓明", seq=7)
    changed = make_full_cadre(name="李红梅", seq=8, with_photo=False)
    new = make_full_cadre(name="王建国", seq=9, with_photo=False)
    data = {
        "张晓明.lrmx": lrmx.export_person(same),
        "李红梅.lrmx": lrmx.export_person(changed).decode().replace("浙江湖州", "浙江安吉")
        .replace("财政预算管理", "政府采购").encode(),
        "王建国.lrmx": lrmx.export_person(new),
        "坏文件.lrmx": b"%PDF-1.4 not xml",
        "别的XML.lrmx": "<?xml version='1.0'?><Root><A>1</A></Root>".encode(),
    }
    new_id = new.id_number
    Cadre.objects.filter(pk=new.pk).delete()
    return {"data": data, "same": same, "changed": changed, "new_id": new_id}


def _uploads(data: dict):
    return [SimpleUploadedFile(name, content) for name, content in data.items()]


def _by_file(report):
    return {e["file"]: e for e in report["entries"]}


def test_preview_states_and_confirm(files, staff_user):
    audits = AuditEvent.objects.count()
    job = services.lrmx_batch_start(actor=staff_user, uploads=_uploads(files["data"]))
    job.refresh_from_db()
    assert job.status == "done" and job.params["mode"] == "preview"
    preview = _by_file(job.result["preview"])
    assert preview["张晓明.lrmx"]["status"] == "unchanged" and preview["张晓明.lrmx"]["changes"] == []
    assert preview["李红梅.lrmx"]["status"] == "changed"
    assert ["籍贯", "浙江湖州", "浙江安吉"] in preview["李红梅.lrmx"]["changes"]
    assert ["熟悉专业有何专长", "财政预算管理", "政府采购"] in preview["李红梅.lrmx"]["changes"]
    assert len(preview["李红梅.lrmx"]["changes"]) == 2
    assert preview["王建国.lrmx"]["status"] == "new"
    assert preview["坏文件.lrmx"]["status"] == "refused"
    assert "坏文件.lrmx" in preview["坏文件.lrmx"]["reasons"][0] and "XML" in preview["坏文件.lrmx"]["reasons"][0]
    assert "没有Person元素" in preview["别的XML.lrmx"]["reasons"][0]
    assert job.result["preview"]["counts"] == {"new": 1, "changed": 1, "unchanged": 1, "refused": 2}
    # the preview wrote nothing
    assert not Cadre.objects.filter(id_number=files["new_id"]).exists()
    assert Cadre.objects.get(pk=files["changed"].pk).native_place == "浙江湖州"
    assert AuditEvent.objects.count() == audits

    services.lrmx_batch_confirm(actor=staff_user, job=job)
    job.refresh_from_db()
    done = _by_file(job.result["import"])
    assert job.status == "done" and job.result["import"]["counts"] == {"new": 1, "changed": 1, "unchanged": 1, "refused": 2}
    assert Cadre.objects.get(pk=files["changed"].pk).native_place == "浙江安吉"
    created = Cadre.objects.get(id_number=files["new_id"])
    assert done["王建国.lrmx"]["cadre_id"] == created.pk and created.family.count() == 3
    imports = AuditEvent.objects.filter(action="cadre.lrmx_import")
    assert sorted(imports.values_list("object_id", flat=True)) == sorted([str(created.pk), str(files["changed"].pk)])
    assert AuditEvent.objects.filter(action="documents.lrmx_batch_import").count() == 1
    with pytest.raises(ApplicationError):  # confirmed once only
        services.lrmx_batch_confirm(actor=staff_user, job=job)


def test_importing_the_same_files_again_changes_nothing(files, staff_user):
    job = services.lrmx_batch_start(actor=staff_user, uploads=_uploads(files["data"]))
    services.lrmx_batch_confirm(actor=staff_user, job=job)
    audits = AuditEvent.objects.exclude(action="documents.lrmx_batch_import").count()
    history = Cadre.history.count()
    again = services.lrmx_batch_start(actor=staff_user, uploads=_uploads(files["data"]))
    again.refresh_from_db()
    statuses = {e["file"]: e["status"] for e in again.result["preview"]["entries"]}
    assert {statuses[n] for n in ("张晓明.lrmx", "李红梅.lrmx", "王建国.lrmx")} == {"unchanged"}
    services.lrmx_batch_confirm(actor=staff_user, job=again)
    again.refresh_from_db()
    assert again.result["import"]["counts"]["unchanged"] == 3
    assert AuditEvent.objects.exclude(action="documents.lrmx_batch_import").count() == audits
    assert Cadre.history.count() == history


def test_same_person_twice_in_one_batch_is_refused_once(files, staff_user):
    data = {"a.lrmx": files["data"]["李红梅.lrmx"], "b.lrmx": files["data"]["李红梅.lrmx"]}
    job = services.lrmx_batch_start(actor=staff_user, uploads=_uploads(data))
    job.refresh_from_db()
    entries = _by_file(job.result["preview"])
    assert entries["a.lrmx"]["status"] == "changed" and entries["b.lrmx"]["status"] == "refused"
    assert "a.lrmx" in entries["b.lrmx"]["reasons"][0]


def test_zip_with_junk_members_is_read_and_junk_skipped_with_a_note(files, staff_user):
    members = {f"干部/{k}": v for k, v in files["data"].items()}
    members.update({"__MACOSX/干部/._张晓明.lrmx": b"junk", "干部/.DS_Store": b"junk", "说明.txt": b"x"})
    upload = SimpleUploadedFile("批量.zip", _zip(members))
    job = services.lrmx_batch_start(actor=staff_user, uploads=[upload])
    job.refresh_from_db()
    report = job.result["preview"]
    assert job.total == 5 and len(report["entries"]) == 5
    assert len(report["notes"]) == 3 and any("__MACOSX" in n for n in report["notes"])
    assert _by_file(report)["干部/王建国.lrmx"]["status"] == "new"


def test_gbk_member_names_are_read(files):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        info = zipfile.ZipInfo("ab.lrmx")
        zf.writestr(info, files["data"]["王建国.lrmx"])
    raw = out.getvalue().replace(b"ab.lrmx", "王.lrmx".encode("gbk"))  # as Chinese Windows writes it: no UTF-8 flag
    batch = archive.read_zip(io.BytesIO(raw))
    assert batch.members[0].name == "王.lrmx"


def test_zip_bomb_refused_before_extraction(settings, staff_user):
    settings.LRMX_BATCH_MAX_BYTES = 1024 * 1024
    bomb = _zip({"bomb.lrmx": b"<" + b"0" * (8 * 1024 * 1024)})
    assert len(bomb) < 64 * 1024
    with pytest.raises(ApplicationError, match=r"超过1.0\sMB的上限，未解压"):
        services.lrmx_batch_start(actor=staff_user, uploads=[SimpleUploadedFile("b.zip", bomb)])
    assert not BackgroundJob.objects.exists()


def test_member_over_the_per_file_limit_refused(settings):
    settings.LRMX_UPLOAD_MAX_BYTES = 1000
    with pytest.raises(ApplicationError, match="单个文件不能超过"):
        archive.read_zip(io.BytesIO(_zip({"a.lrmx": b"<Person/>", "big.lrmx": b"<" + b" " * 5000})))


def _lie_about_size(data: bytes, declared: int) -> bytes:
    """Rewrite the uncompressed size in the local header and the central directory."""
    raw = bytearray(data)
    local = raw.index(b"PK\x03\x04")
    raw[local + 22:local + 26] = struct.pack("<I", declared)
    central = raw.index(b"PK\x01\x02")
    raw[central + 24:central + 28] = struct.pack("<I", declared)
    return bytes(raw)


def test_lying_header_is_caught_while_inflating(settings):
    settings.LRMX_UPLOAD_MAX_BYTES = 4096
    liar = _lie_about_size(_zip({"liar.lrmx": b"<" + b"0" * 200_000}), 100)
    batch = archive.read_zip(io.BytesIO(liar))
    [member] = batch.members
    assert member.error and "liar.lrmx" in member.error and member.data == b""


@pytest.mark.parametrize("name", ["/etc/passwd.lrmx", "../up.lrmx", "a/../../b.lrmx", "C:/x.lrmx"])
def test_unsafe_member_names_refuse_the_zip(name):
    with pytest.raises(ApplicationError, match="绝对路径"):
        archive.read_zip(io.BytesIO(_zip({"ok.lrmx": b"<Person/>", name: b"<Person/>"})))


def test_too_many_files(settings, staff_user):
    settings.LRMX_BATCH_MAX_FILES = 3
    four = {f"{i}.lrmx": b"<Person/>" for i in range(4)}
    with pytest.raises(ApplicationError, match="一次最多导入3个"):
        archive.read_zip(io.BytesIO(_zip(four)))
    with pytest.raises(ApplicationError, match="最多3个"):
        services.lrmx_batch_start(actor=staff_user, uploads=_uploads(four))
    assert not BackgroundJob.objects.exists()


def test_report_xlsx_is_text_only(files, staff_client):
    data = dict(files["data"])
    data["=HYPERLINK(1).lrmx"] = data.pop("坏文件.lrmx")
    response = staff_client.post(reverse("documents:lrmx-import"), {"file": _uploads(data)})
    job = BackgroundJob.objects.get(kind=services.LRMX_BATCH_KIND)
    assert response.status_code == 302 and response.url == reverse("documents:lrmx-batch", args=[job.pk])
    page = staff_client.get(response.url).content.decode()
    assert "变更" in page and "浙江湖州 → 浙江安吉" in page and "确认导入" in page
    xlsx = staff_client.get(reverse("documents:lrmx-batch-report", args=[job.pk]))
    assert xlsx.status_code == 200 and "spreadsheetml" in xlsx["Content-Type"]
    ws = load_workbook(io.BytesIO(xlsx.content)).active
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=3)]
    assert ["李红梅.lrmx", "李红梅", files["changed"].id_number, "变更", "籍贯", "浙江湖州", "浙江安吉"] in [r[:7] for r in rows]
    bad = next(r for r in rows if str(r[0]).endswith("HYPERLINK(1).lrmx"))
    assert bad[0] == "=HYPERLINK(1).lrmx" and bad[3] == "拒绝"  # as text (core.xlsx), not a formula
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    staff_client.post(reverse("documents:lrmx-batch-confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.result["import"]["counts"]["new"] == 1
    assert "导入完成" in staff_client.get(reverse("documents:lrmx-batch", args=[job.pk])).content.decode()


def test_large_batch_runs_as_a_celery_job(files, settings, staff_user, django_capture_on_commit_callbacks):
    settings.LRMX_BATCH_ASYNC_FILES = 2
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = services.lrmx_batch_start(actor=staff_user, uploads=_uploads(files["data"]))
    job.refresh_from_db()
    assert job.status == "pending" and len(callbacks) == 1  # queued, not run in the request
    callbacks[0]()  # the commit: the (eager) task runs
    job.refresh_from_db()
    assert job.status == "done" and job.progress == job.total == 5
    with django_capture_on_commit_callbacks(execute=True):
        services.lrmx_batch_confirm(actor=staff_user, job=job)
    job.refresh_from_db()
    assert job.status == "done" and job.result["import"]["counts"]["new"] == 1
    assert Cadre.objects.filter(id_number=files["new_id"]).exists()


def test_command_with_several_files_and_a_zip(files, tmp_path, capsys):
    for name in ("李红梅.lrmx", "坏文件.lrmx"):
        (tmp_path / name).write_bytes(files["data"][name])
    (tmp_path / "more.zip").write_bytes(_zip({"王建国.lrmx": files["data"]["王建国.lrmx"], ".DS_Store": b"x"}))
    paths = [str(tmp_path / n) for n in ("李红梅.lrmx", "坏文件.lrmx", "more.zip")]
    with pytest.raises(CommandError, match="1个文件被拒绝"):
        call_command("import_lrmx", *paths, "--dry-run")
    out = capsys.readouterr()
    assert "[变更] 李红梅.lrmx" in out.out and "籍贯：浙江湖州 → 浙江安吉" in out.out and "[新增] more.zip/王建国.lrmx" in out.out
    assert "坏文件.lrmx" in out.err and "已跳过「.DS_Store」" in out.out
    assert not Cadre.objects.filter(id_number=files["new_id"]).exists()
    report = tmp_path / "r.xlsx"
    with pytest.raises(CommandError):
        call_command("import_lrmx", *paths, "--report", str(report))
    assert Cadre.objects.filter(id_number=files["new_id"]).exists()
    assert load_workbook(report).active["A1"].value == "LRMX批量导入报告"
    with pytest.raises(CommandError):  # again: nothing changes
        call_command("import_lrmx", *paths)
    assert "未变2人" in capsys.readouterr().out


@pytest.mark.parametrize("role", ["leader_user", "observer_user", "candidate_user", "judge_user"])
def test_only_staff_may_use_the_batch_pages(role, request, staff_user, files):
    job = services.lrmx_batch_start(actor=staff_user, uploads=_uploads({"a.lrmx": files["data"]["王建国.lrmx"],
                                                                        "b.lrmx": files["data"]["坏文件.lrmx"]}))
    client = Client()
    client.force_login(request.getfixturevalue(role))
    upload = SimpleUploadedFile("z.zip", _zip({"a.lrmx": files["data"]["王建国.lrmx"]}))
    assert client.post(reverse("documents:lrmx-import"), {"file": upload}).status_code == 403
    assert client.get(reverse("documents:lrmx-batch", args=[job.pk])).status_code == 403
    assert client.get(reverse("documents:lrmx-batch-report", args=[job.pk])).status_code == 403
    assert client.post(reverse("documents:lrmx-batch-confirm", args=[job.pk])).status_code == 403
    assert not Cadre.objects.filter(id_number=files["new_id"]).exists()
    staff = Client()
    staff.force_login(staff_user)
    assert staff.get(reverse("documents:lrmx-batch", args=[job.pk])).status_code == 200


def test_more_separate_files_than_django_accepts_get_a_chinese_page(settings, staff_user):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(staff_user)
    client.get(reverse("documents:lrmx-import"))
    token = client.cookies["csrftoken"].value
    files = [SimpleUploadedFile(f"{i}.lrmx", b"<Person/>") for i in range(4)]
    response = client.post(reverse("documents:lrmx-import"), {"file": files, "csrfmiddlewaretoken": token})
    assert response.status_code == 400 and "zip" in response.content.decode()
    assert not BackgroundJob.objects.exists()


def test_refused_zip_on_the_page_says_why(staff_client):
    upload = SimpleUploadedFile("坏.zip", _zip({"../x.lrmx": b"<Person/>"}))
    response = staff_client.post(reverse("documents:lrmx-import"), {"file": upload})
    assert response.status_code == 400 and "出于安全原因拒绝整个压缩包" in response.content.decode()
    assert not BackgroundJob.objects.exists()
