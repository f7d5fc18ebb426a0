"""The build pipeline: load → validate → score → render → write, atomically.

Every writer (site pages, PDF booklets, blank forms) writes into fresh staging
folders next to the real outputs. Only when all of them succeed are the
staging folders swapped in; on any failure they are removed and the last good
site/ and internal output stay exactly as they were.

Each stage is imported here by name, so a renamed module fails the build
loudly instead of dropping the site or the PDFs. The verbs in commands/ only
parse options and print.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Callable, Optional

from .annex.derive import derive_findings
from .asof import resolve_as_of
from .annex.print import build_blank_forms
from .buildctx import BuildContext, KeptOutput
from .errors import BookletError, Problems
from .load import CONFIG_FILE, load_config, load_inputs
from .model import Config, Project
from .render.booklets import build_pdfs
from .render.cache import code_hash
from .scoring import score_project
from .scoring.result import Result
from .site.build import build_site, write_downloads
from .timings import stage
from .staging import (CACHE_DIR, STAGING_MARK, check_is_folder, make_staging, os_error,
                      project_lock, remove_stale_stagings, shown, write_staging_mark)
from .validate import validate_project

MARKER = ".booklet-output"      # marks a folder booklet may replace
STATIC_DIR = "static"           # the project's own files for site/ (CNAME, a logo)
PDF_LINE = "pdf "               # marker line: fingerprint of the build that made the PDFs


# ------------------------------------------------------------------ stages

def load_and_validate(root: Path | str, config: Optional[Config] = None,
                      problems: Optional[Problems] = None, *,
                      as_of: Optional[date] = None) -> tuple[Optional[Project], Problems]:
    """load → validate: the project (None when booklet.yml is unusable) and
    every problem found. Pass `config` (with the problems of reading it) when
    booklet.yml has been read already. `as_of` (--as-of) overrides the
    project's as-of date (booklet/asof.py)."""
    root = Path(root).resolve()
    if problems is None:
        problems = Problems()
        config = load_config(root, problems)
    project = load_inputs(root, config, problems)
    if project is not None:
        resolve_as_of(project, as_of)
        validate_project(project, problems)
    return project, problems


def score(project: Project) -> list[Result]:
    return score_project(project, derive=derive_findings)


def writers(pdf: bool) -> list[tuple[str, Callable[[BuildContext], list[Path]]]]:
    """The render stage: each writer with the label printed after it ran."""
    stages: list[tuple[str, Callable[[BuildContext], list[Path]]]] = [("网站", build_site)]
    if pdf:
        stages += [("PDF 台账与评分表", build_pdfs), ("空白附件表格", build_blank_forms),
                   ("下载页（文件大小）", write_downloads)]
    return stages


# ------------------------------------------------------------------ identity of a build

def input_files(root: Path) -> list[Path]:
    """Everything a build reads from the project (for the build id)."""
    files = [root / CONFIG_FILE]
    for sub in ("rubrics", "assessments", "templates", STATIC_DIR):
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


def fingerprint(root: Path, options: dict) -> str:
    """What a build's output depends on: inputs, booklet's code, the options
    (as_of among them; without it the as-of date comes from the inputs)."""
    opts = ",".join(f"{k}={options[k]}" for k in sorted(options))
    return f"{build_id(root)}-{code_hash()[:16]}-{hashlib.sha256(opts.encode()).hexdigest()[:8]}"


def _unchanged(finals: list[Path], print_: str) -> bool:
    """A marker holding this build's fingerprint can only have been written
    by a successful build of exactly these inputs."""
    for final in finals:
        try:
            if (final / MARKER).read_text(encoding="utf-8").splitlines()[-1] != print_:
                return False
        except (OSError, IndexError):
            return False
    return True


# ------------------------------------------------------------------ output folders

def output_dir(root: Path | str, config: Config, what: str) -> Path:
    """Resolve output.site or output.internal; it must lie inside the project
    and must not be a folder of inputs, because a build replaces it wholesale."""
    root = Path(root).resolve()
    configured = config.output.site if what == "site" else config.output.internal
    path = (root / configured).resolve()
    loc = config.loc
    if path == root or not path.is_relative_to(root):
        raise BookletError(f"输出目录 output.{what}「{configured}」必须是项目内的一个子目录。", loc,
                           "在 booklet.yml 中把 output 设为例如 site 或 build/internal。")
    for inputs in ("rubrics", "assessments", "templates", "schema", STATIC_DIR):
        if path == root / inputs or (root / inputs) in path.parents or path in (root / inputs).parents:
            raise BookletError(f"输出目录 output.{what}「{configured}」与输入目录 {inputs}/ 重叠。", loc,
                               "换一个单独的输出目录，例如 site 或 build/internal。")
    check_is_folder(root, path, f"output.{what}「{configured}」", loc)
    if path.exists() and any(path.iterdir()) and not (path / MARKER).exists():
        raise BookletError(f"输出目录 {configured}/ 已存在且不是 booklet 生成的（缺少 {MARKER}），"
                           "为避免误删，不会覆盖它。", loc,
                           "换一个输出目录，或确认无用后手动删除该目录。")
    return path


