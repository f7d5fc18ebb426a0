"""The Jinja2 environment shared by the print booklets, the forms and the site.

Templates are looked up first in the project's own `templates/` folder, then
in the packaged theme (booklet/theme/), in the manner of MkDocs' custom_dir:
a user overrides any template or stylesheet by putting a file with the same
relative name into their project's templates/.

Everything is autoescaped. Markdown from YAML goes through `md`, which drops
raw HTML (it is shown as text) and unsafe links, so a rubric or record can
never inject markup into a page.
"""
from __future__ import annotations

import html as _html
import re
from functools import lru_cache
from pathlib import Path
from typing import Optional
from xml.etree import ElementTree

import jinja2
import markdown
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

from .. import textfmt
from ..errors import BookletError, Problems
from ..model import Loc

THEME_DIR = Path(__file__).resolve().parent.parent / "theme"
SAFE_SCHEMES = ("http", "https", "mailto")
# A URL scheme as a browser reads it: letter, then letters, digits, + - .
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")


def _decoded_href(href: str) -> str:
    """`href` as a browser would act on it: character references decoded
    (repeatedly, so &amp;#58; is caught too) and every control or white-space
    character removed (browsers drop tab and newline inside a scheme and
    ignore leading spaces and control characters)."""
    text = href
    for _ in range(10):
        decoded = _html.unescape(text)
        if decoded == text:
            break
        text = decoded
    return "".join(ch for ch in text
                   if not (ch.isspace() or ord(ch) < 0x20 or 0x7f <= ord(ch) <= 0x9f
                           or ch in "\u200b\u200c\u200d\u2060\ufeff"))


def safe_href(href: str) -> bool:
    """True for http, https and mailto links, `#` anchors and scheme-less
    relative links; False for anything else (javascript:, vbscript:, data:, …)
    however its characters are spelt."""
    text = _decoded_href(href or "").lower()
    m = _SCHEME.match(text)
    if m:
        return m.group(1) in SAFE_SCHEMES
    # no valid scheme: a colon before the first / ? # would still make some
    # parsers read a scheme, so such a link is not "relative" either
    first = re.split(r"[/?#]", text, maxsplit=1)[0]
    return ":" not in first


class _DropUnsafe(Treeprocessor):
    """Remove images (nothing from YAML may load a resource) and unsafe hrefs."""

    def run(self, root: ElementTree.Element):
        for parent in list(root.iter()):
            for child in list(parent):
                if child.tag == "img":
                    parent.remove(child)
                elif child.tag == "a" and not safe_href(child.get("href", "")):
                    child.set("href", "#")
        return None


class SafeMarkdown(Extension):
    def extendMarkdown(self, md):
        # Without these, raw HTML in the source is escaped like any other text.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_DropUnsafe(md), "drop_unsafe", 0)


@lru_cache(maxsize=4096)
def _md_cached(text: str) -> str:
    return markdown.markdown(text, extensions=[SafeMarkdown(), "sane_lists"])


def md(text: str | None) -> Markup:
    """Markdown → safe HTML (raw HTML shown as text, no images, no javascript: links)."""
    if not text:
        return Markup("")
    return Markup(_md_cached(str(text)))


def md_inline(text: str | None) -> Markup:
    """Like `md` but without the wrapping <p> for a one-paragraph text (table cells)."""
    html = str(md(text))
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return Markup(html)


def stack(text: str | None) -> Markup:
    """One character per line, for vertical section labels (WeasyPrint has no
    vertical writing mode). Brackets and the points in them stay on one line."""
    if not text:
        return Markup("")
    import re
    parts = re.findall(r"[（(][^）)]*[）)]|\S", str(text))
    return Markup("<br>".join(Markup.escape(p) for p in parts))


# Runs that must not break across lines on paper: a date (2017年3月26日, 3月
# 26日, 2017年9—10月), a number with its sign and unit (42.3, -0.5分, 98%,
# 3人次). Kept together by a nowrap span (print.css `.nw`).
_UNIT = r"(?:人次|小时|个百分点|分|%|％|人|次|元|个|名|起|支|项|处|天|日|月|年|岁|篇|期|份|户|件|条|支)"
_NOWRAP = re.compile(
    r"\d{4}年(?:\d{1,2}(?:[—\-–]\d{1,2})?月(?:\d{1,2}日)?)?"
    r"|\d{1,2}月\d{1,2}日"
    r"|[+\-−]?\d+(?:[.．]\d+)?(?: ?" + _UNIT + ")?"
    r"(?:[—\-–至~]\d+(?:[.．]\d+)?" + _UNIT + "?)?")
_TAG_OR_TEXT = re.compile(r"(<[^>]*>|&#?\w+;)")


