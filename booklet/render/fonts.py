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
