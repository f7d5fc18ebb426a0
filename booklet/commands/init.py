"""booklet init DIR: a project to start from.

Without options: the bundled example (config, the five rubrics, sample
records, the schemas and an empty templates/ to override).
With --empty: a project for the user's own office: a commented booklet.yml
(office, year; units and assignments added later), one chosen rubric, no
records, the schemas, a .gitignore and editor settings mapping the schemas.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import click

from ..resources import example_project

PARTS = ("booklet.yml", "rubrics", "assessments", "templates", "schema")

GITIGNORE = """\
# booklet 生成的内容，不纳入版本管理（每次 booklet build 都会重新生成）
site/
build/
.booklet-cache/
"""

# yaml.schemas of the YAML extension (redhat.vscode-yaml): completion and
# checking in files made by hand, without the "# yaml-language-server" line.
VSCODE_SCHEMAS = {
    "./schema/rubric.schema.json": ["rubrics/*.yml", "rubrics/*.yaml"],
    "./schema/annex.schema.json": ["assessments/annex/**/*.yml"],
    "./schema/record.schema.json": ["assessments/**/*.yml", "!assessments/annex/**"],
    "./schema/booklet.schema.json": ["booklet.yml"],
}


def bundled_rubrics() -> list[str]:
    return sorted(p.stem for p in (example_project() / "rubrics").glob("*.yml"))


def empty_config(office: str, year: int, title: str, rubric: str) -> str:
    """The commented booklet.yml of an empty project (valid as written)."""
    return f"""\
# yaml-language-server: $schema=schema/booklet.schema.json
# booklet 项目配置。格式说明：booklet docs 显示文档位置（见“项目配置”一节）。
# 考核单位的全称（印在台账封面和网站上）
office: {office}
# 网站和台账的标题
title: {title}
# 考核年度：附件数据（花名册、排班表、用款表）按年度存放在
# assessments/annex/<年度>/<单位编号>/ 中
year: {year}

# 被考核的单位。编号 id 只用小写字母、数字和连字符，记录文件按编号命名。
# kind 是单位类型：社区、村、派出所、局属单位、街道、部门。例如：
#   - {{id: nt-01, name: 府前社区, kind: 社区, leader: 张三}}
#   - {{id: nt-02, name: 新华社区, kind: 社区, groups: [城区片]}}
units: []

# 哪些单位按哪个考核细则、在哪些期间考核。periods 写 {year}、{year}-H1、{year}-Q1 或 {year}-03。
# 例如（单位加好以后去掉行首的 # 号）：
#   - rubric: {rubric}
#     units: {{kind: 社区}}
#     periods: [{year}-Q1, {year}-Q2, {year}-Q3, {year}-Q4, "{year}"]
assign: []

# 输出目录（每次生成都会整个替换，不要把自己的文件放进去；
# 要随网站发布的文件，如 CNAME、徽标，放在 static/ 中）
output:
  site: site
  internal: build/internal

# 隐私：电话、身份证号码在网站和公开的PDF上一律打码；这里只设是否公布考核记录中的备注
privacy:
  publish_notes: false
"""


def _copy(src: Path, dst: Path) -> None:
    if src.is_dir():
        shutil.copytree(src, dst, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__", ".keep"))
    else:
        shutil.copy2(src, dst)


@click.command(help="在 DIR 中新建项目：默认是可直接构建的示例项目；加 --empty 新建"
                    "只含一个考核细则、没有示例记录的空项目。\n\n"
                    "(Create a project in DIR: the bundled example, or --empty for your own office.)")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="目录非空时仍然写入 (write into a non-empty folder)")
@click.option("--empty", is_flag=True, help="新建空项目，不带示例记录 (a project without the example)")
@click.option("--office", default=None, help="考核单位全称，如 牛塘镇综治办（配合 --empty）")
@click.option("--year", type=click.IntRange(1990, 2100), default=None,
              help="考核年度，如 2018（配合 --empty）")
@click.option("--title", default=None, help="网站和台账的标题（配合 --empty）")
@click.option("--rubric", default=None,
              help="从内置的考核细则中选一个复制到项目中（配合 --empty），如 hutang-2017")
def command(directory: Path, force: bool, empty: bool, office, year, title, rubric) -> None:
    src = example_project()
    if not empty and any(v is not None for v in (office, year, title, rubric)):
        raise click.UsageError("--office、--year、--title、--rubric 只用于 --empty 的空项目。"
                               "新建空项目：booklet init 目录 --empty --office 单位名称 --year 年度")
    names = bundled_rubrics()
    if empty:
        missing = [o for o, v in (("--office 考核单位全称", office), ("--year 年度", year)) if v is None]
        if missing:
            raise click.UsageError("新建空项目还需要 " + "、".join(missing) + "，例如："
                                   "booklet init 目录 --empty --office 牛塘镇综治办 --year 2018")
        rubric = rubric or "hutang-2017"
        if rubric not in names:
            raise click.UsageError(f"没有内置的考核细则「{rubric}」。可选：{'、'.join(names)}。")
    if directory.exists() and any(directory.iterdir()) and not force:
        raise click.ClickException(f"目录 {directory} 不是空的。换一个新目录，或加 --force 覆盖同名文件。")
    directory.mkdir(parents=True, exist_ok=True)
    if not empty:
        for part in PARTS:
            if (src / part).exists():
                _copy(src / part, directory / part)
        click.echo(f"已新建示例项目：{directory}\n下一步：\n  cd {directory}\n  booklet validate\n  booklet build")
        return

    title = title or f"{year}年度考核"
    (directory / "rubrics").mkdir(exist_ok=True)
    _copy(src / "rubrics" / f"{rubric}.yml", directory / "rubrics" / f"{rubric}.yml")
    _copy(src / "schema", directory / "schema")
    (directory / "templates").mkdir(exist_ok=True)
    (directory / "static").mkdir(exist_ok=True)
    (directory / "assessments" / "annex" / str(year)).mkdir(parents=True, exist_ok=True)
    (directory / "booklet.yml").write_text(empty_config(office, year, title, rubric), encoding="utf-8")
    (directory / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
    vscode = directory / ".vscode"
    vscode.mkdir(exist_ok=True)
    (vscode / "settings.json").write_text(
        json.dumps({"yaml.schemas": VSCODE_SCHEMAS}, ensure_ascii=False, indent=2) + "\n",
        encoding="utf-8")
    click.echo(
        f"已新建空项目：{directory}（考核细则 {rubric}，年度 {year}）\n下一步：\n"
        f"  1. 在 {directory}/booklet.yml 的 units 中加上被考核的单位，在 assign 中写明考核期间；\n"
        f"  2. cd {directory}\n"
        f"  3. booklet new record --rubric {rubric} --period {year}-Q1 --unit 单位编号\n"
        f"  4. booklet validate\n  5. booklet build\n"
        "文档：booklet docs")
