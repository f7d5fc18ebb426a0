"""Unit sheets of one rubric and period laid out together, then cut apart.

WeasyPrint's start-up cost per document dominates a one-page sheet, so up to
SHEETS_PER_BATCH sheets are laid out as one document (each in its own page
group, numbered from 1) and split with qpdf; each member keeps its own title
and metadata through a one-page carrier document.
"""
from __future__ import annotations

from markupsafe import escape

from .plan import Doc
from .write import CSS_MARK, render_html

SHEETS_PER_BATCH = 10               # unit sheets laid out together (memory: ~1.6 MB a page)


def group_batches(docs: list[Doc]) -> dict[tuple, list[Doc]]:
    """Batches of at least two sheets, keyed (rubric, period, first index);
    each member's `batch` is set to its key (a lone sheet keeps its own)."""
    batches: dict[tuple, list[Doc]] = {}
    for d in docs:
        if d.batch is not None:
            batches.setdefault(d.batch, []).append(d)
    chunked: dict[tuple, list[Doc]] = {}
    for k, members in batches.items():
        for n in range(0, len(members), SHEETS_PER_BATCH):
            chunk = members[n:n + SHEETS_PER_BATCH]
            if len(chunk) > 1:
                for d in chunk:
                    d.batch = k + (n,)
                chunked[k + (n,)] = chunk
    return chunked


BATCH_STYLE = """<style>
/* unit sheets laid out together: each in its own page group, numbered from 1,
   starting on a right-hand page, so each can be cut out as it would print alone */
.batch-member { page: batchsheet; break-before: right; }
.batch-member > :first-child { break-before: auto; }
@page :nth(1 of batchsheet) { counter-set: page 1; }
@page :nth(1 of landscape) { counter-set: page 1; }
</style>
"""


def _split_html(html: str) -> tuple[str, str]:
    """(everything before <body…>, the body's content) of our own HTML."""
    i = html.index("<body")
    j = html.index(">", i) + 1
    k = html.rindex("</body>")
    return html[:i], html[j:k]


def batch_html(env, members: list[Doc], breaks: frozenset) -> str:
    head = ""
    bodies = []
    for n, d in enumerate(members):
        h = (d.html if not breaks else render_html(env, d, breaks)).replace(CSS_MARK, "")
        before, body = _split_html(h)
        if n == 0:
            head = before.replace("</head>", BATCH_STYLE + "</head>")
        bodies.append(f'<section class="batch-member" data-batch="{n}">{body}</section>\n')
    return head + '<body class="doc-batch">\n' + "".join(bodies) + "</body>\n</html>\n"


def carrier_html(doc: Doc) -> str:
    """A one-page document carrying a batch member's title and metadata."""
    m = doc.context["doc"]
    return ('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
            f'<title>{escape(m["title"])}</title>'
            f'<meta name="author" content="{escape(m["author"])}">'
            f'<meta name="description" content="{escape(m["description"])}">'
            '<meta name="generator" content="booklet">'
            f'<meta name="dcterms.created" content="{escape(m["created"])}">'
            f'<meta name="dcterms.modified" content="{escape(m["modified"])}">'
            '</head><body></body></html>')


