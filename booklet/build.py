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

import errno
import hashlib
import os
import shutil
import tempfile
import time
from datetime import date
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, Optional

from .annex.derive import derive_findings
from .asof import resolve_as_of
from .annex.print import build_blank_forms
from .buildctx import BuildContext
from .errors import BookletError, Problems
from .load import CONFIG_FILE, load_config, load_inputs
from .model import Config, Loc, Project
from .render.booklets import build_pdfs
from .render.cache import code_hash
from .scoring import score_project
from .scoring.result import Result
from .site.build import build_site
from .validate import validate_project

MARKER = ".booklet-output"      # marks a folder booklet may replace
CACHE_DIR = ".booklet-cache"


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
    stages = [("网站", build_site)]
    if pdf:
        stages += [("PDF 台账与评分表", build_pdfs), ("空白附件表格", build_blank_forms)]
    return stages


# ------------------------------------------------------------------ identity of a build

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
    for inputs in ("rubrics", "assessments", "templates", "schema"):
        if path == root / inputs or (root / inputs) in path.parents or path in (root / inputs).parents:
            raise BookletError(f"输出目录 output.{what}「{configured}」与输入目录 {inputs}/ 重叠。", loc,
                               "换一个单独的输出目录，例如 site 或 build/internal。")
    _check_is_folder(root, path, f"output.{what}「{configured}」", loc)
    if path.exists() and any(path.iterdir()) and not (path / MARKER).exists():
        raise BookletError(f"输出目录 {configured}/ 已存在且不是 booklet 生成的（缺少 {MARKER}），"
                           "为避免误删，不会覆盖它。", loc,
                           "换一个输出目录，或确认无用后手动删除该目录。")
    return path


def _check_is_folder(root: Path, path: Path, what: str, loc=None) -> None:
    """`path` and every folder above it inside the project must be folders
    (or not exist yet): a file there would stop the build half-way."""
    p = path
    while p == path or (p != root and p.is_relative_to(root)):
        if p.exists() and not p.is_dir():
            rel = _shown(root, p)
            raise BookletError(f"输出目录 {what} 无法创建：{rel} 是一个文件，不是文件夹。", loc,
                               f"删除或改名文件 {rel}，或在 booklet.yml 中换一个输出目录。")
        p = p.parent


def _shown(root: Path, path: Path) -> str:
    """`path` as the user sees it: relative to the project when inside it."""
    path = Path(os.path.abspath(path))
    return path.relative_to(root).as_posix() or "." if path.is_relative_to(root) else str(path)


def _os_error(e: OSError, root: Path, doing: str) -> BookletError:
    """A failed write of the build's own folders, as what to fix."""
    target = Path(e.filename) if e.filename else root
    while not target.exists() and target != target.parent:
        target = target.parent      # name what exists: the folder that refused
    shown = _shown(root, target)
    if isinstance(e, PermissionError) or e.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        why, fix = "没有写入权限（或磁盘是只读的）", (f"给运行 booklet 的用户 {shown} 的写权限"
                                                   "（如 chmod u+w），或把项目复制到可写的位置再运行。")
    elif e.errno == errno.ENOSPC:
        why, fix = "磁盘已满", "腾出磁盘空间后重新运行。"
    elif e.errno in (errno.ENOTDIR, errno.EEXIST):
        why, fix = "路径上有一个同名的文件", f"删除或改名与 {shown} 同名的文件。"
    else:
        why, fix = e.strerror or type(e).__name__, f"检查 {shown} 是否可写。"
    return BookletError(f"{doing}失败：{shown}：{why}。", Loc(shown), fix)


def _finals(root: Path, config: Config, site_dir: Optional[Path],
            internal_dir: Optional[Path]) -> list[Path]:
    """The site and internal folders this build replaces (options win over booklet.yml)."""
    return [Path(site_dir).resolve() if site_dir else output_dir(root, config, "site"),
            Path(internal_dir).resolve() if internal_dir else output_dir(root, config, "internal")]


def mark_output(path: Path, print_: str = "") -> None:
    """Write booklet's marker: a later build may replace this folder."""
    text = "booklet build output; replaced on every build\n" + (f"{print_}\n" if print_ else "")
    (path / MARKER).write_text(text, encoding="utf-8")


def _swap(staging: Path, final: Path, print_: str) -> None:
    """Replace `final` by `staging` (the caller holds the project lock)."""
    mark_output(staging, print_)
    (staging / STAGING_MARK).unlink(missing_ok=True)
    final.parent.mkdir(parents=True, exist_ok=True)
    old = None
    if final.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{final.name}.old-", dir=final.parent))
        _write_staging_mark(old)
        old = old / final.name
        final.rename(old)
    staging.rename(final)
    if old is not None:
        shutil.rmtree(old.parent, ignore_errors=True)


# ------------------------------------------------------------------ staging folders, lock, umask

STAGING_MARK = ".booklet-staging"   # in a staging folder: the pid of the build that made it
LOCK_FILE = "build.lock"            # in .booklet-cache/: one build of a project at a time


