"""Issue 11: a mutation test over the shipped example files (booklet.yml,
rubrics/*.yml, assessments/**). Each mutant is one file with one edit — a
line deleted, duplicated or re-indented, a value swapped for an odd one
(YAML 1.1 booleans, times, octal/hex, dates in other spellings, huge and tiny
numbers, tags, aliases, merge keys, control and bidi characters), another
encoding, a byte flipped — loaded, validated and scored in-process.

Asserted for every mutant: no internal error (only collected problems or a
BookletError), every problem names a file, no mutant takes long, and no item
score falls outside 0..points (bonuses granted outside the
item's cap aside).

A fixed seed; FUZZ_COUNT mutants (default 300 in CI; `make fuzz` runs more,
`make fuzz FUZZ_COUNT=5000`), FUZZ_SEED to explore another sequence.
"""
from __future__ import annotations

import os
import random
import shutil
import time
from decimal import Decimal
from pathlib import Path

import pytest

from booklet.annex.load import load_annex
from booklet.build import score
from booklet.errors import BookletError, Problems
from booklet.load import (_load_file, build_config, build_record, build_rubric, load_project,
                          record_files)
from booklet.model import Project
from booklet.validate import validate_project

REPO = Path(__file__).resolve().parents[1]
COUNT = int(os.environ.get("FUZZ_COUNT", "300"))
SEED = int(os.environ.get("FUZZ_SEED", "20170305"))
SLOW = 10.0                   # seconds: a mutant slower than this is a hang, not a check

ODD_VALUES = [
    "no", "yes", "off", "on", "y", "~", "null", "", "true", "22:30", "190:20:30", "010", "0x1F",
    "0o17", "1_000", "2017-03-05", "2018-3-12", "2018/3/12", "2018年3月12日", '"2017-03-26"',
    "2018-2-30", "2017-13-01", "20180312", "-1", "0", "-0.5", "99999", "1e30", "1.0e+999999999",
    "1e-999999999", "9" * 5000, "1" * 29, ".inf", "-.inf", ".nan", "0.1234567890123",
    "!!bool maybe", "!!timestamp x", "!!binary aGk=", "!!python/name:os.system", "!custom 1",
    "&r [*r]", "*nowhere", "[]", "{}", "[1, [2, [3]]]", "{<<: {a: 1}}", '"\\u202e反向"',
    "a\u202eb", "x\u200by", "\x07", "'unterminated", "[1, 2", "２０１７-03-05", "９５．５",
]
LINE_INSERTS = ["<<: {x: 1}", "extra: 1", "- 1", "  nested: [", "\t- tab", "&a x: *a", "? [a]\n: 1"]


def _files() -> list[Path]:
    files = [REPO / "booklet.yml"] + sorted((REPO / "rubrics").glob("*.yml"))
    files += sorted(p for p in (REPO / "assessments").rglob("*.yml"))
    return files


def mutate(raw: bytes, rng: random.Random) -> bytes:
    text = raw.decode("utf-8")
    lines = text.split("\n")
    op = rng.randrange(10)
    i = rng.randrange(len(lines))
    if op <= 3:                                            # a value swapped for an odd one
        candidates = [n for n, line in enumerate(lines) if ": " in line or line.lstrip().startswith("- ")]
        if candidates:
            i = rng.choice(candidates)
        line = lines[i]
        value = rng.choice(ODD_VALUES)
        if ": " in line:
            lines[i] = line.split(": ", 1)[0] + ": " + value
        else:
            lines[i] = line[: len(line) - len(line.lstrip())] + "- " + value
    elif op == 4:
        del lines[i]
    elif op == 5:
        lines.insert(i, lines[i])
    elif op == 6:
        lines[i] = " " * rng.choice([1, 2, 3, 4]) + lines[i]
    elif op == 7:
        lines.insert(i, rng.choice(LINE_INSERTS))
    elif op == 8:                                          # another encoding or a cut
        how = rng.choice(["utf-16", "gbk", "bom", "cut"])
        if how == "bom":
            return b"\xef\xbb\xbf" + raw
        if how == "cut":
            return raw[: rng.randrange(len(raw) + 1)]
        return text.encode(how, errors="replace")
    else:                                                  # a byte flipped
        data = bytearray(raw)
        if data:
            j = rng.randrange(len(data))
            data[j] ^= 1 << rng.randrange(8)
        return bytes(data)
    return "\n".join(lines).encode("utf-8")


