"""Sign-in for city focal points and administrators, and the authorization checks of every
callback and route that reads or writes private data.

- `POST /auth/login` (form from `/login`) checks the password (argon2 hash in the database) and
  starts a session: Flask's signed cookie, HttpOnly, SameSite=Lax, Secure in production, limited
  lifetime. Attempts are rate-limited per client address and per user name (Flask-Limiter;
  `RATELIMIT_STORAGE_URI` shares the counters between workers, e.g. in Redis).
- `POST /auth/logout` ends it.
- `current_user()` re-reads the account from the database on every request, so a disabled user
  or a changed password ends access at once; `require_city()` raises `Refused` unless the user
  may edit that city. Callbacks call these themselves: hiding a control is never the check.
"""
from __future__ import annotations

import logging
from datetime import timedelta
from html import escape
from urllib.parse import urlencode, urlsplit

import flask
from flask import Flask, Response, g, redirect, request, session
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from i18n import resolve_lang, t
from services import db
from services.config import settings
from services.db import Account

log = logging.getLogger(__name__)
SESSION_COOKIE = "ccca_session"

limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)


class Refused(Exception):
    """The request may not read or change this data. `reason` is `signin` or `forbidden`."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def engine():
    return db.get_engine()


def current_user() -> Account | None:
    """The signed-in, still active account of this request, or None."""
    if not flask.has_request_context():
        return None
    if "account" in g:
        return g.account
    account = None
    uid, token = session.get("uid"), session.get("tok")
    if isinstance(uid, int) and isinstance(token, str):
        found = db.get_account(engine(), uid)
        if found is not None and found.token == token:
            account = found
    g.account = account
    return account


def require_user() -> Account:
    account = current_user()
    if account is None:
        raise Refused("signin")
    return account


def require_admin() -> Account:
    account = require_user()
    if not account.is_admin:
        log.warning("refused: %s is not an administrator", account.username)
        raise Refused("forbidden")
    return account


def require_city(city_id: str | None) -> Account:
    """The signed-in account if it may edit `city_id` (admins: every city; editors: their own)."""
    account = require_user()
    if not account.may_edit(city_id):
        log.warning("refused: %s may not edit city %r", account.username, city_id)
        raise Refused("forbidden")
    return account


def _same_origin() -> bool:
    """A form post must come from this site (defence in depth beside the SameSite cookie)."""
    for header in ("Origin", "Referer"):
        value = request.headers.get(header)
        if value and value != "null":
            return urlsplit(value).netloc == request.host
    return True


def _lang() -> str:
    return resolve_lang(request.form.get("lang") or request.args.get("lang"))[0]


def _to(path: str, **query: str) -> Response:
    return redirect(f"{path}?{urlencode(query)}", code=303)


def login() -> Response:
    lang = _lang()
    if not _same_origin():
        return _to("/login", lang=lang, error="origin")
    account = db.authenticate(engine(), request.form.get("username", ""), request.form.get("password", ""))
    if account is None:
        log.info("failed sign-in for %r from %s", request.form.get("username", "")[:64], get_remote_address())
        return _to("/login", lang=lang, error="bad")
    session.clear()
    session.permanent = True
    session["uid"] = account.id
    session["tok"] = account.token
    log.info("signed in: %s (%s)", account.username, account.role)
    return _to("/admin", lang=lang)


def logout() -> Response:
    lang = _lang()
    if not _same_origin():
        return _to("/login", lang=lang, error="origin")
    session.clear()
    return _to("/login", lang=lang, signed_out="1")


def _too_many(_limit) -> Response:
    """The 429 page: what happened and when to try again, in the form's language."""
    lang = _lang()
    body = (f"<!doctype html><html lang='{lang}'><meta charset='utf-8'>"
            f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{escape(t('auth.limited_title', lang))}</title>"
            f"<body style='font-family:sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem'>"
            f"<h1>{escape(t('auth.limited_title', lang))}</h1><p>{escape(t('auth.limited', lang))}</p>"
            f"<p><a href='/login?lang={lang}'>{escape(t('auth.back_to_login', lang))}</a></p></body></html>")
    return Response(body, status=429, mimetype="text/html")


def _login_user_key() -> str:
    return "login-user:" + (request.form.get("username", "") or "").strip().lower()[:64]


# Limits per client address and per user name; declared once (they attach to the view's name).
limited_login = limiter.limit(lambda: settings.login_user_rate_limit, key_func=_login_user_key,
                              methods=["POST"], on_breach=_too_many)(login)
limited_login = limiter.limit(lambda: settings.login_rate_limit, methods=["POST"], on_breach=_too_many)(limited_login)


def _no_store(response: Response) -> Response:
    """Nothing a signed-in user receives is kept by the browser or a proxy cache."""
    if session.get("uid") is not None:
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(server: Flask) -> None:
    """Session cookie settings, the database (migrated), the rate limiter and the sign-in routes."""
    server.config.update(
        SESSION_COOKIE_NAME=SESSION_COOKIE,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.production,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.session_hours),
        RATELIMIT_STORAGE_URI=settings.ratelimit_storage_uri,
        RATELIMIT_HEADERS_ENABLED=True,
    )
    db.upgrade()
    limiter.init_app(server)
    server.add_url_rule("/auth/login", "auth_login", limited_login, methods=["POST"])
    server.add_url_rule("/auth/logout", "auth_logout", logout, methods=["POST"])
    server.after_request(_no_store)
