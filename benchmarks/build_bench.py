#!/usr/bin/env python3
"""Build speed, head to head in one run: booklet against WeasyPrint on the same documents.

    .venv/bin/python benchmarks/build_bench.py [--project DIR] [--jobs N] [--limit N] [--keep DIR]

On a temporary copy of the project (default: the bundled example, the
repository root), each phase in a child process of its own, one after another:

0. warm-up: `booklet build --no-pdf` (reads every input once; not a figure);
1. booklet: `booklet build --clean --jobs N` — the print HTML it keeps beside
   its PDFs is the document set of the next three phases;
2. naive: the `weasyprint` CLI once per print HTML, every document in full,
   N at a time;
3. warm loop: N worker processes, each with one FontConfiguration, looping
   `HTML(filename=…).render().write_pdf(…)` (what HTML.write_pdf does) over
   the same HTML;
4. floor: the same loop with `render()` only (WeasyPrint's layout, nothing
   written);
5. no-change rebuild: `booklet build` again;
6. one changed record: the reason of one deduction in one record edited,
   `booklet build`, and how many PDFs it rendered again.

Per phase: wall seconds; CPU seconds of the phase's process and all its
children (getrusage RUSAGE_CHILDREN around the child, which waits for its
workers and CLI processes); pages (pdfinfo of the outputs, or the layout's
page count); pages per CPU-second; peak memory (largest ru_maxrss of the
child and of any process it waited for); the load average before and after.
Nothing is sampled or extrapolated. --limit N keeps only N documents in
phases 2–4 for a quick trial: the report then says LIMITED and its ratios do
not compare like with like (booklet still builds everything).

Prints a plain-text report and writes every figure to
benchmarks/results/build_bench.json (overwritten; no date in the name: nothing
here names files by the clock). If benchmarks/results/scale_bench.json exists
(the 5,000-unit scale benchmark), it is printed too.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

RESULTS = REPO / "benchmarks" / "results"
PROJECT_PARTS = ("booklet.yml", "rubrics", "assessments", "templates", "static", "schema")
EDIT_MARK = "（基准测试改动）"
# the targets
NAIVE_OVER_BOOKLET = 4.0        # naive CPU ÷ booklet CPU ≥ this
BOOKLET_OVER_FLOOR = 1.3        # booklet CPU ÷ floor CPU ≤ this
ONE_RECORD_S = 3.0              # one changed record: wall < this
NO_CHANGE_S = 1.0               # no-change rebuild: wall < this
COLUMNS = (("墙钟秒", 10), ("CPU秒", 10), ("页数", 8), ("页/CPU秒", 11), ("内存峰值MB", 12))


# ------------------------------------------------------------------ child phases
# Each runs in its own process (`--phase NAME`), writes a JSON result file and
# exits; the parent measures it from outside.

def _rss_kib() -> dict:
    return {"self_maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            "children_maxrss_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
            "children_cpu": _cpu(resource.getrusage(resource.RUSAGE_CHILDREN))}


def _cpu(r) -> float:
    return r.ru_utime + r.ru_stime


def _child_booklet(argv: list[str]) -> dict:
    """`booklet …` through the CLI's own entry point, then LAST_STATS."""
    from booklet.cli import main as booklet_main
    from booklet.render import booklets
    code = 0
    try:
        booklet_main(argv)
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    return {"code": code, "stats": dict(booklets.LAST_STATS)}


_FONTS = None


def _worker_init() -> None:
    global _FONTS
    from weasyprint.text.fonts import FontConfiguration
    _FONTS = FontConfiguration()        # once per worker process


def _worker_one(task: tuple[str, str]) -> int:
    from weasyprint import HTML
    html, out = task
    document = HTML(filename=html).render(font_config=_FONTS)
    if out:
        document.write_pdf(out)
    return len(document.pages)


