"""Render every document kind from the sample data to PNG in docs/screenshots/ (look at them after a layout change).

    .venv/bin/python -m documents.tests.screenshots [--dpi 60] [--out docs/screenshots]

Campaign documents come from ``documents.tests.samples``; the 任免审批表 from the test cadre of conftest
(``make_full_cadre``) in a throw-away SQLite database. Each PDF page becomes ``doc-<kind>[-<page>].png``.
"""
import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.gettempdir()}/doc_screenshots.sqlite3"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from documents import rendering, selectors, services  # noqa: E402
from documents.models import DocumentKind  # noqa: E402
from documents.tests import samples  # noqa: E402
from documents.tests.conftest import make_full_cadre  # noqa: E402
from cadre.models import Cadre  # noqa: E402

SLUG = {kind: kind.replace("_", "-") for kind in DocumentKind.values}


def to_png(pdf: bytes, stem: str, out: Path, dpi: int) -> list[Path]:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "doc.pdf"
        src.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(src), str(Path(tmp) / "page")], check=True)
        pages = sorted(Path(tmp).glob("page-*.png"))
        written = []
        for n, page in enumerate(pages, start=1):
            name = f"{stem}.png" if len(pages) == 1 else f"{stem}-{n}.png"
            target = out / name
            target.write_bytes(page.read_bytes())
            written.append(target)
        return written


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dpi", type=int, default=60)
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0)
    for kind, data in samples.all_campaign_samples().items():
        html, ctx = services.campaign_document_html(kind, data)
        part = rendering.render_chunk([html], [ctx["title"]])[0]
        for old in out.glob(f"doc-{SLUG[kind]}*.png"):
            old.unlink()
        for path in to_png(part.pdf, f"doc-{SLUG[kind]}", out, args.dpi):
            print(path)
    # 任免审批表 (two pages)
    cadre = Cadre.objects.filter(name="张晓明").first() or make_full_cadre()
    data = selectors.approval_form_data(
        selectors.cadre_for_documents(cadre.pk), {"proposed": "财政局副局长", "removed": "财政局预算科科长",
                                                   "reason": "工作需要", "reporting_unit": "中共东林经济开发区工委组织部"},
    )
    html = rendering.render_part_html(services.APPROVAL_TEMPLATE, {"p": data})
    part = rendering.render_chunk([html], ["干部任免审批表"])[0]
    for path in to_png(part.pdf, "doc-approval-form", out, args.dpi):
        print(path)


if __name__ == "__main__":
    main()
