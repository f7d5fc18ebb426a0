"""Checks of annex values and of the annex files against each other.

Each check appends a `Problem` that names the place (file:line:col or 表 Sheet1
第 7 行), says what is wrong and how to fix it, in Chinese. The same checks run
when a YAML file is loaded and when a spreadsheet is imported.

Rules (see docs/annex.md):
- 联系电话: an 11-digit mobile number 1[3-9]xxxxxxxxx, or a landline with its
  area code, 0xxx-xxxxxxx (3- or 4-digit area code, 7- or 8-digit number).
- 年龄: a whole number; 16–80 is the plausible range for a patrol volunteer
  (outside it: a warning, since a real 81-year-old 楼道长 exists; below 1 or
  above 120: an error).
- 职务: 队长, 组长 or 队员 (the checkboxes of the form).
- 巡逻时段: H:MM-H:MM, 0:00–24:00, the end after the start.
- 巡逻人员 should be on the unit's roster (a warning: a helper may join once).
- 金额: positive (批准金额 may be 0 = 不予批准), at most 2 decimals; 批准金额 ≤ 申请金额.
- 金额 below 1 亿元 (MAX_AMOUNT: a spreadsheet cell of 1e30 is a typo, not a sum).
- Dates: one of the spellings of booklet.dates, inside the year the file is for.
"""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Optional

from ..dates import DateError, parse_date, parse_date_or_none
from ..errors import Problems
from ..model import Loc
from .model import AGE_MAX, AGE_MIN, PROFESSIONAL, ROLES, SOCIAL, Duty, Roster

MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-\d{7,8}$")
SLOT = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")
PERIOD = re.compile(r"^(\d{4})-(\d{2})/(\d{2})$")
MAX_AMOUNT = Decimal(100_000_000)      # 金额 < 1 亿元 (schema/annex.schema.json says the same)

_FULLWIDTH = str.maketrans("０１２３４５６７８９：－—–～~．　", "0123456789:-----. ")


def halfwidth(text: str) -> str:
    """Full-width digits and punctuation → half-width (for fix suggestions)."""
    return text.translate(_FULLWIDTH).replace(" ", "")