def _child_loop(files: list[str], out_dir: Path, jobs: int, write: bool) -> dict:
    """warm loop (write) or floor (layout only), `jobs` forked workers."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    import weasyprint  # noqa: F401  (imported once, inherited by the workers, as booklet does)
    tasks = [(f, str(out_dir / f"{i:05d}.pdf") if write else "") for i, f in enumerate(files)]
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"),
                             initializer=_worker_init) as pool:
        pages = list(pool.map(_worker_one, tasks))
    return {"code": 0, "pages": sum(pages)}


def _child_naive(files: list[str], out_dir: Path, jobs: int) -> dict:
    """The weasyprint command once per HTML, `jobs` at a time."""
    from concurrent.futures import ThreadPoolExecutor
    cli = weasyprint_cli()

    def one(task: tuple[int, str]) -> str:
        i, html = task
        p = subprocess.run([cli, html, str(out_dir / f"{i:05d}.pdf")], capture_output=True)
        return "" if p.returncode == 0 else f"{html}: {p.stderr.decode(errors='replace')[-300:]}"

    with ThreadPoolExecutor(jobs) as pool:
        failed = [f for f in pool.map(one, enumerate(files)) if f]
    return {"code": 1 if failed else 0, "failed": failed}


def run_child_phase(args: argparse.Namespace) -> None:
    if args.phase == "booklet":
        out = _child_booklet(args.rest)
    else:
        files = json.loads(Path(args.files).read_text())
        out_dir = Path(args.out)
        out_dir.mkdir(parents=True, exist_ok=True)
        if args.phase == "naive":
            out = _child_naive(files, out_dir, args.jobs)
        else:
            out = _child_loop(files, out_dir, args.jobs, write=args.phase == "warm")
    out.update(_rss_kib())
    Path(args.result).write_text(json.dumps(out, ensure_ascii=False, default=str))
    sys.exit(0)


# ------------------------------------------------------------------ parent

def weasyprint_cli() -> str:
    beside = Path(sys.executable).parent / "weasyprint"
    return str(beside if beside.exists() else shutil.which("weasyprint") or "weasyprint")


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def measure(name: str, argv: list[str], tmp: Path) -> dict:
    """Run one phase as a child of this process; wall, CPU (it and everything
    it waited for), peak memory, load before and after."""
    result = tmp / f"{name}.result.json"
    result.unlink(missing_ok=True)
    cmd = [sys.executable, str(Path(__file__).resolve()), "--result", str(result)] + argv
    load0 = load()
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    load1 = load()
    try:
        child = json.loads(result.read_text())
    except (OSError, ValueError):
        child = {"code": p.returncode}
    if p.returncode or child.get("code"):
        sys.exit(f"{name} 阶段失败（退出码 {p.returncode}）：\n{p.stdout[-2000:]}\n{p.stderr[-2000:]}"
                 f"\n{json.dumps(child.get('failed', [])[:5], ensure_ascii=False)}")
    cpu = _cpu(r1) - _cpu(r0)
    peak = max(child.get("self_maxrss_kib", 0), child.get("children_maxrss_kib", 0))
    return {"phase": name, "wall_s": round(wall, 3), "cpu_s": round(cpu, 3),
            "workers_cpu_s": round(child.get("children_cpu", 0.0), 3),
            "peak_rss_mb": round(peak / 1024, 1), "load_start": load0, "load_end": load1,
            "pages": child.get("pages"), "stats": child.get("stats"),
            "echo": (p.stdout or "").strip().splitlines()[-3:]}


def copy_project(src: Path, dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        s = src / part
        if s.is_dir():
            shutil.copytree(s, dest / part, ignore=shutil.ignore_patterns("__pycache__"))
        elif s.is_file():
            shutil.copy2(s, dest / part)
    return dest


def outputs(root: Path) -> tuple[Path, Path]:
    """The project's site/ and internal output folders (from booklet.yml)."""
    from booklet.build import output_dir
    from booklet.errors import Problems
    from booklet.load import load_config
    config = load_config(root, Problems())
    if config is None:
        sys.exit(f"{root / 'booklet.yml'} 无法读取：先用 booklet validate 检查。")
    return output_dir(root, config, "site"), output_dir(root, config, "internal")


