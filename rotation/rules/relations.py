"""A 称谓 seen from the other side: the son's record lists his 父亲; the father's finding calls him 儿子.

``relation_from_other_side(relation, gender_of_other)`` answers what the relative recorded as `relation` on
someone's record (the *other* person, whose gender is given) is to that relative. It covers every 称谓 the kinship
rules read (``kinship._BASE``: the 任免审批表 words and their common variants), ordinal forms (大哥, 二女儿, 三叔)
and composite words read on 的 (`配偶的兄弟姐妹` → `兄弟姐妹的配偶`). Pure. A word it does not know comes back as
`<word>的亲属` rather than the word itself, which would name the wrong side.
"""
from __future__ import annotations

import re

MALE, FEMALE = "男", "女"

# word → (gender of the person the word names, inverse when the other is male, … female, … unknown)
_TABLE: dict[str, tuple[str, str, str, str]] = {}


def _add(words: str, gender: str, male: str, female: str, neutral: str) -> None:
    for word in words.split():
        _TABLE[word] = (gender, male, female, neutral)


# spouse
_add("配偶 爱人 老伴", "", "配偶", "配偶", "配偶")
_add("妻子 妻", FEMALE, "丈夫", "丈夫", "丈夫")
_add("丈夫 夫", MALE, "妻子", "妻子", "妻子")
# parents ↔ children
_add("父亲 父 爸爸", MALE, "儿子", "女儿", "子女")
_add("母亲 母 妈妈", FEMALE, "儿子", "女儿", "子女")
_add("父母", "", "儿子", "女儿", "子女")
_add("继父", MALE, "继子", "继女", "继子女")
_add("继母", FEMALE, "继子", "继女", "继子女")
_add("养父", MALE, "养子", "养女", "养子女")
_add("养母", FEMALE, "养子", "养女", "养子女")
_add("儿子 子 长子 次子", MALE, "父亲", "母亲", "父母")
_add("女儿 女 长女 次女", FEMALE, "父亲", "母亲", "父母")
_add("子女", "", "父亲", "母亲", "父母")
_add("养子", MALE, "养父", "养母", "养父母")
_add("养女", FEMALE, "养父", "养母", "养父母")
_add("继子", MALE, "继父", "继母", "继父母")
_add("继女", FEMALE, "继父", "继母", "继父母")
# grandparents ↔ grandchildren
_add("祖父 爷爷", MALE, "孙子", "孙女", "孙子女")
_add("祖母 奶奶", FEMALE, "孙子", "孙女", "孙子女")
_add("外祖父 外公", MALE, "外孙", "外孙女", "外孙子女")
_add("外祖母 外婆", FEMALE, "外孙", "外孙女", "外孙子女")
_add("曾祖父", MALE, "曾孙", "曾孙女", "曾孙子女")
_add("曾祖母", FEMALE, "曾孙", "曾孙女", "曾孙子女")
_add("外曾祖父", MALE, "曾外孙", "曾外孙女", "曾外孙子女")
_add("外曾祖母", FEMALE, "曾外孙", "曾外孙女", "曾外孙子女")
_add("孙子", MALE, "祖父", "祖母", "祖父母")
_add("孙女", FEMALE, "祖父", "祖母", "祖父母")
_add("外孙 外孙子", MALE, "外祖父", "外祖母", "外祖父母")
_add("外孙女", FEMALE, "外祖父", "外祖母", "外祖父母")
_add("曾孙", MALE, "曾祖父", "曾祖母", "曾祖父母")
_add("曾孙女", FEMALE, "曾祖父", "曾祖母", "曾祖父母")
_add("曾外孙", MALE, "外曾祖父", "外曾祖母", "外曾祖父母")
_add("曾外孙女", FEMALE, "外曾祖父", "外曾祖母", "外曾祖父母")
# siblings: the older one's relative is younger and the other way round
_add("哥哥 兄 胞兄", MALE, "弟弟", "妹妹", "弟弟妹妹")
_add("姐姐 姐 胞姐", FEMALE, "弟弟", "妹妹", "弟弟妹妹")
_add("弟弟 弟 胞弟", MALE, "哥哥", "姐姐", "哥哥姐姐")
_add("妹妹 妹 胞妹", FEMALE, "哥哥", "姐姐", "哥哥姐姐")
_add("兄弟", MALE, "兄弟", "姐妹", "兄弟姐妹")
_add("姐妹", FEMALE, "兄弟", "姐妹", "兄弟姐妹")
_add("兄弟姐妹", "", "兄弟", "姐妹", "兄弟姐妹")
# parents' siblings ↔ siblings' children (blood)
_add("伯父 伯伯 叔父 叔叔 伯父或叔父", MALE, "侄子", "侄女", "侄子女")
_add("姑母 姑姑", FEMALE, "侄子", "侄女", "侄子女")
_add("舅父 舅舅", MALE, "外甥", "外甥女", "外甥子女")
_add("姨母 姨妈 阿姨", FEMALE, "外甥", "外甥女", "外甥子女")
_add("侄子", MALE, "伯父或叔父", "姑母", "父亲的兄弟姐妹")
_add("侄女", FEMALE, "伯父或叔父", "姑母", "父亲的兄弟姐妹")
_add("外甥", MALE, "舅父", "姨母", "母亲的兄弟姐妹")
_add("外甥女", FEMALE, "舅父", "姨母", "母亲的兄弟姐妹")
# cousins
for _kind in ("堂", "表"):
    _add(f"{_kind}兄", MALE, f"{_kind}弟", f"{_kind}妹", f"{_kind}弟妹")
    _add(f"{_kind}姐", FEMALE, f"{_kind}弟", f"{_kind}妹", f"{_kind}弟妹")
    _add(f"{_kind}弟", MALE, f"{_kind}兄", f"{_kind}姐", f"{_kind}兄姐")
    _add(f"{_kind}妹", FEMALE, f"{_kind}兄", f"{_kind}姐", f"{_kind}兄姐")
    _add(f"{_kind}兄弟", MALE, f"{_kind}兄弟", f"{_kind}姐妹", f"{_kind}兄弟姐妹")
    _add(f"{_kind}姐妹", FEMALE, f"{_kind}兄弟", f"{_kind}姐妹", f"{_kind}兄弟姐妹")
