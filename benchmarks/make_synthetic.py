"""A synthetic project of any size, for the scale benchmark (issue 12 "Scale").

    .venv/bin/python benchmarks/make_synthetic.py --units 5000 --out DIR

Writes DIR/booklet.yml with N communities (unique Chinese names made from
syllable lists, four 片 groups), the bundled hutang-2017 rubric (seed 001)
and its schema, and 4 quarterly assessment records per unit (N × 4 files)
with earned items, trends against last year, clue and photo counts, reasons
and self-assessments, drawn by the example's own generator
(scripts/example/hutang.py: Hutang.assessment). Deterministic: a fixed seed,
no clock; two runs with the same N write the same bytes.
"""
from __future__ import annotations

import argparse
import random
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.example.common import CONFIG_HEADER, SURNAMES, GIVEN, Writer  # noqa: E402
from scripts.example.config import flow  # noqa: E402
from scripts.example.hutang import Hutang  # noqa: E402

SEED = 5000
RUBRIC = "hutang-2017"
GROUPS = ("城区片", "东片", "南片", "西片")
# two-character community names: a first and a second syllable (80 × 80 = 6,400)
FIRST = ("东 西 南 北 新 老 金 银 青 红 白 云 龙 凤 华 和 平 安 康 泰 福 寿 长 永 "
         "兴 盛 春 秋 文 武 明 光 阳 月 星 河 湖 江 海 山 林 松 竹 梅 兰 桃 李 荷 "
         "桥 塘 港 湾 岭 岗 坪 坝 滨 园 苑 庄 锦 绣 丰 裕 嘉 瑞 祥 宁 静 清 翠 碧 "
         "紫 晨 曦 景 宏 德 仁 义").split()
SECOND = ("苑 园 城 庄 湾 桥 塘 村 港 坊 里 街 巷 湖 河 溪 泉 山 岭 林 亭 台 阁 楼 "
          "门 口 店 场 苑 洲 浦 滩 坡 岗 坪 华 兴 盛 丰 安 宁 康 乐 福 祥 和 平 泰 "
          "阳 光 明 辉 新 春 景 秀 美 雅 馨 怡 悦 欣 荣 昌 达 通 源 泽 润 茂 森 鑫 "
          "嘉 瑞 晟 越 锦 璟 熙 颐").split()


class Generator(Hutang):
    """The example's hutang generator without its named special cases (ties,
    vetoes, photos of particular communities): strengths and seeds per unit."""

    def __init__(self, rng: random.Random, units: list[dict], writer: Writer):
        self.rng, self.units, self.w = rng, units, writer
        self.evidence_no = {m: 0 for m in range(1, 13)}
        self.strength = {u["id"]: rng.uniform(0.4, 1.0) for u in units}
        self.seeds = {(u["id"], q): (rng.getrandbits(32), rng.getrandbits(32))
                      for u in units for q in range(1, 5)}
        self.photos_written = []


def unit_names(rng: random.Random, n: int) -> list[str]:
    pairs = sorted({a + b for a in FIRST for b in SECOND if a != b})
    if n > len(pairs):
        raise SystemExit(f"at most {len(pairs)} units")
    return [f"{stem}社区" for stem in rng.sample(pairs, n)]


def make_units(rng: random.Random, n: int) -> list[dict]:
    names = unit_names(rng, n)
    return [{"id": f"syn-{i:05d}", "name": name, "kind": "社区", "groups": [GROUPS[i % 4]],
             "leader": rng.choice(SURNAMES) + rng.choice(GIVEN)}
            for i, name in enumerate(names, 1)]


def write_config(out: Path, units: list[dict]) -> None:
    lines = [CONFIG_HEADER.rstrip("\n"),
             f"# A synthetic project of {len(units)} units, written by benchmarks/make_synthetic.py.",
             "office: 湖塘镇综合治理办公室",
             "title: 湖塘镇平安建设考核（规模测试）",
             "year: 2017",
             "units:"]
    lines += [f"  - {flow(u)}" for u in units]
    lines += ["assign:",
              f"  - rubric: {RUBRIC}",
              "    units: {kind: 社区}",
              "    periods: [2017-Q1, 2017-Q2, 2017-Q3, 2017-Q4, \"2017\"]",
              "output:", "  site: site", "  internal: build/internal",
              "privacy:", "  publish_notes: false"]
    (out / "booklet.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def generate(out: Path, n_units: int) -> int:
    """Write the project into `out` (emptied first); returns the number of records."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    (out / "rubrics").mkdir()
    shutil.copyfile(ROOT / "rubrics" / f"{RUBRIC}.yml", out / "rubrics" / f"{RUBRIC}.yml")
    shutil.copytree(ROOT / "schema", out / "schema")
    rng = random.Random(SEED)
    units = make_units(rng, n_units)
    write_config(out, units)
    w = Writer(out)
    gen = Generator(rng, units, w)
    for u in units:
        for q in range(1, 5):
            ns, ts = gen.seeds[(u["id"], q)]
            # no monthly inspections: the quarter's assessment alone (4 records a unit)
            gen.assessment(u, q, random.Random(ns), random.Random(ts),
                           {"item7_fail": [], "found": []})
    return sum(w.counts.values())


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--units", type=int, default=5000)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    n = generate(args.out, args.units)
    print(f"{args.out}: {args.units} units, {n} records")


if __name__ == "__main__":
    main()
