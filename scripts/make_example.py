#!/usr/bin/env python3
"""Generate the example project: booklet.yml and assessments/<rubric>/… .

    python scripts/make_example.py            # (re)write the example files
    python scripts/make_example.py --summary  # … and print the scores per period

Everything is fictional (communities, names, cases) and seeded with
random.Random(2017): running the script twice gives identical files. It
rewrites booklet.yml, assessments/<rubric-id>/ of the five example rubrics and
its own photos under assessments/photos/; it never touches assessments/annex/.

The example town is 湖塘镇 (44 communities, rubric hutang-2017): twelve monthly
inspections (kind: inspection) and four quarterly assessments per community.
Smaller sets exercise the other rubrics: 龙虎塘街道 (longhutang, 2013),
communities and villages (shequ-2022, base 100), the units of 常德市住建局
(changde-zjj-2017) and six police stations (paichusuo, 2017).

Cases the tests rely on (the constants below the hutang header; --summary
prints every total, rank, grade, veto and tie):
  hutang-37  veto 3 (auto): 4 findings “没有开展巡逻” in the inspections of Q3
             (2017-07 twice: hutang-37.yml and the re-check hutang-37.02.yml)
  hutang-26  one “没有开展巡逻” per quarter: no quarter is vetoed, the year is
  hutang-21  veto 4 (record `vetoes:`) in Q2: 被媒体曝光, with a media-exposure finding
  hutang-33  全年零发案: both case counts 0 in every quarter (item 10 = 20)
  hutang-08 / hutang-19  the same total in Q2 (a tie: hutang-19 Q2 reuses the
             random stream of hutang-08 Q2)
  hutang-13, hutang-29, hutang-40  weak communities (60s–70s)
  hutang-05 (Q2: 5起), hutang-17 (Q4: 4起)  item 11 over / at its cap 加满分8分为止
  hutang-12 (Q3), hutang-31 (Q1)  item 12 photo-adopted over its cap 最高得2分
  hutang-03, -09, -15, -27, -36  self-assessments (Q2, Q4) that claim more than
             the assessors gave; other units with id divisible by 3 hand in
             self-assessments equal to the assessors' findings
  hutang-06 (2017-03), hutang-11 (2017-05)  findings with a photo
  hutang-01 … hutang-05  (annex data elsewhere) get no roster-late findings and
             full item 2, so findings derived from the annex cannot double-count
"""
from __future__ import annotations

import argparse
import copy
import random
import shutil
import struct
import sys
import zlib
from datetime import date
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SEED = 2017
RECORD_HEADER = "# yaml-language-server: $schema=../../../schema/record.schema.json\n"
CONFIG_HEADER = "# yaml-language-server: $schema=schema/booklet.schema.json\n"
RUBRICS = ("hutang-2017", "longhutang", "shequ-2022", "changde-zjj-2017", "paichusuo")
PHOTO_DIR = "assessments/photos"

# ====================================================================== YAML


