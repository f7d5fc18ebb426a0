"""What a print document may read: files inside the project only.

The URL fetcher and the photo check refuse system files, paths that leave the
project (.. and symlinks) and every network URL, with an error naming the
record file and line that asked for it.
"""
from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

from booklet.buildctx import BuildContext
from booklet.errors import BookletError
from booklet.model import Loc
from booklet.render import booklets, fonts
from booklet.render.env import THEME_DIR
from booklet.render.fetcher import SafeFetcher, UrlGuard, resolve_photo
from booklet.render.sample import sample_project, sample_rubric, tiny_png

REC = Loc("assessments/sample/2017-Q1/u0.yml", 12, 7)


@pytest.fixture
def project_dir(tmp_path) -> Path:
    root = tmp_path / "proj"
    (root / "assessments" / "photos").mkdir(parents=True)
    (root / "assessments" / "photos" / "ok.png").write_bytes(tiny_png())
    (tmp_path / "outside.png").write_bytes(tiny_png())
    return root


def refused(call) -> str:
    with pytest.raises(BookletError) as info:
        call()
    return str(info.value)


@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    "https://example.com/x.png",
    "http://127.0.0.1:8000/x.png",
    "ftp://example.com/x.png",
])
def test_fetcher_refuses_system_files_and_network(project_dir, url):
    fetcher = SafeFetcher([project_dir], origins={url: REC})
    msg = refused(lambda: fetcher(url))
    assert "assessments/sample/2017-Q1/u0.yml:12" in msg
    assert "拒绝" in msg


def test_fetcher_refuses_dotdot_out_of_the_project(project_dir):
    base = (project_dir / "assessments" / "photos").as_uri() + "/"
    from urllib.parse import urljoin
    url = urljoin(base, "../../../outside.png")          # what WeasyPrint would ask for
    assert Path(url[7:]).resolve() == (project_dir.parent / "outside.png").resolve()
    msg = refused(lambda: SafeFetcher([project_dir], origin=REC)(url))
    assert "u0.yml:12" in msg and "项目文件夹之外" in msg


def test_fetcher_refuses_symlink_out_of_the_project(project_dir):
    link = project_dir / "assessments" / "photos" / "link.png"
    os.symlink(project_dir.parent / "outside.png", link)
    msg = refused(lambda: SafeFetcher([project_dir], origin=REC)(link.as_uri()))
    assert "u0.yml:12" in msg and "符号链接" in msg


def test_fetcher_serves_files_inside_and_data_urls(project_dir):
    fetcher = SafeFetcher([project_dir], origin=REC)
    resp = fetcher((project_dir / "assessments" / "photos" / "ok.png").as_uri())
    assert resp.read().startswith(b"\x89PNG")
    assert UrlGuard([project_dir]).check("data:image/png;base64,AAAA") is None


@pytest.mark.parametrize("photo, words", [
    ("../../outside.png", ".."),
    ("/etc/passwd", "绝对路径"),
    ("file:///etc/passwd", "网址"),
    ("https://example.com/x.png", "网址"),
    ("assessments/photos/missing.png", "不存在"),
    ("photos/ok.png", "不在 assessments/"),
])
def test_photo_paths_are_checked_with_the_record_line(project_dir, photo, words):
    msg = refused(lambda: resolve_photo(project_dir, photo, REC))
    assert "assessments/sample/2017-Q1/u0.yml:12" in msg and words in msg


def test_photo_inside_the_project_resolves(project_dir):
    assert resolve_photo(project_dir, "assessments/photos/ok.png", REC).name == "ok.png"


@pytest.mark.parametrize("bad", ["../../outside.png", "file:///etc/passwd",
                                 "https://example.com/x.png"])
def test_build_stops_before_rendering_on_a_bad_photo(tmp_path, bad):
    project, results = sample_project(tmp_path / "p", rubrics=[sample_rubric("deduction")],
                                      units=1, periods=("2017-Q1",))
    rec = project.records[0]
    rec.findings[0] = replace(rec.findings[0], photos=(bad,), loc=Loc(rec.loc.file, 9, 5))
    ctx = BuildContext(project, results, tmp_path / "site", tmp_path / "internal",
                       tmp_path / "cache", progress=False)
    msg = refused(lambda: booklets.build_pdfs(ctx))
    assert f"{rec.loc.file}:9" in msg
    assert not list((tmp_path / "site").rglob("*.pdf"))


def test_a_template_cannot_read_system_files(tmp_path):
    project, results = sample_project(tmp_path / "p", rubrics=[sample_rubric("deduction")],
                                      units=1, periods=("2017-Q1",), photo=False)
    custom = Path(project.root) / "templates" / "print" / "blank.html"
    custom.parent.mkdir(parents=True)
    theme = Path(THEME_DIR) / "print" / "blank.html"
    custom.write_text(theme.read_text().replace(
        "{{ sheet_table(sheet, breaks) }}",
        '<img src="file:///etc/passwd">{{ sheet_table(sheet, breaks) }}'), encoding="utf-8")
    ctx = BuildContext(project, results, tmp_path / "site", tmp_path / "internal",
                       tmp_path / "cache", progress=False)
    msg = refused(lambda: booklets.build_pdfs(ctx, only=lambda d: d.kind == "blank"))
    assert "/etc/passwd" in msg and "拒绝" in msg


def test_missing_cjk_fonts_stop_the_build_with_the_install_line(tmp_path, monkeypatch):
    monkeypatch.setattr(fonts, "cjk_faces", lambda: ())
    project, results = sample_project(tmp_path / "p", rubrics=[sample_rubric("deduction")],
                                      units=1, periods=("2017-Q1",), photo=False)
    ctx = BuildContext(project, results, tmp_path / "site", tmp_path / "internal",
                       tmp_path / "cache", progress=False)
    msg = refused(lambda: booklets.build_pdfs(ctx))
    assert "apt-get install fonts-noto-cjk" in msg
    assert "Noto Serif CJK SC" in msg
