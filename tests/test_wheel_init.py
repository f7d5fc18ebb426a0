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
