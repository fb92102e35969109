"""The manager of Dash background callbacks: the administrators' publishing job (pages/admin.py).

`DiskcacheManager`: a job runs in a process of its own, forked from the web process; its result
and progress go through a diskcache folder (`BACKGROUND_CACHE_DIR`, default `.cache/background`)
that every gunicorn worker of the machine shares, so any worker answers the browser's polling.
Only signed-in administrators start these jobs, one at a time per publication; the public
exports go through the bounded queue of services/export_queue.py instead.
"""

from __future__ import annotations

import os
from pathlib import Path

import diskcache
from dash import DiskcacheManager

ROOT = Path(__file__).resolve().parents[1]


def manager(env: dict | None = None) -> DiskcacheManager:
    """The background callback manager, with its folder made if missing."""
    env = dict(os.environ if env is None else env)
    folder = Path(env.get("BACKGROUND_CACHE_DIR") or ROOT / ".cache" / "background")
    folder.mkdir(parents=True, exist_ok=True)
    return DiskcacheManager(diskcache.Cache(str(folder)))
