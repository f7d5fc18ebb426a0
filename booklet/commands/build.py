"""booklet build: load → validate → score → render → write, atomically.

Every writer (site pages, PDF booklets, blank forms) writes into fresh staging
folders next to the real outputs. Only when all of them succeed are the
staging folders swapped in; on any failure they are removed and the last good
site/ and internal output stay exactly as they were.
"""
from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Callable, Optional

import click

from ..buildctx import BuildContext
from ..errors import BookletError
from ..load import CONFIG_FILE
from ..model import Loc, Project
from ._common import load_or_stop, project_dir

MARKER = ".booklet-output"      # marks a folder booklet may replace
CACHE_DIR = ".booklet-cache"


def _optional(module: str, name: str) -> Optional[Callable]:
    if importlib.util.find_spec(module) is None:
        return None
    return getattr(importlib.import_module(module), name, None)


def input_files(root: Path) -> list[Path]:
    """Everything a build reads from the project (for the build id)."""
    files = [root / CONFIG_FILE]
    for sub in ("rubrics", "assessments", "templates"):
        d = root / sub
        if d.is_dir():
            files.extend(p for p in d.rglob("*") if p.is_file())
    return sorted(files)


def build_id(root: Path) -> str:
    """Short hash of every input file (shown on the site's About page)."""
    h = hashlib.sha256()
    for p in input_files(root):
        h.update(p.relative_to(root).as_posix().encode())
        h.update(b"\0")
        h.update(p.read_bytes())
    return h.hexdigest()[:12]


def _code_hash() -> str:
    """booklet's own code and theme: a new version of booklet rebuilds everything."""
    h = hashlib.sha256()
    pkg = Path(__file__).resolve().parent.parent
    for p in sorted(pkg.rglob("*")):
        if p.is_file() and p.suffix in (".py", ".html", ".css", ".js", ".svg", ".json"):
            h.update(p.relative_to(pkg).as_posix().encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:16]


def fingerprint(root: Path, options: dict) -> str:
    """What a build's output depends on: inputs, booklet's code, the options."""
    opts = ",".join(f"{k}={options[k]}" for k in sorted(options))
    return f"{build_id(root)}-{_code_hash()}-{hashlib.sha256(opts.encode()).hexdigest()[:8]}"


def _previous_outputs(root: Path, site_dir, internal_dir) -> Optional[list[Path]]:
    """Where the last build's outputs are, read from booklet.yml alone (cheap).
    Only used to find markers: a marker holding this build's fingerprint can
    only have been written by a successful build of exactly these inputs."""
    from ..errors import Problems
    from ..yamlio import read_yaml
    data = read_yaml(root / CONFIG_FILE, root, Problems())
    out = data.get("output") if isinstance(data, dict) else None
    out = out if isinstance(out, dict) else {}
    site = Path(site_dir) if site_dir else root / str(out.get("site", "site"))
    internal = Path(internal_dir) if internal_dir else root / str(out.get("internal", "build/internal"))
    return [site.resolve(), internal.resolve()]


def _unchanged(finals: list[Path], print_: str) -> bool:
    for final in finals:
        marker = final / MARKER
        try:
            if marker.read_text(encoding="utf-8").splitlines()[-1] != print_:
                return False
        except (OSError, IndexError):
            return False
    return True


def output_dir(project: Project, configured: str, what: str) -> Path:
    """Resolve an output folder; it must lie inside the project and must not
    be a folder of inputs, because a build replaces it wholesale."""
    root = Path(project.root).resolve()
    path = (root / configured).resolve()
    loc = project.config.loc
    if path == root or not path.is_relative_to(root):
        raise BookletError(f"输出目录 output.{what}「{configured}」必须是项目内的一个子目录。", loc,
                           "在 booklet.yml 中把 output 设为例如 site 或 build/internal。")
    for inputs in ("rubrics", "assessments", "templates", "schema"):
        if path == root / inputs or (root / inputs) in path.parents or path in (root / inputs).parents:
            raise BookletError(f"输出目录 output.{what}「{configured}」与输入目录 {inputs}/ 重叠。", loc,
                               "换一个单独的输出目录，例如 site 或 build/internal。")
    if path.exists() and any(path.iterdir()) and not (path / MARKER).exists():
        raise BookletError(f"输出目录 {configured}/ 已存在且不是 booklet 生成的（缺少 {MARKER}），"
                           "为避免误删，不会覆盖它。", loc,
                           "换一个输出目录，或确认无用后手动删除该目录。")
    return path


