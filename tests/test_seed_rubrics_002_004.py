"""The rubrics encoding seeds 002 (社区（村）2022), 003 (常德市住建局 2017) and
004 (派出所 社区治安防范考核标准) against the seeds.

Every number below was read by hand from the seed text and is written here as
a literal with the seed's wording beside it, so a change to the YAML that
drifts from the source fails here. Texts are compared with the seed dumps
themselves with all whitespace removed on both sides (the dumps separate
cells by tabs, spaces and blank lines, and break words across lines:
封|闭小区, 大型公共场|所). A verbatim copy of the seeds is kept in
tests/data/seeds/.

The YAML is read with plain yaml.safe_load; when the project loader is
available the files must also load through it without errors.
"""
from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from rubric_helpers import all_rules, items, num, squash, walk

ROOT = Path(__file__).resolve().parents[1]
RUBRICS = ROOT / "rubrics"
SEEDS = ROOT / "tests" / "data" / "seeds"

FILES = {
    "shequ-2022": ("shequ-2022.yml", "002_2de31e4dfc2daf9e.txt"),
    "changde-zjj-2017": ("changde-zjj-2017.yml", "003_11ef10d48a0a18e0.txt"),
    "paichusuo": ("paichusuo.yml", "004_d407b4c70602c625.txt"),
}

# docs/formats.md, "Rules": the rule vocabulary.
VOCABULARY = {"deduct", "zero", "earn", "shortfall", "quota", "forfeit", "trend",
              "bonus", "convert", "rank", "tiered"}

SCHEMA_LINE = "# yaml-language-server: $schema=../schema/rubric.schema.json"

NUMERIC_KEYS = {"points", "amount", "cap", "target", "step", "flat", "down", "up",
                "min", "max", "scale", "width", "bonus_cap", "min_count"}

SIGNATURE = ["单位", "考核时间", "考核人签名", "被考核单位负责人签名"]


# ------------------------------------------------------------------ helpers

def raw_yaml(rubric_id: str) -> str:
    return (RUBRICS / FILES[rubric_id][0]).read_text(encoding="utf-8")


def load(rubric_id: str) -> dict:
    return yaml.safe_load(raw_yaml(rubric_id))


def seed_text(rubric_id: str) -> str:
    path = SEEDS / FILES[rubric_id][1]
    return path.read_text(encoding="utf-8")


def item(rubric: dict, item_id: str) -> dict:
    return next(it for it in items(rubric) if it["id"] == item_id)


def rules_of(rubric: dict, item_id: str) -> dict:
    return {r["id"]: r for r in item(rubric, item_id).get("rules", [])}


def strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for k, v in node.items():
            yield str(k)
            yield from strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from strings(v)


def tier_of(rule: dict, value) -> dict:
    """The first tier (highest first) whose min ≤ value (docs/formats.md)."""
    for t in rule["tiers"]:
        if t["min"] is None or num(value) >= num(t["min"]):
            return t
    raise AssertionError("no tier")


def grade_of(rubric: dict, total) -> str:
    for g in rubric["grades"]:
        if g.get("min") is None or num(total) >= num(g["min"]):
            return g["name"]
    raise AssertionError("no grade")


@pytest.fixture(params=sorted(FILES))
def rid(request) -> str:
    return request.param


# ------------------------------------------------------------------ all three

def test_schema_line_first(rid):
    assert raw_yaml(rid).splitlines()[0] == SCHEMA_LINE


def test_identity(rid):
    r = load(rid)
    assert r["id"] == rid
    assert r["source"] == FILES[rid][1]
    assert r["signature"] == SIGNATURE
    assert r["calendar"]["assessment"] == "annual"
    assert r["calendar"]["inspection"] == "none"


def test_loads_through_project_loader(rid):
    from booklet import load as load_mod
    rubric, problems = load_mod.load_rubric_file(RUBRICS / FILES[rid][0], ROOT)
    assert rubric is not None, problems.report()
    assert not problems.errors, problems.report()
    assert rubric.id == rid
    assert rubric.signature == SIGNATURE


