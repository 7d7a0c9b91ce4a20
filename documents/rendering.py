"""HTML → PDF with WeasyPrint, batched: many documents are laid out in ONE pass and split per document.

Why: most of WeasyPrint's cost per call is fixed work (parsing the stylesheet, loading the CJK font through
@font-face, and subsetting it into the PDF). A batch renders one HTML in which every document is a
``<div class="doc-part">`` that starts a new page group (page numbers restart at 1), writes one PDF (the font
is subset once for the whole batch) and cuts it into per-document files by page ranges with pypdf.

Fonts come from ``settings.PDF_FONT_PATHS`` (TrueType/TTC; WenQuanYi Zen Hei by default) and optionally
``PDF_BODY_FONT_PATHS`` (仿宋) and ``PDF_TITLE_FONT_PATHS`` (小标宋) for licensed fonts.
"""
from __future__ import annotations

import atexit
import hashlib
import io
import logging
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.template.loader import get_template, render_to_string
from pypdf import PdfReader, PdfWriter
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

logger = logging.getLogger(__name__)
# WeasyPrint logs every layout step at INFO; a batch of 1,000 documents would flood the log
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

CSS_DIR = Path(settings.BASE_DIR) / "static" / "css" / "print"
PRINT_CSS_FILES = ("gongwen.css", "approval_form.css")
DEFAULT_CHUNK_SIZE = 200
PART_ID_PLACEHOLDER = "docpart-@@"


@dataclass(frozen=True)
class RenderedPart:
    pdf: bytes
    page_count: int


# --- fonts ------------------------------------------------------------------------------------------------------
def _existing(paths) -> list[str]:
    found = []
    for path in paths or []:
        path = str(path)
        if not Path(path).is_file():
            logger.debug("PDF font not found, skipped: %s", path)
            continue
        if path.lower().endswith((".otf", ".otc")):
            logger.warning("PDF font %s is OpenType/CFF: WeasyPrint subsets it about 10x slower than TrueType", path)
        found.append(path)
    return found


def font_settings() -> dict[str, list[str]]:
    default = _existing(getattr(settings, "PDF_FONT_PATHS", []))
    return {
        "default": default,
        "body": _existing(getattr(settings, "PDF_BODY_FONT_PATHS", [])),
        "title": _existing(getattr(settings, "PDF_TITLE_FONT_PATHS", [])),
    }


def font_face_css(fonts: dict[str, list[str]]) -> str:
    """@font-face rules and the three font stacks used by the print CSS (--title, --body, --hei)."""
    rules, families = [], {"default": [], "body": [], "title": []}
    n = 0
    for role in ("title", "body", "default"):
        for path in fonts.get(role, []):
            name = f"DocFont{n}"
            n += 1
            rules.append(f'@font-face {{ font-family: "{name}"; src: url("{Path(path).as_uri()}"); }}')
            families[role].append(f'"{name}"')
    fallback = ['"WenQuanYi Zen Hei"', '"AR PL UMing CN"', "serif"]
    body = families["body"] + families["default"] + fallback
    title = families["title"] + body
    stacks = (
        f".doc-font-body, body {{ font-family: {', '.join(body)}; }}\n"
        f".doc-font-title {{ font-family: {', '.join(title)}; }}\n"
    )
    return "\n".join(rules) + "\n" + stacks


def _css_sources() -> list[str]:
    return [(CSS_DIR / name).read_text(encoding="utf-8") for name in PRINT_CSS_FILES]


@lru_cache(maxsize=4)
def _stylesheets(font_key: tuple):
    """Parsed stylesheets and the shared FontConfiguration (one per process and font set)."""
    fonts = {role: list(paths) for role, paths in font_key}
    font_config = FontConfiguration()
    sheets = [CSS(string=font_face_css(fonts), font_config=font_config)]
    sheets += [CSS(string=source, font_config=font_config) for source in _css_sources()]
    return sheets, font_config


# WeasyPrint's FontConfiguration.__del__ needs its modules alive: drop the cached one before interpreter
# teardown, otherwise every process that rendered a PDF prints "Exception ignored in … __del__" when it exits.
atexit.register(_stylesheets.cache_clear)


def _font_key(fonts: dict[str, list[str]]) -> tuple:
    return tuple((role, tuple(paths)) for role, paths in sorted(fonts.items()))


@lru_cache(maxsize=1)
def style_version() -> str:
    """Hash of the print CSS and the font files' paths and sizes: part of every document's template version."""
    digest = hashlib.sha256()
    for source in _css_sources():
        digest.update(source.encode())
    for role, paths in _font_key(font_settings()):
        for path in paths:
            digest.update(f"{role}:{path}:{Path(path).stat().st_size}".encode())
    return digest.hexdigest()


