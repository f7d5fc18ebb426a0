"""Personal data typed into a published text is caught by `validate`, and a
text marked internal never reaches the site.

The personal data comes from the example's own annex: 府前社区 (hutang-01)
roster.yml lists 赵伟民, 70 岁, 13900010001, 湖塘镇梧桐巷72号7幢204室, and
its duty.yml has the patrol area 一至三区主干道及菜场.
"""
from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

RECORD = Path("assessments/hutang-2017/2017-Q1/hutang-01.yml")
NAME, AGE, PHONE, ADDRESS = "赵伟民", "70岁", "13900010001", "梧桐巷72号7幢204室"
AREA = "一至三区主干道及菜场"
ID_NUMBER = "320412197003071234"

# (kind named in the message, the text typed into a reason, the secret that must not leak)
CASES = [
    ("家庭住址", f"队员住{ADDRESS}，未参加巡逻", ADDRESS),
    ("姓名和年龄", f"队长{NAME}（{AGE}）未到岗", AGE),
    ("身份证号码", f"经核实队员身份证{ID_NUMBER}", ID_NUMBER),
    ("电话号码", f"电话{PHONE}无人接听", PHONE),
]


def _run(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "booklet", *args], cwd=root,
                          capture_output=True, text=True, timeout=600)


def _add_finding(root: Path, reason: str, internal: bool = False, key: str = "reason") -> int:
    """Append a finding to hutang-01's 2017-Q1 record; return the line of `key`."""
    path = root / RECORD
    lines = path.read_text(encoding="utf-8").splitlines()
    at = next(i for i, ln in enumerate(lines) if ln.startswith("findings:")) + 1
    new = ['  - item: "6"', "    rule: no-patrol", "    count: 1",
           f"    {key}: {reason}"] + (["    internal: true"] if internal else [])
    lines[at:at] = new
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return at + 4


def _site_texts(site: Path) -> dict[str, str]:
    """Every file of the site as text (XLSX: the XML inside)."""
    out = {}
    for p in site.rglob("*"):
        if not p.is_file():
            continue
        if p.suffix == ".xlsx":
            with zipfile.ZipFile(p) as z:
                out[str(p)] = "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
        else:
            out[str(p)] = p.read_bytes().decode("utf-8", "replace")
    return out


@pytest.mark.parametrize("kind, text, secret", CASES)
def test_validate_names_file_line_and_kind_without_echoing_the_data(example_copy, kind, text,
                                                                     secret):
    line = _add_finding(example_copy, text)
    run = _run(example_copy, "validate")
    out = run.stdout + run.stderr
    assert run.returncode == 1, out
    mine = [ln for ln in out.splitlines() if ln.startswith(f"{RECORD.as_posix()}:{line}:")]
    assert mine, out
    assert "错误" in mine[0] and kind in mine[0] and "事由" in mine[0]
    assert secret not in out
    assert "internal: true" in out
    assert "Traceback" not in out


def test_all_kinds_are_reported_at_once_in_evidence_and_self_assessment(example_copy):
    path = example_copy / RECORD
    text = path.read_text(encoding="utf-8")
    text += ("self_assessment:\n  notes:\n"
             f"    \"1\": 我社区队长{NAME}今年{AGE}，住{ADDRESS}\n")
    path.write_text(text, encoding="utf-8")
    line_ev = _add_finding(example_copy, f"联系电话{PHONE}", key="evidence")
    run = _run(example_copy, "validate")
    out = run.stdout + run.stderr
    assert run.returncode == 1
    assert f"{RECORD.as_posix()}:{line_ev}:" in out and "依据中含有" in out
    self_line = [ln for ln in out.splitlines() if "自评情况中含有" in ln]
    assert self_line and "家庭住址" in self_line[0] and "姓名和年龄" in self_line[0]
    for secret in (NAME + "今年", AGE, ADDRESS, PHONE):
        assert secret not in out


def test_patrol_area_with_a_time_is_a_warning(example_copy):
    line = _add_finding(example_copy, f"今晚20:00起在{AREA}巡逻")
    run = _run(example_copy, "validate")
    out = run.stdout + run.stderr
    assert run.returncode == 0, out
    mine = [ln for ln in out.splitlines() if ln.startswith(f"{RECORD.as_posix()}:{line}:")]
    assert mine and "警告" in mine[0] and "地点和时间" in mine[0]
    assert AREA not in out