def test_rule_kinds_in_vocabulary(rid):
    from booklet.scoring.kinds import KINDS as RULE_KINDS
    assert set(RULE_KINDS) == VOCABULARY          # docs/formats.md and model agree
    r = load(rid)
    rules = list(all_rules(r))
    assert rules
    for it, rule in rules:
        assert rule["kind"] in VOCABULARY, (it and it["id"], rule["id"])


def test_every_item_has_rules_with_kebab_ids(rid):
    r = load(rid)
    kebab = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
    item_ids = [it["id"] for it in items(r)]
    assert len(item_ids) == len(set(item_ids))
    for it in items(r):
        assert isinstance(it["id"], str)
        ids = [rule["id"] for rule in it.get("rules", [])]
        assert ids, f"item {it['id']} has no rules"
        assert len(ids) == len(set(ids)), it["id"]
        for i in ids:
            assert kebab.match(i), i
    rubric_ids = [rule["id"] for key in ("bonuses", "extra_deductions")
                  for rule in r.get(key) or []]
    assert len(rubric_ids) == len(set(rubric_ids))
    for i in rubric_ids:
        assert kebab.match(i), i


def test_numbers_are_plain_numbers(rid):
    r = load(rid)
    for path, key, value in walk(r):
        if key in NUMERIC_KEYS and value is not None:
            assert isinstance(value, (int, float)) and not isinstance(value, bool), path
        if key == "range":
            assert len(value) == 2 and all(
                isinstance(v, (int, float)) and not isinstance(v, bool) for v in value), path
            assert value[0] <= value[1], path


def test_rule_fields_match_kind(rid):
    r = load(rid)
    for it, rule in all_rules(r):
        k = rule["kind"]
        where = (it and it["id"], rule["id"])
        assert rule.get("text"), where
        if k in ("deduct", "earn", "bonus"):
            assert ("amount" in rule) != ("range" in rule), where
        if k == "shortfall":
            assert {"target", "step", "amount"} <= set(rule), where
        if k == "rank":
            assert {"amount", "group_by"} <= set(rule), where
        if k == "tiered":
            assert rule["tiers"] and rule["tiers"][-1]["min"] is None, where
        if it is not None and it.get("points") is not None and "range" in rule:
            assert num(rule["range"][1]) <= num(it["points"]), where


def test_texts_verbatim_in_seed(rid):
    seed = squash(seed_text(rid))
    r = load(rid)
    assert squash(r["title"]) in seed
    for s in r["sections"]:
        assert squash(s["title"]) in seed, s["title"]
        if s.get("label"):
            assert squash(s["label"]) in seed, s["label"]
    for it in items(r):
        for key in ("title", "requirement", "standard"):
            if it.get(key):
                assert squash(it[key]) in seed, (it["id"], key)
        for key, value in (it.get("fields") or {}).items():
            assert squash(value) in seed, (it["id"], key)
    for it, rule in all_rules(r):
        assert squash(rule["text"]) in seed, (it and it["id"], rule["id"])
    for key in ("vetoes", "grade_conditions", "grades"):
        for x in r.get(key) or []:
            if x.get("text"):
                assert squash(x["text"]) in seed, (key, x.get("id") or x.get("name"))
    for para in (r.get("intro") or "").split("\n\n"):
        assert squash(para) in seed, para


def test_documented_warnings_have_chinese_text(rid):
    r = load(rid)
    codes = [w["code"] for w in r["warnings"]]
    assert len(codes) == len(set(codes))
    for w in r["warnings"]:
        assert re.search(r"[\u4e00-\u9fff]", w["text"]), w["code"]


# ------------------------------------------------------------------ seed 002

