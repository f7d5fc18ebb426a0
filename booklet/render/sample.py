"""A small synthetic project with scored results, built in memory.

Used by the render tests, by `booklet doctor --render` to try a real CJK
render, and by the benchmark when the loader or scorer is not available.
Texts imitate the seeds; nothing here is read from files.
"""
from __future__ import annotations

import struct
import zlib
from datetime import date
from decimal import Decimal as D
from pathlib import Path
from typing import Optional

from ..model import (
    Assignment, Calendar, Column, Config, Finding, Item, Loc, Project, Record,
    Rubric, Rule, Section, Signatures, Unit, Veto,
)
from ..scoring.result import Adjustment, ItemScore, Result, VetoHit

LONG_TEXT = ("各社区与所属居民小区各楼道必须签订综治、安全生产管理责任书，签订率达到98％。"
             "建立健全社区突发事件应急处置预案，明确街道干部蹲点责任制。")


def _item(n: int, points: D, *, extra: str = "", fields: Optional[dict] = None) -> Item:
    return Item(
        id=str(n), number=str(n), points=points,
        title=f"考核事项{n}",
        requirement=f"第{n}项考核内容：{LONG_TEXT}{extra}",
        standard=(f"第{n}项评分标准：未建立扣{points}分，缺一项扣0.5分。" if points is not None
                  else f"第{n}项扣分标准：未建立或台账信息不全扣1分，不按期开展走访每次扣1分。"),
        fields=fields or {},
        rules=[Rule("miss", "deduct", f"缺一项扣0.5分（第{n}项）", amount=D("0.5"), per="项"),
               Rule("zero", "zero", "未建立不得分")],
        loc=Loc("rubrics/sample.yml", 10 + n),
    )


def sample_rubric(kind: str = "portrait", *, rubric_id: Optional[str] = None,
                  long_section: int = 0) -> Rubric:
    """kind: portrait (like seed 000), landscape (like 004), deduction (like 002)."""
    if kind == "landscape":
        cols = [Column("section", "项目", D(22)), Column("number", "序号", D(9)),
                Column("requirement", "内容", D(50)), Column("standard", "标准", D(50)),
                Column("points", "分值", D(12)), Column("method", "方法", D(20)),
                Column("cycle", "考核周期", D(14)), Column("source", "数据来源", D(18)),
                Column("self_score", "自评分", D(10)), Column("score", "考核得分", D(10)),
                Column("remark", "备注", D(10))]
        fields = {"method": "查警综平台", "cycle": "年考核", "source": "治安大队"}
        sections = [
            Section("s1", "治安管理", D(15), [_item(1, D(5), fields=fields),
                                          _item(2, D(10), fields=fields)],
                    number="一", label="一、治安管理(15分)"),
            Section("s2", "安全防范", D(85), [_item(n, D(17), fields=fields) for n in range(3, 8)],
                    number="四", label="四、安全防范(85分)"),
        ]
        return Rubric(rubric_id or "sample-land", "社区治安防范考核标准（示例）", "示例公安局", 2017,
                      D(100), "score", ("派出所",), Calendar(assessment="annual"), cols,
                      sections, orientation="landscape", loc=Loc("rubrics/sample-land.yml"))
    if kind == "deduction":
        cols = [Column("number", "序号", D(10)), Column("section", "考核事项", D(18)),
                Column("title", "", D(22)), Column("requirement", "工作要求", D(52)),
                Column("standard", "扣分标准", D(40))]
        subs = []
        for k, name in enumerate(["涉毒人员", "严重精神病人", "邪教人员"], 1):
            it = _item(k, None)  # type: ignore[arg-type]
            it.id, it.number, it.title, it.points = f"1.{k}", "1", name, None
            subs.append(it)
        single = _item(9, None)  # type: ignore[arg-type]
        single.id, single.number, single.title, single.points = "2", "2", "", None
        sections = [Section("s1", "特殊群体", None, subs, number="1"),
                    Section("s2", "防电信诈骗", None, [single], number="2")]
        return Rubric(rubric_id or "sample-ded", "各社区（村）社会治理扣分细则（示例）", "", 2022,
                      None, "deduction_only", ("社区",), Calendar(assessment="annual"), cols,
                      sections, loc=Loc("rubrics/sample-ded.yml"))
    cols = [Column("section", "标题", D(10)), Column("number", "序号", D(8)),
            Column("requirement", "考核内容", D(44)), Column("points", "得分", D(10)),
            Column("standard", "加扣分内容", D(48)), Column("deducted", "扣分", D(11)),
            Column("added", "加分", D(11)), Column("score", "实得分", D(14))]
    secs = [
        Section("s1", "组织领导", D(10), [_item(1, D(4)), _item(2, D(6))], label="组织领导（10）"),
        Section("s2", "制度建设", D(90),
                [_item(n, (D(90) / (long_section or 3)).quantize(D("0.5")))
                 for n in range(3, 3 + (long_section or 3))],
                label="制度建设（90）"),
    ]
    return Rubric(
        rubric_id or "sample", "社区社会管理综合治理考核评分表（示例）", "示例街道", 2017, D(100),
        "score", ("社区",), Calendar(assessment="quarterly"), cols, secs,
        bonuses=[Rule("award", "bonus", "在政法工作中，每获得一个区级以上先进的加5分",
                      amount=D(5), per="个")],
        vetoes=[Veto("1", "（1）、社区未建立一支专职化队伍的；"),
                Veto("2", "（2）、排班表漏报或迟报3次（含）及以上的；")],
        signature=["单位", "考核时间", "考核人签名", "被考核社区负责人签名"],
        loc=Loc("rubrics/sample.yml", 1),
    )