def print_documents(root: Path) -> list[tuple[str, Path, Path]]:
    """(kind, print HTML, booklet's PDF) of every PDF of the build whose
    print HTML is kept (booklets and blank annex forms alike)."""
    from booklet import paths
    site, internal = outputs(root)
    docs = []
    for html in sorted(internal.rglob("*.html")):
        rel = html.relative_to(internal)
        if rel.parts[0] == paths.PRINT_HTML.name:
            pdf = site.joinpath(*rel.parts[1:]).with_suffix(".pdf")
            kind = rel.parts[2] if len(rel.parts) > 3 else rel.parts[1]
        else:
            pdf, kind = html.with_suffix(".pdf"), rel.parts[0]
        if pdf.is_file():
            docs.append((kind, html, pdf))
    return docs


def limit_documents(docs: list, n: int) -> list:
    """n documents taken in turn from each kind, smallest first (a trial)."""
    by_kind: dict[str, list] = {}
    for d in sorted(docs, key=lambda d: d[1].stat().st_size):
        by_kind.setdefault(d[0], []).append(d)
    chosen: list = []
    while len(chosen) < n and any(by_kind.values()):
        for kind in sorted(by_kind):
            if by_kind[kind] and len(chosen) < n:
                chosen.append(by_kind[kind].pop(0))
    return chosen


def count_pages(pdfs: list[Path]) -> int:
    total = 0
    for pdf in pdfs:
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        m = re.search(r"^Pages:\s+(\d+)", info, re.M)
        if not m:
            sys.exit(f"pdfinfo 读不出页数：{pdf}")
        total += int(m.group(1))
    return total


def edit_one_record(root: Path, chosen: Path | None = None) -> tuple[Path, int]:
    """Append a few words to the first finding reason (`reason:`) of one
    record: `chosen` (relative to the project), else the first record, by
    path, of the rubric with the most record files (where assessors type
    most: in the example 湖塘 2017, whose summary books hold every unit). The
    record stays valid; its printed text changes."""
    base = root / "assessments"
    folders = [d for d in sorted(base.iterdir()) if d.is_dir() and d.name != "annex"]
    folders.sort(key=lambda d: -sum(1 for _ in d.rglob("*.yml")))
    candidates = ([root / chosen] if chosen else
                  [f for d in folders for f in sorted(d.rglob("*.yml"))])
    for f in candidates:
        lines = f.read_text(encoding="utf-8").splitlines(keepends=True)
        for i, line in enumerate(lines):
            m = re.match(r"^(\s*(?:-\s+)?reason:\s*)(.*?)(\s*)$", line)
            if not m or not m.group(2) or m.group(2)[0] in "|>&*#":
                continue
            value = m.group(2)
            if value[0] in "\"'" and value.endswith(value[0]) and len(value) > 1:
                value = value[:-1] + EDIT_MARK + value[-1]
            else:
                value += EDIT_MARK
            lines[i] = m.group(1) + value + "\n"
            f.write_text("".join(lines), encoding="utf-8")
            return f, i + 1
    sys.exit(f"{chosen or base} 中没有带扣分理由（reason）的记录，无法测“改动一份记录”；"
             "用 --edit 指定一份带 reason 的记录。")


def per_cpu(pages, cpu: float):
    return round(pages / cpu, 2) if pages and cpu else None


def pad(text, width: int, right: bool = False) -> str:
    """`text` padded to `width` columns (a Chinese character is two)."""
    text = str(text)
    w = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    fill = " " * max(width - w, 0)
    return fill + text if right else text + fill


def verdict(ok: bool, limited: bool) -> str:
    return "n/a（LIMITED）" if limited else ("PASS" if ok else "FAIL")


