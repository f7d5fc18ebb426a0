"""No hang, no orphan, no leftovers: a worker that cannot start stops the
build, workers die with a killed build, the next build removes what a killed
one left, concurrent builds of one project wait for each other, outputs
follow the umask, and output folders that cannot be written get a Chinese
message saying what to fix (exit 1, never booklet's internal error)."""
from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import booklet.build as pipeline
from booklet.build import CACHE_DIR, MARKER, STAGING_MARK, run_build
from booklet.errors import BookletError

from conftest import MINI_CONFIG, REPO, write_project

ENV = {**os.environ, "PYTHONPATH": str(REPO)}


def booklet(*args: str, timeout: float = 120, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "booklet", *args], capture_output=True,
                          text=True, timeout=timeout, env=ENV, **kw)


def custom_css(root: Path, css: str) -> None:
    (root / "templates" / "print").mkdir(parents=True, exist_ok=True)
    (root / "templates" / "print" / "custom.css").write_text(css, encoding="utf-8")


def leftovers(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob(".*staging-*")) + \
        sorted(p.relative_to(root).as_posix() for p in root.rglob(".*.old-*"))


# ------------------------------------------------------------------ PDF workers

def test_a_broken_font_in_custom_css_stops_a_parallel_build(tmp_path):
    root = write_project(tmp_path / "p")
    custom_css(root, "/* 本镇字体 */\n@font-face { font-family: 本镇宋体; src: url(../fonts/missing.ttc); }\n")
    t = time.monotonic()
    r = booklet("build", str(root), "--jobs", "2", timeout=30)   # it used to restart workers forever
    assert time.monotonic() - t < 30
    assert r.returncode == 1, r.stderr
    assert "templates/print/custom.css:2" in r.stderr
    assert "找不到文件" in r.stderr and str(root / "templates" / "fonts" / "missing.ttc") in r.stderr
    assert "Traceback" not in r.stderr and "内部错误" not in r.stderr
    assert not (root / "site").exists() and leftovers(root) == []


def test_custom_css_urls_resolve_against_the_projects_templates(tmp_path):
    """url(../fonts/x.ttc) in templates/print/custom.css is templates/fonts/x.ttc."""
    import booklet.render.fonts as fonts

    root = write_project(tmp_path / "p")
    face = next(iter(fonts.cjk_faces()), None)
    if face is None:
        pytest.skip("no CJK font installed")
    font_file = Path(getattr(face, "path", face if isinstance(face, (str, Path)) else ""))
    if not font_file.is_file():
        found = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True).stdout
        font_file = Path(found.splitlines()[0].split(":")[0]) if found.strip() else Path("")
    if not font_file.is_file():
        pytest.skip("no CJK font file found")
    (root / "templates" / "fonts").mkdir(parents=True)
    shutil.copyfile(font_file, root / "templates" / "fonts" / ("x" + font_file.suffix))
    custom_css(root, f"@font-face {{ font-family: 本镇宋体; src: url(../fonts/x{font_file.suffix}); }}\n"
                     "h1 { font-family: 本镇宋体; }\n")
    r = booklet("build", str(root), "--jobs", "2", timeout=120)
    assert r.returncode == 0, r.stderr
    assert list((root / "site").rglob("*.pdf"))


def test_a_custom_css_url_out_of_the_project_is_refused_with_its_line(tmp_path):
    root = write_project(tmp_path / "p")
    custom_css(root, "body {}\n\nh1 { background: url(../../../../../../etc/passwd); }\n")
    r = booklet("build", str(root), "--jobs", "1", timeout=60)
    assert r.returncode == 1, r.stderr
    assert "templates/print/custom.css:3" in r.stderr and "拒绝读取" in r.stderr


