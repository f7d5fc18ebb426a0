"""Check parsed YAML against the published JSON Schemas in schema/, and turn
each violation into a Chinese message at the right file, line and column.

The schemas are the declarative description of every file (as MkDocs'
config_options are); this module only translates their verdicts. The caller
may give a `locate(path) -> Loc` (an annex spreadsheet's rows: "表 Sheet1 第
7 行"); by default places come from booklet.yamlio's line numbers.
"""
from __future__ import annotations

import difflib
import json
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any, Callable, Optional

import jsonschema
from jsonschema import Draft202012Validator

from .dates import DateError, parse_date
from .errors import Problems
from .model import Loc
from .resources import schema_dir
from .yamlio import halfwidth, has_fullwidth_digits, loc_of

# Sanity bounds on every number read from a file, before any schema bound:
# nothing booklet scores or prints needs more (points, rates, counts, 元).
MAX_MAGNITUDE = Decimal("1e12")     # |x| < 10^12
MAX_DECIMALS = 6                    # at most 6 digits after the decimal point

TYPE_NAMES = {"string": "文字", "integer": "整数", "number": "数字", "array": "列表（- 开头的多行）",
              "object": "映射（键: 值）", "boolean": "true 或 false", "null": "空"}


def _is_number(checker, value):
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def _is_string(checker, value):
    return isinstance(value, (str, date))  # YAML gives dates as date objects


_TYPES = Draft202012Validator.TYPE_CHECKER.redefine_many(
    {"number": _is_number, "string": _is_string})
_Validator = jsonschema.validators.extend(Draft202012Validator, type_checker=_TYPES)


Locate = Callable[[tuple], Loc]
# Kinds of violation that are about the shape of the file, not its values.
SHAPE_KINDS = frozenset({"type", "required", "additionalProperties"})


@lru_cache(maxsize=None)
def _schema(name: str, part: Optional[str] = None) -> dict:
    path = schema_dir() / f"{name}.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    if part is not None:
        schema = {"$defs": schema["$defs"], "$ref": f"#/$defs/{part}"}
    return schema


@lru_cache(maxsize=None)
def validator(name: str, part: Optional[str] = None):
    """name: booklet | rubric | record | annex; part: one of its $defs
    (annex: roster | duty | funds), when the file says which it is."""
    return _Validator(_schema(name, part))


# ---------------------------------------------------------------- conversion
#
# The one conversion step between the YAML reader and the schema check. The
# reader resolves plain scalars by YAML 1.2 and keeps their source text; here,
# guided by the schema:
#  - where the schema admits text, a plain scalar read as a number or boolean
#    becomes the text as written (`reason: 12.50` → "12.50", `item: 2.10` →
#    "2.10", `phone: 13900000101` → "13900000101");
#  - a date field (format: date) becomes a `date` (booklet.dates, one parser);
#  - every other number must be of a sane size (MAX_MAGNITUDE, MAX_DECIMALS).
# A value refused here becomes None after its problem is recorded.

def _deref(schema: Any, root: dict) -> dict:
    for _ in range(20):
        if not isinstance(schema, dict) or "$ref" not in schema:
            break
        ref = schema["$ref"]
        target = root
        for part in ref.lstrip("#/").split("/"):
            target = target.get(part, {}) if isinstance(target, dict) else {}
        schema = {**{k: v for k, v in schema.items() if k != "$ref"}, **target}
    return schema if isinstance(schema, dict) else {}


def _branches(schema: dict, root: dict) -> list[dict]:
    out = [schema]
    for key in ("anyOf", "oneOf", "allOf"):
        for b in schema.get(key, ()):
            out.extend(_branches(_deref(b, root), root))
    return out


def _types(schema: dict, root: dict) -> set:
    ts: set = set()
    for b in _branches(schema, root):
        t = b.get("type")
        ts.update(t if isinstance(t, list) else [t] if t else [])
        if "enum" in b:
            ts.update("string" if isinstance(x, str) else "other" for x in b["enum"])
    return ts


def _child(schema: dict, root: dict, key: Any, container: str) -> Optional[dict]:
    for b in _branches(schema, root):
        if container == "object":
            props = b.get("properties", {})
            if key in props:
                return _deref(props[key], root)
            extra = b.get("additionalProperties")
            if isinstance(extra, dict):
                return _deref(extra, root)
        elif isinstance(b.get("items"), dict):
            return _deref(b["items"], root)
    return None


def _is_date_field(schema: dict, root: dict) -> bool:
    return any(b.get("format") == "date" for b in _branches(schema, root))


