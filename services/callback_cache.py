"""Answers of public callbacks, cached whole: the same request on the same data gets the same bytes.

A callback's answer depends only on its request (inputs, state, which input changed, the page
and language in them), the data build and, for action plans, the editing database. So the JSON
answer of a public callback is kept in the app's cache (file system or Redis, `data_access.cache`)
under a hash of the request body, the build id and the database stamp: a new build or a saved
update changes the key, nobody sees a stale answer. A repeated call then costs a cache read instead
of rebuilding a page's tables and figures (the callbacks' warm budget is 50 ms; building /trends
takes ~0.5 s).

The code's version (a fingerprint of its files) and the day are part of the key too: new code
never serves an old answer; action plans are late or due relative to today, and downloads'
file names carry the date. Never cached: answers that depend on who asks (sign-in and admin
pages, the editing callbacks), exports (background jobs), the shell, answers made while the
database was down (they carry the "updates unavailable" notice), answers that set a cookie and
requests over 64 kB. `CALLBACK_CACHE=0` turns it off.
"""
from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from datetime import date

import flask
from flask import Flask, Response, request

from services import data_access
from services.config import settings

log = logging.getLogger(__name__)
CALLBACK_PATH = "/_dash-update-component"
ROUTING_OUTPUT = ".._pages_content.children"
PRIVATE_PAGES = ("/login", "/admin")
# Output ids (parts) whose answers depend on the visitor, on today's date or are files.
NOT_CACHED = ("admin-", "export-", "shell-", "lang-store", "redirect", "login")
MAX_BODY = 64 * 1024  # larger requests are not what the pages send: computed, never stored
HEADER = "X-Callback-Cache"
ROOT = Path(__file__).resolve().parents[1]
CODE_PARTS = ("app.py", "ids.py", "pages", "components", "domain", "services", "i18n", "assets")


def code_version(root: Path = ROOT) -> str:
    """Fingerprint of the code and texts that make the answers (path, size and mtime of each file),
    so a deployment of new code never serves answers the old code made."""
    digest = hashlib.sha256()
    for part in CODE_PARTS:
        base = root / part
        files = [base] if base.is_file() else sorted(p for p in base.rglob("*") if p.is_file()
                                                      and "__pycache__" not in p.parts)
        for path in files:
            stat = path.stat()
            digest.update(f"{path.relative_to(root)}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


CODE_VERSION = code_version()


def routed_path(body: dict) -> str | None:
    """The page the routing callback is asked to render (None for other callbacks)."""
    if not str(body.get("output", "")).startswith(ROUTING_OUTPUT):
        return None
    for item in body.get("inputs", []):
        if isinstance(item, dict) and item.get("property") == "pathname":
            return str(item.get("value") or "/")
    return "/"


def is_cacheable(body: object) -> bool:
    """Whether this callback request's answer is the same for every visitor (see module docstring)."""
    if not isinstance(body, dict) or not isinstance(body.get("output"), str):
        return False
    output = body["output"]
    if any(part in output for part in NOT_CACHED):
        return False
    path = routed_path(body)
    if path is not None:
        path = path.rstrip("/") or "/"
        return not any(path == p or path.startswith(p + "/") for p in PRIVATE_PAGES)
    return True


def cache_key(body: dict, build_id: str, stamp: str, day: date | None = None) -> str:
    """Hash of the code version, the request (canonical JSON), the build, the database stamp and
    the day (plans are late or due relative to today, and file names carry the date)."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    day = day or date.today()
    digest = hashlib.sha256(f"{CODE_VERSION}\n{build_id}\n{stamp}\n{day.isoformat()}\n{canonical}".encode("utf-8")).hexdigest()
    return f"callback:{digest}"


def _key_for_request() -> str | None:
    if request.method != "POST" or request.path != CALLBACK_PATH or (request.content_length or 0) > MAX_BODY:
        return None
    body = request.get_json(silent=True)
    if not is_cacheable(body):
        return None
    try:
        stamp = data_access.actions_stamp()
    except data_access.DATABASE_ERRORS:
        return None  # the database is down: answers carry the notice; compute them afresh
    return cache_key(body, data_access.get_data().build_id, stamp)


def init_app(server: Flask) -> None:
    """Serve repeated public callback requests from the cache (register after the security checks)."""
    if not settings.callback_cache:
        return

    @server.before_request
    def answer_from_cache():
        key = _key_for_request()
        if key is None:
            return None
        flask.g.callback_cache_key = key
        try:
            cached = data_access.cache.get(key)
        except Exception as err:  # a broken cache entry or store: compute the answer instead
            log.warning("callback cache read failed (%s)", type(err).__name__)
            cached = None
        if cached is None:
            return None
        flask.g.callback_cache_hit = True
        response = Response(cached, status=200, mimetype="application/json")
        response.headers[HEADER] = "hit"
        return response

    @server.after_request  # registered last, so it runs first: it sees the uncompressed answer
    def remember_answer(response: Response) -> Response:
        key = flask.g.get("callback_cache_key")
        if key is None or flask.g.get("callback_cache_hit"):
            return response
        if (response.status_code == 200 and response.mimetype == "application/json"
                and not response.direct_passthrough and "Set-Cookie" not in response.headers
                and not data_access.updates_unavailable()):
            try:
                data_access.cache.set(key, response.get_data())
                response.headers[HEADER] = "miss"
            except Exception as err:
                log.warning("callback cache write failed (%s)", type(err).__name__)
        return response
