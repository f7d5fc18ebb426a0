"""Scores derived from the annex data for rubric hutang-2017 (seed 001):
item 2 加强队伍建设 and veto 15(1) from 附件2 花名册, item 5 治安巡防全覆盖 and
veto 15(2) from 附件3 执勤排班表. Worked examples, computed by hand in the comments."""
from __future__ import annotations

import zlib
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from booklet.annex.derive import (derive_findings, due_periods, filing_deadline,
                                  filing_statuses)
from booklet.annex.load import load_annex
from booklet.build import load_and_validate
from booklet.load import load_rubric_file
from booklet.model import Config, Project, Record, Unit
from booklet.scoring.record import score_record

from conftest import REPO

UNITS = [Unit(id=u, name=f"{u}社区", kind="社区") for u in ("a", "b", "c")]
CONFIG = Config(office="湖塘镇综治办", title="t", year=2017, units=UNITS, assign=[])
LATE_2018 = date(2018, 3, 1)      # all of 2017's deadlines have passed


@pytest.fixture(scope="module")
def rubric():
    r, problems = load_rubric_file(REPO / "rubrics" / "hutang-2017.yml", REPO)
    assert r is not None, problems.report()
    return r


def members(prefix: str, n: int) -> str:
    return "\n".join(
        f'          - {{name: {prefix}{i}, age: 40, phone: "139000{zlib.crc32(prefix.encode()) % 100:02d}{i:03d}", '
        f'role: {"队长" if i == 0 else "队员"}, address: 某路{i}号}}' for i in range(n))


def roster(unit: str, teams: list[tuple[str, str, int]]) -> str:
    out = [f"unit: {unit}", "teams:"]
    for k, (name, type_, n) in enumerate(teams):
        out += [f"  - name: {name}", f"    type: {type_}", "    members:", members(f"{unit}{k}人", n)]
    return "\n".join(out) + "\n"


def duty(unit: str, filings: dict[str, str | None]) -> str:
    out = [f"unit: {unit}", "filings:"]
    for period, filed in filings.items():
        out += [f'  - period: "{period}"', f"    filed: {filed or 'null'}", "    rows: []"]
    return "\n".join(out) + "\n"


def project(tmp_path: Path, rubric, files: dict[str, str]) -> Project:
    for rel, text in files.items():
        p = tmp_path / "assessments" / "annex" / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    annex, problems = load_annex(tmp_path, CONFIG)
    assert not problems.errors, problems.report()
    return Project(root=str(tmp_path), config=CONFIG, rubrics={rubric.id: rubric}, records=[],
                   annex=annex)


def score(proj: Project, rubric, unit: str, period: str, as_of=LATE_2018):
    """(decisive findings, vetoes), result. The notices for a form the unit
    lacks (keeps_typed, count 0: the typed findings still count) are left out
    of the findings and checked in test_a_missing_form_leaves_a_notice."""
    d = derive_findings(proj, rubric, proj.config.unit(unit), period, as_of=as_of)
    rec = Record(rubric=rubric.id, unit=unit, period=period, kind="assessment", date=None)
    decisive = [f for f in d[0] if not f.keeps_typed]
    return (decisive, d[1]), score_record(rubric, proj.config.unit(unit), rec, derived=d, period=period)


# ---------------------------------------------------------------- item 2, veto 15(1)

def test_item2_full_with_extras_capped_at_13(tmp_path, rubric):
    # 专职化队伍 3 人 (≥3) + 社会化队伍 10 人 and 12 人 (two ≥10): 基本分 7.
    # Extra teams of other types with ≥10 members, each type once:
    #   楼道长 10 ✓, 楼道长 11 (same type: not again), 党员先锋队 9 (<10 ✗),
    #   社区义工队 10 ✓, 物业保安队 10 ✓, 居民代表 10 ✓  → 4 types × 2 = 8.
    # 7 + 8 = 15, item 2 is worth 13 → 13.
    proj = project(tmp_path, rubric, {"a/roster.yml": roster("a", [
        ("专职队", "专职化队伍", 3), ("志愿一队", "社会化队伍", 10), ("志愿二队", "社会化队伍", 12),
        ("东楼道长", "楼道长", 10), ("西楼道长", "楼道长", 11), ("党员队", "党员先锋队", 9),
        ("义工队", "社区义工队", 10), ("保安队", "物业保安队", 10), ("代表队", "居民代表", 10)])})
    (findings, vetoes), result = score(proj, rubric, "a", "2017-Q1")
    assert not vetoes
    by_rule = {f.rule: f for f in findings}
    assert set(by_rule) == {"base-teams", "extra-team"}
    assert by_rule["extra-team"].count == 4
    for f in findings:
        assert f.item == "2"
        assert f.reason.startswith("根据附件2花名册计算") and ".yml" not in f.reason
        assert f.loc.file == "assessments/annex/a/roster.yml" and f.loc.line > 0
    assert "同类型队伍不重复计分" in by_rule["extra-team"].reason
    assert "不足10人" in by_rule["extra-team"].reason
    item2 = result.item("2")
    assert item2.score == Decimal(13)
    assert all(a.derived for a in item2.adjustments)
    assert not result.vetoed


