"""Templates cannot run code: a project's overrides in templates/ render in
a Jinja sandbox, may not make a site page reference the reader's disk, above
the site or the network, and an error in one names the template file and line."""
from __future__ import annotations

from pathlib import Path

import pytest

from booklet.build import run_build
from booklet.errors import BookletError
from booklet.render.env import THEME_DIR

from conftest import write_project

PAYLOAD = '{{ cycler.__init__.__globals__.os.popen("echo PWNED-$((6*7))").read() }}'


def override(root: Path, name: str, edit) -> Path:
    """Copy the theme's `name` into the project's templates/ and change it."""
    path = root / "templates" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(edit((THEME_DIR / name).read_text(encoding="utf-8")), encoding="utf-8")
    return path


def in_main(snippet: str):
    return lambda text: text.replace("{% block main %}", "{% block main %}\n" + snippet, 1)


def build_fails(root: Path, pdf: bool = False) -> BookletError:
    with pytest.raises(BookletError) as e:
        run_build(root, pdf=pdf, progress=False)
    return e.value


def site_text(root: Path) -> str:
    site = root / "site"
    if not site.exists():
        return ""
    return "".join(p.read_text(encoding="utf-8", errors="replace")
                   for p in site.rglob("*.html"))


def test_a_site_override_cannot_run_a_shell_command(tmp_path):
    root = write_project(tmp_path / "p")
    override(root, "site/about.html", in_main(PAYLOAD))
    err = build_fails(root)
    (p,) = err.problems.errors
    assert p.code == "template-unsafe"
    assert str(p.loc) == "templates/site/about.html:4:1"
    assert "不能执行代码" in p.what
    assert "PWNED-42" not in site_text(root)


def test_a_print_override_cannot_run_a_shell_command(tmp_path):
    root = write_project(tmp_path / "p")
    override(root, "print/blank.html", lambda t: PAYLOAD + "\n" + t)
    err = build_fails(root, pdf=True)
    assert [p.code for p in err.problems.errors] == ["template-unsafe"]
    assert str(err.problems.errors[0].loc).startswith("templates/print/blank.html:1")
    for f in list((root / "site").rglob("*")) + list((root / "build").rglob("*")):
        if f.is_file():
            assert b"PWNED-42" not in f.read_bytes()


def test_the_sandbox_keeps_the_theme_working(tmp_path):
    """Copies of the theme's templates, unchanged, build as the theme does."""
    root = write_project(tmp_path / "p")
    for name in ("site/about.html", "site/base.html", "site/unit.html"):
        override(root, name, lambda t: t)
    run_build(root, pdf=False, progress=False)
    assert "东门社区" in (root / "site" / "units" / "east.html").read_text(encoding="utf-8")


def test_a_syntax_error_in_an_override_names_its_file_and_line(tmp_path):
    root = write_project(tmp_path / "p")
    override(root, "site/about.html", in_main("{% for x in %}"))
    err = build_fails(root)
    (p,) = err.problems.errors
    assert (p.code, str(p.loc)) == ("template", "templates/site/about.html:4:1")
    assert "语法错误" in p.what
    report = err.problems.report()
    assert "缺陷" not in report and "Traceback" not in report


def test_an_unknown_variable_in_an_override_names_its_file_and_line(tmp_path):
    root = write_project(tmp_path / "p")
    override(root, "site/about.html", in_main("<p>\n{{ no_such_thing.name }}</p>"))
    err = build_fails(root)
    (p,) = err.problems.errors
    assert (p.code, str(p.loc)) == ("template", "templates/site/about.html:5:1")
    assert "no_such_thing" in p.what


def test_the_cli_reports_a_template_error_with_exit_1(tmp_path):
    import subprocess
    import sys

    root = write_project(tmp_path / "p")
    override(root, "site/about.html", in_main(PAYLOAD))
    r = subprocess.run([sys.executable, "-m", "booklet", "build", str(root), "--no-pdf"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 1, r.stderr
    assert "templates/site/about.html:4" in r.stderr
    assert "内部错误" not in r.stderr and "PWNED-42" not in r.stdout + r.stderr


@pytest.mark.parametrize("snippet, url, words", [
    ('<img src="file:///etc/passwd">', "file:///etc/passwd", "file:"),
    ('<a href="../../x">x</a>', "../../x", "网站文件夹之外"),
    ('<img src="/etc/passwd">', "/etc/passwd", "绝对路径"),
    ('<script src="https://cdn.example.com/t.js"></script>', "https://cdn.example.com/t.js", "网络"),
    ('<a href="javascript:alert(1)">x</a>', "javascript:alert(1)", "javascript:"),
    ('<div style="background: url(../../../etc/x.png)"></div>', "../../../etc/x.png", "之外"),
])
def test_a_site_override_cannot_point_outside_the_site(tmp_path, snippet, url, words):
    root = write_project(tmp_path / "p")
    override(root, "site/about.html", in_main(snippet))
    err = build_fails(root)
    (p,) = err.problems.errors
    assert p.code == "site-ref"
    assert str(p.loc).startswith("templates/site/about.html:4:")
    assert url in p.what and words in p.what
    assert not (root / "site").exists()          # nothing published


def test_site_links_that_stay_inside_the_site_and_web_links_are_kept(tmp_path):
    root = write_project(tmp_path / "p")
    override(root, "site/about.html", in_main(
        '<a href="https://example.com/规定">规定</a><a href="index.html#top">首页</a>'
        '<img src="assets/favicon.svg" alt=""><a href="mailto:zzb@example.com">信箱</a>'))
    run_build(root, pdf=False, progress=False)
    about = (root / "site" / "about.html").read_text(encoding="utf-8")
    assert 'href="https://example.com/规定"' in about and 'src="assets/favicon.svg"' in about


def test_a_site_stylesheet_override_cannot_load_outside_files(tmp_path):
    root = write_project(tmp_path / "p")
    override(root, "site/site.css", lambda t: t + "\nbody { background: url(file:///etc/passwd); }\n")
    err = build_fails(root)
    (p,) = err.problems.errors
    assert p.code == "site-ref" and p.loc.file == "templates/site/site.css"
    assert p.loc.line == (THEME_DIR / "site/site.css").read_text(encoding="utf-8").count("\n") + 2


def test_an_unsafe_attribute_late_in_the_unit_pages_is_still_refused(tmp_path):
    """The site remembers attributes the sandbox allowed (per type and name);
    an attribute it refuses stays refused on every page, also after the
    first pages have filled that memory."""
    root = write_project(tmp_path / "p")
    override(root, "site/unit.html", _at_end_of_main)
    err = build_fails(root)
    (p,) = err.problems.errors
    assert p.code == "template-unsafe"
    assert str(p.loc).startswith("templates/site/unit.html:")
    assert "不能执行代码" in p.what


def _at_end_of_main(text: str) -> str:
    at = text.rindex("{% endblock %}")
    return (text[:at] + '{{ (cards|map(attribute="view")).gi_frame.f_globals }}\n' + text[at:])
