"""Sign-in for city focal points and administrators, and the authorization checks of every
callback and route that reads or writes private data.

- `POST /auth/login` (form from `/login`) checks the form token first (a forged post counts for
  nothing), then the password (argon2 hash in the database), and starts a session: Flask's signed
  cookie (HttpOnly, SameSite=Lax, Secure in production) naming a server-side session record.
  Failed attempts are counted in the database, so every worker and instance sees the same counts:
  an address with too many failures gets 429 for a while (`LOGIN_RATE_LIMIT`), and a user name
  with recent failures answers after a growing delay (at most 4 s) instead of being locked, so
  nobody can lock an administrator out.
- `POST /auth/logout` ends the server-side record: a copy of the cookie no longer signs anyone
  in. A session ends too when unused for `SESSION_IDLE_MINUTES` or older than `SESSION_HOURS`,
  whatever the cookie says. Both forms carry a per-session anti-forgery token (`csrf_token`);
  sign-in starts a fresh session (nothing from before is kept). With the database down, sign-in
  and every private callback answer `Refused("unavailable")`, shown as a clear message.
- `current_user()` re-reads the account from the database on every request, so a disabled user
  or a changed password ends access at once; `require_city()` raises `Refused` unless the user
  may edit that city. Callbacks call these themselves: hiding a control is never the check.
"""

from __future__ import annotations

import hmac
import logging
import secrets
import time
from datetime import UTC, datetime, timedelta
from html import escape
from urllib.parse import urlencode, urlsplit

import flask
from flask import Flask, Response, g, redirect, request, session
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import parse_many
from sqlalchemy.exc import SQLAlchemyError

from i18n import resolve_lang, t
from services import db
from services.config import settings
from services.db import Account

log = logging.getLogger(__name__)
SESSION_COOKIE = "ccca_session"

limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)


DATABASE_ERRORS = (SQLAlchemyError, OSError)
CSRF_FIELD = "csrf_token"


class Refused(Exception):
    """The request may not read or change this data. `reason` is `signin`, `forbidden` or
    `unavailable` (the database did not answer, so nobody's rights could be checked)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def engine():
    return db.get_engine()


def current_user() -> Account | None:
    """The signed-in, still active account of this request, or None.

    A session unused for `SESSION_IDLE_MINUTES` ends here. If the database does not answer, None,
    and `database_unavailable()` is true for the request."""
    if not flask.has_request_context():
        return None
    if "account" in g:
        return g.account
    account = None
    uid, token, sid = session.get("uid"), session.get("tok"), session.get("sid")
    if isinstance(uid, int) and isinstance(token, str) and isinstance(sid, str) and _still_fresh():
        try:
            live = db.session_is_live(
                engine(),
                sid,
                uid,
                timedelta(minutes=settings.session_idle_minutes),
                timedelta(hours=settings.session_hours),
            )
            found = db.get_account(engine(), uid) if live else None
        except DATABASE_ERRORS as err:
            g.database_unavailable = True
            log.warning("cannot check the session: database unavailable (%s)", str(err).splitlines()[0][:200])
            found = None
        if found is not None and found.token == token:
            account = found
    g.account = account
    return account


def _still_fresh() -> bool:
    """False (and the session ended) once it has been idle too long; otherwise note this use."""
    now = int(time.time())
    seen = session.get("seen")
    if not isinstance(seen, int) or now - seen > settings.session_idle_minutes * 60:
        session.clear()
        return False
    if now - seen >= 60:  # refresh the cookie at most once a minute
        session["seen"] = now
    return True


def database_unavailable() -> bool:
    return flask.has_request_context() and bool(g.get("database_unavailable"))


def require_user() -> Account:
    account = current_user()
    if account is None:
        raise Refused("unavailable" if database_unavailable() else "signin")
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
    """A form post must come from this site (defence in depth beside the SameSite cookie and the
    token); an opaque `Origin: null` counts as foreign."""
    for header in ("Origin", "Referer"):
        value = request.headers.get(header)
        if value:
            return value != "null" and urlsplit(value).netloc == request.host
    return True


def csrf_token() -> str:
    """This session's anti-forgery token, for the hidden field of the sign-in and sign-out forms."""
    token = session.get("csrf")
    if not isinstance(token, str) or len(token) < 32:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


def _csrf_ok() -> bool:
    expected, sent = session.get("csrf"), request.form.get(CSRF_FIELD, "")
    return isinstance(expected, str) and isinstance(sent, str) and hmac.compare_digest(expected, sent)


def _lang() -> str:
    return resolve_lang(request.form.get("lang") or request.args.get("lang"))[0]


def _to(path: str, **query: str) -> Response:
    return redirect(f"{path}?{urlencode(query)}", code=303)


def sign_in_delay(recent_failures: int) -> float:
    """Seconds to wait before checking a password for a user name with this many recent failures:
    none for the first three, then doubling from 0.5 s, at most 4 s (slows guessing, locks nobody out)."""
    if recent_failures < 3:
        return 0.0
    return min(0.5 * 2 ** (recent_failures - 3), 4.0)


def address_limited(failures_by_window: list[tuple[int, int, int]]) -> int | None:
    """Seconds to wait when an address reached a limit in any window ((failures, window seconds,
    limit) triples), else None."""
    over = [seconds for count, seconds, limit in failures_by_window if count >= limit]
    return max(over) if over else None


