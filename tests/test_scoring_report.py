"""fmt_points, and the table / JSON / CSV / explain forms of `booklet score`."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from booklet.model import Calendar, Veto
from booklet.scoring import fmt_points, score_project
from booklet.scoring.fmt import fmt_signed, json_number
from booklet.scoring.report import (csv_cell, render_csv, render_explain, render_json,
                                    render_table)
from booklet.textfmt import width
from scoring_fixtures import D, finding, item, project, record, rubric, rule, unit

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("value, text", [
    (D("2"), "2"), (D("2.00"), "2"), (D("0.5"), "0.5"), (D("0.50"), "0.5"),
    (D("13.25"), "13.25"), (D("1E+2"), "100"), (D("-1.5"), "-1.5"), (D("-0"), "0"),
    (D("0.005"), "0.01"), (D("15.555"), "15.56"), (D("0.1") + D("0.2"), "0.3"),
    (D(1) / D(3), "0.33"), (D(0), "0"), (None, ""), (7, "7"),
])
def test_fmt_points(value, text):
    assert fmt_points(value) == text


def test_fmt_points_refuses_float():
    with pytest.raises(TypeError):
        fmt_points(0.1)


def test_signed_and_json_number():
    assert (fmt_signed(D(2)), fmt_signed(D("-1.5")), fmt_signed(D(0))) == ("+2", "-1.5", "0")
    assert json_number(D("2.00")) == 2 and isinstance(json_number(D("2.00")), int)
    assert json.dumps(json_number(D("0.1") + D("0.2"))) == "0.3"
    assert json.dumps(json_number(D("13.255"))) == "13.26"
    assert json_number(None) is None


def test_width_counts_wide_characters():
    assert width("新华社区") == 8 and width("a1") == 2 and width("（3）") == 5


# ------------------------------------------------------------ a small project

def sample():
    rub = rubric([
        item("1", 3, [rule("leader", "earn", "…“一把手”负责、亲自抓得2分", amount=2)], basis="earned",
             title="加强组织领导"),
        item("6", 24, [rule("no-patrol", "deduct", "每发现1次没有开展巡逻的扣 5分，扣完为止",
                            amount=5, per="次")], title="巡逻防范日常化"),
    ], id="hutang-2017", title="2017年度湖塘镇群防群治考核细则",
        calendar=Calendar(inspection="monthly", assessment="quarterly"),
        vetoes=[Veto("4", "（4）、被媒体曝光造成严重影响的。")],
        veto_effect={"grade": "一票否决", "rank": "last"})
    recs = [
        record("xinhua", "2017-Q1", [finding("1", "leader", reason="书记任组长")],
               rubric="hutang-2017", self_findings=[finding("1", "leader")]),
        record("xinhua", "2017-02", [finding("6", "no-patrol", count=1, reason="2月16日暗访未见巡逻")],
               rubric="hutang-2017", kind="inspection"),
        record("renmin", "2017-Q1", [finding("1", "leader")], rubric="hutang-2017",
               vetoes=[("4", "市电视台曝光")]),
        record("a", "2017-Q1", [], rubric="hutang-2017"),
    ]
    units = [unit("xinhua", "新华社区"), unit("renmin", "人民社区"), unit("a", "府前社区")]
    return project([rub], recs, units)


def test_table_aligns_chinese():
    p = sample()
    out = render_table([r for r in score_project(p) if r.period == "2017-Q1"], p.rubrics)
    lines = out.splitlines()
    assert lines[0] == "2017年度湖塘镇群防群治考核细则（hutang-2017） · 2017年第一季度（共3个单位）"
    assert lines[1].split() == ["排名", "单位", "总分", "自评", "等次", "一票否决"]
    body = lines[3:]
    # every row's total ends in the same display column
    ends = {width(l[: l.index(t) + len(t)]) for l, t in zip(body, ["24", "21", "26"])}
    assert len(ends) == 1, out
    assert body[2].split() == ["3", "人民社区", "26", "一票否决", "（4）"]


def test_json_shape():
    data = json.loads(render_json(score_project(sample())))
    x = next(r for r in data if r["unit"] == "xinhua" and r["period"] == "2017-Q1")
    for key in ("rubric", "period", "unit", "unit_name", "total", "self_total", "grade",
                "vetoed", "vetoes", "rank", "rank_of", "items"):
        assert key in x
    assert (x["total"], x["self_total"], x["rank"], x["rank_of"]) == (21, 26, 2, 3)
    i6 = x["items"][1]
    assert {"number", "points", "score", "self_score", "adjustments"} <= set(i6)
    (a,) = i6["adjustments"]
    assert {"rule", "kind", "amount", "reason", "date", "origin"} <= set(a)
    assert (a["rule"], a["kind"], a["amount"], a["origin"]) == ("no-patrol", "deduct", -5, "2017-02")
    r = next(r for r in data if r["unit"] == "renmin" and r["period"] == "2017-Q1")
    assert r["vetoed"] and r["vetoes"] == [{"id": "4", "text": "（4）、被媒体曝光造成严重影响的。",
                                            "reason": "市电视台曝光", "derived": False}]
    assert r["grade"] == "一票否决"


def test_csv_has_chinese_headers():
    p = sample()
    text = render_csv([r for r in score_project(p) if r.period == "2017-Q1"], p.rubrics)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:14] == ["考核细则", "期间", "排名", "单位编号", "单位", "总分", "自评总分",
                            "扣分合计", "失分合计", "等次", "一票否决", "否决情形", "上期总分", "变化"]
    assert rows[0][14:] == ["第1项", "第6项"]
    assert rows[3][2:6] == ["3", "renmin", "人民社区", "26"] and rows[3][10] == "是"


@pytest.mark.parametrize("value, text", [
    ("=1+1", "'=1+1"), ("+cmd", "'+cmd"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("新华社区", "新华社区"), ("-1.5", "-1.5"), ("+2", "+2"),
    (D("-1.50"), "-1.5"), (None, ""), (3, "3"), ("", ""),
])
def test_csv_cell_guards_formulas_but_not_numbers(value, text):
    assert csv_cell(value) == text


def test_cli_csv_guards_formula_looking_names():
    p = sample()
    p.config.units[0].name = '=HYPERLINK("http://x","y")'
    text = render_csv(score_project(p), p.rubrics)
    names = [row[4] for row in csv.reader(io.StringIO(text))][1:]
    assert """'=HYPERLINK("http://x","y")""" in names
    assert not any(n.startswith("=") for n in names)


