"""Every problem code is catalogued (booklet/codes.py) and documented
(docs/errors.md), and the catalogue lists nothing that is never reported.

Codes are found by reading booklet/'s source: every `code=` keyword of a
call. A literal is one code; an f-string is a family by its literal prefix
(`schema-{err.validator}`), whose members are the JSON Schema keywords that
occur in schema/*.json."""
from __future__ import annotations

import ast
import json
import re
from pathlib import Path

from jsonschema import Draft202012Validator

from booklet.codes import CODES, ERROR, SCHEMA_VALIDATORS, WARNING
from booklet.resources import schema_dir

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "booklet"
FAMILIES = {"schema-": SCHEMA_VALIDATORS}        # f-string prefix -> its members
NOT_REPORTED = {"$ref", "items", "format"}      # delegate to other keywords, or not checked


def used_codes() -> tuple[dict[str, set[str]], set[str]]:
    """(code -> levels it is reported at, f-string prefixes) over booklet/."""
    codes: dict[str, set[str]] = {}
    prefixes: set[str] = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            level = node.func.attr if isinstance(node.func, ast.Attribute) else "?"
            for kw in node.keywords:
                if kw.arg != "code" or not isinstance(node.func, ast.Attribute) \
                        or level not in (ERROR, WARNING):
                    continue
                if isinstance(kw.value, ast.Constant):
                    codes.setdefault(kw.value.value, set()).add(level)
                elif isinstance(kw.value, ast.JoinedStr):
                    head = kw.value.values[0]
                    assert isinstance(head, ast.Constant), f"{path}:{node.lineno}: code needs a literal prefix"
                    prefixes.add(head.value)
                    for member in FAMILIES.get(head.value, ()):
                        codes.setdefault(head.value + member, set()).add(level)
                else:
                    raise AssertionError(f"{path}:{node.lineno}: code= must be a literal or an f-string")
    return codes, prefixes


def schema_keywords() -> set[str]:
    """The JSON Schema validation keywords that occur in the shipped schemas."""
    found: set[str] = set()

    def walk(o):
        if isinstance(o, dict):
            for k, v in o.items():
                if k in ("properties", "patternProperties", "$defs", "definitions"):
                    for sub in v.values():
                        walk(sub)
                    continue
                found.add(k)
                walk(v)
        elif isinstance(o, list):
            for x in o:
                walk(x)

    for p in schema_dir().glob("*.schema.json"):
        walk(json.loads(p.read_text(encoding="utf-8")))
    return (found & set(Draft202012Validator.VALIDATORS)) - NOT_REPORTED


def test_the_scan_finds_the_call_sites():
    codes, prefixes = used_codes()
    assert len(codes) > 90 and {"unknown-item", "yaml-syntax", "annex-decides"} <= set(codes)
    assert prefixes == set(FAMILIES), "a new f-string code family: list its members in FAMILIES"


def test_every_code_used_is_catalogued_at_its_level():
    codes, _ = used_codes()
    missing = sorted(set(codes) - set(CODES))
    assert not missing, f"codes reported but not in booklet/codes.py: {missing}"
    wrong = sorted(c for c, levels in codes.items() if levels != {CODES[c].level})
    assert not wrong, f"level in booklet/codes.py differs from the call sites: {wrong}"


def test_the_catalogue_has_no_unused_code():
    codes, _ = used_codes()
    assert not sorted(set(CODES) - set(codes))


def test_schema_family_matches_the_schemas():
    assert set(SCHEMA_VALIDATORS) == schema_keywords()


def test_every_code_is_documented():
    doc = (REPO / "docs" / "errors.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-zA-Z0-9-]+)` \|", doc, re.M))
    assert sorted(set(CODES) - documented) == [], "add them to docs/errors.md"
    assert sorted(documented - set(CODES)) == [], "docs/errors.md lists codes that do not exist"
    for code, c in CODES.items():
        assert f"| `{code}` | {'错误' if c.level == ERROR else '警告'} | {c.text} |" in doc, code
    assert "docs/errors.md" in (REPO / "README.md").read_text(encoding="utf-8")
