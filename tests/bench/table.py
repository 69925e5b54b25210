#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Print benchmark results side by side: one row per metric, one column per driver.

Reads "RESULT key=value ..." lines (values may be double-quoted, other lines are ignored) from the
files given (or stdin). Every line names its column with col=<label> and its metric with
name=<label>; each other numeric field becomes a row "<name> <field>" (or just "<name>" with
--bare FIELD for that field). A metric measured more than once (rounds) is summarised per cell:
the median of the values, except fields whose name contains "p99", which take the worst (largest)
value.

    table.py [--title TEXT] [--cols A,B,...] [--bare FIELD]... [--ratio A/B] FILE...

--cols fixes the column order (and shows a column with no results as "-"); by default, columns
appear in the order first seen. --ratio A/B adds a column "A/B" with the ratio of the two cells
(the speed-up when higher is better for that row).
"""
import argparse
import shlex
import statistics
import sys


def parse(lines):
    """Yields dicts of the RESULT lines' fields."""
    for line in lines:
        line = line.strip()
        if not line.startswith("RESULT "):
            continue
        try:
            words = shlex.split(line[len("RESULT "):])
        except ValueError:
            continue
        fields = {}
        for w in words:
            key, sep, value = w.partition("=")
            if sep:
                fields[key] = value
        if "col" in fields and "name" in fields:
            yield fields


def number(text):
    try:
        return float(text)
    except ValueError:
        return None


def summarise(row, values):
    if "p99" in row:
        return max(values)
    return statistics.median(values)


def fmt(v):
    if v is None:
        return "-"
    if v == int(v) and abs(v) >= 100:
        return str(int(v))
    return f"{v:.3g}" if abs(v) < 100 else f"{v:.0f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--title")
    ap.add_argument("--cols")
    ap.add_argument("--bare", action="append", default=[])
    ap.add_argument("--ratio")
    ap.add_argument("files", nargs="*")
    args = ap.parse_args()

    lines = []
    if args.files:
        for f in args.files:
            with open(f, errors="replace") as fh:
                lines += fh.readlines()
    else:
        lines = sys.stdin.readlines()

    cols = args.cols.split(",") if args.cols else []
    rows = []
    cells = {}
    for r in parse(lines):
        col, name = r["col"], r["name"]
        if not args.cols and col not in cols:
            cols.append(col)
        for field, text in r.items():
            if field in ("col", "name", "n"):
                continue
            v = number(text)
            if v is None:
                continue
            row = name if field in args.bare else f"{name} {field}"
            if row not in rows:
                rows.append(row)
            cells.setdefault((row, col), []).append(v)

    if not rows:
        print("no results" + (f" for {args.title}" if args.title else ""))
        return 1
    ratio = args.ratio.split("/") if args.ratio else None
    heads = cols + ([args.ratio] if ratio else [])
    width = max(len(r) for r in rows)
    cw = max(10, *(len(h) for h in heads))
    if args.title:
        print(args.title)
    print(f"{'':<{width}}" + "".join(f" {h:>{cw}}" for h in heads))
    for row in rows:
        vals = {c: summarise(row, cells[(row, c)]) if (row, c) in cells else None for c in cols}
        out = f"{row:<{width}}" + "".join(f" {fmt(vals[c]):>{cw}}" for c in cols)
        if ratio:
            a, b = vals.get(ratio[0]), vals.get(ratio[1])
            out += f" {(f'{a / b:.2f}x' if a is not None and b else '-'):>{cw}}"
        print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