def report(res: dict) -> str:
    lim = res["limited"]
    ph = {p["phase"]: p for p in res["phases"]}
    out = [("LIMITED 试运行：只取 %d 份文档，比值不可比，不得引用。" % res["documents"]) if lim
           else "完整运行：全部文档，无抽样、无外推。",
           f"项目：{res['project']}（{res['documents']} 份由打印 HTML 生成的文档"
           f"{'，全部共 %d 份' % res['documents_all'] if lim else ''}）",
           f"进程数：{res['jobs']}；CPU {res['cpus']} 核；WeasyPrint {res['weasyprint']}",
           f"负载（1/5/15 分钟）：开始 {res['load_start']}，结束 {res['load_end']}", "",
           pad("阶段", 16) + "".join(pad(h, w, True) for h, w in COLUMNS) + "  负载 开始→结束"]
    labels = {"booklet": "booklet --clean", "naive": "朴素 CLI", "warm": "热循环",
              "floor": "下限(排版)", "nochange": "无改动重建", "onerecord": "改一份记录"}
    for name, label in labels.items():
        p = ph[name]
        cells = (f"{p['wall_s']:.2f}", f"{p['cpu_s']:.2f}", p["pages"] or "-",
                 per_cpu(p["pages"], p["cpu_s"]) or "-", f"{p['peak_rss_mb']:.0f}")
        out.append(pad(label, 16) + "".join(pad(c, w, True) for c, (_, w) in zip(cells, COLUMNS))
                   + f"  {p['load_start'][0]}→{p['load_end'][0]}")
    b = ph["booklet"]["stats"] or {}
    out += ["", f"booklet：{b.get('documents')} 份文档，{b.get('pages')} 页，渲染 {b.get('rendered')} 份，"
                f"{b.get('jobs')} 个渲染任务，跨页合并单元格多排版 {b.get('extra_passes', 0)} 次；"
                f"全部 PDF 输出（含空白附件表格）{res['booklet_all_pages']} 页",
            f"  各类 CPU 秒：{b.get('cpu_by_kind')}",
            f"改动的记录：{res['edited']}；重新渲染 {res['onerecord_rendered']} 份 PDF"]
    r = res["ratios"]
    out += ["", "比值：",
            f"  朴素 CPU ÷ booklet CPU = {r['naive_over_booklet']}×",
            f"  热循环 CPU ÷ booklet CPU = {r['warm_over_booklet']}×",
            f"  booklet CPU ÷ 下限 CPU = {r['booklet_over_floor']}×", "", "目标（issue 12）："]
    for t in res["targets"]:
        out.append(f"  {pad(t['target'], 34)}实测 {pad(t['measured'], 12)}{t['verdict']}")
    if res.get("scale_bench") is not None:
        out += ["", "规模基准（benchmarks/results/scale_bench.json）：",
                json.dumps(res["scale_bench"], ensure_ascii=False, indent=2)]
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description="构建速度基准：同一次运行中，在同一批文档上比较 booklet 与 "
                                             "WeasyPrint（朴素命令行、热循环、只排版的下限），以及无改动"
                                             "重建和改动一份记录后的重建。")
    ap.add_argument("--project", type=Path, default=REPO, help="项目目录（默认：示例项目）")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                    help="进程数，各阶段相同（默认：CPU 核数）")
    ap.add_argument("--limit", type=int, default=0,
                    help="只取 N 份文档试运行（报告标 LIMITED，不得引用）")
    ap.add_argument("--edit", type=Path,
                    help="“改一份记录”改这份记录（相对项目目录；默认自动选择）")
    ap.add_argument("--keep", type=Path, help="在这里建临时项目并保留")
    ap.add_argument("--json", type=Path, default=RESULTS / "build_bench.json",
                    help="全部数据写到这里（默认 benchmarks/results/build_bench.json，覆盖）")
    # internal: one phase in a child process
    ap.add_argument("--phase", choices=("booklet", "naive", "warm", "floor"), help=argparse.SUPPRESS)
    ap.add_argument("--files", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    ap.add_argument("--result", help=argparse.SUPPRESS)
    ap.add_argument("rest", nargs="*", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.phase:
        run_child_phase(args)
    if args.jobs < 1 or args.limit < 0:
        ap.error("--jobs 至少为 1，--limit 不能为负")

    tmp = Path(tempfile.mkdtemp(prefix="booklet-bench-"))
    root = copy_project(args.project.resolve(), (args.keep or tmp / "project").resolve())
    jobs, load_start = str(args.jobs), load()
    print(f"项目 {args.project.resolve()} 复制到 {root}；负载 {load_start}", file=sys.stderr)
    phases = []

    def phase(name: str, argv: list[str]) -> dict:
        print(f"… {name}", file=sys.stderr, flush=True)
        p = measure(name, argv, tmp)
        phases.append(p)
        print(f"  {p['wall_s']:.2f} 秒，CPU {p['cpu_s']:.2f} 秒", file=sys.stderr, flush=True)
        return p

    measure("warmup", ["--phase", "booklet", "--", "build", "--no-pdf", str(root)], tmp)
    phase("booklet", ["--phase", "booklet", "--", "build", "--clean", "--jobs", jobs, str(root)])
    site, internal = outputs(root)
    booklet_pdfs = sorted(site.rglob("*.pdf")) + sorted(internal.rglob("*.pdf"))
    docs_all = print_documents(root)
    docs = limit_documents(docs_all, args.limit) if args.limit else docs_all
    docs.sort(key=lambda d: -d[1].stat().st_size)       # biggest first, as booklet does
    # booklet built every document, LIMITED or not: its pages are all of them
    phases[-1]["pages"] = count_pages([d[2] for d in docs_all])
    files = tmp / "files.json"
    files.write_text(json.dumps([str(d[1]) for d in docs]))
    for name in ("naive", "warm", "floor"):
        out_dir = tmp / name
        p = phase(name, ["--phase", name, "--files", str(files), "--out", str(out_dir),
                         "--jobs", jobs])
        if name == "naive":
            p["pages"] = count_pages(sorted(out_dir.glob("*.pdf")))
        shutil.rmtree(out_dir, ignore_errors=True)
    phase("nochange", ["--phase", "booklet", "--", "build", "--jobs", jobs, str(root)])
    edited, line = edit_one_record(root, args.edit)
    one = phase("onerecord", ["--phase", "booklet", "--", "build", "--jobs", jobs, str(root)])
    one_rendered = (one["stats"] or {}).get("rendered", 0)

    ph = {p["phase"]: p for p in phases}
    cpu = {k: max(p["cpu_s"], 1e-9) for k, p in ph.items()}
    ratios = {"naive_over_booklet": round(cpu["naive"] / cpu["booklet"], 2),
              "warm_over_booklet": round(cpu["warm"] / cpu["booklet"], 2),
              "booklet_over_floor": round(cpu["booklet"] / cpu["floor"], 2)}
    lim = bool(args.limit)
    targets = [
        {"target": f"朴素 CPU ÷ booklet CPU ≥ {NAIVE_OVER_BOOKLET:g}",
         "measured": f"{ratios['naive_over_booklet']}×",
         "verdict": verdict(ratios["naive_over_booklet"] >= NAIVE_OVER_BOOKLET, lim)},
        {"target": f"booklet CPU ÷ 下限 CPU ≤ {BOOKLET_OVER_FLOOR:g}",
         "measured": f"{ratios['booklet_over_floor']}×",
         "verdict": verdict(ratios["booklet_over_floor"] <= BOOKLET_OVER_FLOOR, lim)},
        {"target": f"改一份记录后重建 < {ONE_RECORD_S:g} 秒",
         "measured": f"{ph['onerecord']['wall_s']:.2f} 秒",
         "verdict": verdict(ph["onerecord"]["wall_s"] < ONE_RECORD_S, False)},
        {"target": f"无改动重建 < {NO_CHANGE_S:g} 秒",
         "measured": f"{ph['nochange']['wall_s']:.2f} 秒",
         "verdict": verdict(ph["nochange"]["wall_s"] < NO_CHANGE_S, False)},
    ]
    from booklet.render.fonts import weasyprint_version
    scale = RESULTS / "scale_bench.json"
    res = {"limited": lim, "limit": args.limit, "project": str(args.project.resolve()),
           "jobs": args.jobs, "cpus": os.cpu_count(), "weasyprint": weasyprint_version(),
           "documents": len(docs), "documents_all": len(docs_all),
           "kinds": {k: sum(1 for d in docs if d[0] == k) for k in sorted({d[0] for d in docs})},
           "booklet_all_pages": count_pages(booklet_pdfs),
           "edited": f"{edited.relative_to(root)}:{line}", "onerecord_rendered": one_rendered,
           "load_start": load_start, "load_end": load(), "phases": phases,
           "ratios": ratios, "targets": targets,
           "scale_bench": json.loads(scale.read_text()) if scale.is_file() else None}
    text = report(res)
    print(text)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({**res, "report": text}, ensure_ascii=False, indent=2) + "\n")
    print(f"\n全部数据：{args.json}", file=sys.stderr)
    if not args.keep:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
