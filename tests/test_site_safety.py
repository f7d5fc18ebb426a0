"""Links typed into YAML can never become a script on a page.

A rubric's Markdown (intro, standards, editor's notes …) reaches the site's
rubric pages and the print HTML. A browser decodes character references and
drops tab, newline and leading spaces before it reads a link's scheme, so
`javascript&#58;alert(1)` is a working javascript: link; every spelling of
javascript:, vbscript: and data: must come out as a harmless `#`.
"""
from __future__ import annotations

import html
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from booklet.render.env import md, md_inline, safe_href

REPO = Path(__file__).resolve().parents[1]
DANGEROUS = ("javascript", "vbscript", "data")


def _colons() -> list[str]:
    return [":", "&#58;", "&#58", "&#058;", "&#0000058;", "&#0000058", "&#x3a;", "&#x3A;",
            "&#X3a;", "&#x3a", "&#x003a;", "&#x00003A", "&colon;", "&amp;colon;",
            "&amp;#58;", "&amp;amp;#x3a;"]


def _spellings(scheme: str) -> list[str]:
    """Ways to write `scheme:` that a browser reads as that scheme."""
    first, rest = scheme[0], scheme[1:]
    out = []
    for colon in _colons():
        out.append(scheme + colon)
        out.append(scheme.upper() + colon)
        out.append("".join(c.upper() if i % 2 else c for i, c in enumerate(scheme)) + colon)
    out += [
        f"&#{ord(first)};{rest}:", f"&#{ord(first)}{rest}:", f"&#x{ord(first):x};{rest}:",
        f"&#x{ord(first):X}{rest}&#58;", f"&#{ord(first):07d};{rest}&colon;",
        "".join(f"&#{ord(c)};" for c in scheme) + "&#58;",
        "".join(f"&#x{ord(c):x}" for c in scheme) + "&#x3a",
        f"{first}&Tab;{rest}:", f"{first}&NewLine;{rest}:", f"{first}&#9;{rest}:",
        f"{first}&#x0A;{rest}&colon;", f"{first}&#13;{rest}:", f"{scheme}&Tab;:",
        f"&Tab;{scheme}:", f"&NewLine;{scheme}:", f"&#32;&#32;{scheme}:",
        f"&#0;{scheme}:", f"&#x1f;{scheme}:", f"{first}&#x200b;{rest}:",
    ]
    return out


# payloads start with a letter that is not a hex digit, so "&#x3a" without
# its semicolon still ends at the colon
PAYLOAD = {"javascript": "prompt(1)", "vbscript": "msgbox(1)", "data": "text/html,x"}
CASES = [(s, sp + PAYLOAD[s]) for s in DANGEROUS for sp in _spellings(s)]


def _decoded(href: str) -> str:
    """The href as a browser acts on it (what the test checks, independently
    of booklet's own decoding)."""
    for _ in range(10):
        new = html.unescape(href)
        if new == href:
            break
        href = new
    return re.sub(r"[\x00-\x20\x7f-\x9f\u200b-\u200d\u2060\ufeff\s]", "", href).lower()


def _dangerous(href: str) -> bool:
    return _decoded(href).startswith(tuple(s + ":" for s in DANGEROUS))


class _Hrefs(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k in ("href", "src", "action", "formaction", "xlink:href") and v is not None:
                self.hrefs.append(v)


def hrefs_of(text: str) -> list[str]:
    """Every link target in `text` (HTMLParser decodes the attribute's
    character references, as a browser does)."""
    p = _Hrefs()
    p.feed(text)
    return p.hrefs


# ------------------------------------------------------------ the renderer

@pytest.mark.parametrize("scheme, target", CASES)
def test_inline_link_with_any_spelling_of_a_dangerous_scheme_is_neutralised(scheme, target):
    page = str(md(f"[详见]({target})"))
    assert "详见" in page
    links = hrefs_of(page)
    assert links == ["#"], (target, page)


@pytest.mark.parametrize("scheme, target", CASES[::5])
def test_reference_link_and_angle_link_are_neutralised(scheme, target):
    for text in (f"见[通知][n]。\n\n[n]: {target}", f"见[通知](<{target}>)。",
                 f"见[通知](  {target} \"标题\")。"):
        page = str(md_inline(text))
        assert "通知" in page
        assert all(not _dangerous(h) for h in hrefs_of(page)), (text, page)
        assert not any(h != "#" for h in hrefs_of(page)), (text, page)


@pytest.mark.parametrize("target", [
    "https://www.gov.cn/zhengce/", "HTTP://example.cn/a?b=1&c=2", "mailto:zzb@example.cn",
    "#item-3", "../rubrics/hutang-2017.html", "pdf/blank/hutang-2017.pdf", "/about.html",
    "?p=1", "文件/通知.pdf",
])
def test_safe_links_are_kept(target):
    page = str(md(f"[详见]({target})"))
    (href,) = hrefs_of(page)
    assert html.unescape(href) == target


def test_safe_href_rejects_unknown_schemes_and_colons_before_a_path():
    assert not safe_href("file:///etc/passwd")
    assert not safe_href("ftp://example.cn/x")
    assert not safe_href("javascript&#58;alert(1)")
    assert not safe_href("x:y/z")
    assert safe_href("a/b:c")
    assert safe_href("")


def test_raw_html_and_images_stay_text():
    page = str(md('<a href="javascript:alert(1)">x</a> ![p](javascript:alert(2))'))
    assert "<a " not in page and "<img" not in page
    assert hrefs_of(page) == []


# ------------------------------------------------------------ a built site

def _put_links_in_example(root: Path) -> list[str]:
    """Dangerous links in every Markdown field of one rubric of the example."""
    targets = [t for _, t in CASES]
    path = root / "rubrics" / "hutang-2017.yml"
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    links = "；".join(f"[链接{i}]({t})" for i, t in enumerate(targets))
    data["intro"] = (data.get("intro") or "") + "\n\n" + links
    first = data["sections"][0]["items"][0]
    first["notes"] = (first.get("notes") or "") + links
    first["standard"] = (first.get("standard") or "") + links
    data.setdefault("warnings", []).append({"code": "link", "text": links})
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return targets


def _build(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "booklet", "build", *args], cwd=root,
                          capture_output=True, text=True, timeout=600)


def test_no_href_on_any_site_page_decodes_to_a_dangerous_scheme(example_copy):
    _put_links_in_example(example_copy)
    run = _build(example_copy, "--no-pdf")
    assert run.returncode == 0, run.stdout + run.stderr
    pages = sorted((example_copy / "site").rglob("*.html"))
    rubric_page = (example_copy / "site" / "rubrics" / "hutang-2017.html").read_text("utf-8")
    assert "链接0" in rubric_page and "链接%d" % (len(CASES) - 1) in rubric_page
    bad = []
    for page in pages:
        for href in hrefs_of(page.read_text(encoding="utf-8")):
            if _dangerous(href):
                bad.append((page.name, href))
    assert not bad, bad[:5]
    for page in pages:
        low = _decoded(page.read_text(encoding="utf-8"))
        for scheme in DANGEROUS:
            assert f'href="{scheme}:' not in low, page
