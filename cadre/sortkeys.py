"""Name keys of a cadre record: pure functions, computed when a record is saved (and in bulk by the importers).

姓氏笔画 order (``stroke_key``), as official lists use it:

1. the surname first: its stroke count, then its strokes in writing order by the five classes 横、竖、撇、点、折
   (1 2 3 4 5: the first stroke decides, then the second …), then the character itself, so that each surname
   stays together (all 王 before any 方: both 4 strokes, 王 starts with 横, 方 with 点);
2. a 复姓 (欧阳, 上官, 司马 …) is one surname: it follows the single surname 欧 and never mixes with 欧X names;
3. then the given name, character by character, by the same rule.

Stroke counts: Unicode's Unihan ``kTotalStrokes`` (every CJK block, rare characters such as 㛃 and 𬌗 included);
stroke orders: cnchar-order (MIT), reduced to the five classes (data/build_stroke_data.py rebuilds both). A
character with a count but no known order sorts after the others of its count; a character with no data at all
(Latin letters, ·) after every character, by code point. Never an error.

The key is digits only (collation-proof on SQLite and PostgreSQL): per character ``SS`` (strokes) + the stroke
classes (exactly SS digits, ``6`` where unknown) + the code point in 7 digits; ``99`` + code point when
unknown. Each token is prefix-free, so comparing the strings compares the tuples.

Pinyin keys: ``pinyin_key`` (``yu jian jun``, the pinyin sort) and ``search_key`` (``yujianjun yjj``: full pinyin
without spaces, then the initials) for the search and the person lookup. A surname reads as a surname: 单 shan,
曾 zeng, 解 xie, 区 ou, 仇 qiu, 尉迟 yuchi, 万俟 moqi …
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pypinyin import Style, lazy_pinyin
from pypinyin.constants import PHRASES_DICT, PINYIN_DICT

DATA = Path(__file__).resolve().parent / "data"
UNKNOWN = 99
STROKE_KEY_LENGTH = 255
SEARCH_KEY_LENGTH = 255

COMPOUND_SURNAMES = frozenset(
    "欧阳 上官 司马 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 钟离 澹台 端木 百里 呼延 万俟 独孤 南宫 "
    "西门 申屠 公羊 赫连 拓跋 太史 濮阳 淳于 闻人 左丘 漆雕 乐正 谷梁 东郭 亓官 仲孙 公冶 闾丘 段干 巫马 公西 壤驷 "
    "宰父 梁丘 羊舌 微生 公良 颛孙 即墨 夹谷 子车 司空 第五".split()
)
# surname readings where the common reading differs (多音字 as a surname)
SURNAME_READINGS = {
    "单": "shan", "曾": "zeng", "解": "xie", "区": "ou", "仇": "qiu", "查": "zha", "朴": "piao", "秘": "bi",
    "缪": "miao", "盖": "ge", "翟": "zhai", "乐": "yue", "覃": "qin", "员": "yun", "召": "shao", "种": "chong",
    "洗": "xian", "冼": "xian", "黑": "he", "尉": "wei", "重": "chong", "句": "gou", "华": "hua", "任": "ren",
    "薄": "bo", "卜": "bu", "繁": "po", "隗": "wei", "莘": "shen", "宿": "su", "折": "she", "燕": "yan",
    "过": "guo", "阚": "kan", "訾": "zi", "那": "na", "粘": "nian", "乜": "nie", "相": "xiang", "曲": "qu",
    "藏": "zang", "仉": "zhang", "台": "tai", "朝": "chao", "能": "nai", "占": "zhan", "贲": "ben", "车": "che",
    "都": "du", "柏": "bai", "石": "shi", "褚": "chu", "叶": "ye", "殷": "yin", "祭": "zhai", "应": "ying",
    "牟": "mou", "长": "chang", "沈": "shen", "纪": "ji", "蕃": "pi", "宓": "mi", "郇": "huan", "眭": "sui",
    "尉迟": "yu chi", "万俟": "mo qi", "长孙": "zhang sun", "澹台": "tan tai", "乐正": "yue zheng", "令狐": "ling hu",
    "单于": "chan yu",
}


# ---------------------------------------------------------------- stroke data


@lru_cache(maxsize=1)
def _stroke_runs() -> tuple[tuple[int, str], ...]:
    runs = []
    for line in (DATA / "strokes.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            start, chars = line.split("\t", 1)
            runs.append((int(start, 16), chars))
    return tuple(runs)


@lru_cache(maxsize=1)
def _stroke_orders() -> dict[str, str]:
    out = {}
    for line in (DATA / "stroke_orders.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            char, order = line.split("\t", 1)
            out[char] = order
    return out


def strokes(char: str) -> int:
    """Total strokes by Unihan; 0 when Unihan has none."""
    cp = ord(char)
    for start, chars in _stroke_runs():
        if start <= cp < start + len(chars):
            return ord(chars[cp - start]) - 48
    return 0


def stroke_order(char: str) -> str:
    """The strokes in writing order as classes 1–5 (横竖撇点折), '' when unknown."""
    return _stroke_orders().get(char, "")


@lru_cache(maxsize=65536)
def char_token(char: str) -> str:
    """One character's sortable token (see the module doc)."""
    count = strokes(char)
    if not count:
        return f"{UNKNOWN}{ord(char):07d}"
    order = stroke_order(char)[:count].ljust(count, "6")
    return f"{count:02d}{order}{ord(char):07d}"


