"""booklet build: options in, booklet.build.run_build (the pipeline), progress out."""
from __future__ import annotations

import click

from ..build import run_build
from ._common import as_of_option, project_dir


@click.command(help="校验、评分并生成网站和 PDF（先写入临时目录，全部成功后才替换旧的输出）。\n\n"
                    "(Validate, score and build the site and PDFs; old output is kept on failure.)")
@project_dir
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=None,
              help="PDF 渲染进程数，默认为 CPU 核数 (worker processes; default: all cores)")
@click.option("--clean", is_flag=True, help="忽略缓存，全部重新生成 (full rebuild)")
@click.option("--no-pdf", "no_pdf", is_flag=True, help="只生成网页，不生成 PDF (HTML only)")
@click.option("--pdf-variant", type=click.Choice(["pdf/a-2b", "pdf/a-3b", "pdf/ua-1"]), default=None,
              help="归档用 PDF 变体 (archival PDF variant)")
@as_of_option
def command(project_dir, jobs, clean, no_pdf, pdf_variant, as_of):
    run_build(project_dir, jobs=jobs, clean=clean, pdf=not no_pdf, pdf_variant=pdf_variant,
              progress=True, as_of=as_of, echo=click.echo)
