"""CJK fonts and the native libraries the PDF writer depends on.

Everything here is cheap (one `fc-list` call, cached per process) so that a
no-change rebuild can check the fonts and compute cache keys without
importing WeasyPrint.

The print stylesheet names two families: Noto Serif CJK SC (宋体 stand-in,
body text) and Noto Sans CJK SC (黑体 stand-in, headings). Both come with real
Bold faces in the Debian package fonts-noto-cjk; WeasyPrint cannot fake bold.
"""
from __future__ import annotations

import ctypes.util
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional

from ..errors import BookletError

SERIF = "Noto Serif CJK SC"
SANS = "Noto Sans CJK SC"
REQUIRED_FACES = ((SERIF, "Regular"), (SERIF, "Bold"), (SANS, "Regular"), (SANS, "Bold"))
APT_FONTS = "fonts-noto-cjk"
INSTALL_HINT = f"apt-get install {APT_FONTS}"


@dataclass(frozen=True)
class Face:
    family: str
    style: str
    file: str


@lru_cache(maxsize=1)
def cjk_faces() -> tuple[Face, ...]:
    """Every face fontconfig knows for Chinese, as (family, style, file)."""
    if not shutil.which("fc-list"):
        return ()
    try:
        out = subprocess.run(["fc-list", ":lang=zh", "family", "style", "file"],
                             capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    faces = []
    for line in out.splitlines():
        # /usr/share/fonts/…/NotoSerifCJK-Bold.ttc: Noto Serif CJK SC,…:style=Bold
        file, _, rest = line.partition(": ")
        families, _, style = rest.partition(":style=")
        for fam in families.split(","):
            for st in style.split(","):
                faces.append(Face(fam.strip(), st.strip(), file.strip()))
    return tuple(sorted(set(faces), key=lambda f: (f.family, f.style, f.file)))


def find_face(family: str, style: str) -> Face | None:
    for f in cjk_faces():
        if f.family == family and f.style == style:
            return f
    return None


def missing_faces() -> list[tuple[str, str]]:
    return [(fam, st) for fam, st in REQUIRED_FACES if find_face(fam, st) is None]


def check_fonts() -> None:
    """Stop with a BookletError before rendering if the CJK fonts are missing:
    without them WeasyPrint prints tofu boxes or blank text."""
    missing = missing_faces()
    if missing:
        names = "、".join(f"{fam} {st}" for fam, st in missing)
        raise BookletError(
            f"缺少中文字体：{names}。没有这些字体，PDF 中的汉字会显示为方框或空白。",
            fix=f"以 root 身份运行 `{INSTALL_HINT}`（Debian/Ubuntu），然后运行 `booklet doctor` 检查。")


def font_identities() -> list[str]:
    """Identity of every font file the print stylesheet uses: path, size, mtime.

    Part of the PDF cache key, so upgrading the fonts re-renders everything.
    """
    ids = []
    for fam, st in REQUIRED_FACES:
        face = find_face(fam, st)
        if face is None:
            ids.append(f"{fam}:{st}:missing")
            continue
        try:
            s = Path(face.file).stat()
            ids.append(f"{fam}:{st}:{face.file}:{s.st_size}:{s.st_mtime_ns}")
        except OSError:
            ids.append(f"{fam}:{st}:{face.file}:?")
    return ids


# ---------------------------------------------------------------- libraries

def harfbuzz_subset() -> str | None:
    """The HarfBuzz subsetter (libharfbuzz-subset0): without it, CJK font
    subsetting is done in Python and takes seconds per document."""
    return ctypes.util.find_library("harfbuzz-subset")


def pango_version() -> str | None:
    try:
        lib = ctypes.util.find_library("pango-1.0")
        if not lib:
            return None
        pango = ctypes.CDLL(lib)
        pango.pango_version_string.restype = ctypes.c_char_p
        return pango.pango_version_string().decode()
    except (OSError, AttributeError):
        return None


def weasyprint_version() -> str | None:
    try:
        from importlib.metadata import version
        return version("weasyprint")
    except Exception:  # noqa: BLE001 - not installed
        return None


# ---------------------------------------------------------------- compact subsets
# WeasyPrint (70) subsets a font keeping every glyph id up to the highest one
# used (HB_SUBSET_FLAGS_RETAIN_GIDS), because its content streams show glyph
# ids as CIDs (Identity-H). For Noto CJK (CID-keyed CFF, ROS Adobe-Identity-0,
# CID = glyph id) that is tens of thousands of empty slots in every face of
# every PDF. Here the used glyphs alone are kept: HarfBuzz renumbers the
# glyphs but keeps each one's CID in the CFF charset, and the CFF table is
# embedded bare (FontFile3 /CIDFontType0C), where a PDF reader maps CIDs
# through that charset (ISO 32000 §9.7.4.2). Content streams, widths,
# ToUnicode and CIDSet (all keyed by CID) stay as they are. Any other font
# (TrueType, a non-CID CFF) keeps WeasyPrint's own subset.
#
# Each subset also gets its own tag (ISO 32000 §9.6.4): six letters from the
# hash of the subset and of the document part it belongs to, so that the
# parts of a merged book never share a tag, and same input, same tag.

_PATCHED = False
_COMPACT: dict[int, bytes] = {}      # id(OTF subset bytes) -> bare CFF table


def _sfnt_table(data: bytes, tag: bytes) -> Optional[bytes]:
    import struct
    if len(data) < 12:
        return None
    (count,) = struct.unpack(">H", data[4:6])
    for i in range(count):
        rec = data[12 + 16 * i: 28 + 16 * i]
        if len(rec) < 16:
            return None
        t, _, off, length = struct.unpack(">4sIII", rec)
        if t == tag:
            return data[off:off + length]
    return None


def _cff_cids(cff: bytes) -> Optional[list[int]]:
    """The CIDs of a CID-keyed CFF's glyphs, in glyph order (None: not CID-keyed)."""
    import io

    from fontTools.cffLib import CFFFontSet
    fs = CFFFontSet()
    fs.decompile(io.BytesIO(cff), None)
    top = fs[fs.fontNames[0]]
    if "ROS" not in top.rawDict:
        return None
    names = top.charset
    cids = []
    for n in names:
        if n == ".notdef":
            cids.append(0)
        elif n.startswith("cid") and n[3:].isdigit():
            cids.append(int(n[3:]))
        else:
            return None
    return cids


def _compact_subset(font, to_unicode, hinting) -> bool:
    """Subset `font` (a weasyprint.pdf.fonts.Font) to its used glyphs only;
    True if done (its CFF table is then kept in _COMPACT)."""
    from weasyprint.text.ffi import ffi, harfbuzz, harfbuzz_subset
    from weasyprint.text.fonts import get_hb_object_data

    if not harfbuzz_subset or not harfbuzz.hb_version_atleast(4, 1, 0):
        return False
    if "CFF " not in getattr(font, "tables", ()) or "fvar" in font.tables:
        return False
    # glyph ids past the font's end stand for missing characters (drawn as
    # .notdef through the Encoding CMap WeasyPrint writes then)
    gids = sorted({g for g in to_unicode if g < font.glyph_count} | {0})
    inp = ffi.gc(harfbuzz_subset.hb_subset_input_create_or_fail(),
                 harfbuzz_subset.hb_subset_input_destroy)
    gid_set = harfbuzz_subset.hb_subset_input_glyph_set(inp)
    arr = ffi.new(f"hb_codepoint_t[{len(gids)}]", gids)
    harfbuzz.hb_set_add_sorted_array(gid_set, arr, len(gids))
    flags = harfbuzz_subset.HB_SUBSET_FLAGS_DESUBROUTINIZE
    if not hinting:
        flags |= harfbuzz_subset.HB_SUBSET_FLAGS_NO_HINTING
    if font.missing:
        flags |= harfbuzz_subset.HB_SUBSET_FLAGS_NOTDEF_OUTLINE
    harfbuzz_subset.hb_subset_input_set_flags(inp, flags)
    # no layout tables: their closure would add every alternate glyph
    drop = harfbuzz_subset.hb_subset_input_set(inp, harfbuzz_subset.HB_SUBSET_SETS_DROP_TABLE_TAG)
    tags = sorted(harfbuzz.hb_tag_from_string(t, -1) for t in (
        b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GDEF", b"GPOS", b"GSUB", b"JSTF",
        b"LTSH", b"MATH", b"PCLT", b"SVG "))
    tag_arr = ffi.new(f"hb_codepoint_t[{len(tags)}]", tags)
    harfbuzz.hb_set_add_sorted_array(drop, tag_arr, len(tags))
    face = harfbuzz_subset.hb_subset_or_fail(font.hb_face, inp)
    if face == ffi.NULL:
        return False
    face = ffi.gc(face, harfbuzz.hb_face_destroy)
    data = get_hb_object_data(face)
    cff = _sfnt_table(data, b"CFF ") if data else None
    if not cff:
        return False
    try:
        cids = _cff_cids(cff)
    except Exception:  # noqa: BLE001 - an unreadable subset: keep WeasyPrint's
        return False
    # every used glyph must keep its original id as CID (Adobe-Identity-0);
    # glyphs HarfBuzz adds (components) are harmless
    if cids is None or len(set(cids)) != len(cids) or not set(gids) <= set(cids):
        return False
    font.file_content = data
    _COMPACT[id(data)] = cff
    return True


# The method replaced, as WeasyPrint 70 defines it. Another WeasyPrint may
# rename it, change its arguments or the Font attributes _compact_subset
# reads: then nothing is replaced (or the replacement gives way to the
# original), and the PDFs keep WeasyPrint's own, larger but correct, subsets.
PATCHED_METHOD = "_harfbuzz_subset"
PATCHED_PARAMS = ("self", "to_unicode", "hinting")


def _patchable(method) -> bool:
    import inspect
    try:
        params = tuple(inspect.signature(method).parameters)
    except (TypeError, ValueError):
        return False
    return params == PATCHED_PARAMS


def _patch_weasyprint() -> bool:
    """Replace WeasyPrint's HarfBuzz subsetting by `_compact_subset`, falling
    back to the original for any font it does not handle (or on any error).
    False when this WeasyPrint's method is not the one known: left alone."""
    global _PATCHED
    if _PATCHED:
        return True
    try:
        from weasyprint.pdf.fonts import Font
    except ImportError:
        return False
    original = getattr(Font, PATCHED_METHOD, None)
    if original is None or not _patchable(original):
        return False

    def subset(self, to_unicode, hinting):
        try:
            done = _compact_subset(self, to_unicode, hinting)
        except Exception:  # noqa: BLE001 - WeasyPrint internals changed: its own subset
            done = False
        if not done:
            original(self, to_unicode, hinting)
    subset.__wrapped__ = original           # type: ignore[attr-defined]
    setattr(Font, PATCHED_METHOD, subset)
    _PATCHED = True
    return True


def _tag(salt: str, data: bytes) -> str:
    import hashlib
    d = hashlib.sha256(salt.encode() + b"\0" + data).digest()
    return "".join(chr(65 + b % 26) for b in d[:6])


def font_finisher(salt: str):
    """A WeasyPrint `finisher` embedding compact CFF subsets with their own tags.
    `salt` names the document part (distinct tags across merged parts)."""
    _patch_weasyprint()

    def finish(document, pdf) -> None:
        import pydyf
        renames: dict[bytes, bytes] = {}
        by_ref: dict = {}
        for obj in pdf.objects:
            extra = getattr(obj, "extra", None)
            if not isinstance(obj, pydyf.Stream) or extra is None:
                continue
            if extra.get("Subtype") != "/OpenType" or len(obj.stream) != 1:
                continue
            cff = _COMPACT.pop(id(obj.stream[0]), None)
            if cff is not None:
                obj.stream = [cff]
                extra["Subtype"] = "/CIDFontType0C"
            by_ref[obj.reference] = cff if cff is not None else obj.stream[0]
        for obj in pdf.objects:
            if isinstance(obj, pydyf.Dictionary) and obj.get("Type") == "/FontDescriptor":
                data = by_ref.get(obj.get("FontFile3"))
                name = obj.get("FontName")
                if data is None or not isinstance(name, bytes) or b"+" not in name:
                    continue
                base = name.split(b"+", 1)[1].decode()
                new = f"/{_tag(salt + ':' + base, data)}+{base}".encode()
                renames[name] = new
                obj["FontName"] = new
        for obj in pdf.objects:
            if isinstance(obj, pydyf.Dictionary) and obj.get("Type") == "/Font":
                if obj.get("BaseFont") in renames:
                    obj["BaseFont"] = renames[obj["BaseFont"]]
        _COMPACT.clear()
    return finish
