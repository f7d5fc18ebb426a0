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
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Iterable, Optional

import yaml

from .errors import Problems
from .model import Loc

from yaml.resolver import BaseResolver

try:  # the C parser is several times faster; nodes carry the same marks
    from yaml.cyaml import CParser as _Parser  # type: ignore[attr-defined]  # stubs omit it
except ImportError:  # pragma: no cover
    from yaml.parser import Parser as _ParserBase
    from yaml.composer import Composer as _Composer
    from yaml.reader import Reader as _Reader
    from yaml.scanner import Scanner as _Scanner

    class _Parser(_Reader, _Scanner, _ParserBase, _Composer):  # type: ignore[no-redef]
        def __init__(self, stream):
            _Reader.__init__(self, stream)
            _Scanner.__init__(self)
            _ParserBase.__init__(self)
            _Composer.__init__(self)

MAX_NODES = 200_000          # bound on expanded nodes per file (alias bombs)
FULLWIDTH_DIGITS = re.compile(r"[０-９．]")


class LocDict(dict):
    """A dict that knows where it and each of its keys/values are."""
    loc: Loc
    key_locs: dict
    value_locs: dict
    texts: dict = {}      # key -> source text of a plain scalar read as number/bool

    def text_of(self, key) -> Optional[str]:
        return self.texts.get(key)

    def loc_of(self, key) -> Loc:
        return self.value_locs.get(key) or self.key_locs.get(key) or self.loc

    def key_loc(self, key) -> Loc:
        return self.key_locs.get(key) or self.loc


class LocList(list):
    loc: Loc
    item_locs: list
    item_texts: list = []

    def text_of(self, index: int) -> Optional[str]:
        return self.item_texts[index] if 0 <= index < len(self.item_texts) else None

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
    if "nesting depth" in detail:
        problems.error(loc, f"列表或映射嵌套太深，无法读取（{detail}）。",
                       "检查方括号和缩进：booklet 的文件只需要几层嵌套。", code="too-deep")
        return
    for needle, what, fix in _MESSAGES:
        if needle in detail:
            problems.error(loc, f"YAML 语法错误：{what}（{detail}）", fix, code="yaml-syntax")
            return
    problems.error(loc, f"YAML 语法错误：{detail}",
                   "检查这一行附近的缩进、冒号和引号；可用支持 YAML 的编辑器查看。",
                   code="yaml-syntax")


class _TooBig(Exception):
    pass


# ---------------------------------------------------------------- YAML 1.2 scalars
#
# The published JSON Schemas are read by editors with YAML 1.2 (core schema):
# `no` and `off` are text, `22:30` is text, `010` is ten, `0x1F` is text. PyYAML
# resolves by YAML 1.1, so plain scalars are resolved here instead, and each
# keeps its source text (LocDict.texts / LocList.item_texts) so that where a
# schema says text the value is exactly what was typed (schemacheck.conform).

PLAIN = "booklet:plain"                    # a plain scalar with no explicit tag
STR, SEQ, MAP = ("tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map")
ALLOWED_TAGS = {STR, SEQ, MAP}            # `!!str 2017-03-05` is harmless; any other tag is refused
NULL_RE = re.compile(r"^(?:~|null|Null|NULL|)$")
BOOL_RE = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
INT_RE = re.compile(r"^[-+]?[0-9]+$")
FLOAT_RE = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
SPECIAL_FLOAT_RE = re.compile(r"^(?:[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")
MAX_INT_DIGITS = 18                        # longer integers are kept as Decimal (exact, printable)
MAX_DEPTH = 100                            # nesting bound (and a recursive alias guard)


class _Resolver(BaseResolver):
    """Marks untagged plain scalars; everything else keeps its tag (explicit or str/seq/map)."""

    def resolve(self, kind, value, implicit):
        if kind is yaml.ScalarNode:
            return PLAIN if implicit[0] else STR
        return BaseResolver.resolve(self, kind, value, implicit)


class _Loader(_Parser, _Resolver):
    def __init__(self, stream):
        _Parser.__init__(self, stream)
        _Resolver.__init__(self)