# ---------------------------------------------------------------- names


def split_name(name: str) -> tuple[str, str]:
    """(surname, given name): a 复姓 when the name starts with one and has a given name after it."""
    name = "".join((name or "").split())
    if len(name) > 2 and name[:2] in COMPOUND_SURNAMES:
        return name[:2], name[2:]
    return name[:1], name[1:]


def stroke_key(name: str) -> str:
    """姓氏笔画 key: surname (one or two tokens, ``00`` for no second character), then the given name."""
    surname, given = split_name(name)
    tokens = [char_token(c) for c in surname]
    if len(tokens) < 2:
        tokens.append("00")
    tokens.extend(char_token(c) for c in given)
    return "".join(tokens)[:STROKE_KEY_LENGTH]


@lru_cache(maxsize=4096)
def _surname_syllables(surname: str) -> tuple[str, ...]:
    reading = SURNAME_READINGS.get(surname)
    if reading:
        return tuple(reading.split())
    return tuple(lazy_pinyin(surname, style=Style.NORMAL, errors="default"))


def name_syllables(name: str) -> list[str]:
    """Lower-case pinyin syllables of a name, the surname read as a surname (尉迟 → yu chi)."""
    surname, given = split_name(name)
    if not surname:
        return []
    tail = _given_syllables(given) if given else ()
    return [s.lower() for s in [*_surname_syllables(surname), *tail] if s.strip()]


@lru_cache(maxsize=65536)
def _given_syllables(given: str) -> tuple[str, ...]:
    """The given name's pinyin (a roster repeats given names far more often than whole names). A two-character
    name that is no word of pypinyin's phrase list, both characters with a reading, is read character by character:
    pypinyin's answer for it (checked on 375 000 pairs), without its word segmentation for each new name."""
    if len(given) == 2 and given not in PHRASES_DICT and ord(given[0]) in PINYIN_DICT and ord(given[1]) in PINYIN_DICT:
        return _char_syllables(given[0]) + _char_syllables(given[1])
    return tuple(lazy_pinyin(given, style=Style.NORMAL, errors="default"))


@lru_cache(maxsize=65536)
def _char_syllables(char: str) -> tuple[str, ...]:
    return tuple(lazy_pinyin(char, style=Style.NORMAL, errors="default"))


def _pinyin_key(syllables: list[str]) -> str:
    return " ".join(syllables)[:100]


def _search_key(syllables: list[str]) -> str:
    full = "".join(syllables).replace(" ", "")
    heads = "".join(s[0] for s in syllables if s[0].isascii() and s[0].isalnum())
    return f"{full} {heads}"[:SEARCH_KEY_LENGTH]


def pinyin_key(name: str) -> str:
    """`张三` → `zhang san`; lower-case, sortable."""
    return _pinyin_key(name_syllables(name))


def search_key(name: str) -> str:
    """`余建军` → `yujianjun yjj`: the full pinyin without spaces, a space, the initials (尉迟恭 → `yuchigong ycg`).
    Characters without a reading (Latin letters, ·) stay as they are, lower-case."""
    return _search_key(name_syllables(name))


def name_keys(name: str) -> tuple[str, str, str]:
    """(pinyin_key, stroke_key, search_key) of a name: one pinyin conversion for both pinyin keys."""
    syllables = name_syllables(name)
    return _pinyin_key(syllables), stroke_key(name), _search_key(syllables)


def stroke_keys_bulk(names) -> list[tuple[str, str, str]]:
    """``name_keys`` for many names (importers, the data migration): each distinct name computed once."""
    seen: dict[str, tuple[str, str, str]] = {}
    out = []
    for name in names:
        keys = seen.get(name)
        if keys is None:
            keys = seen[name] = name_keys(name)
        out.append(keys)
    return out


# ---------------------------------------------------------------- search queries

QUERY_MAX = 50
QUERY_TOO_LONG = f"关键字最多{QUERY_MAX}个字，请缩短后再查询"


def normalize_query(query: str | None) -> tuple[str, str]:
    """(text, pinyin) of a search: all white space and control characters removed (``yu jian jun`` → ``yujianjun``); ``pinyin`` is the
    lower-case text when it is letters only (then it is matched against ``search_key``), else ''. A query over
    QUERY_MAX characters is the caller's to refuse (QUERY_TOO_LONG)."""
    # white space and control characters go (PostgreSQL refuses a NUL in a query parameter)
    text = "".join(ch for ch in "".join((query or "").split()) if ch.isprintable())
    pinyin = text.lower() if text and text.isascii() and text.isalpha() else ""
    return text, pinyin
