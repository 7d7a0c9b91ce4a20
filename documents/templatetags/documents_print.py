"""Filters of the print templates: 主送机关 with exactly one colon, and post names that break only between words."""
from __future__ import annotations

import re

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()

# the end of an organ or office inside a post name: a line may break after it (财政局|预算科|科长), but not
# inside 副镇长 / 局长 (a suffix followed by 长 is part of the title)
_WORD = re.compile(
    r".+?(?:人民政府|办事处|委员会|办公室|管委会|党工委|纪工委|街道|党委|政府|中心|局|委|办|镇|乡|所|科|队|站|院|部|处|室|股|组)(?!长)"
    r"|.+$"
)


def post_words(text: str) -> list[str]:
    """``东林镇人民政府党政办公室副主任`` → ``['东林镇', '人民政府', '党政办公室', '副主任']``."""
    return _WORD.findall(text or "")


@register.filter
def keep_words(text, width: int = 0):
    """The text as unbreakable words (``<span class="w">``) with break opportunities between them. A word longer
    than ``width`` characters (what the cell holds on one line) stays breakable, so it never overflows its cell."""
    out = []
    for word in post_words(str(text or "")):
        escaped = conditional_escape(word)
        out.append(escaped if width and len(word) > width else f'<span class="w">{escaped}</span>')
    return mark_safe("<wbr>".join(out))


@register.filter
def addressee(text) -> str:
    """主送机关 followed by exactly one full-width colon, whatever the stored text ends with."""
    return (str(text or "").rstrip().rstrip("：:").rstrip()) + "："
