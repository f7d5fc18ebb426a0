"""booklet build as a whole: outputs appear only when everything succeeded,
a failed build leaves the last good site untouched, and a build never
replaces a folder it did not make."""
from __future__ import annotations

from pathlib import Path

import pytest

from booklet.build import MARKER, run_build
from booklet.errors import BookletError

from conftest import MINI_CONFIG, MINI_RECORD, write_project

REC = "assessments/mini/2017-Q1/east.yml"


def test_html_build_writes_site_and_marks_it(mini):
    ctx = run_build(mini, pdf=False, progress=False)
    site = mini / "site"
    assert (site / "index.html").is_file()
    assert (site / MARKER).is_file()
    assert "东门社区" in (site / "index.html").read_text(encoding="utf-8")
    assert ctx.build_id and len(ctx.build_id) == 12
    # no staging folders left behind
    assert not [p for p in mini.iterdir() if "staging" in p.name]


def test_failed_build_keeps_last_good_site(mini):
    run_build(mini, pdf=False, progress=False)
    before = {p.relative_to(mini / "site"): p.read_bytes()
              for p in (mini / "site").rglob("*") if p.is_file()}
    (mini / REC).write_text(MINI_RECORD.replace("amount: 1.5", "amount: 9"), encoding="utf-8")
    with pytest.raises(BookletError) as e:
        run_build(mini, pdf=False, progress=False)
    assert "amount-range" in {p.code for p in e.value.problems.errors}
    after = {p.relative_to(mini / "site"): p.read_bytes()
             for p in (mini / "site").rglob("*") if p.is_file()}
    assert after == before
    assert not [p for p in mini.iterdir() if "staging" in p.name]


def test_writer_failure_midway_keeps_last_good_site(mini, monkeypatch):
    run_build(mini, pdf=False, progress=False)
    index = (mini / "site" / "index.html").read_bytes()
    import booklet.build as pipeline

    def broken(ctx):
        (ctx.site_dir / "index.html").write_text("half-written", encoding="utf-8")
        raise RuntimeError("disk full")

    monkeypatch.setattr(pipeline, "build_site", broken)
    with pytest.raises(RuntimeError):
        run_build(mini, pdf=False, progress=False, clean=True)   # clean: nothing changed
    assert (mini / "site" / "index.html").read_bytes() == index


def test_output_outside_project_is_refused(tmp_path):
    cfg = MINI_CONFIG + "output: {site: ../elsewhere}\n"
    root = write_project(tmp_path / "p", config=cfg)
    with pytest.raises(BookletError) as e:
        run_build(root, pdf=False, progress=False)
    assert "项目内" in e.value.problems.report()
    assert not (tmp_path / "elsewhere").exists()


def test_foreign_folder_is_not_replaced(tmp_path):
    root = write_project(tmp_path / "p")
    (root / "site").mkdir()
    (root / "site" / "my-notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(BookletError) as e:
        run_build(root, pdf=False, progress=False)
    assert MARKER in e.value.problems.report()
    assert (root / "site" / "my-notes.txt").read_text(encoding="utf-8") == "keep me"


def test_unchanged_inputs_keep_outputs_and_a_change_rebuilds(mini):
    first = run_build(mini, pdf=False, progress=False)
    assert not first.unchanged
    stamp = (mini / "site" / "index.html").stat().st_mtime_ns
    again = run_build(mini, pdf=False, progress=False)
    assert again.unchanged and again.build_id == first.build_id
    assert (mini / "site" / "index.html").stat().st_mtime_ns == stamp
    # --clean always rebuilds
    assert not run_build(mini, pdf=False, progress=False, clean=True).unchanged
    # any input change rebuilds, and the site shows it
    rec = mini / REC
    rec.write_text(rec.read_text(encoding="utf-8").replace("缺少两本台账", "缺少三本台账"), encoding="utf-8")
    third = run_build(mini, pdf=False, progress=False)
    assert not third.unchanged and third.build_id != first.build_id
    assert "缺少三本台账" in (mini / "site" / "units" / "east.html").read_text(encoding="utf-8")
    # other options are another build: an HTML-only build is not taken for a full one
    assert run_build(mini, pdf=False, progress=False, site_dir=mini / "site2").unchanged is False


def test_the_pipeline_names_every_writer():
    """The writers are imported by name: none can silently drop out of a build."""
    from booklet import build
    from booklet.annex.print import build_blank_forms
    from booklet.render.booklets import build_pdfs
    from booklet.site.build import build_site, write_downloads
    # the downloads page is written again last, when every PDF's size is known
    assert [w for _, w in build.writers(pdf=True)] == [build_site, build_pdfs, build_blank_forms,
                                                       write_downloads]
    assert [w for _, w in build.writers(pdf=False)] == [build_site]


def test_one_code_hash_for_every_cache(tmp_path, monkeypatch):
    """The build fingerprint and the PDF manifest key use the same code hash,
    and it changes when any code or theme file of booklet changes."""
    import shutil

    from booklet import build
    from booklet.render import cache, manifest
    pkg = tmp_path / "booklet"
    shutil.copytree(cache.PACKAGE, pkg, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache, "PACKAGE", pkg)
    before = cache.code_hash()
    assert manifest.code_stamp() == before
    (tmp_path / "booklet.yml").write_text(MINI_CONFIG, encoding="utf-8")
    assert f"-{before[:16]}-" in build.fingerprint(tmp_path, {})
    css = next(pkg.rglob("*.css"))
    css.write_text(css.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert cache.code_hash() != before
