#!/usr/bin/env python3
"""The shape of a flat folder of .txt documents, for BENCHMARKS.md: documents, words per
document (median, p90, max), word tokens, distinct types, the share of types seen once, and
Heaps' exponent between checkpoints.

Usage: scripts/corpus_shape.py DIR [CHECKPOINT_MB...]

Files are read in name order (the order gen_corpus writes them, so the first 200 MB of the
1 GB realistic corpus is the 200 MB corpus). A row is printed when the files read so far reach
each checkpoint (in MB of file bytes) and at the end. Words per document are whitespace-
separated words after the `Published:` line; tokens are maximal runs of letters and digits,
lower-cased (Python's `[^\\W_]+`, the bare counting sketch's split, before its stopwords and
stemming), so the figures do not depend on themeshift's tokeniser.
"""
import math
import os
import re
import sys
from collections import Counter

TOKEN = re.compile(r"[^\W_]+")


def percentile(sorted_values, p):
    return sorted_values[min(len(sorted_values) - 1, int(p * len(sorted_values)))]


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    folder = sys.argv[1]
    checkpoints = sorted(float(mb) * 1e6 for mb in sys.argv[2:])
    names = sorted(n for n in os.listdir(folder) if n.endswith(".txt"))
    types = Counter()
    lengths = []
    size = tokens = 0
    previous = None
    print("| MB | documents | words/doc median | p90 | max | tokens | types | hapaxes | "
          "share of types seen once | Heaps β since previous row |")
    print("|---|---|---|---|---|---|---|---|---|---|")

    def row():
        nonlocal previous
        ordered = sorted(lengths)
        hapaxes = sum(1 for c in types.values() if c == 1)
        beta = ""
        if previous and tokens > previous[0]:
            beta = "%.3f" % (math.log(len(types) / previous[1]) / math.log(tokens / previous[0]))
        print("| %.0f | %d | %d | %d | %d | %d | %d | %d | %.3f | %s |" % (
            size / 1e6, len(lengths), percentile(ordered, 0.5), percentile(ordered, 0.9),
            ordered[-1], tokens, len(types), hapaxes, hapaxes / len(types), beta))
        previous = (tokens, len(types))

    for name in names:
        with open(os.path.join(folder, name), "rb") as f:
            data = f.read()
        size += len(data)
        text = data.decode("utf-8", "replace")
        body = text.split("\n", 1)[1] if text.startswith("Published:") else text
        lengths.append(len(body.split()))
        words = TOKEN.findall(body.lower())
        tokens += len(words)
        types.update(words)
        while checkpoints and size >= checkpoints[0]:
            checkpoints.pop(0)
            row()
    if lengths and (previous is None or previous[0] != tokens):
        row()


if __name__ == "__main__":
    main()
