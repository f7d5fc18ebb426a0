"""Each known defect of the source documents (tests/data/seeds/README.md) is
handled the way docs/seed-defects.md says."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from booklet.load import load_rubric_file

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "tests" / "data" / "seeds"


def rubric(rid):
    r, problems = load_rubric_file(ROOT / "rubrics" / f"{rid}.yml", ROOT)
    assert r is not None and not problems.errors, problems.report()
    return r, problems


def codes(r):
    return {w.code for w in r.warnings}


def test_000_item_10_missing_amount_is_chosen_by_assessor_within_item_points():
    r, _ = rubric("longhutang")
    item = r.item("10")
    rule = item.rule("missing-publicity")
    assert "每缺一次的扣" in rule.text
    assert rule.range == (Decimal(0), Decimal(5)) and rule.per == "次"
    assert "missing-amount" in codes(r)


def test_000_item_11_typo_fixed_and_nothing_else():
    r, _ = rubric("longhutang")
    std = r.item("11").standard
    assert "加0.5分" in std and "加0.5今" not in std
    assert "加0.5今" in (SEEDS / "000_ec61bc566739cef7.txt").read_text(encoding="utf-8")
    assert "typo" in codes(r)


def test_000_award_bonuses_are_rubric_wide():
    r, _ = rubric("longhutang")
    amounts = sorted(b.amount for b in r.bonuses)
    assert amounts == [5, 8, 10]
    assert "先进" not in r.item("24").standard


def test_001_item_4_keeps_printed_points_and_warns_without_error():
    r, problems = rubric("hutang-2017")
    item = r.item("4")
    assert item.points == 2
    assert sorted(rule.amount for rule in item.rules) == [2, 3]
    assert "points-sum" in codes(r)


def test_001_item_15_is_four_veto_conditions():
    r, _ = rubric("hutang-2017")
    assert [v.id for v in r.vetoes] == ["1", "2", "3", "4"]
    assert r.item("15") is None
    assert r.vetoes[2].auto == {"item": "6", "rule": "no-patrol", "min_count": 4}


def test_004_one_copy_no_debris_warned():
    r, _ = rubric("paichusuo")
    text = " ".join(f"{it.title}{it.requirement}{it.standard}" for it in r.items)
    assert "保卫科工作汇报材料" not in text and "相关内容" not in text
    assert text.count("管理辖区内的重点行业、公共娱乐场所、危险物品从业单位") == 1
    assert {"duplicated-text", "missing-sections", "web-debris", "truncated"} <= codes(r)
    assert [s.points for s in r.sections] == [15, 15, 10]


@pytest.mark.parametrize("rid,printed", [("longhutang", "每降低一个百分点扣0．5分"),
                                         ("longhutang", "签订率达到98％")])
def test_fullwidth_text_kept_verbatim(rid, printed):
    r, _ = rubric(rid)
    assert any(printed in (it.requirement + it.standard) for it in r.items)


def test_fullwidth_machine_numbers_are_halfwidth():
    r, _ = rubric("longhutang")
    rule = r.item("5").rule("signing-rate")
    assert (rule.target, rule.step, rule.amount) == (Decimal(98), Decimal(1), Decimal("0.5"))
