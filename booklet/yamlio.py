"""Safe YAML reading that remembers where every key and value came from.

- Only plain data: mappings, sequences, strings, integers, decimals, booleans,
  null and dates. Python-object tags are refused.
- Decimals: YAML floats become `Decimal` from their source text, so 0.1 stays
  exactly 0.1.
- Every mapping is a `LocDict` and every sequence a `LocList` that know the
  line and column of each key and item, so any later check can point at the
  exact place in the file.
- Aliases are allowed but their expansion is bounded (no "billion laughs").
- Encoding: UTF-8 (a UTF-8 BOM is accepted and ignored: it is harmless).
  UTF-16 and GBK/GB18030 files are refused with a message saying how to save
  them as UTF-8: guessing an encoding could silently garble names.
- Tabs in indentation, duplicate keys, and YAML syntax errors get a specific
  Chinese message with line and column.
"""
from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Iterable, Optional

import yaml

from .errors import Problems
from .model import Loc

try:  # the C parser is several times faster; nodes carry the same marks
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore

MAX_NODES = 200_000          # bound on expanded nodes per file (alias bombs)
FULLWIDTH_DIGITS = re.compile(r"[０-９．]")


class LocDict(dict):
    """A dict that knows where it and each of its keys/values are."""
    loc: Loc
    key_locs: dict
    value_locs: dict

    def loc_of(self, key) -> Loc:
        return self.value_locs.get(key) or self.key_locs.get(key) or self.loc

    def key_loc(self, key) -> Loc:
        return self.key_locs.get(key) or self.loc


class LocList(list):
    loc: Loc
    item_locs: list

    def loc_of(self, index: int) -> Loc:
        if 0 <= index < len(self.item_locs):
            return self.item_locs[index]
        return self.loc


def loc_of(data: Any, path: Iterable, default: Loc) -> Loc:
    """The location of the value at `path` (keys and indexes) inside `data`."""
    where = getattr(data, "loc", default)
    node = data
    for step in path:
        if isinstance(node, LocDict) and step in node:
            where = node.loc_of(step)
            node = node[step]
        elif isinstance(node, LocList) and isinstance(step, int) and step < len(node):
            where = node.loc_of(step)
            node = node[step]
        else:
            break
    return where


def _loc(rel: str, mark) -> Loc:
    return Loc(rel, mark.line + 1, mark.column + 1)


