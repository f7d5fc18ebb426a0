#!/usr/bin/env python3
"""Scale benchmark (issue 12 "Scale"): a 5,000-unit synthetic project.

    .venv/bin/python benchmarks/scale_bench.py [--units 5000] [--keep DIR]

1. writes the project with benchmarks/make_synthetic.py (5,000 communities,
   20,000 quarterly records) into a temporary folder;
2. runs, each as its own process, as a user would:
   `booklet validate` with no cache (cold), `booklet validate` again (warm:
   the load cache of .booklet-cache/load/), `booklet build --no-pdf`, and
   `booklet score --format json > /dev/null`;
3. reports wall and CPU seconds and the peak memory (ru_maxrss of that very
   process, from os.wait4) of each, with the machine's load average at the
   start and the end (a shared machine slows every figure down);
4. writes benchmarks/results/scale_bench.json and prints a table with the
   targets: validate < 20 s, build --no-pdf < 60 s, peak < 1 GB.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.make_synthetic import generate  # noqa: E402

RESULTS = REPO / "benchmarks" / "results" / "scale_bench.json"
PEAK_MB = 1024
STEPS = [  # (name, booklet arguments, wall-seconds target or None, cold cache)
    ("validate（无缓存）", ["validate"], 20.0, True),
    ("validate（有缓存）", ["validate"], 20.0, False),
    ("build --no-pdf", ["build", "--no-pdf"], 60.0, False),
    ("score --format json", ["score", "--format", "json"], None, False),
]


def run(root: Path, args: list[str]) -> dict:
    """One booklet process in `root`, stdout discarded; wall, CPU and peak RSS of it alone."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    t = time.perf_counter()
    with open(os.devnull, "wb") as null:
        proc = subprocess.Popen([sys.executable, "-m", "booklet", *args], cwd=root, env=env,
                                stdout=null, stderr=subprocess.PIPE)
        assert proc.stderr is not None
        err = proc.stderr.read()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"booklet {' '.join(args)} failed ({proc.returncode}):\n"
                         + err.decode("utf-8", "replace")[-3000:])
    return {"wall_s": round(wall, 2), "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
            "peak_mb": round(usage.ru_maxrss / 1024, 1)}


def table(report: dict) -> str:
    made = ("（用已有的项目）" if report["generate_s"] is None
            else f"（生成用时 {report['generate_s']} 秒）")
    lines = [f"规模测试：{report['units']} 个单位，{report['records']} 份记录{made}",
             f"负载（1/5/15 分钟平均）：开始 {report['load_start']}，结束 {report['load_end']}"
             f"（{report['cpus']} 核，与其他进程共用时各项数字偏大）",
             "",
             f"{'步骤':<22}{'墙钟秒':>8}{'CPU秒':>8}{'峰值MB':>9}  目标"]
    for s in report["steps"]:
        target = []
        if s["target_s"] is not None:
            target.append(f"< {s['target_s']:.0f} 秒 {'PASS' if s['wall_s'] < s['target_s'] else 'FAIL'}")
        target.append(f"< {PEAK_MB} MB {'PASS' if s['peak_mb'] < PEAK_MB else 'FAIL'}")
        lines.append(f"{s['name']:<22}{s['wall_s']:>8.1f}{s['cpu_s']:>8.1f}{s['peak_mb']:>9.0f}  "
                     + "，".join(target))
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--units", type=int, default=5000)
    ap.add_argument("--keep", type=Path, help="build the project here and keep it")
    ap.add_argument("--project", type=Path,
                    help="use this project already written by make_synthetic.py (no generating)")
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args()
    tmp = None if args.keep or args.project else tempfile.mkdtemp(prefix="booklet-scale-")
    root = args.project or args.keep or Path(tmp) / "project"       # type: ignore[arg-type]
    try:
        load_start = [round(x, 2) for x in os.getloadavg()]
        t = time.perf_counter()
        if args.project:
            records = sum(1 for _ in (root / "assessments").rglob("*.yml"))
            args.units = (root / "booklet.yml").read_text(encoding="utf-8").count("\n  - {id: ")
            generate_s = None
        else:
            records = generate(root, args.units)
            generate_s = round(time.perf_counter() - t, 1)
        steps = []
        for name, argv, target, cold in STEPS:
            if cold:
                shutil.rmtree(root / ".booklet-cache", ignore_errors=True)
            steps.append({"name": name, "args": argv, "target_s": target, **run(root, argv)})
            print(f"  {name}: {steps[-1]}", flush=True)
        report = {"units": args.units, "records": records, "generate_s": generate_s,
                  "cpus": os.cpu_count(), "load_start": load_start,
                  "load_end": [round(x, 2) for x in os.getloadavg()],
                  "peak_target_mb": PEAK_MB, "steps": steps}
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(table(report))


if __name__ == "__main__":
    main()