def tiny_png() -> bytes:
    """A 4×4 grey PNG (no Pillow needed)."""
    w = h = 4
    raw = b"".join(b"\x00" + b"\x80\x80\x80" * w for _ in range(h))

    def chunk(t: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + t + data
                + struct.pack(">I", zlib.crc32(t + data) & 0xFFFFFFFF))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def _result(rubric: Rubric, unit: Unit, period: str, day: date, seed: int,
            record_file: str, photo: Optional[str]) -> Result:
    items = []
    total = D(0)
    for k, it in enumerate(rubric.items):
        adjs = []
        ded = D(0)
        if (k + seed) % 3 == 0:
            ded = D("0.5")
            adjs.append(Adjustment("deduct", "miss", it.rules[0].text if it.rules else "扣分",
                                   -ded, -ded, reason=f"{day.month}月{day.day}日检查，台账缺一项",
                                   count=1, date=day, evidence=f"督查记录第{k + 1}号",
                                   photos=(photo,) if (photo and k == 0) else (),
                                   source=Loc(record_file, 8 + k)))
        pts = it.points or D(0)
        score = max(pts - ded, D(0))
        total += score
        items.append(ItemScore(it.id, it.number, it.points, score, deducted=ded,
                               adjustments=adjs, self_score=pts, self_note="已落实"))
    rubric_adjs = []
    if rubric.bonuses and seed % 2 == 0:
        rubric_adjs.append(Adjustment("bonus", rubric.bonuses[0].id, rubric.bonuses[0].text,
                                      D(5), D(5), reason="获区级平安建设先进", date=day,
                                      source=Loc(record_file, 30)))
        total += D(5)
    ded_total = sum((i.deducted for i in items), D(0))
    res = Result(rubric.id, period, unit.id, unit.name, total, items, rubric_adjs,
                 self_total=sum((i.self_score or D(0) for i in items), D(0)),
                 deducted_total=ded_total, assessors=("镇综治办 周某", "派出所 陈某"),
                 date=day, record_files=(record_file,))
    res.grade = "优秀" if total >= 95 else "合格"
    if rubric.vetoes and seed == 3:
        res.vetoed = True
        res.vetoes = [VetoHit(rubric.vetoes[1].id, rubric.vetoes[1].text, "全年4次督查未见巡逻")]
        res.grade = "一票否决"
    return res


def sample_project(root: Path, *, rubrics: Optional[list[Rubric]] = None, units: int = 2,
                   periods: tuple[str, ...] = ("2017-Q1", "2017-Q2"),
                   photo: bool = True) -> tuple[Project, list[Result]]:
    """A project folder at `root` (booklet.yml not needed) and its results."""
    root = Path(root)
    (root / "assessments" / "photos").mkdir(parents=True, exist_ok=True)
    photo_rel = None
    if photo:
        (root / "assessments" / "photos" / "check.png").write_bytes(tiny_png())
        photo_rel = "assessments/photos/check.png"
    rubrics = rubrics or [sample_rubric()]
    names = ["新华社区", "东方社区", "南苑社区", "北港社区", "西湖社区", "湖塘村"]
    unit_list = [Unit(f"u{n}", names[n % len(names)] + ("" if n < len(names) else str(n)), "社区",
                      leader=f"王某{n}") for n in range(units)]
    config = Config(office="示例镇综合治理办公室", title="示例考核", year=2017, units=unit_list,
                    assign=[Assignment(r.id, tuple(u.id for u in unit_list), periods)
                            for r in rubrics])
    records, results = [], []
    for r in rubrics:
        for pi, period in enumerate(periods):
            ranked = []
            for ui, u in enumerate(unit_list):
                f = f"assessments/{r.id}/{period}/{u.id}.yml"
                day = date(2017, 3 * (pi + 1), 20 + ui % 8)
                findings = [Finding("miss", item=r.items[0].id, count=1, reason="台账缺一项",
                                    date=day, photos=(photo_rel,) if photo_rel else (),
                                    loc=Loc(f, 8))]
                records.append(Record(r.id, u.id, period, "assessment", day,
                                      assessors=("镇综治办 周某", "派出所 陈某"),
                                      findings=findings,
                                      signatures=Signatures(assessors=("周某", "陈某"),
                                                            leader=u.leader),
                                      loc=Loc(f)))
                res = _result(r, u, period, day, ui + pi, f, photo_rel)
                results.append(res)
                ranked.append(res)
            ranked.sort(key=lambda x: -x.total)
            for n, res in enumerate(ranked, 1):
                res.rank, res.rank_of = n, len(ranked)
                if pi:
                    res.change = D(n % 3) - 1
    return Project(str(root.resolve()), config, {r.id: r for r in rubrics}, records), results
