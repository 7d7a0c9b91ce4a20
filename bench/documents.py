"""Benchmark: 1,000 one-page 任前公示 / 任职通知 PDFs, naive (one WeasyPrint call per document) vs batched.

    .venv/bin/python bench/documents.py [--count 1000] [--sample 50] [--workers 2] [--chunk 250]

Naive = what a straightforward implementation does per document: one self-contained HTML(...).write_pdf()
call that parses the print CSS, loads the @font-face CJK font and subsets it into its own PDF. It runs on a
sample and is scaled to the full count. Batched = documents.rendering.render_many: chunks of documents laid
out in one WeasyPrint pass each (shared parsed CSS and FontConfiguration, fonts subset once per chunk), the
chunk PDF cut into per-document files with pypdf, chunks spread over --workers processes.
Both paths include the Django template rendering of each document. Every output is checked to be one page.
"""
import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
# its own throw-away SQLite database: 公示 periods read the working-day calendar table (documents.CalendarDay)
BENCH_DB = Path(os.environ.get("BENCH_DOCUMENTS_DB", "/tmp/bench_documents.sqlite3"))
os.environ["DATABASE_URL"] = f"sqlite:///{BENCH_DB}"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

call_command("migrate", verbosity=0)

from documents import rendering, services  # noqa: E402
from documents.campaign_docs import Appointment, AppointmentNoticeData  # noqa: E402
from documents.formatting import doc_number  # noqa: E402
from documents.models import DocumentKind  # noqa: E402
from documents.tests import samples  # noqa: E402


def documents(count: int):
    """(kind, data) for `count` one-person documents, alternating 任前公示 and 任职通知."""
    out = []
    for i in range(count):
        person = samples.person(i)
        if i % 2 == 0:
            out.append((DocumentKind.PRE_APPOINTMENT_NOTICE, samples.pre_appointment([person])))
        else:
            out.append((DocumentKind.APPOINTMENT_NOTICE, AppointmentNoticeData(
                issuer=samples.ISSUER, issue_date=dt.date(2026, 12, 21), document_number=doc_number("东开组", 2026, 100 + i),
                title=f"关于{person.name}同志职务聘任的通知", addressee="管委会各部门，各镇（街道）",
                decision="经党工委会议研究决定：",
                appointments=[Appointment(person.name, person.proposed_post, person.current_post, is_new_promotion=True)],
                # no 版记: under the GB/T 9704 版头 (标志 35 mm into the 版心) a 任职通知 with 版记 takes two pages
            )))
    return out


def html_parts(items):
    parts, titles = [], []
    for kind, data in items:
        html, ctx = services.campaign_document_html(kind, data)
        parts.append(html)
        titles.append(ctx["title"])
    return parts, titles


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--sample", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--chunk", type=int, default=250)
    args = parser.parse_args()
    items = documents(args.count)
    print(f"CPU cores: {os.cpu_count()}; fonts: {rendering.font_settings()['default']}")

    # naive: one WeasyPrint call per document, on a sample, scaled
    sample = items[: args.sample]
    start = time.perf_counter()
    for kind, data in sample:
        html, ctx = services.campaign_document_html(kind, data)
        pdf = rendering.render_one_naive(html, ctx["title"])
        assert pdf.startswith(b"%PDF")
    naive_each = (time.perf_counter() - start) / len(sample)
    naive_total = naive_each * args.count
    print(f"naive:   {naive_each * 1000:.1f} ms/document on a sample of {len(sample)} → {naive_total:.1f} s for {args.count} (scaled)")

    # batched, one process
    start = time.perf_counter()
    parts, titles = html_parts(items)
    single = rendering.render_many(parts, titles, chunk_size=args.chunk, workers=1)
    single_total = time.perf_counter() - start
    print(f"batched, 1 process:  {single_total:.1f} s ({single_total / args.count * 1000:.1f} ms/document), "
          f"{naive_total / single_total:.1f}x faster than naive")

    # batched, N processes
    start = time.perf_counter()
    parts, titles = html_parts(items)
    results = rendering.render_many(parts, titles, chunk_size=args.chunk, workers=args.workers)
    batched_total = time.perf_counter() - start
    pages = {r.page_count for r in results}
    assert len(results) == args.count and pages == {1}, f"expected one page each, got {pages}"
    assert all(r.pdf.startswith(b"%PDF") for r in results)
    size = sum(len(r.pdf) for r in results) / len(results)
    print(f"batched, {args.workers} processes: {batched_total:.1f} s ({batched_total / args.count * 1000:.1f} ms/document, "
          f"{size / 1024:.0f} KiB/file), {naive_total / batched_total:.1f}x faster than naive")
    # the ceiling: WeasyPrint's layout alone (no PDF writing, no split), shared CSS and fonts, perfect scaling
    from weasyprint import HTML
    from django.conf import settings

    probe = parts[:100]
    sheets, font_config = rendering._stylesheets(rendering._font_key(rendering.font_settings()))
    numbered = [p.replace(f'id="{rendering.PART_ID_PLACEHOLDER}"', f'id="docpart-{i}"', 1) for i, p in enumerate(probe)]
    start = time.perf_counter()
    HTML(string=rendering.wrap_parts(numbered), base_url=str(settings.BASE_DIR)).render(stylesheets=sheets, font_config=font_config)
    layout_each = (time.perf_counter() - start) / len(probe)
    bound = naive_each / (layout_each / args.workers)
    print(f"layout alone: {layout_each * 1000:.1f} ms/page → even with free PDF writing and perfect scaling on "
          f"{args.workers} processes, batched can be at most {bound:.1f}x faster than naive")
    ok = batched_total <= 60 and naive_total / batched_total >= 15
    print("target (batched <= 60 s and >= 15x naive):", "met" if ok else "NOT met")


if __name__ == "__main__":
    main()
