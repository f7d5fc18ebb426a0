"""Shared by every rubric's generator: the YAML writer, the name pool, tiny PNGs."""
from __future__ import annotations

import random
import struct
import zlib
from pathlib import Path

import yaml


ROOT = Path(__file__).resolve().parents[2]       # the repository
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


def png(w: int, h: int, top: tuple, bottom: tuple) -> bytes:
    rows = b"".join(b"\x00" + bytes(top if y < h // 2 else bottom) * w for y in range(h))

    def chunk(t: bytes, d: bytes) -> bytes:
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))
