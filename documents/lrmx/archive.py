"""A batch of LRMX files: uploaded one by one or as a .zip, checked before anything is read.

Limits (settings): ``LRMX_BATCH_MAX_FILES`` files in one batch, ``LRMX_UPLOAD_MAX_BYTES`` per file,
``LRMX_BATCH_MAX_BYTES`` for the whole batch (the zip itself and what it inflates to). A zip is checked from its
central directory first (member count, declared sizes, names: no absolute path, drive letter or ``..``), then
read member by member counting the bytes actually inflated, so a header that lies about a size is caught too.
Members that are not ``.lrmx``/``.xml`` files (``__MACOSX/``, ``.DS_Store``, a nested zip) are skipped with a
note. Uploaded single files are packed into one zip, so a stored batch is always a zip.
"""
from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.template.defaultfilters import filesizeformat

from core.exceptions import ApplicationError

from .source import read_root

SUFFIXES = (".lrmx", ".xml")
CHUNK = 64 * 1024
ZIP_MAGIC = b"PK\x03\x04"


@dataclass
class Member:
    name: str
    data: bytes = b""
    error: str = ""  # the file could not be read at all (size, bad zip data): refused with this message


@dataclass
class Batch:
    members: list[Member] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # skipped members, said in Chinese


def max_files() -> int:
    return settings.LRMX_BATCH_MAX_FILES


def per_file_limit() -> int:
    return settings.LRMX_UPLOAD_MAX_BYTES


def total_limit() -> int:
    return settings.LRMX_BATCH_MAX_BYTES


def is_zip(head: bytes) -> bool:
    return head.startswith(ZIP_MAGIC) or head.startswith(b"PK\x05\x06")  # an empty zip has only its end record


def _member_name(info: zipfile.ZipInfo) -> str:
    """The member's name; names written by Chinese Windows tools are GBK without the UTF-8 flag."""
    name = info.filename
    if not info.flag_bits & 0x800:
        try:
            raw = name.encode("cp437")
        except UnicodeEncodeError:
            return name
        for encoding in ("utf-8", "gb18030"):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError:
                continue
    return name


def _unsafe(name: str) -> bool:
    normalized = name.replace("\\", "/")
    return (
        normalized.startswith("/")
        or (len(normalized) > 1 and normalized[1] == ":")
        or ".." in normalized.split("/")
        or "\x00" in normalized
    )


def _skip_note(name: str) -> str | None:
    """Why a member is not read (None: it is an LRMX file)."""
    base = posixpath.basename(name.replace("\\", "/"))
    if name.startswith("__MACOSX/") or "/__MACOSX/" in name or base.startswith("._"):
        return f"已跳过「{name}」：macOS系统生成的附属文件"
    if base.lower().endswith(".zip"):
        return f"已跳过「{name}」：压缩包中的压缩包不会解开，请解压后重新打包"
    if not base.lower().endswith(SUFFIXES):
        return f"已跳过「{name}」：不是LRMX文件（扩展名应为.lrmx）"
    return None


def read_zip(fileobj, *, label: str = "压缩包") -> Batch:
    """The LRMX members of a zip, after the checks above. Raises ApplicationError (nothing extracted) when the
    archive as a whole is refused; a single unreadable member is refused on its own (``Member.error``)."""
    try:
        archive = zipfile.ZipFile(fileobj)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ApplicationError(f"{label}已损坏或不是zip格式，无法打开") from None
    with archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        batch = Batch()
        wanted = []
        for info in infos:
            name = _member_name(info)
            if _unsafe(name):
                raise ApplicationError(f"{label}中的「{name[:100]}」使用了绝对路径或“..”，出于安全原因拒绝整个压缩包")
            note = _skip_note(name)
            if note:
                batch.notes.append(note)
            else:
                wanted.append((name, info))
        if len(wanted) > max_files():
            raise ApplicationError(f"{label}中有{len(wanted)}个LRMX文件，一次最多导入{max_files()}个，请分批导入")
        declared = sum(info.file_size for _, info in wanted)
        if declared > total_limit():
            raise ApplicationError(
                f"{label}解压后共{filesizeformat(declared)}，超过{filesizeformat(total_limit())}的上限，未解压"
            )
        for name, info in wanted:
            if info.file_size > per_file_limit():
                raise ApplicationError(
                    f"{label}中的「{name}」解压后为{filesizeformat(info.file_size)}，"
                    f"单个文件不能超过{filesizeformat(per_file_limit())}，未解压"
                )
        inflated = 0
        for name, info in wanted:
            member = _read_member(archive, info, name, total_limit() - inflated)
            inflated += len(member.data)
            batch.members.append(member)
    return batch


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, room: int) -> Member:
    """One member, inflated chunk by chunk; the count of bytes actually produced is checked, not the header."""
    limit = min(per_file_limit(), info.file_size)
    out = io.BytesIO()
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(CHUNK):
                out.write(chunk)
                if out.tell() > limit:
                    return Member(name, error=f"文件「{name}」解压后超过声明的大小或{filesizeformat(per_file_limit())}的上限，已拒绝")
                if out.tell() > room:
                    raise ApplicationError(f"压缩包解压后超过{filesizeformat(total_limit())}的上限，已停止解压")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
        reason = "已加密" if isinstance(exc, RuntimeError) else "数据已损坏"
        return Member(name, error=f"文件「{name}」在压缩包中{reason}，无法读取")
    return Member(name, data=out.getvalue())


