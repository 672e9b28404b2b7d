"""The CBS list of gemeentecodes (external data for TR378, retourcode S300)."""
from __future__ import annotations

from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=None)
def gemeentecodes(year: int = 2026) -> frozenset[str]:
    name = f"cbs-gemeentecodes-{year}.txt"
    text = (resources.files("harness.standard") / "data" / name).read_text(encoding="utf-8")
    return frozenset(word for line in text.splitlines() if not line.startswith("#")
                     for word in line.split())
