"""changde-zjj-2017 (seed 003): the units of 常德市住建局."""
from __future__ import annotations

import random
from datetime import date

from .common import Writer


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
