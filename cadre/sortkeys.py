"""Sort keys for the roster's 姓氏笔画 and 拼音 orders: pure functions, computed when a record is saved.

Stroke counts come from Unicode's Unihan kTotalStrokes (Debian package unicode-data), stored for the
CJK Unified Ideographs block in data/strokes_4e00_9fff.txt, one character (chr(48 + strokes)) per code point.
"""
from functools import lru_cache
from pathlib import Path

from pypinyin import Style, lazy_pinyin

_STROKES_FILE = Path(__file__).resolve().parent / "data" / "strokes_4e00_9fff.txt"


@lru_cache(maxsize=1)
def _strokes_table() -> str:
    return _STROKES_FILE.read_text(encoding="utf-8")


def strokes(char: str) -> int:
    cp = ord(char)
    if 0x4E00 <= cp <= 0x9FFF:
        return ord(_strokes_table()[cp - 0x4E00]) - 48
    return 0


def pinyin_key(name: str) -> str:
    """`张三` → `zhang san`; lower-case ASCII, sortable."""
    return " ".join(lazy_pinyin(name, style=Style.NORMAL, errors="default")).lower()[:100]


def stroke_key(name: str) -> str:
    """Stroke count of each character, two digits each, then the pinyin as a tie-break: 王五 → `0404|wang wu`."""
    counts = "".join(f"{strokes(c):02d}" for c in name[:6])
    return f"{counts}|{pinyin_key(name)}"[:120]
