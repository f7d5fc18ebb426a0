"""Printed annex forms: the blank forms of seed 001 (titles, every header cell,
the role checkboxes, rows to the foot of the page), the filled forms of the
ledger (amounts in capitals) and the ledger fragment (each attachment on a new
page, 附件N flush left, the title on the third line)."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest

from booklet.annex.print import (EMPTY_ROLES, build_blank_forms, ledger_annex_html,
                                 write_blank_forms, write_filled_forms)
from booklet.cli import main
from booklet.load import load_project

from conftest import REPO

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")

SEED = (REPO / "tests" / "data" / "seeds" / "001_bb18efb3631b949b.txt").read_text(encoding="utf-8")
HEADERS = {
    "roster": ["队伍名称", "人数", "姓 名", "年龄", "联系电话", "职务", "家庭住址"],
    "duty": ["巡逻日期", "巡逻时段", "巡逻人员", "联系电话", "巡逻区域"],
    "funds": ["申请部门", "申请人", "用款事由", "申请金额", "批准金额", "批准人", "备  注"],
}
TITLES = {"roster": "社区群防群治队伍花名册", "duty": "群防群治队伍执勤排班表", "funds": "群防群治用款审批表"}
NUMBERS = {"roster": "附件2", "duty": "附件3", "funds": "附件4"}


def pdftotext(pdf: Path, first: int | None = None, last: int | None = None) -> str:
    args = ["pdftotext", "-layout"]
    if first:
        args += ["-f", str(first), "-l", str(last or first)]
    return subprocess.run(args + [str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def pages(pdf: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", out).group(1))


def cell_re(cell: str) -> str:
    """A header cell as printed: the seed's spaces may be any (ideographic) space."""
    return r"\s*".join(re.escape(c) for c in cell.replace(" ", ""))


@pytest.fixture(scope="module")
def town():
    project, problems = load_project(REPO)
    assert project is not None, problems.report()
    return project


@pytest.fixture(scope="module")
def blank(tmp_path_factory, town):
    out = tmp_path_factory.mktemp("site")
    written = write_blank_forms(town.root, town.config, out)
    return out, written


# ---------------------------------------------------------------- blank forms

def test_every_seed_header_cell_and_title_is_printed(blank):
    out, written = blank
    assert sorted(p.name for p in written) == sorted(
        [f"{f}.{s}" for f in ("roster", "duty", "funds") for s in ("pdf", "html")])
    for form, cells in HEADERS.items():
        pdf = out / "pdf" / "forms" / f"{form}.pdf"
        assert pages(pdf) == 1, form
        text = pdftotext(pdf)
        for cell in cells + [TITLES[form]]:
            assert cell in SEED, cell                        # the list is the seed's
            assert re.search(cell_re(cell), text), f"{form}: {cell!r} missing in\n{text}"
        first = next(line for line in text.splitlines() if line.strip())
        assert first.strip() == NUMBERS[form]                # 附件N first, flush left
        assert not first.startswith("     ")


def test_spaced_header_cells_keep_their_space(blank):
    out, _ = blank
    assert re.search(r"姓\s+名", pdftotext(out / "pdf" / "forms" / "roster.pdf"))
    assert re.search(r"备\s+注", pdftotext(out / "pdf" / "forms" / "funds.pdf"))


def test_blank_roster_has_checkboxes_on_every_row_down_the_page(blank):
    out, _ = blank
    text = pdftotext(out / "pdf" / "forms" / "roster.pdf")
    n = text.count("□队长、□组长、□队员")
    assert n >= 15, n          # the seed shows 10; the page holds more
    html = (out / "pdf" / "forms" / "roster.html").read_text(encoding="utf-8")
    assert html.count(EMPTY_ROLES) == n
    duty_html = (out / "pdf" / "forms" / "duty.html").read_text(encoding="utf-8")
    assert duty_html.count("<tr><td></td><td></td><td></td><td></td><td></td></tr>") >= 15
    # a blank before 社区 for the unit's name; two blanks in the schedule's title
    assert html.count('class="bk-blank"') == 1
    assert duty_html.count('class="bk-blank') == 2


def test_prefilled_blank_forms_carry_the_unit_and_team_names_only(tmp_path, town):
    unit = town.config.unit("hutang-01")
    annex = town.annex["hutang-01"]
    written = write_blank_forms(town.root, town.config, tmp_path, unit=unit, annex=annex)
    roster_pdf = tmp_path / "pdf" / "forms" / "roster-hutang-01.pdf"
    assert roster_pdf in written
    text = pdftotext(roster_pdf)
    assert f"{unit.name}群防群治队伍花名册" in text
    for team in annex.roster.teams:
        assert team.name in text
    assert pages(roster_pdf) == len(annex.roster.teams) + 1
    everything = "".join(pdftotext(p) for p in written if p.suffix == ".pdf")
    for team in annex.roster.teams:
        for m in team.members:
            assert m.phone not in everything and m.address not in everything
    assert f"申请部门 {unit.name}" in re.sub(r"\s+", " ", pdftotext(tmp_path / "pdf" / "forms" / "funds-hutang-01.pdf"))


def test_build_keeps_the_blank_forms_print_html_out_of_the_site(tmp_path, town):
    """The site publishes the blank forms' PDFs; their print HTML is linked
    from nowhere, so a build keeps it in the internal output (issue 14)."""
    site, internal = tmp_path / "site", tmp_path / "internal"
    ctx = SimpleNamespace(project=town, site_dir=site, internal_dir=internal, pdf=False,
                          pdf_variant=None)
    written = build_blank_forms(ctx)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in written) == [
        "internal/print-html/pdf/forms/duty.html", "internal/print-html/pdf/forms/funds.html",
        "internal/print-html/pdf/forms/roster.html"]
    assert not site.exists() or not list(site.rglob("*.html"))