class _Dumper(yaml.SafeDumper):
    """Block style with list items indented under their key."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)


def _str(dumper, s: str):
    """Ids that look like numbers ("6", "1.1") in double quotes, as docs/formats.md writes them."""
    if s.replace(".", "").isdigit():
        return dumper.represent_scalar("tag:yaml.org,2002:str", s, style='"')
    return dumper.represent_str(s)


_Dumper.add_representer(str, _str)


def _num(x):
    """Plain YAML numbers: 2 not 2.0, 0.5 not 0.5000001."""
    if isinstance(x, float):
        r = round(x, 2)
        return int(r) if r == int(r) else r
    return x


def _clean(obj):
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items() if v is not None}
    if isinstance(obj, list):
        return [_clean(v) for v in obj]
    return _num(obj)


def dump(obj) -> str:
    return yaml.dump(_clean(obj), Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     default_flow_style=False, width=4096)


class Writer:
    def __init__(self, root: Path):
        self.root = root
        self.counts: dict[str, int] = {}

    def record(self, rec: dict, suffix: str = "") -> None:
        rel = Path("assessments") / rec["rubric"] / rec["period"] / f"{rec['unit']}{suffix}.yml"
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(RECORD_HEADER + dump(rec), encoding="utf-8")
        self.counts[rec["rubric"]] = self.counts.get(rec["rubric"], 0) + 1


# ====================================================================== names

SURNAMES = ("王李张刘陈杨黄赵吴徐孙马朱胡郭何高林罗郑梁谢宋唐韩冯邓曹彭曾肖田董袁潘蔡"
            "余杜叶程苏魏吕丁任姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段"
            "雷侯龙史陶黎贺顾毛郝龚邵万严武戴孔向汤")
GIVEN = ("建华 秀英 志强 丽华 国平 春梅 卫国 晓燕 玉兰 立新 红梅 文军 桂芳 永明 雪芳 美玲 "
         "德胜 淑珍 振华 爱萍 宏伟 巧云 海燕 长青 凤英 庆丰 家宝 翠兰 小军 婉婷 国庆 金凤 "
         "伟 敏 静 勇 军 芳 磊 洁 明 婷 涛 燕 斌 霞 平 刚 超 琳").split()

# Assessors (fictional). Their names are kept out of the leader pool.
ZZB_MAIN, ZZB_INSPECT = "周建国", "吴晓梅"
OFFICERS = {"城区片": "陈志刚", "东片": "沈卫东", "南片": "蒋海峰", "西片": "许明"}
STATION = "湖塘派出所"


class NamePool:
    def __init__(self, rng: random.Random, taken=()):
        self.rng = rng
        self.used = set(taken)

    def __call__(self) -> str:
        while True:
            name = self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)
            if name not in self.used:
                self.used.add(name)
                return name


HUTANG_GROUPS = [
    ("城区片", "府前 新华 人民 花园 锦绣 文华 长虹 星河 聚湖 御城 恒利 阳光".split()),
    ("东片", "东方 东兴 新阳 朝阳 泰山 永安 兴隆 凤凰 云龙 清潭 东湖".split()),
    ("南片", "南湖 南苑 荷花 金桥 广福 太平 和平 延政 桃园 双桥".split()),
    ("西片", "西林 西湖 青云 华阳 龙溪 柳塘 白云 古方 新安 光明 翠竹".split()),
]
LHT_NAMES = "龙湖 新龙 塘北 春风 百丈 汤庄 岳庄 薛巷".split()
SQ_UNITS = [("sq-01", "城关社区", "社区"), ("sq-02", "河西社区", "社区"), ("sq-03", "滨江社区", "社区"),
            ("cun-01", "杨柳村", "村"), ("cun-02", "金竹村", "村"), ("cun-03", "桥头村", "村")]
ZJJ_UNITS = [
    ("zjj-01", "常德市建设工程质量安全监督站"),
    ("zjj-02", "常德市房地产管理处"),
    ("zjj-03", "常德市住房保障服务中心"),
    ("zjj-04", "常德市城市燃气管理处"),
    ("zjj-05", "常德市建筑业管理处"),
    ("zjj-06", "常德市建设工程造价管理站"),
    ("zjj-07", "常德市墙体材料改革办公室"),
    ("zjj-08", "常德市城市建设档案馆"),
]
PCS_UNITS = [
    ("pcs-01", "城东派出所", ["城区所", "一类所"]),
    ("pcs-02", "城西派出所", ["城区所", "一类所"]),
    ("pcs-03", "城南派出所", ["城区所"]),
    ("pcs-04", "河口派出所", ["一类所"]),
    ("pcs-05", "青山派出所", []),
    ("pcs-06", "白鹤派出所", []),
]

# ====================================================================== hutang

ANNEX_UNITS = {f"hutang-{i:02d}" for i in range(1, 6)}   # annex data by another engineer
WEAK = {"hutang-13": 0.34, "hutang-29": 0.3, "hutang-40": 0.36}
AUTO_VETO_Q3 = "hutang-37"
YEAR_VETO = "hutang-26"
MEDIA_VETO = "hutang-21"
ZERO_CASES = "hutang-33"
TIE = ("hutang-08", "hutang-19")      # Q2: the second copies the first's numbers
CASE_CAP = {("hutang-05", 2): 5, ("hutang-17", 4): 4}
PHOTO_CAP = {("hutang-12", 3): 26, ("hutang-31", 1): 21}
SELF_DIFF = {"hutang-03", "hutang-09", "hutang-15", "hutang-27", "hutang-36"}
PHOTOS = {  # (unit, month) → (file, finding rule)
    ("hutang-06", 3): ("2017-03-hutang-06-patrol.png", "no-patrol"),
    ("hutang-11", 5): ("2017-05-hutang-11-board.png", "publicity-gap"),
}


PATROL_PLACES = ["沿河步道", "农贸市场周边", "小区东门至西门环线", "学校周边", "商业街", "老新村片区",
                 "工业园区宿舍区", "公园广场", "主干道两侧商铺"]
NO_PATROL = [
    "{m}月{d}日{h}时抽查，巡逻路线上未见队员",
    "{m}月{d}日晚{h}时联合督查，排班表所列{p}无人巡逻",
    "{m}月{d}日{h}时暗访{p}，当班队员不在岗，未开展巡逻",
    "{m}月{d}日{h}时按执勤报备表核查，{p}未见巡逻队伍，电话联系队长称临时取消",
]
GAP = [
    "{m}月{d}日检查，宣传橱窗内容仍为上月，本月宣传内容缺失",
    "{m}月{d}日检查，社区微信群本月未发布防范宣传内容",
    "{m}月{d}日检查，LED显示屏本月未滚动播放防范宣传标语",
]
ITEM7_FAIL = {
    "patrol-three-people": "{m}月{d}日督查时巡逻队仅2人上路，第7项“每次巡防不少于3人得1分”本季度不得分",
    "patrol-armbands": "{m}月{d}日督查时巡逻队员未统一佩戴红袖标，第7项“每次统一佩戴红袖标得1分”本季度不得分",
    "patrol-gear": "{m}月{d}日督查时巡逻队未携带小喇叭、手电筒，第7项“每次统一携带警棍、小喇叭、手电筒等巡防用具得1分”本季度不得分",
}
EXTRA_TEAMS = ["楼道长队伍", "居民代表巡防队", "物业保安队", "党员先锋队", "社区义工队", "业主委员会巡查组"]
CASES = ["盗窃电瓶车案", "入室盗窃案", "诈骗案", "盗窃车内财物案", "抢夺案"]
QUARTER_END = {1: 3, 2: 6, 3: 9, 4: 12}


def _png(w: int, h: int, top: tuple, bottom: tuple) -> bytes:
    rows = b"".join(b"\x00" + bytes(top if y < h // 2 else bottom) * w for y in range(h))

    def chunk(t: bytes, d: bytes) -> bytes:
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


def hutang_units(rng: random.Random, names: NamePool) -> list[dict]:
    units = []
    n = 0
    for group, stems in HUTANG_GROUPS:
        for stem in stems:
            n += 1
            units.append({"id": f"hutang-{n:02d}", "name": f"{stem}社区", "kind": "社区",
                          "groups": [group], "leader": names()})
    assert n == 44, n
    return units


class Hutang:
    """The 44 communities × 12 inspections + 4 quarterly assessments."""

    def __init__(self, rng: random.Random, units: list[dict], writer: Writer):
        self.rng = rng
        self.units = units
        self.w = writer
        self.evidence_no = {m: 0 for m in range(1, 13)}
        # strength per unit, then per (unit, quarter) seeds, all drawn up front
        self.strength = {}
        for u in units:
            s = rng.uniform(0.62, 1.0)
            self.strength[u["id"]] = WEAK.get(u["id"], s)
        self.seeds = {(u["id"], q): (rng.getrandbits(32), rng.getrandbits(32))
                      for u in units for q in range(1, 5)}
        self.strength[TIE[1]] = self.strength[TIE[0]]
        # last year's case counts (baseline) per unit and quarter
        self.photos_written: list[str] = []

    # -------------------------------------------------------------- inspections

    def _evidence(self, m: int) -> str:
        self.evidence_no[m] += 1
        return f"2017年{m}月督查记录第{self.evidence_no[m]}号"

    def _no_patrol(self, txt, m, d, photo=None) -> dict:
        h = txt.choice([19, 20, 20, 21, 21, 22])
        f = {"item": "6", "rule": "no-patrol", "count": 1,
             "reason": txt.choice(NO_PATROL).format(m=m, d=d, h=h, p=txt.choice(PATROL_PLACES)),
             "date": date(2017, m, d), "evidence": self._evidence(m)}
        if photo:
            f["photos"] = [photo]
        return f

    def inspections(self, u: dict, q: int, num: random.Random, txt: random.Random) -> dict:
        """Write the inspections of one quarter; return what the assessment needs."""
        uid = u["id"]
        s = self.strength[uid]
        group = u["groups"][0]
        assessors = [f"镇综治办 {ZZB_INSPECT}", f"{STATION} {OFFICERS[group]}"]
        p_np = 0.02 + 0.16 * (1 - s) ** 2
        p_gap = 0.04 + 0.3 * (1 - s)
        p_roster = 0.03 + 0.25 * (1 - s)
        item7_fail = []
        found = []                      # every inspection finding of the quarter
        for m in range(3 * q - 2, 3 * q + 1):
            d = num.randint(6, 24)
            r_np, r_gap, r_roster, r_7 = num.random(), num.random(), num.random(), num.random()
            findings = []
            notes = []
            no_patrols = 1 if r_np < p_np else 0
            if uid == YEAR_VETO:
                no_patrols = 1 if m == 3 * q - 1 else 0
            if uid == AUTO_VETO_Q3 and q == 3:
                no_patrols = 1
            if uid == AUTO_VETO_Q3 and q != 3:
                no_patrols = 0
            if uid == MEDIA_VETO:
                no_patrols = 0
            roster_late = (m % 2 == 0 and r_roster < p_roster and uid not in ANNEX_UNITS
                           and uid != AUTO_VETO_Q3)
            if roster_late:
                d = num.randint(26, 28)
            photo = PHOTOS.get((uid, m))
            if photo:
                self._write_photo(photo[0])
                if photo[1] == "no-patrol":
                    no_patrols = 1
                else:
                    r_gap = 0.0
            if no_patrols:
                findings.append(self._no_patrol(txt, m, d, f"{PHOTO_DIR}/{photo[0]}"
                                                if photo and photo[1] == "no-patrol" else None))
            if roster_late:
                nxt = f"{m + 1}—{m + 2}月" if m < 12 else "次年1—2月"
                findings.append({"item": "5", "rule": "roster-late", "count": 1,
                                 "reason": f"{nxt}执勤排班表未在{m}月25日前报备{STATION}，{m}月{d}日督查时仍未报备",
                                 "date": date(2017, m, d), "evidence": self._evidence(m)})
            if r_gap < p_gap:
                f = {"item": "14", "rule": "publicity-gap", "count": 1,
                     "reason": txt.choice(GAP).format(m=m, d=d), "date": date(2017, m, d)}
                if photo and photo[1] == "publicity-gap":
                    f["photos"] = [f"{PHOTO_DIR}/{photo[0]}"]
                findings.append(f)
            if r_7 < 0.02 + 0.2 * (1 - s) and not item7_fail:
                item7_fail.append((txt.choice(sorted(ITEM7_FAIL)), m, d))
                notes.append({"text": ITEM7_FAIL[item7_fail[-1][0]].format(m=m, d=d).split("，第7项")[0]
                              + "，已当场要求整改"})
            if not findings and not notes:
                notes.append({"text": txt.choice(["督查情况正常", "巡逻队伍按排班表在岗", "未发现问题"])})
            rec = {"rubric": "hutang-2017", "unit": uid, "period": f"2017-{m:02d}",
                   "kind": "inspection", "date": date(2017, m, d), "assessors": assessors,
                   "findings": findings, "notes": notes or None}
            self.w.record(rec)
            found.extend(findings)
            # a re-check later in the month after a missed patrol (<unit>.02.yml)
            recheck = no_patrols and (num.random() < 0.5 or (uid == AUTO_VETO_Q3 and m == 7))
            if recheck and d <= 24:
                d2 = min(d + num.randint(3, 6), 28)
                f2 = []
                n2 = [{"text": "复查：巡逻队伍已按排班表在岗，整改到位"}]
                if uid == AUTO_VETO_Q3 and m == 7:
                    f2 = [self._no_patrol(txt, m, d2)]
                    n2 = [{"text": "复查：仍未开展巡逻，已约谈社区书记", "internal": True}]
                    found.extend(f2)
                self.w.record({"rubric": "hutang-2017", "unit": uid, "period": f"2017-{m:02d}",
                               "kind": "inspection", "date": date(2017, m, d2),
                               "assessors": assessors, "findings": f2, "notes": n2}, ".02")
        return {"item7_fail": item7_fail, "found": found}

    def _write_photo(self, name: str) -> None:
        path = self.w.root / PHOTO_DIR / name   # --root: never the repo
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_png(32, 24, (200, 200, 196), (120, 128, 120)))
        if name not in self.photos_written:
            self.photos_written.append(name)

    # -------------------------------------------------------------- assessment

    def assessment(self, u: dict, q: int, num: random.Random, txt: random.Random, ins: dict) -> None:
        uid = u["id"]
        s = self.strength[uid]
        group = u["groups"][0]
        m_end = QUARTER_END[q]
        day = {"城区片": 25, "东片": 26, "南片": 27, "西片": 28}[group] + (1 if q == 1 else 0)
        rec_date = date(2017, m_end, day)
        officer = OFFICERS[group]

        def p(base: float) -> bool:     # an earn the unit gets with probability by strength
            return num.random() < base + (1 - base) * s

        F: list[dict] = []
        notes: list[dict] = []

        def earn(item, rule, **kw):
            F.append({"item": item, "rule": rule, **kw})

        # 1 组织领导
        if p(0.7):
            earn("1", "leader-in-charge", reason="领导小组组长由社区党委书记担任")
        if p(0.8):
            earn("1", "staff-in-charge")
        # 2 队伍建设: units with a roster (附件2) get item 2 computed from it,
        # so their records do not type it in
        extra = 3 if uid in ANNEX_UNITS else min(3, int(s * 3.6 + num.random() * 0.8))
        teams = "、".join(txt.sample(EXTRA_TEAMS, extra)) if extra else ""
        if uid not in ANNEX_UNITS:
            earn("2", "base-teams", reason="花名册齐全：专职化队伍1支、社会化队伍2支")
            if extra:
                earn("2", "extra-team", count=extra, reason=f"扩建{teams}，每支不少于10人")
        # 3 机制建设
        if p(0.6):
            earn("3", "work-rules")
        if p(0.5):
            earn("3", "monthly-meeting", reason=f"本季度召开队长、组长例会{3 if s > 0.5 else 2}次")
        # 4 后勤保障 (3 + 2 on a 2-point item: clamps at 2)
        if p(0.3):
            earn("4", "funds")
        if p(0.5):
            earn("4", "workstation")
        # 7 规范巡防行为: the failed 项 of an inspection is left out
        failed = {r for r, _, _ in ins["item7_fail"]}
        for rule in ("patrol-three-people", "patrol-armbands", "patrol-gear"):
            if rule not in failed:
                earn("7", rule)
        for rule, m, d in ins["item7_fail"]:
            notes.append({"text": ITEM7_FAIL[rule].format(m=m, d=d)})
        # 8 教育培训
        if p(0.5):
            earn("8", "training-plan-record")
        earn("8", "training-twice")
        if s < 0.45 or num.random() < 0.08:
            F.append({"item": "8", "rule": "training-missing", "count": 1,
                      "reason": "全年培训计划2次，截至本季度末仅开展1次"})
        else:
            num.random()
        # 9 台账
        if p(0.7):
            earn("9", "ledger")
        if p(0.6):
            earn("9", "patrol-log")
        # 10 案件防范: trend against last year's same quarter
        self._cases(F, notes, u, q, num, txt, s)
        # 11 提供线索破案
        k = CASE_CAP.get((uid, q))
        if k is None:
            k = [0, 1, 1, 2, 2, 3, 3][min(6, int(num.random() * 4 + s * 3))]
        else:
            num.random()
        if k:
            F.append({"item": "11", "rule": "case-solved", "count": k,
                      "reason": f"提供线索协助派出所破获{txt.choice(CASES)}等{k}起",
                      "evidence": f"{STATION}破案登记"})
        # 12 阵地建设
        if p(0.7):
            earn("12", "monthly-publicity")
        n_photo = PHOTO_CAP.get((uid, q)) or int(4 + 14 * s * num.random() + 4 * s)
        F.append({"item": "12", "rule": "photo-adopted", "count": n_photo,
                  "reason": f"本季度群防群治工作照片被{STATION}录用{n_photo}次"})
        # 13 事迹宣传
        if p(0.7):
            earn("13", "volunteer-summary")
        if p(0.4):
            earn("13", "bravery-reported")
        # 14 防范宣教 (gaps come from the inspections)
        for rule, base in (("publicity-plan", 0.8), ("publicity-summary", 0.7),
                           ("monthly-update", 0.75), ("dated-photos", 0.6)):
            if p(base):
                earn("14", rule)

        rec = {"rubric": "hutang-2017", "unit": uid, "period": f"2017-Q{q}", "kind": "assessment",
               "date": rec_date, "assessors": [f"镇综治办 {ZZB_MAIN}", f"{STATION} {officer}"],
               "findings": F}
        if uid == MEDIA_VETO and q == 2:
            rec["vetoes"] = [{"condition": "4",
                              "reason": "5月16日市电视台新闻栏目曝光该社区出租房群租、消防通道堵塞问题，造成严重影响"}]
        sa = self._self_assessment(u, q, F, ins["found"])
        if sa:
            rec["self_assessment"] = sa
        if notes:
            rec["notes"] = notes
        rec["signatures"] = {"unit": u["name"], "assessors": [ZZB_MAIN, officer], "leader": u["leader"]}
        self.w.record(rec)

    def _cases(self, F, notes, u, q, num, txt, s) -> None:
        uid = u["id"]
        pb, tb = num.randint(6, 26), num.randint(2, 11)
        if uid == ZERO_CASES:
            pv, tv = 0, 0
            pb, tb = [2, 1, 3, 1][q - 1], [1, 0, 1, 2][q - 1]
            num.random(), num.random()
        else:
            # most communities fall against last year; weak ones rise
            fp = num.uniform(0.64, 1.0) + 0.3 * (1 - s)
            ft = num.uniform(0.58, 1.02) + 0.3 * (1 - s)
            pv, tv = max(0, round(pb * fp)), max(0, round(tb * ft))
        F.append({"item": "10", "rule": "property-cases", "value": pv, "baseline": pb,
                  "reason": f"本季度五类侵财型案件{pv}起，去年同期{pb}起",
                  "evidence": f"{STATION}社区民警平台考核数"})
        F.append({"item": "10", "rule": "telecom-fraud", "value": tv, "baseline": tb,
                  "reason": f"本季度通讯网络诈骗案件{tv}起，去年同期{tb}起",
                  "evidence": f"{STATION}社区民警平台考核数"})
        if uid == MEDIA_VETO and q == 2:
            F.append({"item": "10", "rule": "media-exposure", "count": 1, "date": date(2017, 5, 16),
                      "reason": "市电视台新闻栏目曝光辖区出租房群租、消防通道堵塞问题"})
            notes.append({"text": "被市级媒体曝光，按一票否决第（4）项处理；社区已于5月底完成整治"})
        if uid == ZERO_CASES and q == 4:
            notes.append({"text": "全年五类侵财型案件和通讯网络诈骗案件均为零发案（第10项：全年零发案，得20分）"})

    def _self_assessment(self, u, q, F, found) -> dict | None:
        """Some units hand in a self-assessment (Q2 and Q4): the assessor's
        findings and the inspections' deductions as the unit acknowledges them.
        The units in SELF_DIFF claim more: every earn of items 1, 3, 9 and 13,
        and they do not acknowledge the inspections' findings."""
        uid = u["id"]
        idx = int(uid[-2:])
        if q not in (2, 4) or (idx % 3 != 0 and uid not in SELF_DIFF):
            return None
        keep = ("item", "rule", "count", "value", "baseline")
        findings = [{k: v for k, v in f.items() if k in keep} for f in F]
        if uid not in SELF_DIFF:
            findings += [{k: v for k, v in f.items() if k in keep} for f in found]
        else:
            have = {(f["item"], f["rule"]) for f in findings}
            for item, rule in (("1", "leader-in-charge"), ("1", "staff-in-charge"),
                               ("9", "ledger"), ("9", "patrol-log"),
                               ("13", "volunteer-summary"), ("13", "bravery-reported"),
                               ("3", "work-rules"), ("3", "monthly-meeting")):
                if (item, rule) not in have:
                    findings.append({"item": item, "rule": rule})
        notes = {"1": "社区党委书记任领导小组组长，综治专干具体负责",
                 "2": "专职化队伍4人，社会化队伍花名册已报派出所",
                 "6": "按排班表每晚开展巡逻"}
        return {"findings": findings, "notes": notes}

    # -------------------------------------------------------------- all

    def run(self) -> None:
        for u in self.units:
            for q in range(1, 5):
                ns, ts = self.seeds[(u["id"], q)]
                if u["id"] == TIE[1] and q == 2:
                    ns = self.seeds[(TIE[0], q)][0]
                num, txt = random.Random(ns), random.Random(ts)
                ins = self.inspections(u, q, num, txt)
                self.assessment(u, q, num, txt, ins)