def decode(raw: bytes, rel: str, problems: Problems) -> Optional[str]:
    """Bytes → text, or None with a problem explaining how to re-save the file."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        problems.error(Loc(rel, 1, 1), "文件是 UTF-16 编码，booklet 只读 UTF-8。",
                       "用编辑器把文件另存为“UTF-8”编码（记事本：另存为 → 编码选 UTF-8）。",
                       code="encoding")
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        try:
            raw.decode("gb18030")
            what = "文件是 GBK/GB2312 编码（常见于 Windows 记事本和 WPS），booklet 只读 UTF-8。"
        except UnicodeDecodeError:
            what = f"文件不是有效的 UTF-8 文本（第 {line} 行有无法识别的字节）。"
        problems.error(Loc(rel, line, 1), what,
                       "用编辑器把文件另存为“UTF-8”编码后重试（不要猜测编码，以免姓名变成乱码）。",
                       code="encoding")
        return None


def _check_tabs(text: str, rel: str, problems: Problems) -> bool:
    ok = True
    for n, line in enumerate(text.splitlines(), 1):
        stripped = line.lstrip(" ")
        if stripped.startswith("\t"):
            problems.error(Loc(rel, n, len(line) - len(stripped) + 1),
                           "缩进中有制表符（Tab）。YAML 只能用空格缩进。",
                           "把这一行开头的 Tab 换成空格（每级 2 个空格）；编辑器可设置“用空格代替 Tab”。",
                           code="tab")
            ok = False
    return ok


_MESSAGES = [
    ("could not find expected ':'", "缺少冒号“:”，或上一行的引号没有闭合。",
     "检查这一行和上一行：每个键后面要有英文冒号和空格，例如 `reason: 说明`。"),
    ("mapping values are not allowed", "这里不能出现“键: 值”。",
     "检查缩进是否对齐；如果值里本身有英文冒号，请给整个值加引号。"),
    ("found character '\\t'", "有制表符（Tab）。", "把 Tab 换成空格。"),
    ("did not find expected key", "缩进不一致或缺少“- ”。",
     "同一层的键要对齐；列表的每一项以“- ”开头。"),
    ("did not find expected '-' indicator", "列表项缩进不一致。", "列表的每一项以“- ”开头并对齐。"),
    ("found unexpected end of stream", "文件意外结束：有引号或括号没有闭合。",
     "检查引号“\"”和方括号“[ ]”是否成对。"),
    ("found undefined alias", "引用了未定义的锚点（*名称）。", "先用 &名称 定义，或删除这个引用。"),
    ("while scanning a quoted scalar", "引号没有闭合。", "给这个值补上结尾的引号。"),
]


def _syntax_problem(e: yaml.MarkedYAMLError, rel: str, problems: Problems) -> None:
    mark = e.problem_mark or e.context_mark
    if e.context and "quoted scalar" in e.context and e.context_mark:
        mark = e.context_mark  # point at where the unclosed quote starts
    loc = _loc(rel, mark) if mark else Loc(rel)
    detail = f"{e.context or ''} {e.problem or ''}".strip()
    for needle, what, fix in _MESSAGES:
        if needle in detail:
            problems.error(loc, f"YAML 语法错误：{what}（{detail}）", fix, code="yaml-syntax")
            return
    problems.error(loc, f"YAML 语法错误：{detail}",
                   "检查这一行附近的缩进、冒号和引号；可用支持 YAML 的编辑器查看。",
                   code="yaml-syntax")


class _TooBig(Exception):
    pass


class _Converter:
    """Node tree → LocDict/LocList/scalars, with problems collected."""

    def __init__(self, rel: str, problems: Problems):
        self.rel = rel
        self.problems = problems
        self.count = 0
        self.constructor = yaml.SafeLoader("")  # only for its scalar constructors

    def convert(self, node) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            self.problems.error(_loc(self.rel, node.start_mark),
                                f"文件展开后超过 {MAX_NODES} 个节点（可能是滥用的 YAML 别名）。",
                                "不要用别名（*名称）层层嵌套复制内容；直接写出需要的数据。",
                                code="alias-bomb")
            raise _TooBig
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.tag not in (
                "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"):
            self.problems.error(_loc(self.rel, node.start_mark), f"不允许的 YAML 标签「{node.tag}」。",
                                "删除这个以 ! 开头的标签：booklet 只读普通的文字、数字、列表和映射。",
                                code="yaml-tag")
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node)
        if isinstance(node, yaml.SequenceNode):
            out = LocList()
            out.loc = _loc(self.rel, node.start_mark)
            out.item_locs = []
            for child in node.value:
                out.append(self.convert(child))
                out.item_locs.append(_loc(self.rel, child.start_mark))
            return out
        return self._scalar(node)

    def _mapping(self, node) -> LocDict:
        out = LocDict()
        out.loc = _loc(self.rel, node.start_mark)
        out.key_locs, out.value_locs = {}, {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                merged = self.convert(value_node)
                for src in (merged if isinstance(merged, list) else [merged]):
                    if isinstance(src, LocDict):
                        for k, v in src.items():
                            if k not in out:
                                out[k] = v
                                out.key_locs[k] = src.key_loc(k)
                                out.value_locs[k] = src.loc_of(k)
                continue
            key = self.convert(key_node)
            if isinstance(key, (dict, list)):
                self.problems.error(_loc(self.rel, key_node.start_mark),
                                    "键不能是列表或映射。", "键应是一个简单的名称，例如 `reason`。",
                                    code="yaml-key")
                continue
            if isinstance(key, (int, Decimal)) and not isinstance(key, bool):
                key = str(key)  # item numbers as keys: "1", not 1
            if key in out:
                first = out.key_locs[key]
                self.problems.error(_loc(self.rel, key_node.start_mark),
                                    f"键「{key}」重复出现（第一次在第 {first.line} 行）。",
                                    "删除或合并重复的键：YAML 只会保留最后一个，前面的内容会被悄悄丢掉。",
                                    code="duplicate-key")
            out[key] = self.convert(value_node)
            out.key_locs[key] = _loc(self.rel, key_node.start_mark)
            out.value_locs[key] = _loc(self.rel, value_node.start_mark)
        return out

    def _scalar(self, node) -> Any:
        tag = node.tag
        if tag == "tag:yaml.org,2002:float":
            text = node.value.replace("_", "")
            try:
                value = Decimal(text)
            except InvalidOperation:
                value = None
            if value is None or not value.is_finite():
                self.problems.error(_loc(self.rel, node.start_mark),
                                    f"数值「{node.value}」无效（不能是无穷大或 NaN）。",
                                    "写一个普通的数，例如 0.5。", code="bad-number")
                return None
            return value
        if tag == "tag:yaml.org,2002:timestamp":
            try:
                value = self.constructor.construct_object(node)
            except ValueError as e:
                self.problems.error(_loc(self.rel, node.start_mark),
                                    f"日期「{node.value}」不存在（{e}）。",
                                    "写一个真实存在的日期，格式 2017-03-05。", code="bad-date")
                return None
            return value.date() if isinstance(value, datetime) else value
        if tag in ("tag:yaml.org,2002:str", "tag:yaml.org,2002:int",
                   "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null"):
            return self.constructor.construct_object(node)
        if tag in ("tag:yaml.org,2002:binary", "tag:yaml.org,2002:set",
                   "tag:yaml.org,2002:omap", "tag:yaml.org,2002:pairs"):
            pass
        self.problems.error(_loc(self.rel, node.start_mark),
                            f"不允许的 YAML 标签「{tag}」。",
                            "删除这个以 ! 开头的标签：booklet 只读普通的文字、数字、列表和映射。",
                            code="yaml-tag")
        return None


def parse_text(text: str, rel: str, problems: Problems) -> Any:
    """Parse YAML text; returns the data (LocDict…) or None if it could not be read."""
    if not _check_tabs(text, rel, problems):
        return None
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as e:
        _syntax_problem(e, rel, problems)
        return None
    except yaml.YAMLError as e:
        problems.error(Loc(rel), f"YAML 无法读取：{e}", "检查文件内容。", code="yaml-syntax")
        return None
    if node is None:
        return None
    try:
        return _Converter(rel, problems).convert(node)
    except _TooBig:
        return None


def read_yaml(path: Path, root: Path, problems: Problems) -> Any:
    """Read one YAML file of the project. Problems name the path relative to root."""
    rel = relpath(path, root)
    try:
        raw = path.read_bytes()
    except OSError as e:
        problems.error(Loc(rel), f"无法读取文件：{e.strerror}", "检查文件是否存在以及读取权限。",
                       code="io")
        return None
    text = decode(raw, rel, problems)
    if text is None:
        return None
    before = len(problems.errors)
    data = parse_text(text, rel, problems)
    if data is None and len(problems.errors) == before:
        problems.error(Loc(rel, 1, 1), "文件是空的（或只有注释）。", "填写内容，或删除这个文件。",
                       code="empty")
    return data


def relpath(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def has_fullwidth_digits(value: Any) -> bool:
    return isinstance(value, str) and bool(FULLWIDTH_DIGITS.search(value))


def halfwidth(value: str) -> str:
    """０．５ → 0.5, for suggesting the right spelling in a message."""
    return value.translate({0xFF10 + i: 0x30 + i for i in range(10)} | {0xFF0E: 0x2E})
