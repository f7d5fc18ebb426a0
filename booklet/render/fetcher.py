"""The only way a print document may read a file.

A WeasyPrint document can otherwise read any file:// URL (even /etc/passwd or
/dev/urandom) and any network URL. `SafeFetcher` serves files inside the
allowed roots only (the project, the packaged theme, the build's own output
folders) after resolving `..` and symlinks, and refuses everything else,
including every http(s) URL. A refusal stops the rendering with a
BookletError naming the record (file:line) that asked for the resource.

Photos are also checked before any rendering starts (`resolve_photo`), so a
bad path in a record is reported with its line even if a template never
shows it.
"""
from __future__ import annotations

import mimetypes
import os
import re
from pathlib import Path, PurePosixPath
from typing import Iterable, Mapping, Optional
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from ..errors import BookletError
from ..model import Loc

from .. import photos
_SCHEME_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9.+-]*):")

def _inside(path: Path, roots: Iterable[Path]) -> bool:
    return any(path == r or path.is_relative_to(r) for r in roots)


def file_url_path(url: str) -> Path:
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        raise ValueError(f"远程文件 URL：{url}")
    return Path(url2pathname(unquote(parts.path)))


class UrlGuard:
    """Decides which URLs a document may read (no WeasyPrint needed)."""

    def __init__(self, roots: Iterable[Path | str], origin: Optional[Loc] = None,
                 origins: Optional[Mapping[str, Loc]] = None):
        self.roots = [Path(r).resolve() for r in roots]
        self.origin = origin or Loc("<模板>")
        self.origins = dict(origins or {})

    # -- the check, usable without WeasyPrint
    def check(self, url: str) -> Path | None:
        """The resolved file for `url`, or None for a data: URL; BookletError if refused."""
        loc = self.origins.get(url, self.origin)
        m = _SCHEME_RE.match(url)
        scheme = m.group(1).lower() if m else ""
        if scheme == "data":
            return None
        if scheme != "file":
            raise BookletError(
                f"拒绝读取 {url}：PDF 只能使用项目文件夹中的文件，不能访问网络或其他协议（{scheme or '无协议'}）。",
                loc=loc, fix="把图片放到项目的 assessments/ 文件夹下，并写相对于项目的路径。")
        try:
            raw = file_url_path(url)
        except ValueError as e:
            raise BookletError(f"拒绝读取 {url}：{e}", loc=loc) from None
        try:
            real = raw.resolve(strict=True)
        except (OSError, RuntimeError):
            if not _inside(Path(*raw.parts), self.roots) or ".." in raw.parts:
                raise BookletError(f"拒绝读取 {url}：该文件在项目文件夹之外。", loc=loc,
                                   fix="只能引用项目文件夹内的文件。") from None
            raise BookletError(f"找不到文件 {raw}。", loc=loc,
                               fix="检查文件名和路径是否写对。") from None
        if not _inside(real, self.roots):
            raise BookletError(
                f"拒绝读取 {url}：该文件（或其符号链接指向的 {real}）在项目文件夹之外。",
                loc=loc, fix="只能引用项目文件夹内的文件，不能用 .. 或符号链接指向外面。")
        if not real.is_file():
            raise BookletError(f"拒绝读取 {url}：不是普通文件。", loc=loc)
        return real


_FETCHER_CLASS = None


def SafeFetcher(roots: Iterable[Path | str], origin: Optional[Loc] = None,
                origins: Optional[Mapping[str, Loc]] = None):
    """A WeasyPrint URL fetcher (a `weasyprint.urls.URLFetcher`) that serves
    files inside `roots` and data: URLs, and raises BookletError otherwise.

    Built lazily so that importing this module does not import WeasyPrint.
    """
    global _FETCHER_CLASS
    if _FETCHER_CLASS is None:
        from weasyprint.urls import URLFetcher, URLFetcherResponse

        class _SafeFetcher(URLFetcher, UrlGuard):
            def __init__(self, roots, origin=None, origins=None):
                # fail_on_errors: a refusal must stop the rendering, not turn
                # into a logged warning and a silently missing image.
                URLFetcher.__init__(self, fail_on_errors=True,
                                    allowed_protocols=("file", "data"))
                UrlGuard.__init__(self, roots, origin, origins)

            def fetch(self, url, headers=None):
                real = self.check(url)
                if real is None:   # data: URL
                    return URLFetcher.fetch(self, url, headers)
                mime = mimetypes.guess_type(real.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, body=real.read_bytes(),
                                          headers={"Content-Type": mime})

            def __call__(self, url):
                return self.fetch(url)

        _FETCHER_CLASS = _SafeFetcher
    return _FETCHER_CLASS(roots, origin, origins)


