"""No clock: the same files and options give the same scores and the same
bytes on any day. Filing deadlines are judged against the project's as-of
date (booklet/asof.py): --as-of, booklet.yml `as_of`, else the latest record
date — never the system date."""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from booklet.build import fingerprint, load_and_validate, score

from conftest import REPO, copy_example

FAKETIME = shutil.which("faketime")
needs_faketime = pytest.mark.skipif(FAKETIME is None, reason="faketime 未安装（make system-deps）")


def env() -> dict:
    e = dict(os.environ)
    e["PYTHONPATH"] = str(REPO)
    return e


def booklet_at(day: str, *args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    """`booklet …` run with the system clock set to `day` (the real faketime)."""
    return subprocess.run([FAKETIME, day, sys.executable, "-m", "booklet", *args], cwd=cwd,
                          env=env(), capture_output=True, timeout=900)


@needs_faketime
def test_faketime_really_moves_the_clock():
    out = subprocess.run([FAKETIME, "2017-05-01 12:00:00", sys.executable, "-c",
                          "import datetime; print(datetime.date.today())"],
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "2017-05-01"


@needs_faketime
def test_score_json_is_the_same_on_any_day():
    # 2017-05-01 is before most of 2017's filing deadlines: judged against the
    # clock, hutang-03's unfiled 7—8月 schedule (due 6月25日) would not yet count.
    early = booklet_at("2017-05-01 12:00:00", "score", "--format", "json")
    late = booklet_at("2031-12-31 12:00:00", "score", "--format", "json")
    assert early.returncode == 0, early.stderr.decode()
    assert late.returncode == 0, late.stderr.decode()
    assert early.stdout == late.stdout and len(early.stdout) > 10_000


def _tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@needs_faketime
def test_two_builds_on_different_days_give_identical_bytes(tmp_path):
    root = copy_example(tmp_path)
    first = booklet_at("2017-05-01 12:00:00", "build", "--no-pdf", "--clean", str(root))
    assert first.returncode == 0, first.stderr.decode()
    a = _tree(root / "site")
    second = booklet_at("2031-12-31 12:00:00", "build", "--no-pdf", "--clean", str(root))
    assert second.returncode == 0, second.stderr.decode()
    b = _tree(root / "site")
    assert a == b and len(a) > 50
    assert _tree(root / "build" / "internal") and _tree(root / "build" / "internal")


def _hutang03(project, period: str):
    return next(r for r in score(project) if r.unit_id == "hutang-03" and r.period == period
                and r.rubric_id == "hutang-2017")


def test_the_as_of_date_defaults_to_the_latest_record_date():
    project, _ = load_and_validate(REPO)
    dates = [d for rec in project.records for d in [rec.date] + [f.date for f in rec.findings] if d]
    assert project.as_of == max(dates)


def test_as_of_option_judges_deadlines_not_yet_due(tmp_path):
    # As of 2017-05-01 only 2月25日 and 4月25日 are due in 2017-Q2's window:
    # hutang-03 filed 5—6月 on 4月22日 (on time); 7—8月 (due 6月25日) is not
    # yet due → item 5 = 5. With the default as-of (the last record, December)
    # 7—8月 is 漏报 → 5 − 2 = 3.
    project, _ = load_and_validate(REPO)
    assert _hutang03(project, "2017-Q2").item("5").score == Decimal(3)
    project, _ = load_and_validate(REPO, as_of=date(2017, 5, 1))
    assert project.as_of == date(2017, 5, 1)
    item5 = _hutang03(project, "2017-Q2").item("5")
    assert item5.score == Decimal(5)
    assert "7—8月的执勤排班表应于2017年6月25日前报备（未到期）" in item5.adjustments[0].reason


def test_as_of_in_booklet_yml_and_the_site_says_data_as_of_it(tmp_path):
    root = copy_example(tmp_path)
    cfg = root / "booklet.yml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("year: 2017\n", "year: 2017\nas_of: 2017-05-01\n", 1),
                   encoding="utf-8")
    project, problems = load_and_validate(root)
    assert not problems.errors, problems.report()
    assert project.as_of == date(2017, 5, 1)
    assert _hutang03(project, "2017-Q2").item("5").score == Decimal(5)
    from booklet.build import run_build
    ctx = run_build(root, pdf=False, progress=False)
    index = (ctx.site_dir / "index.html").read_text(encoding="utf-8")
    assert "数据截至2017年5月1日" in index


def test_a_bad_as_of_is_a_chinese_message_not_a_traceback(tmp_path):
    out = subprocess.run([sys.executable, "-m", "booklet", "score", "--as-of", "2017-13-01"],
                         cwd=REPO, env=env(), capture_output=True, text=True, timeout=300)
    assert out.returncode != 0 and "Traceback" not in out.stderr
    assert "不是日期" in out.stderr and "2017-12-31" in out.stderr
    root = copy_example(tmp_path)
    cfg = root / "booklet.yml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("year: 2017\n", "year: 2017\nas_of: 5月1日\n", 1),
                   encoding="utf-8")
    line = cfg.read_text(encoding="utf-8").splitlines().index("as_of: 5月1日") + 1
    _, problems = load_and_validate(root)
    (err,) = problems.errors
    assert (err.loc.file, err.loc.line) == ("booklet.yml", line) and "as_of" in err.what


def test_the_as_of_date_is_part_of_the_build_fingerprint():
    base = {"pdf": False, "variant": None, "site": None, "internal": None}
    a = fingerprint(REPO, {**base, "as_of": None})
    b = fingerprint(REPO, {**base, "as_of": "2017-05-01"})
    assert a != b and a.split("-")[0] == b.split("-")[0]


def test_nothing_in_booklet_reads_the_clock_for_output():
    clock = re.compile(r"date\.today|datetime\.now|time\.time\(\)")
    found = {p.relative_to(REPO / "booklet").as_posix()
             for p in (REPO / "booklet").rglob("*.py") if clock.search(p.read_text(encoding="utf-8"))}
    # cache eviction by age only (which cached files to delete), never output
    assert found <= {"render/cache.py", "render/manifest.py"}, found


def test_the_printed_summary_says_data_as_of_the_as_of_date(tmp_path):
    from booklet.build import prepare
    from booklet.render.env import make_env
    from booklet.render.plan import plan_documents
    from booklet.render.write import render_html

    ctx = prepare(REPO, site_dir=tmp_path / "site", internal_dir=tmp_path / "internal",
                  pdf=True, as_of=date(2017, 7, 1))
    (doc,) = [d for d in plan_documents(ctx) if d.kind == "summary"
              and d.rel.stem.startswith("hutang-2017-2017-Q2")]
    html = render_html(make_env(REPO), doc)
    assert "数据截至2017年7月1日" in html
