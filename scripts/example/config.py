"""booklet.yml of the example project."""
from __future__ import annotations

from pathlib import Path

from .common import CONFIG_HEADER


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
        "  publish_notes: false",
    ]
    (root / "booklet.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
