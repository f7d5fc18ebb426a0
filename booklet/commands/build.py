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


def input_files(project: Project) -> list[Path]:
    """Everything a build reads from the project (for the build id)."""
    root = Path(project.root)
    files = [root / CONFIG_FILE]
    for sub in ("rubrics", "assessments", "templates"):
        d = root / sub
        if d.is_dir():
            files.extend(p for p in d.rglob("*") if p.is_file())
    return sorted(files)


def build_id(project: Project) -> str:
    h = hashlib.sha256()
    root = Path(project.root)
    for p in input_files(project):
        h.update(p.relative_to(root).as_posix().encode())
        h.update(b"\0")
        h.update(p.read_bytes())
    return h.hexdigest()[:12]


def _output_dir(project: Project, configured: str, what: str) -> Path:
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


def _swap(staging: Path, final: Path) -> None:
    (staging / MARKER).write_text("booklet build output; replaced on every build\n", encoding="utf-8")
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
    project, problems = load_or_stop(root, quiet_warnings=True)
    derive = _optional("booklet.annex.derive", "derive_findings")
    results = score_project(project, derive=derive)
    echo(f"已读取并评分：{len(project.rubrics)} 个考核细则，{len(project.records)} 份记录，"
         f"{len(results)} 个结果（{time.perf_counter() - t0:.1f} 秒）。")

    site_final = Path(site_dir).resolve() if site_dir else _output_dir(project, project.config.output.site, "site")
    internal_final = (Path(internal_dir).resolve() if internal_dir
                      else _output_dir(project, project.config.output.internal, "internal"))
    stagings = []
    try:
        for final in (site_final, internal_final):
            final.parent.mkdir(parents=True, exist_ok=True)
            stagings.append(Path(tempfile.mkdtemp(prefix=f".{final.name}.staging-", dir=final.parent)))
        ctx = BuildContext(
            project=project, results=results,
            site_dir=stagings[0], internal_dir=stagings[1],
            cache_dir=root / CACHE_DIR, jobs=jobs or os.cpu_count() or 1, clean=clean,
            pdf=pdf, pdf_variant=pdf_variant, progress=progress, build_id=build_id(project))
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
        _swap(stagings[0], site_final)
        _swap(stagings[1], internal_final)
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