# ---------------------------------------------------------------- filled forms

def test_filled_approval_form_shows_amounts_in_capitals(tmp_path, town):
    unit = town.config.unit("hutang-01")
    target = tmp_path / "forms.pdf"
    write_filled_forms(town.root, town.config, town.annex["hutang-01"], unit, target)
    annex = town.annex["hutang-01"]
    n_roster, n_duty = len(annex.roster.teams), len(annex.duty.filings)
    assert pages(target) == n_roster + n_duty + len(annex.funds.requests)
    first_funds = n_roster + n_duty + 1
    text = pdftotext(target, first_funds)
    flat = re.sub(r"\s+", "", text)
    # 6007.14 → 人民币陆仟零柒元壹角肆分 (requested and approved)
    assert flat.count("人民币陆仟零柒元壹角肆分") == 2
    assert "¥6,007.14" in text
    assert "附件4" in text and "群防群治用款审批表" in flat
    assert "申请日期：2017年3月2日" in flat
    second = re.sub(r"\s+", "", pdftotext(target, first_funds + 1))
    assert "人民币壹仟贰佰元整" in second            # 1200 requested and approved
    # the roster pages carry the members (internal document)
    roster_text = pdftotext(target, 1)
    m = annex.roster.teams[0].members[0]
    assert m.phone in roster_text and "☑队长" in roster_text


def test_a_missing_form_prints_plain_words_not_a_file_path(tmp_path, town):
    """A unit without its 执勤排班表 gets a page saying so, in the words a clerk
    reads, never the project's file path (issue 15: no paths on paper)."""
    import dataclasses
    annex = dataclasses.replace(town.annex["hutang-05"], duty=None)
    target = tmp_path / "forms.pdf"
    write_filled_forms(town.root, town.config, annex, town.config.unit("hutang-05"), target)
    flat = re.sub(r"\s+", "", pdftotext(target))
    assert "（本单位未录入执勤排班表。）" in flat
    assert "assessments" not in flat and ".yml" not in flat


def test_ledger_fragment_each_attachment_on_a_new_page(tmp_path, town):
    ctx = SimpleNamespace(project=town)
    rubric = town.rubrics["hutang-2017"]
    html = ledger_annex_html(ctx, "hutang-04", rubric)
    assert html is not None
    assert html.count('<p class="bk-annex-label annex-no">附件2</p>') == len(town.annex["hutang-04"].roster.teams)
    assert '<p class="bk-annex-label annex-no">附件3</p>' in html and '<p class="bk-annex-label annex-no">附件4</p>' in html
    assert "break-before: page" in html
    # not for another rubric, nor for a unit without annex data
    assert ledger_annex_html(ctx, "hutang-04", town.rubrics["longhutang"]) is None
    assert ledger_annex_html(ctx, "hutang-20", rubric) is None
    # inside a document after other content: every form starts its own page,
    # 附件N on the first line, the title on the third
    from weasyprint import HTML
    doc = f"<html><head><style>@page {{ size: A4; margin: 37mm 26mm 35mm 28mm }}</style></head>" \
          f"<body><p>考核台账正文</p>{html}</body></html>"
    pdf = tmp_path / "ledger.pdf"
    HTML(string=doc).write_pdf(pdf)
    n_forms = html.count('class="bk-form ')
    assert pages(pdf) == 1 + n_forms
    page2 = [line for line in pdftotext(pdf, 2).splitlines()]
    nonblank = [i for i, line in enumerate(page2) if line.strip()]
    assert page2[nonblank[0]].strip() == "附件2"
    title = page2[nonblank[1]].strip()
    assert title == "花园社区群防群治队伍花名册"
    assert nonblank[1] - nonblank[0] >= 2              # an empty line between them


# ---------------------------------------------------------------- the CLI verb

def test_cli_forms_blank_and_filled(example_copy, capsys):
    with pytest.raises(SystemExit) as e:
        main(["forms", "--blank", "--form", "funds", str(example_copy)])
    assert e.value.code == 0
    site = example_copy / "site"
    assert (site / "pdf" / "forms" / "funds.pdf").is_file()
    assert (site / ".booklet-output").is_file()      # a later build may replace site/
    with pytest.raises(SystemExit) as e:
        main(["forms", "--filled", "--unit", "hutang-05", str(example_copy)])
    assert e.value.code == 0
    out = example_copy / "build" / "internal" / "annex" / "hutang-05" / "forms.pdf"
    assert out.is_file()
    assert not list(site.rglob("*hutang-05*"))
    with pytest.raises(SystemExit) as e:
        main(["forms", str(example_copy)])
    assert e.value.code == 2
    with pytest.raises(SystemExit) as e:
        main(["forms", "--blank", "--unit", "nowhere", str(example_copy)])
    assert e.value.code == 1
    assert "nowhere" in capsys.readouterr().err


def test_blank_forms_are_reproducible(tmp_path, town):
    """No dates in the document: the same input gives the same bytes."""
    a = write_blank_forms(town.root, town.config, tmp_path / "a", forms=["duty"])
    b = write_blank_forms(town.root, town.config, tmp_path / "b", forms=["duty"])
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]