def test_item2_base_only(tmp_path, rubric):
    # 专职化 5, 社会化 10 + 10, a third 社会化队伍 of 15 is the same type (not an extension) → 7.
    proj = project(tmp_path, rubric, {"a/roster.yml": roster("a", [
        ("专职队", "专职化队伍", 5), ("一队", "社会化队伍", 10), ("二队", "社会化队伍", 10),
        ("三队", "社会化队伍", 15)])})
    (findings, vetoes), result = score(proj, rubric, "a", "2017-Q2")
    # base-teams earns 7; extra-team is decided by the roster as 0 (no extension)
    assert [(f.rule, f.count) for f in findings] == [("base-teams", None), ("extra-team", 0)]
    assert not vetoes
    assert result.item("2").score == Decimal(7)


def test_veto_1_when_the_base_teams_are_missing(tmp_path, rubric):
    # 专职化队伍 only 2 人 (<3), 社会化队伍 10 and 9 (only one ≥10): 15(1) vetoes.
    # The 楼道长 team of 10 still earns its 2 (item 2 = 2), but the result is vetoed.
    proj = project(tmp_path, rubric, {"b/roster.yml": roster("b", [
        ("专职队", "专职化队伍", 2), ("一队", "社会化队伍", 10), ("二队", "社会化队伍", 9),
        ("楼道长队", "楼道长", 10)])})
    (findings, vetoes), result = score(proj, rubric, "b", "2017-Q1")
    assert [v.condition for v in vetoes] == ["1"]
    reason = vetoes[0].reason
    assert "根据附件2花名册" in reason and "仅2人" in reason and "仅9人" in reason
    # base-teams is decided as not met (count 0, explained), extra-team earns 2
    assert [(f.rule, f.count) for f in findings] == [("base-teams", 0), ("extra-team", 1)]
    assert "不得基本分" in findings[0].reason
    assert result.item("2").score == Decimal(2)
    assert result.vetoed and result.vetoes[0].id == "1" and result.vetoes[0].derived


def test_no_annex_or_other_rubric_derives_nothing(tmp_path, rubric):
    proj = project(tmp_path, rubric, {"a/roster.yml": roster("a", [("专职队", "专职化队伍", 2)])})
    # unit c has no annex data: hutang-2017 says `missing: assessor`, so only
    # zero notices (the typed findings decide) and no veto
    findings, vetoes = derive_findings(proj, rubric, "c", "2017-Q1")
    assert vetoes == []
    assert [(f.item, f.rule, f.count, f.keeps_typed) for f in findings] == [
        ("2", "base-teams", 0, True), ("2", "extra-team", 0, True), ("5", "roster-late", 0, True)]
    assert findings[0].reason == "没有附件2花名册：本规则按考核记录中填写的计分。"   # no path (issue 15)
    other, _ = load_rubric_file(REPO / "rubrics" / "longhutang.yml", REPO)
    proj.rubrics[other.id] = other
    assert derive_findings(proj, other, "a", "2013-Q1") == ([], [])


# ---------------------------------------------------------------- item 5, veto 15(2)

def test_deadlines_are_the_25th_of_the_even_month_before_the_period():
    assert filing_deadline("2017-03/04") == date(2017, 2, 25)
    assert filing_deadline("2017-11/12") == date(2017, 10, 25)
    assert filing_deadline("2018-01/02") == date(2017, 12, 25)
    assert filing_deadline("2017-01/02") == date(2016, 12, 25)
    assert due_periods(2017) == ["2017-03/04", "2017-05/06", "2017-07/08", "2017-09/10",
                                 "2017-11/12", "2018-01/02"]


