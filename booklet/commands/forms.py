"""booklet forms: the annex forms of seed 001 (附件2 花名册, 附件3 执勤排班表, 附件4 用款审批表).

    booklet forms --blank [--unit ID] [PROJECT_DIR]    blank forms → site/pdf/forms/ (published)
    booklet forms --filled --unit ID [PROJECT_DIR]     a unit's filled forms → build/internal/annex/ID/forms.pdf

Blank forms carry no personal data; filled forms do and never go into the site.
`booklet build` writes the three blank forms itself (and replaces site/, so
pre-filled forms of a unit must be written again after a build).
"""
from __future__ import annotations

from pathlib import Path

import click

from ..annex.model import FORMS
from ..annex.print import internal_forms_pdf, write_blank_forms, write_filled_forms
from ..errors import BookletError
from ..annex.cli import FORM_CHOICE, load_quietly, output_root, unit_or_stop
from ._common import project_dir


@click.command(help="生成附件表格：--blank 空白表格（发布到网站），--filled 某单位已填写的表格（内部）。\n\n"
                    "(Annex forms: --blank for the site, --filled for internal use.)")
@project_dir
@click.option("--blank", "mode", flag_value="blank", help="空白表格 (blank forms, published)")
@click.option("--filled", "mode", flag_value="filled", help="已填写的表格，含个人信息 (filled, internal)")
@click.option("--unit", "unit_id", default=None, help="单位编号：预填单位名称和队伍名称 (unit id)")
@click.option("--form", "forms", type=FORM_CHOICE, multiple=True,
              help="只生成某一种表格，可重复 (roster | duty | funds)")
def command(project_dir: Path, mode: str | None, unit_id: str | None, forms: tuple[str, ...]) -> None:
    if mode is None:
        raise click.UsageError("请指定 --blank（空白表格）或 --filled（已填写的表格）。")
    project = load_quietly(project_dir, annex_unit=unit_id, need_annex=unit_id is not None)
    unit = unit_or_stop(project, unit_id)
    annex = project.annex.get(unit_id) if unit_id else None
    if mode == "blank":
        out = output_root(project, "site")
        written = write_blank_forms(project.root, project.config, out, unit=unit, annex=annex,
                                    forms=forms or FORMS)
        for p in written:
            if p.suffix == ".pdf":
                click.echo(f"已生成：{p}")
        return
    if unit is None:
        raise click.UsageError("--filled 需要 --unit 指定单位。")
    if annex is None:
        raise BookletError(f"单位 {unit_id} 没有附件数据"
                           f"（assessments/annex/{project.config.year}/{unit_id}/）。",
                           fix=f"先用 booklet import roster 名册.xlsx --unit {unit_id} 导入花名册等数据。")
    target = output_root(project, "internal") / internal_forms_pdf(unit.id)
    write_filled_forms(project.root, project.config, annex, unit, target)
    click.echo(f"已生成（内部资料，含个人信息，不得公开）：{target}")
