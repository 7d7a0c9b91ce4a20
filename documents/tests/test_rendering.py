"""PDF output: the text pdftotext extracts, page splitting of a batch, page numbers restarting per document."""
import subprocess

import pytest

from documents import rendering, services
from documents.campaign_docs import build_context
from documents.models import DocumentKind
from documents.tests import samples


def pdf_text(pdf: bytes, tmp_path, name="doc") -> str:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout


def squash(text: str) -> str:
    return "".join(text.split())


EXPECTED = {
    DocumentKind.POST_ANNOUNCEMENT: ["2026年度开发区中层干部竞争上岗职位公告", "财政局", "副镇长", "2026年11月24日至2026年11月30日", "东开组〔2026〕12号"],
    DocumentKind.QUALIFICATION_NOTICE: ["资格审查结果公示", "张晓明", "东林镇人民政府副镇长（2名）", "2026年12月7日至2026年12月11日"],
    DocumentKind.INSPECTION_NOTICE: ["考察对象公示", "确定下列7名同志为考察对象"],
    DocumentKind.PRE_APPOINTMENT_NOTICE: ["任前公示", "张晓明", "财政局副局长", "2026年11月24日至2026年11月30日（5个工作日）", "0572-2381234"],
    DocumentKind.APPOINTMENT_NOTICE: ["中共东林经济开发区工委组织部文件", "东开组〔2026〕15号", "聘任张晓明同志为财政局副局长", "试用期1年", "聘期2年", "2026年12月21日"],
    DocumentKind.ROTATION_NOTICE: ["关于赵丽等同志轮岗交流的通知", "南湖街道办事处副主任", "2027年1月8日前到新岗位报到"],
}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", list(EXPECTED))
def test_campaign_document_text(kind, tmp_path):
    html, ctx = services.campaign_document_html(kind, samples.all_campaign_samples()[kind])
    part = rendering.render_chunk([html], [ctx["title"]])[0]
    text = squash(pdf_text(part.pdf, tmp_path))
    for expected in EXPECTED[kind] + ["中共东林经济开发区工作委员会组织部"]:
        assert squash(expected) in text, expected


@pytest.mark.django_db
def test_batch_splits_per_document_and_restarts_page_numbers(tmp_path):
    people = [samples.person(i) for i in range(3)]
    parts, titles = [], []
    for i, p in enumerate(people):
        html, ctx = services.campaign_document_html(
            DocumentKind.PRE_APPOINTMENT_NOTICE, samples.pre_appointment([p])
        )
        parts.append(html)
        titles.append(f"任前公示-{p.name}")
    # one long document in the middle (two pages) to check the page ranges
    long_html, _ = services.campaign_document_html(DocumentKind.POST_ANNOUNCEMENT, samples.post_announcement())
    results = rendering.render_many(parts + [long_html], titles + ["职位公告"], chunk_size=10)
    assert [r.page_count for r in results][:3] == [1, 1, 1]
    assert results[3].page_count == 2
    for person, result in zip(people, results):
        text = pdf_text(result.pdf, tmp_path, person.name)
        assert person.name in squash(text)
        others = [p.name for p in people if p.name != person.name]
        assert not any(o in squash(text) for o in others)
        assert "—1—" in squash(text)
    second = pdf_text(results[3].pdf, tmp_path, "long")
    assert "—2—" in squash(second) and "—3—" not in squash(second)


def test_pre_appointment_period_needs_five_working_days():
    data = samples.pre_appointment()
    data.working_days = 4
    with pytest.raises(services.ApplicationError, match="不少于5个工作日"):
        build_context(DocumentKind.PRE_APPOINTMENT_NOTICE, data)


def test_font_face_uses_configured_truetype_paths(settings, tmp_path):
    licensed = tmp_path / "fangsong.ttf"
    licensed.write_bytes(b"\0")
    settings.PDF_BODY_FONT_PATHS = [str(licensed)]
    settings.PDF_FONT_PATHS = ["/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "/nonexistent/font.ttf"]
    css = rendering.font_face_css(rendering.font_settings())
    assert licensed.as_uri() in css and "wqy-zenhei.ttc" in css and "nonexistent" not in css
    # the licensed 仿宋 comes first in the body stack
    body_line = next(line for line in css.splitlines() if line.startswith(".doc-font-body"))
    assert body_line.index("DocFont0") < body_line.index("DocFont1")


def test_approval_form_pdf_text(full_cadre, tmp_path):
    doc = services.approval_form_generate(
        actor=None, cadre_id=full_cadre.pk, proposal={"proposed": "财政局副局长", "reason": "工作需要"}
    )
    with doc.file.open("rb") as handle:
        text = squash(pdf_text(handle.read(), tmp_path))
    for expected in ["干部任免审批表", "张晓明", "1985.06", "浙江湖州", "经济学学士", "浙江财经大学财政学专业",
                     "2008.07--2012.05东林镇人民政府党政办科员", "财政局预算科科长", "财政局副局长",
                     "2024年度考核为优秀", "记三等功", "妻子", "李丽", "东林中学教师", "工作需要"]:
        assert squash(expected) in text, expected
    assert doc.page_count == 2
