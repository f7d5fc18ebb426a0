"""The Chinese documentation (docs/zh/) is what a 综治办 clerk works from, so it
cannot fall behind the code: every field of the schemas, every rule kind and
every command option is documented; every example marked as a complete file
(`# 文件：path` on its first line) validates in a project made of them, and
scores what the text works out by hand; every rule example scores what it
says; no page sends the reader to an English one."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from decimal import Decimal as D
from pathlib import Path

import click
import pytest
import yaml

from booklet.build import load_and_validate, score
from booklet.cli import VERBS, cli
from booklet.commands.serve import docs_page
from booklet.scoring.kinds import KINDS, RULE_FIELDS

REPO = Path(__file__).resolve().parents[1]
ZH = REPO / "docs" / "zh"
PAGES = sorted(ZH.glob("*.md"))


def text(name: str) -> str:
    return (ZH / name).read_text(encoding="utf-8")


def yaml_blocks(page: str) -> list[str]:
    return re.findall(r"^```yaml\n(.*?)^```", page, re.S | re.M)


def complete_files() -> dict[str, str]:
    """path → content of every ```yaml block of docs/zh whose first line is `# 文件：path`."""
    out: dict[str, str] = {}
    for p in PAGES:
        for block in yaml_blocks(p.read_text(encoding="utf-8")):
            m = re.match(r"# 文件：(\S+)\n", block)
            if m:
                assert m.group(1) not in out, f"{p.name}: {m.group(1)} shown twice"
                out[m.group(1)] = block
    return out


def write_docs_project(root: Path) -> Path:
    for rel, content in complete_files().items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(content, encoding="utf-8")
    shutil.copytree(REPO / "schema", root / "schema")
    return root


# ------------------------------------------------------------ the complete files


def test_the_complete_files_are_every_kind_of_file():
    files = complete_files()
    assert "booklet.yml" in files
    assert any(f.startswith("rubrics/") for f in files)
    assert any(f.startswith("assessments/") and "/annex/" not in f for f in files)
    for form in ("roster.yml", "duty.yml", "funds.yml"):
        assert any(re.fullmatch(rf"assessments/annex/\d{{4}}/[a-z0-9-]+/{form}", f) for f in files), form


def test_the_complete_files_validate_as_one_project(tmp_path):
    project, problems = load_and_validate(write_docs_project(tmp_path / "p"))
    assert project is not None and not problems.errors, problems.report()
    # 新华社区 (nt-02) is listed to show a second unit and has no annex files
    # of its own; nothing else may be warned about.
    for w in problems.warnings:
        assert w.code == "annex-lacking" and "府前社区" not in w.what, w.format()


def _hand_worked_table() -> list[tuple[str, D]]:
    page = text("formats.md")
    section = page[page.index("逐项手算"):]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and re.fullmatch(r"\d+ \S+|加分", cells[0]) and re.fullmatch(r"[\d.]+", cells[2]):
            rows.append((cells[0].split()[0], D(cells[2])))
    return rows


def test_the_worked_example_scores_what_the_text_works_out_by_hand(tmp_path):
    project, problems = load_and_validate(write_docs_project(tmp_path / "p"))
    (res,) = [r for r in score(project) if (r.unit_id, r.period) == ("nt-01", "2018-Q1")]
    rows = _hand_worked_table()
    assert [n for n, _ in rows] == ["1", "2", "3", "4", "5", "6", "加分"]
    by_item = {i.item_id: i.score for i in res.items}
    for number, points in rows[:-1]:
        assert by_item[number] == points, number
    assert sum(a.amount for a in res.rubric_adjustments) == rows[-1][1]
    page = text("formats.md")
    total = D(re.search(r"合计 ([\d.]+) 分，等次(\S\S)", page).group(1))
    grade = re.search(r"合计 [\d.]+ 分，等次(\S\S)", page).group(1)
    assert (res.total, res.grade) == (total, grade)
    assert res.self_total == D(re.search(r"自评合计 ([\d.]+) 分", page).group(1))
    assert not res.vetoed


