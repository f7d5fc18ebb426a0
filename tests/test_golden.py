"""Golden outputs of the example town, as Pelican checks its output tree:
regenerate a fixed set of outputs from the committed example into a temp
folder and diff them against tests/golden/, file by file.

A deliberate change of output is recorded with `make golden`
(python tests/test_golden.py), which rewrites tests/golden/; review the diff
in git before committing it.
"""
from __future__ import annotations

import difflib
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GOLDEN = REPO / "tests" / "golden"

# golden file -> CLI arguments of `booklet score` (run against the example)
SCORE_OUTPUTS = {
    "score.csv": ["--format", "csv"],
    "explain-hutang37-Q3.txt": ["--rubric", "hutang-2017", "--period", "2017-Q3", "--explain", "hutang-37"],
    "explain-zjj-01.txt": ["--rubric", "changde-zjj-2017", "--explain", "zjj-01"],
}
# golden file -> path of the generated file (print HTML is kept internal: beside
# a ledger's PDF, under internal/print-html/ for a published PDF)
PRINT_OUTPUTS = {
    "print/ledger-hutang-2017-hutang-01.html": "internal/ledger/hutang-2017/hutang-01.html",
    "print/blank-hutang-2017.html": "internal/print-html/pdf/blank/hutang-2017.html",
}
SITE_OUTPUTS = {
    "site/index.html": "site/index.html",
    "site/unit-hutang-37.html": "site/units/hutang-37.html",
    "site/rubric-hutang-2017.html": "site/rubrics/hutang-2017.html",
}


def _run_score(args: list[str]) -> bytes:
    from click.testing import CliRunner

    from booklet.cli import cli
    result = CliRunner().invoke(cli, ["score", *args, str(REPO)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


def generate(out: Path) -> dict[str, bytes]:
    """Every golden output, regenerated; `out` holds the built files."""
    from booklet import build
    from booklet.render.booklets import build_pdfs
    from booklet.site.build import build_site

    outputs = {name: _run_score(args) for name, args in SCORE_OUTPUTS.items()}
    ctx = build.prepare(REPO, site_dir=out / "site", internal_dir=out / "internal",
                        pdf=True, progress=False)
    build_site(ctx)             # as a full build: pages link the PDFs
    # print HTML only: with ctx.pdf False, build_pdfs stops before WeasyPrint
    ctx.pdf = False
    wanted = {Path(p).relative_to("internal").as_posix().removeprefix("print-html/")
              for p in PRINT_OUTPUTS.values()}
    wanted = {Path(p).with_suffix(".pdf").as_posix() for p in wanted}
    build_pdfs(ctx, only=lambda d: d.rel.as_posix() in wanted)
    for name, rel in {**PRINT_OUTPUTS, **SITE_OUTPUTS}.items():
        outputs[name] = (out / rel).read_bytes()
    return outputs


def test_golden_outputs(tmp_path):
    failures = []
    for name, data in generate(tmp_path).items():
        golden = GOLDEN / name
        if not golden.is_file():
            failures.append(f"missing golden file {golden} (run `make golden`)")
            continue
        want = golden.read_bytes()
        if data != want:
            diff = difflib.unified_diff(want.decode("utf-8-sig").splitlines(),
                                        data.decode("utf-8-sig").splitlines(),
                                        f"golden/{name}", f"generated/{name}", lineterm="", n=2)
            failures.append("\n".join(list(diff)[:80]) or f"{name}: bytes differ (BOM or line endings)")
    assert not failures, "outputs differ from tests/golden/ (if intended: make golden)\n\n" + \
        "\n\n".join(failures)


def main() -> int:
    """Rewrite tests/golden/ from the current code (make golden)."""
    with tempfile.TemporaryDirectory() as tmp:
        outputs = generate(Path(tmp))
    if GOLDEN.exists():
        shutil.rmtree(GOLDEN)
    for name, data in outputs.items():
        (GOLDEN / name).parent.mkdir(parents=True, exist_ok=True)
        (GOLDEN / name).write_bytes(data)
        print(f"wrote tests/golden/{name}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    sys.exit(main())