# 序号 1 特殊群体 has 7 sub-matters (涉毒人员 … 艾滋病人), 6 安全工作 has 9
# (安全生产 … 应急救援); 2, 3, 4, 5, 7 have none.
SHEQU_SECTIONS = [
    (1, "特殊群体", ["涉毒人员", "严重精神病人", "邪教人员", "社区矫正人员",
                     "刑满释放人员", "问题青少年", "艾滋病人"]),
    (2, "防电信诈骗", [None]),
    (3, "禁毒工作", [None]),
    (4, "多元化解", [None]),
    (5, "维稳工作", [None]),
    (6, "安全工作", ["安全生产", "食品安全", "消防安全", "农村道路安全", "防汛",
                     "地质灾害", "铁路安全", "防灾减灾", "应急救援"]),
    (7, "综合", [None]),
]


def test_shequ_structure():
    r = load("shequ-2022")
    assert r["mode"] == "deduction_only"
    assert r["scale"] is None
    assert r["year"] == 2022
    assert r["assesses"] == ["社区", "村"]
    assert r["orientation"] == "portrait"
    assert [(s["number"], s["title"]) for s in r["sections"]] == [
        (n, t) for n, t, _ in SHEQU_SECTIONS]
    ids = []
    for s, (n, _, subs) in zip(r["sections"], SHEQU_SECTIONS):
        assert s["points"] is None
        assert [it.get("title") for it in s["items"]] == subs
        for k, it in enumerate(s["items"], 1):
            assert it["points"] is None
            assert it["number"] == n          # the merged 序号 cell of the matter
            assert it["id"] == (f"{n}.{k}" if subs != [None] else str(n))
            ids.append(it["id"])
    assert len(ids) == 21


def test_shequ_columns():
    r = load("shequ-2022")
    # 序号 · 考核事项 · (sub-matter, no header in the dump) · 工作要求 · 扣分标准, + 扣分
    assert [(c["key"], c["header"]) for c in r["columns"]] == [
        ("number", "序号"), ("section", "考核事项"), ("title", ""),
        ("requirement", "工作要求"), ("standard", "扣分标准"), ("deducted", "扣分")]
    assert sum(num(c["width"]) for c in r["columns"]) == 156


def test_shequ_rules():
    r = load("shequ-2022")
    # 1.1: 未建立或台账信息不全扣1分，不按期开展走访每次扣1分。
    one = rules_of(r, "1.1")
    assert (one["no-ledger"]["amount"], one["no-ledger"].get("per")) == (1, None)
    assert (one["missed-visit"]["amount"], one["missed-visit"]["per"]) == (1, "次")
    # 1.2: …未签订监护责任书扣1分。
    assert rules_of(r, "1.2")["no-guardian-agreement"]["amount"] == 1
    # 1.3–1.7: 对…情况不清楚、脱管扣2分。
    for i in ("1.3", "1.4", "1.5", "1.6", "1.7"):
        assert rules_of(r, i)["lost-track"]["amount"] == 2, i
    # 2: 每月未开展宣传、摸排相关工作，每次扣1分。
    assert (rules_of(r, "2")["no-monthly-work"]["amount"],
            rules_of(r, "2")["no-monthly-work"]["per"]) == (1, "次")
    # 3: …未及时发现制毒案件扣10分。
    assert rules_of(r, "3")["drug-lab-missed"]["amount"] == 10
    # 5: 出现一起到省上访扣3分，出现一起进京上访扣5分。
    five = rules_of(r, "5")
    assert (five["petition-province"]["amount"], five["petition-province"]["per"]) == (3, "起")
    assert (five["petition-beijing"]["amount"], five["petition-beijing"]["per"]) == (5, "起")
    # 6.1: 发生一起较大安全事故扣5分。
    assert (rules_of(r, "6.1")["major-accident"]["amount"],
            rules_of(r, "6.1")["major-accident"]["per"]) == (5, "起")
    # 6.5: 未落实值班值守扣2分，…扣1分，…扣1分，…扣1分。
    assert [x["amount"] for x in rules_of(r, "6.5").values()] == [2, 1, 1, 1]
    # 7: 资料报送不及时每次扣0.5分，…未上墙扣2分，被县级通报扣2分，被县级以上通报扣5分。
    seven = rules_of(r, "7")
    assert [(x["amount"], x.get("per")) for x in seven.values()] == [
        (0.5, "次"), (2, None), (2, None), (5, None)]
    # deduction-only: nothing but deductions
    assert {rule["kind"] for _, rule in all_rules(r)} == {"deduct"}


