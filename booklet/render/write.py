"""Rendering documents to HTML and keeping that HTML beside each PDF.

Project templates/ override the packaged theme (env.make_env). The print
stylesheet is one text: print.css, then annex.css and custom.css where present.
`CSS_MARK` stands where the stylesheet goes: the kept HTML links a copy of it
by relative path; the HTML given to WeasyPrint has nothing there (the worker
parses the stylesheet once).
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any, Callable, Optional

import jinja2
from markupsafe import Markup

from ..errors import BookletError
from ..model import Loc
from .plan import Doc

CSS_TEMPLATES = ("print/print.css", "print/annex.css", "print/custom.css")
CSS_MARK = "<!--booklet:print-css-->"


def load_css(env) -> str:
    """print.css, then annex.css and custom.css where present (project
    templates/ first, then the packaged theme)."""
    parts = []
    for name in CSS_TEMPLATES:
        try:
            source, _, _ = env.loader.get_source(env, name)
        except jinja2.TemplateNotFound:
            continue
        parts.append(f"/* {name} */\n{source}")
    if not parts:
        raise BookletError("找不到打印样式表 print/print.css。", loc=Loc("templates/print"))
    return "\n".join(parts)


def render_html(env, doc: Doc, breaks: frozenset = frozenset(), part: Any = None,
                page_start: Optional[int] = None, pages: Optional[dict] = None) -> str:
    """The document's HTML; for one part of a book in parts (book.py) `part`
    is its spec, `page_start` its first page and `pages` the page numbers of
    anchors outside it that it prints (None in the cover and contents: the
    placeholder pass)."""
    return env.get_template(doc.template).render(**doc.full_context(), breaks=breaks,
                                                 css_link=Markup(CSS_MARK), part=part,
                                                 page_start=page_start, toc_pages=pages)


def html_for(env, doc: Doc) -> Callable[..., str]:
    def html_for(breaks: frozenset, part: Any = None, page_start: Optional[int] = None,
                 pages: Optional[dict] = None) -> str:
        if not breaks and part is None and page_start is None:
            return doc.html.replace(CSS_MARK, "")
        return render_html(env, doc, breaks, part, page_start, pages).replace(CSS_MARK, "")
    return html_for


def _write_if_changed(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return
    except OSError:
        pass
    path.unlink(missing_ok=True)    # never write through an existing file
    path.write_bytes(data)


def write_html(docs: list[Doc], css_text: str) -> list[Path]:
    """Each document's print HTML beside its PDF, linking a copy of the
    stylesheet by relative path, with copies of its photos."""
    written = []
    css_written: set[Path] = set()
    for d in docs:
        css_path = d.css_path
        if css_path not in css_written:
            _write_if_changed(css_path, css_text.encode("utf-8"))
            css_written.add(css_path)
        href = os.path.relpath(css_path, d.html_path.parent).replace(os.sep, "/")
        link = f'<link rel="stylesheet" href="{href}">'
        _write_if_changed(d.html_path, d.html.replace(CSS_MARK, link).encode("utf-8"))
        written.append(d.html_path)
        for name, src in d.assets.items():
            target = d.html_path.parent / name
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, target)
    return written


