"""One rule for a photo path (booklet/photos.py): `booklet validate` and the
build (render/fetcher.resolve_photo) accept and refuse the same paths with
the same words. The rule is docs/formats.md's: a path from the project root,
inside assessments/."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from booklet import photos
from booklet.errors import BookletError, Problems
from booklet.model import Finding, Loc
from booklet.render.fetcher import resolve_photo as build_photo
from booklet.render.sample import tiny_png
from booklet.validate import _check_photo

REC = Loc("assessments/r/2017-Q1/u1.yml", 12, 7)


@pytest.fixture
def root(tmp_path) -> Path:
    root = tmp_path / "proj"
    (root / "assessments" / "photos").mkdir(parents=True)
    (root / "assessments" / "photos" / "ok.png").write_bytes(tiny_png())
    (root / "photos").mkdir()
    (root / "photos" / "top.png").write_bytes(tiny_png())          # in the project, not in assessments/
    (root / "assessments" / "notes.txt").write_text("x", encoding="utf-8")
    (tmp_path / "outside.png").write_bytes(tiny_png())
    os.symlink(tmp_path / "outside.png", root / "assessments" / "photos" / "link.png")
    return root


def validate_says(root: Path, photo: str) -> list[tuple[str, str]]:
    problems = Problems()
    _check_photo(photo, root, Finding(rule="r", photos=(photo,), loc=REC), problems)
    assert all(p.code == "bad-photo" and p.loc.line == 12 for p in problems.items)
    return [(p.what, p.fix) for p in problems.errors]


def build_says(root: Path, photo: str) -> list[tuple[str, str]]:
    try:
        build_photo(root, photo, REC)
    except BookletError as e:
        assert all(p.loc == REC for p in e.problems.items)
        return [(p.what, p.fix) for p in e.problems.errors]
    return []


@pytest.mark.parametrize("photo, words", [
    ("/etc/passwd", "绝对路径"),                                 # absolute
    ("C:\\photos\\a.png", "反斜杠"),
    ("../outside.png", ".."),                                   # ../ out of the project
    ("assessments/../../outside.png", ".."),
    ("https://example.com/x.png", "网址"),                       # URL
    ("file:///etc/passwd", "网址"),
    ("assessments/photos/missing.png", "不存在"),                # missing file
    ("photos/ok.png", "不在 assessments/"),                      # relative to assessments/, not the root
    ("photos/top.png", "不在 assessments/"),                     # in the project but outside assessments/
    ("assessments/notes.txt", "图片格式"),
    ("assessments/photos/link.png", "符号链接"),                 # symlink out of the project
    ("", "空"),
])
def test_validate_and_build_refuse_the_same_paths_with_the_same_words(root, photo, words):
    said = validate_says(root, photo)
    assert said == build_says(root, photo)
    assert len(said) == 1 and words in said[0][0]


def test_a_path_relative_to_assessments_gets_the_root_relative_spelling(root):
    (what, fix), = validate_says(root, "photos/ok.png")
    assert "assessments/photos/ok.png" in fix


def test_a_root_relative_path_inside_assessments_is_accepted_by_both(root):
    assert validate_says(root, "assessments/photos/ok.png") == []
    assert build_photo(root, "assessments/photos/ok.png", REC) == \
        (root / "assessments" / "photos" / "ok.png").resolve()
    real, bad = photos.resolve_photo(root, "assessments/photos/ok.png")
    assert bad is None and real.read_bytes().startswith(b"\x89PNG")
