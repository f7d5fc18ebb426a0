"""booklet docs: where the Chinese documentation is on this computer."""
from __future__ import annotations

import click

from ..resources import docs_dir


@click.command(help="显示中文使用文档在本机的位置（booklet serve 预览时也可在 /docs/ 阅读）。\n\n"
                    "(Print where the Chinese documentation is.)")
def command() -> None:
    zh = docs_dir() / "zh"
    if not (zh / "index.md").is_file():
        raise click.ClickException(f"找不到文档（{zh}）：booklet 的安装不完整，请重新安装。")
    click.echo(f"中文文档：{zh / 'index.md'}")
    for p in sorted(zh.glob("*.md")):
        first = p.read_text(encoding="utf-8").splitlines()[0].lstrip("# ").strip()
        click.echo(f"  {p.name:<12} {first}")
    click.echo("用任何文本编辑器打开即可；运行 booklet serve 时可在浏览器中打开 /docs/。")