# ------------------------------------------------------------ rule examples


def rule_examples() -> list[tuple[str, D, str, dict, D]]:
    """(kind, points, basis, block data, the result the text states)."""
    out = []
    for block in yaml_blocks(text("rules.md")):
        m = re.match(r"# 例：分值 ([\d.]+) 分的项目（basis: (full|earned)）\n", block)
        if not m:
            continue
        data = yaml.safe_load(block)
        result = re.search(r"# 结果：该项得 ([\d.]+) 分", block)
        assert result, block
        kinds = {r["kind"] for r in data["rules"]} - {"earn"} or {"earn"}
        out.append((sorted(kinds)[0], D(m.group(1)), m.group(2), data, D(result.group(1))))
    return out


def test_every_rule_kind_has_an_example_and_a_table_row():
    page = text("rules.md")
    for name in KINDS:
        assert f"### {name} " in page, name
        assert re.search(rf"^```yaml\n(?:(?!```).)*kind: {name}\b", page, re.S | re.M), name
    rows = {}
    for line in page.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells and re.fullmatch(r"`\w+`", cells[0]) and len(cells) == 5:
            rows[cells[0].strip("`")] = cells[2]
    assert list(rows) == list(KINDS)
    for name, kind in KINDS.items():
        assert set(re.findall(r"`(\w+)", rows[name])) & set(RULE_FIELDS) == set(kind.fields), name
        assert kind.title in page, kind.title


@pytest.mark.parametrize("kind,points,basis,data,expected", rule_examples(),
                         ids=[e[0] + str(i) for i, e in enumerate(rule_examples())])
def test_rule_example_scores_what_the_text_says(tmp_path, kind, points, basis, data, expected):
    root = tmp_path / "p"
    (root / "rubrics").mkdir(parents=True)
    (root / "assessments/demo/2018-Q1").mkdir(parents=True)
    config = {"office": "牛塘镇综治办", "title": "示例", "year": 2018,
              "units": [{"id": "nt-01", "name": "府前社区", "kind": "社区"}],
              "assign": [{"rubric": "demo", "units": {"kind": "社区"}, "periods": ["2018-Q1"]}]}
    item = {"id": "1", "number": 1, "points": float(points), "basis": basis,
            "standard": "见规则", "rules": data["rules"]}
    rubric = {"id": "demo", "title": "示例细则", "issuer": "牛塘镇综治办", "year": 2018,
              "scale": float(points), "assesses": ["社区"],
              "calendar": {"inspection": "none", "assessment": "quarterly",
                           "rollup": "sum", "year_end": "average"},
              "sections": [{"id": "s1", "title": "示例", "points": float(points), "items": [item]}]}
    record = {"rubric": "demo", "unit": "nt-01", "period": "2018-Q1", "date": "2018-03-30",
              "findings": data["findings"]}
    for rel, d in (("booklet.yml", config), ("rubrics/demo.yml", rubric),
                   ("assessments/demo/2018-Q1/nt-01.yml", record)):
        (root / rel).write_text(json.dumps(d, ensure_ascii=False, default=str), encoding="utf-8")
    project, problems = load_and_validate(root)
    assert project is not None and not problems.errors, problems.report()
    (res,) = score(project)
    assert res.items[0].score == expected


# ------------------------------------------------------------ fields and commands


def schema_fields(name: str) -> dict[str, set[str]]:
    """'rule' → the rule's fields; 'file' → every other key the schema names."""
    schema = json.loads((REPO / "schema" / f"{name}.schema.json").read_text(encoding="utf-8"))
    rule_fields = set(schema.get("$defs", {}).get("rule", {}).get("properties", {}))
    found: set[str] = set()

    def walk(s):
        if isinstance(s, dict):
            found.update(s.get("properties", {}))
            for v in s.values():
                walk(v)
        elif isinstance(s, list):
            for v in s:
                walk(v)
    defs = {k: v for k, v in schema.get("$defs", {}).items() if k != "rule"}
    walk({k: v for k, v in schema.items() if k != "$defs"})
    walk(defs)
    return {"rule": rule_fields, "file": found}


