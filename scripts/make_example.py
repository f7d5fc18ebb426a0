#!/usr/bin/env python3
"""Generate the example project: booklet.yml and assessments/<rubric>/… .

    python scripts/make_example.py            # (re)write the example files
    python scripts/make_example.py --summary  # … and print the scores per period

Everything is fictional (communities, names, cases) and seeded with
random.Random(2017): running the script twice gives identical files. It
rewrites booklet.yml, assessments/<rubric-id>/ of the five example rubrics and
its own photos under assessments/photos/; it never touches assessments/annex/.

The example town is 湖塘镇 (44 communities, rubric hutang-2017): twelve monthly
inspections (kind: inspection) and four quarterly assessments per community.
Smaller sets exercise the other rubrics: 龙虎塘街道 (longhutang, 2013),
communities and villages (shequ-2022, base 100), the units of 常德市住建局
(changde-zjj-2017) and six police stations (paichusuo, 2017).

The generators live in scripts/example/: common.py (YAML writer, name pool),
one module per rubric (hutang.py — with the list of cases the tests rely on —
longhutang.py, shequ.py, changde.py, paichusuo.py), config.py (booklet.yml)
and generate.py (generate, summary).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))     # scripts/ holds the example package

from example.common import ROOT  # noqa: E402
from example.generate import generate, summary  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--summary", action="store_true", help="print the scores after writing")
    ap.add_argument("--root", type=Path, default=ROOT, help="project root (default: the repo)")
    args = ap.parse_args(argv)
    w = generate(args.root)
    for rid, n in w.counts.items():
        print(f"{rid}: {n} files")
    if args.summary:
        summary(args.root)
    return 0


if __name__ == "__main__":
    sys.exit(main())