FILINGS = {
    "2017-01/02": "2016-12-28",   # late, but due in 2016: not counted in 2017
    "2017-03/04": "2017-02-25",   # due 2月25日, filed on the 25th: on time
    "2017-05/06": "2017-04-26",   # due 4月25日: 迟报
    # 2017-07/08 missing            due 6月25日: 漏报
    "2017-09/10": None,           # due 8月25日, filed: null: 漏报
    "2017-11/12": "2017-10-20",   # due 10月25日: on time
    "2018-01/02": "2017-12-26",   # due 12月25日: 迟报
}


@pytest.mark.parametrize("period, count, item5, vetoed", [
    # Q1: deadline 2月25日 met → nothing; item 5 stays at 5.
    ("2017-Q1", 0, 5, False),
    # Q2: 4月25日 迟报 + 6月25日 漏报 = 2 → 5 − 2×2 = 1; 2 in the year: no veto.
    ("2017-Q2", 2, 1, False),
    # Q3: 8月25日 漏报 = 1 → 5 − 2 = 3; the year's count reaches 3 → 15(2).
    ("2017-Q3", 1, 3, True),
    # Q4: 10月25日 on time, 12月25日 迟报 = 1 → 3; 4 in the year → 15(2).
    ("2017-Q4", 1, 3, True),
    # A monthly period holds the deadlines of its month: June → 6月25日 漏报.
    ("2017-06", 1, 3, False),
])
def test_item5_and_veto_2_worked_example(tmp_path, rubric, period, count, item5, vetoed):
    proj = project(tmp_path, rubric, {"a/duty.yml": duty("a", FILINGS)})
    (findings, vetoes), result = score(proj, rubric, "a", period)
    late = [f for f in findings if f.rule == "roster-late"]
    assert sum(f.count for f in late) == count
    assert result.item("5").score == Decimal(item5)
    assert [v.condition for v in vetoes] == (["2"] if vetoed else [])
    for f in late:
        assert f.item == "5" and f.loc.file == "assessments/annex/a/duty.yml"
        assert f.reason.startswith("根据附件3执勤排班表计算") and ".yml" not in f.reason
        assert all(a.derived for a in result.item("5").adjustments)
    if period == "2017-Q2":
        assert "2017年5—6月的执勤排班表应于2017年4月25日前报备，实际2017年4月26日报备（迟报）" in late[0].reason
        assert "2017年7—8月的执勤排班表应于2017年6月25日前报备，没有报备记录（漏报）" in late[0].reason
        assert late[0].loc.line == 9          # the 2017-05/06 filing
    if vetoed:
        assert "3次及以上" in vetoes[0].reason and result.vetoed and result.vetoes[0].derived


def test_item5_not_below_zero(tmp_path, rubric):
    # Nothing filed at all. Q4 has 2 deadlines (10月25日, 12月25日) → 5 − 2×2 = 1,
    # and the year's count is 6 → 15(2). The year itself has 6 → 5 − 12 → 0 (扣完为止).
    proj = project(tmp_path, rubric, {"a/duty.yml": duty("a", {})})
    (_, vetoes), result = score(proj, rubric, "a", "2017-Q4")
    assert result.item("5").score == Decimal(1) and vetoes
    (_, _), result = score(proj, rubric, "a", "2017")
    assert result.item("5").score == Decimal(0)


def test_deadlines_not_yet_passed_are_not_missed(tmp_path, rubric):
    # As of 2017-05-01 only 2月25日 (on time) and 4月25日 (迟报, filed 4月26日) are due.
    proj = project(tmp_path, rubric, {"a/duty.yml": duty("a", FILINGS)})
    statuses = {s.period: s.status for s in
                filing_statuses(proj.annex["a"].duty, 2017, as_of=date(2017, 5, 1))}
    assert statuses["2017-03/04"] == "按时" and statuses["2017-05/06"] == "迟报"
    assert statuses["2017-07/08"] == "未到期" and statuses["2017-09/10"] == "未到期"
    (findings, _), result = score(proj, rubric, "a", "2017-Q2", as_of=date(2017, 5, 1))
    assert findings[0].count == 1 and result.item("5").score == Decimal(3)


# ---------------------------------------------------------------- the example town

@pytest.fixture(scope="module")
def town():
    from booklet.scoring import score_project
    proj, problems = load_and_validate(REPO)
    assert proj is not None and not problems.errors, problems.report()
    return proj, score_project(proj, derive=derive_findings)


def _result(results, unit, period):
    return next(r for r in results if r.rubric_id == "hutang-2017" and r.unit_id == unit
                and r.period == period)


