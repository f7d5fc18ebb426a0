"""The rubrics encoding seeds 000 (龙虎塘) and 001 (湖塘镇 2017) against the seeds.

Every number below was read by hand from the seed text and is written here as
a literal with the seed's wording beside it, so a change to the YAML that
drifts from the source fails here. The texts are compared with the seed dumps
themselves (whitespace removed on both sides: the dumps break cells with tabs
and line breaks). A verbatim copy of the seeds is kept in tests/data/seeds/.
"""
from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from rubric_helpers import all_rules, items, num, squash, walk

from booklet.scoring.kinds import KINDS as RULE_KINDS

ROOT = Path(__file__).resolve().parents[1]
RUBRICS = ROOT / "rubrics"
SEEDS = ROOT / "tests" / "data" / "seeds"

FILES = {
    "longhutang": ("longhutang.yml", "000_ec61bc566739cef7.txt"),
    "hutang-2017": ("hutang-2017.yml", "001_bb18efb3631b949b.txt"),
}

# docs/formats.md, "Rules": the rule vocabulary.
VOCABULARY = {"deduct", "zero", "earn", "shortfall", "quota", "forfeit", "trend",
              "bonus", "convert", "rank", "tiered"}

SCHEMA_LINE = "# yaml-language-server: $schema=../schema/rubric.schema.json"

# The one documented typo of seed 000 (item 11) and its fix.
TYPO = "破一起刑事案件加0.5今"
TYPO_FIXED = "破一起刑事案件加0.5分"

NUMERIC_KEYS = {"points", "amount", "cap", "target", "step", "flat", "down", "up",
                "min", "max", "scale", "width", "bonus_cap", "min_count"}


# ------------------------------------------------------------------ helpers

def load(rubric_id: str) -> dict:
    path = RUBRICS / FILES[rubric_id][0]
    with path.open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def seed_text(rubric_id: str) -> str:
    path = SEEDS / FILES[rubric_id][1]
    return path.read_text(encoding="utf-8")


# ------------------------------------------------------------------ numbers read from the seeds

# Seed 000: section labels in the merged left column 组织领导（10）… and the
# 得分 column of each of the 24 rows ("2分", "3分", …).
LONGHUTANG_SECTIONS = [
    ("组织领导（10）", 10, {1: 2, 2: 3, 3: 2, 4: 3}),
    ("制度建设（10）", 10, {5: 3, 6: 3, 7: 4}),
    ("维护稳定（50）", 50, {8: 20, 9: 2, 10: 5, 11: 10, 12: 2, 13: 4, 14: 5, 15: 2}),
    ("社会管理（25）", 25, {16: 8, 17: 3, 18: 3, 19: 5, 20: 3, 21: 3}),
    ("综治宣传信息（5）", 5, {22: 1, 23: 2, 24: 2}),
]

# Seed 001: 考核指标 组织建设和工作保障（20分）… and the 分值 column
# ("3分", "13分", …), rows 1–14; row 15 is 一票否决 (not scored).
HUTANG_SECTIONS = [
    ("组织建设和工作保障（20分）", 20, {1: 3, 2: 13, 3: 2, 4: 2}),
    ("巡防情况（40分）", 40, {5: 5, 6: 24, 7: 3, 8: 3, 9: 5}),
    ("案件防范（20分）", 20, {10: 20}),
    ("提供线索破案（8分）", 8, {11: 8}),
    ("宣传工作（12分）", 12, {12: 5, 13: 3, 14: 4}),
]

SECTIONS = {"longhutang": LONGHUTANG_SECTIONS, "hutang-2017": HUTANG_SECTIONS}


# ------------------------------------------------------------------ both rubrics

@pytest.fixture(params=sorted(FILES))
def rid(request) -> str:
    return request.param


def test_schema_line_first(rid):
    first = (RUBRICS / FILES[rid][0]).read_text(encoding="utf-8").splitlines()[0]
    assert first == SCHEMA_LINE


def test_identity(rid):
    r = load(rid)
    assert r["id"] == rid
    assert r["source"] == FILES[rid][1]
    assert r["scale"] == 100
    assert r["mode"] == "score"
    assert r["assesses"] == ["社区"]
    assert r["orientation"] == "portrait"


def test_sections_and_item_points_as_printed(rid):
    r = load(rid)
    expected = SECTIONS[rid]
    assert [s["label"] for s in r["sections"]] == [lab for lab, _, _ in expected]
    total = Decimal(0)
    for s, (label, points, item_points) in zip(r["sections"], expected):
        assert s["points"] == points, label
        got = {it["number"]: it["points"] for it in s["items"]}
        assert got == item_points, label
        # the printed section total is the sum of its printed item points
        assert sum(num(p) for p in got.values()) == points, label
        total += num(s["points"])
    assert total == 100


