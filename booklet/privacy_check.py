"""Personal data in texts that will be published.

    check_published_texts(project, problems)

The site and the public PDFs show the reasons, evidence and notes typed into
records. The project's own annex data (rosters: names, ages, phones, home
addresses; duty schedules: who patrols where and when) says what must not be
in them: a home address, an age together with a name, an ID number or the
phone number of a roster member is an error; a duty schedule's area together
with a time (where the patrol will be) is a warning. A text marked
`internal: true` is never published and is not checked.

The messages name the file, the line and the kind of data, never the data
itself (the message may be pasted into a chat or a ticket).
Pure: reads only the project in memory.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterator

from .errors import Problems
from .model import Loc, Project

# 18-digit resident ID numbers (with a plausible birth date) and 15-digit old ones
_ID_NUMBER = re.compile(
    r"(?<![0-9A-Za-z])\d{6}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[0-9Xx]"
    r"(?![0-9A-Za-z])"
    r"|(?<![0-9A-Za-z])\d{6}\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}(?![0-9A-Za-z])")
_AGE = re.compile(r"\d{1,3}\s*(?:周岁|岁)|年龄\s*[:：]?\s*\d{1,3}|[一二三四五六七八九十]+岁")
_TIME = re.compile(r"\d{1,2}\s*[:：]\s*\d{2}|\d{1,2}\s*[点时]|凌晨|早上|上午|中午|下午|傍晚|晚上|夜间|深夜")
# a street and house number: 梧桐巷72号, 人民路88号3幢
_HOUSE = re.compile(r"[\u4e00-\u9fff]{1,12}?(?:路|街|巷|道|弄|里|村|组|大街|小区|花园|新村|苑)"
                    r"\d+(?:[-－]\d+)?号")
_ADMIN_PREFIX = re.compile(r"^.*?(?:省|市|区|县|镇|乡|街道)")
_DIGITS = re.compile(r"\d")


@dataclass
class _Annex:
    names: set[str] = field(default_factory=set)       # roster members (2+ characters)
    phones: set[str] = field(default_factory=set)      # digits only
    addresses: set[str] = field(default_factory=set)   # full addresses and street + number
    areas: set[str] = field(default_factory=set)       # duty schedule areas


def _digits(text: str) -> str:
    return "".join(_DIGITS.findall(text))


def _annex_data(project: Project) -> _Annex:
    out = _Annex()
    for ua in (project.annex or {}).values():
        roster = getattr(ua, "roster", None)
        if roster is not None:
            for team in roster.teams:
                for m in team.members:
                    if len(m.name.strip()) >= 2:
                        out.names.add(m.name.strip())
                    if len(_digits(m.phone)) >= 7:
                        out.phones.add(_digits(m.phone))
                    addr = re.sub(r"\s+", "", m.address or "")
                    if len(addr) >= 4:
                        out.addresses.add(addr)
                        short = _ADMIN_PREFIX.sub("", addr)
                        if len(short) >= 4:
                            out.addresses.add(short)
                        for h in _HOUSE.findall(short or addr):
                            out.addresses.add(h)
        duty = getattr(ua, "duty", None)
        if duty is not None:
            for filing in duty.filings:
                for row in filing.rows:
                    if len(_digits(row.phone)) >= 7:
                        out.phones.add(_digits(row.phone))
                    if len((row.area or "").strip()) >= 2:
                        out.areas.add(row.area.strip())
    return out


@dataclass
class _Text:
    loc: Loc
    what: str                          # 事由, 依据, 备注, 自评情况, 否决认定事由
    text: str


def published_texts(project: Project) -> Iterator[_Text]:
    """Every typed text of the records that the site or a public PDF shows
    (internal ones are left out: they are never published)."""
    publish_notes = bool(project.config.privacy.publish_notes)
    for rec in project.records:
        findings = list(rec.findings)
        if rec.self_assessment is not None:
            findings += rec.self_assessment.findings
        for f in findings:
            if f.internal:
                continue
            if f.reason:
                yield _Text(f.where("reason"), "事由", f.reason)
            if f.evidence:
                yield _Text(f.where("evidence"), "依据", f.evidence)
        for v in rec.vetoes:
            if v.reason and not v.internal:
                yield _Text(v.loc, "否决认定事由", v.reason)
        if rec.self_assessment is not None:
            sa = rec.self_assessment
            for iid, text in sa.notes.items():
                if text and iid not in sa.internal_notes:
                    yield _Text(sa.note_locs.get(iid, rec.where("self_assessment")), "自评情况", text)
        if publish_notes:
            for n in rec.notes:
                if n.text and not n.internal:
                    yield _Text(n.loc if n.loc.file != "<内置>" else rec.where("notes"), "备注", n.text)


def _found(text: str, data: _Annex) -> tuple[list[str], list[str]]:
    """(kinds of personal data: errors, kinds: warnings) found in one text."""
    flat = re.sub(r"\s+", "", text)
    errors, warnings = [], []
    if any(a in flat for a in data.addresses):
        errors.append("花名册人员的家庭住址")
    if _AGE.search(text) and any(n in flat for n in data.names):
        errors.append("花名册人员的姓名和年龄")
    if _ID_NUMBER.search(text):
        errors.append("身份证号码")
    digits_runs = ["".join(_DIGITS.findall(m)) for m in re.findall(r"[+\d][\d\- \u00a0]{6,}\d", text)]
    if any(p in run for run in digits_runs for p in data.phones):
        errors.append("花名册或排班表中的电话号码")
    if _TIME.search(text) and any(a in flat for a in data.areas):
        warnings.append("巡逻执勤的地点和时间")
    return errors, warnings


_HINT = ("删去这部分内容，或在这一条上加 internal: true 标为内部（内部内容只进内部台账，"
         "不公布到网站和公开的 PDF）。")


def check_published_texts(project: Project, problems: Problems) -> None:
    data = _annex_data(project)
    for t in published_texts(project):
        errors, warnings = _found(t.text, data)
        if errors:
            problems.error(t.loc, f"{t.what}中含有{'、'.join(errors)}，会公布到网站上。", _HINT,
                           code="personal-data")
        if warnings:
            problems.warning(t.loc, f"{t.what}中写有{'、'.join(warnings)}（人员行踪），会公布到网站上。",
                             _HINT, code="patrol-whereabouts")