# ====================================================================== longhutang (000)

def longhutang(w: Writer, rng: random.Random, units: list[dict]) -> None:
    ass = ["街道综治办 顾志明", "龙虎塘派出所 孙立"]
    sig = ["顾志明", "孙立"]

    def conv(item, value, scale=None, reason=""):
        f = {"item": item, "rule": "single-assessment", "value": value, "scale": scale}
        f["reason"] = reason or {"8": f"人民调解和信访单项考核{value}分",
                                 "16": f"社区矫正、安置帮教单项考核{value}分",
                                 "18": f"“无毒社区”创建单项考核{value}分"}[item]
        return f

    def rate(value, reason=None):
        return {"item": "5", "rule": "signing-rate", "value": value,
                "reason": reason or f"综治、安全生产管理责任书签订率{value}%"}

    def incidence(value, baseline):
        return {"item": "11", "rule": "incidence-rate", "value": value, "baseline": baseline,
                "reason": f"发案率{value}%，上年{baseline}%（派出所记录数据）"}

    data = {
        "lht-01": [conv("8", 96), conv("16", 95), conv("18", 100), rate(99), incidence(2.1, 3.4),
                   {"rule": "district-award", "count": 1, "subject": "平安社区",
                    "reason": "被评为区级平安社区", "evidence": "区综治委文件"},
                   {"rule": "city-award", "count": 1, "subject": "平安社区",
                    "reason": "同一“平安社区”又被评为市级平安社区（以最高加分为准）",
                    "evidence": "市综治委文件"}],
        "lht-02": [conv("8", 88), conv("16", 92), conv("18", 90), rate(95.5), incidence(3.0, 3.2),
                   {"item": "12", "rule": "no-safe-family", "amount": 1.5,
                    "reason": "“平安家庭”创建活动仅有方案、无活动记录"},
                   {"item": "8", "rule": "prevent-escalation", "count": 1, "date": date(2013, 8, 14),
                    "reason": "8月14日及时调处一起邻里宅基地纠纷，防止矛盾激化"}],
        "lht-03": [conv("8", 82), conv("16", 85), conv("18", 80), rate(97), incidence(4.2, 3.9),
                   {"item": "17", "rule": "cult-leaflets", "date": date(2013, 5, 22),
                    "reason": "5月22日辖区发现“法轮功”散发传单事件"},
                   {"item": "14", "rule": "fire", "count": 1, "amount": 2, "date": date(2013, 1, 30),
                    "reason": "1月30日辖区一出租屋电动车充电起火"},
                   {"item": "10", "rule": "missing-publicity", "count": 2, "amount": 0.5,
                    "reason": "4月、9月无普法宣传记录"}],
        "lht-04": [conv("8", 43, 50, "人民调解和信访单项考核43分（满分50分）"), conv("16", 90), conv("18", 95),
                   rate(98), incidence(2.6, 2.6),
                   {"item": "11", "rule": "solve-criminal-case", "count": 2,
                    "reason": "提供线索协助破获盗窃案2起"},
                   {"item": "11", "rule": "bravery", "count": 1, "date": date(2013, 7, 9),
                    "reason": "7月9日居民徐某见义勇为，协助抓获抢夺嫌疑人"}],
        "lht-05": [conv("8", 70), conv("16", 75), conv("18", 60), rate(92), incidence(5.5, 4.1),
                   {"item": "6", "rule": "missing-item", "count": 2, "reason": "调委会、信访接待室制度未上墙"},
                   {"item": "7", "rule": "patrol-no-sign-in", "reason": "治安巡逻签到簿10月后未记录"},
                   {"item": "7", "rule": "techprev-malfunction", "reason": "小区监控探头3处损坏未修复"},
                   {"item": "10", "rule": "legal-education-unfinished",
                    "reason": "未完成本年度“六五”普法教育任务"},
                   {"item": "24", "rule": "not-as-required", "amount": 2,
                    "reason": "台帐未单独装订，照片资料缺失"}],
        "lht-06": [conv("8", 91), conv("16", 88), conv("18", 92), rate(98.5), incidence(2.8, 3.5),
                   {"item": "10", "rule": "staff-crime", "count": 1, "reason": "社区保洁员1人因盗窃被判刑"},
                   {"item": "13", "rule": "rule-violation", "count": 2,
                    "reason": "辖区装修工地2起违章操作"},
                   {"item": "24", "rule": "not-as-required", "amount": 1.5,
                    "reason": "台帐内容不全，部分活动无记录"}],
        "lht-07": [conv("8", 93), conv("16", 97), conv("18", 94), rate(100), incidence(1.9, 2.4),
                   {"item": "15", "rule": "no-school-area-record",
                    "reason": "辖区有小学1所，无学校周边环境整治记录"},
                   {"item": "19", "rule": "registration-incomplete", "reason": "暂住人口登记率96%"},
                   {"rule": "city-award", "count": 1, "subject": "法治建设先进社区",
                    "reason": "被评为市级法治建设先进社区"}],
        "lht-08": [conv("8", 85), conv("16", 89), conv("18", 88), rate(96.2), incidence(3.6, 3.3),
                   {"item": "12", "rule": "no-joint-activity", "amount": 1,
                    "reason": "未与辖区学校开展平安共建活动"},
                   {"item": "20", "rule": "epidemic", "reason": "6月辖区一幼儿园发生手足口病聚集性疫情"},
                   {"item": "14", "rule": "extinguishers-missing", "reason": "2幢老楼楼道灭火器缺失"}],
    }
    for u in units:
        rec = {"rubric": "longhutang", "unit": u["id"], "period": "2013", "kind": "assessment",
               "date": date(2013, 12, 16 + int(u["id"][-1])), "assessors": ass,
               "findings": data[u["id"]],
               "signatures": {"unit": u["name"], "assessors": sig, "leader": u["leader"]}}
        w.record(rec)


