"""Every YAML file booklet ships names its JSON Schema on the first line, and
that schema exists, so editors complete and check it (yaml-language-server)."""
from __future__ import annotations

import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def shipped_yaml() -> list[Path]:
    out = subprocess.run(["git", "ls-files", "*.yml", "*.yaml"], cwd=REPO, capture_output=True,
                         text=True, check=True).stdout.split()
    files = [REPO / f for f in out if not f.startswith("tests/")]
    return files or sorted(p for p in REPO.rglob("*.yml") if ".venv" not in p.parts)


def test_every_shipped_yaml_names_an_existing_schema():
    files = shipped_yaml()
    assert len(files) > 700          # the example town's records are among them
    for f in files:
        first = f.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), f
        schema = (f.parent / first.split("$schema=", 1)[1].strip()).resolve()
        assert schema.is_file() and schema.parent == REPO / "schema", (f, schema)
