"""The `booklet` command: a click group whose verbs live in booklet/commands/.

Each verb module exposes `command`, a click.Command; it is imported only when
that verb runs, so `booklet validate` does not pay for WeasyPrint's import.
Problems in the user's files (BookletError) print in Chinese and exit 1;
usage errors exit 2; nothing prints a Python traceback.
"""
from __future__ import annotations

import importlib
import os
import sys
import traceback

import click

from .errors import BookletError

# verb -> (module, short help shown in `booklet --help`)
VERBS = {
    "init": ("init", "新建项目：示例项目或空项目 (create a project)"),
    "new": ("new", "新建考核记录的骨架 (create a record skeleton)"),
    "validate": ("validate", "检查项目中的全部文件 (validate files)"),
    "rubrics": ("rubrics", "列出考核细则 (list rubrics)"),
    "score": ("score", "计算并显示得分 (score records)"),
    "build": ("build", "生成网站与 PDF 台账 (build site and PDFs)"),
    "forms": ("forms", "生成空白表格 (blank forms)"),
    "import": ("import_", "从 Excel/CSV 导入附件数据 (import annex data)"),
    "export": ("export", "导出附件数据为 Excel (export annex data)"),
    "serve": ("serve", "本地预览网站 (preview the site)"),
    "doctor": ("doctor", "检查字体与依赖 (check fonts and libraries)"),
    "docs": ("docs", "显示中文文档的位置 (where the documentation is)"),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx):
        return list(VERBS)

    def get_command(self, ctx, name):
        if name not in VERBS:
            return None
        # a verb module that fails to import is a bug: let it raise, never hide the verb
        return importlib.import_module(f"booklet.commands.{VERBS[name][0]}").command

    def format_commands(self, ctx, formatter):
        with formatter.section("命令 (Commands)"):
            formatter.write_dl([(v, h) for v, (_, h) in VERBS.items()])


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="booklet", message="booklet %(version)s")
def cli():
    """booklet：把考核细则和考核记录变成分数、成绩网站和可装订的 PDF 台账。

    (Assessment rubrics and records → scores, a read-only site and PDF booklets.)
    """


def main(argv=None):
    try:
        cli.main(args=argv, prog_name="booklet", standalone_mode=False)
    except BookletError as e:
        click.echo(e.problems.report(), err=True)
        sys.exit(1)
    except click.exceptions.Abort:
        click.echo("已中止。", err=True)
        sys.exit(130)
    except click.UsageError as e:
        click.echo(f"用法错误：{e.format_message()}\n运行 booklet --help 查看用法。", err=True)
        sys.exit(2)
    except click.ClickException as e:
        click.echo(f"错误：{e.format_message()}", err=True)
        sys.exit(e.exit_code)
    except KeyboardInterrupt:
        click.echo("已中止。", err=True)
        sys.exit(130)
    except Exception as e:  # a bug in booklet, not in the user's files
        if os.environ.get("BOOKLET_DEBUG"):
            traceback.print_exc()
        click.echo(f"booklet 内部错误：{type(e).__name__}: {e}\n"
                   "这是 booklet 的缺陷，不是您文件的问题。请设置 BOOKLET_DEBUG=1 重新运行，"
                   "并把输出报告给维护者。", err=True)
        sys.exit(3)
    sys.exit(0)


if __name__ == "__main__":
    main()