def test_shequ_every_deduction_sentence_encoded():
    """Each 扣X分 clause of a 扣分标准 has a rule (count of 扣 in the text)."""
    r = load("shequ-2022")
    for it in items(r):
        clauses = re.findall(r"扣\d+(?:\.\d+)?分", it["standard"])
        assert len(clauses) == len(it["rules"]), it["id"]


def test_shequ_typos_kept():
    r = load("shequ-2022")
    # printed so in the seed, kept verbatim (warning typos-kept)
    assert "外来行迹可以人口" in item(r, "2")["requirement"]
    assert "，，" in item(r, "5")["standard"]
    assert "物质保管" in item(r, "6.9")["standard"]
    assert any(w["code"] == "typos-kept" for w in r["warnings"])


# ------------------------------------------------------------------ seed 003

# 三、工作重点及考评细则（100分）: （一）履职情况（25分） （二）重点领域风险防控（40分）
# （三）民意调查情况(20分) （四）属地管理情况（15分）
CHANGDE_SECTIONS = [
    ("履职情况", 25, {"1": 25}),
    ("重点领域风险防控", 40, {
        "2.1": 6,      # 1.群体性事件（6分）
        "2.2": 3,      # 2.危害国家安全案（事）件（3分）
        "2.3": 3,      # 3.网络舆情应对管理（3分）
        "2.4": 3,      # 4.邪教组织人员案（事）件（3分）
        "2.5": 10,     # 5.建设无上访村（社区）：…（10分）
        "2.6.1": 3,    # 6.交通安全（5分） ①道路交通安全（3分）
        "2.6.2": 1.5,  # ②高速公路交通安全（1.5分）
        "2.6.3": 0.5,  # ③水路交通安全（0.5分）
        "2.7": 4,      # 7.消防安全（4分）
        "2.8": 3,      # 8.肇事肇祸精神障碍患者救治管控（3分）
        "2.9": 3,      # 9.吸毒人员管控（3分）
    }),
    ("民意调查情况", 20, {"3": 20}),
    ("属地管理情况", 15, {
        "4.1": 10,     # 1.刑事和治安案件（10分）
        "4.2": 5,      # 2.社会治理网格化管理工作：…（5分）
    }),
]


def test_changde_sections_and_points():
    r = load("changde-zjj-2017")
    assert r["scale"] == 100                                # 三、…（100分）
    assert r["mode"] == "score"
    assert r["year"] == 2017
    assert r["assesses"] == ["局属单位"]
    total = Decimal(0)
    for s, (title, points, pts) in zip(r["sections"], CHANGDE_SECTIONS, strict=True):
        assert s["title"] == title
        assert s["points"] == points
        got = {it["id"]: it["points"] for it in s["items"]}
        assert got == pts, title
        assert sum(num(p) for p in got.values()) == points, title
        total += num(points)
    assert total == 100
    assert len(items(r)) == 15
    # 6.交通安全（5分） = ① 3 + ② 1.5 + ③ 0.5
    assert sum(num(item(r, i)["points"]) for i in ("2.6.1", "2.6.2", "2.6.3")) == 5


def test_changde_columns():
    r = load("changde-zjj-2017")
    assert r["orientation"] == "portrait"
    assert sum(num(c["width"]) for c in r["columns"]) == 156


