"""Render jobs in this process or in forked worker processes (pdf.Renderer).

Worker processes are forked: they inherit the jobs (closures over the Jinja
environment and the model) and build their own Renderer once. They die with
the build (_die_with_parent); one that cannot start stops the build.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Callable, Optional, Sequence

from ..errors import BookletError
from ..model import Loc
from .pdf import Renderer, RenderJob, RenderSettings

_JOBS: Sequence[RenderJob] = ()
_SETTINGS: Optional[RenderSettings] = None
_RENDERER: Optional[Renderer] = None
_STORE: Optional[Callable[[str, bytes, int], None]] = None


@dataclass
class RenderReport:
    pages: dict[str, int] = field(default_factory=dict)      # cache key -> pages
    cpu: dict[str, float] = field(default_factory=dict)      # cache key -> CPU seconds
    extra_passes: int = 0                                    # layouts redone for rowspans
    parts_rendered: int = 0                                  # parts of books laid out
    parts_cached: int = 0                                    # parts of books from the cache
    pages_laid_out: int = 0                                  # pages laid out (not from a cache)


_INIT_ERROR = None     # a worker's start-up failure (Problems), reported for every job
_PARENT = 0


def _die_with_parent(parent: int) -> None:
    """A worker must not outlive the build (kill -9 of `booklet build`): on
    Linux the kernel kills it (PR_SET_PDEATHSIG); elsewhere, and as a second
    guard, a thread ends it once its parent is gone."""
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)          # PR_SET_PDEATHSIG = 1
    except (OSError, AttributeError):                   # pragma: no cover - not Linux
        pass
    if os.getppid() != parent:                          # died before prctl took effect
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(1)
    threading.Thread(target=watch, name="booklet-parent-watch", daemon=True).start()


def _worker_init() -> None:
    """Build the worker's Renderer. A failure (a broken font in custom.css)
    must not kill the worker: the pool would start another forever. It is
    kept and reported as the result of the first job, which stops the build."""
    global _RENDERER, _INIT_ERROR
    _die_with_parent(_PARENT)
    try:
        _RENDERER = Renderer(_SETTINGS)  # type: ignore[arg-type]
    except BookletError as e:
        _INIT_ERROR = e.problems
    except Exception as e:  # noqa: BLE001 - reported to the parent, which stops
        _INIT_ERROR = BookletError(f"PDF 渲染进程无法启动：{type(e).__name__}: {e}",
                                   loc=Loc("templates/print"),
                                   fix="检查打印样式表和字体（booklet doctor）。").problems
    gc.freeze()


def _worker_run(i: int):
    """Render job i and store its PDFs; returns (i, {key: pages}, cpu,
    (extra passes, parts laid out, parts from the cache, pages laid out), problems, fatal)."""
    if _INIT_ERROR is not None:
        return i, {}, 0.0, (0, 0, 0, 0), _INIT_ERROR, True
    job = _JOBS[i]
    r = _RENDERER
    assert r is not None
    t = time.process_time()
    before = (r.passes, r.parts_rendered, r.parts_cached, r.pages_laid_out)
    try:
        outs = r.render(job)
    except BookletError as e:
        return i, {}, 0.0, (0, 0, 0, 0), e.problems, False
    for key, pdf, pages in outs:
        _STORE(key, pdf, pages)  # type: ignore[misc]
    counts = {key: pages for key, _, pages in outs}
    del outs
    # The layout is garbage now: collect it, then freeze what survives (fonts,
    # caches) so that later collections do not walk it again.
    gc.collect()
    gc.freeze()
    after = (r.passes, r.parts_rendered, r.parts_cached, r.pages_laid_out)
    return (i, counts, time.process_time() - t,
            tuple(a - b for a, b in zip(after, before)), None, False)


class _Stop(Exception):
    """A worker could not start: stop at once with its problems."""


def render_all(jobs: Sequence[RenderJob], settings: RenderSettings, store: Callable,
               workers: int = 1, progress: Optional[Callable[[int], None]] = None) -> RenderReport:
    """Render every job; `store(key, pdf_bytes, pages)` keeps each PDF.
    Raises BookletError with every failure. A worker that cannot start or
    dies stops the build (never restarted), whatever the number of workers."""
    global _JOBS, _SETTINGS, _STORE, _RENDERER, _INIT_ERROR
    from ..errors import Problems

    report = RenderReport()
    problems = Problems()
    if not jobs:
        return report
    workers = max(1, min(workers, len(jobs)))
    use_pool = workers > 1 and "fork" in multiprocessing.get_all_start_methods()
    _JOBS, _SETTINGS, _STORE = list(jobs), settings, store

    def take(result) -> None:
        i, pages, cpu, (passes, parts_rendered, parts_cached, laid_out), errs, fatal = result
        if fatal:
            raise _Stop(errs)
        if errs:
            problems.extend(errs)
        report.pages.update(pages)
        report.cpu[_JOBS[i].key] = cpu
        report.extra_passes += passes
        report.parts_rendered += parts_rendered
        report.parts_cached += parts_cached
        report.pages_laid_out += laid_out
        if progress:
            progress(1)
    try:
        if not use_pool:
            if _RENDERER is None or _RENDERER.settings != settings:
                _RENDERER = Renderer(settings)
            for n in range(len(_JOBS)):
                take(_worker_run(n))
        else:
            _run_pool(workers, take)
    except _Stop as stop:
        raise BookletError(stop.args[0]) from None
    finally:
        _JOBS, _STORE, _INIT_ERROR = (), None, None
    if problems:
        # a stylesheet's bad url() stops every document: say it once
        unique = Problems()
        seen: set = set()
        for p in problems.items:
            if (p.loc, p.what) not in seen:
                seen.add((p.loc, p.what))
                unique.items.append(p)
        raise BookletError(unique)
    return report


def _run_pool(workers: int, take: Callable) -> None:
    """Jobs in forked worker processes (they inherit the jobs). Jobs come
    biggest first; one at a time keeps both cores busy to the end. On any
    failure the workers are killed at once, not left to finish."""
    global _PARENT
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    _PARENT = os.getpid()
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                               initializer=_worker_init)
    ok = False
    try:
        pending = {pool.submit(_worker_run, n) for n in range(len(_JOBS))}
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                try:
                    result = fut.result()
                except BrokenProcessPool:
                    raise BookletError(
                        "PDF 渲染进程意外退出（可能是内存不足，或字体、样式表使渲染引擎崩溃）。",
                        loc=Loc("templates/print"),
                        fix="用 --jobs 1 重新运行以查看原因；运行 booklet doctor 检查字体。") from None
                take(result)
        ok = True
    finally:
        if not ok:
            for proc in list(getattr(pool, "_processes", {}).values()):
                if proc.is_alive():
                    proc.kill()
        pool.shutdown(wait=True, cancel_futures=True)


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover
        return os.cpu_count() or 1


def stderr_is_tty() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False
