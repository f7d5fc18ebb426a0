"""Formatting of numbers, dates, money, phone numbers and plain-text tables
for print, site and the command line.

Pure functions; templates call them through filters of the same name.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable, Optional, Sequence

from .periods import label as fmt_period  # noqa: F401  (the templates' `period` filter)

TWO_PLACES = Decimal("0.01")


def fmt_points(value: Optional[Decimal | int | str]) -> str:
    """2 → "2", 0.5 → "0.5", 13.25 → "13.25", -1.5 → "-1.5"; None or "" → "".

    Rounds half up to 2 decimals; never "2.00", never an exponent, never "-0".
    Floats are refused: points are Decimal everywhere, and a float here means
    a bug upstream (0.30000000000000004).
    """
    if value is None or value == "":
        return ""
    if isinstance(value, float):
        raise TypeError("fmt_points takes Decimal, not float")
    d = value if isinstance(value, Decimal) else Decimal(value)
    text = format(d.quantize(TWO_PLACES, rounding=ROUND_HALF_UP), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def fmt_signed(value: Optional[Decimal | int | str]) -> str:
    """+2 / -1.5 / 0, for changes and adjustments."""
    if value is None:
        return ""
    text = fmt_points(value)
    return "+" + text if not text.startswith("-") and text != "0" else text


def fmt_date(d: Optional[date]) -> str:
    """2017年3月5日 (GB/T 9704: Arabic digits, no leading zeros)."""
    if d is None:
        return ""
    return f"{d.year}年{d.month}月{d.day}日"




def width(text: str) -> int:
    """Display columns: East Asian Wide and Fullwidth characters count 2."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, w: int, right: bool = False) -> str:
    gap = " " * max(0, w - width(text))
    return gap + text if right else text + gap


def text_table(headers: Sequence[str], rows: Sequence[Sequence[str]],
               right: Iterable[int] = ()) -> str:
    """A plain-text table that lines up Chinese text; `right`: right-aligned
    column indexes."""
    right = set(right)
    widths = [max([width(h)] + [width(r[i]) for r in rows]) for i, h in enumerate(headers)]
    line = lambda cells: "  ".join(pad(c, widths[i], i in right)
                                   for i, c in enumerate(cells)).rstrip()
    out = [line(headers), "  ".join("-" * w for w in widths)]
    out.extend(line(r) for r in rows)
    return "\n".join(out)


MOBILE_RE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")


def mask_phone(text: str) -> str:
    """138****1234 for every mobile number in `text` (landlines: all but the area code)."""
    if not text:
        return text
    text = MOBILE_RE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
    return re.sub(r"(?<!\d)(0\d{2,3})-(\d{7,8})(?!\d)",
                  lambda m: m.group(1) + "-" + "*" * len(m.group(2)), text)


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL = ["", "拾", "佰", "仟"]
_BIG = ["", "万", "亿", "万亿"]


def rmb_upper(amount: Decimal | int | str) -> str:
    """Amount in capitals for approval forms: 6007.14 → 人民币陆仟零柒元壹角肆分, 100 → 人民币壹佰元整.

    One 零 stands for a run of zeros; 整 follows 元 or 角, never 分.
    """
    d = Decimal(str(amount)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
    if d < 0:
        raise ValueError("金额不能为负数")
    fen_total = int(d * 100)
    yuan, rest = divmod(fen_total, 100)
    jiao, fen = divmod(rest, 10)

    out = ""
    if yuan:
        groups = []
        n = yuan
        while n:
            n, g = divmod(n, 10000)
            groups.append(g)
        need_zero = False
        for gi in range(len(groups) - 1, -1, -1):
            g = groups[gi]
            if g == 0:
                need_zero = bool(out)
                continue
            text = ""
            digits = [g // 1000 % 10, g // 100 % 10, g // 10 % 10, g % 10]
            zero = False
            for pos, dgt in enumerate(digits):
                if dgt == 0:
                    zero = bool(text) or (bool(out) and gi < len(groups) - 1)
                    continue
                if zero or (need_zero and not text):
                    text += "零"
                text += _DIGITS[dgt] + _SMALL[3 - pos]
                zero = False
                need_zero = False
            out += text + _BIG[gi]
            need_zero = g % 10 == 0 and gi > 0
        out += "元"
    if jiao == 0 and fen == 0:
        return "人民币" + (out or "零元") + "整"
    if jiao:
        out += _DIGITS[jiao] + "角"
    elif yuan:
        out += "零"
    if fen:
        out += _DIGITS[fen] + "分"
    else:
        out += "整"
    return "人民币" + out
