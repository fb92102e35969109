"""Answers of public callbacks, cached whole: the same request on the same data gets the same bytes.

Caching is opted into, never inferred. A callback is cached only when its function is declared
with `@public_answer` where it is defined (its answer is the same for every visitor), and a page's
first render (Dash's routing callback) only when the page is registered with `public_answer=True`
and Dash itself resolves the requested path to that page (so `//admin`, `/admin/` or `/%61dmin`
are judged as the page Dash renders, not by their text). Everything else is computed afresh.

A request that carries a session cookie is never answered from the cache and never stored into it,
and an answer during which the session was read is never stored (a public callback that reads it
is a bug, logged as an error). The key holds the code's version, the data build, the editing
database's stamp, the day (plans are late or due relative to today) and the canonical request, so
a new build, a saved update or new code never serves an old answer. Requests over 64 kB and
answers made while the database was down are computed and not stored. `CALLBACK_CACHE=0` turns
the cache off.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TypeVar

import dash
import flask
from dash._pages import _path_to_page  # Dash's own path resolution: the page it will render
from dash.exceptions import UnsupportedRelativePath
from flask import Flask, Response, request
from flask.globals import request_ctx

from services import data_access
from services.config import settings

log = logging.getLogger(__name__)
CALLBACK_PATH = "/_dash-update-component"
ROUTING_OUTPUT = ".._pages_content.children"
MAX_BODY = 64 * 1024  # larger requests are not what the pages send: computed, never stored
HEADER = "X-Callback-Cache"
MARK = "public_answer"
ROOT = Path(__file__).resolve().parents[1]
CODE_PARTS = ("app.py", "ids.py", "pages", "components", "domain", "services", "i18n", "assets")
F = TypeVar("F", bound=Callable)


def public_answer(func: F) -> F:
    """Declare a callback's answer the same for every visitor, so it may be cached whole.

    Put it under `@callback`; Dash copies the mark onto the function it registers."""
    setattr(func, MARK, True)
    return func


def code_version(root: Path = ROOT) -> str:
    """Fingerprint of the code and texts that make the answers (path, size and mtime of each file),
    so a deployment of new code never serves answers the old code made."""
    digest = hashlib.sha256()
    for part in CODE_PARTS:
        base = root / part
        files = (
            [base]
            if base.is_file()
            else sorted(p for p in base.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        )
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
            value = item.get("value")
            return value if isinstance(value, str) else "/"
    return "/"


def page_is_public(app: dash.Dash, pathname: str) -> bool:
    """Whether the page Dash renders for `pathname` was registered with `public_answer=True`
    (the friendly not-found page when no page matches)."""
    try:
        page, _ = _path_to_page(app.strip_relative_path(pathname))
    except UnsupportedRelativePath:  # not an address of this app: Dash refuses it too
        return False
    if not page:
        page = next((p for m, p in dash.page_registry.items() if m.split(".")[-1] == "not_found_404"), {})
    return bool(page.get(MARK))


def public_outputs(callback_map: dict) -> frozenset[str]:
    """The output keys of the callbacks declared with `@public_answer`."""
    return frozenset(
        key for key, entry in callback_map.items() if getattr(entry.get("callback"), MARK, False)
    )


def is_cacheable(body: object, app: dash.Dash) -> bool:
    """Whether this callback request's answer may come from, or go into, the shared cache."""
    if not isinstance(body, dict) or not isinstance(body.get("output"), str):
        return False
    path = routed_path(body)
    if path is not None:
        return page_is_public(app, path)
    return body["output"] in public_outputs(app.callback_map)


def cache_key(body: dict, build_id: str, stamp: str, day: date | None = None) -> str:
    """Hash of the code version, the request (canonical JSON), the build, the database stamp and
    the day (plans are late or due relative to today, and file names carry the date)."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    day = day or date.today()
    digest = hashlib.sha256(
        f"{CODE_VERSION}\n{build_id}\n{stamp}\n{day.isoformat()}\n{canonical}".encode()
    ).hexdigest()
    return f"callback:{digest}"


def carries_session(server: Flask) -> bool:
    """Whether this request comes with a session cookie (a signed-in or signing-in visitor)."""
    return server.config.get("SESSION_COOKIE_NAME", "session") in request.cookies


def _key_for_request(app: dash.Dash) -> str | None:
    if (
        request.method != "POST"
        or request.path != CALLBACK_PATH
        or (request.content_length or 0) > MAX_BODY
        or carries_session(app.server)
    ):
        return None
    body = request.get_json(silent=True)
    if not is_cacheable(body, app):
        return None
    try:
        stamp = data_access.actions_stamp()
    except data_access.DATABASE_ERRORS:
        return None  # the database is down: answers carry the notice; compute them afresh
    return cache_key(body, data_access.get_data().build_id, stamp)


def session_was_read() -> bool:
    """Whether anything in this request touched the session (looked at without touching it: the
    `flask.session` proxy itself marks the session accessed)."""
    opened = getattr(request_ctx._get_current_object(), "_session", None)  # private: see the docstring
    return bool(opened is not None and (opened.accessed or opened.modified))


def init_app(app: dash.Dash) -> None:
    """Serve repeated public callback requests from the cache (register after the security checks)."""
    if not settings.callback_cache:
        return
    server = app.server

    @server.before_request
    def answer_from_cache():
        key = _key_for_request(app)
        if key is None:
            return None
        flask.g.callback_cache_key = key
        try:
            cached = data_access.cache.get(key)
        except Exception as err:  # noqa: BLE001 - a broken entry or store: compute the answer instead
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
        if session_was_read():
            log.error(
                "a callback declared public read the session; its answer is not cached (%s)",
                str((request.get_json(silent=True) or {}).get("output", ""))[:120],
            )
            return response
        if (
            response.status_code == 200
            and response.mimetype == "application/json"
            and not response.direct_passthrough
            and "Set-Cookie" not in response.headers
            and not data_access.updates_unavailable()
        ):
            try:
                data_access.cache.set(key, response.get_data())
                response.headers[HEADER] = "miss"
            except Exception as err:  # noqa: BLE001 - the answer is sent anyway
                log.warning("callback cache write failed (%s)", type(err).__name__)
        return response
