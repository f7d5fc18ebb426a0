"""The build's own folders: staging folders next to the outputs, the
project lock, the umask, and the Chinese message for a folder that cannot be
written. booklet/build.py uses these to swap outputs in atomically.
"""
from __future__ import annotations

import errno
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from .errors import BookletError
from .model import Loc

CACHE_DIR = ".booklet-cache"


def check_is_folder(root: Path, path: Path, what: str, loc=None) -> None:
    """`path` and every folder above it inside the project must be folders
    (or not exist yet): a file there would stop the build half-way."""
    p = path
    while p == path or (p != root and p.is_relative_to(root)):
        if p.exists() and not p.is_dir():
            rel = shown(root, p)
            raise BookletError(f"输出目录 {what} 无法创建：{rel} 是一个文件，不是文件夹。", loc,
                               f"删除或改名文件 {rel}，或在 booklet.yml 中换一个输出目录。")
        p = p.parent


def shown(root: Path, path: Path) -> str:
    """`path` as the user sees it: relative to the project when inside it."""
    path = Path(os.path.abspath(path))
    return path.relative_to(root).as_posix() or "." if path.is_relative_to(root) else str(path)


def os_error(e: OSError, root: Path, doing: str) -> BookletError:
    """A failed write of the build's own folders, as what to fix."""
    target = Path(e.filename) if e.filename else root
    while not target.exists() and target != target.parent:
        target = target.parent      # name what exists: the folder that refused
    where = shown(root, target)
    if isinstance(e, PermissionError) or e.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        why, fix = "没有写入权限（或磁盘是只读的）", (f"给运行 booklet 的用户 {where} 的写权限"
                                                   "（如 chmod u+w），或把项目复制到可写的位置再运行。")
    elif e.errno == errno.ENOSPC:
        why, fix = "磁盘已满", "腾出磁盘空间后重新运行。"
    elif e.errno in (errno.ENOTDIR, errno.EEXIST):
        why, fix = "路径上有一个同名的文件", f"删除或改名与 {where} 同名的文件。"
    else:
        why, fix = e.strerror or type(e).__name__, f"检查 {where} 是否可写。"
    return BookletError(f"{doing}失败：{where}：{why}。", Loc(where), fix)


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


def write_staging_mark(path: Path) -> None:
    (path / STAGING_MARK).write_text(f"{os.getpid()}\n", encoding="ascii")


def make_staging(final: Path) -> Path:
    """A fresh folder next to `final`, with the permissions the umask gives
    (mkdtemp alone makes it 0700: a web server could not read the site),
    marked with this build's pid so that a later build can remove it if this
    one is killed."""
    final.parent.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix=f".{final.name}.staging-", dir=final.parent))
    os.chmod(path, 0o777 & ~_umask())
    write_staging_mark(path)
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
    removed: list[Path] = []
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
        check_is_folder(root, cache, f"缓存目录 {CACHE_DIR}/")
        cache.mkdir(exist_ok=True)
        fh = open(cache / LOCK_FILE, "a+b")
    except OSError as e:
        raise os_error(e, root, f"创建缓存目录 {CACHE_DIR}/ 中的锁文件") from None
    try:
        try:
            import fcntl
        except ImportError:         # pragma: no cover - not POSIX: no lock
            fcntl = None  # type: ignore[assignment]  # a module or None, checked below
        if fcntl is not None:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                echo("同一项目的另一个 booklet build 正在运行，等待它结束……")
                fcntl.flock(fh, fcntl.LOCK_EX)
        yield
    finally:
        fh.close()                  # releases the lock
