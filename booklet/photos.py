"""The one rule for a finding's photo path, used by `booklet validate` and by
the build (docs/formats.md: "path from the project root, inside assessments/").

    path, bad = resolve_photo(root, "assessments/photos/a.jpg")
    # bad is None, or a BadPhoto with a Chinese message and fix

Validate reports `bad` as a problem; the build refuses to render. Both give
the same words because both call this function.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Optional

PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg")
PHOTO_DIR = "assessments"
_SCHEME_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9.+-]*):")
_FIX = "把照片放进 assessments/photos/，写相对于项目根目录的路径，例如 assessments/photos/a.jpg。"


@dataclass(frozen=True)
class BadPhoto:
    what: str
    fix: str = _FIX


def resolve_photo(root: Path | str, photo: str) -> tuple[Optional[Path], Optional[BadPhoto]]:
    """(the real file, None) or (None, why not)."""
    root = Path(root).resolve()
    base = (root / PHOTO_DIR).resolve()
    if not photo or not photo.strip():
        return None, BadPhoto("照片路径是空的。")
    if _SCHEME_RE.match(photo) or photo.startswith(("/", "\\")) or "\\" in photo:
        return None, BadPhoto(f"照片「{photo}」不是项目中的相对路径：不能写网址、绝对路径或反斜杠路径。")
    rel = PurePosixPath(photo)
    if ".." in rel.parts:
        return None, BadPhoto(f"照片「{photo}」含 ..，指向 assessments/ 文件夹之外。")
    if rel.suffix.lower() not in PHOTO_SUFFIXES:
        return None, BadPhoto(f"照片「{photo}」不是支持的图片格式（{'、'.join(PHOTO_SUFFIXES)}）。",
                              "换成 JPG 或 PNG 图片。")
    cand = root / rel
    if rel.parts[0] != PHOTO_DIR:
        # a path relative to assessments/ is the usual slip: name the right spelling
        fix = (f"照片路径从项目根目录写起：assessments/{photo}。" if (base / rel).is_file() else _FIX)
        return None, BadPhoto(f"照片「{photo}」不在 assessments/ 文件夹中。", fix)
    if not (cand.exists() or cand.is_symlink()):
        return None, BadPhoto(f"照片文件「{photo}」不存在。", "检查文件名；" + _FIX)
    real = cand.resolve()
    if not real.is_relative_to(base):
        return None, BadPhoto(f"照片「{photo}」是指向 assessments/ 之外（{real}）的符号链接，拒绝读取。",
                              "把照片文件本身复制到 assessments/photos/ 下。")
    if not real.is_file():
        return None, BadPhoto(f"照片「{photo}」不是文件。")
    return real, None
