"""The manager that runs Dash background callbacks (the PPTX and PDF exports).

- Default: `DiskcacheManager`. Each job runs in a process of its own, forked from the web
  process; results and progress go through a diskcache folder (`BACKGROUND_CACHE_DIR`, default
  `.cache/background`) that every gunicorn worker of the machine shares, so any worker can answer
  the browser's polling.
- With `CELERY_BROKER_URL` set (e.g. `redis://127.0.0.1:6379/2`): `CeleryManager`, jobs run in
  Celery workers (`celery -A services.celery_worker:celery_app worker`), results in
  `CELERY_RESULT_BACKEND` (default: the broker). Needed when the app runs on several machines.
  celery is imported only then, so it need not be installed otherwise (`pip install celery[redis]`).
"""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def celery_enabled(env: dict | None = None) -> bool:
    return bool((env if env is not None else os.environ).get("CELERY_BROKER_URL"))


def manager(env: dict | None = None):
    """The background callback manager for the environment (see the module docstring)."""
    env = dict(os.environ if env is None else env)
    if celery_enabled(env):
        from celery import Celery  # optional dependency, only with CELERY_BROKER_URL
        from dash import CeleryManager

        broker = env["CELERY_BROKER_URL"]
        celery_app = Celery("ccca", broker=broker, backend=env.get("CELERY_RESULT_BACKEND") or broker)
        return CeleryManager(celery_app)
    import diskcache
    from dash import DiskcacheManager

    folder = Path(env.get("BACKGROUND_CACHE_DIR") or ROOT / ".cache" / "background")
    folder.mkdir(parents=True, exist_ok=True)
    return DiskcacheManager(diskcache.Cache(str(folder)))
