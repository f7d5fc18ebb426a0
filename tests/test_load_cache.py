"""The load cache (booklet/loadcache.py) never changes a result: an unchanged
file read from the cache gives the same problems at the same file:line and the
same data as reading it afresh; a changed file is read again; a broken or
foreign cache is ignored; a new booklet (code) or schema starts over."""
from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from booklet import load, loadcache
from booklet.build import load_and_validate
from booklet.staging import CACHE_DIR

from conftest import MINI_RECORD, write_project

REC = "assessments/mini/2017-Q1/east.yml"
BAD_UNIT = MINI_RECORD.replace("unit: east", "unit: nowhere")          # a cross-file error
BAD_SHAPE = MINI_RECORD.replace("    count: 2\n", "    count: 两次\n")     # a file error


def shown(problems) -> list[tuple[str, str, str, str, str]]:
    return [(str(p.loc), p.level, p.code, p.what, p.fix) for p in problems.sorted()]


def parses(monkeypatch) -> list[str]:
    """The files actually parsed (not taken from the cache) from now on."""
    seen: list[str] = []
    real = load._parse_and_build

    def spy(path, root, raw, rel, *a, **kw):
        seen.append(rel)
        return real(path, root, raw, rel, *a, **kw)
    monkeypatch.setattr(load, "_parse_and_build", spy)
    return seen


def record_data(project) -> list:
    """Everything a record holds, key_locs included (dataclass == leaves them out)."""
    return [(r, r.key_locs, [(f, f.key_locs) for f in r.findings]) for r in project.records]


def cache_files(root: Path) -> list[Path]:
    return sorted((root / CACHE_DIR / loadcache.SUBDIR).glob("*.pickle"))


@pytest.fixture
def town(tmp_path) -> Path:
    """The mini project with one record the cache keeps (an unknown unit: an
    error found across files, at its line) and one it may not (a bad count)."""
    return write_project(tmp_path / "p", records={
        REC: MINI_RECORD,
        "assessments/mini/2017-Q1/west.yml": BAD_UNIT,
        "assessments/mini/2017-Q1/bad.yml": BAD_SHAPE.replace("unit: east", "unit: west"),
    })


def test_cached_files_give_the_same_problems_and_data(town, monkeypatch):
    cold_project, cold = load_and_validate(town)
    assert cache_files(town), "the first run keeps its files"
    seen = parses(monkeypatch)
    warm_project, warm = load_and_validate(town)
    # only the file with an error is read again
    assert seen == ["assessments/mini/2017-Q1/bad.yml"]
    assert shown(warm) == shown(cold)
    unknown = [p for p in warm.items if p.code == "unknown-unit"]
    assert [str(p.loc) for p in unknown] == ["assessments/mini/2017-Q1/west.yml:2:7"]
    assert any(p.loc.file.endswith("bad.yml") and p.loc.line == 10 for p in warm.errors)
    assert record_data(warm_project) == record_data(cold_project)
    assert warm_project.config == cold_project.config
    assert warm_project.config.units[1].loc == cold_project.config.units[1].loc
    assert warm_project.rubrics == cold_project.rubrics


def test_the_example_reads_the_same_from_the_cache(example_copy, monkeypatch):
    cold_project, cold = load_and_validate(example_copy)
    seen = parses(monkeypatch)
    warm_project, warm = load_and_validate(example_copy)
    assert seen == []                                  # every file came from the cache
    assert shown(warm) == shown(cold) and warm.warnings
    assert record_data(warm_project) == record_data(cold_project)
    assert warm_project.annex == cold_project.annex


def test_a_changed_file_is_read_again(town, monkeypatch):
    load_and_validate(town)
    (town / REC).write_text(MINI_RECORD.replace("count: 2", "count: 3")
                            .replace("date: 2017-03-10", "date: 2017-13-10"), encoding="utf-8")
    seen = parses(monkeypatch)
    project, problems = load_and_validate(town)
    assert REC in seen
    (bad_date,) = [p for p in problems.errors if p.loc.file == REC]
    assert bad_date.loc.line == 12 and bad_date.code == "bad-date"
    # and back: the value typed now is the value read
    (town / REC).write_text(MINI_RECORD.replace("count: 2", "count: 3"), encoding="utf-8")
    project, problems = load_and_validate(town)
    rec = next(r for r in project.records if r.loc.file == REC)
    assert rec.findings[0].count == 3
    assert not [p for p in problems.errors if p.loc.file == REC]


def test_a_deleted_file_is_gone_from_the_project(town):
    load_and_validate(town)
    (town / REC).unlink()
    project, _ = load_and_validate(town)
    assert REC not in {r.loc.file for r in project.records}


@pytest.mark.parametrize("garbage", [b"", b"garbage", b"\x80\x05\x95", pickle.dumps({"version": 1})])
def test_a_broken_cache_is_ignored(town, garbage, monkeypatch):
    _, cold = load_and_validate(town)
    for p in cache_files(town):
        p.write_bytes(garbage)
    seen = parses(monkeypatch)
    _, again = load_and_validate(town)
    assert shown(again) == shown(cold)
    assert REC in seen                                # read afresh, not from the garbage


class _Touch:
    """A pickle that would create a file when loaded by a plain unpickler."""

    def __init__(self, path: Path):
        self.path = path

    def __reduce__(self):
        return (Path.touch, (self.path,))


def test_a_foreign_pickle_runs_nothing(town):
    _, cold = load_and_validate(town)
    marker = town / "touched"
    evil = pickle.dumps({"version": loadcache.version(), "files": {REC: ("x", _Touch(marker), None)}})
    for p in cache_files(town):
        p.write_bytes(evil)
    _, again = load_and_validate(town)
    assert not marker.exists()
    assert shown(again) == shown(cold)
    # the same inside an entry whose key matches
    key = loadcache.digest((town / REC).read_bytes())
    evil = pickle.dumps({"version": loadcache.version(),
                         "files": {REC: (key, pickle.dumps((_Touch(marker), None)))}})
    for p in cache_files(town):
        p.write_bytes(evil)
    _, again = load_and_validate(town)
    assert not marker.exists()
    assert shown(again) == shown(cold)


def test_new_code_reads_every_file_again(town, monkeypatch):
    load_and_validate(town)
    monkeypatch.setattr(loadcache, "version", lambda: "another booklet")
    seen = parses(monkeypatch)
    load_and_validate(town)
    assert REC in seen and "rubrics/mini.yml" in seen and "booklet.yml" in seen


def test_the_version_follows_booklets_code(monkeypatch):
    import booklet.render.cache as code
    versions = set()
    for text in ("code one", "code two"):
        monkeypatch.setattr(code, "code_hash", lambda text=text: text)
        loadcache.version.cache_clear()
        versions.add(loadcache.version())
    loadcache.version.cache_clear()
    assert len(versions) == 2


def test_a_cache_folder_that_is_a_file_does_not_stop_validate(town):
    (town / CACHE_DIR).write_text("x", encoding="utf-8")
    _, problems = load_and_validate(town)
    assert [p.code for p in problems.errors] and all(p.code != "io" for p in problems.items)
    assert (town / CACHE_DIR).read_text(encoding="utf-8") == "x"
