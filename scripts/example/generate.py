"""Writing the whole example (generate) and printing its scores (summary)."""
from __future__ import annotations

import random
import shutil
import sys
from pathlib import Path

from .changde import ZJJ_UNITS, changde
from .common import (NamePool, OFFICERS, PHOTO_DIR, ROOT, RUBRICS, SEED, Writer, ZZB_INSPECT,
                     ZZB_MAIN)
from .config import write_config
from .hutang import Hutang, PHOTOS, hutang_units
from .longhutang import LHT_NAMES, longhutang
from .paichusuo import PCS_UNITS, paichusuo
from .shequ import SQ_UNITS, shequ


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