def _size(upload) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    upload.seek(0)
    return size


def pack_uploads(uploads) -> tuple[bytes, str, int]:
    """The uploaded files as one zip to store (a single uploaded zip is kept as it is, after its checks), a name
    for it and the number of LRMX files in it. Raises ApplicationError when the batch is refused as a whole."""
    uploads = list(uploads)
    if not uploads:
        raise ApplicationError("请选择要导入的LRMX文件或zip压缩包", field="file")
    total = sum(_size(u) for u in uploads)
    if total > total_limit():
        raise ApplicationError(f"上传的文件共{filesizeformat(total)}，超过{filesizeformat(total_limit())}的上限", field="file")
    if len(uploads) == 1 and is_zip(uploads[0].read(4)):
        uploads[0].seek(0)
        data = uploads[0].read()
        checked = read_zip(io.BytesIO(data), label=f"压缩包「{uploads[0].name}」")  # refused now, not in the job
        return data, uploads[0].name, len(checked.members)
    if len(uploads) > max_files():
        raise ApplicationError(f"一次选择了{len(uploads)}个文件，最多{max_files()}个，请分批导入", field="file")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, upload in enumerate(uploads, 1):
            upload.seek(0)
            if is_zip(upload.read(4)):
                raise ApplicationError(f"「{upload.name}」是压缩包：压缩包请单独上传，不要与其他文件一起选择", field="file")
            upload.seek(0)
            if _size(upload) > per_file_limit():
                raise ApplicationError(
                    f"文件「{upload.name}」为{filesizeformat(_size(upload))}，单个文件不能超过{filesizeformat(per_file_limit())}",
                    field="file",
                )
            name = posixpath.basename((upload.name or f"文件{index}.lrmx").replace("\\", "/"))
            if not name.lower().endswith(SUFFIXES):
                name += ".lrmx"  # the name is only a label: the content decides
            archive.writestr(_unique(archive, name), upload.read())
    return out.getvalue(), "LRMX文件.zip", len(uploads)


def _unique(archive: zipfile.ZipFile, name: str) -> str:
    taken = set(archive.namelist())
    stem, dot, ext = name.rpartition(".")
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{stem}（{n}）{dot}{ext}", n + 1
    return candidate


def read_paths(paths) -> Batch:
    """The command line's files and zips, with the same checks as an upload."""
    batch = Batch()
    for path in paths:
        if not path.is_file():
            raise ApplicationError(f"文件不存在：{path}")
        with path.open("rb") as fh:
            head = fh.read(4)
            fh.seek(0)
            if is_zip(head):
                if path.stat().st_size > total_limit():
                    raise ApplicationError(f"压缩包「{path.name}」超过{filesizeformat(total_limit())}的上限")
                inner = read_zip(fh, label=f"压缩包「{path.name}」")
                batch.members += [Member(f"{path.name}/{m.name}", m.data, m.error) for m in inner.members]
                batch.notes += inner.notes
            elif path.stat().st_size > per_file_limit():
                batch.members.append(Member(path.name, error=f"文件「{path.name}」超过{filesizeformat(per_file_limit())}，已拒绝"))
            else:
                batch.members.append(Member(path.name, fh.read()))
        if len(batch.members) > max_files():
            raise ApplicationError(f"一次最多导入{max_files()}个LRMX文件，请分批导入")
    return batch


def check_member(member: Member):
    """The member's ``<Person>`` element; ApplicationError (naming the file) when it is not an LRMX file."""
    if member.error:
        raise ApplicationError(member.error)
    return read_root(member.data, member.name)