def test_example_town_vetoes_and_late_filings(town):
    proj, results = town
    # hutang-02: 专职化队伍 of 2, second 社会化队伍 of 8 → 15(1) in every quarter and the year.
    for period in ("2017-Q1", "2017-Q2", "2017-Q3", "2017-Q4", "2017"):
        r = _result(results, "hutang-02", period)
        assert any(v.id == "1" and v.derived for v in r.vetoes), period
    # hutang-03: 3—4月 filed 2月28日 (迟报, Q1), 7—8月 not filed (漏报, Q2),
    # 9—10月 filed 8月27日 (迟报, Q3): item 5 = 3 in Q1..Q3; 15(2) from Q3 on.
    for period, vetoed in (("2017-Q1", False), ("2017-Q2", False), ("2017-Q3", True),
                           ("2017-Q4", True)):
        r = _result(results, "hutang-03", period)
        assert any(v.id == "2" for v in r.vetoes) == vetoed, period
    assert [_result(results, "hutang-03", p).item("5").score
            for p in ("2017-Q1", "2017-Q2", "2017-Q3", "2017-Q4")] == [3, 3, 3, 5]
    # hutang-04: 5—6月 filed on 4月25日 itself (on time); 11—12月 filed 10月27日 (迟报, Q4).
    assert [_result(results, "hutang-04", p).item("5").score
            for p in ("2017-Q1", "2017-Q2", "2017-Q3", "2017-Q4")] == [5, 5, 5, 3]
    adj = _result(results, "hutang-04", "2017-Q4").item("5").adjustments[0]
    assert adj.derived and "根据附件3执勤排班表" in adj.reason
    assert adj.source.file == "assessments/annex/2017/hutang-04/duty.yml"


def test_a_duty_file_of_another_year_is_not_read_as_all_missing(tmp_path, rubric):
    # duty.yml records 2017 (the project's year); a 2018 period gets nothing from it,
    # rather than six 漏报.
    proj = project(tmp_path, rubric, {"a/duty.yml": duty("a", FILINGS)})
    findings, vetoes = derive_findings(proj, rubric, "a", "2018-Q2", as_of=date(2019, 1, 1))
    assert vetoes == [] and not any(f.rule == "roster-late" for f in findings)


def test_annex_replaces_typed_findings_of_the_same_rule(tmp_path):
    """A record that also types item 2 for a unit with a roster must not count
    twice: the roster (附件2) decides, and every item-2 point is derived."""
    import shutil
    from booklet.annex.derive import derive_findings
    from booklet.build import load_and_validate
    from booklet.scoring import score_project

    repo = Path(__file__).resolve().parents[1]
    root = tmp_path / "town"
    shutil.copytree(repo, root, ignore=shutil.ignore_patterns(".venv", ".git", "site", "build", ".booklet-cache", "__pycache__"))
    rec = root / "assessments/hutang-2017/2017-Q1/hutang-02.yml"
    text = rec.read_text(encoding="utf-8")
    text = text.replace("findings:\n", "findings:\n  - {item: 2, rule: base-teams, reason: 手工填写}\n"
                        "  - {item: 2, rule: extra-team, count: 3, reason: 手工填写}\n", 1)
    rec.write_text(text, encoding="utf-8")
    project, problems = load_and_validate(root)
    assert not problems.errors, problems.report()
    results = score_project(project, derive=derive_findings)
    (r,) = [x for x in results if x.unit_id == "hutang-02" and x.period == "2017-Q1"]
    item2 = r.item("2")
    assert item2.adjustments and all(a.derived for a in item2.adjustments)
    assert item2.score == 0          # its roster misses the base requirement (15(1))
    assert not any(a.reason == "手工填写" for a in item2.adjustments)


def test_validate_warns_when_a_typed_finding_is_decided_by_the_annex(tmp_path):
    import shutil
    from booklet.build import load_and_validate

    repo = Path(__file__).resolve().parents[1]
    root = tmp_path / "town"
    shutil.copytree(repo, root, ignore=shutil.ignore_patterns(".venv", ".git", "site", "build", ".booklet-cache", "__pycache__"))
    rec = root / "assessments/hutang-2017/2017-Q1/hutang-02.yml"
    text = rec.read_text(encoding="utf-8")
    rec.write_text(text.replace("findings:\n", "findings:\n  - {item: 2, rule: base-teams}\n", 1), encoding="utf-8")
    _, problems = load_and_validate(root)
    assert not problems.errors
    (w,) = [p for p in problems.warnings if p.code == "annex-decides"]
    assert w.loc.file == "assessments/hutang-2017/2017-Q1/hutang-02.yml"
    assert "附件2花名册" in w.what and "不计分" in w.what