@pytest.fixture(scope="module")
def baseline():
    project, problems = load_project(REPO)
    assert project is not None and not problems.errors, problems.report()
    return project


def _check_problems(problems: Problems, rel: str) -> None:
    for p in problems.items:
        assert p.loc.file, f"{rel}: a problem names no file: {p.format()}"
        assert "内部错误" not in p.what, p.format()


def _check_scores(project: Project) -> None:
    """Inside its points: the item's score without the bonuses the seed grants
    outside the item's cap (`added`: seed 000 item 11 scores 10.5 of 10)."""
    for result in score(project):
        for it in result.items:
            if it.points is not None:
                inside = it.score - it.added
                assert Decimal(0) <= inside <= it.points, (result.unit_id, it.item_id, it.score)


def run_mutant(rel: str, data: bytes, base: Project, work: Path) -> None:
    """Load, validate and score the project with one file replaced by `data`."""
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    path = work / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    problems = Problems()
    config, rubrics, records, annex = base.config, dict(base.rubrics), [], base.annex
    try:
        if rel == "booklet.yml":
            config = _load_file(path, work, "booklet", build_config, problems)
            records = base.records[::40]
        elif rel.startswith("rubrics/"):
            rubric = _load_file(path, work, "rubric", build_rubric, problems)
            rid = Path(rel).stem
            rubrics.pop(rid, None)
            if rubric is not None:
                rubrics[rubric.id] = rubric
            records = [r for r in base.records if r.rubric == rid][:6]
        elif rel.startswith("assessments/annex/"):
            annex, annex_problems = load_annex(work, base.config)
            problems.extend(annex_problems)
            parts = rel.split("/")      # assessments/annex/[<year>/]<unit>/<form>.yml
            unit = parts[3] if parts[2].isdigit() else parts[2]
            records = [r for r in base.records if r.unit == unit][:4]
        else:
            record = _load_file(path, work, "record", build_record, problems)
            records = [record] if record is not None else []
        if config is None:
            _check_problems(problems, rel)
            return
        project = Project(root=str(work), config=config, rubrics=rubrics, records=records,
                          annex=annex)
        validate_project(project, problems)
        _check_problems(problems, rel)
        if not problems.errors:
            _check_scores(project)
    except BookletError as e:
        _check_problems(e.problems, rel)


def test_mutants_of_the_example_get_messages_not_crashes(baseline, tmp_path):
    rng = random.Random(SEED)
    files = _files()
    assert len(files) > 100
    slowest = (0.0, "")
    for n in range(COUNT):
        path = rng.choice(files)
        rel = path.relative_to(REPO).as_posix()
        data = mutate(path.read_bytes(), rng)
        start = time.perf_counter()
        try:
            run_mutant(rel, data, baseline, tmp_path / "w")
        except AssertionError as e:
            raise AssertionError(f"mutant {n} of {rel} (seed {SEED}):\n{data[:400]!r}\n{e}") from None
        except Exception as e:
            raise AssertionError(f"internal error on mutant {n} of {rel} (seed {SEED}): "
                                 f"{type(e).__name__}: {e}\n{data[:400]!r}") from e
        took = time.perf_counter() - start
        slowest = max(slowest, (took, rel))
        assert took < SLOW, f"mutant {n} of {rel} took {took:.1f}s"


def test_record_files_of_the_example_are_all_fuzzed():
    files = {p.relative_to(REPO).as_posix() for p in _files()}
    assert {p.relative_to(REPO).as_posix() for p in record_files(REPO)} <= files
    assert any(f.startswith("assessments/annex/") for f in files)
