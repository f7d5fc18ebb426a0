"""Files already read and checked, kept across runs, keyed by their content.

Reading a record is YAML parsing, the schema check and building the model
object; for a project of 20,000 records that is most of `booklet validate`.
A file whose bytes have not changed since the last run gives the same object
and the same problems, so both are kept in .booklet-cache/load/<group>.pickle:

    {"version": VERSION, "files": {rel: (sha256 of the bytes, pickle of (object, problems))}}

VERSION names the cache format, Python, booklet's own code (code_hash: any
change to booklet rebuilds the cache) and the JSON Schemas. Only files
without errors are kept (a file with errors is read again, so its messages
are always made fresh). Checks across files (unknown units, duplicates)
are not file results: they run on every load. A cache that cannot be read,
was written by other code or holds anything unexpected is ignored as if it
were not there, and a cache that cannot be written is simply not written.

The unpickler accepts only booklet's model classes, Decimal and date, so a
cache file from elsewhere cannot run code (pickle docs, "Restricting Globals").
"""
from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import pickle
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

from . import errors, model
from .errors import Problems
from .resources import schema_dir
from .staging import CACHE_DIR

FORMAT = "booklet-load-1"
SUBDIR = "load"


@lru_cache(maxsize=None)
def version() -> str:
    """What the cached results depend on besides the file's own bytes."""
    from .render.cache import code_hash
    h = hashlib.sha256()
    h.update(f"{FORMAT}\n{sys.version}\n{code_hash()}\n".encode())
    for p in sorted(schema_dir().glob("*.json")):
        h.update(p.name.encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


_CLASSES = [obj for obj in (*vars(model).values(), errors.Problem, errors.Problems)
            if isinstance(obj, type) and dataclasses.is_dataclass(obj)
            and obj.__module__ in ("booklet.model", "booklet.errors")]
_ALLOWED = {("decimal", "Decimal"), ("datetime", "date"),
            *((c.__module__, c.__name__) for c in _CLASSES)}


def _reducer(cls: type):
    """A dataclass as (class, its field values): the compact form (no per-object dict)."""
    names = tuple(f.name for f in dataclasses.fields(cls))
    return lambda obj: (cls, tuple(getattr(obj, n) for n in names))


_DISPATCH = {c: _reducer(c) for c in _CLASSES}


def dumps(obj: Any) -> bytes:
    buf = io.BytesIO()
    p = pickle.Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL)
    p.dispatch_table = _DISPATCH
    p.dump(obj)
    return buf.getvalue()


def loads(raw: bytes) -> Any:
    return _Unpickler(io.BytesIO(raw)).load()


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in _ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a load cache")
        return super().find_class(module, name)


class LoadCache:
    """One group of files (the config, or rubrics and records) of one project."""

    def __init__(self, root: Path, group: str):
        self.root = Path(root)
        self.path = self.root / CACHE_DIR / SUBDIR / f"{group}.pickle"
        self.old: dict[str, tuple] = self._read()
        self.new: dict[str, tuple] = {}
        self.changed = False

    def _read(self) -> dict[str, tuple]:
        try:
            raw = self.path.read_bytes()
        except OSError:
            return {}
        try:
            data = loads(raw)
        except Exception:           # garbage, truncated, written by other code: ignore it
            return {}
        if not isinstance(data, dict) or data.get("version") != version() \
                or not isinstance(data.get("files"), dict):
            return {}
        return data["files"]

    def get(self, rel: str, key: str) -> Optional[tuple[Any, Problems]]:
        """(object, problems) of the file `rel` whose bytes hash to `key`, or None."""
        entry = self.old.get(rel)
        if not (isinstance(entry, tuple) and len(entry) == 2 and entry[0] == key
                and isinstance(entry[1], bytes)):
            return None
        try:
            obj, problems = loads(entry[1])
        except Exception:           # a damaged entry: read the file again
            return None
        if not isinstance(problems, errors.Problems):
            return None
        self.new[rel] = entry
        return obj, problems

    def put(self, rel: str, key: str, obj: Any, problems: Problems) -> None:
        """Keep a file's result (only a file without errors). Each file is pickled
        on its own: one pickle of every file would hold a memo entry per object."""
        if rel in self.old:
            self.changed = True
        if obj is None or problems.errors:
            return
        try:
            self.new[rel] = (key, dumps((obj, problems)))
        except Exception:           # an object that cannot be kept: no cache for it
            return
        self.changed = True

    def save(self) -> None:
        """Write the files seen in this run (dropping those gone), if anything changed."""
        if not self.changed and set(self.new) == set(self.old):
            return
        data = dumps({"version": version(), "files": self.new})
        if not (self.root / "booklet.yml").is_file():
            return                  # not a project: leave the folder alone
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(data)
            os.replace(tmp, self.path)
        except OSError:             # read-only, or .booklet-cache is a file: no cache
            try:
                tmp.unlink(missing_ok=True)
            except OSError:
                pass