def resolve_plain(text: str) -> Any:
    """A plain scalar by the YAML 1.2 core schema: None, bool, int, Decimal or the text.
    Octal (0o17), hex (0x1F), sexagesimal (22:30) and 1_000 are text, as in YAML 1.2;
    `.inf`/`.nan` are refused by the caller (ValueError)."""
    if NULL_RE.match(text):
        return None
    if BOOL_RE.match(text):
        return text.lower() == "true"
    if INT_RE.match(text):
        digits = text.lstrip("+-")
        return int(text) if len(digits) <= MAX_INT_DIGITS else Decimal(text)
    if FLOAT_RE.match(text):
        return Decimal(text)
    if SPECIAL_FLOAT_RE.match(text):
        raise ValueError(text)
    return text


class _Converter:
    """Node tree → LocDict/LocList/scalars, with problems collected."""

    def __init__(self, rel: str, problems: Problems):
        self.rel = rel
        self.problems = problems
        self.count = 0
        self.stack: list[int] = []          # ids of the collection nodes being converted

    def _tag_problem(self, node) -> None:
        self.problems.error(_loc(self.rel, node.start_mark), f"不允许的 YAML 标签「{node.tag}」。",
                            "删除这个以 ! 开头的标签：booklet 只读普通的文字、数字、列表和映射"
                            "（要让一个值按文字读，给它加引号）。", code="yaml-tag")

    def convert(self, node) -> Any:
        return self.convert_with_text(node)[0]

    def convert_with_text(self, node) -> tuple[Any, Optional[str]]:
        """(value, source text of a plain scalar whose value is not that text, else None)."""
        self.count += 1
        if self.count > MAX_NODES:
            self.problems.error(_loc(self.rel, node.start_mark),
                                f"文件展开后超过 {MAX_NODES} 个节点（可能是滥用的 YAML 别名）。",
                                "不要用别名（*名称）层层嵌套复制内容；直接写出需要的数据。",
                                code="alias-bomb")
            raise _TooBig
        if node.tag not in ALLOWED_TAGS and node.tag != PLAIN:
            self._tag_problem(node)
            return None, None
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node)
        if id(node) in self.stack:
            self.problems.error(_loc(self.rel, node.start_mark),
                                "YAML 别名引用了包含它自己的内容（循环引用，如 &r [*r]）。",
                                "删除这个别名（*名称），直接写出需要的数据。", code="alias-recursive")
            return None, None
        if len(self.stack) >= MAX_DEPTH:
            self.problems.error(_loc(self.rel, node.start_mark),
                                f"列表或映射嵌套超过 {MAX_DEPTH} 层。",
                                "检查方括号和缩进：booklet 的文件只需要几层嵌套。", code="too-deep")
            raise _TooBig
        self.stack.append(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node), None
            out = LocList()
            out.loc = _loc(self.rel, node.start_mark)
            out.item_locs, out.item_texts = [], []
            for child in node.value:
                value, text = self.convert_with_text(child)
                out.append(value)
                out.item_locs.append(_loc(self.rel, child.start_mark))
                out.item_texts.append(text)
            return out, None
        finally:
            self.stack.pop()

    def _mapping(self, node) -> LocDict:
        out = LocDict()
        out.loc = _loc(self.rel, node.start_mark)
        out.key_locs, out.value_locs, out.texts = {}, {}, {}
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag == PLAIN \
                    and key_node.value == "<<":
                self.problems.error(_loc(self.rel, key_node.start_mark),
                                    "不支持 YAML 合并键「<<」。",
                                    "把要复用的键直接写在这里（复制一份），不要用 `<<: *名称`。",
                                    code="yaml-merge")
                continue
            if isinstance(key_node, yaml.ScalarNode):
                if key_node.tag not in ALLOWED_TAGS and key_node.tag != PLAIN:
                    self._tag_problem(key_node)
                    continue
                key = key_node.value      # keys are names: always the text as written ("1", "true")
            else:
                self.problems.error(_loc(self.rel, key_node.start_mark),
                                    "键不能是列表或映射。", "键应是一个简单的名称，例如 `reason`。",
                                    code="yaml-key")
                continue
            if key in out:
                first = out.key_locs[key]
                self.problems.error(_loc(self.rel, key_node.start_mark),
                                    f"键「{key}」重复出现（第一次在第 {first.line} 行）。",
                                    "删除或合并重复的键：YAML 只会保留最后一个，前面的内容会被悄悄丢掉。",
                                    code="duplicate-key")
            value, text = self.convert_with_text(value_node)
            out[key] = value
            out.key_locs[key] = _loc(self.rel, key_node.start_mark)
            out.value_locs[key] = _loc(self.rel, value_node.start_mark)
            if text is not None:
                out.texts[key] = text
            else:
                out.texts.pop(key, None)
        return out

    def _scalar(self, node) -> tuple[Any, Optional[str]]:
        if node.tag == STR:
            return node.value, None
        try:
            value = resolve_plain(node.value)
        except (ValueError, InvalidOperation):
            self.problems.error(_loc(self.rel, node.start_mark),
                                f"数值「{node.value}」无效（不能是无穷大或 NaN）。",
                                "写一个普通的数，例如 0.5；如果这是文字，请加引号。", code="bad-number")
            return None, None
        if isinstance(value, str) or value is None:
            return value, None
        return value, node.value


