"""HTML → PDF with WeasyPrint, in-process, optionally in worker processes.

One `Renderer` per process holds the shared `FontConfiguration`, the
pre-parsed stylesheet and the safe URL fetcher, so fonts are loaded and CSS
is parsed once per worker, not once per document. Worker processes are
forked (`multiprocessing`, start method fork) and inherit the jobs (workers.py).

Rowspan cells across page breaks: WeasyPrint (70) does not repeat a rowspan
cell on the next page, so a long section would lose its label there. After
laying a document out, `_inspect_rows` finds each page whose first score-sheet
row is covered by a merged cell from the previous page (and any label repeated
needlessly mid-page); the document is laid out again with those rows as
`breaks`, where the sheet starts a new merged cell with the label repeated
(see sheet.Sheet.rows). The breaks of the last document of the same kind are
tried first, so most documents need a single layout.

Two shapes of job:
* one document → one PDF;
* a book (a ledger, a summary) in parts (`job.book`, see book.py): the body
  laid out part by part with running page numbers, then the cover and
  contents with the body's page numbers, joined with qpdf (merge.py;
  bounded memory). Each part is cached by its
  own key (its HTML, which holds its first page number and so its side, plus
  what decides the bytes, see cache.render_key): a changed record lays out
  again only the parts that show it (and those after it, when it changes
  their first page), the others are read from the cache. A part's bytes
  depend on its key alone (the font subset tags are salted with it), so a
  book joined from cached parts is the book a clean build writes.

The cyclic garbage collector is off while a document is laid out (a layout is
hundreds of thousands of objects, which made big documents superlinear); after
each job the garbage is collected and the survivors frozen.
"""
from __future__ import annotations

import gc
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Optional, Protocol
from urllib.parse import urljoin

from ..errors import BookletError
from ..model import Loc
from .fetcher import SafeFetcher, unwrap_fetch_error

if TYPE_CHECKING:
    from .book import Book

MAX_PASSES = 4


@dataclass
class RenderJob:
    """One document to render. `html_for(breaks, part, page_start, pages)`
    gives its HTML (without a stylesheet link) for a set of page-break rows;
    with a `book` the document is laid out part by part (see book.py)."""
    index: int
    html_for: Callable[..., str]
    base_url: str
    origin: Loc
    key: str
    book: Optional["Book"] = None    # a book laid out in parts (book.py)
    sig: tuple = ()                  # documents alike in layout (template, rubrics)
    # a book in parts: key of a part from its HTML (without breaks), and the
    # cache of laid-out parts (None: every part is laid out)
    part_key: Optional[Callable[[str], str]] = None
    part_cache: Optional["PartCache"] = None


class PartCache(Protocol):
    """Laid-out parts of books, by key (see cache.PdfCache)."""
    def load_part(self, key: str) -> Optional[tuple[bytes, list, Optional[tuple]]]: ...
    def save_part(self, key: str, pdf: bytes, marks: list, cut: Optional[tuple]) -> None: ...


@dataclass
class RenderSettings:
    css_text: str
    css_base_url: str
    roots: list[Path]
    variant: Optional[str] = None
    # the project's templates/ folder: relative url()s of a stylesheet found
    # there resolve against it (the others against the packaged theme)
    project_templates: Optional[Path] = None


