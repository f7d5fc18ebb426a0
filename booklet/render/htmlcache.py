"""Rendered print HTML kept across builds, keyed by what the template reads.

Rendering the print HTML of every document with Jinja is the largest fixed
cost of a build in which one record changed. A document's HTML is a pure
function of its template (booklet's theme and the project's templates/, both
by content), the template's name and the document's context (plain data:
dataclasses, dicts, lists, strings, numbers, dates, Markup). So the key is a
hash over a canonical serialization of the context (`context_digest`): every
field of every object, by type and value, in the order a template iterates
it. A context holding anything else (an object the serializer does not know)
gets no key and is rendered as before, so a key never stands for two
different HTML texts.

Objects shared by many documents (a rubric, the office, a unit's results)
are serialized once per build (`Digester` remembers them by identity for the
duration of one planning pass, while they are alive and unchanged).
"""
from __future__ import annotations

import dataclasses
import enum
import hashlib
import os
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from pathlib import Path, PurePath
from typing import Any, Optional

from .cache import code_hash, prune_files

HTML_CACHE_VERSION = "booklet-html-1"
_ATOMS = (str, int, float, bool, Decimal, Fraction, date, datetime, PurePath)


class Unhashable(Exception):
    """The context holds something the serializer does not know."""


class Digester:
    """Canonical digests of template contexts within one build: a context is
    written out as one text (each value with its type, strings with their
    length) and hashed once; each dataclass object stands in its parent's
    text by its own digest, computed once per object."""

    def __init__(self) -> None:
        self._memo: dict[int, tuple[Any, str]] = {}     # id -> (object kept alive, digest)
        self._busy: set[int] = set()
        self._fields: dict[type, tuple[str, ...]] = {}

    def digest(self, obj: Any) -> str:
        out: list[str] = []
        self._write(obj, out)
        return hashlib.sha256("".join(out).encode("utf-8", "surrogatepass")).hexdigest()

    def _write(self, obj: Any, out: list[str]) -> None:
        t = type(obj)
        if t is str:
            out.append(f"s{len(obj)}:")
            out.append(obj)
        elif obj is None:
            out.append("N")
        elif t is int or t is bool or t is float:
            out.append(f"{t.__name__}{obj!r};")
        elif t is list or t is tuple:
            out.append("[" if t is list else "(")
            for x in obj:
                self._write(x, out)
            out.append("]")
        elif t is dict:
            out.append("{")
            for k, v in obj.items():            # insertion order: the order a template sees
                self._write(k, out)
                self._write(v, out)
            out.append("}")
        elif isinstance(obj, str):              # Markup (not escaped) and other str kinds
            out.append(f"{t.__module__}.{t.__qualname__}{len(obj)}:")
            out.append(str(obj))
        elif isinstance(obj, enum.Enum):
            out.append(f"E{t.__module__}.{t.__qualname__}:{obj.name};")
        elif isinstance(obj, _ATOMS):
            out.append(f"{t.__module__}.{t.__qualname__}:{obj!r};")
        elif t is set or t is frozenset:
            out.append("<")
            out.extend(sorted(self.digest(x) for x in obj))
            out.append(">")
        elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            out.append("D")
            out.append(self._object(obj, t))
        else:
            raise Unhashable(t.__qualname__)

    def _object(self, obj: Any, t: type) -> str:
        key = id(obj)
        hit = self._memo.get(key)
        if hit is not None and hit[0] is obj:
            return hit[1]
        if key in self._busy:
            raise Unhashable("cycle")
        self._busy.add(key)
        try:
            names = self._fields.get(t)
            if names is None:
                names = self._fields[t] = tuple(f.name for f in dataclasses.fields(obj))
            out = [f"{t.__module__}.{t.__qualname__}("]
            extra = getattr(obj, "__dict__", None)
            if extra is not None and len(extra) != len(names):
                # attributes set outside the fields too
                all_names = list(names) + [n for n in extra if n not in names]
            else:
                all_names = list(names)
            for n in all_names:
                out.append(n)
                out.append("=")
                self._write(getattr(obj, n), out)
            out.append(")")
            d = hashlib.sha256("".join(out).encode("utf-8", "surrogatepass")).hexdigest()
        finally:
            self._busy.discard(key)
        self._memo[key] = (obj, d)
        return d


def templates_hash(project_templates: Optional[Path]) -> str:
    """The project's templates/ by content (they override the theme)."""
    h = hashlib.sha256()
    if project_templates is not None and Path(project_templates).is_dir():
        base = Path(project_templates)
        for p in sorted(base.rglob("*")):
            if p.is_file():
                data = p.read_bytes()
                h.update(f"{p.relative_to(base).as_posix()}:{len(data)}\n".encode())
                h.update(data)
    return h.hexdigest()


class HtmlCache:
    """Rendered HTML by context key, one file each (mtime: last use)."""

    def __init__(self, cache_dir: Path, project_templates: Optional[Path]):
        self.dir = Path(cache_dir) / "html-render"
        self.prefix = "\0".join((HTML_CACHE_VERSION, code_hash(),
                                 templates_hash(project_templates))).encode()
        self.digester = Digester()

    def key(self, template: str, context: Any) -> Optional[str]:
        try:
            d = self.digester.digest(context)
        except Unhashable:
            return None
        h = hashlib.sha256(self.prefix)
        h.update(b"\0" + template.encode() + b"\0" + d.encode())
        return h.hexdigest()

    def path(self, key: str) -> Path:
        return self.dir / key[:2] / f"{key}.html"

    def get(self, key: str) -> Optional[str]:
        p = self.path(key)
        try:
            text = p.read_text(encoding="utf-8")
            os.utime(p)         # in use: its mtime is its last use
        except (OSError, UnicodeDecodeError):
            return None
        return text

    def put(self, key: str, html: str) -> None:
        p = self.path(key)
        try:
            p.parent.mkdir(parents=True, exist_ok=True)
            tmp = p.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(html, encoding="utf-8")
            os.replace(tmp, p)
        except OSError:
            pass                # a cache that cannot be written only costs time

    def prune(self, keep: set[str], older_than_s: float) -> None:
        """Delete entries not used by this build and unused for a while."""
        prune_files(self.dir, "*/*.html", keep, older_than_s)