# ====================================================================== shequ-2022 (002)

def shequ(w: Writer, rng: random.Random, units: list[dict]) -> None:
    ass = ["镇政法委员 冯德胜", "镇应急管理办 叶琳"]
    data = {
        "sq-01": [{"item": "1.1", "rule": "missed-visit", "count": 2,
                   "reason": "3月、8月未对中度吸毒人员开展走访"},
                  {"item": "7", "rule": "late-submission", "count": 3, "reason": "平安建设资料3次逾期报送"},
                  {"item": "2", "rule": "no-monthly-work", "count": 1, "reason": "5月未开展防电信诈骗宣传"}],
        "sq-02": [{"item": "5", "rule": "petition-beijing", "count": 1, "date": date(2022, 9, 27),
                   "reason": "9月27日辖区信访重点人员进京上访"},
                  {"item": "5", "rule": "weak-control", "reason": "重要节点一盯一管控措施不到位"},
                  {"item": "1.2", "rule": "no-guardian-agreement", "reason": "2名易肇事肇祸精神病人未签订监护责任书"}],
        "sq-03": [{"item": "7", "rule": "late-submission", "count": 1, "reason": "半年总结逾期报送"}],
        "cun-01": [{"item": "6.2", "rule": "food-accident", "count": 1, "date": date(2022, 10, 3),
                    "reason": "10月3日坝坝宴发生一起食物中毒"},
                   {"item": "6.2", "rule": "banquet-not-filed", "reason": "该坝坝宴未按要求备案"},
                   {"item": "5", "rule": "petition-province", "count": 1, "date": date(2022, 6, 15),
                    "reason": "6月15日村民因土地纠纷到省上访"}],
        "cun-02": [{"item": "4", "rule": "no-follow-up", "count": 3,
                    "reason": "4月、5月、11月未对未化解纠纷跟踪管控"},
                   {"item": "4", "rule": "entries-incomplete", "reason": "随手调APP录入不足每月2条"},
                   {"item": "6.7", "rule": "railway-incident", "count": 2, "reason": "铁路沿线2起放牧行为"},
                   {"item": "6.7", "rule": "piers-unmaintained", "reason": "护路墩2处破损未维护"}],
        "cun-03": [{"item": "7", "rule": "county-notice", "date": date(2022, 7, 8),
                    "reason": "7月8日因防汛值守脱岗被县防指通报"},
                   {"item": "6.5", "rule": "no-duty-watch", "reason": "汛期值班表有2天无人值守"},
                   {"item": "7", "rule": "rules-not-posted", "reason": "综治中心制度未上墙"},
                   {"item": "1.2", "rule": "missed-visit", "count": 1, "reason": "第三季度未走访严重精神病人1人次"}],
    }
    for i, u in enumerate(units):
        w.record({"rubric": "shequ-2022", "unit": u["id"], "period": "2022", "kind": "assessment",
                  "date": date(2022, 12, 12 + i), "assessors": ass, "findings": data[u["id"]],
                  "signatures": {"unit": u["name"], "assessors": ["冯德胜", "叶琳"],
                                 "leader": u["leader"]}})


