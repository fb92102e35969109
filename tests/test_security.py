"""Security controls (OWASP ASVS level 1 as the reference): headers on every kind of response,
cross-site request forgery, session rotation and idle expiry, no user enumeration, the trusted
proxy, `bandit` on the code and the offline check of the pinned dependencies."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import subprocess
import sys
import time
import uuid
from dataclasses import replace
from importlib import metadata
from pathlib import Path

import dash
import pytest
from packaging.requirements import Requirement
from packaging.version import Version

from services import auth, db, security
from services.config import settings
from tests import dash_http as h

ROOT = Path(__file__).resolve().parents[1]
HEADERS = (
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "X-Frame-Options",
    "Referrer-Policy",
    "Permissions-Policy",
    "Cross-Origin-Opener-Policy",
)


@pytest.fixture()
def client(dash_app):
    auth.reset_sign_in_limits()
    return dash_app.server.test_client()


@pytest.fixture(scope="module")
def editor(dash_app, built_data):
    city = built_data["actions"]["city_id"].iloc[0]
    return db.create_user(db.get_engine(), f"sec-editor-{uuid.uuid4().hex[:6]}", h.PASSWORD, "editor", city)


def directives(csp: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}


def test_every_kind_of_response_carries_the_security_headers(client, dash_app, capsys):
    page = client.get("/?lang=en")
    script = re.search(r'src="(/_dash-component-suites/[^"]+)"', page.get_data(as_text=True)).group(1)
    responses = {
        "page": page,
        "unknown page": client.get("/no/such/page"),
        "callback": h.route(client, "/data", "?lang=en"),
        "layout": client.get("/_dash-layout"),
        "script": client.get(script),
        "asset": client.get("/assets/style.css"),
        "geometry": client.get("/geo/countries.geojson"),
        "download": client.get("/download/cities.csv"),
        "not found": client.get("/download/passwords.csv"),
        "health": client.get("/healthz"),
        "sign-in post": client.post("/auth/login", data={"username": "x", "password": "y"}),
    }
    for name, response in responses.items():
        missing = [k for k in HEADERS if k not in response.headers]
        assert not missing, (name, response.status_code, missing)
        response.close()
    page = responses["page"]
    csp = directives(page.headers["Content-Security-Policy"])
    assert (
        csp["default-src"] == ["'self'"]
        and csp["frame-ancestors"] == ["'none'"]
        and csp["object-src"] == ["'none'"]
    )
    assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"]
    assert all(v == "'self'" or v.startswith("'sha256-") for v in csp["script-src"])
    assert set(csp["script-src"]) - {"'self'"} == set(dash_app.csp_hashes())
    # Every inline script the page really contains is allowed by its hash (and nothing else inline).
    html = page.get_data(as_text=True)
    inline = [
        m.group(2)
        for m in re.finditer(r"<script([^>]*)>(.*?)</script>", html, re.S)
        if "src=" not in m.group(1) and "application/json" not in m.group(1)
    ]
    assert inline
    for script in inline:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp["script-src"]
    assert page.headers["X-Content-Type-Options"] == "nosniff" and page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in page.headers  # plain http in development
    secure = client.get("/", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    with capsys.disabled():
        print("\nheader check, GET /?lang=en:")
        for name in (*HEADERS, "Strict-Transport-Security"):
            print(
                f"  {name}: {page.headers.get(name, '(absent over http; sent over https: ' + secure.headers.get(name, '') + ')')}"
            )


def test_hsts_in_production_and_client_address_only_from_a_trusted_proxy(monkeypatch):
    from flask import request

    def make_app(**changes):
        monkeypatch.setattr(security, "settings", replace(settings, **changes))
        app = dash.Dash("proxy-check", serve_locally=True)
        app.layout = dash.html.Div("x")
        security.init_app(app)
        app.server.add_url_rule("/ip", "ip", lambda: f"{request.remote_addr} {request.scheme}")
        return app.server.test_client()

    forwarded = {"X-Forwarded-For": "198.51.100.7", "X-Forwarded-Proto": "https"}
    direct = make_app(trusted_proxies=0)
    assert (
        direct.get("/ip", headers=forwarded).get_data(as_text=True) == "127.0.0.1 http"
    )  # spoofed headers ignored
    assert "Strict-Transport-Security" not in direct.get("/ip", headers=forwarded).headers
    proxied = make_app(trusted_proxies=1)
    response = proxied.get("/ip", headers=forwarded)
    assert (
        response.get_data(as_text=True) == "198.51.100.7 https"
        and "Strict-Transport-Security" in response.headers
    )
    production = make_app(app_env="production", secret_key="x" * 32)
    assert "Strict-Transport-Security" in production.get("/ip").headers


# --- cross-site request forgery -------------------------------------------------------------------


def test_cross_site_callback_posts_are_refused(client):
    body = h.route_body("/data", "?lang=en")
    assert client.post("/_dash-update-component", json=body).status_code == 200
    assert (
        client.post("/_dash-update-component", json=body, headers={"Origin": "http://localhost"}).status_code
        == 200
    )
    for origin in ("https://evil.example", "null", "http://localhost.evil.example"):
        refused = client.post("/_dash-update-component", json=body, headers={"Origin": origin})
        assert refused.status_code == 403, origin
    assert (
        client.post(
            "/_dash-update-component", json=body, headers={"Referer": "https://evil.example/page"}
        ).status_code
        == 403
    )
    # An HTML form from another site can only send form or text bodies: not accepted.
    for content_type in (
        "application/x-www-form-urlencoded",
        "text/plain",
        "multipart/form-data; boundary=x",
    ):
        response = client.post("/_dash-update-component", data=json.dumps(body), content_type=content_type)
        assert response.status_code == 415, content_type


def test_sign_in_and_sign_out_need_the_form_token(client, editor):
    def post(path, **data):
        return client.post(
            path, data={"username": editor.username, "password": h.PASSWORD, "lang": "en", **data}
        )

    assert post("/auth/login").headers["Location"].endswith("error=expired")  # no token
    h.csrf(client)
    assert post("/auth/login", csrf_token="forged" * 8).headers["Location"].endswith("error=expired")
    assert (
        client.post(
            "/auth/login",
            data={"username": editor.username, "password": h.PASSWORD, "csrf_token": h.csrf(client)},
            headers={"Origin": "null"},
        )
        .headers["Location"]
        .endswith("error=origin")
    )
    assert h.sign_in(client, editor.username).headers["Location"].startswith("/admin")
    assert (
        post("/auth/logout").headers["Location"].endswith("error=expired")
    )  # a forged sign-out does nothing
    with client.session_transaction() as session:
        assert session["uid"] == editor.id
    assert (
        client.post("/auth/logout", data={"lang": "en", "csrf_token": h.csrf(client)})
        .headers["Location"]
        .endswith("signed_out=1")
    )
    # The sign-in page hands out the token in a hidden field.
    layout = json.dumps(h.route(client, "/login", "").get_json())
    assert '"name": "csrf_token"' in layout


# --- sessions -------------------------------------------------------------------------------------


def session_cookie(response) -> str:
    cookie = next(
        c for c in response.headers.getlist("Set-Cookie") if c.startswith(auth.SESSION_COOKIE + "=")
    )
    return cookie.split(";")[0]


def test_session_is_rotated_at_sign_in(client, editor):
    h.route(client, "/login", "")  # the anonymous visitor gets a session holding the form token
    with client.session_transaction() as session:
        before = dict(session)
        session["planted"] = "by someone else"
    response = h.sign_in(client, editor.username)
    assert response.status_code == 303
    with client.session_transaction() as session:
        after = dict(session)
    assert after["csrf"] != before["csrf"] and "planted" not in after and after.get("sid")
    assert after["uid"] == editor.id and isinstance(after["seen"], int)


def test_idle_session_expires(client, editor):
    h.sign_in(client, editor.username)
    assert "admin-form" in json.dumps(h.route(client, "/admin", "?lang=en").get_json())
    with client.session_transaction() as session:
        session["seen"] = int(time.time()) - settings.session_idle_minutes * 60 + 90  # used 28.5 minutes ago
    assert "admin-form" in json.dumps(h.route(client, "/admin", "?lang=en").get_json())
    with client.session_transaction() as session:
        assert int(time.time()) - session["seen"] < 5  # each use keeps it alive
        session["seen"] = int(time.time()) - settings.session_idle_minutes * 60 - 1
    page = json.dumps(h.route(client, "/admin", "?lang=en").get_json())
    assert "admin-form" not in page and "admin-refused" in page
    with client.session_transaction() as session:
        assert "uid" not in session


# --- no user enumeration --------------------------------------------------------------------------


def test_unknown_user_and_wrong_password_look_and_take_the_same(client, editor, monkeypatch):
    engine = db.get_engine()
    disabled = db.create_user(engine, f"sec-off-{uuid.uuid4().hex[:6]}", h.PASSWORD, "editor", editor.city_id)
    db.set_active(engine, disabled.username, False)
    answers = []
    for n, (name, password) in enumerate(
        [
            (editor.username, "wrong password!!"),
            ("nobody-at-all", h.PASSWORD),
            (disabled.username, h.PASSWORD),
        ]
    ):
        c = client.application.test_client()
        r = c.post(
            "/auth/login",
            data={"username": name, "password": password, "lang": "en", "csrf_token": h.csrf(c)},
            environ_base={"REMOTE_ADDR": f"10.55.0.{n}"},
        )
        answers.append((r.status_code, r.headers["Location"], r.get_data()))
    assert len(set(answers)) == 1 and answers[0][1].endswith("error=bad")

    verified: list[str] = []

    class CountingHasher:  # the real argon2 hasher, counting its verifications
        def __init__(self, real):
            self.real = real

        def verify(self, hash_, password):
            verified.append(hash_)
            return self.real.verify(hash_, password)

        def __getattr__(self, name):
            return getattr(self.real, name)

    monkeypatch.setattr(db, "_hasher", CountingHasher(db._hasher))
    cases = {
        "wrong password": (editor.username, "wrong password!!"),
        "unknown user": ("nobody-at-all", "pw"),
        "disabled user": (disabled.username, h.PASSWORD),
        "empty name": ("", "pw"),
        "right password": (editor.username, h.PASSWORD),
    }
    for key, (name, password) in cases.items():
        verified.clear()
        result = db.authenticate(engine, name, password)
        assert (result is not None) == (key == "right password"), key
        assert len(verified) == 1, (
            f"{key}: {len(verified)} argon2 verifications"
        )  # the same work on every path


# --- static analysis and dependencies ------------------------------------------------------------


def test_bandit_finds_no_high_severity_issue(capsys):
    targets = ["app.py", "services", "domain", "components", "presentation", "pages", "i18n", "scripts"]
    done = subprocess.run(
        [sys.executable, "-m", "bandit", "-q", "-r", *targets, "-f", "json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(done.stdout)
    by_severity: dict[str, int] = {}
    for issue in report["results"]:
        by_severity[issue["issue_severity"]] = by_severity.get(issue["issue_severity"], 0) + 1
    high = [
        f"{i['filename']}:{i['line_number']} {i['test_id']} {i['issue_text']}"
        for i in report["results"]
        if i["issue_severity"] == "HIGH"
    ]
    with capsys.disabled():
        print(
            f"\nbandit: {report['metrics']['_totals']['loc']} lines scanned, issues by severity {by_severity}"
        )
    assert not high, high


def pins(path: Path) -> dict[str, str]:
    out = {}
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            req = Requirement(line)
            spec = list(req.specifier)
            assert len(spec) == 1 and spec[0].operator == "==", f"{path.name}: {line} is not pinned exactly"
            out[req.name.lower()] = spec[0].version
    return out


def closure(names: set[str]) -> dict[str, str]:
    """Installed distributions needed by `names`, with their versions (extras ignored)."""
    seen: dict[str, str] = {}
    todo = list(names)
    while todo:
        name = todo.pop().lower().replace("_", "-")
        if name in seen:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        seen[name] = dist.version
        for spec in dist.requires or []:
            req = Requirement(spec)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(req.name)
    return seen


def test_dependencies_are_pinned_consistent_and_above_known_fixes(capsys):
    """The offline stand-in for pip-audit (see README): exact pins, installed as pinned, `pip check`
    clean, and no package below the first version that fixed a published advisory."""
    pinned = {**pins(ROOT / "requirements.txt"), **pins(ROOT / "requirements-dev.txt")}
    for name, version in pinned.items():
        assert metadata.version(name) == version, (
            f"{name}: installed {metadata.version(name)}, pinned {version}"
        )
    check = subprocess.run(
        [sys.executable, "-m", "pip", "check"], capture_output=True, text=True, timeout=120
    )
    assert check.returncode == 0, check.stdout
    floors = {}
    for line in (ROOT / "deploy" / "advisories.txt").read_text().splitlines():
        spec = line.split("#")[0].strip()
        if spec:
            req = Requirement(spec)
            floors[req.name.lower()] = next(iter(req.specifier)).version
    installed = closure(set(pinned))
    below = {
        n: (v, floors[n]) for n, v in installed.items() if n in floors and Version(v) < Version(floors[n])
    }
    with capsys.disabled():
        print(
            f"\ndependencies: {len(pinned)} pinned, {len(installed)} installed in their closure, "
            f"{len(set(installed) & set(floors))} checked against {len(floors)} advisory floors, {len(below)} below"
        )
    assert not below, below
