"""公文 layout (GB/T 9704-2012) checked on the PDF itself (pdftotext -bbox): one colon after 主送机关, page numbers
`— N —` on the outer side, the 落款 on the page of the last paragraph, the 版记 at the foot of the last page, the
发文机关标志 35 mm into the 版心, post names not broken inside a word in table cells."""
import dataclasses
import re
import subprocess
from html import unescape

import pytest

from documents import rendering, services
from documents.campaign_docs import PostWithPeople
from documents.models import DocumentKind
from documents.templatetags.documents_print import keep_words, post_words
from documents.tests import samples

MM = 72 / 25.4
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')


@dataclasses.dataclass
class Word:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


def pages_of(pdf: bytes, tmp_path, name="doc") -> list[list[Word]]:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    html = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, check=True, text=True).stdout
    pages = []
    for chunk in html.split("<page ")[1:]:
        pages.append([Word(*(float(v) for v in m.groups()[:4]), unescape(m.group(5))) for m in WORD.finditer(chunk)])
    return pages


def text_of(words: list[Word]) -> str:
    return "".join(w.text for w in words)


def render(kind, data):
    html, ctx = services.campaign_document_html(kind, data)
    return rendering.render_chunk([html], [ctx["title"]])[0]


@pytest.mark.django_db
@pytest.mark.parametrize("addressee", ["管委会各部门，各镇（街道）", "各部门、各单位：", "各部门、各单位:"])
def test_one_colon_after_the_addressee(addressee, tmp_path):
    data = samples.appointment_notice()
    data.addressee = addressee
    text = "".join(text_of(p) for p in pages_of(render(DocumentKind.APPOINTMENT_NOTICE, data).pdf, tmp_path))
    stem = addressee.rstrip("：:")
    assert f"{stem}：" in text and "：：" not in text and "：:" not in text


@pytest.mark.django_db
def test_page_numbers_on_the_outer_side(tmp_path):
    part = render(DocumentKind.QUALIFICATION_NOTICE, samples.list_notice())
    pages = pages_of(part.pdf, tmp_path)
    assert len(pages) >= 2
    width = 210 * MM
    for n, words in enumerate(pages, start=1):
        bottom = [w for w in words if w.y0 > 262 * MM]  # below the 版心
        assert text_of(bottom) == f"—{n}—", text_of(bottom)
        left, right = min(w.x0 for w in bottom), max(w.x1 for w in bottom)
        if n % 2:  # odd: right, 空一字 (one 4号 character, 14 pt) from the 版心's right edge
            assert left > width / 2 and 10 < (210 - 26) * MM - right < 20
        else:  # even: left, 空一字 from the left edge
            assert right < width / 2 and 10 < left - 28 * MM < 20


@pytest.mark.django_db
def test_page_numbers_restart_and_keep_their_side_in_a_batch(tmp_path):
    """In a batch the second document starts on page 2 of the combined PDF: its page 1 is still on the right."""
    one = services.campaign_document_html(DocumentKind.PRE_APPOINTMENT_NOTICE, samples.pre_appointment())[0]
    two = services.campaign_document_html(DocumentKind.QUALIFICATION_NOTICE, samples.list_notice())[0]
    parts = rendering.render_many([one, two], ["a", "b"], chunk_size=10)
    pages = pages_of(parts[1].pdf, tmp_path)
    first = next(w for w in pages[0] if w.y0 > 262 * MM and w.text == "1")
    assert first.x0 > 105 * MM


@pytest.mark.django_db
@pytest.mark.parametrize("people", range(1, 13))
def test_signature_never_alone_on_a_page(people, tmp_path):
    """However many people the list holds, the page with the 落款 also holds the last paragraph."""
    data = samples.list_notice()
    data.groups = [PostWithPeople(post=samples.POSTS[0], people=[samples.person(i) for i in range(people)])]
    pages = pages_of(render(DocumentKind.QUALIFICATION_NOTICE, data).pdf, tmp_path)
    last = text_of(pages[-1])
    assert samples.ISSUER.organ in last and "2026年12月7日" in last
    assert "电子邮箱" in last  # the last contact line: the last paragraph of the text
    for page in pages[:-1]:
        assert samples.ISSUER.organ not in text_of(page)


@pytest.mark.django_db
def test_banji_at_the_foot_of_the_last_page(tmp_path):
    pages = pages_of(render(DocumentKind.APPOINTMENT_NOTICE, samples.appointment_notice()).pdf, tmp_path)
    last = pages[-1]
    assert "抄送" in text_of(last) and all("抄送" not in text_of(p) for p in pages[:-1])
    copy_to = next(w for w in last if w.text.startswith("抄送"))
    printed = [w for w in last if "印发" in w.text]
    assert copy_to.y0 > 225 * MM  # in the lowest part of the 版心 (which ends at 262 mm)
    assert printed and max(w.y1 for w in printed) < 262 * MM + 2
    signature = next(w for w in last if w.text.startswith("2026年12月21日") and w.y0 < copy_to.y0)
    assert signature.y1 < copy_to.y0


@pytest.mark.django_db
def test_organ_mark_35_mm_below_the_top_of_the_type_area(tmp_path):
    pages = pages_of(render(DocumentKind.APPOINTMENT_NOTICE, samples.appointment_notice()).pdf, tmp_path)
    mark = [w for w in pages[0] if w.y0 < 100 * MM]
    assert text_of(mark).startswith("中共东林经济开发区工委组织部文件")
    top = min(w.y0 for w in mark)
    # pdftotext reports the font box (its ascent reaches a little above the em box, whose top is at 35 mm)
    assert (37 + 35) * MM - 5 <= top <= (37 + 35 + 4) * MM
    number = [w for w in pages[0] if "〔2026〕15号" in w.text or w.text == "东开组〔2026〕15号"]
    assert number and number[0].y0 > top + 25 * MM  # two blank lines under the mark


def test_post_words_split_only_between_words():
    assert post_words("东林镇人民政府党政办公室副主任") == ["东林镇", "人民政府", "党政办公室", "副主任"]
    assert post_words("财政局预算科科长") == ["财政局", "预算科", "科长"]
    assert post_words("东林镇副镇长") == ["东林镇", "副镇长"]
    assert post_words("") == []
    html = keep_words("经济发展局综合科科长", 8)
    assert html == '<span class="w">经济发展局</span><wbr><span class="w">综合科</span><wbr><span class="w">科长</span>'
    # a word longer than the cell holds stays breakable; markup is escaped
    assert keep_words("东林经济开发区管理委员会", 4) == "东林经济开发区管理委员会"
    assert "&lt;b&gt;" in keep_words("<b>局", 8)


@pytest.mark.django_db
def test_post_names_in_cells_break_between_words(tmp_path):
    data = samples.pre_appointment([dataclasses.replace(samples.person(0), current_post="东林镇人民政府党政办公室副主任")])
    words = [w for p in pages_of(render(DocumentKind.PRE_APPOINTMENT_NOTICE, data).pdf, tmp_path) for w in p]
    lines = [w.text for w in words if any(part in w.text for part in ("东林镇", "党政办", "副主任"))]
    joined = "|".join(lines)
    # two cell lines, each made of whole words: 东林镇人民政府 / 党政办公室副主任
    assert "东林镇人民政府" in joined and "党政办公室副主任" in joined, joined