# ====================================================================== changde-zjj-2017 (003)

def changde(w: Writer, rng: random.Random, units: list[dict]) -> None:
    ass = ["局综治办 刘建华", "局信访科 谭敏"]

    def survey(v):
        return {"item": "3", "rule": "survey-tier", "value": v,
                "reason": f"市综治委委托第三方民调，本单位得分{v}分"}

    data = {
        "zjj-01": {"findings": [
            survey(96),
            {"item": "1", "rule": "pledge-unsigned", "count": 2, "reason": "2名干部职工未签订平安家庭建设承诺书"},
            {"rule": "experience-promoted", "amount": 3, "subject": "建筑工地平安创建经验",
             "reason": "建筑工地平安创建经验被中央媒体推介"},
            {"rule": "experience-promoted", "amount": 2, "subject": "建筑工地平安创建经验",
             "reason": "同一经验又被省级推介（以最高加分为准）"},
            {"rule": "publicity", "amount": 2, "reason": "平安建设宣传工作突出"}]},
        "zjj-02": {"findings": [
            survey(95),
            {"item": "1", "rule": "campaign-missing", "count": 1, "reason": "未在本单位统一部署平安单位创建活动"},
            {"rule": "video-network", "amount": 1.5, "reason": "视频监控联网工作推进较好"},
            {"rule": "publicity", "amount": 1.5, "reason": "平安建设宣传工作较好"}],
            "flags": ["2.1"]},
        "zjj-03": {"findings": [
            survey(91),
            {"item": "4.1", "rule": "ordinary-case-staff", "count": 1, "date": date(2017, 8, 19),
             "incident": "2017-08-19 职工酒后斗殴", "reason": "8月19日本单位职工酒后与他人斗殴"},
            {"item": "1", "rule": "duty-discretion", "amount": 2, "date": date(2017, 8, 19),
             "incident": "2017-08-19 职工酒后斗殴", "reason": "职工斗殴事件反映教育管理不到位"},
            {"item": "2.7", "rule": "discretion", "amount": 1, "reason": "办公楼消防通道堆放杂物"}]},
        "zjj-04": {"findings": [
            survey(88),
            {"rule": "plan-or-task-late", "count": 5, "reason": "年度计划、半年总结及3项交办任务逾期"},
            {"rule": "judgment-unexecuted", "count": 3, "reason": "3起已生效判决未执行"},
            {"item": "2.7", "rule": "discretion", "amount": 1.5, "reason": "燃气站点消防检查发现隐患整改不及时"}]},
        "zjj-05": {"findings": [
            survey(90),
            {"item": "4.1", "rule": "ordinary-case", "count": 3, "reason": "单位院内发生盗窃案件3起，均属可防性案件"}],
            "flags": ["1.2"]},
        "zjj-06": {"findings": [
            survey(83),
            {"item": "1", "rule": "system-incomplete", "count": 1, "reason": "重点帮教体系不完善"},
            {"item": "2.5", "rule": "discretion", "amount": 3, "reason": "干部职工1人次非正常上访"},
            {"item": "1", "rule": "force-incomplete", "reason": "平安志愿者队伍不完善"}]},
        "zjj-07": {"findings": [
            {"item": "3", "rule": "respondent-basic-pass", "count": 2, "reason": "民调问卷2人次打分为基本合格"},
            {"item": "3", "rule": "respondent-fail", "count": 1, "reason": "民调问卷1人次打分为不合格"},
            {"item": "1", "rule": "quarterly-review-missed", "count": 1, "reason": "第一季度未开展综治工作评查"},
            {"item": "4.2", "rule": "discretion", "amount": 1, "reason": "未建立网格平安微信群"}]},
        "zjj-08": {"findings": [
            {"item": "3", "rule": "respondent-basic-pass", "count": 1, "reason": "民调问卷1人次打分为基本合格"},
            {"item": "2.2", "rule": "secrets-leak", "count": 1, "date": date(2017, 4, 11),
             "reason": "4月11日档案借阅登记不严，发生一起失密事件"},
            {"rule": "samaritan-honoured", "count": 1, "amount": 1, "subject": "职工舍身救落水儿童",
             "reason": "职工舍身救落水儿童，获省级见义勇为表彰"},
            {"rule": "samaritan-honoured", "count": 1, "amount": 0.5, "subject": "职工舍身救落水儿童",
             "reason": "同一事迹获市级表彰（以表彰级别最高的加分为准）"},
            {"rule": "samaritan-support", "amount": 1, "reason": "向市见义勇为基金会捐款"}]},
    }
    for i, u in enumerate(units):
        d = data[u["id"]]
        rec = {"rubric": "changde-zjj-2017", "unit": u["id"], "period": "2017", "kind": "assessment",
               "date": date(2017, 12, 18 + i // 3), "assessors": ass, "findings": d["findings"]}
        if d.get("flags"):
            rec["flags"] = d["flags"]
        rec["signatures"] = {"unit": u["name"], "assessors": ["刘建华", "谭敏"], "leader": u["leader"]}
        w.record(rec)


# ====================================================================== paichusuo (004)

def paichusuo(w: Writer, rng: random.Random, units: list[dict]) -> None:
    ass = ["县局治安大队 郑国平", "县局指挥中心 邵婷"]

    def rank(v):
        return {"item": "5.2", "rule": "patrol-rank", "value": v,
                "reason": f"全年治安巡逻{v}次（指挥中心数据）"}

    data = {
        "pcs-01": [rank(152),
                   {"item": "5.2", "rule": "preventable-case", "count": 12, "reason": "街面五种可防性案件12起"},
                   {"item": "5.2", "rule": "caught-in-act", "count": 1, "date": date(2017, 7, 3),
                    "reason": "7月3日巡逻中当场抓获盗窃电瓶车嫌疑人1名"},
                   {"item": "5.2", "rule": "suspect-caught", "count": 3, "reason": "抓获非现行案件嫌疑人3名"},
                   {"item": "1.1.1", "rule": "base-unclear", "count": 2, "reason": "2家娱乐场所底数不清"}],
        "pcs-02": [rank(152),
                   {"item": "5.2", "rule": "preventable-case", "count": 18, "reason": "街面五种可防性案件18起"},
                   {"item": "1.1.2", "rule": "check-missed", "count": 1, "reason": "特种行业11月安全检查未录入警综平台"},
                   {"item": "4.5", "rule": "compound-rate", "value": 85,
                    "reason": "规模封闭小区物防技防安装率85%"}],
        "pcs-03": [rank(141),
                   {"item": "5.2", "rule": "preventable-case", "count": 9, "reason": "街面五种可防性案件9起"},
                   {"item": "4.2", "rule": "education-missed", "count": 1, "reason": "第三季度未开展法制宣传教育"},
                   {"item": "1.1.4", "rule": "records-incomplete", "amount": 3,
                    "reason": "校园周边整治行动影像资料缺失"}],
        "pcs-04": [{"item": "5.2", "rule": "patrol-shortfall", "count": 3, "reason": "全年巡逻比县局要求少3次"},
                   {"item": "5.2", "rule": "caught-in-act", "count": 2, "reason": "巡逻中抓获盗窃现行2起"},
                   {"item": "1.1.2", "rule": "hotel-system-rate", "value": 99,
                    "reason": "旅店业治安管理信息系统安装率99%（1家未安装）"},
                   {"item": "1.2", "rule": "spot-check-failed", "amount": 3,
                    "reason": "抽查2家内保单位保卫制度未落实"}],
        "pcs-05": [{"item": "4.4", "rule": "patrol-missed", "count": 1, "reason": "8月未组织居民巡逻"},
                   {"item": "4.5", "rule": "base-unclear", "amount": 0.5, "reason": "物防设备单位底数不清"},
                   {"item": "4.5", "rule": "key-site-rate", "value": 78, "reason": "单位要害部位技防安装率78%"},
                   {"item": "5.2", "rule": "ledger-irregular", "count": 1, "reason": "《收缴物品登记表》录入不及时"}],
        "pcs-06": [{"item": "1.1.4", "rule": "not-carried-out", "reason": "全年未开展集中清查整治专项行动"},
                   {"item": "5.1", "rule": "no-plan", "reason": "无巡逻方案"},
                   {"item": "5.2", "rule": "data-mismatch", "count": 2, "reason": "巡逻登记表与警综平台数据2处不符"},
                   {"item": "4.6.2", "rule": "no-training", "reason": "全年未开展队伍教育管理"},
                   {"item": "5.2", "rule": "patrol-shortfall", "count": 6, "reason": "全年巡逻比县局要求少6次"}],
    }
    self_ = {
        "pcs-01": {"findings": [{"item": "5.2", "rule": "patrol-rank", "value": 152},
                                {"item": "5.2", "rule": "preventable-case", "count": 12},
                                {"item": "5.2", "rule": "caught-in-act", "count": 1},
                                {"item": "5.2", "rule": "suspect-caught", "count": 3}],
                   "notes": {"5.2": "全年巡逻152次"}},
        "pcs-03": {"findings": [{"item": "5.2", "rule": "patrol-rank", "value": 150},
                                {"item": "5.2", "rule": "preventable-case", "count": 9}],
                   "notes": {"5.2": "全年巡逻150次（含联合巡逻）", "4.2": "每季度均开展法制宣传"}},
    }
    for i, u in enumerate(units):
        rec = {"rubric": "paichusuo", "unit": u["id"], "period": "2017", "kind": "assessment",
               "date": date(2017, 12, 20 + i // 2), "assessors": ass, "findings": data[u["id"]]}
        if u["id"] in self_:
            rec["self_assessment"] = self_[u["id"]]
        rec["signatures"] = {"unit": u["name"], "assessors": ["郑国平", "邵婷"], "leader": u["leader"]}
        w.record(rec)


# ====================================================================== booklet.yml

def flow(d: dict) -> str:
    parts = []
    for k, v in d.items():
        if isinstance(v, list):
            v = "[" + ", ".join(v) + "]"
        parts.append(f"{k}: {v}")
    return "{" + ", ".join(parts) + "}"


def write_config(root: Path, groups: list[tuple[str, list[dict]]]) -> None:
    hutang, lht = groups[0][1], groups[1][1]
    lines = [CONFIG_HEADER.rstrip("\n"),
             "# The example project, written by scripts/make_example.py (do not edit by hand:",
             "# change the script and run it again). All units, names and cases are fictional.",
             "office: 湖塘镇综合治理办公室",
             "title: 湖塘镇平安建设考核（示例）",
             "year: 2017",
             "units:"]
    for comment, units in groups:
        lines.append(f"  # {comment}")
        lines.extend(f"  - {flow(u)}" for u in units)
    lines += [
        "assign:",
        "  # 群防群治: quarterly assessments (monthly inspections roll into them), and the year",
        "  - rubric: hutang-2017",
        "    units:",
        "      ids: [" + ", ".join(u["id"] for u in hutang[:11]) + ",",
        *[f"            " + ", ".join(u["id"] for u in hutang[i:i + 11]) + ("," if i < 33 else "]")
          for i in (11, 22, 33)],
        "    periods: [2017-Q1, 2017-Q2, 2017-Q3, 2017-Q4, \"2017\"]",
        "  # the 龙虎塘 sheet states no year: the example assesses 2013",
        "  - rubric: longhutang",
        "    units: {ids: [" + ", ".join(u["id"] for u in lht) + "]}",
        "    periods: [\"2013\"]",
        "  # deduction-only: the report shows 100 − deductions",
        "  - rubric: shequ-2022",
        "    units: {ids: [sq-01, sq-02, sq-03, cun-01, cun-02, cun-03]}",
        "    periods: [\"2022\"]",
        "    base: 100",
        "  - rubric: changde-zjj-2017",
        "    units: {kind: 局属单位}",
        "    periods: [\"2017\"]",
        "  - rubric: paichusuo",
        "    units: {kind: 派出所}",
        "    periods: [\"2017\"]",
        "output:",
        "  site: site",
        "  internal: build/internal",
        "privacy:",
        "  mask_phones: true",
        "  publish_notes: false",
    ]
    (root / "booklet.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")


# ====================================================================== main

def clean(root: Path) -> None:
    for rid in RUBRICS:
        d = root / "assessments" / rid
        if d.is_dir():
            shutil.rmtree(d)
    for name, _ in PHOTOS.values():
        p = root / PHOTO_DIR / name
        if p.exists():
            p.unlink()


def generate(root: Path = ROOT) -> Writer:
    rng = random.Random(SEED)
    clean(root)
    names = NamePool(rng, taken={ZZB_MAIN, ZZB_INSPECT, *OFFICERS.values(), "顾志明", "孙立",
                                 "冯德胜", "叶琳", "刘建华", "谭敏", "郑国平", "邵婷"})
    hutang = hutang_units(rng, names)
    lht = [{"id": f"lht-{i:02d}", "name": f"{s}社区", "kind": "社区", "leader": names()} for i, s in enumerate(LHT_NAMES, 1)]
    sq = [{"id": i, "name": n, "kind": k, "leader": names()} for i, n, k in SQ_UNITS]
    zjj = [{"id": i, "name": n, "kind": "局属单位", "leader": names()} for i, n in ZJJ_UNITS]
    pcs = []
    for i, n, attrs in PCS_UNITS:
        u = {"id": i, "name": n, "kind": "派出所"}
        if attrs:
            u["attributes"] = attrs
        u["leader"] = names()
        pcs.append(u)
    write_config(root, [("湖塘镇 44个社区（群防群治，hutang-2017）", hutang),
                        ("龙虎塘街道的社区（longhutang）", lht),
                        ("社区和村（shequ-2022，只扣分）", sq),
                        ("常德市住建局局属单位（changde-zjj-2017）", zjj),
                        ("派出所（paichusuo）", pcs)])
    w = Writer(root)
    h = Hutang(rng, hutang, w)
    h.run()
    longhutang(w, rng, lht)
    shequ(w, rng, sq)
    changde(w, rng, zjj)
    paichusuo(w, rng, pcs)
    return w


def summary(root: Path) -> None:
    sys.path.insert(0, str(root))
    from booklet.build import load_and_validate
    from booklet.scoring.project import score_project
    project, problems = load_and_validate(root)
    if project is None or problems.errors:
        print(problems.report())
        return
    results = score_project(project)
    by = {}
    for r in results:
        by.setdefault((r.rubric_id, r.period), []).append(r)
    for (rid, period), rs in by.items():
        totals = [r.total for r in rs]
        print(f"\n== {rid} {period}: {len(rs)} units, min {min(totals)} max {max(totals)}")
        seen = {}
        for r in rs:
            seen.setdefault(r.total, []).append(r.unit_id)
        ties = {t: u for t, u in seen.items() if len(u) > 1}
        for r in sorted(rs, key=lambda r: (r.rank or 0)):
            flag = " VETO" if r.vetoed else ""
            st = f" self={r.self_total}" if r.self_total is not None else ""
            print(f"  {r.rank:>2} {r.unit_id:10} {r.total:>7} {r.grade or ''}{flag}{st}")
        if ties:
            print("  ties:", "; ".join(f"{t}: {', '.join(u)}" for t, u in ties.items()))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--summary", action="store_true", help="print the scores after writing")
    ap.add_argument("--root", type=Path, default=ROOT, help="project root (default: the repo)")
    args = ap.parse_args(argv)
    w = generate(args.root)
    for rid, n in w.counts.items():
        print(f"{rid}: {n} files")
    if args.summary:
        summary(args.root)
    return 0


if __name__ == "__main__":
    sys.exit(main())