def test_item_ids_are_numbers_as_strings(rid):
    r = load(rid)
    its = items(r)
    assert [it["id"] for it in its] == [str(n) for n in range(1, len(its) + 1)]
    assert [it["number"] for it in its] == list(range(1, len(its) + 1))


def test_rule_kinds_in_vocabulary(rid):
    assert set(RULE_KINDS) == VOCABULARY          # docs/formats.md and model agree
    r = load(rid)
    rules = list(all_rules(r))
    assert rules
    for it, rule in rules:
        assert rule["kind"] in VOCABULARY, (it and it["id"], rule["id"])


def test_rule_ids_kebab_and_unique(rid):
    r = load(rid)
    kebab = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
    for it in items(r):
        ids = [rule["id"] for rule in it.get("rules", [])]
        assert it.get("rules"), f"item {it['id']} has no rules"
        assert len(ids) == len(set(ids)), it["id"]
        for i in ids:
            assert kebab.match(i), i
    rubric_ids = [rule["id"] for key in ("bonuses", "extra_deductions")
                  for rule in r.get(key) or []]
    assert len(rubric_ids) == len(set(rubric_ids))


def test_numbers_are_plain_numbers(rid):
    r = load(rid)
    for path, key, value in walk(r):
        if key in NUMERIC_KEYS and value is not None:
            assert isinstance(value, (int, float)) and not isinstance(value, bool), path
        if key == "range":
            assert len(value) == 2 and all(
                isinstance(v, (int, float)) and not isinstance(v, bool) for v in value), path
            assert value[0] <= value[1], path


def test_columns_fit_portrait_text_area(rid):
    r = load(rid)
    widths = [num(c["width"]) for c in r["columns"]]
    assert all(w > 0 for w in widths)
    assert sum(widths) <= 156


def test_rule_fields_match_kind(rid):
    r = load(rid)
    for it, rule in all_rules(r):
        k = rule["kind"]
        where = (it and it["id"], rule["id"])
        assert rule.get("text"), where
        if k in ("deduct", "earn", "bonus"):
            assert ("amount" in rule) != ("range" in rule), where
        if k == "earn":
            assert "range" not in rule, where
        if k == "shortfall":
            assert {"target", "step", "amount"} <= set(rule), where
        if k == "trend":
            assert rule["measure"] in ("relative", "difference"), where
            assert "step" in rule, where
        if it is None:
            assert k == "bonus", where          # rubric-wide rules here are bonuses


def test_texts_verbatim_in_seed(rid):
    raw = seed_text(rid)
    seed = squash(raw)
    if rid == "longhutang":
        assert raw.count(TYPO) == 1
        seed = seed.replace(TYPO, TYPO_FIXED)
    r = load(rid)
    assert squash(r["title"]) in seed
    for s in r["sections"]:
        assert squash(s["label"]) in seed, s["label"]
        assert squash(s["title"]) in seed, s["title"]
    for it in items(r):
        for key in ("title", "requirement", "standard"):
            if it.get(key):
                assert squash(it[key]) in seed, (it["id"], key)
    for it, rule in all_rules(r):
        # a rule encoding two separate phrases joins them with "…"
        for part in rule["text"].split("…"):
            assert squash(part) in seed, (it and it["id"], rule["id"], part)
    for v in r.get("vetoes") or []:
        assert squash(v["text"]) in seed, v["id"]
    for c in r["columns"]:
        assert squash(c["header"]) in seed, c["header"]
    for line in (r.get("intro") or "").splitlines():
        assert squash(line) in seed, line


def test_headers_without_padding(rid):
    r = load(rid)
    for c in r["columns"]:
        assert not re.search(r"\s", c["header"]), c["header"]


# ------------------------------------------------------------------ seed 000

def test_longhutang_counts_and_columns():
    r = load("longhutang")
    assert len(items(r)) == 24        # 序号 1 … 24
    assert [(c["key"], c["header"]) for c in r["columns"]] == [
        ("section", "标题"), ("number", "序号"), ("requirement", "考核内容"),
        ("points", "得分"),               # 000's 得分 column shows the item's points
        ("standard", "加扣分内容"), ("deducted", "扣分"), ("added", "加分"),
        ("score", "实得分")]
    assert r["signature"] == ["单位", "考核时间", "考核人签名", "被考核社区负责人签名"]
    assert r["year"] is None
    assert r["calendar"]["inspection"] == "none"
    assert r["calendar"]["assessment"] == "annual"
    assert not r.get("intro")
    assert all(it.get("basis", "full") == "full" for it in items(r))