def check_phone(value, loc: Loc, problems: Problems, what: str = "联系电话") -> str:
    """A phone number as text ('' if missing or wrong, with a problem)."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool) or isinstance(value, float):
        problems.error(loc, f"{what}「{value}」不是电话号码。",
                       "写成 11 位手机号（如 \"13900000101\"）或带区号的固定电话（如 \"0519-86001234\"），"
                       "加上引号。", code="annex-phone")
        return ""
    text = str(value).strip()
    if MOBILE.match(text) or LANDLINE.match(text):
        return text
    compact = halfwidth(text).replace("-", "")
    hint = ""
    if MOBILE.match(compact):
        hint = f"手机号中间不要加空格或横线，写成 \"{compact}\"。"
    elif compact.startswith("0") and LANDLINE.match(halfwidth(text).replace(" ", "")):
        hint = f"写成 \"{halfwidth(text)}\"（半角数字）。"
    elif re.fullmatch(r"1\d{10}", compact):
        hint = "手机号的第二位应为 3 至 9，请核对号码。"
    elif re.fullmatch(r"1\d+", compact):
        hint = f"手机号应为 11 位数字，这里有 {len(compact)} 位，请核对号码。"
    elif re.fullmatch(r"[2-9]\d{6,7}", compact):
        hint = f"固定电话要带区号，如 \"0519-{compact}\"。"
    problems.error(loc, f"{what}「{text}」格式不对。",
                   hint or "写成 11 位手机号（如 \"13900000101\"）或带区号的固定电话"
                           "（如 \"0519-86001234\"）。", code="annex-phone")
    return ""


def check_age(value, loc: Loc, problems: Problems, name: str = "") -> Optional[int]:
    who = f"{name}的" if name else ""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        text = str(value)
        if isinstance(value, str) and halfwidth(text).rstrip("岁").isdigit():
            fix = f"写成半角数字 {halfwidth(text).rstrip('岁')}，不要写“岁”或全角数字。"
        else:
            fix = "年龄写成整数周岁，如 45。"
        problems.error(loc, f"{who}年龄「{text}」不是整数。", fix, code="annex-age")
        return None
    if value < 1 or value > 120:
        problems.error(loc, f"{who}年龄 {value} 不可能。",
                       "请核对年龄（整数周岁）；群防群治志愿者的合理年龄为 "
                       f"{AGE_MIN} 至 {AGE_MAX} 岁。", code="annex-age")
        return None
    if value < AGE_MIN or value > AGE_MAX:
        problems.warning(loc, f"{who}年龄 {value} 岁不在群防群治志愿者的合理范围 "
                              f"{AGE_MIN}–{AGE_MAX} 岁之内。",
                         f"请核对年龄；未满 {AGE_MIN} 岁或超过 {AGE_MAX} 岁的人员不宜参加巡逻执勤，"
                         "如确属实可保留。", code="annex-age-range")
    return value


def check_role(value, loc: Loc, problems: Problems, name: str = "") -> str:
    text = "" if value is None else str(value).strip()
    if text in ROLES:
        return text
    who = f"{name}的" if name else ""
    if not text:
        problems.error(loc, f"{who}职务没有填写。", "职务填 队长、组长 或 队员 之一。",
                       code="annex-role")
    else:
        guess = next((r for r in ROLES if r in text), None)
        fix = "职务只能是 队长、组长 或 队员（表格上的三个勾选项）之一"
        fix += f"，这里大概是“{guess}”。" if guess else "。副队长、副组长请填 组长。"
        problems.error(loc, f"{who}职务「{text}」不在 队长、组长、队员 之中。", fix,
                       code="annex-role")
    return text


def check_slot(value, loc: Loc, problems: Problems) -> str:
    """'13:00-18:00': well-formed, within the day, end after start."""
    if isinstance(value, int) and not isinstance(value, bool):
        problems.error(loc, f"巡逻时段被 YAML 读成了数字 {value}。",
                       "时段写成带引号的文本，如 \"13:00-18:00\"。", code="annex-slot")
        return ""
    text = "" if value is None else str(value).strip()
    m = SLOT.match(text)
    if not m:
        norm = halfwidth(text).replace("至", "-").replace("到", "-")
        fix = "写成 开始-结束，如 \"13:00-18:00\"（半角冒号和横线）。"
        if SLOT.match(norm):
            fix = f"写成 \"{norm}\"（半角冒号和横线）。"
        problems.error(loc, f"巡逻时段「{text}」格式不对。", fix, code="annex-slot")
        return ""
    h1, m1, h2, m2 = (int(g) for g in m.groups())
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if m1 > 59 or m2 > 59 or start > 24 * 60 or end > 24 * 60:
        problems.error(loc, f"巡逻时段「{text}」中的时间不存在。",
                       "小时为 0–24，分钟为 00–59，如 \"19:00-23:30\"。", code="annex-slot")
        return ""
    if end <= start:
        problems.error(loc, f"巡逻时段「{text}」的结束时间不晚于开始时间。",
                       "结束时间应在开始时间之后；跨过午夜的夜巡请分成两行（如 \"20:00-24:00\" 和 "
                       "次日 \"0:00-2:00\"）。", code="annex-slot-order")
        return ""
    return text


def check_amount(value, loc: Loc, problems: Problems, what: str,
                 allow_zero: bool = False) -> Optional[Decimal]:
    """A money amount: a number > 0 (or ≥ 0) with at most 2 decimals."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        d = None
    elif isinstance(value, (int, Decimal)):
        d = Decimal(value)
    elif isinstance(value, float):
        d = Decimal(repr(value))
    else:
        d = None
        text = halfwidth(str(value)).replace(",", "").replace("，", "")
        text = text.lstrip("¥￥").removesuffix("元")
        try:
            d = Decimal(text)
        except InvalidOperation:
            d = None
        problems.error(loc, f"{what}「{value}」不是数字。",
                       f"写成不带引号、单位和千位分隔符的数字，如 {d}。" if d is not None
                       else "写成数字（单位：元），如 6007.14。", code="annex-amount")
        return None
    if d is None or not d.is_finite():
        problems.error(loc, f"{what}「{value}」不是数字。", "写成数字（单位：元），如 6007.14。",
                       code="annex-amount")
        return None
    if abs(d) >= MAX_AMOUNT:
        problems.error(loc, f"{what} {value} 元太大（应小于 1 亿元）。",
                       "检查是否多打了数字，或表格把数字显示成了科学计数法；金额以元为单位，如 6007.14。",
                       code="annex-amount")
        return None
    if d < 0 or (d == 0 and not allow_zero):
        problems.error(loc, f"{what}必须大于 0，这里是 {value}。",
                       "填写实际金额（元）。" + ("不予批准的请写 0。" if allow_zero else ""),
                       code="annex-amount")
        return None
    if d != d.quantize(Decimal("0.01")):
        problems.error(loc, f"{what} {value} 超过两位小数（金额只到分）。",
                       f"四舍五入到分，如 {d.quantize(Decimal('0.01'))}。", code="annex-amount")
        return None
    return d


def check_date(value, loc: Loc, problems: Problems, what: str,
               year: Optional[int] = None) -> Optional[date]:
    """A date by the one parser (booklet.dates); None with a problem if it is not one."""
    if value is None or value == "":
        return None
    try:
        d = parse_date(value)
    except DateError as e:
        problems.error(loc, f"{what}{e.what}", e.fix, code="annex-date")
        return None
    if year is not None and d.year != year:
        problems.error(loc, f"{what} {d.isoformat()} 不在 {year} 年内。",
                       f"本文件记录的是 {year} 年的数据，请核对日期；其他年份的数据请分开记录。",
                       code="annex-date-year")
        return None
    return d


