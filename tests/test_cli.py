"""The command line as a user meets it: Chinese messages, exit codes 0/1/2,
never a Python traceback."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import MINI_RECORD, write_project

REC = "assessments/mini/2017-Q1/east.yml"


def run(*args, cwd=None):
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "booklet", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, env=env, timeout=120)


def test_help_is_chinese_with_english_after():
    r = run("--help")
    assert r.returncode == 0
    assert "命令" in r.stdout and "validate" in r.stdout and "(Validate" not in r.stdout
    r = run("validate", "--help")
    assert "检查项目" in r.stdout and "(Validate the project" in r.stdout


def test_validate_ok(mini):
    r = run("validate", mini)
    assert r.returncode == 0, r.stderr
    assert "检查通过" in r.stdout and "1 份记录" in r.stdout


def test_validate_bad_input_exit_1_no_traceback(tmp_path):
    bad = MINI_RECORD.replace("amount: 1.5", "amount: 3").replace("count: 2", "count: 两次")
    root = write_project(tmp_path / "p", records={REC: bad})
    r = run("validate", root)
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    assert f"{REC}:10:" in r.stderr and f"{REC}:15:" in r.stderr
    assert "修改方法" in r.stderr and "共 2 个错误" in r.stderr


def test_validate_one_file(tmp_path):
    bad = MINI_RECORD.replace("amount: 1.5", "amount: 3")
    root = write_project(tmp_path / "p", records={REC: bad})
    r = run("validate", root / REC)
    assert r.returncode == 1 and f"{REC}:15:" in r.stderr
    r = run("validate", root / "rubrics" / "mini.yml")
    assert r.returncode == 0, r.stderr


def test_usage_error_exit_2():
    r = run("rubrics", "--format", "xml")
    assert r.returncode == 2
    assert "用法错误" in r.stderr and "Traceback" not in r.stderr


def test_missing_config_is_explained(tmp_path):
    r = run("validate", tmp_path)
    assert r.returncode == 1
    assert "booklet.yml" in r.stderr and "booklet init" in r.stderr


def test_rubrics_json(mini):
    r = run("rubrics", mini, "--format", "json")
    assert r.returncode == 0, r.stderr
    (rub,) = json.loads(r.stdout)
    assert rub["id"] == "mini" and rub["scale"] == 10 and rub["item_count"] == 2
    assert rub["sections"] == [{"title": "组织领导", "points": 10, "item_count": 2}]


def test_rubrics_table_aligns_chinese(mini):
    r = run("rubrics", mini)
    assert r.returncode == 0
    header, rule, row = r.stdout.splitlines()[:3]
    from booklet.textfmt import width
    # the second column starts at the same display column in every line
    assert width(header.split("名称")[0]) == width(row.split("测试考核细则")[0])


def test_every_verb_imports():
    import importlib

    import click

    from booklet.cli import VERBS, cli
    for verb, (module, _) in VERBS.items():
        command = importlib.import_module(f"booklet.commands.{module}").command
        assert isinstance(command, click.Command), verb
        assert cli.get_command(None, verb) is command
    assert cli.list_commands(None) == list(VERBS)


def test_a_missing_verb_module_fails_loudly(monkeypatch):
    """A renamed verb module is a bug to report, not a verb to hide."""
    import pytest

    from booklet import cli as cli_mod
    monkeypatch.setitem(cli_mod.VERBS, "gone", ("no_such_module", "测试"))
    with pytest.raises(ModuleNotFoundError):
        cli_mod.cli.get_command(None, "gone")