def test_longhutang_typo_is_the_only_fix():
    raw = seed_text("longhutang")
    r = load("longhutang")
    std = r["sections"][2]["items"][3]
    assert std["id"] == "11"
    # 加0.5今 in the seed, 加0.5分 in the rubric …
    assert TYPO in raw and TYPO_FIXED not in raw
    assert TYPO_FIXED in std["standard"] and TYPO not in std["standard"]
    # … and without the fix the text would not match the seed
    assert squash(std["standard"]) not in squash(raw)
    # the rubric says so
    assert any(w["code"] == "typo" and "加0.5今" in w["text"] for w in r["warnings"])
    # no other text of the rubric needs the fix
    everything = [it.get(k, "") for it in items(r) for k in ("requirement", "standard")]
    assert sum(TYPO_FIXED in t for t in everything) == 1
    # item 23 keeps the seed's 末报送
    assert items(r)[22]["standard"].startswith("末报送")


def test_longhutang_fullwidth_stays_in_text():
    it5 = items(load("longhutang"))[4]
    # seed: 签订率达到98％。 / 每降低一个百分点扣0．5分。
    assert "签订率达到98％" in it5["requirement"]
    assert "每降低一个百分点扣0．5分" in it5["standard"]
    rule = it5["rules"][0]
    assert rule == {"id": "signing-rate", "kind": "shortfall", "target": 98, "step": 1,
                    "amount": 0.5, "unit": "%", "text": "每降低一个百分点扣0．5分"}


def rules_of(rubric, item_id):
    it = next(i for i in items(rubric) if i["id"] == item_id)
    return {r["id"]: r for r in it["rules"]}


def test_longhutang_rules():
    r = load("longhutang")
    # 1: 无年度工作计划扣2分。无提升…实施方案扣2分。
    one = rules_of(r, "1")
    assert [(x["kind"], x["amount"]) for x in one.values()] == [("deduct", 2), ("deduct", 2)]
    # 2: …领导小组的不得分
    assert [x["kind"] for x in rules_of(r, "2").values()] == ["zero"]
    # 8: 单项考核分数折算到该项分值中。防止一起矛盾激化或非正常死亡案件的加3分。
    eight = rules_of(r, "8")
    assert eight["single-assessment"]["kind"] == "convert"
    assert eight["single-assessment"]["scale"] == 100
    assert (eight["prevent-escalation"]["kind"], eight["prevent-escalation"]["amount"],
            eight["prevent-escalation"]["per"]) == ("bonus", 3, "起")
    # 16, 18: 单项考核分数折算到该项分值中。
    for i in ("16", "18"):
        assert [x["kind"] for x in rules_of(r, i).values()] == ["convert"]
    # 11: 发案率每高于/低于上年一个百分点的扣/加0.5分; 破一起…加0.5分，重大…加1分，
    #     特大…加2分; 见义勇为…有一人加1分
    eleven = rules_of(r, "11")
    t = eleven["incidence-rate"]
    assert (t["kind"], t["measure"], t["step"], t["up"], t["down"], t["down_as_bonus"]) == (
        "trend", "difference", 1, 0.5, 0.5, True)
    assert [(x["amount"], x["per"]) for x in eleven.values() if x["kind"] == "bonus"] == [
        (0.5, "起"), (1, "起"), (2, "起"), (1, "人")]
    # 12, 14, 24: 扣1-2分
    for i, rid_ in (("12", "no-safe-family"), ("12", "no-joint-activity"),
                    ("14", "fire"), ("24", "not-as-required")):
        assert rules_of(r, i)[rid_]["range"] == [1, 2]
    # rubric-wide: 区级以上先进的加5分，市级…加8分，省级…加10分
    assert [(b["kind"], b["amount"], b["per"]) for b in r["bonuses"]] == [
        ("bonus", 5, "个"), ("bonus", 8, "个"), ("bonus", 10, "个")]
    # 24 keeps only its own sentence; the award sentence is rubric-wide
    assert items(r)[23]["standard"] == "不按要求的扣1-2分。"