def test_explain_trail():
    p = sample()
    res = [r for r in score_project(p) if r.unit_id == "xinhua" and r.period == "2017-Q1"]
    out = render_explain(res, p.rubrics)
    assert "新华社区（xinhua） · 2017年度湖塘镇群防群治考核细则 · 2017年第一季度" in out
    assert "第6项 巡逻防范日常化（分值24分）：得 19 分" in out
    assert "-5    【no-patrol】每发现1次没有开展巡逻的扣 5分，扣完为止" in out
    assert "事由：2月16日暗访未见巡逻" in out
    assert "来自2017年2月" in out and "记录 assessments/hutang-2017/2017-02/xinhua.yml:10:5" in out
    assert "自评 2 分" in out


# ------------------------------------------------------------ the command

def run(args, monkeypatch, proj=None):
    import booklet.commands.score as score_cmd
    if proj is not None:
        monkeypatch.setattr(score_cmd, "load_or_stop", lambda root, **kw: (proj, None))
        from booklet.scoring import score_project
        monkeypatch.setattr(score_cmd, "score", lambda project: score_project(project))  # no annex
    return CliRunner().invoke(score_cmd.command, args, catch_exceptions=False)


def test_command_formats(monkeypatch):
    p = sample()
    r = run(["--period", "2017-Q1"], monkeypatch, p)
    assert r.exit_code == 0 and "排名" in r.output and "人民社区" in r.output
    r = run(["--format", "json", "--unit", "新华社区"], monkeypatch, p)
    data = json.loads(r.output)
    assert {d["period"] for d in data} == {"2017-Q1", "2017"}
    r = run(["--format", "csv"], monkeypatch, p)
    assert r.stdout_bytes.startswith(b"\xef\xbb\xbf") and "总分".encode() in r.stdout_bytes
    r = run(["--explain", "xinhua", "--period", "2017-Q1"], monkeypatch, p)
    assert "第6项" in r.output and "等次" not in r.output.split("\n")[1]


def test_command_unknown_unit_or_rubric(monkeypatch):
    r = run(["--unit", "nobody"], monkeypatch, sample())
    assert r.exit_code == 2 and "没有单位 nobody" in r.output
    r = run(["--rubric", "nope"], monkeypatch, sample())
    assert r.exit_code == 2 and "没有考核细则 nope" in r.output


def test_command_on_example_project():
    if not (ROOT / "booklet.yml").is_file() or not (ROOT / "rubrics").is_dir():
        pytest.skip("no example project")
    from booklet.commands.score import command
    r = CliRunner().invoke(command, ["--format", "json", str(ROOT)], catch_exceptions=False)
    if r.exit_code != 0:
        pytest.skip(f"example project does not load right now: {r.output[:200]}")
    data = json.loads(r.stdout)
    assert data and all(isinstance(d["total"], (int, float)) for d in data)