def template_version(template_name: str) -> str:
    """Content hash of a print template, the shared fragments it uses (``_*.html``) and the style version."""
    digest = hashlib.sha256(style_version().encode())
    template = get_template(template_name)
    origin = Path(template.origin.name)
    digest.update(origin.read_bytes())
    for shared in sorted(origin.parent.glob("_*.html")):
        digest.update(shared.read_bytes())
    return digest.hexdigest()[:32]


# --- HTML ------------------------------------------------------------------------------------------------------
def render_part_html(template_name: str, context: dict) -> str:
    """One document as a page-group fragment (the template extends documents/print/_part.html); the chunk
    it is rendered in numbers its anchor."""
    return render_to_string(template_name, {**context, "part_id": PART_ID_PLACEHOLDER})


def wrap_parts(parts: list[str], title: str = "") -> str:
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{title}</title></head><body>" + "".join(parts) + "</body></html>"
    )


# --- WeasyPrint ------------------------------------------------------------------------------------------------
def _page_ranges(document, count: int) -> list[tuple[int, int]]:
    starts: dict[int, int] = {}
    for page_no, page in enumerate(document.pages):
        for anchor in page.anchors:
            if anchor.startswith("docpart-"):
                starts.setdefault(int(anchor[8:]), page_no)
    missing = [i for i in range(count) if i not in starts]
    if missing:
        raise RuntimeError(f"文书分页定位失败：第{missing[0] + 1}份文书没有生成页面")
    bounds = [starts[i] for i in range(count)] + [len(document.pages)]
    return [(bounds[i], bounds[i + 1]) for i in range(count)]


def _split(pdf_bytes: bytes, ranges: list[tuple[int, int]], titles: list[str]) -> list[RenderedPart]:
    reader = PdfReader(io.BytesIO(pdf_bytes))
    out = []
    for (first, last), title in zip(ranges, titles):
        writer = PdfWriter()
        for page_no in range(first, last):
            writer.add_page(reader.pages[page_no])
        if title:
            writer.add_metadata({"/Title": title})
        buffer = io.BytesIO()
        writer.write(buffer)
        out.append(RenderedPart(pdf=buffer.getvalue(), page_count=last - first))
    return out


def render_chunk(parts: list[str], titles: list[str] | None = None, fonts: dict | None = None) -> list[RenderedPart]:
    """Lay out the fragments in one WeasyPrint pass and return one PDF per fragment."""
    titles = titles or [""] * len(parts)
    sheets, font_config = _stylesheets(_font_key(fonts if fonts is not None else font_settings()))
    numbered = [part.replace(f'id="{PART_ID_PLACEHOLDER}"', f'id="docpart-{i}"', 1) for i, part in enumerate(parts)]
    html = wrap_parts(numbered, titles[0] if len(parts) == 1 else "")
    document = HTML(string=html, base_url=str(settings.BASE_DIR)).render(stylesheets=sheets, font_config=font_config)
    pdf = document.write_pdf()
    if len(parts) == 1:
        return [RenderedPart(pdf=pdf, page_count=len(document.pages))]
    return _split(pdf, _page_ranges(document, len(parts)), titles)


def render_one_naive(html_part: str, title: str = "") -> bytes:
    """The straightforward way (one self-contained WeasyPrint call, fonts and CSS loaded each time).

    Used only by bench/documents.py as the baseline the batched path is measured against.
    """
    css = font_face_css(font_settings()) + "\n".join(_css_sources())
    return HTML(string=wrap_parts([html_part], title), base_url=str(settings.BASE_DIR)).write_pdf(
        stylesheets=[CSS(string=css)]
    )


def _render_chunk_job(args):
    parts, titles, fonts = args
    return render_chunk(parts, titles, fonts)


def _can_fork() -> bool:
    # a Celery prefork child is a daemon process, which may not start children of its own
    return not multiprocessing.current_process().daemon


def render_many(
    parts: list[str],
    titles: list[str] | None = None,
    *,
    chunk_size: int | None = None,
    workers: int = 1,
    progress=None,
) -> list[RenderedPart]:
    """Render many fragments in chunks of ``chunk_size`` (one WeasyPrint pass each), optionally on
    ``workers`` processes. ``progress(done, total)`` is called after each chunk."""
    chunk_size = chunk_size or getattr(settings, "DOCUMENTS_BATCH_CHUNK_SIZE", DEFAULT_CHUNK_SIZE)
    titles = titles or [""] * len(parts)
    fonts = font_settings()
    chunks = [
        (parts[i : i + chunk_size], titles[i : i + chunk_size], fonts) for i in range(0, len(parts), chunk_size)
    ]
    results: list[RenderedPart] = []
    if workers > 1 and len(chunks) > 1 and _can_fork():
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            for chunk_result in pool.map(_render_chunk_job, chunks):
                results.extend(chunk_result)
                if progress:
                    progress(len(results), len(parts))
    else:
        for chunk in chunks:
            results.extend(_render_chunk_job(chunk))
            if progress:
                progress(len(results), len(parts))
    return results