def test_longhutang_missing_amount_defect():
    r = load("longhutang")
    ten = next(i for i in items(r) if i["id"] == "10")
    # seed: 每缺一次的扣，单位领导犯罪不得分，… — no amount after 扣
    assert ten["standard"].startswith("每缺一次的扣，")
    rule = rules_of(r, "10")["missing-publicity"]
    assert rule["kind"] == "deduct" and "amount" not in rule
    assert rule["per"] == "次"
    assert rule["range"] == [0, ten["points"]] == [0, 5]
    assert rule["text"] == "每缺一次的扣"
    assert any(w["code"] == "missing-amount" for w in r["warnings"])


# ------------------------------------------------------------------ seed 001

def test_hutang_counts_columns_calendar():
    r = load("hutang-2017")
    assert len(items(r)) == 14                # 序号 1 … 14 are scored
    assert [v["id"] for v in r["vetoes"]] == ["1", "2", "3", "4"]   # 15 一票否决 （1）…（4）
    assert [(c["key"], c["header"]) for c in r["columns"]] == [
        ("section", "考核指标"), ("number", "序号"), ("title", "考核要求"),
        ("points", "分值"), ("standard", "评分标准"), ("self_note", "自评情况"),
        ("self_score", "自评得分"), ("score", "实际得分")]
    # 实行月督查、季考核、年底汇总落实奖惩。
    assert r["calendar"] == {"inspection": "monthly", "assessment": "quarterly",
                             "rollup": "sum", "year_end": "average"}
    assert r["year"] == 2017
    assert r["issuer"] == "湖塘镇综治办"
    assert r["intro"].startswith("为切实加强湖塘镇社会治安防范工作")
    assert r["intro"].rstrip().endswith("四、考核内容")
    assert r["veto_effect"] == {"grade": "一票否决", "rank": "last"}
    assert r["signature"] == ["单位", "考核时间", "考核人签名", "被考核单位负责人签名"]
    for it in items(r):
        assert it.get("title") and not it.get("requirement"), it["id"]


def test_hutang_basis():
    r = load("hutang-2017")
    basis = {it["id"]: it.get("basis", "full") for it in items(r)}
    # 5: …得5分，每漏报或迟报一次，扣 2分，扣完为止; 6: …每发现1次没有开展巡逻的扣 5分
    assert {i for i, b in basis.items() if b == "full"} == {"5", "6"}


def test_hutang_rules():
    r = load("hutang-2017")
    # 2: 得基本分7分；每扩建一支队伍得2分
    two = rules_of(r, "2")
    assert (two["base-teams"]["kind"], two["base-teams"]["amount"]) == ("earn", 7)
    assert (two["extra-team"]["amount"], two["extra-team"]["per"]) == (2, "支")
    # 6: 每发现1次没有开展巡逻的扣 5分
    assert rules_of(r, "6")["no-patrol"]["amount"] == 5
    # 7: 不少于3人得1分；红袖标得1分；巡防用具得1分；检查到1次不按上述要求的，相应的项不得分:
    # one forfeit rule per 项, each naming the earn it takes back
    seven = rules_of(r, "7")
    earns = [k for k, x in seven.items() if x["kind"] == "earn"]
    assert [seven[k]["amount"] for k in earns] == [1, 1, 1]
    forfeits = [x for x in seven.values() if x["kind"] == "forfeit"]
    assert sorted(x["forfeits"] for x in forfeits) == sorted(earns)
    assert {x["text"] for x in forfeits} == {"检查到1次不按上述要求的，相应的项不得分"}
    # 8: 有计划，有记录的得1分；不少于2次的得2分，每少1次培训扣1分 (one quota rule, no
    # "+2 每年培训不少于2次" line for a unit that trained once)
    eight = list(rules_of(r, "8").values())
    assert [(x["kind"], x["amount"]) for x in eight] == [("earn", 1), ("quota", 1)]
    assert (eight[1]["target"], eight[1]["flat"], eight[1]["step"]) == (2, 2, 1)
    # 10: 每次扣2分; 持平得2.5分；每下降6%得2.5分，加满10分为止；每上升6%扣2.5分，扣完10分为止
    ten = rules_of(r, "10")
    assert (ten["media-exposure"]["amount"], ten["media-exposure"]["per"]) == (2, "次")
    for rid_ in ("property-cases", "telecom-fraud"):
        t = ten[rid_]
        assert (t["kind"], t["measure"], t["step"], t["flat"], t["down"], t["up"],
                t["min"], t["max"], t["zero_full"]) == (
            "trend", "relative", 6, 2.5, 2.5, 2.5, 0, 10, True)
    # 11: 有一起得2分，加满分8分为止
    c = rules_of(r, "11")["case-solved"]
    assert (c["amount"], c["per"], c["cap"]) == (2, "起", 8)
    # 12: 得3分；有一次得0.1分，最高得2分
    twelve = rules_of(r, "12")
    assert [(x["amount"], x.get("per"), x.get("cap")) for x in twelve.values()] == [
        (3, None, None), (0.1, "次", 2)]
    # 14: 有计划、有总结的分别得0.5分；每月有更新的得2 分，缺失一次扣0.5分；照片得1 分
    assert [(x["kind"], x["amount"]) for x in rules_of(r, "14").values()] == [
        ("earn", 0.5), ("earn", 0.5), ("earn", 2), ("deduct", 0.5), ("earn", 1)]