def unwrap_fetch_error(exc: BaseException) -> BaseException:
    """WeasyPrint wraps a fetcher's exception in FatalURLFetchingError; give
    back our BookletError if that is what stopped the rendering."""
    seen: Optional[BaseException] = exc
    while seen is not None:
        if isinstance(seen, BookletError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return exc


def resolve_photo(root: Path, photo: str, loc: Loc) -> Path:
    """The file of a Finding's photo by booklet.photos' rule; BookletError
    naming the record line otherwise."""
    real, bad = photos.resolve_photo(root, photo)
    if bad:
        raise BookletError(bad.what, loc=loc, fix=bad.fix)
    assert real is not None        # resolve_photo gives the file or why not
    return real


# A ledger photo prints in a figure 46 % of the text width (156 mm on A4 with
# the binding margins) and at most 70 mm high (print.css figure.photo): about
# 72 × 70 mm. 300 dpi at that size is enough for any office printer; a camera
# photo (4000 × 3000) is downscaled to fit PRINT_PHOTO_PX before it is
# embedded. Same file, same bytes: the copy is keyed by the photo's content
# hash and the target size, and written without metadata.
PRINT_PHOTO_DPI = 300
PRINT_PHOTO_MM = (75, 70)
PRINT_PHOTO_PX = tuple(round(mm / 25.4 * PRINT_PHOTO_DPI) for mm in PRINT_PHOTO_MM)


def print_photo(src: Path, digest: str, cache_dir: Path) -> Path:
    """`src` as embedded in a PDF: itself when it is small enough (or not an
    image Pillow reads: WeasyPrint then reports it), else a downscaled copy
    kept in cache_dir/photos/ under its content hash."""
    try:
        from PIL import Image, ImageOps
    except ImportError:                       # pragma: no cover - a WeasyPrint dependency
        return src
    max_w, max_h = PRINT_PHOTO_PX
    try:
        with Image.open(src) as probe:
            w, h = probe.size
            if probe.format not in ("JPEG", "PNG"):
                return src
            fmt = probe.format
    except Exception:  # noqa: BLE001 - unreadable: leave it to the renderer
        return src
    if w <= max_w and h <= max_h:
        return src
    ext = ".jpg" if fmt == "JPEG" else ".png"
    out = Path(cache_dir) / "photos" / f"{digest[:24]}-{max_w}x{max_h}{ext}"
    if out.is_file():
        return out
    try:
        with Image.open(src) as opened:
            im: Image.Image = ImageOps.exif_transpose(opened)
            im.thumbnail((max_w, max_h), Image.Resampling.LANCZOS)
            if fmt == "JPEG" and im.mode not in ("RGB", "L", "CMYK"):
                im = im.convert("RGB")
            out.parent.mkdir(parents=True, exist_ok=True)
            tmp = out.with_suffix(f".{os.getpid()}.tmp")
            if fmt == "JPEG":
                im.save(tmp, "JPEG", quality=90, optimize=False, progressive=False,
                        subsampling=0)
            else:
                im.save(tmp, "PNG", optimize=False)
            os.replace(tmp, out)
    except Exception:  # noqa: BLE001 - keep the original rather than fail the build
        return src
    return out


# ---------------------------------------------------------------- site pages
# A site page is read by a browser, not by WeasyPrint, so nothing can refuse
# a reference while it loads: the references of a rendered page are checked
# instead. A page may link to the web (http, https, mailto) and to files of
# the site itself; it may not point at the reader's disk (file:, an absolute
# path), above the site folder (../ too many) or at another scheme
# (javascript:). It loads nothing from the network either (src, srcset,
# url()): the site must work offline, from file://, and leak no reader.

_LINK_ATTRS = {"href", "action", "formaction", "xlink:href"}
_LOAD_ATTRS = {"src", "poster", "data", "background", "srcset", "imagesrcset"}
_CSS_URL_RE = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)""", re.I)
_CSS_IMPORT_RE = re.compile(r"""@import\s+(?:"([^"]*)"|'([^']*)')""", re.I)


def css_refs(text: str) -> list[str]:
    return [next(g for g in m.groups() if g is not None)
            for rx in (_CSS_URL_RE, _CSS_IMPORT_RE) for m in rx.finditer(text)]


def page_refs(html: str) -> list[tuple[str, bool]]:
    """(reference, loads it) for every URL in a page: links, resources,
    inline styles and <style> blocks."""
    from html.parser import HTMLParser

    found: list[tuple[str, bool]] = []

    class Refs(HTMLParser):
        in_style = False

        def handle_starttag(self, tag, attrs):
            for name, value in attrs:
                if value is None:
                    continue
                name = name.lower()
                if name in _LINK_ATTRS:
                    # <link rel=stylesheet href> loads; <a href> only links
                    found.append((value.strip(), tag == "link"))
                elif name in ("srcset", "imagesrcset"):
                    found.extend((c.strip().split(" ")[0], True) for c in value.split(",") if c.strip())
                elif name in _LOAD_ATTRS:
                    found.append((value.strip(), True))
                elif name == "style":
                    found.extend((u, True) for u in css_refs(value))
            self.in_style = tag == "style"

        def handle_endtag(self, tag):
            self.in_style = False

        def handle_data(self, data):
            if self.in_style:
                found.extend((u, True) for u in css_refs(data))

    parser = Refs(convert_charrefs=True)
    parser.feed(html)
    parser.close()
    return found


def bad_site_ref(url: str, page: str, loads: bool) -> Optional[str]:
    """Why `url` on the site page `page` (a path inside the site) is refused, or None."""
    m = _SCHEME_RE.match(url)
    scheme = m.group(1).lower() if m else ""
    if scheme:
        if scheme == "data" and loads:
            return None
        if scheme in ("http", "https") and not loads:
            return None
        if scheme == "mailto" and not loads:
            return None
        if scheme in ("http", "https"):
            return "网站不能从网络加载资源（网站要能离线打开，也不能让读者的访问被第三方记录）"
        return f"网站不能使用 {scheme}: 引用（只能链接到网站内的文件或 http/https 网页）"
    if url.startswith(("//", "\\")) or "\\" in url:
        return "网站不能引用其他主机或 Windows 路径"
    path = url.split("#", 1)[0].split("?", 1)[0]
    if path.startswith("/"):
        return "网站不能用绝对路径（/…）引用文件：网站要能放在任何目录下，也不能读取读者电脑上的文件"
    depth = len(PurePosixPath(page).parent.parts)
    for part in unquote(path).split("/"):
        if part == "..":
            depth -= 1
            if depth < 0:
                return "该引用指向网站文件夹之外（.. 过多）"
        elif part not in ("", "."):
            depth += 1
    return None