# spouse's parents ↔ children's spouses
_add("岳父", MALE, "女婿", "女婿", "女婿")
_add("岳母", FEMALE, "女婿", "女婿", "女婿")
_add("公公", MALE, "儿媳", "儿媳", "儿媳")
_add("婆婆", FEMALE, "儿媳", "儿媳", "儿媳")
_add("儿媳 儿媳妇", FEMALE, "公公", "婆婆", "公婆")
_add("女婿", MALE, "岳父", "岳母", "岳父母")
_add("亲家", "", "亲家", "亲家", "亲家")
_add("亲家公", MALE, "亲家公", "亲家母", "亲家")
_add("亲家母", FEMALE, "亲家公", "亲家母", "亲家")
# siblings' spouses ↔ spouse's siblings
_add("嫂子 嫂嫂", FEMALE, "小叔子", "小姑子", "丈夫的弟弟妹妹")
_add("弟媳 弟妹", FEMALE, "大伯子", "大姑子", "丈夫的哥哥姐姐")
_add("姐夫", MALE, "小舅子", "小姨子", "妻子的弟弟妹妹")
_add("妹夫", MALE, "大舅子", "大姨子", "妻子的哥哥姐姐")
_add("内兄 妻兄 大舅子", MALE, "妹夫", "妹夫", "妹夫")
_add("内弟 妻弟 小舅子", MALE, "姐夫", "姐夫", "姐夫")
_add("妻姐 大姨子", FEMALE, "妹夫", "妹夫", "妹夫")
_add("妻妹 小姨子", FEMALE, "姐夫", "姐夫", "姐夫")
_add("大伯子", MALE, "弟媳", "弟媳", "弟媳")
_add("大姑子", FEMALE, "弟媳", "弟媳", "弟媳")
_add("小叔子", MALE, "嫂子", "嫂子", "嫂子")
_add("小姑子", FEMALE, "嫂子", "嫂子", "嫂子")
_add("连襟", MALE, "连襟", "连襟", "连襟")
_add("妯娌", FEMALE, "妯娌", "妯娌", "妯娌")
# parents' siblings' spouses ↔ spouse's nephews and nieces
_add("伯母 婶婶 婶母", FEMALE, "丈夫的侄子", "丈夫的侄女", "丈夫的侄子女")
_add("舅母 舅妈", FEMALE, "丈夫的外甥", "丈夫的外甥女", "丈夫的外甥子女")
_add("姑父", MALE, "妻子的侄子", "妻子的侄女", "妻子的侄子女")
_add("姨父", MALE, "妻子的外甥", "妻子的外甥女", "妻子的外甥子女")
_add("侄媳", FEMALE, "丈夫的伯父或叔父", "丈夫的姑母", "丈夫的父亲的兄弟姐妹")
_add("侄女婿", MALE, "妻子的伯父或叔父", "妻子的姑母", "妻子的父亲的兄弟姐妹")
_add("外甥媳妇", FEMALE, "丈夫的舅父", "丈夫的姨母", "丈夫的母亲的兄弟姐妹")
_add("外甥女婿", MALE, "妻子的舅父", "妻子的姨母", "妻子的母亲的兄弟姐妹")

