"""booklet doctor: reports fonts and libraries in Chinese, exits 1 when a
required one is missing and prints the apt-get line that installs it."""
from __future__ import annotations

from click.testing import CliRunner

from booklet.commands import doctor
from booklet.render import fonts


def test_doctor_reports_everything_present():
    result = CliRunner().invoke(doctor.command, [])
    assert "Noto Serif CJK SC Bold" in result.output
    assert "HarfBuzz" in result.output and "WeasyPrint" in result.output
    assert "Pango" in result.output
    if all(c.ok for c in doctor.run_checks() if c.required):
        assert result.exit_code == 0, result.output


def test_doctor_fails_without_cjk_fonts_and_says_what_to_install(monkeypatch):
    monkeypatch.setattr(fonts, "cjk_faces", lambda: ())
    monkeypatch.setattr(fonts, "harfbuzz_subset", lambda: None)
    result = CliRunner().invoke(doctor.command, [])
    assert result.exit_code == 1
    assert "apt-get" in result.output
    assert "fonts-noto-cjk" in result.output and "libharfbuzz-subset0" in result.output
    assert "缺少必需的组件" in result.output


def test_doctor_render_sample(monkeypatch):
    check = doctor.render_sample()
    assert check.ok, check.detail
    assert "Noto-Serif-CJK-SC" in check.detail
