"""Weight and correctness of the PDF files, read back with poppler.

A small synthetic project (one portrait rubric, nine units: its summary book
is laid out in parts and joined with qpdf) with a camera-sized photo is built
twice, in two folders; the files are then checked as a print server would
see them: compact font subsets, one tag per embedded subset, photos at print
resolution, identical bytes from identical input.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from unittest import mock

import pytest

from booklet import paths
from booklet.render import plan
from booklet.render.booklets import build_pdfs
from booklet.render.fetcher import PRINT_PHOTO_PX
from booklet.render.sample import sample_rubric
from test_render_pdf import make_ctx, text

pytestmark = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("pdftotext", "pdffonts", "pdfinfo", "pdfimages", "qpdf")),
    reason="poppler-utils and qpdf are needed to read PDFs back")

PHOTO_SIZE = (4000, 3000)          # a phone camera's photo


def selected(d) -> bool:
    """Every way a PDF is made: alone (blank sheet, ledger), in parts joined
    with qpdf (the summary book), in a batch cut apart with qpdf (the nine
    unit sheets). The other eight ledgers are made as the first one."""
    if d.kind in ("blank", "summary", "sheet"):
        return True
    if d.kind == "ledger":
        return d.rel.stem == "u0"
    return False


def build(root: Path):
    from PIL import Image
    ctx = make_ctx(root, rubrics=[sample_rubric(long_section=12)], units=9)
    photo = Path(ctx.project.root) / "assessments" / "photos" / "check.png"
    img = Image.linear_gradient("L").resize(PHOTO_SIZE).convert("RGB")
    img.save(photo)
    # the compact summary of nine units is short: lay it out in parts of
    # three units anyway, so that a book joined with qpdf is among the files
    with mock.patch.object(plan, "UNITS_PER_PART", 3):
        out = build_pdfs(ctx, only=selected)
    return ctx, sorted(out)


@pytest.fixture(scope="module")
def twice(tmp_path_factory):
    a = build(tmp_path_factory.mktemp("weight-a"))
    b = build(tmp_path_factory.mktemp("weight-b"))
    return a, b


def fonts(pdf: Path) -> list[str]:
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                         check=True).stdout
    return [line.split()[0] for line in out.splitlines()[2:] if line.strip()]


def test_merged_book_has_a_tag_per_subset(twice):
    (ctx, out), _ = twice
    books = [p for p in out if p.parent.name == "summary"]
    assert books, "the nine-unit summary book is laid out in parts"
    for book in books:
        names = fonts(book)
        # the parts each embed their own subsets: more subsets than faces
        assert len(names) > 4, names
        assert all(re.fullmatch(r"[A-Z]{6}\+Noto-(Serif|Sans)-CJK-SC(-Bold)?", n) for n in names), names
        tags = [n.split("+")[0] for n in names]
        assert len(set(tags)) == len(tags), f"{book.name}: subsets sharing a tag: {names}"


def test_blank_sheet_is_light(twice):
    (ctx, out), _ = twice
    blank = ctx.site_dir / paths.blank_pdf("sample")
    assert blank.is_file()
    assert blank.stat().st_size < 150_000, blank.stat().st_size
    # compact subsets: the fonts are a small part of the sheet, and the text reads back
    assert "评分" in text(blank) or "考核" in text(blank)


def test_every_font_is_embedded_compact(twice):
    (ctx, out), _ = twice
    for pdf in out:
        res = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
        for line in res.stdout.splitlines()[2:]:
            cols = line.split()
            # bare CFF (FontFile3 /CIDFontType0C): WeasyPrint's own subsets show "(OT)"
            assert "CID Type 0C " in line and "(OT)" not in line, line
            assert cols[-5:-2] == ["yes", "yes", "yes"], line


def every_pdf(ctx) -> dict[str, bytes]:
    """Every PDF under the site and the internal output, by relative path."""
    out = {}
    for top in (ctx.site_dir, ctx.internal_dir):
        for p in sorted(top.rglob("*.pdf")):
            out[str(p.relative_to(top.parent))] = p.read_bytes()
    return out


def test_two_builds_give_the_same_bytes(twice):
    (ctx_a, out_a), (ctx_b, out_b) = twice
    a, b = every_pdf(ctx_a), every_pdf(ctx_b)
    assert a.keys() == b.keys()
    assert len(a) == len(out_a) == 12, sorted(a)   # blank, summary, nine sheets, ledger
    kinds = {k.split("/")[1] if k.startswith("internal/") else k.split("/")[2] for k in a}
    assert kinds == {"blank", "summary", "sheets", "ledger"}, kinds
    differ = [k for k in a if a[k] != b[k]]
    assert not differ, f"PDFs differing between two builds of the same files: {differ}"


def test_qpdf_joins_are_deterministic(twice, tmp_path):
    """Joining or cutting the same PDFs twice gives the same bytes: qpdf
    keeps the first /ID element of its input, so every qpdf step writes a
    content-derived /ID (a random one made the merged books differ)."""
    from booklet.render.merge import extract_pages, merge_parts
    (ctx, out), _ = twice
    blank = (ctx.site_dir / paths.blank_pdf("sample")).read_bytes()
    summary = ctx.site_dir / paths.summary_pdf("sample", "2017-Q1")
    joined = [merge_parts([blank, blank], []) for _ in range(2)]
    assert joined[0] == joined[1]
    cut = [extract_pages(blank, summary, [0, 1], []) for _ in range(2)]
    assert cut[0] == cut[1]
    f = tmp_path / "joined.pdf"
    for data in joined + cut:
        f.write_bytes(data)
        trailer = subprocess.run(["qpdf", "--json=2", "--json-key=qpdf", "--json-object=trailer",
                                  str(f)], capture_output=True, text=True, check=True).stdout
        assert '"/ID"' in trailer, "a file identifier (PDF/A and print servers expect one)"


def test_ledger_photo_is_downscaled_to_print_size(twice):
    (ctx, out), _ = twice
    ledger = ctx.internal_dir / paths.ledger_pdf("sample", "u0")
    res = subprocess.run(["pdfimages", "-list", str(ledger)], capture_output=True, text=True,
                         check=True).stdout
    sizes = [(int(c[3]), int(c[4])) for c in (line.split() for line in res.splitlines()[2:])
             if len(c) > 4 and c[2] == "image"]
    assert sizes, "the ledger embeds the record's photo"
    max_w, max_h = PRINT_PHOTO_PX
    for w, h in sizes:
        assert w <= max_w and h <= max_h, (w, h)
        # the whole photo, at its aspect ratio, at about 300 dpi of its printed width
        assert w == max_w and abs(h - max_w * 3 / 4) <= 1, (w, h)


# ---------------------------------------------------------------- the WeasyPrint patch
# fonts.py replaces one WeasyPrint method (Font._harfbuzz_subset) at run time.
# A WeasyPrint that changed it must still give correct PDFs, with its own
# (larger) subsets: the replacement is not installed when the method's
# arguments differ, and gives way to the original on any error.

SMALL_HTML = ('<html lang="zh-CN"><body style="font-family: \'Noto Serif CJK SC\'">'
              '<p>湖塘镇综合治理办公室 考核评分表</p></body></html>')


def render_small(tmp_path: Path, name: str) -> tuple[Path, list[str]]:
    from weasyprint import HTML
    from booklet.render.fonts import font_finisher
    pdf = tmp_path / f"{name}.pdf"
    pdf.write_bytes(HTML(string=SMALL_HTML).write_pdf(finisher=font_finisher(name)))
    lines = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    return pdf, [line for line in lines if line.strip()]


@pytest.fixture
def unpatched(monkeypatch):
    """WeasyPrint's Font class as if fonts.py had never patched it."""
    from weasyprint.pdf.fonts import Font

    from booklet.render import fonts
    current = getattr(Font, fonts.PATCHED_METHOD)
    monkeypatch.setattr(Font, fonts.PATCHED_METHOD, getattr(current, "__wrapped__", current))
    monkeypatch.setattr(fonts, "_PATCHED", False)
    return Font


