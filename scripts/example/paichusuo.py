"""paichusuo (seed 004): six police stations, 2017."""
from __future__ import annotations

import random
from datetime import date

from .common import Writer


PCS_UNITS = [
    ("pcs-01", "城东派出所", ["城区所", "一类所"]),
    ("pcs-02", "城西派出所", ["城区所", "一类所"]),
    ("pcs-03", "城南派出所", ["城区所"]),
    ("pcs-04", "河口派出所", ["一类所"]),
    ("pcs-05", "青山派出所", []),
    ("pcs-06", "白鹤派出所", []),
]


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
