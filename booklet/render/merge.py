"""Join PDF parts rendered one after another into one book, with qpdf.

Books are laid out in parts (book.py: a ledger's periods, a summary's
ranking, matrix and groups of unit entries, the cover and contents last):
WeasyPrint keeps every laid-out page in memory (about 1.6 MB a page of dense
CJK table), so one 300-page layout needs more than 700 MB, its time grows
faster than its length, and one changed record would lay out the whole book
again. Each part is rendered knowing the page number it starts on
(`counter-set: page N` and the side it starts on), so page numbers run on
and the duplex margins alternate correctly; qpdf then joins the parts
(keeping the first part's catalog: language, metadata, output intent) and
the outline of the whole book is written into the joined file. Each part is
cached by its own key (pdf.py, cache.py), so a book whose data changed in
one part is joined from the parts laid out before and the one laid out
again.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional


def qpdf_path() -> Optional[str]:
    return shutil.which("qpdf")


@dataclass
class PageMarks:
    """What the outline needs of a laid-out page (duck-types weasyprint's Page)."""
    bookmarks: list
    height: float
    anchors: list = field(default_factory=list)     # ids of the elements it begins


class _Marks:
    def __init__(self, pages: list[PageMarks]):
        self.pages = pages


def bookmark_tree(pages: list[PageMarks], scale: float = 0.75) -> list:
    """The outline tree of pages from several documents, as WeasyPrint makes it."""
    from weasyprint.document import Document
    return Document.make_bookmark_tree(_Marks(pages), scale, transform_pages=True)


def _run(*args: str) -> bytes:
    proc = subprocess.run(["qpdf", *args], capture_output=True)
    # exit 3: warnings only (the file is written)
    if proc.returncode not in (0, 3):
        raise RuntimeError(f"qpdf {' '.join(args)} 失败：{proc.stderr.decode(errors='replace')}")
    return proc.stdout


def _outline_objects(tree: list, page_refs: list[str], first_id: int) -> tuple[dict, str]:
    """qpdf JSON objects for the outline `tree`; returns (objects, root ref)."""
    objects: dict[str, dict] = {}
    next_id = [first_id]

    def new() -> str:
        ref = f"{next_id[0]} 0 R"
        next_id[0] += 1
        return ref

    root_ref = new()

    def add(nodes: list, parent_ref: str) -> tuple[list[str], int]:
        refs, count = [], len(nodes)
        items = []
        for title, (page, x, y), children, state in nodes:
            ref = new()
            value = {"/Title": "u:" + title,
                     "/Dest": [page_refs[page], "/XYZ", round(x, 3), round(y, 3), 0],
                     "/Parent": parent_ref}
            items.append((ref, value))
            child_refs, child_count = add(children, ref)
            if child_refs:
                value["/First"], value["/Last"] = child_refs[0], child_refs[-1]
            value["/Count"] = -child_count if state == "closed" else child_count
            if state != "closed":
                count += child_count
            refs.append(ref)
        for i, (ref, value) in enumerate(items):
            if i:
                value["/Prev"] = items[i - 1][0]
            if i + 1 < len(items):
                value["/Next"] = items[i + 1][0]
            objects[f"obj:{ref}"] = {"value": value}
        return refs, count

    refs, count = add(tree, root_ref)
    root = {"/Type": "/Outlines", "/Count": count}
    if refs:
        root["/First"], root["/Last"] = refs[0], refs[-1]
    objects[f"obj:{root_ref}"] = {"value": root}
    return objects, root_ref


def _with_outline(joined: Path, tree: list, out: Path, tmp: Path) -> bytes:
    """Write `joined` to `out` with the outline `tree` (page indexes of the
    joined file), deterministically.

    qpdf keeps the first /ID element of its input and computes the second
    from the content (`--deterministic-id`): `joined` must itself have been
    written with `--deterministic-id`, or its random /ID is carried into
    the book (two builds of the same files would differ there alone)."""
    info = json.loads(_run("--json=2", "--json-key=qpdf", "--json-key=pages",
                           "--json-object=trailer", str(joined)))
    page_refs = [p["object"] for p in info["pages"]]
    head, objs = info["qpdf"][0], info["qpdf"][1]
    root_ref = objs["trailer"]["value"]["/Root"]
    cat_info = json.loads(_run("--json=2", "--json-key=qpdf",
                               f"--json-object={root_ref.split()[0]}", str(joined)))
    catalog = cat_info["qpdf"][1][f"obj:{root_ref}"]["value"]
    updates: dict[str, dict] = {}
    if tree:
        outline, outline_ref = _outline_objects(tree, page_refs, head["maxobjectid"] + 1)
        updates.update(outline)
        catalog["/Outlines"] = outline_ref
    else:
        catalog.pop("/Outlines", None)
    updates[f"obj:{root_ref}"] = {"value": catalog}
    patch = {"qpdf": [{"jsonversion": 2, "pushedinheritedpageresources": False,
                       "calledgetallpages": False, "maxobjectid": head["maxobjectid"]},
                      updates]}
    patch_file = tmp / "outline.json"
    patch_file.write_text(json.dumps(patch, ensure_ascii=False), encoding="utf-8")
    _run(str(joined), f"--update-from-json={patch_file}", "--deterministic-id",
         "--object-streams=generate", "--compress-streams=y", str(out))
    return out.read_bytes()


def extract_pages(carrier: bytes, source: Path, pages: list[int], tree: list) -> bytes:
    """Pages `pages` (0-based) of the PDF file `source` as a document of their
    own, taking catalog and document information (title, author, language,
    dates, PDF/A metadata) from the one-page `carrier`, with outline `tree`
    (page indexes counted within the new document)."""
    with tempfile.TemporaryDirectory(prefix="booklet-extract-") as tmp:
        d = Path(tmp)
        head = d / "carrier.pdf"
        head.write_bytes(carrier)
        ranges = ",".join(str(p + 1) for p in pages)
        joined = d / "joined.pdf"
        _run(str(head), "--deterministic-id", "--pages", str(source), ranges, "--", str(joined))
        return _with_outline(joined, tree, d / "out.pdf", d)


def keep_pages(pdf: bytes, n: int) -> bytes:
    """The first `n` pages of `pdf` (its catalog kept), deterministically."""
    with tempfile.TemporaryDirectory(prefix="booklet-keep-") as tmp:
        src, out = Path(tmp) / "in.pdf", Path(tmp) / "out.pdf"
        src.write_bytes(pdf)
        _run(str(src), "--deterministic-id", "--pages", str(src), f"1-{n}", "--", str(out))
        return out.read_bytes()


def merge_parts(parts: list[bytes], tree: list) -> bytes:
    """One PDF of `parts` in order, with the outline `tree` (page indexes
    counted over the whole book). Deterministic: same parts, same bytes."""
    if len(parts) == 1 and not tree:
        return parts[0]
    with tempfile.TemporaryDirectory(prefix="booklet-merge-") as tmp:
        d = Path(tmp)
        files = []
        for i, data in enumerate(parts):
            f = d / f"part{i:03d}.pdf"
            f.write_bytes(data)
            files.append(str(f))
        joined = d / "joined.pdf"
        _run(files[0], "--deterministic-id", "--pages", *files, "--", str(joined))
        return _with_outline(joined, tree, d / "book.pdf", d)
