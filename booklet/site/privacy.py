"""What may appear on the public site.

Every free text typed into a record (reasons, notes, evidence, self-assessment
notes) passes through `public_text` before it is rendered: mobile and landline
numbers are masked as in `textfmt.mask_phone`, and so are forms that function
misses (138-1234-5678, 138 1234 5678, +86/86 prefixes) and ID card numbers.
Annex data (rosters, duty schedules, funds) is never read by the site.
"""
from __future__ import annotations

import re

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
    text = _ID_CARD.sub(lambda m: f"{m.group(1)}********{m.group(3)[-1]}", text)
    text = _SPLIT_MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
    text = _PREFIXED_MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
    return mask_phone(text)