def test_installed_weasyprint_is_the_one_patched(unpatched):
    """The installed WeasyPrint has the method as known: compact subsets are
    in effect (else this fails, and the pin in pyproject.toml needs a look)."""
    from booklet.render import fonts
    assert fonts._patch_weasyprint() is True
    assert getattr(unpatched, fonts.PATCHED_METHOD).__wrapped__ is not None


def test_patch_left_out_when_the_method_changes(unpatched, monkeypatch, tmp_path):
    from booklet.render import fonts
    original = getattr(unpatched, fonts.PATCHED_METHOD)

    def changed(self, to_unicode, hinting, flags=0):     # a new argument
        return original(self, to_unicode, hinting)
    monkeypatch.setattr(unpatched, fonts.PATCHED_METHOD, changed)
    assert fonts._patch_weasyprint() is False
    assert getattr(unpatched, fonts.PATCHED_METHOD) is changed      # left alone
    pdf, lines = render_small(tmp_path, "changed")
    # WeasyPrint's own subsets (OpenType-wrapped), embedded, text extractable
    assert lines and all("CID Type 0C (OT)" in line for line in lines), lines
    assert "考核评分表" in text(pdf)


def test_patch_gives_way_to_weasyprint_on_error(unpatched, monkeypatch, tmp_path):
    from booklet.render import fonts

    def broken(font, to_unicode, hinting):
        raise AttributeError("'Font' object has no attribute 'hb_face'")   # internals renamed
    monkeypatch.setattr(fonts, "_compact_subset", broken)
    assert fonts._patch_weasyprint() is True
    pdf, lines = render_small(tmp_path, "broken")
    assert lines and all("CID Type 0C (OT)" in line for line in lines), lines
    assert "考核评分表" in text(pdf)


