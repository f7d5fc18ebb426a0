"""booklet serve [PROJECT_DIR] [--port 8000]: build, preview, rebuild on change.

The site is served from 127.0.0.1 only (http.server in a thread); the project's
inputs (booklet.yml, rubrics/, assessments/, templates/) and the packaged theme
are watched with watchfiles, and every change rebuilds the site through the
same atomic `run_build` as `booklet build` (HTML only unless --pdf). A failed
rebuild prints its problems and the last good site stays online. Ctrl+C stops
cleanly.
"""
from __future__ import annotations

import errno
import html
import io
import sys
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Optional

import click

from ..buildctx import BuildContext
from ..errors import BookletError
from ..load import CONFIG_FILE
from ..render.env import THEME_DIR
from ._common import project_dir

HOST = "127.0.0.1"
WATCHED = (CONFIG_FILE, "rubrics", "assessments", "templates", "static")
DOCS_PREFIX = "/docs/"
TRIES = 10                      # ports tried after the default one is taken


class _State:
    """What the request handler serves: None until the first good build."""

    def __init__(self) -> None:
        self.site_dir: Optional[Path] = None
        self.message = "网站正在生成，请稍候刷新。"


def docs_page(url_path: str) -> Optional[bytes]:
    """/docs/zh/ → the Chinese documentation (docs/zh/*.md) as HTML; None: not a page.
    Links between the documents (x.md, ../errors.md) keep working."""
    import markdown
    from urllib.parse import unquote, urlsplit

    from ..resources import docs_dir

    rel = unquote(urlsplit(url_path).path)[len(DOCS_PREFIX):]
    base = docs_dir()
    name = rel + "index.md" if rel.endswith("/") or not rel else rel
    if name.endswith(".html"):
        name = name[:-5] + ".md"
    target = (base / name).resolve()
    if target.suffix != ".md" or not target.is_file() or not target.is_relative_to(base.resolve()):
        return None
    text = target.read_text(encoding="utf-8")
    body = markdown.markdown(text, extensions=["tables", "fenced_code"])
    title = html.escape(text.splitlines()[0].lstrip("# ").strip() if text else "booklet 文档")
    return ("<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\">"
            f"<title>{title}</title><style>body{{max-width:50em;margin:2em auto;padding:0 1em;"
            "font-family:sans-serif;line-height:1.6}table{border-collapse:collapse}"
            "td,th{border:1px solid #999;padding:.2em .5em}pre{background:#f4f4f4;padding:.5em}</style>"
            f"<p><a href=\"{DOCS_PREFIX}zh/\">文档首页</a> · <a href=\"/\">成绩网站</a></p>"
            f"{body}</html>").encode("utf-8")


def _handler(state: _State):
    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            site = state.site_dir
            super().__init__(*args, directory=str(site) if site else None, **kwargs)

        def send_head(self):
            if self.path in (DOCS_PREFIX[:-1], DOCS_PREFIX, DOCS_PREFIX + "zh"):
                self.send_response(301)
                self.send_header("Location", DOCS_PREFIX + "zh/")
                self.end_headers()
                return None
            if self.path.startswith(DOCS_PREFIX):
                page = docs_page(self.path)
                self.send_response(200 if page is not None else 404)
                page = page if page is not None else "<!doctype html><meta charset=\"utf-8\"><p>没有这个文档。<a href=\"/docs/zh/\">文档首页</a></p>".encode("utf-8")
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(page)))
                self.end_headers()
                return io.BytesIO(page)
            if state.site_dir is None or not state.site_dir.is_dir():
                body = ("<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\">"
                        "<meta http-equiv=\"refresh\" content=\"2\"><title>booklet 预览</title>"
                        f"<p>{html.escape(state.message)}</p></html>").encode("utf-8")
                self.send_response(503)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return None
            return super().send_head()

        def end_headers(self):
            self.send_header("Cache-Control", "no-store")
            super().end_headers()

        def log_message(self, format, *args):    # noqa: A002 - quiet: no line per request
            pass

    return Handler


def _bind(port: int, explicit: bool, state: _State) -> ThreadingHTTPServer:
    """Bind 127.0.0.1:port; a taken default port moves on to the next ones."""
    last = port if explicit else min(port + TRIES, 65535)
    for p in range(port, last + 1):
        try:
            server = ThreadingHTTPServer((HOST, p), _handler(state))
            server.daemon_threads = True
            return server
        except OSError as e:
            if e.errno not in (errno.EADDRINUSE, errno.EACCES):
                raise click.ClickException(f"无法在 {HOST}:{p} 上启动预览服务：{e.strerror}")
            if explicit:
                click.echo(f"错误：端口 {p} 已被占用（或无权使用）。请关闭占用该端口的程序，"
                           f"或用 --port 换一个端口，例如 booklet serve --port {p + 1}。", err=True)
                sys.exit(1)
            if p < last:
                click.echo(f"端口 {p} 已被占用，改用端口 {p + 1}。", err=True)
    click.echo(f"错误：端口 {port}–{last} 都已被占用。请用 --port 指定一个空闲端口。", err=True)
    sys.exit(1)