class Renderer:
    def __init__(self, settings: RenderSettings):
        import weasyprint
        from weasyprint.text.fonts import FontConfiguration

        self.settings = settings
        self.passes = 0                 # extra layouts for rowspans across pages
        self.parts_rendered = 0         # parts of books laid out
        self.parts_cached = 0           # parts of books read from the cache
        self.pages_laid_out = 0         # pages of the PDFs (or parts) laid out
        self.learned: dict[tuple, frozenset] = {}   # doc kind -> breaks of the last one
        self.font_config = FontConfiguration()
        self.css = []
        self.css_origins: dict[str, Loc] = {}   # url -> stylesheet file:line (read at layout)
        for text, base_url, loc, origins in css_parts(settings):
            for url, at in origins.items():
                self.css_origins.setdefault(url, at)
            fetcher = SafeFetcher(settings.roots, loc, origins)
            try:
                self.css.append(weasyprint.CSS(string=text, base_url=base_url,
                                               font_config=self.font_config, url_fetcher=fetcher))
            except BaseException as e:  # noqa: BLE001 - FatalURLFetchingError is a BaseException
                if isinstance(e, (KeyboardInterrupt, SystemExit)):
                    raise
                err = _as_booklet_error(e, loc)
                if not isinstance(err, BookletError):
                    err = BookletError(f"打印样式表无法使用：{type(e).__name__}: {e}", loc=loc,
                                       fix="检查该样式表；删除项目中的改写即恢复默认样式。")
                raise err from None

    def _layout(self, job: RenderJob, fetcher, part, page_start: Optional[int],
                pages: Optional[dict] = None):
        """Lay out, with merged cells split where pages begin. The breaks of
        the last document of the same kind (same template and rubric: same
        rows, so mostly the same pages) are tried first, which spares the
        second layout for most documents."""
        from weasyprint import HTML

        learned = self.learned.get(job.sig, frozenset())
        breaks: frozenset = learned
        document = None
        for n in range(MAX_PASSES):
            html = job.html_for(breaks, part, page_start, pages)
            document = HTML(string=html, base_url=job.base_url, url_fetcher=fetcher).render(
                font_config=self.font_config, stylesheets=self.css)
            needed, wasted, seen = _inspect_rows(document)
            if not needed and not wasted:
                break
            if n + 1 < MAX_PASSES:
                breaks = (breaks - wasted) | needed
                self.passes += 1
        self.learned[job.sig] = (learned - seen) | (breaks & seen)
        return document

    def _options(self, salt: str = "") -> dict:
        """write_pdf options: the variant, and a finisher giving compact font
        subsets with a tag of their own per document part (see
        fonts.font_finisher) and images names that do not depend on the
        build folder (see stable_image_names)."""
        from .fonts import font_finisher
        fonts = font_finisher(salt)

        def finish(document, pdf) -> None:
            fonts(document, pdf)
            stable_image_names(pdf)
        opts: dict = {"finisher": finish}
        if self.settings.variant:
            opts["pdf_variant"] = self.settings.variant
        return opts

    def render(self, job: RenderJob) -> list[tuple[str, bytes, int]]:
        """(cache key, PDF bytes, pages) of every document `job` makes."""
        fetcher = SafeFetcher(self.settings.roots, job.origin, self.css_origins)
        # The cyclic garbage collector walks every live object on each pass;
        # with the hundreds of thousands of boxes of a layout that makes
        # rendering superlinear. Nothing cyclic needs freeing mid-document.
        gc_was = gc.isenabled()
        gc.disable()
        try:
            if job.book is not None:
                pdf, pages = self._render_book(job, fetcher)
                return [(job.key, pdf, pages)]
            document = self._layout(job, fetcher, None, None)
            self.pages_laid_out += len(document.pages)
            return [(job.key, document.write_pdf(**self._options(job.key)),
                     len(document.pages))]
        except BookletError:
            raise
        except BaseException as e:  # noqa: BLE001 - see _as_booklet_error
            if isinstance(e, (KeyboardInterrupt, SystemExit)):
                raise
            raise _as_booklet_error(e, job.origin) from None
        finally:
            if gc_was:
                gc.enable()

    def _part(self, job: RenderJob, fetcher, spec: dict, start: int, pages: Optional[dict]):
        """(PDF, merge.PageMarks, cut) of one part of a book, from the part
        cache when its HTML was laid out before; `cut` is book.cut_units's
        answer (the pages kept when a group of unit entries was cut)."""
        from .book import cut_units, page_tops
        from .merge import PageMarks, keep_pages

        key = cached = None
        if job.part_key is not None:
            key = job.part_key(job.html_for(frozenset(), spec, start, pages))
            if job.part_cache is not None:
                cached = job.part_cache.load_part(key)
        if cached is not None:
            self.parts_cached += 1
            return cached
        document = self._layout(job, fetcher, spec, start, pages)
        pdf = document.write_pdf(**self._options(key or f"{job.key}:{start}"))
        marks = [PageMarks(p.bookmarks, p.height, sorted(p.anchors)) for p in document.pages]
        cut = cut_units(job.book, spec, page_tops(document)) if job.book else None
        del document
        gc.collect()
        self.parts_rendered += 1
        self.pages_laid_out += len(marks)
        if cut is not None:
            pdf, marks = keep_pages(pdf, cut[0]), marks[:cut[0]]
        if key is not None and job.part_cache is not None:
            job.part_cache.save_part(key, pdf, marks, cut)
        return pdf, marks, cut

    def _body(self, job: RenderJob, fetcher, first: int) -> tuple[list, list]:
        """The body parts of a book from page `first`: (PDFs, PageMarks)."""
        from .book import anchor_pages

        book = job.book
        assert book is not None
        specs = list(book.body)
        pdfs: list[bytes] = []
        marks: list = []
        n = 0
        while n < len(specs):
            spec = specs[n]
            start = first + len(marks)
            known = anchor_pages(marks, first) if marks else {}
            pdf, part_marks, cut = self._part(job, fetcher, spec, start, known)
            if spec.get("name") == "units" and cut is None and spec["hi"] < len(book.units):
                # no entry after the first begins a page: a bigger group
                specs[n] = {**spec, "hi": min(len(book.units), spec["lo"] + 2 * (spec["hi"] - spec["lo"]))}
                continue
            pdfs.append(pdf)
            marks += part_marks
            hi = cut[1] if cut is not None else spec.get("hi")
            if spec.get("name") == "units" and hi is not None and hi < len(book.units) \
                    and n + 1 == len(specs):
                specs.append(book.units_part(hi))
            n += 1
        return pdfs, marks

    def _render_book(self, job: RenderJob, fetcher) -> tuple[bytes, int]:
        """A book in parts, the front matter laid out last (see book.py)."""
        from .book import anchor_pages
        from .merge import bookmark_tree, merge_parts

        book = job.book
        assert book is not None
        _, front_marks, _ = self._part(job, fetcher, book.front, 1, None)
        n_front = len(front_marks)
        for _ in range(MAX_PASSES):
            pdfs, marks = self._body(job, fetcher, n_front + 1)
            pages = {a: str(p) for a, p in anchor_pages(marks, n_front + 1).items()}
            front, front_marks, _ = self._part(job, fetcher, book.front, 1, pages)
            if len(front_marks) == n_front:
                break
            n_front = len(front_marks)
        else:
            # the contents' length never settled (numbers one digit longer
            # wrapping a line, back and forth): the book as one document
            document = self._layout(job, fetcher, None, None)
            self.pages_laid_out += len(document.pages)
            return document.write_pdf(**self._options(job.key)), len(document.pages)
        all_marks = front_marks + marks
        return merge_parts([front, *pdfs], bookmark_tree(all_marks)), len(all_marks)


