"""booklet doctor: are the fonts and libraries the PDF writer needs installed?

Checks, in Chinese: the CJK fonts (Noto Serif/Sans CJK SC with real Bold
faces), HarfBuzz's subsetter (without it a CJK document takes seconds to
write), Pango and WeasyPrint versions, and the tools the tests and the site
use (poppler-utils, qpdf, chromium). Prints the one apt-get line that
installs what is missing and exits 1 if something required is missing.
With --render it also renders a small sample sheet to PDF.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import click

from ..render import fonts

MIN_PANGO = (1, 44)


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    required: bool = True
    package: Optional[str] = None   # Debian package that fixes it

    def line(self) -> str:
        mark = "✓" if self.ok else ("✗" if self.required else "!")
        need = "" if self.ok else ("（必需）" if self.required else "（可选）")
        return f"  {mark} {self.name}：{self.detail}{need}"


def _version_tuple(text: str) -> tuple[int, ...]:
    out = []
    for part in text.split("."):
        digits = "".join(ch for ch in part if ch.isdigit())
        if not digits:
            break
        out.append(int(digits))
    return tuple(out)


def _tool_version(cmd: list[str]) -> Optional[str]:
    exe = shutil.which(cmd[0])
    if not exe:
        return None
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return "已安装"
    text = (proc.stdout or proc.stderr).strip().splitlines()
    return text[0] if text else "已安装"


def run_checks() -> list[Check]:
    checks: list[Check] = []
    for fam, style in fonts.REQUIRED_FACES:
        face = fonts.find_face(fam, style)
        checks.append(Check(
            f"字体 {fam} {style}", face is not None,
            face.file if face else "未找到（fc-list :lang=zh 中没有）",
            package=fonts.APT_FONTS))
    hb = fonts.harfbuzz_subset()
    checks.append(Check(
        "HarfBuzz 字体子集库", hb is not None,
        hb or "未找到 libharfbuzz-subset：中文 PDF 每份要多花数秒到十几秒",
        package="libharfbuzz-subset0"))
    pango = fonts.pango_version()
    checks.append(Check(
        "Pango", pango is not None and _version_tuple(pango) >= MIN_PANGO,
        pango or "未找到 libpango", package="libpango-1.0-0"))
    wp = fonts.weasyprint_version()
    checks.append(Check("WeasyPrint", wp is not None, wp or "未安装（pip install weasyprint）"))
    for tool, cmd, pkg, required, why in (
        ("qpdf", ["qpdf", "--version"], "qpdf", True, "拼接长汇总册、检查 PDF"),
        ("pdftotext (poppler)", ["pdftotext", "-v"], "poppler-utils", False, "测试读取 PDF 文字"),
        ("pdffonts (poppler)", ["pdffonts", "-v"], "poppler-utils", False, "测试检查字体嵌入"),
        ("chromium", ["chromium", "--version"], "chromium", False, "网站浏览器测试"),
    ):
        v = _tool_version(cmd)
        checks.append(Check(f"{tool}", v is not None, v or f"未安装（用于{why}）",
                            required=required, package=pkg))
    return checks


def render_sample() -> Check:
    """Render the blank sample sheet and check its fonts are embedded CJK fonts."""
    from ..buildctx import BuildContext
    from ..errors import BookletError
    from ..render.booklets import build_pdfs
    from ..render.sample import sample_project

    with tempfile.TemporaryDirectory(prefix="booklet-doctor-") as tmp:
        root = Path(tmp)
        project, results = sample_project(root / "p", units=1, periods=("2017-Q1",), photo=False)
        ctx = BuildContext(project, results, root / "site", root / "internal", root / "cache",
                           jobs=1, progress=False)
        try:
            out = build_pdfs(ctx, only=lambda d: d.kind == "blank")
        except BookletError as e:
            return Check("试渲染样表", False, e.problems.report())
        if not out or not out[0].is_file():
            return Check("试渲染样表", False, "没有生成 PDF")
        detail = f"{out[0].stat().st_size // 1024} KB"
        if shutil.which("pdffonts"):
            txt = subprocess.run(["pdffonts", str(out[0])], capture_output=True, text=True).stdout
            names = [ln.split()[0] for ln in txt.splitlines()[2:] if ln.strip()]
            bad = [n for n in names if "CJK" not in n]
            if bad:
                return Check("试渲染样表", False, f"嵌入了非中文字体：{', '.join(bad)}")
            detail += "，字体：" + "、".join(sorted({n.split('+')[-1] for n in names}))
        return Check("试渲染样表", True, detail)


@click.command(help="检查中文字体、HarfBuzz、Pango、WeasyPrint 和 PDF 工具是否安装。\n\n"
                    "(Check fonts and libraries for PDF output; exit 1 if something required is missing.)")
@click.option("--render", "do_render", is_flag=True, help="再试渲染一张样表 (also render a sample sheet)")
def command(do_render: bool) -> None:
    checks = run_checks()
    click.echo("booklet doctor：检查 PDF 生成所需的字体与依赖")
    for c in checks:
        click.echo(c.line())
    if do_render and all(c.ok for c in checks if c.required):
        c = render_sample()
        checks.append(c)
        click.echo(c.line())
    missing = [c for c in checks if not c.ok]
    packages = sorted({c.package for c in missing if c.package})
    if packages:
        click.echo("\n安装缺少的软件包（以 root 身份运行）：")
        click.echo(f"  apt-get update && apt-get install -y {' '.join(packages)}")
    if any(c.required for c in missing):
        click.echo("\n结论：缺少必需的组件，无法生成正确的 PDF。", err=True)
        sys.exit(1)
    if missing:
        click.echo("\n结论：可以生成 PDF；部分可选工具缺失。")
    else:
        click.echo("\n结论：一切就绪。")