def _nowrap_text(text: str) -> str:
    def wrap(m: re.Match) -> str:
        t = m.group(0)
        return t if len(t) < 2 else f'<span class="nw">{t}</span>'
    return _NOWRAP.sub(wrap, text)


def nowrap(html) -> Markup:
    """Wrap dates and numbers (with their unit) of already safe HTML in
    <span class="nw"> so a printed cell never breaks "42.3" after "42." or
    "20分" before "分". Only text between tags changes."""
    if html is None or html == "":
        return Markup("")
    if not isinstance(html, Markup):
        html = Markup.escape(html)
    return Markup(_nowrap_html(str(html)))


@lru_cache(maxsize=16384)
def _nowrap_html(html: str) -> str:
    """nowrap of safe HTML given as plain str (the same cell texts recur in
    every sheet of a rubric)."""
    parts = _TAG_OR_TEXT.split(html)
    out = []
    for part in parts:
        if part.startswith(("<", "&")):
            out.append(part)
        else:
            out.append(_nowrap_text(part))
    return "".join(out)


FILTERS = {
    "nw": nowrap,
    "md": md,
    "md_inline": md_inline,
    "stack": stack,
    "pts": textfmt.fmt_points,
    "signed": textfmt.fmt_signed,
    "cndate": textfmt.fmt_date,
    "period": textfmt.fmt_period,
    "mask_phone": textfmt.mask_phone,
    "rmb": textfmt.rmb_upper,
}


class _ProjectEnvironment(SandboxedEnvironment):
    """A sandboxed environment (a template cannot reach Python internals, so
    an override in templates/ cannot run code) whose errors in a project's
    own templates are the user's: a BookletError naming the template file
    and line instead of a traceback."""

    project_templates: Optional[Path] = None

    def handle_exception(self, source: Optional[str] = None):
        try:
            super().handle_exception(source)
        except BookletError:
            raise
        except Exception as e:  # noqa: BLE001 - turned into the user's message, or re-raised
            found = _template_error_loc(e, self.project_templates)
            if found is None:
                raise
            loc, rel = found
            problems = Problems()
            what = _template_error_text(e, rel)
            fix = (f"改正项目中的模板 templates/{rel}；如果它是 booklet 自带模板的改写副本，"
                   "删除它即恢复默认模板。")
            if isinstance(e, SecurityError):
                problems.error(loc, what, fix, code="template-unsafe")
            else:
                problems.error(loc, what, fix, code="template")
            raise BookletError(problems) from None


def _template_error_loc(exc: BaseException, custom: Optional[Path]) -> Optional[tuple[Loc, str]]:
    """(file:line, name under templates/) of the innermost frame of a
    project template in the traceback of `exc` (None: not a project template)."""
    if custom is None:
        return None
    custom = custom.resolve()

    def project_rel(filename: Optional[str]) -> Optional[str]:
        if not filename:
            return None
        try:
            return Path(filename).resolve().relative_to(custom).as_posix()
        except (ValueError, OSError):
            return None

    if isinstance(exc, jinja2.TemplateSyntaxError):
        rel = project_rel(exc.filename)
        return (Loc(f"templates/{rel}", exc.lineno or 0), rel) if rel else None
    best = None
    tb = exc.__traceback__
    while tb is not None:
        rel = project_rel(tb.tb_frame.f_code.co_filename)
        if rel:
            best = (Loc(f"templates/{rel}", tb.tb_lineno), rel)
        tb = tb.tb_next
    return best


def _template_error_text(exc: BaseException, rel: str) -> str:
    if isinstance(exc, SecurityError):
        return f"模板 {rel} 试图访问不允许的内容（{exc}）：模板只能显示数据，不能执行代码。"
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return f"模板 {rel} 有语法错误：{exc.message}"
    if isinstance(exc, jinja2.UndefinedError):
        return f"模板 {rel} 用到了不存在的变量或属性：{exc.message}"
    return f"模板 {rel} 出错：{type(exc).__name__}: {exc}"


def make_env(project_root: str | Path | None = None) -> _ProjectEnvironment:
    """One environment per build; templates are compiled once and cached.
    Sandboxed: templates (the project's overrides too) cannot run code."""
    loaders: list[jinja2.BaseLoader] = []
    custom: Optional[Path] = None
    if project_root is not None:
        custom = Path(project_root) / "templates"
        if custom.is_dir():
            loaders.append(jinja2.FileSystemLoader(str(custom)))
        else:
            custom = None
    loaders.append(jinja2.FileSystemLoader(str(THEME_DIR)))
    env = _ProjectEnvironment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.project_templates = custom
    env.filters.update(FILTERS)
    return env
