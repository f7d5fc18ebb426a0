"""The shape of the package (issue 9): modules stay small enough to read in
one sitting, and the verbs in booklet/commands/ are a leaf layer — only the
CLI reaches them, so the pipeline never depends on option parsing."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "booklet"
MAX_LINES = 450


def modules() -> list[Path]:
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) > 50, files           # the scan really sees the package
    return files


def module_name(path: Path, root: Path = PACKAGE.parent) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path, root: Path = PACKAGE.parent) -> set[str]:
    """Absolute names of every module `path` (under `root`) imports, relative
    imports resolved, `from x import y` counted as both x and x.y, and
    importlib.import_module("…")."""
    name = module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            out.add(mod)
            out.update(f"{mod}.{a.name}" for a in node.names)
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr == "import_module" and node.args
              and isinstance(node.args[0], (ast.Constant, ast.JoinedStr))):
            arg = node.args[0]
            if isinstance(arg, ast.Constant):
                out.add(str(arg.value))
            elif arg.values and isinstance(arg.values[0], ast.Constant):
                out.add(str(arg.values[0].value).rstrip("."))     # f"booklet.commands.{verb}"
    return out


def test_no_module_is_longer_than_450_lines():
    long = {str(p.relative_to(PACKAGE.parent)): n for p in modules()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"split these modules (more than {MAX_LINES} lines): {long}"


def test_only_the_cli_imports_the_commands():
    commands = PACKAGE / "commands"
    offenders = {}
    for p in modules():
        if p.is_relative_to(commands) or p == PACKAGE / "cli.py":
            continue
        bad = sorted(m for m in imported_modules(p)
                     if m == "booklet.commands" or m.startswith("booklet.commands."))
        if bad:
            offenders[str(p.relative_to(PACKAGE.parent))] = bad
    assert not offenders, f"only booklet/cli.py may import booklet/commands/: {offenders}"


def test_the_import_scan_sees_every_way_of_importing_the_commands(tmp_path):
    # the check above would pass vacuously if the scan missed an import form
    cli = imported_modules(PACKAGE / "cli.py")
    assert "booklet.commands" in cli                 # import_module(f"booklet.commands.{…}")
    pkg = tmp_path / "booklet" / "site"
    pkg.mkdir(parents=True)
    for src in ("from ..commands import build", "from ..commands.build import command",
                "import booklet.commands.serve", "from booklet import commands"):
        f = pkg / "x.py"
        f.write_text(src + "\n", encoding="utf-8")
        found = {m for m in imported_modules(f, tmp_path)
                 if m == "booklet.commands" or m.startswith("booklet.commands.")}
        assert found, src
