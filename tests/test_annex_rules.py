"""Annex-decided rules come from the rubric's `annex` block, never from a
rubric's id, file name or seed: a town's renamed copy of the 2017 rules scores
exactly as the original. Worked examples from the example town's annex data
(assessments/annex/2017/hutang-0N/)."""
from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from booklet.build import load_and_validate, score

from conftest import REPO, copy_example


def rename_rules(root: Path, new_id: str = "niutang-2018") -> None:
    """What a town does: copy hutang-2017.yml to its own name, give it its
    own id, drop `source`, and point booklet.yml and the records at it."""
    old = root / "rubrics" / "hutang-2017.yml"
    text = old.read_text(encoding="utf-8")
    text = text.replace("id: hutang-2017\n", f"id: {new_id}\n", 1)
    text = re.sub(r"^source: .*\n", "", text, count=1, flags=re.M)
    assert f"id: {new_id}" in text and "source:" not in text
    old.unlink()
    (root / "rubrics" / f"{new_id}.yml").write_text(text, encoding="utf-8")
    cfg = root / "booklet.yml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("rubric: hutang-2017", f"rubric: {new_id}"),
                   encoding="utf-8")
    recs = root / "assessments" / "hutang-2017"
    for p in recs.rglob("*.yml"):
        p.write_text(p.read_text(encoding="utf-8").replace("rubric: hutang-2017", f"rubric: {new_id}"),
                     encoding="utf-8")
    recs.rename(root / "assessments" / new_id)


def scored(root: Path, rubric_id: str):
    project, problems = load_and_validate(root)
    assert project is not None and not problems.errors, problems.report()
    return {(r.unit_id, r.period): r for r in score(project) if r.rubric_id == rubric_id}, problems


@pytest.fixture(scope="module")
def original():
    return scored(REPO, "hutang-2017")[0]


def test_a_renamed_copy_of_the_2017_rules_scores_exactly_as_the_original(tmp_path, original):
    root = copy_example(tmp_path)
    rename_rules(root)
    copy, _ = scored(root, "niutang-2018")
    assert set(copy) == set(original) and len(copy) == 44 * 5
    for key, a in original.items():
        b = copy[key]
        assert b.total == a.total, key
        assert b.self_total == a.self_total, key
        assert [v.id for v in b.vetoes] == [v.id for v in a.vetoes], key
        for ia, ib in zip(a.items, b.items):
            assert (ib.item_id, ib.score, ib.self_score) == (ia.item_id, ia.score, ia.self_score), key
            assert ([(x.rule_id, x.amount, x.derived) for x in ib.adjustments]
                    == [(x.rule_id, x.amount, x.derived) for x in ia.adjustments]), (key, ia.item_id)
    # and the annex data does decide in the copy: hutang-02's 专职化队伍 of 2 and
    # 社会化队伍 of 8 miss the requirement (15(1)); hutang-03 filed 3—4月 on 2月28日
    # (after 2月25日: 迟报, 5 − 2 = 3 in Q1)
    assert any(v.id == "1" and v.derived for v in copy[("hutang-02", "2017-Q1")].vetoes)
    q1 = copy[("hutang-03", "2017-Q1")].item("5")
    assert q1.score == Decimal(3) and q1.adjustments[0].derived


def test_the_declared_parameters_decide(tmp_path, original):
    # hutang-03's 专职巡防队 has 3 members: with min_size 5 the requirement fails
    # (15(1)); with deadline_day 28 its 3—4月 schedule filed on 2月28日 is on time.
    root = copy_example(tmp_path)
    path = root / "rubrics" / "hutang-2017.yml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("{type: 专职化队伍, count: 1, min_size: 3}", "{type: 专职化队伍, count: 1, min_size: 5}")
    text = text.replace("deadline_day: 25", "deadline_day: 28")
    path.write_text(text, encoding="utf-8")
    results, _ = scored(root, "hutang-2017")
    assert not any(v.id == "1" for v in original[("hutang-03", "2017-Q1")].vetoes)
    r = results[("hutang-03", "2017-Q1")]
    assert any(v.id == "1" and "不足5人" in v.reason for v in r.vetoes)
    assert original[("hutang-03", "2017-Q1")].item("5").score == Decimal(3)
    assert r.item("5").score == Decimal(5)


def test_a_rubric_without_an_annex_block_takes_nothing_from_annexes(tmp_path, original):
    root = copy_example(tmp_path)
    path = root / "rubrics" / "hutang-2017.yml"
    text = path.read_text(encoding="utf-8")
    start, end = text.index("annex:\n"), text.index("# Row 15 一票否决")
    text = text[:start] + text[end:]
    text = text.replace("auto: {annex: roster}\n", "\n").replace("auto: {annex: duty, min_missed: 3}\n", "\n")
    path.write_text(text, encoding="utf-8")
    results, problems = scored(root, "hutang-2017")
    r = results[("hutang-02", "2017-Q1")]
    assert not any(v.derived for v in r.vetoes)
    assert not any(a.derived for it in r.items for a in it.adjustments)
    # the rosters and schedules of hutang-01..05 are now read by no rule
    unread = [w for w in problems.warnings if w.code == "annex-unread"]
    assert len(unread) == 10
    assert any(w.loc.file == "assessments/annex/2017/hutang-02/roster.yml" and "附件2花名册没有任何考核规则读取" in w.what
               for w in unread)