def shown(value: Any, limit: int = 40) -> str:
    """A value as a message quotes it, cut short if it is very long."""
    text = value if isinstance(value, str) else str(value)
    return text if len(text) <= limit else text[:limit] + f"…（共 {len(text)} 个字符）"


def number_problem(value: Any) -> Optional[str]:
    """Why a number read from a file is not of a sane size, or None."""
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        return None
    d = value if isinstance(value, Decimal) else Decimal(value)
    if not d.is_finite():
        return "不是有限的数"
    if d != 0 and d.adjusted() >= MAX_MAGNITUDE.adjusted():
        return f"太大（绝对值应小于 {MAX_MAGNITUDE:,.0f}）"
    if d != d.quantize(Decimal(1).scaleb(-MAX_DECIMALS)):
        return f"小数位太多（最多 {MAX_DECIMALS} 位小数）"
    return None


def conform(data: Any, schema_name: str, rel: str, problems: Problems, *,
            part: Optional[str] = None, values: bool = True,
            locate: Optional["Locate"] = None) -> Any:
    """Convert `data` in place as its schema says (see above); returns data.
    values=False: only restore texts (the annex reader checks its own dates
    and numbers, booklet.annex.validate)."""
    root = _schema(schema_name, part)
    default = Loc(rel, 1, 1)

    def where(path):
        return locate(tuple(path)) if locate else loc_of(data, path, default)

    def visit(node, schema: Optional[dict], path: list) -> None:
        if isinstance(node, dict):
            items = list(node.items())
            container = "object"
        elif isinstance(node, list):
            items = list(enumerate(node))
            container = "array"
        else:
            return
        texts = getattr(node, "texts", None) if container == "object" else None
        item_texts = getattr(node, "item_texts", None) if container == "array" else None
        for key, value in items:
            sub = _child(schema, root, key, container) if schema is not None else None
            if isinstance(value, (dict, list)):
                visit(value, sub, path + [key])
                continue
            if value is None:
                continue
            text = texts.get(key) if texts is not None else (
                item_texts[key] if item_texts is not None and key < len(item_texts) else None)
            types = _types(sub, root) if sub is not None else set()
            if text is not None and not isinstance(value, str) and "string" in types:
                value = node[key] = text
            if not values:
                continue
            if sub is not None and _is_date_field(sub, root):
                try:
                    node[key] = parse_date(value)
                except DateError as e:
                    problems.error(where(path + [key]), f"{_where(path + [key])}：日期{e.what}", e.fix,
                                   code="bad-date")
                    node[key] = None
                continue
            why = number_problem(value)
            if why:
                problems.error(where(path + [key]),
                               f"{_where(path + [key])}：数值「{shown(text or value)}」{why}。",
                               "检查这个数（是否多打了数字或写错了小数点）；如果它是文字，请加引号。",
                               code="bad-number")
                node[key] = None

    visit(data, _deref(root, root), [])
    return data


def _is_shape(err) -> bool:
    """A missing or unknown key, or a mapping/list where the other (or a
    value) belongs. A wrong scalar is a value problem, left to the caller."""
    if err.validator != "type":
        return err.validator in SHAPE_KINDS
    if err.instance is None:
        return False                                   # a blank value: the caller's to explain
    want = set(err.validator_value if isinstance(err.validator_value, list) else [err.validator_value])
    return isinstance(err.instance, (dict, list)) or not (want - {"object", "array"})


def _where(path) -> str:
    parts = []
    for p in path:
        parts.append(f"第{p + 1}项" if isinstance(p, int) else str(p))
    return " → ".join(parts) if parts else "文件顶层"


def _type_names(t: str | list[str]) -> str:
    ts = t if isinstance(t, list) else [t]
    return "或".join(TYPE_NAMES.get(x, x) for x in ts if x != "null") or "空"


def check(data: Any, schema_name: str, rel: str, problems: Problems) -> bool:
    """Add a problem per violation; True if the data has the right shape."""
    return not errors_at(data, schema_name, rel, problems)


