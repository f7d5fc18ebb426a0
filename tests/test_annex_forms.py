"""The one annex form spec (booklet/annex/forms.py): the seed's titles, read
by every place that names a form."""
from __future__ import annotations

import re

import pytest
from openpyxl import load_workbook

from booklet.annex.dump import dump
from booklet.annex.exporter import write_xlsx
from booklet.annex.forms import FORM_SPECS, FORMS
from booklet.annex.model import Roster, UnitAnnex
from booklet.annex.print import form_title
from booklet.site.build import FORMS as SITE_FORMS

from conftest import REPO


def seed_title(number: str) -> str:
    """The line after "附件N" in seed 001, spaces (the unit's blanks) removed."""
    (seed,) = (REPO / "tests" / "data" / "seeds").glob("001_*.txt")
    lines = [l.strip() for l in seed.read_text(encoding="utf-8").splitlines()]
    i = lines.index(number)
    title = next(l for l in lines[i + 1:] if l)
    return re.sub(r"\s+", "", title)


@pytest.mark.parametrize("form", FORMS)
def test_titles_are_the_seeds(form):
    spec = FORM_SPECS[form]
    assert spec.title == seed_title(spec.number)


def test_the_site_lists_the_blank_forms_by_the_spec_titles():
    assert SITE_FORMS == tuple((k, f"{s.number} {s.title}") for k, s in FORM_SPECS.items())


@pytest.mark.parametrize("form", FORMS)
def test_print_titles_a_unit_form_from_the_spec(form):
    title, _ = form_title(form, "东门社区")
    rest = FORM_SPECS[form].title.removeprefix("社区")
    assert str(title) == (rest if form == "funds" else "东门社区" + rest)


@pytest.mark.parametrize("form", FORMS)
def test_every_export_header_imports_back(form):
    spec = FORM_SPECS[form]
    aliases = {a for names in spec.columns.values() for a in names}
    assert set(spec.headers) <= aliases


def test_export_and_dump_name_the_form_by_the_spec(tmp_path):
    annex = UnitAnnex(unit="u1", roster=Roster(unit="u1"))
    wb = load_workbook(write_xlsx("roster", annex, tmp_path / "r.xlsx"))
    spec = FORM_SPECS["roster"]
    assert wb.active.title == spec.name
    assert tuple(c.value for c in wb.active[1]) == spec.headers
    assert wb.properties.title == "附件2 社区群防群治队伍花名册"
    assert "# 附件2 社区群防群治队伍花名册。" in dump("roster", annex.roster)
