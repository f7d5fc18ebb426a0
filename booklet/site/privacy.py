"""What may appear on the public site.

Every free text typed into a record (reasons, notes, evidence, self-assessment
notes) passes through `public_text` before it is rendered: mobile and landline
numbers are masked as in `textfmt.mask_phone`, and so are forms that function
misses (138-1234-5678, 138 1234 5678, +86/86 prefixes) and ID card numbers
(the 8 digits of the birth date hidden: 110101199003071234 → 110101********1234,
as the site's about page says).
Annex data (rosters, duty schedules, funds) is never read by the site.

`public_results` gives the results as the public may see them: the reason
and evidence of a finding marked `internal: true`, the reason of such a veto
and an internal self-assessment note are left out (the rule's own words are
shown instead). The site and the public PDFs read these, the internal ledger
reads the full results.
"""
from __future__ import annotations

import re
from dataclasses import replace

from ..model import Loc, Project
from ..scoring.result import Adjustment, Result
from ..textfmt import mask_phone

# 138-1234-5678, 138 1234 5678, 86 13812345678, 8613812345678
_SPLIT_MOBILE = re.compile(
    r"(?<![\d*])(?:\+?86[- ]?)?(1[3-9]\d)[- \u00a0](\d{4})[- \u00a0](\d{4})(?!\d)")
_PREFIXED_MOBILE = re.compile(r"(?<![\d*])\+?86[- ]?(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
# 18-digit resident ID numbers (last digit may be X): keep region and check digit.
_ID_CARD = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[0-9Xx])(?![0-9A-Za-z])")


def public_text(text: str | None) -> str:
    """`text` with every phone and ID card number masked; None → ''."""
    if not text:
        return ""
    text = str(text)
    text = _ID_CARD.sub(lambda m: f"{m.group(1)}********{m.group(3)}", text)
    text = _SPLIT_MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
    text = _PREFIXED_MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
    return mask_phone(text)


def _internal_places(project: Project) -> tuple[set[Loc], set[Loc], dict[str, frozenset[str]]]:
    """(locs of internal findings, locs of internal vetoes,
    record file -> item ids whose self-assessment note is internal)."""
    findings: set[Loc] = set()
    vetoes: set[Loc] = set()
    notes: dict[str, frozenset[str]] = {}
    for rec in project.records:
        fs = list(rec.findings)
        if rec.self_assessment is not None:
            fs += rec.self_assessment.findings
            if rec.self_assessment.internal_notes:
                notes[rec.loc.file] = rec.self_assessment.internal_notes
        findings.update(f.loc for f in fs if f.internal)
        vetoes.update(v.loc for v in rec.vetoes if v.internal)
    return findings, vetoes, notes


def public_results(project: Project, results: list[Result]) -> list[Result]:
    """`results` without the texts marked internal (copies where anything is
    left out; the others are the same objects)."""
    findings, vetoes, notes = _internal_places(project)
    if not (findings or vetoes or notes):
        return results

    def adj(a: Adjustment) -> Adjustment:
        return replace(a, reason="", evidence="", photos=()) if a.source in findings else a

    out = []
    for r in results:
        hidden = set().union(*(notes.get(f, frozenset()) for f in r.record_files))
        touched = (hidden or any(v.source in vetoes for v in r.vetoes)
                   or any(a.source in findings for a in r.rubric_adjustments)
                   or any(a.source in findings for it in r.items for a in it.adjustments))
        if not touched:
            out.append(r)
            continue
        items = [replace(it, adjustments=[adj(a) for a in it.adjustments],
                         self_note="" if it.item_id in hidden else it.self_note)
                 for it in r.items]
        # scoring quotes a veto's reason in the grade reasons: 一票否决：…（reason）：评定为…
        quoted = [f"（{v.reason}）" for v in r.vetoes if v.source in vetoes and v.reason]
        grade_reasons = list(r.grade_reasons)
        for q in quoted:
            grade_reasons = [g.replace(q, "") for g in grade_reasons]
        out.append(replace(
            r, items=items, rubric_adjustments=[adj(a) for a in r.rubric_adjustments],
            vetoes=[replace(v, reason="") if v.source in vetoes else v for v in r.vetoes],
            grade_reasons=grade_reasons))
    return out
