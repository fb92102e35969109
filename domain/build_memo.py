"""Values computed once per data build: a build's tables do not change once loaded, so what is
derived from them alone (the catalogue's reading order, say) is kept with the build object."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

T = TypeVar("T")


def once_per_build(tables: Mapping, key: str, make: Callable[[], T]) -> T:
    """`make()`, kept with a loaded build (`BuildData.derived`) under `key`; plain tables (a dict
    of frames, as tests and imports pass) are computed every time."""
    store = getattr(tables, "derived", None)
    if not isinstance(store, dict):
        return make()
    if key not in store:
        store[key] = make()
    return store[key]  # type: ignore[return-value]