def test_changde_section_one_rules():
    r = load("changde-zjj-2017")
    one = rules_of(r, "1")
    # 1. 视工作情况酌情扣分 → 0 … the 25 points of （一）
    assert one["duty-discretion"]["range"] == [0, 25]
    # 2. “1” 不符合工作要求的扣1分; “2” 每发现一名…扣0.5分; “3” 每发现一个体系不完善扣2分;
    #    “4” 每少开展一次扣2分; “5” 每少一支工作力量扣2分，不完善扣1分
    assert [(one[k]["amount"], one[k].get("per")) for k in (
        "office-lacking", "pledge-unsigned", "system-incomplete",
        "quarterly-review-missed", "force-missing", "force-incomplete")] == [
        (1, None), (0.5, "名"), (2, "个"), (2, "次"), (2, "支"), (1, None)]
    # 3. 每少安排部署一项创建活动扣4分，创建成效不明显的扣2分
    assert (one["campaign-missing"]["amount"], one["campaign-missing"]["per"]) == (4, "项")
    assert one["campaign-weak"]["amount"] == 2
    assert any(w["code"] == "no-item-points" for w in r["warnings"])


def test_changde_items_without_standard_are_discretionary():
    r = load("changde-zjj-2017")
    for i in ("2.1", "2.3", "2.4", "2.5", "2.6.1", "2.6.2", "2.6.3", "2.7", "2.8", "2.9", "4.2"):
        it = item(r, i)
        assert not it.get("standard"), i
        assert [(x["id"], x["kind"], x["range"]) for x in it["rules"]] == [
            ("discretion", "deduct", [0, it["points"]])], i
    assert any(w["code"] == "no-standard" for w in r["warnings"])


def test_changde_case_rules():
    r = load("changde-zjj-2017")
    # 二.2 ①…每起扣3分。②…每起扣2分。
    two = rules_of(r, "2.2")
    assert [(x["amount"], x["per"]) for x in two.values()] == [(3, "起"), (2, "起")]
    # 四.1 ①每起扣2分；…干部职工…每起扣4分。②每起扣5分；…每起扣10分。
    four = rules_of(r, "4.1")
    assert [(x["amount"], x["per"]) for x in four.values()] == [
        (2, "起"), (4, "起"), (5, "起"), (10, "起")]
    # 相关说明（三）：…不重复扣分，以…扣分多的一方评分为准
    assert r["incident_dedup"] is True


def test_changde_survey():
    r = load("changde-zjj-2017")
    survey = rules_of(r, "3")
    tier = survey["survey-tier"]
    assert tier["kind"] == "tiered"
    # 95分以上的为优秀，90—95分的为合格，90分（不含）—85分的为基本合格，
    # 85分（不含）以下的为不合格，对基本合格、不合格单位分别扣5分、10分
    assert [(t["min"], t["amount"], t["label"]) for t in tier["tiers"]] == [
        (95, 0, "优秀"), (90, 0, "合格"), (85, 5, "基本合格"), (None, 10, "不合格")]
    assert tier_of(tier, 100)["label"] == "优秀"
    assert tier_of(tier, 95)["label"] == "优秀"          # 以上 includes 95
    assert tier_of(tier, 94.9)["label"] == "合格"
    assert tier_of(tier, 90)["label"] == "合格"          # 90分（不含）—85分
    assert tier_of(tier, 89.9)["label"] == "基本合格"
    assert tier_of(tier, 85)["label"] == "基本合格"      # 85分（不含）以下
    assert tier_of(tier, 84.9)["label"] == "不合格"
    # ②…分别按每一人次扣2分、5分
    assert (survey["respondent-basic-pass"]["amount"], survey["respondent-basic-pass"]["per"]) == (2, "人次")
    assert (survey["respondent-fail"]["amount"], survey["respondent-fail"]["per"]) == (5, "人次")
    assert any(w["code"] == "survey-boundaries" for w in r["warnings"])