def test_an_area_without_a_time_or_a_name_without_an_age_is_fine(example_copy):
    _add_finding(example_copy, f"{AREA}未见巡逻队伍，队长{NAME}说明了原因")
    run = _run(example_copy, "validate")
    out = run.stdout + run.stderr
    assert run.returncode == 0, out
    assert "含有" not in out and "地点和时间（人员行踪）" not in out.replace(
        "事由中写有巡逻执勤的地点和时间（人员行踪）", "", 2)  # the example's own two warnings


def test_internal_texts_pass_validate_and_never_reach_the_site(example_copy):
    reason = "；".join(text for _, text, _ in CASES)
    _add_finding(example_copy, reason, internal=True)
    path = example_copy / RECORD
    text = path.read_text(encoding="utf-8")
    text += ("vetoes:\n  - condition: " + _a_veto(example_copy) + "\n"
             f"    reason: 经查{NAME}住{ADDRESS}\n    internal: true\n"
             "self_assessment:\n  notes:\n"
             f"    \"1\": {{text: \"队长{NAME}{AGE}，电话{PHONE}\", internal: true}}\n")
    text = text.replace("notes:\n", f"notes:\n  - {{text: \"身份证{ID_NUMBER}\", internal: true}}\n", 1)
    path.write_text(text, encoding="utf-8")
    cfg = example_copy / "booklet.yml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace(
        "publish_notes: false", "publish_notes: true"), encoding="utf-8")
    run = _run(example_copy, "validate")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "含有" not in run.stdout + run.stderr
    run = _run(example_copy, "build", "--no-pdf")
    assert run.returncode == 0, run.stdout + run.stderr
    files = _site_texts(example_copy / "site")
    assert any(p.endswith(".csv") for p in files) and any(p.endswith(".xlsx") for p in files)
    for p, body in files.items():
        for secret in (ADDRESS, ID_NUMBER, ID_NUMBER[:6] + "********", PHONE,
                       PHONE[:3] + "****" + PHONE[-4:], NAME + AGE, "住" + ADDRESS):
            assert secret not in body, (p, secret)
    page = (example_copy / "site" / "units" / "hutang-01.html").read_text(encoding="utf-8")
    # the deduction itself still shows, with the rule's own words
    assert "一票否决" in page or "否决" in page


def _a_veto(root: Path) -> str:
    import yaml
    rubric = yaml.safe_load((root / "rubrics" / "hutang-2017.yml").read_text(encoding="utf-8"))
    return str(rubric["vetoes"][0]["id"])


def test_id_number_masking_hides_the_birth_date_only():
    from booklet.site.privacy import public_text
    assert public_text("110101199003071234") == "110101********1234"
    assert public_text("身份证11010119900307123X。") == "身份证110101********123X。"


def test_internal_texts_are_in_no_published_pdf_but_in_the_ledger(tmp_path):
    """A small project built with PDFs: the text of every PDF under site/ (by
    pdftotext) lacks the internal reason and self-assessment note; the
    internal ledger book prints them."""
    import shutil
    from tests.conftest import MINI_RECORD, write_project
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    secret_reason, secret_note, public_reason = "内部事由甲乙丙", "内部自评丁戊己", "活动记录不全"
    record = MINI_RECORD.replace(
        "    reason: 缺少两本台账\n", f"    reason: {secret_reason}\n    internal: true\n") + (
        "self_assessment:\n  notes:\n"
        f"    \"1\": {{text: {secret_note}, internal: true}}\n")
    root = write_project(tmp_path / "proj", records={"assessments/mini/2017-Q1/east.yml": record})
    run = _run(root, "build")
    assert run.returncode == 0, run.stdout + run.stderr
    site_pdfs = sorted((root / "site").rglob("*.pdf"))
    assert any("sheets" in p.parts for p in site_pdfs)
    texts = {p: subprocess.run(["pdftotext", str(p), "-"], capture_output=True,
                               text=True, check=True).stdout for p in site_pdfs}
    sheet = next(t for p, t in texts.items() if p.name == "east.pdf")
    assert public_reason in sheet.replace("\n", "")
    for p, text in texts.items():
        flat = text.replace("\n", "").replace(" ", "")
        assert secret_reason not in flat and secret_note not in flat, p
    ledgers = sorted((root / "build" / "internal").rglob("*.pdf"))
    ledger = "".join(subprocess.run(["pdftotext", str(p), "-"], capture_output=True, text=True,
                                    check=True).stdout for p in ledgers).replace("\n", "")
    assert secret_reason in ledger.replace(" ", "")
    # print HTML of published PDFs is kept internal (only the blank forms' HTML is in site/)
    assert {p.parent.name for p in (root / "site" / "pdf").rglob("*.html")} <= {"forms"}
