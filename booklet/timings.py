"""Per-stage wall times for finding slow stages (debugging, not output).

With BOOKLET_TIMINGS=1 in the environment, `stage(label)` blocks print their
wall time to stderr. Nothing else is affected: the times are never written
into any output, so builds stay byte-identical.
"""
from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager
from typing import Iterator


def enabled() -> bool:
    return os.environ.get("BOOKLET_TIMINGS", "") not in ("", "0")


@contextmanager
def stage(label: str) -> Iterator[None]:
    if not enabled():
        yield
        return
    t = time.perf_counter()
    try:
        yield
    finally:
        print(f"[timings] {label}: {time.perf_counter() - t:.3f} s", file=sys.stderr)