def _finals(root: Path, config: Config, site_dir: Optional[Path],
            internal_dir: Optional[Path]) -> list[Path]:
    """The site and internal folders this build replaces (options win over booklet.yml)."""
    return [Path(site_dir).resolve() if site_dir else output_dir(root, config, "site"),
            Path(internal_dir).resolve() if internal_dir else output_dir(root, config, "internal")]


def mark_output(path: Path, print_: str = "", pdf_print: str = "") -> None:
    """Write booklet's marker: a later build may replace this folder. Its
    last line is the build's fingerprint; a `pdf <fingerprint>` line names
    the full build whose PDFs the folder holds."""
    text = ("booklet build output; replaced on every build\n"
            + (f"{PDF_LINE}{pdf_print}\n" if pdf_print else "") + (f"{print_}\n" if print_ else ""))
    (path / MARKER).write_text(text, encoding="utf-8")


def pdf_print_of(folder: Path) -> str:
    """The fingerprint of the full build whose PDFs `folder` holds ('' if none)."""
    try:
        lines = (folder / MARKER).read_text(encoding="utf-8").splitlines()
    except OSError:
        return ""
    return next((ln[len(PDF_LINE):] for ln in lines if ln.startswith(PDF_LINE)), "")


# ------------------------------------------------------------------ kept files: static/, last PDFs

def copy_static(root: Path, site: Path, echo: Callable[[str], None]) -> list[Path]:
    """Copy the project's static/ into the site (booklet's own pages win)."""
    src = root / STATIC_DIR
    written: list[Path] = []
    if not src.is_dir():
        return written
    for f in sorted(src.rglob("*")):
        if not f.is_file() or f.is_symlink():
            continue
        rel = f.relative_to(src)
        target = site / rel
        if target.exists() or rel.as_posix() == MARKER:
            echo(f"注意：{STATIC_DIR}/{rel.as_posix()} 与 booklet 生成的文件同名，未复制（请改名）。")
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(f, target)
        written.append(target)
    return written


def carry_pdfs(finals: list[Path], stagings: list[Path], full_print: str,
               echo: Callable[[str], None]) -> tuple[str, bool]:
    """A --no-pdf build keeps the last full build's PDFs: site/pdf/ and the
    internal output (ledgers, print HTML) are copied from the last outputs.
    Returns (fingerprint of the build that made them, whether it equals
    `full_print`, i.e. the PDFs are what a full build would make now)."""
    old = pdf_print_of(finals[0])
    if not old or pdf_print_of(finals[1]) != old:
        return "", False
    site_pdf = finals[0] / "pdf"
    if site_pdf.is_dir() and not (stagings[0] / "pdf").exists():
        shutil.copytree(site_pdf, stagings[0] / "pdf", symlinks=True)
    for p in sorted(finals[1].iterdir()):
        if p.name in (MARKER, STAGING_MARK) or (stagings[1] / p.name).exists():
            continue
        if p.is_dir() and not p.is_symlink():
            shutil.copytree(p, stagings[1] / p.name, symlinks=True)
        else:
            shutil.copy2(p, stagings[1] / p.name, follow_symlinks=False)
    fresh = old == full_print
    echo("保留了上次完整生成的 PDF（输入没有变化，与现在的数据一致）。" if fresh else
         "保留了上次完整生成的 PDF，但输入已经改变，这些 PDF 可能已过期，网站上不链接它们；"
         "需要新的 PDF 时运行 booklet build（不加 --no-pdf）。")
    return old, fresh


def _swap(staging: Path, final: Path, print_: str, pdf_print: str = "") -> None:
    """Replace `final` by `staging` (the caller holds the project lock)."""
    mark_output(staging, print_, pdf_print)
    (staging / STAGING_MARK).unlink(missing_ok=True)
    final.parent.mkdir(parents=True, exist_ok=True)
    old = None
    if final.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{final.name}.old-", dir=final.parent))
        write_staging_mark(old)
        old = old / final.name
        final.rename(old)
    staging.rename(final)
    if old is not None:
        shutil.rmtree(old.parent, ignore_errors=True)


# ------------------------------------------------------------------ the pipeline

def prepare(root: Path | str, *, site_dir: Path, internal_dir: Path, pdf: bool = True,
            pdf_variant: Optional[str] = None, jobs: Optional[int] = None, clean: bool = False,
            progress: bool = False, build_id_: str = "",
            as_of: Optional[date] = None) -> BuildContext:
    """load → validate → score, into a context whose writers write to
    `site_dir` and `internal_dir` directly (tests, previews). Raises
    BookletError on any error in the project."""
    project, problems = load_and_validate(root, as_of=as_of)
    if project is None or problems.errors:
        raise BookletError(problems)
    root = Path(project.root)
    return BuildContext(project=project, results=score(project),
                        site_dir=Path(site_dir), internal_dir=Path(internal_dir),
                        cache_dir=root / CACHE_DIR, jobs=jobs or os.cpu_count() or 1, clean=clean,
                        pdf=pdf, pdf_variant=pdf_variant, progress=progress,
                        build_id=build_id_ or build_id(root))