# Characters no booklet file may hold. Control characters (YAML itself refuses
# them); bidi controls, which make a printed reason read reversed ("Trojan
# source"); invisible format characters, which make two equal-looking names
# differ. Tab, LF and CR are fine (tabs in indentation get their own message).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]")
MAX_CHAR_PROBLEMS = 10


def _char_name(ch: str) -> str:
    code = f"U+{ord(ch):04X}"
    if "\u202a" <= ch <= "\u202e" or "\u2066" <= ch <= "\u2069" or ch in "\u200e\u200f":
        return f"文字方向控制符 {code}（会让打印出的文字顺序颠倒）"
    if _INVISIBLE.match(ch):
        return f"看不见的格式字符 {code}（如零宽空格，常从网页或聊天软件复制而来）"
    return f"控制字符 {code}"


def check_chars(text: str, rel: str, problems: Problems) -> bool:
    """Refuse control, bidi and invisible format characters, each at line:col.
    False if the text holds a control character YAML cannot read at all."""
    readable = True
    found = 0
    for n, line in enumerate(text.split("\n"), 1):
        for m in _CONTROL.finditer(line):
            readable = False
            found += 1
            if found <= MAX_CHAR_PROBLEMS:
                problems.error(Loc(rel, n, m.start() + 1), f"文件中有{_char_name(m.group())}。",
                               "删除这个看不见的字符（可在编辑器中显示不可见字符后删除）；"
                               "文字请直接输入或粘贴为纯文本。", code="control-char")
        for m in _INVISIBLE.finditer(line):
            found += 1
            if found <= MAX_CHAR_PROBLEMS:
                problems.error(Loc(rel, n, m.start() + 1), f"文件中有{_char_name(m.group())}。",
                               "删除这个看不见的字符（可在编辑器中显示不可见字符后删除）；"
                               "从网页或聊天软件复制的文字请先粘贴为纯文本。", code="invisible-char")
    if found > MAX_CHAR_PROBLEMS:
        problems.error(Loc(rel, 1, 1), f"文件中共有 {found} 个不可见或控制字符，只列出了前 "
                       f"{MAX_CHAR_PROBLEMS} 个。", "用编辑器的“显示不可见字符”功能找出并删除它们。",
                       code="control-char")
    return readable


def parse_text(text: str, rel: str, problems: Problems) -> Any:
    """Parse YAML text; returns the data (LocDict…) or None if it could not be read."""
    if text.startswith("\ufeff"):
        text = text[1:]                   # a BOM at the start is harmless
    readable = check_chars(text, rel, problems)
    if not _check_tabs(text, rel, problems) or not readable:
        return None
    try:
        # our own loader class (parser + 1.2 resolver); the stubs list only PyYAML's
        node = yaml.compose(text, Loader=_Loader)  # type: ignore[arg-type]
    except yaml.MarkedYAMLError as e:
        _syntax_problem(e, rel, problems)
        return None
    except yaml.YAMLError as e:
        problems.error(Loc(rel, 1, 1), f"YAML 无法读取：{e}", "检查文件内容。", code="yaml-syntax")
        return None
    except RecursionError:
        problems.error(Loc(rel, 1, 1), "列表或映射嵌套太深，无法读取。",
                       "检查方括号和缩进：booklet 的文件只需要几层嵌套。", code="too-deep")
        return None
    if node is None:
        return None
    try:
        return _Converter(rel, problems).convert(node)
    except _TooBig:
        return None


def read_yaml(path: Path, root: Path, problems: Problems, raw: Optional[bytes] = None) -> Any:
    """Read one YAML file of the project. Problems name the path relative to root.
    `raw`: the file's bytes when the caller has read them already (booklet/load.py)."""
    rel = relpath(path, root)
    try:
        raw = path.read_bytes() if raw is None else raw
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
