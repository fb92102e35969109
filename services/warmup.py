"""What a worker does before its first request: load the data build and plotly's figure code.

Both are one-time costs of a process (reading the build's Parquet tables, about 0.15 s; plotly's
lazily imported validators, 0.1–0.3 s) that the first visitor of each worker paid before. The
query and callback caches stay empty: what a request computes is still computed on demand.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from services import data_access

log = logging.getLogger(__name__)


def warm_worker(preload_figure_code: Callable[[], object]) -> dict[str, float]:
    """Load the current data build and plotly's code (the app passes the charts' preloader: services
    do not import components); seconds per step. Never raises: a worker without a build still starts
    and its pages say the data is missing."""
    seconds: dict[str, float] = {}
    steps: tuple[tuple[str, Callable[[], object]], ...] = (
        ("data build", data_access.get_data),
        ("figure code", preload_figure_code),
    )
    for name, step in steps:
        started = time.perf_counter()
        try:
            step()
        except Exception as err:  # noqa: BLE001 - a warm-up failure must not stop the worker
            log.warning("warm-up step %r failed: %s", name, str(err)[:200])
            continue
        seconds[name] = round(time.perf_counter() - started, 3)
    log.info("worker warmed up: %s", seconds)
    return seconds