def parse_date_text(text: str) -> Optional[date]:
    """2017/03/05, 2017-3-5, 2017.3.5, 2017年3月5日 → date; None if not a date (booklet.dates)."""
    return parse_date_or_none(str(text))


def check_period(value, loc: Loc, problems: Problems, year: Optional[int]) -> str:
    """'2017-01/02': a two-month period starting on an odd month. A file of
    year Y holds the schedules Y-01/02 … Y-11/12 and Y+1-01/02 (due on 12月25日 of Y)."""
    text = "" if value is None else str(value).strip()
    m = PERIOD.match(text)
    ok = False
    if m:
        y, a, b = (int(g) for g in m.groups())
        ok = a % 2 == 1 and b == a + 1 and 1 <= a <= 11
    if m is None or not ok:
        problems.error(loc, f"报备期「{text}」格式不对。",
                       "报备期是两个月，写成 年-单月/双月，如 \"2017-01/02\"、\"2017-03/04\" …… "
                       "\"2017-11/12\"。", code="annex-period")
        return ""
    y, a = int(m.group(1)), int(m.group(2))
    if year is not None and not (y == year or (y == year + 1 and a == 1)):
        problems.error(loc, f"报备期 {text} 不属于 {year} 年。",
                       f"本文件记录 {year} 年报备的排班表：{year}-01/02 至 {year}-11/12，"
                       f"以及 {year}年12月25日前报备的 {year + 1}-01/02；请核对年份。",
                       code="annex-date-year")
        return ""
    return text


def filing_months(period: str) -> tuple[int, int, int]:
    m = PERIOD.match(period)
    if m is None:
        raise ValueError(f"not a filing period: {period!r}")   # callers pass checked periods
    y, a, b = (int(g) for g in m.groups())
    return y, a, b


# ---------------------------------------------------------------- cross checks

def check_roster(roster: Roster, problems: Problems) -> None:
    """Whole-roster checks: duplicate teams and members, near-miss team types."""
    seen: dict[str, object] = {}
    for team in roster.teams:
        if team.name in seen:
            problems.error(team.loc, f"队伍名称「{team.name}」重复。",
                           "每支队伍只写一次，把成员合并到同一支队伍下，或改用不同的队伍名称。",
                           code="annex-team-dup")
        seen[team.name] = team
        if team.type not in (PROFESSIONAL, SOCIAL):
            if "专职" in team.type:
                problems.warning(team.loc, f"队伍类型「{team.type}」与考核细则的“{PROFESSIONAL}”不一致，"
                                           "计分时不算专职化队伍。",
                                 f"如果这是专职化队伍，类型请写“{PROFESSIONAL}”。",
                                 code="annex-team-type")
            elif "社会化" in team.type:
                problems.warning(team.loc, f"队伍类型「{team.type}」与考核细则的“{SOCIAL}”不一致，"
                                           "计分时不算社会化队伍。",
                                 f"如果这是社会化队伍，类型请写“{SOCIAL}”。",
                                 code="annex-team-type")
        names: set[str] = set()
        for m in team.members:
            if m.name in names:
                problems.warning(m.loc, f"「{m.name}」在队伍「{team.name}」中出现了两次，人数会多算。",
                                 "删去重复的一行；同名的两人请在姓名后加区分，如“王芳（大）”。",
                                 code="annex-member-dup")
            names.add(m.name)
        leaders = [m for m in team.members if m.role == "队长"]
        if len(team.members) and len(leaders) > 1:
            problems.warning(team.loc, f"队伍「{team.name}」有 {len(leaders)} 名队长。",
                             "每支队伍通常只有一名队长，其余请填“组长”。", code="annex-leaders")


def check_duty_against_roster(duty: Duty, roster: Optional[Roster], problems: Problems,
                              roster_file: str = "roster.yml") -> None:
    """Every patrol member should be on the roster (warning)."""
    if roster is None:
        if any(f.rows for f in duty.filings):
            problems.warning(duty.loc, "本单位没有花名册（roster.yml），无法核对巡逻人员。",
                             f"在同一文件夹中建立 {roster_file}（附件2 花名册）。",
                             code="annex-no-roster")
        return
    known = roster.member_names()
    for filing in duty.filings:
        for row in filing.rows:
            for name in row.members:
                if name not in known:
                    problems.warning(row.loc, f"巡逻人员「{name}」不在本社区的花名册中。",
                                     f"把此人加入 {roster_file} 中相应的队伍，或核对姓名的写法。",
                                     code="annex-unknown-member")