def run_build(root: Path | str, *, jobs: Optional[int] = None, clean: bool = False, pdf: bool = True,
              pdf_variant: Optional[str] = None, progress: bool = True,
              site_dir: Optional[Path] = None, internal_dir: Optional[Path] = None,
              as_of: Optional[date] = None,
              echo: Callable[[str], None] = lambda s: None) -> BuildContext | KeptOutput:
    """Build the project at `root`. Raises BookletError on bad input; the old
    outputs are untouched unless the whole build succeeded."""
    root = Path(root).resolve()
    if not (root / CONFIG_FILE).is_file():      # not a project: nothing to lock, say why
        _, problems = load_and_validate(root)
        raise BookletError(problems)
    with project_lock(root, echo):
        return _run_build_locked(root, jobs=jobs, clean=clean, pdf=pdf, pdf_variant=pdf_variant,
                                 progress=progress, site_dir=site_dir, internal_dir=internal_dir,
                                 as_of=as_of, echo=echo)


def _run_build_locked(root: Path, *, jobs, clean, pdf, pdf_variant, progress, site_dir,
                      internal_dir, as_of, echo) -> BuildContext | KeptOutput:
    t0 = time.perf_counter()
    options = {"pdf": pdf, "variant": pdf_variant, "site": site_dir, "internal": internal_dir}
    if as_of is not None:       # else the as-of date comes from the inputs (in the build id)
        options["as_of"] = as_of.isoformat()
    with stage("fingerprint"):
        print_ = fingerprint(root, options)

    # load: booklet.yml once, first, since it says where the last outputs are
    problems = Problems()
    config = load_config(root, problems)
    if config is not None and not clean and print_:
        try:
            kept = _finals(root, config, site_dir, internal_dir)
        except BookletError:    # reported below, after the problems of the inputs
            kept = None
        if kept and _unchanged(kept, print_):
            echo(f"输入和程序都没有变化，保留上次的输出（{time.perf_counter() - t0:.2f} 秒）。"
                 "需要全部重新生成时加 --clean。")
            return KeptOutput(site_dir=kept[0], internal_dir=kept[1],
                              build_id=print_.split("-")[0])

    # load the rest → validate
    with stage("load + validate"):
        project, problems = load_and_validate(root, config, problems, as_of=as_of)
    if project is None or problems.errors:
        raise BookletError(problems)
    finals = _finals(root, project.config, site_dir, internal_dir)

    # score
    with stage("score"):
        results = score(project)
    echo(f"已读取并评分：{len(project.rubrics)} 个考核细则，{len(project.records)} 份记录，"
         f"{len(results)} 个结果（{time.perf_counter() - t0:.1f} 秒）。")

    # render into staging folders → write (swap them in)
    stagings = []
    pdf_print, fresh = (print_ if pdf else ""), False
    try:
        for final in finals:
            check_is_folder(root, final, shown(root, final) + "/")
            try:
                remove_stale_stagings(final)
                stagings.append(make_staging(final))
            except OSError as e:
                raise os_error(e, root, "创建输出目录") from None
        if not pdf and not clean:
            try:
                pdf_print, fresh = carry_pdfs(finals, stagings, fingerprint(root, {**options, "pdf": True}),
                                              echo)
            except OSError as e:
                raise os_error(e, root, "保留上次的 PDF") from None
        # a --no-pdf build whose kept PDFs are current links them like a full build
        ctx = BuildContext(
            project=project, results=results,
            site_dir=stagings[0], internal_dir=stagings[1],
            cache_dir=root / CACHE_DIR, jobs=jobs or os.cpu_count() or 1, clean=clean,
            pdf=pdf or fresh, pdf_variant=pdf_variant, progress=progress,
            build_id=print_.split("-")[0])
        for label, writer in writers(pdf):
            t = time.perf_counter()
            with stage(label):
                written = writer(ctx) or []
            ctx.outputs.extend(written)
            echo(f"{label}：{len(written)} 个文件（{time.perf_counter() - t:.1f} 秒）。")
        try:
            static = copy_static(root, stagings[0], echo)
        except OSError as e:
            raise os_error(e, root, f"复制 {STATIC_DIR}/ 到网站") from None
        if static:
            echo(f"{STATIC_DIR}/：复制了 {len(static)} 个文件到网站。")
        for staging, final in zip(stagings, finals):
            try:
                with stage(f"swap {final.name}"):
                    _swap(staging, final, print_, pdf_print)
            except OSError as e:
                raise os_error(e, root, f"替换输出目录 {shown(root, final)}/") from None
        stagings = []
    finally:
        for s in stagings:
            shutil.rmtree(s, ignore_errors=True)
    ctx.site_dir, ctx.internal_dir = finals
    echo(f"完成：网站在 {finals[0]}，内部台账在 {finals[1]}（共 {time.perf_counter() - t0:.1f} 秒）。")
    return ctx
