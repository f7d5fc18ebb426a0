"""scripts/make_example.py regenerates the committed example byte for byte:
run through its command line into an empty folder, every file it writes must
equal the committed one, and every committed file of the folders it owns
must be one it writes (no stale records left behind)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# what make_example.py owns in the repo (it never touches assessments/annex/)
OWNED = ("assessments/hutang-2017", "assessments/longhutang", "assessments/shequ-2022",
         "assessments/changde-zjj-2017", "assessments/paichusuo", "assessments/photos")


def _files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def test_make_example_regenerates_the_committed_example(tmp_path):
    out = tmp_path / "example"
    out.mkdir()
    run = subprocess.run([sys.executable, str(REPO / "scripts" / "make_example.py"), "--root", str(out)],
                         capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    written = _files(out)
    assert "booklet.yml" in written and len(written) > 700
    differ = sorted(f for f in written if (out / f).read_bytes() != (REPO / f).read_bytes()
                    if (REPO / f).is_file())
    missing = sorted(f for f in written if not (REPO / f).is_file())
    assert not missing, f"make_example.py writes files that are not committed: {missing[:10]}"
    assert not differ, f"make_example.py output differs from the committed files: {differ[:10]}"
    committed = {f"{d}/{p.relative_to(REPO / d).as_posix()}" for d in OWNED
                 for p in (REPO / d).rglob("*") if p.is_file()}
    stale = sorted(committed - written)
    assert not stale, f"committed files make_example.py no longer writes: {stale[:10]}"
