"""Display of points: at most two decimals, no trailing zeros, never floats.

    >>> fmt_points(Decimal("2.00")), fmt_points(Decimal("0.5")), fmt_points(Decimal("13.25"))
    ('2', '0.5', '13.25')
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Optional, Union

CENT = Decimal("0.01")
ZERO = Decimal(0)

Number = Union[Decimal, int, str]


def q2(value: Decimal) -> Decimal:
    """Round half up to two decimals (the precision every result is kept at)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def fmt_points(value: Optional[Number]) -> str:
    """2 → "2", 0.5 → "0.5", 13.25 → "13.25", -1.5 → "-1.5"; None → "".

    Rounds half up to 2 decimals; never "2.00", never an exponent ("1E+2"),
    never "-0". Floats are refused: scores are Decimal everywhere.
    """
    if value is None:
        return ""
    if isinstance(value, float):
        raise TypeError("fmt_points takes Decimal, not float")
    d = value if isinstance(value, Decimal) else Decimal(value)
    text = format(d.quantize(CENT, rounding=ROUND_HALF_UP), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def fmt_signed(value: Optional[Number]) -> str:
    """+2 / -1.5 / 0: for adjustments and changes."""
    if value is None:
        return ""
    text = fmt_points(value)
    return "+" + text if not text.startswith("-") and text != "0" else text


def json_number(value: Optional[Decimal]) -> Union[int, float, None]:
    """A JSON number with at most 2 decimals: 2 → 2, 13.25 → 13.25, None → None.

    float() of a two-decimal Decimal prints back as the same short text
    (Python's repr is the shortest round-tripping form), so json.dumps
    writes 0.3, never 0.30000000000000004.
    """
    if value is None:
        return None
    d = q2(value)
    if d == d.to_integral_value():
        return int(d)
    return float(d)