def test_changde_bonuses_and_extra_deductions():
    r = load("changde-zjj-2017")
    b = {x["id"]: x for x in r["bonuses"]}
    assert all(x["kind"] == "bonus" for x in b.values())
    # ①…视情加分，以2分为限
    assert (b["publicity"]["range"], b["publicity"]["cap"]) == ([0, 2], 2)
    # ②每篇（次）分别加3分、2分、1分（同一经验以最高加分为准）…以3分为限
    assert (b["experience-promoted"]["range"], b["experience-promoted"]["cap"],
            b["experience-promoted"]["dedupe"]) == ([1, 3], 3, "subject")
    # ③每人次分别加0.5分、1分、2分，同一起以表彰级别最高的加分为准 … 视情加分，以2分为限
    assert (b["samaritan-honoured"]["range"], b["samaritan-honoured"]["per"],
            b["samaritan-honoured"]["dedupe"]) == ([0.5, 2], "人次", "subject")
    assert (b["samaritan-support"]["range"], b["samaritan-support"]["cap"]) == ([0, 2], 2)
    # ④…视工作开展情况加分，以2分为限
    assert (b["video-network"]["range"], b["video-network"]["cap"]) == ([0, 2], 2)
    d = {x["id"]: x for x in r["extra_deductions"]}
    assert all(x["kind"] == "deduct" for x in d.values())
    # ①…每次扣0.5分，以2分为限  ②…每起案件扣0.5分，以1分为限
    assert [(x["amount"], x["per"], x["cap"]) for x in d.values()] == [
        (0.5, "次", 2), (0.5, "起", 1)]


def test_changde_grades_and_conditions():
    r = load("changde-zjj-2017")
    # 考核打分95分以上…优秀；85—95分…合格；85分以下…不合格
    assert [(g["name"], g["min"]) for g in r["grades"]] == [
        ("优秀", 95), ("合格", 85), ("不合格", None)]
    assert grade_of(r, 95) == "优秀"
    assert grade_of(r, 94.5) == "合格"
    assert grade_of(r, 85) == "合格"
    assert grade_of(r, 84.5) == "不合格"
    conds = {c["id"]: c for c in r["grade_conditions"]}
    # 1.①–⑦ 评定为不合格等次；2.①–⑥ 不得评为优秀等次
    assert [i for i in conds] == [f"1.{k}" for k in range(1, 8)] + [f"2.{k}" for k in range(1, 7)]
    for i, c in conds.items():
        if i.startswith("1."):
            assert (c["effect"], c["grade"]) == ("force", "不合格"), i
        else:
            assert (c["effect"], c["grade"]) == ("forbid", "优秀"), i
    assert conds["1.6"]["when"] == {"rank_from_bottom": 3}       # 位居后三位
    ba = conds["2.4"]["when"]["below_average"]                   # 低于…平均分
    assert rules_of(r, ba["item"])[ba["rule"]]["kind"] == "tiered"
    for i, c in conds.items():
        if i not in ("1.6", "2.4"):
            assert c["when"] == {"flag": True}, i
    # 3.符合“一票否决”情形的…按照有关“一票否决”的规定实施。
    assert [v["id"] for v in r["vetoes"]] == ["3"]
    assert r["veto_effect"] == {"grade": "不合格", "rank": "last"}


def test_changde_intro_has_no_phone_numbers():
    r = load("changde-zjj-2017")
    intro = r["intro"]
    assert intro.startswith("为进一步加强社会治安综合治理工作")
    assert intro.rstrip().endswith("三、工作重点及考评细则（100分）")
    # the 领导小组 office phone and the survey hotlines
    for phone in ("7710197", "12340"):
        assert phone not in intro
    assert not re.search(r"\d{7,}|\d{3,4}-\d{5,}", intro)
    # the office phone is nowhere in the file (not even a comment)
    assert "7710197" not in raw_yaml("changde-zjj-2017")
    # 二、组织领导 (names of officials) is not encoded
    assert "黄金陵" not in raw_yaml("changde-zjj-2017")


# ------------------------------------------------------------------ seed 004

# 一、治安管理(15分) 四、安全防范(15) 五、巡逻防控(10); 二、三 missing in the source
PAICHUSUO_SECTIONS = [
    ("一、治安管理(15分)", 15, ["1.1.1", "1.1.2", "1.1.3", "1.1.4", "1.2"]),
    ("四、安全防范(15)", 15, ["4.1", "4.2", "4.3", "4.4", "4.5", "4.6.1", "4.6.2"]),
    ("五、巡逻防控(10)", 10, ["5.1", "5.2"]),
]

