"""The example project's blank sheets (all five rubrics) and, for each
rubric, the unit sheet with the most notes (加扣分说明, grade conditions,
vetoes), plus seed 003's zjj-01: rendered once per test session (the
`example_sheets` fixture in conftest.py) for the tests that read printed
pages back (test_page_fill.py, test_pdf_weight.py)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED_003 = "changde-zjj-2017"


@dataclass
class ExampleSheets:
    ctx: object                    # the BuildContext
    pdfs: list[Path]
    wanted: set[tuple[str, str, str]]  # (rubric, period, unit) of the unit sheets

    def blanks(self) -> list[Path]:
        return [p for p in self.pdfs if p.parent.name == "blank"]

    def sheets(self) -> list[Path]:
        return [p for p in self.pdfs if "sheets" in p.parts]


def longest_notes(results) -> set[tuple[str, str, str]]:
    """(rubric, period, unit) of each rubric's sheet with the most notes."""
    best: dict[str, tuple] = {}
    for r in results:
        n = (sum(len(i.adjustments) for i in r.items) + len(r.rubric_adjustments)
             + len(r.grade_reasons) + len(r.vetoes))
        key = (n, r.period, r.unit_id)
        if r.rubric_id not in best or key > best[r.rubric_id]:
            best[r.rubric_id] = key
    return {(rid, period, unit) for rid, (_, period, unit) in best.items()}


def build_example_sheets(out: Path) -> ExampleSheets:
    from booklet.build import prepare
    from booklet.render.booklets import build_pdfs
    ctx = prepare(ROOT, site_dir=out / "site", internal_dir=out / "internal", jobs=1)
    wanted = longest_notes(ctx.results)
    wanted |= {(r.rubric_id, r.period, r.unit_id) for r in ctx.results
               if r.rubric_id == SEED_003 and r.unit_id == "zjj-01"}

    def pick(d) -> bool:
        if d.kind == "blank":
            return True
        if d.kind == "sheet":
            res = d.context["result"]
            return (res.rubric_id, res.period, res.unit_id) in wanted
        return False
    return ExampleSheets(ctx, sorted(build_pdfs(ctx, only=pick)), wanted)
