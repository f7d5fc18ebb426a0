"""The rule kind registry (booklet/scoring/kinds.py) is the one list of rule
kinds: the JSON Schema and docs/formats.md must name exactly its kinds, and a
kind registered here alone is loaded, validated, scored and described."""
from __future__ import annotations

import json
import re
from dataclasses import fields
from decimal import Decimal as D
from pathlib import Path

import pytest

from booklet.errors import Problems
from booklet.load import build_rubric
from booklet.model import Finding, Record, Rule, Unit
from booklet.scoring import score_record
from booklet.scoring.items import IN, OUT, SET, ZEROING, RuleError
from booklet.scoring.kinds import KINDS, RULE_FIELDS, Part, RuleKind, kind_of
from booklet.site.rules import describe_rule
from booklet.validate import check_rubric

ROOT = Path(__file__).resolve().parent.parent
COMMON = {"id", "kind", "text", "cap", "per", "applies_to", "loc"}


def schema_rule() -> dict:
    schema = json.loads((ROOT / "schema" / "rubric.schema.json").read_text(encoding="utf-8"))
    return schema["$defs"]["rule"]


def docs_table() -> dict[str, str]:
    """kind → its `fields` cell, from the rule table of docs/formats.md."""
    text = (ROOT / "docs" / "formats.md").read_text(encoding="utf-8")
    section = text[text.index("### Rules"):text.index("### Scoring of one item")]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
        if cells and re.fullmatch(r"`\w+`", cells[0]):
            rows[cells[0].strip("`")] = cells[1]
    return rows


def test_schema_lists_exactly_the_registry_kinds():
    assert schema_rule()["properties"]["kind"]["enum"] == list(KINDS)


def test_docs_list_exactly_the_registry_kinds_with_their_fields():
    table = docs_table()
    assert list(table) == list(KINDS)
    for name, kind in KINDS.items():
        documented = set(re.findall(r"`(\w+)", table[name])) & set(RULE_FIELDS)
        assert documented == set(kind.fields), name


def test_every_kind_field_is_a_rule_field_in_model_schema_and_loader():
    model = {f.name for f in fields(Rule)}
    schema = set(schema_rule()["properties"])
    assert set(RULE_FIELDS) | {"id", "kind", "text", "loc"} == model
    assert set(RULE_FIELDS) | {"id", "kind", "text"} == schema
    for name, kind in KINDS.items():
        assert set(kind.fields) | set(kind.required) <= set(RULE_FIELDS), name
        assert set(kind.required) <= set(kind.fields), name
        assert kind.slot in (IN, OUT, SET, ZEROING), name
        assert kind.title and kind.explain, name


def test_an_unknown_kind_is_refused_when_scored():
    with pytest.raises(RuleError, match="未知的规则类型"):
        kind_of(Rule(id="a", kind="nonesuch", text=""))


# ------------------------------------------------------------ a kind added in a test


def _halve(rule: Rule, f: Finding, scope) -> list[Part]:
    """“按实测值的一半扣分”: minus value / 2."""
    return [Part(-(f.value / 2), note="按一半计")]


HALVE = RuleKind(
    "halve", "减半扣分", "按实测值的一半扣分。", effect=_halve,
    describe=lambda rule: ["实测值的一半"], fields=("step",), required=("step",),
    finding_needs=lambda rule: ("value",))


@pytest.fixture
def halve(monkeypatch):
    monkeypatch.setitem(KINDS, "halve", HALVE)


def _rubric(**rule):
    return build_rubric({
        "id": "t", "title": "测试", "scale": 10,
        "sections": [{"title": "一", "points": 10, "items": [
            {"number": 1, "points": 10, "rules": [{"id": "h", "text": "按实测值的一半扣分", **rule}]},
        ]}],
    }, "rubrics/t.yml")


def test_a_registered_kind_is_loaded_validated_scored_and_described(halve):
    rubric = _rubric(kind="halve", step=1)
    rule = rubric.items[0].rules[0]
    assert rule.kind == "halve" and rule.step == D(1)

    problems = Problems()
    check_rubric(rubric, problems)
    assert not problems.items

    record = Record(rubric="t", unit="u", period="2017", kind="assessment", date=None,
                    findings=[Finding(rule="h", item="1", value=D(3))])
    res = score_record(rubric, Unit(id="u", name="单位", kind="社区"), record)
    (a,) = res.items[0].adjustments
    assert (a.kind, a.amount, a.note) == ("halve", D("-1.5"), "按一半计")
    assert res.total == D("8.5")
    assert describe_rule(rule) == "减半扣分：实测值的一半"


def test_a_registered_kind_s_required_field_is_checked(halve):
    problems = Problems()
    check_rubric(_rubric(kind="halve"), problems)
    assert [p.code for p in problems.items] == ["rule-field"]
    assert "缺少 step" in problems.items[0].what
