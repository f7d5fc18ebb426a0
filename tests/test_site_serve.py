"""booklet serve: port handling, and build → serve → rebuild → Ctrl+C end to end."""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from booklet.commands import serve

from conftest import copy_example

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def busy_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(1)
    yield s.getsockname()[1]
    s.close()


def test_explicit_port_in_use_exits_1(tmp_path, busy_port):
    (tmp_path / "booklet.yml").write_text("", encoding="utf-8")
    result = CliRunner().invoke(serve.command, [str(tmp_path), "--port", str(busy_port)])
    assert result.exit_code == 1
    assert f"端口 {busy_port} 已被占用" in result.output
    assert "--port" in result.output
    assert "Traceback" not in result.output


def test_default_port_in_use_moves_on(busy_port, capsys):
    server = serve._bind(busy_port, explicit=False, state=serve._State())
    try:
        assert busy_port < server.server_address[1] <= busy_port + serve.TRIES
        assert f"端口 {busy_port} 已被占用，改用端口" in capsys.readouterr().err
    finally:
        server.server_close()


def test_not_a_project(tmp_path):
    result = CliRunner().invoke(serve.command, [str(tmp_path)])
    assert result.exit_code != 0
    assert "booklet.yml" in result.output


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")


@pytest.mark.slow
@pytest.mark.skipif(not (REPO / "booklet.yml").is_file() or not (REPO / "rubrics").is_dir(),
                    reason="需要示例项目")
def test_serve_builds_rebuilds_and_stops_cleanly(tmp_path):
    proj = copy_example(tmp_path, "proj")
    port = free_port()
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    p = subprocess.Popen([sys.executable, "-m", "booklet", "serve", str(proj), "--port", str(port)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        lines = []
        deadline = time.time() + 90
        while time.time() < deadline:
            line = p.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "正在预览" in line:
                break
        assert any("正在预览" in x for x in lines), "".join(lines) + p.stderr.read()
        base = f"http://127.0.0.1:{port}/"
        status, body = _get(base)
        assert status == 200 and '<html lang="zh-CN">' in body
        status, _ = _get(base + "about.html")
        assert status == 200

        cfg = proj / "booklet.yml"
        text = cfg.read_text(encoding="utf-8")
        new_title = "预览自动更新测试"
        cfg.write_text(re.sub(r"(?m)^title: .*$", f"title: {new_title}", text, count=1),
                       encoding="utf-8")
        deadline = time.time() + 60
        while time.time() < deadline:
            status, body = _get(base)
            if status == 200 and new_title in body:
                break
            time.sleep(0.5)
        assert new_title in body
    finally:
        p.send_signal(signal.SIGINT)
        try:
            out, err = p.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            out, err = p.communicate()
    assert p.returncode == 0, err
    assert "Traceback" not in err
    assert "已停止预览" in out
    with pytest.raises(OSError):
        urllib.request.urlopen(base, timeout=2)
