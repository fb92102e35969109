"""HTTP hardening for every response and request (OWASP ASVS level 1 as the reference).

- Headers on every response: a Content-Security-Policy that allows scripts only from this origin
  plus the SHA-256 hashes of Dash's own inline scripts (`app.csp_hashes()`: the renderer start-up
  and any inline clientside callback), `frame-ancestors 'none'` and `X-Frame-Options: DENY`,
  `X-Content-Type-Options: nosniff`, a `Referrer-Policy`, a `Permissions-Policy`, and HSTS when the
  request came over TLS (or `APP_ENV=production`, which is always served behind TLS).
  Styles may be inline (Mantine and plotly.js write `<style>` elements and style attributes);
  images may be `data:`/`blob:` (plotly, Leaflet); the optional OpenStreetMap layer's host is
  allowed for images only when `ENABLE_TILES` offers it.
- Cross-site request forgery: a state-changing request (POST, PUT, PATCH, DELETE) whose `Origin`
  (or, without one, `Referer`) names another site is refused with 403, and Dash's callback
  endpoint accepts only `application/json` (a cross-site HTML form cannot send that without a
  CORS preflight, which this app never grants). The sign-in and sign-out forms carry a session
  token as well (`services/auth.py`).
- Behind a reverse proxy (`TRUSTED_PROXIES=1` for nginx in `deploy/`), the client address and
  scheme come from `X-Forwarded-For` / `X-Forwarded-Proto` (Werkzeug's ProxyFix), so the sign-in
  rate limit counts real clients and HSTS / Secure cookies know the request was https.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from dash import _callback
from flask import Flask, Response, request
from werkzeug.middleware.proxy_fix import ProxyFix

from services.config import settings

TILE_ORIGIN = "https://tile.openstreetmap.org"
DASH_CALLBACK = "/_dash-update-component"
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
HSTS = "max-age=31536000; includeSubDomains"


def content_security_policy(script_hashes: list[str], tiles: bool) -> str:
    """The CSP header value: this origin only, with Dash's inline scripts allowed by hash."""
    images = ["'self'", "data:", "blob:"] + ([TILE_ORIGIN] if tiles else [])
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", *dict.fromkeys(script_hashes)],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": images,
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "child-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def same_site(value: str | None) -> bool:
    """Whether an Origin/Referer header value names this server (scheme-independent host:port)."""
    return bool(value) and value != "null" and urlsplit(value).netloc == request.host


def _origin_ok() -> bool:
    """No Origin/Referer (a non-browser client) is allowed; a browser's must name this site."""
    origin = request.headers.get("Origin")
    if origin is not None:
        return same_site(origin)
    referer = request.headers.get("Referer")
    return referer is None or same_site(referer)


def init_app(app) -> None:
    """Install the checks and headers on a Dash app's Flask server (one line in app.py)."""
    server: Flask = app.server
    trusted = settings.trusted_proxies
    if trusted > 0:
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=trusted, x_proto=trusted)
    cached: dict[tuple, str] = {}

    def policy() -> str:
        """The CSP, recomputed only when Dash has registered another inline script."""
        value = cached.get((len(app._inline_scripts), len(_callback.GLOBAL_INLINE_SCRIPTS)))
        if value is None:
            value = content_security_policy(app.csp_hashes(), settings.enable_tiles)
            cached.clear()  # csp_hashes() moved the global scripts into the app's list
            cached[(len(app._inline_scripts), len(_callback.GLOBAL_INLINE_SCRIPTS))] = value
        return value

    @server.before_request
    def refuse_cross_site_writes():
        if request.method not in STATE_CHANGING or request.path.startswith("/auth/"):
            return None  # the sign-in forms answer a foreign origin themselves (services/auth.py)
        if not _origin_ok():
            return Response("Cross-site request refused", status=403, mimetype="text/plain")
        if request.path == DASH_CALLBACK and not request.is_json:
            return Response("Callbacks take application/json", status=415, mimetype="text/plain")
        return None

    @server.after_request
    def security_headers(response: Response) -> Response:
        headers = response.headers
        headers["Content-Security-Policy"] = policy()
        headers["X-Content-Type-Options"] = "nosniff"
        headers["X-Frame-Options"] = "DENY"
        headers["Referrer-Policy"] = "same-origin"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
        if request.is_secure or settings.production:
            headers["Strict-Transport-Security"] = HSTS
        return response