def documented(page: str, field: str) -> bool:
    return f"`{field}`" in page or re.search(rf"(?<![\w.]){re.escape(field)}:", page) is not None


@pytest.mark.parametrize("schema,page", [("booklet", "formats.md"), ("rubric", "formats.md"),
                                         ("record", "formats.md"), ("annex", "annex.md")])
def test_every_schema_field_is_documented(schema, page):
    fields = schema_fields(schema)
    missing = sorted(f for f in fields["file"] if not documented(text(page), f))
    assert missing == [], f"document these fields of schema/{schema}.schema.json in docs/zh/{page}"
    missing_rule = sorted(f for f in fields["rule"] if not documented(text("rules.md"), f))
    assert missing_rule == [], "document these rule fields in docs/zh/rules.md"


def cli_options() -> dict[str, list[str]]:
    """`booklet VERB [SUB]` → its long options, from the click commands."""
    out: dict[str, list[str]] = {}

    def add(name: str, cmd: click.Command) -> None:
        out[name] = [o for p in cmd.params for o in p.opts + p.secondary_opts
                     if o.startswith("--") and o != "--help"]
        for sub_name, sub in getattr(cmd, "commands", {}).items():
            add(f"{name} {sub_name}", sub)
        if getattr(cmd, "records_command", None) is not None:
            add(f"{name} records", cmd.records_command)
    ctx = click.Context(cli)
    for verb in VERBS:
        add(f"booklet {verb}", cli.get_command(ctx, verb))
    return out


def test_every_command_and_option_is_documented():
    page = text("commands.md")
    for name, options in cli_options().items():
        assert f"`{name}" in page, f"docs/zh/commands.md does not show {name}"
        for o in options:
            assert o in page, f"docs/zh/commands.md does not mention {name} {o}"


# ------------------------------------------------------------ Chinese, self-contained, linked


def prose(page: str) -> str:
    """The page without code blocks, indented code, inline code and link targets."""
    page = re.sub(r"^```.*?^```", "", page, flags=re.S | re.M)
    page = re.sub(r"^(    |\t).*$", "", page, flags=re.M)
    page = re.sub(r"`[^`]*`", "", page)
    page = re.sub(r"\]\([^)]*\)|<[^>]*>", "]", page)
    return page


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_pages_are_chinese_and_do_not_send_the_reader_to_english(page):
    body = page.read_text(encoding="utf-8")
    for pointer in ("英文", "上一级目录", "](../formats.md", "](../annex.md", "English"):
        assert pointer not in body, f"{page.name}: {pointer}"
    english = re.findall(r"[A-Za-z]+(?:[ ,]+[A-Za-z]+){3,}", prose(body))
    assert english == [], f"{page.name}: English sentences {english}"


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_every_link_opens_in_booklet_serve(page):
    for target in re.findall(r"\]\(([^)#]+\.md)(?:#[^)]*)?\)", page.read_text(encoding="utf-8")):
        html = docs_page("/docs/zh/" + target)
        assert html is not None, f"{page.name}: {target}"


def test_index_lists_every_page():
    index = text("index.md")
    for p in PAGES:
        if p.name != "index.md":
            assert f"]({p.name})" in index, p.name


def test_booklet_docs_points_at_these_pages(tmp_path):
    r = subprocess.run([sys.executable, "-m", "booklet", "docs"], cwd=tmp_path,
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    index = Path(r.stdout.split("中文文档：")[1].split()[0])
    assert sorted(p.name for p in index.parent.glob("*.md")) == [p.name for p in PAGES]
    for p in PAGES:
        assert p.name in r.stdout
        assert (index.parent / p.name).read_text(encoding="utf-8") == p.read_text(encoding="utf-8")