def test_self_assessment_is_scored_with_the_annex_rules(original):
    # hutang-03 2017-Q2 assesses itself with no item-2 finding (its note says
    # the roster is filed); its roster earns 7 + 1 × 2 = 9 and decides its
    # self-assessment as well: 自评 9, not 0. Item 5: 7—8月 not filed (漏报 by
    # 6月25日): 5 − 2 = 3 in both columns.
    r = original[("hutang-03", "2017-Q2")]
    item2, item5 = r.item("2"), r.item("5")
    assert item2.score == Decimal(9) and item2.self_score == Decimal(9) and not item2.differs
    assert item5.score == Decimal(3) and item5.self_score == Decimal(3)


def test_validate_names_the_units_that_lack_the_annex_data():
    _, problems = load_and_validate(REPO)
    lacking = [w for w in problems.warnings if w.code == "annex-lacking"]
    # hutang-06 … hutang-44 (39 units) have neither a roster nor a schedule
    assert len(lacking) == 2
    roster = next(w for w in lacking if "附件2花名册" in w.what)
    assert roster.loc.file == "rubrics/hutang-2017.yml" and roster.loc.line > 0
    assert "等39个单位" in roster.what and "文华社区" in roster.what
    assert "按考核记录中填写的计分" in roster.what


def test_a_missing_form_leaves_the_typed_findings_with_the_reason_in_the_trail(original):
    # hutang-33 has no annex data: item 2 is what the assessor typed (7 + 3 × 2),
    # each line saying why
    item2 = original[("hutang-33", "2017-Q1")].item("2")
    assert item2.score == Decimal(13)
    assert [a.derived for a in item2.adjustments] == [False, False]
    assert all("没有附件2花名册：本规则按考核记录中填写的计分。" in a.note
               for a in item2.adjustments)


def test_missing_empty_judges_a_unit_without_a_roster_as_having_no_teams(tmp_path):
    root = copy_example(tmp_path)
    path = root / "rubrics" / "hutang-2017.yml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("    missing: assessor\n", "    missing: empty\n", 1)   # roster only
    path.write_text(text, encoding="utf-8")
    results, _ = scored(root, "hutang-2017")
    r = results[("hutang-33", "2017-Q1")]
    assert r.item("2").score == 0
    (veto,) = [v for v in r.vetoes if v.id == "1"]
    assert veto.derived and "没有附件2花名册，按没有队伍计算" in veto.reason
    assert "assessments/" not in veto.reason                  # published: no path (issue 15)


@pytest.mark.parametrize("edit, what", [
    # the late rule must count (per 次)
    ('late: {item: "5", rule: roster-late}', 'late: {item: "1", rule: staff-in-charge}'),
    # veto 1 judged by a roster requirement the rubric does not declare
    ("  roster:\n    teams:", "  rosterx:\n    teams:"),
])
def test_a_wrong_annex_declaration_is_an_error_with_its_line(tmp_path, edit, what):
    root = copy_example(tmp_path)
    path = root / "rubrics" / "hutang-2017.yml"
    text = path.read_text(encoding="utf-8")
    assert edit in text
    path.write_text(text.replace(edit, what, 1), encoding="utf-8")
    _, problems = load_and_validate(root)
    errs = [e for e in problems.errors if e.loc.file == "rubrics/hutang-2017.yml"]
    assert errs and all(e.loc.line > 0 for e in errs)
    assert any(e.code in ("annex-rule", "schema-additionalProperties") for e in errs)


def test_no_rubric_id_file_or_seed_name_decides_scoring():
    """No name of the example or seed 001 is a value the code that loads,
    checks and scores a project works with: such words occur there only in
    docstrings and help texts, never in a comparison, a constant or a call.
    (The verbs are not scoring: `booklet init --empty` copies hutang-2017 by
    default, a choice of file, not of score.)"""
    import ast
    pattern = re.compile(r"hutang|SEED_001|001_")
    pkg = REPO / "booklet"
    files = [*pkg.glob("*.py"), *(pkg / "scoring").rglob("*.py"), *(pkg / "annex").rglob("*.py")]
    assert pkg / "annex" / "derive.py" in files and pkg / "scoring" / "record.py" in files
    for p in sorted(files):
        tree = ast.parse(p.read_text(encoding="utf-8"))
        allowed: set[int] = set()
        for node in ast.walk(tree):
            body = getattr(node, "body", None)
            if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                    and isinstance(body[0].value, ast.Constant):
                allowed.add(id(body[0].value))                   # a docstring
            if isinstance(node, ast.keyword) and node.arg == "help":
                allowed.update(id(n) for n in ast.walk(node.value))
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and pattern.search(node.id):
                raise AssertionError(f"{p}:{node.lineno}: {node.id}")
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and pattern.search(node.value) and id(node) not in allowed:
                raise AssertionError(f"{p}:{node.lineno}: {node.value!r}")