def _umask() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)          # pragma: no cover - not Linux
    os.umask(mask)
    return mask


def _write_staging_mark(path: Path) -> None:
    (path / STAGING_MARK).write_text(f"{os.getpid()}\n", encoding="ascii")


def make_staging(final: Path) -> Path:
    """A fresh folder next to `final`, with the permissions the umask gives
    (mkdtemp alone makes it 0700: a web server could not read the site),
    marked with this build's pid so that a later build can remove it if this
    one is killed."""
    final.parent.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix=f".{final.name}.staging-", dir=final.parent))
    os.chmod(path, 0o777 & ~_umask())
    _write_staging_mark(path)
    return path


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_stagings(final: Path) -> list[Path]:
    """Remove the staging (and old-output) folders next to `final` that a
    killed build left: booklet's mark in them, and their build's pid is dead
    (the caller holds the project lock, so no live build is using them)."""
    removed = []
    if not final.parent.is_dir():
        return removed
    for p in final.parent.glob(f".{final.name}.*-*"):
        if not (p.name.startswith((f".{final.name}.staging-", f".{final.name}.old-"))
                and p.is_dir() and not p.is_symlink()):
            continue
        try:
            pid = int((p / STAGING_MARK).read_text(encoding="ascii").split()[0])
        except (OSError, ValueError, IndexError):
            continue                # not booklet's, or not readable: leave it
        if pid != os.getpid() and not _pid_alive(pid):
            shutil.rmtree(p, ignore_errors=True)
            removed.append(p)
    return removed


@contextmanager
def project_lock(root: Path, echo: Callable[[str], None] = lambda s: None) -> Iterator[None]:
    """One build of a project at a time (fcntl.flock on .booklet-cache/build.lock);
    a second build says so and waits. Threads of one process wait too (each
    holds its own open file)."""
    cache = root / CACHE_DIR
    try:
        _check_is_folder(root, cache, f"缓存目录 {CACHE_DIR}/")
        cache.mkdir(exist_ok=True)
        fh = open(cache / LOCK_FILE, "a+b")
    except OSError as e:
        raise _os_error(e, root, f"创建缓存目录 {CACHE_DIR}/ 中的锁文件") from None
    try:
        try:
            import fcntl
        except ImportError:         # pragma: no cover - not POSIX: no lock
            fcntl = None
        if fcntl is not None:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                echo("同一项目的另一个 booklet build 正在运行，等待它结束……")
                fcntl.flock(fh, fcntl.LOCK_EX)
        yield
    finally:
        fh.close()                  # releases the lock


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
              echo: Callable[[str], None] = lambda s: None) -> BuildContext:
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
                      internal_dir, as_of, echo) -> BuildContext:
    t0 = time.perf_counter()
    options = {"pdf": pdf, "variant": pdf_variant, "site": site_dir, "internal": internal_dir,
               "as_of": as_of.isoformat() if as_of else None}
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
            return BuildContext(project=None, results=[], site_dir=kept[0], internal_dir=kept[1],
                                cache_dir=root / CACHE_DIR, pdf=pdf,
                                build_id=print_.split("-")[0], unchanged=True)

    # load the rest → validate
    project, problems = load_and_validate(root, config, problems, as_of=as_of)
    if project is None or problems.errors:
        raise BookletError(problems)
    finals = _finals(root, project.config, site_dir, internal_dir)

    # score
    results = score(project)
    echo(f"已读取并评分：{len(project.rubrics)} 个考核细则，{len(project.records)} 份记录，"
         f"{len(results)} 个结果（{time.perf_counter() - t0:.1f} 秒）。")

    # render into staging folders → write (swap them in)
    stagings = []
    try:
        for final in finals:
            _check_is_folder(root, final, _shown(root, final) + "/")
            try:
                remove_stale_stagings(final)
                stagings.append(make_staging(final))
            except OSError as e:
                raise _os_error(e, root, "创建输出目录") from None
        ctx = BuildContext(
            project=project, results=results,
            site_dir=stagings[0], internal_dir=stagings[1],
            cache_dir=root / CACHE_DIR, jobs=jobs or os.cpu_count() or 1, clean=clean,
            pdf=pdf, pdf_variant=pdf_variant, progress=progress, build_id=print_.split("-")[0])
        for label, writer in writers(pdf):
            t = time.perf_counter()
            written = writer(ctx) or []
            ctx.outputs.extend(written)
            echo(f"{label}：{len(written)} 个文件（{time.perf_counter() - t:.1f} 秒）。")
        for staging, final in zip(stagings, finals):
            try:
                _swap(staging, final, print_)
            except OSError as e:
                raise _os_error(e, root, f"替换输出目录 {_shown(root, final)}/") from None
        stagings = []
    finally:
        for s in stagings:
            shutil.rmtree(s, ignore_errors=True)
    ctx.site_dir, ctx.internal_dir = finals
    echo(f"完成：网站在 {finals[0]}，内部台账在 {finals[1]}（共 {time.perf_counter() - t0:.1f} 秒）。")
    return ctx