def test_patch_embeds_bare_compact_subsets(unpatched, tmp_path):
    """The same small page with the patch in effect: bare CFF subsets, a
    fraction of the size of WeasyPrint's own, the same text."""
    from booklet.render import fonts
    assert fonts._patch_weasyprint() is True
    pdf, lines = render_small(tmp_path, "compact")
    assert lines and all("CID Type 0C " in line and "(OT)" not in line for line in lines), lines
    assert "考核评分表" in text(pdf)


# ---------------------------------------------------------------- the example's sheets
# Built from the example's five rubrics (tests/example_pdfs.py): every blank
# sheet, and each rubric's unit sheet with the most notes. Fonts are most of
# a sheet's weight: a sheet carries the faces the conventions need and no
# more — 宋体 for the table and text, bold 宋体 for the title, bold 黑体 for
# the table head and labels (PRINT-CONVENTIONS.md).

BLANK_MAX = 150_000                # issue 15's target
SHEET_MAX = 145_000                # all 248 unit sheets of the example: 108–138 KB
SHEET_FACES = {"Noto-Serif-CJK-SC", "Noto-Serif-CJK-SC-Bold", "Noto-Sans-CJK-SC-Bold"}


def test_example_sheets_are_light(example_sheets):
    blanks, sheets = example_sheets.blanks(), example_sheets.sheets()
    assert len(blanks) == 5 and len(sheets) >= 6
    heavy = [(p.name, p.stat().st_size) for p in blanks if p.stat().st_size >= BLANK_MAX]
    heavy += [(p.name, p.stat().st_size) for p in sheets if p.stat().st_size >= SHEET_MAX]
    assert not heavy, heavy


def test_example_sheets_carry_three_faces(example_sheets):
    for pdf in example_sheets.blanks() + example_sheets.sheets():
        faces = [n.split("+", 1)[1] for n in fonts(pdf)]
        assert len(faces) <= 3 and set(faces) <= SHEET_FACES, (pdf.name, faces)
        assert "Noto-Serif-CJK-SC-Bold" in faces, pdf.name       # the title


def test_example_sheets_read_back_in_the_rubric_words(example_sheets):
    """Compact subsets keep the text extractable: the title and every
    section label of the rubric are in pdftotext's text of its blank sheet."""
    ctx = example_sheets.ctx
    for rid, rubric in ctx.project.rubrics.items():
        t = re.sub(r"\s+", "", text(ctx.site_dir / paths.blank_pdf(rid)))
        assert re.sub(r"\s+", "", rubric.title) in t, rid
        for s in rubric.sections:
            assert re.sub(r"\s+", "", s.title) in t, (rid, s.title)