# 项目 内容 标准 分值 方法 考核周期 数据来源 自评分 考核得分 备注 (the dump's header line)
PAICHUSUO_COLUMNS = [
    ("section", "项目"), ("title", "内容"), ("standard", "标准"), ("points", "分值"),
    ("method", "方法"), ("cycle", "考核周期"), ("source", "数据来源"),
    ("self_score", "自评分"), ("score", "考核得分"), ("remark", "备注")]


def test_paichusuo_sections_and_points():
    r = load("paichusuo")
    assert r["scale"] == 40                   # 15 + 15 + 10 printed; source total unknown
    assert r["mode"] == "score"
    assert r["assesses"] == ["派出所"]
    assert r["orientation"] == "landscape"
    total = Decimal(0)
    for s, (label, points, ids) in zip(r["sections"], PAICHUSUO_SECTIONS, strict=True):
        assert s["label"] == label
        assert s["points"] == points
        assert [it["id"] for it in s["items"]] == ids
        assert sum(num(it["points"]) for it in s["items"]) == points, label
        assert all(num(it["points"]) > 0 for it in s["items"]), label
        total += num(points)
    assert total == 40
    assert len(items(r)) == 14
    codes = {w["code"] for w in r["warnings"]}
    assert {"duplicated-text", "missing-sections", "web-debris", "truncated",
            "points-split"} <= codes


def test_paichusuo_columns():
    r = load("paichusuo")
    assert [(c["key"], c["header"]) for c in r["columns"]] == PAICHUSUO_COLUMNS
    assert sum(num(c["width"]) for c in r["columns"]) == 225
    seed = seed_text("paichusuo")
    assert " ".join(h for _, h in PAICHUSUO_COLUMNS) in seed
    # method / cycle / source / remark come from item fields
    keys = {k for it in items(r) for k in (it.get("fields") or {})}
    assert keys == {"method", "cycle", "source", "remark"}
    # 考核周期 as printed
    assert {it["fields"].get("cycle") for it in items(r)} == {"年考核", "季度", None}


def test_paichusuo_source_duplicated_and_debris_dropped():
    seed = seed_text("paichusuo")
    lines = seed.splitlines()
    # the dump holds the text twice: lines 3–55 and 57–109 are the same
    assert lines[2:55] == lines[56:109]
    assert seed.count("社区治安防范考核标准") == 3
    assert "保卫科工作汇报材料" in seed
    r = load("paichusuo")
    everything = list(strings(r))
    raw = raw_yaml("paichusuo")
    for debris in ("保卫科工作汇报材料", "平安建设知识竞赛", "洛浦县", "社区治安管理研究报告",
                   "农村警务室平安保护工作典型材料", "上半年治安大队工作总结"):
        assert debris not in raw, debris
        assert not any(debris in s for s in everything), debris
    # one copy: no standard is encoded twice
    stds = [it["standard"] for it in items(r) if it.get("standard")]
    assert len(stds) == len(set(stds))
    # the repeated table header is not part of any text
    for it in items(r):
        for key in ("title", "standard"):
            assert "考核周期" not in (it.get(key) or ""), it["id"]


def test_paichusuo_truncated_text_kept():
    r = load("paichusuo")
    five_two = item(r, "5.2")
    # the dump ends: …(建议局纪检监察、治安一道每月不定时抽查至少一次,未按方案落实巡逻防控
    assert five_two["fields"]["remark"].endswith("未按方案落实巡逻防控")
    assert seed_text("paichusuo").rstrip().find("未按方案落实巡逻防控") > 0
    assert any(w["code"] == "truncated" for w in r["warnings"])


