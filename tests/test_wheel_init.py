"""The wheel carries the example project: install it in a fresh venv outside
the repository, `booklet init` a project and validate it there."""
from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_then_init_then_validate(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist), str(REPO)],
                   check=True, capture_output=True, timeout=300)
    (wheel,) = dist.glob("booklet-*.whl")
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    py = env_dir / "bin" / "python"
    subprocess.run([py, "-m", "pip", "install", "-q", "--no-deps", str(wheel)], check=True, timeout=300)
    # The dependencies (weasyprint, jinja2, …) come from the test's own
    # environment through a plain path entry, so no network is needed; a
    # plain path does not run the editable install's hook, so `booklet`
    # itself can only come from the wheel.
    new_site = next((env_dir / "lib").glob("python3*/site-packages"))
    deps = [p for p in sys.path if p.endswith("site-packages")]
    (new_site / "zz_test_deps.pth").write_text("\n".join(deps) + "\n")
    work = tmp_path / "elsewhere"
    work.mkdir()
    out = subprocess.run([py, "-c", "import booklet, sys; print(booklet.__file__)"], cwd=work,
                         capture_output=True, text=True, check=True)
    assert str(env_dir) in out.stdout          # the wheel's copy, not the repository's
    booklet = env_dir / "bin" / "booklet"
    r = subprocess.run([booklet, "init", "town"], cwd=work, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    town = work / "town"
    for part in ("booklet.yml", "rubrics/hutang-2017.yml", "schema/record.schema.json"):
        assert (town / part).is_file(), part
    assert any((town / "assessments").rglob("*.yml"))
    r = subprocess.run([booklet, "validate"], cwd=town, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "检查通过" in r.stdout
    r = subprocess.run([booklet, "init", "town"], cwd=work, capture_output=True, text=True)
    assert r.returncode != 0 and "不是空的" in r.stderr

    # a first project without the example, from the installed wheel alone
    r = subprocess.run([booklet, "init", "own", "--empty", "--office", "牛塘镇综治办", "--year", "2018",
                        "--rubric", "hutang-2017"], cwd=work, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    own = work / "own"
    cfg = own / "booklet.yml"
    cfg.write_text(cfg.read_text(encoding="utf-8")
                   .replace("units: []", "units:\n  - {id: nt-01, name: 府前社区, kind: 社区}")
                   .replace("assign: []", "assign:\n  - rubric: hutang-2017\n    units: {kind: 社区}\n"
                                          "    periods: [2018-Q1]"), encoding="utf-8")
    for args in (["new", "record", "--rubric", "hutang-2017", "--period", "2018-Q1", "--unit", "nt-01"],
                 ["validate"], ["build", "--no-pdf"]):
        r = subprocess.run([booklet, *args], cwd=own, capture_output=True, text=True)
        assert r.returncode == 0, (args, r.stderr)
    assert (own / "assessments/hutang-2017/2018-Q1/nt-01.yml").is_file()
    assert "府前社区" in (own / "site/units/nt-01.html").read_text(encoding="utf-8")
    r = subprocess.run([booklet, "docs"], cwd=own, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    index = Path(r.stdout.split("中文文档：")[1].split()[0])
    assert index.is_relative_to(env_dir) and index.parent.name == "zh"   # inside the installed package
    assert "使用文档" in index.read_text(encoding="utf-8")