def _build(root: Path, pdf: bool, state: _State) -> bool:
    """One build; on success the server switches to the new site."""
    from ..build import run_build

    t = time.perf_counter()
    try:
        ctx = run_build(root, pdf=pdf, progress=False)
    except BookletError as e:
        click.echo(e.problems.report(), err=True)
        click.echo("生成失败：请修改上面列出的问题并保存，预览会自动重新生成。"
                   + ("（浏览器中仍是上一次成功生成的网站。）" if state.site_dir else ""), err=True)
        if state.site_dir is None:
            state.message = "项目有错误，网站尚未生成：请按命令行中的提示修改后保存。"
        return False
    except Exception as e:  # a bug: report it, keep the preview running
        click.echo(f"booklet 内部错误：{type(e).__name__}: {e}（预览继续运行；"
                   "设置 BOOKLET_DEBUG=1 用 booklet build 重现并报告给维护者）", err=True)
        return False
    state.site_dir = Path(ctx.site_dir)
    click.echo(f"已生成网站（{time.perf_counter() - t:.1f} 秒）：{state.site_dir}"
               + (_pdf_note() if pdf and isinstance(ctx, BuildContext) else ""))
    return True


def _pdf_note() -> str:
    """What the build laid out again (the rest of the PDFs came from the cache)."""
    from ..render.booklets import LAST_STATS
    n, pages = LAST_STATS.get("rendered", 0), LAST_STATS.get("pages_rendered", 0)
    if not n:
        return "；PDF 均取自缓存"
    rest = "，其余取自缓存" if LAST_STATS.get("cached") else ""
    return f"；重新排版 PDF {n} 份（{pages} 页）{rest}"


def _watch_filter(root: Path):
    from watchfiles import DefaultFilter

    default = DefaultFilter()
    theme = THEME_DIR.resolve()

    def accept(change, path: str) -> bool:
        if not default(change, path):
            return False
        p = Path(path)
        if p.is_relative_to(theme):
            return True
        try:
            rel = p.relative_to(root)
        except ValueError:
            return False
        return bool(rel.parts) and rel.parts[0] in WATCHED

    return accept


@click.command(help="生成网站并在本机 (127.0.0.1) 预览；修改项目文件后自动重新生成。"
                    "按 Ctrl+C 停止。\n\n(Build, serve on 127.0.0.1 and rebuild on change.)")
@project_dir
@click.option("--port", "-p", type=click.IntRange(1, 65535), default=8000, show_default=True,
              help="端口；默认端口被占用时自动改用下一个 (port)")
@click.option("--pdf/--no-pdf", default=False, show_default=True,
              help="同时生成 PDF（较慢） (also build PDFs)")
@click.pass_context
def command(ctx: click.Context, project_dir: Path, port: int, pdf: bool) -> None:
    from watchfiles import watch

    root = Path(project_dir).resolve()
    if not (root / CONFIG_FILE).is_file():
        raise click.ClickException(f"{root} 中没有 {CONFIG_FILE}：这不是 booklet 项目目录。"
                                   "请在项目目录中运行，或写出路径：booklet serve 项目目录")
    explicit = ctx.get_parameter_source("port") not in (click.core.ParameterSource.DEFAULT, None)
    state = _State()
    server = _bind(port, explicit, state)
    actual = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                              name="booklet-serve", daemon=True)
    thread.start()
    stop = threading.Event()
    try:
        _build(root, pdf, state)
        click.echo(f"正在预览：http://{HOST}:{actual}/  （修改文件后自动重新生成；按 Ctrl+C 停止）")
        paths = [root] + ([THEME_DIR] if THEME_DIR.is_dir() else [])
        for changes in watch(*paths, watch_filter=_watch_filter(root), stop_event=stop,
                             raise_interrupt=True):
            names = sorted({Path(p).name for _, p in changes})
            shown = "、".join(names[:3]) + (f" 等 {len(names)} 个文件" if len(names) > 3 else "")
            click.echo(f"检测到修改：{shown}，重新生成……")
            _build(root, pdf, state)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
    click.echo("已停止预览。")
