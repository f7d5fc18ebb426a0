"""shequ-2022 (seed 002): communities and villages, deduction only, base 100."""
from __future__ import annotations

import random
from datetime import date

from .common import Writer


SQ_UNITS = [("sq-01", "城关社区", "社区"), ("sq-02", "河西社区", "社区"), ("sq-03", "滨江社区", "社区"),
            ("cun-01", "杨柳村", "村"), ("cun-02", "金竹村", "村"), ("cun-03", "桥头村", "村")]


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