# WeasyPrint (70) names an image XObject `i<md5 of its absolute URL><0|1>`:
# the URL holds the build folder (the photo's copy next to the print HTML),
# so two builds of the same files in two folders differed in that name alone.
_IMAGE_NAME = re.compile(r"i[0-9a-f]{32}[01]")


def stable_image_names(pdf) -> dict[str, str]:
    """Rename the image XObjects of a pydyf PDF (before it is written) `Im0`,
    `Im1`, … in order of first appearance, in every resource dictionary and
    every content stream drawing them; the order of the objects is the
    document's, so same input, same names. Returns the renames."""
    import pydyf

    renames: dict[str, str] = {}
    for obj in pdf.objects:
        if not isinstance(obj, pydyf.Dictionary):
            continue
        xobjects = obj.get("XObject")
        if not isinstance(xobjects, dict) or not any(
                isinstance(k, str) and _IMAGE_NAME.fullmatch(k) for k in xobjects):
            continue
        items = list(xobjects.items())
        xobjects.clear()                  # same keys, same order, new names
        for k, v in items:
            if isinstance(k, str) and _IMAGE_NAME.fullmatch(k):
                k = renames.setdefault(k, f"Im{len(renames)}")
            xobjects[k] = v
    if not renames:
        return renames
    draws = {f"/{old} Do".encode(): f"/{new} Do".encode() for old, new in renames.items()}
    for obj in pdf.objects:
        if isinstance(obj, pydyf.Stream):
            ops = obj.stream
            for i, op in enumerate(ops):
                if isinstance(op, bytes) and op in draws:
                    ops[i] = draws[op]
    return renames