# ordinal prefixes (大哥, 二姐, 三叔, 小妹, 大女儿) and the one-character forms they take
_PREFIX = re.compile(r"^(大|二|三|四|五|六|小|长|次|幺)")
_SHORT = {"哥": "哥哥", "姐": "姐姐", "弟": "弟弟", "妹": "妹妹", "叔": "叔父", "伯": "伯父", "姑": "姑母", "舅": "舅父",
          "姨": "姨母", "儿子": "儿子", "女儿": "女儿"}


def _canonical(word: str) -> str | None:
    if word in _TABLE:
        return word
    stripped = _PREFIX.sub("", word)
    if stripped != word:
        if stripped in _SHORT:
            return _SHORT[stripped]
        if stripped in _TABLE:
            return stripped
    return None


def gender_of_word(word: str) -> str:
    """男 / 女 when the 称谓 names a man or a woman (父亲 → 男), "" otherwise (配偶, 子女)."""
    canonical = _canonical(re.sub(r"\s+", "", word or ""))
    return _TABLE[canonical][0] if canonical else ""


def _invert_word(word: str, gender: str) -> str | None:
    canonical = _canonical(word)
    if canonical is None:
        return None
    _g, male, female, neutral = _TABLE[canonical]
    return male if gender == MALE else female if gender == FEMALE else neutral


def relation_from_other_side(relation: str, gender_of_other: str) -> str:
    """What the person who recorded `relation` (of gender `gender_of_other`, 男/女/"") is to that relative.

    ``relation_from_other_side("父亲", "男")`` → ``"儿子"``; ``("岳母", "男")`` → ``"女婿"``;
    ``("配偶的兄弟姐妹", "女")`` → ``"兄弟姐妹的配偶"``; ``("父亲的哥哥", "男")`` → ``"弟弟的儿子"``.
    A word not understood comes back as ``<word>的亲属`` (never the word itself, which would name the wrong side).
    """
    text = re.sub(r"\s+", "", relation or "")
    if not text:
        return ""
    parts = text.split("的")
    # the path owner → p1 → … → relative read backwards: each step's gender is that of the person it ends on,
    # i.e. the person named by the previous word (the owner for the last step)
    genders = [gender_of_word(p) for p in parts[:-1]]
    out = []
    for i in range(len(parts) - 1, -1, -1):
        gender = gender_of_other if i == 0 else genders[i - 1]
        word = _invert_word(parts[i], gender)
        if word is None:
            return f"{text}的亲属"
        out.append(word)
    text = "的".join(out)
    return _ONE_WORD.get((text, gender_of_other), text)


# composite answers that have a word of their own (配偶的父亲 seen from the other side: 子女的配偶 → 女婿)
_ONE_WORD = {("子女的配偶", MALE): "女婿", ("子女的配偶", FEMALE): "儿媳"}


def known_relations() -> list[str]:
    """Every 称谓 this module reads directly (ordinal forms aside)."""
    return sorted(_TABLE)