def errors_at(data: Any, schema_name: str, rel: str, problems: Problems, *,
              locate: Optional[Locate] = None, part: Optional[str] = None,
              shape_only: bool = False) -> list[tuple[list, str]]:
    """Add a problem per violation; return (path, validator) of each violation.
    shape_only: report only SHAPE_KINDS (the caller checks the values)."""
    v = validator(schema_name, part)
    bad_paths: list[tuple[list, str]] = []
    conform(data, schema_name, rel, problems, part=part, values=not shape_only, locate=locate)
    already = {(p.loc.file, p.loc.line) for p in problems.items}
    errors = sorted(v.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    seen = set()
    for err in errors:
        # oneOf/anyOf produce a parent error and children; report the most specific
        if err.context:
            err = min(err.context, key=lambda e: -len(e.absolute_path))
        if shape_only and not _is_shape(err):
            continue
        path = list(err.absolute_path)
        key = (tuple(map(str, path)), err.validator)
        if key in seen:
            continue
        seen.add(key)
        loc = locate(tuple(path)) if locate else loc_of(data, path, Loc(rel, 1, 1))
        bad_paths.append((path, err.validator))
        if err.instance is None and (loc.file, loc.line) in already:
            continue  # the reader already explained this value (a bad date, a bad tag)
        if err.validator == "additionalProperties" and isinstance(err.instance, dict):
            extra = [k for k in err.instance if k not in err.schema.get("properties", {})]
            if extra and hasattr(err.instance, "key_loc"):
                loc = err.instance.key_loc(extra[0])
            elif extra and locate:
                loc = locate(tuple(path) + (extra[0],))
        what, fix = _translate(err, path, data)
        problems.error(loc, what, fix, code=f"schema-{err.validator}")
    return bad_paths


def _name_of(prop: dict) -> str:
    """A property's Chinese name: its description up to the first explanation."""
    desc = str(prop.get("description", "")) if isinstance(prop, dict) else ""
    for sep in ("：", "（", "，", "；", "。", ":", " "):
        desc = desc.split(sep)[0]
    return desc if 0 < len(desc) <= 8 else ""


def _translate(err, path, data) -> tuple[str, str]:
    where = _where(path)
    inst = err.instance
    kind = err.validator
    if kind == "required":
        missing = err.message.split("'")[1] if "'" in err.message else err.message
        name = _name_of(err.schema.get("properties", {}).get(missing, {}))
        named = f"（{name}）" if name else ""
        return (f"{where} 缺少必填项「{missing}」{named}。", f"添加一行 `{missing}: …`。")
    if kind == "additionalProperties":
        allowed = sorted(err.schema.get("properties", {}))
        extra = [k for k in inst if k not in allowed] if isinstance(inst, dict) else []
        msgs = []
        for k in extra:
            close = difflib.get_close_matches(str(k), allowed, n=1)
            hint = f"是不是「{close[0]}」？" if close else ""
            msgs.append(f"未知的键「{k}」。{hint}")
        # point at the first unknown key itself
        fix = "检查拼写；这里允许的键：" + "、".join(allowed)
        return (f"{where}：" + " ".join(msgs), fix)
    if kind == "type":
        want = _type_names(err.validator_value)
        if has_fullwidth_digits(inst):
            return (f"{where}：「{inst}」用了全角数字或全角小数点。",
                    f"改为半角数字 {halfwidth(str(inst)).rstrip('分')}（不要带“分”字）。")
        if isinstance(inst, str) and err.validator_value in ("number", "integer", ["number", "null"]):
            return (f"{where}：「{inst}」应为{want}，不是文字。",
                    "只写数字本身，例如 2 或 0.5，不要加引号或“分”字。")
        return (f"{where} 应为{want}，实际是「{inst}」。", f"把它改成{want}。")
    if kind == "enum":
        options = "、".join(str(x) for x in err.validator_value)
        close = difflib.get_close_matches(str(inst), [str(x) for x in err.validator_value], n=1)
        hint = f"是不是「{close[0]}」？" if close else ""
        return (f"{where}：「{inst}」不是允许的值。{hint}", f"可选：{options}。")
    if kind == "pattern":
        desc = err.schema.get("description", f"格式 {err.validator_value}")
        return (f"{where}：「{inst}」格式不对。", f"{desc}。")
    if kind in ("minimum", "exclusiveMinimum"):
        return (f"{where}：{inst} 太小（不能小于 {err.validator_value}）。", "改成非负的整数或数。")
    if kind in ("maximum", "exclusiveMaximum"):
        return (f"{where}：{inst} 太大（不能大于 {err.validator_value}）。", "检查这个数。")
    if kind == "minItems":
        return (f"{where} 至少要有 {err.validator_value} 项。", "补上缺少的内容。")
    if kind == "maxItems":
        return (f"{where} 最多 {err.validator_value} 项。", "删去多余的项。")
    if kind in ("minProperties", "maxProperties"):
        return (f"{where} 应当恰好写一个条件。", "例如 `units: {kind: 社区}`。")
    return (f"{where}：{err.message}", "按说明文档《项目与文件格式》修改（booklet docs 显示它在哪里）。")