def test_hutang_earn_sums_against_points():
    """Maximum earnable points per item equal the printed 分值, except item 4."""
    r = load("hutang-2017")
    for it in items(r):
        if it.get("basis") != "earned":
            continue
        most = Decimal(0)          # the most the rules can earn
        open_ended = []            # counted earns without a cap (item 2: 每扩建一支)
        for rule in it["rules"]:
            if rule["kind"] == "earn":
                if "cap" in rule:
                    most += num(rule["cap"])
                elif rule.get("per"):
                    open_ended.append(num(rule["amount"]))
                else:
                    most += num(rule["amount"])
            if rule["kind"] == "trend":
                most += num(rule["max"])
            if rule["kind"] == "quota":
                most += num(rule["flat"])
        if it["id"] == "4":
            # 有专项经费保障得3分；…得2分 — but 分值 2分
            assert most == 5 and it["points"] == 2 and not open_ended
        elif open_ended:
            # 7 + 3 extra teams × 2 = 13: whole counts reach the points exactly
            assert it["id"] == "2" and most == 7 and open_ended == [2]
            assert (num(it["points"]) - most) % open_ended[0] == 0
        else:
            assert most == num(it["points"]), it["id"]
    assert any(w["code"] == "points-sum" and "第4项" in w["text"] for w in r["warnings"])


def test_hutang_vetoes():
    r = load("hutang-2017")
    v = {x["id"]: x for x in r["vetoes"]}
    assert v["1"]["auto"] == {"annex": "roster"}
    assert v["2"]["auto"] == {"annex": "duty", "min_missed": 3}   # 漏报或迟报3次（含）及以上
    # （3）、群防群治力量发现有4次（含）及以上没有开展巡逻的；
    assert v["3"]["auto"] == {"item": "6", "rule": "no-patrol", "min_count": 4}
    assert rules_of(r, v["3"]["auto"]["item"])[v["3"]["auto"]["rule"]]["kind"] == "deduct"
    assert "auto" not in v["4"]
    assert v["1"]["text"].startswith("（1）、社区未建立")


# Scoring phrases of a standard that no rule text holds, and why.
UNRULED = {
    ("hutang-2017", "5"): "至各辖区派出所得5分",     # basis full: the item starts at its 5 points
    ("hutang-2017", "10"): "得20分",                # 全年零发案，得20分: zero_full on both trends
}


def test_every_scoring_phrase_has_a_rule(rid):
    """Each clause of a standard that scores (…X分, 不得分) is the text of a rule."""
    r = load(rid)
    rubric_texts = [squash(b["text"]) for b in r.get("bonuses") or []]
    for it in items(r):
        texts = [squash(p) for x in it["rules"] for p in x["text"].split("…")]
        texts += rubric_texts
        for frag in re.split(r"[。；，,(]", squash(it["standard"])):
            if not re.search(r"\d分|不得分", frag):
                continue
            if any(frag in t for t in texts):
                continue
            assert frag.endswith(UNRULED.get((rid, it["id"]), "\0")), (it["id"], frag)


# ------------------------------------------------------------------ the project loader

def test_project_loader_reports_no_errors(rid):
    """booklet.load reads the rubric (schema + meaning checks) without errors."""
    from booklet.load import load_rubric_file
    rubric, problems = load_rubric_file(RUBRICS / FILES[rid][0], ROOT)
    assert not problems.errors, problems.report()
    assert rubric is not None and rubric.id == rid
    expected = SECTIONS[rid]
    assert len(rubric.items) == sum(len(pts) for _, _, pts in expected)
    assert [s.points for s in rubric.sections] == [Decimal(p) for _, p, _ in expected]
    assert all(isinstance(it.points, Decimal) for it in rubric.items)
    assert all(r.kind in RULE_KINDS for it in rubric.items for r in it.rules)
    assert rubric.signature[0] == "单位" and len(rubric.signature) == 4
