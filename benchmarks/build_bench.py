#!/usr/bin/env python3
"""Benchmark of `booklet build` on the example project (the repository root).

    .venv/bin/python benchmarks/build_bench.py [--jobs 2] [--naive-sample 3] [--keep DIR]

1. copies the example project (booklet.yml, rubrics/, assessments/, templates/)
   into a temporary folder and builds it from scratch (no cache) through the
   same code path as `booklet build` (booklet.build.run_build);
2. reports wall time, PDFs/s, pages/s and peak memory (ru_maxrss of this
   process and of the largest child: the PDF workers);
3. builds again without any change (the incremental rebuild);
4. renders the same documents the naive way — one `weasyprint` command per
   kept print HTML file, one after another — on a sample of each kind of
   document (--naive-sample per kind; 0 = all), extrapolated by kind to all
   documents, and reports the ratio.

Targets on 2 cores: ≥ 4× faster than naive, no-change rebuild < 1 s, peak
memory < 600 MB. The machine's load is printed: other processes on a shared
machine slow every figure down.
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

PROJECT_PARTS = ("booklet.yml", "rubrics", "assessments", "templates")


def copy_project(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        src = REPO / part
        if src.is_dir():
            shutil.copytree(src, dest / part)
        elif src.is_file():
            shutil.copy2(src, dest / part)
    return dest


def build(root: Path, jobs: int, clean: bool) -> dict:
    """One build; returns timing and the PDF writer's figures."""
    from booklet.render import booklets

    t = time.perf_counter()
    from booklet.build import run_build
    run_build(root, jobs=jobs, clean=clean, progress=False)
    wall = time.perf_counter() - t
    return {"wall": wall, **booklets.LAST_STATS}


def mb(kib: int) -> float:
    return kib / 1024


KINDS = {"ledger": "ledger", "summary": "summary", "blank": "blank", "sheets": "sheets"}


def kept_html(root: Path) -> list[tuple[str, Path]]:
    """(kind, html) of every booklet of the build (not the annex forms, which
    another writer makes), from the output folders."""
    out = []
    for base in (root / "site" / "pdf", root / "build" / "internal" / "ledger"):
        for pdf in sorted(base.rglob("*.pdf")):
            html = pdf.with_suffix(".html")
            rel = pdf.relative_to(base).parts
            kind = "ledger" if base.name == "ledger" else rel[0]
            if html.is_file() and kind in KINDS:
                out.append((kind, html))
    return out


def _spread(files: list[Path], n: int) -> list[Path]:
    """n files evenly spread over the range of sizes (smallest to largest)."""
    files = sorted(files, key=lambda p: p.stat().st_size)
    if n <= 0 or len(files) <= n:
        return files
    step = (len(files) - 1) / (n - 1)
    return [files[round(i * step)] for i in range(n)]


def naive(root: Path, sample: int, tmp: Path, all_kinds: tuple[str, ...] = ()) -> tuple[float, int, dict]:
    """Seconds the naive way would take for all documents: a sample of each
    kind spread over the document sizes, extrapolated with a least-squares
    line seconds = a + b × HTML size (start-up cost plus size) per kind."""
    weasyprint = REPO / ".venv" / "bin" / "weasyprint"
    if not weasyprint.exists():
        weasyprint = Path(shutil.which("weasyprint") or "weasyprint")
    by_kind: dict[str, list[Path]] = {}
    for kind, html in kept_html(root):
        by_kind.setdefault(kind, []).append(html)
    total, measured, detail = 0.0, 0, {}
    for kind, files in sorted(by_kind.items()):
        chosen = _spread(files, 0 if kind in all_kinds else sample)
        xs, ys = [], []
        for html in chosen:
            t = time.perf_counter()
            subprocess.run([str(weasyprint), str(html), str(tmp / "naive.pdf")],
                           check=True, capture_output=True)
            ys.append(time.perf_counter() - t)
            xs.append(html.stat().st_size)
        measured += len(chosen)
        if len(chosen) == len(files):
            est = sum(ys)
        else:
            mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
            var = sum((x - mx) ** 2 for x in xs)
            b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / var if var else 0.0
            a = my - b * mx
            est = sum(max(a + b * f.stat().st_size, min(ys)) for f in files)
        detail[kind] = (len(files), len(chosen), sum(ys) / len(ys), est)
        total += est
    return total, measured, detail


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--naive-sample", type=int, default=10,
                    help="documents per kind rendered the naive way, spread over sizes (0: all)")
    ap.add_argument("--naive-all", default="blank,summary",
                    help="kinds rendered the naive way in full (comma-separated; default "
                         "blank,summary: few but large)")
    ap.add_argument("--keep", type=Path, help="build here and keep the output")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="booklet-bench-"))
    root = copy_project(args.keep or tmp / "project")
    print(f"示例项目：{REPO} → {root}")
    print(f"CPU：{os.cpu_count()} 核，负载 {os.getloadavg()[0]:.1f}（共享机器上其他进程会拖慢结果）")

    first = build(root, args.jobs, clean=True)
    self_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    n, pages = first.get("documents", 0), first.get("pages", 0)
    print(f"\n从零构建（--jobs {args.jobs}）：{first['wall']:.1f} 秒，其中 PDF {first.get('seconds', 0):.1f} 秒")
    print(f"  {n} 份 PDF，{pages} 页；渲染 {first.get('rendered')} 份，"
          f"为合并单元格跨页多排版 {first.get('extra_passes', 0)} 次")
    if first.get("cpu_by_kind"):
        print("  各类 CPU 秒：" + "，".join(f"{k} {v}" for k, v in first["cpu_by_kind"].items()))
    print(f"  {n / first['wall']:.2f} PDF/秒，{pages / first['wall']:.1f} 页/秒")
    print(f"  内存峰值：本进程 {mb(self_kib):.0f} MB，最大子进程 {mb(child_kib):.0f} MB "
          f"（峰值 {mb(max(self_kib, child_kib)):.0f} MB，目标 < 600 MB）")

    again = build(root, args.jobs, clean=False)
    print(f"\n无改动重建：{again['wall']:.2f} 秒（整个 build，含读取与评分），"
          f"其中 PDF 部分 {again.get('seconds', 0):.2f} 秒，重新渲染 {again.get('rendered')} 份"
          f"（目标 < 1 秒）")

    est, measured, detail = naive(root, args.naive_sample, tmp,
                                  tuple(k for k in args.naive_all.split(",") if k))
    print(f"\n朴素方式（每个 HTML 单独运行 weasyprint 命令，串行）：实测 {measured} 份，"
          f"按类别外推到全部 {n} 份 ≈ {est:.0f} 秒")
    for kind, (count, chosen, per_doc, est_kind) in detail.items():
        print(f"  {kind}: {count} 份，实测 {chosen} 份（平均 {per_doc:.2f} 秒/份），"
              f"全部约 {est_kind:.0f} 秒")
    print(f"  倍数：{est / first['wall']:.1f}×（目标 ≥ 4×；只比 PDF 部分："
          f"{est / max(first.get('seconds', first['wall']), 1e-9):.1f}×）")
    if not args.keep:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
