"""hutang-2017 (seed 001): 湖塘镇, 44 communities × 12 inspections + 4 quarterly assessments.


"""
from __future__ import annotations

import random
from datetime import date

from .common import (NamePool, OFFICERS, PHOTO_DIR, ROOT, STATION, Writer, ZZB_INSPECT, ZZB_MAIN,
                     png)


HUTANG_GROUPS = [
    ("城区片", "府前 新华 人民 花园 锦绣 文华 长虹 星河 聚湖 御城 恒利 阳光".split()),
    ("东片", "东方 东兴 新阳 朝阳 泰山 永安 兴隆 凤凰 云龙 清潭 东湖".split()),
    ("南片", "南湖 南苑 荷花 金桥 广福 太平 和平 延政 桃园 双桥".split()),
    ("西片", "西林 西湖 青云 华阳 龙溪 柳塘 白云 古方 新安 光明 翠竹".split()),
]

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
# A published reason never says where a patrol was due at what hour (whereabouts,
# PRINT-CONVENTIONS "Personal information"): a place goes without the hour.
NO_PATROL = [
    "{m}月{d}日{h}时抽查，巡逻路线上未见队员",
    "{m}月{d}日晚间联合督查，排班表所列{p}无人巡逻",
    "{m}月{d}日暗访{p}，当班队员不在岗，未开展巡逻",
    "{m}月{d}日按执勤报备表核查，{p}未见巡逻队伍，电话联系队长称临时取消",
]
GAP = [
    "{m}月{d}日检查，宣传橱窗内容仍为上月，本月宣传内容缺失",
    "{m}月{d}日检查，社区微信群本月未发布防范宣传内容",
    "{m}月{d}日检查，LED显示屏本月未滚动播放防范宣传标语",
]
ITEM7_FAIL = {
    "patrol-three-people": "{m}月{d}日督查时巡逻队仅2人上路",
    "patrol-armbands": "{m}月{d}日督查时巡逻队员未统一佩戴红袖标",
    "patrol-gear": "{m}月{d}日督查时巡逻队未携带小喇叭、手电筒",
}
# item 7: the forfeit rule of each 项 (检查到1次不按上述要求的，相应的项不得分)
FORFEIT = {"patrol-three-people": "three-people-failed", "patrol-armbands": "armbands-failed",
           "patrol-gear": "gear-failed"}
EXTRA_TEAMS = ["楼道长队伍", "居民代表巡防队", "物业保安队", "党员先锋队", "社区义工队", "业主委员会巡查组"]
CASES = ["盗窃电瓶车案", "入室盗窃案", "诈骗案", "盗窃车内财物案", "抢夺案"]
QUARTER_END = {1: 3, 2: 6, 3: 9, 4: 12}

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
                failed = item7_fail[-1][0]
                findings.append({"item": "7", "rule": FORFEIT[failed],
                                 "reason": ITEM7_FAIL[failed].format(m=m, d=d),
                                 "date": date(2017, m, d)})
                notes.append({"text": ITEM7_FAIL[failed].format(m=m, d=d)
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
        path.write_bytes(png(32, 24, (200, 200, 196), (120, 128, 120)))
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
        # 7 规范巡防行为: every 项 is earned; a failed 项 found at an inspection
        # takes its point back through its forfeit finding (in the inspection)
        for rule in ("patrol-three-people", "patrol-armbands", "patrol-gear"):
            earn("7", rule)
        for rule, m, d in ins["item7_fail"]:
            notes.append({"text": ITEM7_FAIL[rule].format(m=m, d=d)
                          + "，第7项该项本季度不得分（见当月督查记录）"})
        # 8 教育培训: 每年培训不少于2次的得2分，每少1次培训扣1分 (one quota finding)
        if p(0.5):
            earn("8", "training-plan-record")
        if s < 0.45 or num.random() < 0.08:
            F.append({"item": "8", "rule": "training-count", "value": 1,
                      "reason": "全年培训计划2次，截至本季度末仅开展1次"})
        else:
            num.random()
            F.append({"item": "8", "rule": "training-count", "value": 2,
                      "reason": "截至本季度末已开展培训2次"})
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