def _swap(staging: Path, final: Path, print_: str) -> None:
    (staging / MARKER).write_text(f"booklet build output; replaced on every build\n{print_}\n",
                                  encoding="utf-8")
    final.parent.mkdir(parents=True, exist_ok=True)
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}.old-{os.getpid()}")
        final.rename(old)
    staging.rename(final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def run_build(root: Path | str, *, jobs: Optional[int] = None, clean: bool = False, pdf: bool = True,
              pdf_variant: Optional[str] = None, progress: bool = True,
              site_dir: Optional[Path] = None, internal_dir: Optional[Path] = None,
              echo: Callable[[str], None] = lambda s: None) -> BuildContext:
    """Build the project at `root`. Raises BookletError on bad input; the old
    outputs are untouched unless the whole build succeeded."""
    from ..scoring import score_project

    root = Path(root).resolve()
    t0 = time.perf_counter()
    options = {"pdf": pdf, "variant": pdf_variant, "site": site_dir, "internal": internal_dir}
    print_ = fingerprint(root, options) if (root / CONFIG_FILE).is_file() else ""
    if not clean and print_:
        kept = _previous_outputs(root, site_dir, internal_dir)
        if kept and _unchanged(kept, print_):
            echo(f"输入和程序都没有变化，保留上次的输出（{time.perf_counter() - t0:.2f} 秒）。"
                 "需要全部重新生成时加 --clean。")
            return BuildContext(project=None, results=[], site_dir=kept[0], internal_dir=kept[1],
                                cache_dir=root / CACHE_DIR, pdf=pdf,
                                build_id=print_.split("-")[0], unchanged=True)
    project, problems = load_or_stop(root, quiet_warnings=True)
    site_final = Path(site_dir).resolve() if site_dir else output_dir(project, project.config.output.site, "site")
    internal_final = (Path(internal_dir).resolve() if internal_dir
                      else output_dir(project, project.config.output.internal, "internal"))
    derive = _optional("booklet.annex.derive", "derive_findings")
    results = score_project(project, derive=derive)
    echo(f"已读取并评分：{len(project.rubrics)} 个考核细则，{len(project.records)} 份记录，"
         f"{len(results)} 个结果（{time.perf_counter() - t0:.1f} 秒）。")

    stagings = []
    try:
        for final in (site_final, internal_final):
            final.parent.mkdir(parents=True, exist_ok=True)
            stagings.append(Path(tempfile.mkdtemp(prefix=f".{final.name}.staging-", dir=final.parent)))
        ctx = BuildContext(
            project=project, results=results,
            site_dir=stagings[0], internal_dir=stagings[1],
            cache_dir=root / CACHE_DIR, jobs=jobs or os.cpu_count() or 1, clean=clean,
            pdf=pdf, pdf_variant=pdf_variant, progress=progress, build_id=print_.split("-")[0])
        writers = [("网站", _optional("booklet.site.build", "build_site"))]
        if pdf:
            writers += [("PDF 台账与评分表", _optional("booklet.render.booklets", "build_pdfs")),
                        ("空白附件表格", _optional("booklet.annex.print", "build_blank_forms"))]
        for label, writer in writers:
            if writer is None:
                continue
            t = time.perf_counter()
            written = writer(ctx) or []
            ctx.outputs.extend(written)
            echo(f"{label}：{len(written)} 个文件（{time.perf_counter() - t:.1f} 秒）。")
        _swap(stagings[0], site_final, print_)
        _swap(stagings[1], internal_final, print_)
        stagings = []
    finally:
        for s in stagings:
            shutil.rmtree(s, ignore_errors=True)
    ctx.site_dir, ctx.internal_dir = site_final, internal_final
    echo(f"完成：网站在 {site_final}，内部台账在 {internal_final}（共 {time.perf_counter() - t0:.1f} 秒）。")
    return ctx


@click.command(help="校验、评分并生成网站和 PDF（先写入临时目录，全部成功后才替换旧的输出）。\n\n"
                    "(Validate, score and build the site and PDFs; old output is kept on failure.)")
@project_dir
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=None,
              help="PDF 渲染进程数，默认为 CPU 核数 (worker processes; default: all cores)")
@click.option("--clean", is_flag=True, help="忽略缓存，全部重新生成 (full rebuild)")
@click.option("--no-pdf", "no_pdf", is_flag=True, help="只生成网页，不生成 PDF (HTML only)")
@click.option("--pdf-variant", type=click.Choice(["pdf/a-2b", "pdf/a-3b", "pdf/ua-1"]), default=None,
              help="归档用 PDF 变体 (archival PDF variant)")
def command(project_dir, jobs, clean, no_pdf, pdf_variant):
    run_build(project_dir, jobs=jobs, clean=clean, pdf=not no_pdf, pdf_variant=pdf_variant,
              progress=True, echo=click.echo)
