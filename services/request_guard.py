"""Bad requests get a 4xx with a clear message in the visitor's language, never a 500 or a traceback.

- Bodies over `MAX_BODY_BYTES` (default 8 MB): 413, before the body is read (Flask's
  `MAX_CONTENT_LENGTH`), so the Docker image, which has no proxy in front, is protected too.
- Addresses over 4 kB: 414; header sets over 16 kB: 431 (gunicorn.conf.py lets such requests
  reach the app; past gunicorn's own hard limits the proxy in front answers, see the README).
- Calls to Dash's callback endpoint whose body is not a callback request (not an object, no known
  output, inputs that are not a list of objects): 400. A callback that fails on input values of
  the wrong type: 400, logged as one line without a traceback. Any other error in a callback is a
  bug: 500, with the traceback in the log.
- Unknown files under `/_dash-component-suites/`: 404. Unknown pages: the friendly not-found page
  with status 404 (Dash answers every address with its page shell and status 200).
"""

from __future__ import annotations

import json
import logging

import dash
from dash._pages import _path_to_page  # Dash's own path resolution: the page it will render
from dash.exceptions import DependencyException, UnsupportedRelativePath
from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from i18n import resolve_lang, t
from services.config import settings

log = logging.getLogger(__name__)
CALLBACK_PATH = "/_dash-update-component"
MAX_URL_BYTES = 4096
MAX_HEADER_BYTES = 16384
# Errors a callback raises when it is sent values of types its controls never send.
INPUT_ERRORS = (
    TypeError,
    ValueError,
    LookupError,
    AttributeError,
    NotImplementedError,
    ArithmeticError,
    UnsupportedRelativePath,
)


def visitor_lang() -> str:
    """The visitor's language: `?lang=`, else the browser's first choice of ours, else Russian."""
    asked = request.args.get("lang") or request.accept_languages.best_match(["ru", "en"])
    return resolve_lang(asked)[0]


def problem(status: int, key: str, **values) -> Response:
    """A JSON problem document (RFC 9457) with the message in the visitor's language."""
    lang = visitor_lang()
    if "reason" in values:
        values["reason"] = t(f"errors.reason.{values['reason']}", lang)
    body = {
        "status": status,
        "title": t(f"errors.{key}.title", lang),
        "detail": t(f"errors.{key}", lang, **values),
    }
    return Response(json.dumps(body, ensure_ascii=False), status=status, mimetype="application/problem+json")


def callback_request_problem(body: object, known_outputs: set[str]) -> str | None:
    """What is wrong with a callback request body (a reason code), or None when it has a callback request's shape."""
    if not isinstance(body, dict):
        return "not_object"
    output = body.get("output")
    if not isinstance(output, str) or (known_outputs and output not in known_outputs):
        return "unknown_output"
    for part in ("inputs", "state"):
        items = body.get(part, [])
        if not isinstance(items, list):
            return "not_a_list"
        for item in items:
            entries = item if isinstance(item, list) else [item]  # pattern-matching inputs come as lists
            if not all(
                isinstance(e, dict) and "id" in e and isinstance(e.get("property"), str) for e in entries
            ):
                return "not_an_input"
    outputs = body.get("outputs")
    wanted = output.strip(".").count("...") + 1 if output.startswith("..") else None
    if wanted is None and outputs is not None and not isinstance(outputs, dict):
        return "outputs_shape"
    if wanted is not None and (not isinstance(outputs, list) or len(outputs) != wanted):
        return "outputs_shape"
    return None


def page_exists(app: dash.Dash, pathname: str) -> bool:
    """Whether Dash renders a registered page (not the not-found page) for this address; a page
    may refuse some of its addresses with `path_exists` in its registration."""
    try:
        page, variables = _path_to_page(app.strip_relative_path(pathname))
    except UnsupportedRelativePath:
        return False
    if not page or page.get("module", "").split(".")[-1] == "not_found_404":
        return False
    check = page.get("path_exists")
    return bool(check(**(variables or {}))) if callable(check) else True


def init_app(app: dash.Dash) -> None:
    """Install the limits and error answers on a Dash app's server."""
    server: Flask = app.server
    server.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    known: set[str] = set()

    @server.before_request
    def refuse_oversized_or_malformed():
        if len(request.full_path.encode()) > MAX_URL_BYTES:
            return problem(414, "url_too_long", limit=MAX_URL_BYTES)
        if sum(len(k) + len(v) for k, v in request.headers.items()) > MAX_HEADER_BYTES:
            return problem(431, "headers_too_large", limit=MAX_HEADER_BYTES)
        if request.path == CALLBACK_PATH and request.method == "POST":
            if not known:
                known.update(app.callback_map)
            body = request.get_json(silent=True)
            if body is None and request.content_length:
                return problem(400, "bad_callback", reason="not_json")
            reason = callback_request_problem(body, known)
            if reason is not None:
                return problem(400, "bad_callback", reason=reason)
        return None

    @server.errorhandler(413)
    def too_large(_error):
        return problem(413, "too_large", megabytes=settings.max_body_bytes // (1024 * 1024))

    @server.errorhandler(Exception)
    def unexpected(error: Exception):
        if isinstance(error, HTTPException):
            return error
        if isinstance(error, DependencyException):
            return problem(404, "no_such_file")
        if request.path == CALLBACK_PATH and isinstance(error, INPUT_ERRORS):
            where = error.__traceback__
            while where is not None and where.tb_next is not None:
                where = where.tb_next
            place = f"{where.tb_frame.f_code.co_filename}:{where.tb_lineno}" if where else "?"
            log.warning(
                "callback refused input it cannot use: %s: %s (at %s)",
                type(error).__name__,
                str(error)[:160],
                place,
            )
            return problem(400, "bad_callback", reason="wrong_types")
        log.exception("unexpected error on %s %s", request.method, request.path)
        return problem(500, "internal")

    @server.after_request
    def not_found_status(response: Response) -> Response:
        rule = request.url_rule.rule if request.url_rule is not None else None
        if (
            request.method == "GET"
            and response.status_code == 200
            and response.mimetype == "text/html"
            and rule in ("/", "/<path:path>")
            and not page_exists(app, request.path)
        ):
            response.status_code = 404
        return response