def test_paichusuo_rules():
    r = load("paichusuo")
    # 一.1(1) 底数不清楚的,每处扣0.1分,未录入警综平台的,每处扣0.5分,…不符合的,每处扣0.1分
    assert [(x["amount"], x["per"]) for x in rules_of(r, "1.1.1").values()] == [
        (0.1, "处"), (0.5, "处"), (0.1, "处")]
    # 一.1(2) 旅店业治安管理信息系统达100%。每低1个百分点扣2分
    hotel = rules_of(r, "1.1.2")["hotel-system-rate"]
    assert (hotel["kind"], hotel["target"], hotel["step"], hotel["amount"], hotel["unit"]) == (
        "shortfall", 100, 1, 2, "%")
    # 一.1(3) 漏登记备案1户扣1分 … 无检查记录的,每处扣0.5分
    assert [(x["amount"], x["per"]) for x in rules_of(r, "1.1.3").values()] == [
        (1, "户"), (0.5, "处")]
    # 集中清查: 未开展的扣5分,开展效果不好的扣2分,资料收集不齐的扣2-5分
    cq = rules_of(r, "1.1.4")
    assert (cq["not-carried-out"]["amount"], cq["poor-effect"]["amount"],
            cq["records-incomplete"]["range"]) == (5, 2, [2, 5])
    # 一.2 每件扣2分 … 不落实的扣3-5分
    assert rules_of(r, "1.2")["spot-check-failed"]["range"] == [3, 5]
    # 四.5 底数不清的扣0.5-1分,…安装率达100%,少10%的,扣0.2分 (×2), …每件扣0.2分
    f = rules_of(r, "4.5")
    assert f["base-unclear"]["range"] == [0.5, 1]
    for k in ("compound-rate", "key-site-rate"):
        assert (f[k]["kind"], f[k]["target"], f[k]["step"], f[k]["amount"]) == (
            "shortfall", 100, 10, 0.2), k
    assert (f["compound-case"]["amount"], f["compound-case"]["per"]) == (0.2, "件")
    # 五.2 城区三所排位,次数最多的满分,少一次的递减0.1分
    five = rules_of(r, "5.2")
    rank = five["patrol-rank"]
    assert (rank["kind"], rank["amount"], rank["group_by"], rank["applies_to"]) == (
        "rank", 0.1, "城区所", ["城区所"])
    assert [k for k, x in five.items() if x["kind"] == "rank"] == ["patrol-rank"]
    # 每少一次扣0.2分 … 每件扣0.1分,抓获该案件现行的不扣,并加2分,非现行案件嫌疑人每名0.5分
    assert (five["patrol-shortfall"]["amount"], five["patrol-shortfall"]["per"]) == (0.2, "次")
    assert (five["preventable-case"]["amount"], five["preventable-case"]["per"]) == (0.1, "件")
    assert (five["caught-in-act"]["kind"], five["caught-in-act"]["amount"],
            five["caught-in-act"]["per"]) == ("bonus", 2, "件")
    assert (five["suspect-caught"]["kind"], five["suspect-caught"]["amount"],
            five["suspect-caught"]["per"]) == ("bonus", 0.5, "名")
    # 台帐填写不规范,录入不及时的,扣2分每处 … 数据不符的,每处扣1分
    assert (five["ledger-irregular"]["amount"], five["ledger-irregular"]["per"]) == (2, "处")
    assert (five["data-mismatch"]["amount"], five["data-mismatch"]["per"]) == (1, "处")
    # the rank rule is the only one limited to some stations
    limited = [(it["id"], x["id"]) for it, x in all_rules(r) if x.get("applies_to")]
    assert limited == [("5.2", "patrol-rank")]


def test_paichusuo_line_break_joins_only():
    """封|闭小区 and 大型公共场|所 are broken across lines in the dump; the
    rubric joins them, and the text matches the seed once whitespace goes."""
    seed = seed_text("paichusuo")
    assert "封\n\n闭小区" in seed and "大型公共场\n\n所" in seed
    r = load("paichusuo")
    assert "封闭小区发生" in item(r, "4.5")["standard"]
    assert "大型公共场所" in item(r, "5.2")["standard"]
