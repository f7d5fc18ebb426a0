"""Rosters and duty schedules are personal data: they are printed for the
internal ledger only and never reach the published site.

The example town is built and every file under the site is searched — HTML,
CSS/JS, CSV, JSON, XLSX (unzipped, XML read) and the text of every PDF
(pdftotext) — for each phone number, home address and age-beside-name of the
annex inputs. None may appear. As a control, the same search must find them
in the internal ledger, so a scanner that reads nothing cannot pass.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
import yaml

from booklet.build import run_build
from booklet.load import load_project

from conftest import REPO

ANNEX_UNITS = [f"hutang-{i:02d}" for i in range(1, 6)]


def secrets(root: Path) -> tuple[set[str], set[str], set[tuple[str, int]]]:
    """Phones, addresses and (name, age) pairs of every annex file."""
    project, problems = load_project(root)
    phones, addresses, named_ages = set(), set(), set()
    for ua in project.annex.values():
        if ua.roster:
            for t in ua.roster.teams:
                for m in t.members:
                    phones.add(m.phone)
                    addresses.add(m.address)
                    if m.age is not None:
                        named_ages.add((m.name, m.age))
        if ua.duty:
            for f in ua.duty.filings:
                for r in f.rows:
                    if r.phone:
                        phones.add(r.phone)
    assert len(phones) > 100 and len(addresses) > 100, "the example annex data went missing"
    return phones, addresses, named_ages


def file_text(path: Path) -> str:
    """What a reader of `path` can see, as text (whitespace removed)."""
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                             check=True).stdout.decode("utf-8", "replace")
    elif suffix in (".xlsx", ".xlsm", ".docx", ".zip"):
        with zipfile.ZipFile(path) as z:
            out = "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist()
                            if n.endswith((".xml", ".rels", ".txt", ".csv", ".json", ".html")))
    else:
        raw = path.read_bytes()
        try:
            out = raw.decode("utf-8")
        except UnicodeDecodeError:
            out = raw.decode("gb18030", "replace")
    return re.sub(r"\s+", "", out)


def leaks(text: str, phones, addresses, named_ages) -> list[str]:
    found = [p for p in phones if p in text or p.replace("-", "") in text]
    found += [a for a in addresses if a in text]
    for name, age in named_ages:
        if re.search(rf"{re.escape(name)}\D{{0,6}}(?<!\d){age}(?!\d)", text) or \
                re.search(rf"(?<!\d){age}(?!\d)\D{{0,6}}{re.escape(name)}", text):
            found.append(f"{name} {age}岁")
    return found


def scan(folder: Path, phones, addresses, named_ages) -> dict[str, list[str]]:
    out = {}
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            hits = leaks(file_text(p), phones, addresses, named_ages)
            if hits:
                out[p.relative_to(folder).as_posix()] = hits[:5]
    return out


def copy_town(dst: Path) -> Path:
    dst.mkdir(parents=True)
    shutil.copy2(REPO / "booklet.yml", dst / "booklet.yml")
    for part in ("rubrics", "assessments", "templates", "schema"):
        if (REPO / part).exists():
            shutil.copytree(REPO / part, dst / part)
    return dst


def test_html_site_of_the_whole_town_has_no_annex_personal_data(tmp_path):
    """All 44 communities: HTML, CSV, JSON, XLSX of the site (no PDFs: fast)."""
    root = copy_town(tmp_path / "town")
    ctx = run_build(root, pdf=False, progress=False)
    phones, addresses, named_ages = secrets(root)
    site = root / "site"
    files = [p for p in site.rglob("*") if p.is_file()]
    assert any(p.suffix == ".csv" for p in files) or any(p.suffix == ".xlsx" for p in files) \
        or any(p.suffix == ".html" for p in files)
    assert scan(site, phones, addresses, named_ages) == {}
    # the derived scores are published, with reasons naming teams, not people
    unit_page = next(site.rglob("hutang-02.html")).read_text(encoding="utf-8")
    assert "根据附件2花名册" in unit_page


def trimmed_town(dst: Path, keep: list[str]) -> Path:
    """The example town cut down to the hutang-2017 units in `keep` (PDFs of all
    44 communities take minutes)."""
    root = copy_town(dst)
    cfg = yaml.safe_load((root / "booklet.yml").read_text(encoding="utf-8"))
    cfg["units"] = [u for u in cfg["units"] if u["id"] in keep]
    cfg["assign"] = [dict(a, units={"ids": keep}) for a in cfg["assign"] if a["rubric"] == "hutang-2017"]
    (root / "booklet.yml").write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False),
                                      encoding="utf-8")
    for folder in (root / "assessments" / "annex" / "2017").iterdir():
        if folder.name not in keep:
            shutil.rmtree(folder)
    for rubric_dir in (root / "assessments").iterdir():
        if rubric_dir.name in ("annex", "photos"):
            continue
        if rubric_dir.name != "hutang-2017":
            shutil.rmtree(rubric_dir)
            continue
        for rec in rubric_dir.rglob("*.yml"):
            if rec.name.split(".")[0] not in keep:
                rec.unlink()
    for r in (root / "rubrics").glob("*.yml"):
        if r.stem != "hutang-2017":
            r.unlink()
    return root


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_published_pdfs_have_no_annex_personal_data_but_the_ledger_does(tmp_path):
    keep = ANNEX_UNITS + ["hutang-06"]
    root = trimmed_town(tmp_path / "town", keep)
    run_build(root, pdf=True, progress=False, jobs=2)
    phones, addresses, named_ages = secrets(root)
    site = root / "site"
    pdfs = list(site.rglob("*.pdf"))
    assert (site / "pdf" / "forms" / "roster.pdf").is_file()
    assert len(pdfs) > 10
    assert scan(site, phones, addresses, named_ages) == {}
    # control: the internal ledger of a unit with annex data prints its roster
    ledgers = list((root / "build" / "internal").rglob("hutang-01.pdf"))
    assert ledgers, "no internal ledger was written"
    text = file_text(ledgers[0])
    assert leaks(text, phones, addresses, named_ages), "the scanner found nothing in the ledger"
    assert "附件2" in text and "群防群治用款审批表" in text
