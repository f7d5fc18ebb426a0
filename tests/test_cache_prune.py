"""The PDF cache forgets what no build has used for a while, and never what
this build uses (render/cache.py prune_files, used by the PDF and HTML caches)."""
from __future__ import annotations

import os
import time

from booklet.render.cache import PRUNE_AFTER_S, PdfCache


def _age(path, seconds: float) -> None:
    t = time.time() - seconds
    os.utime(path, (t, t))


def test_prune_removes_old_unused_entries_with_their_metadata_only(tmp_path):
    cache = PdfCache(tmp_path)
    old, fresh, used = "aa" + "1" * 62, "bb" + "2" * 62, "cc" + "3" * 62
    for key in (old, fresh, used):
        cache.put(key, b"%PDF-1.7 " + key.encode(), 3)
    _age(cache.path(old), PRUNE_AFTER_S + 60)
    _age(cache.path(used), PRUNE_AFTER_S + 60)      # old, but this build uses it
    assert cache.prune({used}) == 1
    assert cache.get(old) is None and not cache.meta_path(old).exists()
    assert cache.get(fresh) is not None and cache.pages(fresh) == 3
    assert cache.get(used) is not None and cache.meta_path(used).exists()


def test_prune_of_a_missing_cache_does_nothing(tmp_path):
    assert PdfCache(tmp_path / "nowhere").prune(set()) == 0
