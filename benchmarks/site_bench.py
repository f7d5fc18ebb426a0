"""Time an HTML-only site build of a synthetic town.

    python benchmarks/site_bench.py [--units 1000] [--periods 4] [--repeat 1] [--profile]

The project (1,000 units × 4 quarters by default, 10 items per sheet) is made
in memory as model and Result objects (tests/site_fixtures.py), so this times
build_site alone: no YAML loading, no scoring, no PDFs. Target: < 10 s on a
2-core machine.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parent / "tests"))

from booklet.site.build import build_site  # noqa: E402
from site_fixtures import QUARTERS, context, synthetic_project  # noqa: E402

TARGET_SECONDS = 10.0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=1000)
    ap.add_argument("--periods", type=int, default=4, choices=range(1, 5))
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--profile", action="store_true", help="print the top of a cProfile run")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="site-bench-") as tmp:
        project, results = synthetic_project(Path(tmp) / "project", args.units,
                                             QUARTERS[:args.periods])
        t_gen = time.perf_counter() - t0
        print(f"生成测试数据：{args.units} 个单位 × {args.periods} 期，"
              f"{len(results)} 条成绩，用时 {t_gen:.2f} 秒")
        best = None
        for i in range(args.repeat):
            ctx = context(project, results, Path(tmp) / f"site{i}", pdf=False)
            t1 = time.perf_counter()
            if args.profile:
                import cProfile
                import pstats
                prof = cProfile.Profile()
                files = prof.runcall(build_site, ctx)
                pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
            else:
                files = build_site(ctx)
            dt = time.perf_counter() - t1
            size = sum(f.stat().st_size for f in files)
            best = dt if best is None else min(best, dt)
            print(f"第{i + 1}次：{len(files)} 个文件，{size / 1e6:.1f} MB，用时 {dt:.2f} 秒，"
                  f"{args.units / dt:.0f} 单位/秒")
    ok = best is not None and best < TARGET_SECONDS
    print(f"最快 {best:.2f} 秒（目标 < {TARGET_SECONDS:.0f} 秒）：{'通过' if ok else '未通过'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
