"""`GET /healthz` for load balancers and `make stack`: 200 while this instance can serve pages.

The body says what is degraded without failing the check: the public pages keep serving with
the editing database or Redis down (they fall back to the baseline plans and the file cache), so
a load balancer must not take an instance out for that. 503 only when no data build can be read.
"""

from __future__ import annotations

import os

from flask import Flask, jsonify
from sqlalchemy import text

from services import data_access, db


def health() -> tuple[dict, int]:
    body: dict = {"pid": os.getpid()}
    try:
        body.update(data_access.build_health())
    except Exception as err:  # noqa: BLE001 - reported, not raised
        body["build"] = None
        body["error"] = type(err).__name__
        return body, 503
    try:
        with db.get_engine().connect() as connection:
            connection.execute(text("SELECT 1"))
        body["database"] = "ok"
    except data_access.DATABASE_ERRORS:
        body["database"] = "unavailable"
    backend = data_access.cache.cache
    if hasattr(backend, "usable"):
        backend.usable()  # notices a folder that became unusable (or usable again) since the last call
    fallback = getattr(backend, "fallback", None)
    if getattr(backend, "primary", None) is not None:
        body["cache"] = ("file (redis unavailable)" if backend.degraded else "redis") + (
            ", file cache off (folder unusable)" if getattr(fallback, "degraded", False) else ""
        )
    else:
        body["cache"] = "off (folder unusable)" if getattr(backend, "degraded", False) else "file"
    return body, 200


def init_app(server: Flask) -> None:
    @server.get("/healthz")
    def healthz():
        body, status = health()
        response = jsonify(body)
        response.status_code = status
        response.headers["Cache-Control"] = "no-store"
        return response