def _children(pid: int) -> set[int]:
    kids = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            kids |= {int(c) for c in (task / "children").read_text().split()}
        except OSError:
            pass
    return kids


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs /proc (Linux)")
def test_kill_9_of_a_build_leaves_no_worker_and_the_next_build_no_staging(tmp_path):
    root = write_project(tmp_path / "p")
    proc = subprocess.Popen([sys.executable, "-m", "booklet", "build", str(root), "--jobs", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    workers: set[int] = set()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        workers = _children(proc.pid)
        if len(workers) >= 2:
            break
        time.sleep(0.02)
    if proc.poll() is not None:
        pytest.skip("the build ended before its workers could be seen")
    assert workers, "no PDF worker started"
    assert leftovers(root), "the build had no staging folder yet"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline and any(_alive(w) for w in workers):
        time.sleep(0.05)
    assert not [w for w in workers if _alive(w)], "PDF workers outlived the killed build"
    stale = leftovers(root)
    assert stale
    run_build(root, pdf=False, progress=False)
    assert leftovers(root) == []
    assert (root / "site" / "index.html").is_file()


def test_a_staging_folder_of_a_live_build_or_without_the_mark_is_kept(tmp_path):
    root = write_project(tmp_path / "p")
    live = root / ".site.staging-live"
    live.mkdir()
    (live / STAGING_MARK).write_text(f"{os.getppid()}\n", encoding="ascii")
    foreign = root / ".site.staging-mine"
    foreign.mkdir()
    dead = root / ".site.staging-dead"
    dead.mkdir()
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True)
    (dead / STAGING_MARK).write_text(child.stdout, encoding="ascii")
    run_build(root, pdf=False, progress=False)
    assert live.is_dir() and foreign.is_dir() and not dead.exists()


# ------------------------------------------------------------------ concurrent builds

def test_concurrent_builds_in_threads_never_raise(mini):
    errors: list[BaseException] = []

    def build():
        try:
            for _ in range(3):
                run_build(mini, pdf=False, progress=False, clean=True)
        except BaseException as e:  # noqa: BLE001 - collected for the assertion
            errors.append(e)
    threads = [threading.Thread(target=build) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    assert (mini / "site" / "index.html").is_file() and (mini / "site" / MARKER).is_file()
    assert leftovers(mini) == []


def test_concurrent_swaps_under_the_lock_never_raise(tmp_path):
    """The bare swap, hammered by threads: 4 × 25 swaps of one site/."""
    root = write_project(tmp_path / "p")
    final = root / "site"
    errors: list[BaseException] = []

    def swapper(n: int):
        try:
            for i in range(25):
                with pipeline.project_lock(root):
                    staging = pipeline.make_staging(final)
                    (staging / "index.html").write_text(f"{n}-{i}", encoding="utf-8")
                    pipeline._swap(staging, final, "print")
        except BaseException as e:  # noqa: BLE001
            errors.append(e)
    threads = [threading.Thread(target=swapper, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    assert sorted(p.name for p in final.iterdir()) == [MARKER, "index.html"]
    assert leftovers(root) == []


def test_concurrent_build_processes_all_succeed(mini):
    procs = [subprocess.Popen([sys.executable, "-m", "booklet", "build", str(mini), "--no-pdf",
                               "--clean"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env=ENV) for _ in range(4)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], [o[1] for o in outs]
    assert (mini / "site" / "index.html").is_file() and leftovers(mini) == []


def test_a_second_build_says_it_waits_for_the_first(mini):
    said: list[str] = []
    with pipeline.project_lock(mini):
        t = threading.Thread(target=lambda: run_build(mini, pdf=False, progress=False,
                                                      echo=said.append))
        t.start()
        time.sleep(0.5)
        assert not (mini / "site").exists()          # it waits
    t.join(60)
    assert "另一个 booklet build 正在运行" in said[0]
    assert (mini / "site" / "index.html").is_file()


# ------------------------------------------------------------------ permissions

@pytest.mark.parametrize("mask, dirs, files", [(0o022, 0o755, 0o644), (0o027, 0o750, 0o640)])
def test_outputs_follow_the_umask(mini, mask, dirs, files):
    old = os.umask(mask)
    try:
        run_build(mini, pdf=False, progress=False)
    finally:
        os.umask(old)
    for out in (mini / "site", mini / "build" / "internal"):
        assert stat.S_IMODE(out.stat().st_mode) == dirs, out
    for p in (mini / "site").rglob("*"):
        assert stat.S_IMODE(p.stat().st_mode) == (dirs if p.is_dir() else files), p


# ------------------------------------------------------------------ output folders that cannot be written

def _fails(root: Path) -> BookletError:
    with pytest.raises(BookletError) as e:
        run_build(root, pdf=False, progress=False)
    return e.value


def test_site_being_a_file_says_what_to_fix(mini):
    (mini / "site").write_text("my notes", encoding="utf-8")
    msg = _fails(mini).problems.report()
    assert "site 是一个文件" in msg and "删除或改名文件 site" in msg
    assert (mini / "site").read_text(encoding="utf-8") == "my notes"


def test_build_being_a_file_says_what_to_fix(mini):
    (mini / "build").write_text("x", encoding="utf-8")
    msg = _fails(mini).problems.report()
    assert "build 是一个文件" in msg and "build/internal" in msg
    assert not (mini / "site").exists()


def test_build_being_a_file_through_the_cli_exits_1(mini):
    (mini / "build").write_text("x", encoding="utf-8")
    r = booklet("build", str(mini), "--no-pdf")
    assert r.returncode == 1 and "build 是一个文件" in r.stderr and "内部错误" not in r.stderr


def test_the_cache_being_a_file_says_what_to_fix(mini):
    (mini / CACHE_DIR).write_text("x", encoding="utf-8")
    msg = _fails(mini).problems.report()
    assert f"{CACHE_DIR} 是一个文件" in msg


def test_a_read_only_project_says_what_to_fix(mini, monkeypatch):
    """As root chmod does not stop writes, so the refusal is simulated."""
    def refuse(*a, dir=None, **kw):
        raise PermissionError(13, "Permission denied", str(Path(dir) / ".site.staging-x"))
    monkeypatch.setattr(pipeline.tempfile, "mkdtemp", refuse)
    p = _fails(mini).problems.errors[0]
    assert "没有写入权限" in p.what and "chmod u+w" in p.fix
    assert str(p.loc) == "."                     # the project folder refused


def test_a_read_only_cache_says_what_to_fix(mini, monkeypatch):
    (mini / CACHE_DIR).mkdir()
    real_open = open

    def refuse(path, *a, **kw):
        if str(path).endswith("build.lock"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *a, **kw)
    monkeypatch.setattr("builtins.open", refuse)
    p = _fails(mini).problems.errors[0]
    assert CACHE_DIR in p.what and "没有写入权限" in p.what


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_really_read_only_project_says_what_to_fix(mini):
    mini.chmod(0o555)
    try:
        r = booklet("build", str(mini), "--no-pdf")
    finally:
        mini.chmod(0o755)
    assert r.returncode == 1 and "没有写入权限" in r.stderr, r.stderr


def test_no_project_is_reported_not_locked(tmp_path):
    msg = _fails(tmp_path).problems.report()
    assert "booklet.yml" in msg
    assert not (tmp_path / CACHE_DIR).exists()


def test_a_bad_config_output_is_still_reported(tmp_path):
    root = write_project(tmp_path / "p", config=MINI_CONFIG + "output: {site: ../elsewhere}\n")
    assert "项目内" in _fails(root).problems.report()
