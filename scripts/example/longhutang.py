"""longhutang (seed 000): the communities of 龙虎塘街道, 2013."""
from __future__ import annotations

import random
from datetime import date

from .common import Writer


LHT_NAMES = "龙湖 新龙 塘北 春风 百丈 汤庄 岳庄 薛巷".split()


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