_CSS_HEADER = re.compile(r"^/\* (print/[A-Za-z0-9_.-]+\.css) \*/$", re.M)
_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)""", re.I)


def css_parts(settings: RenderSettings) -> list[tuple[str, str, Loc, dict[str, Loc]]]:
    """The print stylesheet as the files it was joined from (see
    write.load_css): (text, base URL, file, url -> file:line). A file from the
    project's templates/ resolves its relative url()s against its own folder
    there, and a refusal names that file and line."""
    text = settings.css_text
    heads = list(_CSS_HEADER.finditer(text))
    if not heads:
        return [(text, settings.css_base_url, Loc("templates/print/print.css"), {})]
    parts = []
    for n, m in enumerate(heads):
        name = m.group(1)
        end = heads[n + 1].start() if n + 1 < len(heads) else len(text)
        body = text[m.start():end]
        custom = settings.project_templates
        if custom is not None and (Path(custom) / name).is_file():
            path = Path(custom).resolve() / name
            base_url = path.parent.as_uri() + "/"
            loc_file = f"templates/{name}"
        else:
            base_url = settings.css_base_url
            loc_file = f"booklet/theme/{name}"
        origins: dict[str, Loc] = {}
        for u in _CSS_URL.finditer(body):
            url = next(g for g in u.groups() if g is not None)
            line = body.count("\n", 0, u.start())      # the header line is not in the file
            origins.setdefault(urljoin(base_url, url), Loc(loc_file, line))
        parts.append((body, base_url, Loc(loc_file), origins))
    return parts


def _as_booklet_error(e: BaseException, origin: Loc) -> BaseException:
    inner = unwrap_fetch_error(e)
    if isinstance(inner, BookletError):
        return inner
    if type(e).__name__ == "FatalURLFetchingError":
        return BookletError(f"打印文档读取外部资源失败：{e}", loc=origin)
    return e


def _inspect_rows(document) -> tuple[frozenset, frozenset, frozenset]:
    """(needed, wasted, seen): rows that begin a page while a merged cell
    from the previous page covers them (they need a break); rows that were
    given a break but do not begin a page (a label repeated mid-page); and
    every score-sheet row of the document. A row taller than a page counts
    where it begins; on a page that begins with the rest of such a row, the
    first row that begins there counts as the page's first (it repeats the
    label the rest of the row goes without)."""
    from weasyprint.formatting_structure import boxes

    needed, wasted, seen = set(), set(), set()
    for n, page in enumerate(document.pages):
        first = True
        for box in page._page_box.descendants():
            if not isinstance(box, boxes.TableRowBox):
                continue
            el = box.element
            key = el.get("data-row") if el is not None else None
            if key is None:
                continue              # thead repeated on this page, other tables
            if key in seen:
                continue              # the rest of a row begun on an earlier page
            seen.add(key)
            if first and n > 0 and el.get("data-cont"):
                needed.add(key)
            if not first and el.get("data-split"):
                wasted.add(key)
            first = False
    return frozenset(needed), frozenset(wasted), frozenset(seen)
