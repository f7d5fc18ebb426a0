"""Scale (issue 12): the synthetic project is the same bytes on every run, and
`booklet score --format json` streams: the same text as one json.dumps of the
whole list, in memory that does not grow with the number of units."""
from __future__ import annotations

import json
import sys
import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner

from booklet.build import load_and_validate, score
from booklet.commands.score import command as score_command
from booklet.scoring.report import iter_json, result_json

from conftest import REPO

sys.path.insert(0, str(REPO))
from benchmarks.make_synthetic import generate, unit_names  # noqa: E402


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("syn") / "p"
    assert generate(root, 12) == 48
    return root


def test_synthetic_project_is_byte_identical_on_every_run(small, tmp_path):
    again = tmp_path / "again"
    generate(again, 12)
    assert files(again) == files(small)
    assert len([f for f in files(small) if f.startswith("assessments/")]) == 48


def test_synthetic_project_is_valid_with_realistic_records(small):
    project, problems = load_and_validate(small)
    assert not problems.errors, problems.report()
    assert len(project.config.units) == 12 and len(project.records) == 48
    assert {r.period for r in project.records} == {"2017-Q1", "2017-Q2", "2017-Q3", "2017-Q4"}
    reasons = [f.reason for r in project.records for f in r.findings if f.reason]
    assert any("去年同期" in t for t in reasons) and any("录用" in t for t in reasons)


def test_five_thousand_names_are_unique_chinese_community_names():
    import random
    names = unit_names(random.Random(1), 5000)
    assert len(set(names)) == 5000
    assert all(n.endswith("社区") and len(n) == 4 for n in names)


def test_streamed_json_is_the_whole_list_dumped_at_once(small):
    project, _ = load_and_validate(small)
    results = score(project)
    whole = json.dumps([result_json(r) for r in results], ensure_ascii=False, indent=2)
    assert "".join(iter_json(results)) == whole
    assert "".join(iter_json([])) == json.dumps([], indent=2)
    assert "".join(iter_json(results[:1])) == json.dumps([result_json(results[0])],
                                                         ensure_ascii=False, indent=2)


def test_score_json_command_prints_the_same_document(small):
    project, _ = load_and_validate(small)
    results = score(project)
    out = CliRunner().invoke(score_command, ["--format", "json", str(small)])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout) == [result_json(r) for r in results]
    q1 = [r for r in json.loads(out.stdout) if r["period"] == "2017-Q1"]
    assert sorted(r["rank"] for r in q1)[0] == 1 and len(q1) == 12


def _peak(pieces) -> int:
    """Peak bytes allocated while making and writing `pieces()` to a sink that keeps nothing."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    written = 0
    for piece in pieces():
        written += len(piece)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert written
    return peak


def test_streamed_json_memory_does_not_grow_with_units(small):
    project, _ = load_and_validate(small)
    results = score(project)
    q1 = [r for r in results if r.period == "2017-Q1"]
    few, many = q1, q1 * 10                         # 12 and 120 units' worth of results
    streamed = _peak(lambda: iter_json(few)), _peak(lambda: iter_json(many))
    whole = tuple(_peak(lambda rs=rs: [json.dumps([result_json(r) for r in rs], ensure_ascii=False,
                                                  indent=2)]) for rs in (few, many))
    assert whole[1] > 5 * whole[0]                  # the old way grows with the units
    assert streamed[1] < 1.5 * streamed[0]          # streaming does not
    assert streamed[1] * 5 < whole[1]
