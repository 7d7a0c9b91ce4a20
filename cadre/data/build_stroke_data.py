"""Rebuild strokes.txt and stroke_orders.txt (a developer's tool, not imported by the application).

    apt-get install unicode-data                   # Unihan (kTotalStrokes) in /usr/share/unicode
    npm pack cnchar-order@3.2.6 && tar xzf cnchar-order-3.2.6.tgz
    node -e 'require("fs").writeFileSync("orders.json", JSON.stringify(require("./package").dict.orders))'
    python cadre/data/build_stroke_data.py orders.json

strokes.txt: the total strokes of every code point Unihan gives one for (kTotalStrokes, the first value, i.e. the
mainland form), as runs ``start_hex<TAB>chars`` with one character chr(48 + strokes) per code point ('0' = none).
stroke_orders.txt: ``字<TAB>sequence`` for the ~6,900 characters of cnchar-order (MIT), each stroke reduced to
the five classes of the 笔顺规范: 1 横 (提), 2 竖 (竖钩), 3 撇, 4 点 (捺), 5 折.
"""
import bz2
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
UNIHAN = Path("/usr/share/unicode/Unihan_IRGSources.txt.bz2")
# cnchar-order's stroke letters → the five classes
CLASSES = {**dict.fromkeys("ji", "1"), **dict.fromkeys("fg", "2"), "s": "3", **dict.fromkeys("kld", "4"),
           **dict.fromkeys("abcortnxwzyvepqhmu", "5")}
GAP = 64  # a run of missing code points longer than this starts a new run


def totals() -> dict[int, int]:
    out = {}
    with bz2.open(UNIHAN, "rt", encoding="utf-8") as fh:
        for line in fh:
            if "\tkTotalStrokes\t" in line:
                cp, _, value = line.rstrip("\n").split("\t")
                out[int(cp[2:], 16)] = min(int(value.split()[0]), 98)
    return out


def runs(table: dict[int, int]):
    start = prev = None
    for cp in sorted(table):
        if start is None:
            start = prev = cp
        elif cp - prev > GAP:
            yield start, prev
            start = cp
        prev = cp
    if start is not None:
        yield start, prev


def main(orders_json: str) -> None:
    table = totals()
    lines = ["# Unihan kTotalStrokes: start_hex TAB one chr(48 + strokes) per code point ('0' = none)"]
    for start, end in runs(table):
        lines.append(f"{start:x}\t" + "".join(chr(48 + table.get(cp, 0)) for cp in range(start, end + 1)))
    (HERE / "strokes.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    orders = json.loads(Path(orders_json).read_text(encoding="utf-8"))
    rows = ["# cnchar-order (MIT) stroke orders in the five classes 1横 2竖 3撇 4点 5折"]
    for char, letters in sorted(orders.items(), key=lambda kv: kv[0]):
        if len(char) == 1 and letters and all(c in CLASSES for c in letters):
            rows.append(f"{char}\t{''.join(CLASSES[c] for c in letters)}")
    (HERE / "stroke_orders.txt").write_text("\n".join(rows) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1])
