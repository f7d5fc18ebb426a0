"""Display of points: at most two decimals, no trailing zeros, never floats.

    >>> fmt_points(Decimal("2.00")), fmt_points(Decimal("0.5")), fmt_points(Decimal("13.25"))
    ('2', '0.5', '13.25')
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Optional, Union

from ..textfmt import fmt_points, fmt_signed  # noqa: F401  (one implementation, re-exported)

CENT = Decimal("0.01")
ZERO = Decimal(0)


def q2(value: Decimal) -> Decimal:
    """Round half up to two decimals (the precision every result is kept at).

    The context's precision grows with the number, so a large value (a count
    of 29 digits times an amount) is rounded, not an InvalidOperation; the
    schemas bound every input far below that (schemacheck.MAX_MAGNITUDE)."""
    value = Decimal(value)
    if not value.is_finite():
        raise ValueError(f"not a finite number: {value}")
    prec = max(28, value.adjusted() + 4)
    return value.quantize(CENT, rounding=ROUND_HALF_UP, context=Context(prec=prec))


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
