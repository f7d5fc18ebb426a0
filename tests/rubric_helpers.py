"""Helpers the seed-rubric tests share: walking raw rubric YAML and comparing
texts with the seed dumps."""
from __future__ import annotations

import re
from decimal import Decimal


def squash(text: str) -> str:
    """Drop all whitespace (tabs, line breaks, spaces, no-break spaces): the
    dumps break cells and even words across lines."""
    return re.sub(r"\s+", "", text)


def num(v) -> Decimal:
    return Decimal(str(v))


def items(rubric: dict) -> list[dict]:
    return [it for s in rubric["sections"] for it in s["items"]]


def all_rules(rubric: dict):
    """(item or None, rule) for every item rule and rubric-wide rule."""
    for it in items(rubric):
        for r in it.get("rules", []):
            yield it, r
    for key in ("bonuses", "extra_deductions"):
        for r in rubric.get(key) or []:
            yield None, r


def walk(node, path=()):
    """(path, key, value) for every mapping entry, depth first."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield path + (k,), k, v
            yield from walk(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from walk(v, path + (i,))