def reset_sign_in_limits() -> None:
    """Lift every sign-in throttle (the counted failures and the limiter's counters)."""
    db.clear_attempts(engine())
    limiter.reset()


def _address_windows(address: str) -> list[tuple[int, int, int]]:
    now = datetime.now(UTC)
    windows = []
    for item in parse_many(settings.login_rate_limit):
        seconds = int(item.get_expiry())
        windows.append(
            (
                db.failed_attempts(engine(), now - timedelta(seconds=seconds), address=address),
                seconds,
                int(item.amount),
            )
        )
    return windows


def login() -> Response:
    lang = _lang()
    if not _same_origin():
        return _to("/login", lang=lang, error="origin")
    if not _csrf_ok():  # a forged form, or a sign-in page older than the session cookie: not counted
        return _to("/login", lang=lang, error="expired")
    address = get_remote_address() or "unknown"
    username = (request.form.get("username", "") or "").strip().lower()[:64]
    try:
        wait = address_limited(_address_windows(address))
        if wait is not None:
            log.warning("sign-in refused: too many failures from %s", address)
            return _too_many(wait)
        time.sleep(
            sign_in_delay(
                db.failed_attempts(engine(), datetime.now(UTC) - timedelta(hours=1), username=username)
            )
        )
        account = db.authenticate(engine(), username, request.form.get("password", ""))
        db.record_attempt(engine(), address, username, account is not None)
        sid = db.start_session(engine(), account.id) if account is not None else None
    except DATABASE_ERRORS as err:
        log.warning("sign-in impossible: database unavailable (%s)", str(err).splitlines()[0][:200])
        return _to("/login", lang=lang, error="unavailable")
    if account is None:
        log.info("failed sign-in for %r from %s", username, address)
        return _to("/login", lang=lang, error="bad")
    session.clear()  # a new session: nothing from before sign-in is carried over (fixation)
    session.permanent = True
    session["uid"] = account.id
    session["tok"] = account.token
    session["sid"] = sid
    session["seen"] = int(time.time())
    session["csrf"] = secrets.token_urlsafe(32)
    log.info("signed in: %s (%s)", account.username, account.role)
    return _to("/admin", lang=lang)


def logout() -> Response:
    lang = _lang()
    if not _same_origin():
        return _to("/login", lang=lang, error="origin")
    if not _csrf_ok():
        return _to("/login", lang=lang, error="expired")
    sid = session.get("sid")
    if isinstance(sid, str):
        try:
            db.end_session(engine(), sid)
        except DATABASE_ERRORS as err:  # the cookie is cleared anyway; the record ends with its lifetime
            log.warning("sign-out not recorded: database unavailable (%s)", str(err).splitlines()[0][:200])
    session.clear()
    return _to("/login", lang=lang, signed_out="1")


def _too_many(retry_after: int) -> Response:
    """The 429 page: what happened and when to try again, in the form's language."""
    lang = _lang()
    body = (
        f"<!doctype html><html lang='{lang}'><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{escape(t('auth.limited_title', lang))}</title>"
        f"<body style='font-family:sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem'>"
        f"<h1>{escape(t('auth.limited_title', lang))}</h1><p>{escape(t('auth.limited', lang))}</p>"
        f"<p><a href='/login?lang={lang}'>{escape(t('auth.back_to_login', lang))}</a></p></body></html>"
    )
    return Response(body, status=429, mimetype="text/html", headers={"Retry-After": str(retry_after)})


def _no_store(response: Response) -> Response:
    """Nothing a signed-in user receives is kept by the browser or a proxy cache."""
    if session.get("uid") is not None:
        response.headers["Cache-Control"] = "no-store"
    return response


def _migrate_now_or_later(server: Flask) -> None:
    """Run the migrations; if the database is down at start, serve anyway and retry every 10 s."""
    try:
        db.upgrade()
        return
    except DATABASE_ERRORS as err:
        log.error(
            "database unavailable at start (%s); public pages serve the baseline plans, "
            "migrations run when it answers",
            str(err).splitlines()[0][:200],
        )
    state = {"next": time.monotonic() + 10}

    @server.before_request
    def _retry_migrations():
        if state.get("done") or time.monotonic() < state["next"]:
            return
        state["next"] = time.monotonic() + 10
        try:
            db.upgrade()
            state["done"] = True
            log.info("database answers again: migrations done")
        except DATABASE_ERRORS:
            pass


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
        # Redis down: count in process memory meanwhile, and go back to Redis when it answers.
        RATELIMIT_IN_MEMORY_FALLBACK_ENABLED=True,
        RATELIMIT_STORAGE_OPTIONS=(
            {"socket_connect_timeout": 0.5, "socket_timeout": 1.0}
            if settings.ratelimit_storage_uri.startswith(("redis://", "rediss://"))
            else {}
        ),
    )
    _migrate_now_or_later(server)
    limiter.init_app(server)
    server.add_url_rule("/auth/login", "auth_login", login, methods=["POST"])
    server.add_url_rule("/auth/logout", "auth_logout", logout, methods=["POST"])
    server.after_request(_no_store)
