"""Sign-in and authorization: cookie flags, wrong passwords, the rate limit, and the editing
callbacks called directly and over HTTP (a direct POST to Dash's callback endpoint) as an
anonymous visitor, as another city's editor, as the right editor and as an administrator."""

from __future__ import annotations

import json
import secrets
import time
import uuid
from dataclasses import replace
from datetime import date, timedelta

import flask
import pytest

from domain.actions import ActionState
from services import auth, db
from services.config import settings
from tests.dash_http import route as dash_route

PASSWORD = "a long test password"


@pytest.fixture(autouse=True)
def fresh_limits(dash_app):
    auth.reset_sign_in_limits()
    yield
    auth.reset_sign_in_limits()


@pytest.fixture(scope="module")
def users(dash_app, built_data):
    """One admin and editors "a" and "b" of two cities that have actions in progress and delayed
    (unique names: the database is shared with other tests)."""
    actions = built_data["actions"]
    both = sorted(
        c for c, part in actions.groupby("city_id") if {"in_progress", "delayed"} <= set(part["status"])
    )
    tag = uuid.uuid4().hex[:6]
    engine = db.get_engine()
    return {
        "a": db.create_user(engine, f"editor-a-{tag}", PASSWORD, "editor", both[0]),
        "b": db.create_user(engine, f"editor-b-{tag}", PASSWORD, "editor", both[1]),
        "admin": db.create_user(engine, f"admin-{tag}", PASSWORD, "admin"),
    }


def city_action_ids(built_data, city: str) -> set[str]:
    actions = built_data["actions"]
    return set(actions.loc[actions["city_id"] == city, "action_id"])


@pytest.fixture()
def client(dash_app):
    return dash_app.server.test_client()


def csrf(client) -> str:
    """The anti-forgery token of the client's session (what the sign-in form's hidden field holds)."""
    with client.session_transaction() as session:
        token = session.setdefault("csrf", secrets.token_urlsafe(32))
    return token


def sign_in(client, account, password=PASSWORD, **kw):
    return client.post(
        "/auth/login",
        data={
            "username": account.username,
            "password": password,
            "lang": "en",
            auth.CSRF_FIELD: csrf(client),
        },
        **kw,
    )


def open_action(built_data, city: str, status: str = "in_progress") -> str:
    """An action of `city` in `status` that no other test in this module edits."""
    actions = built_data["actions"]
    mine = actions[(actions["city_id"] == city) & (actions["status"] == status)]["action_id"].tolist()
    return mine[len(mine) // 2]


def state_and_version(built_data, action_id: str) -> tuple[int, ActionState]:
    from domain.actions import state_of

    row = built_data["actions"].set_index("action_id").loc[action_id].to_dict()
    version, state, _ = db.current_state(db.get_engine(), action_id, state_of(row))
    return version, state


# --- sign-in -------------------------------------------------------------------------------------


def test_sign_in_sets_a_httponly_samesite_session(client, users):
    response = sign_in(client, users["a"])
    assert response.status_code == 303 and response.headers["Location"].startswith("/admin?lang=en")
    cookie = next(
        c for c in response.headers.getlist("Set-Cookie") if c.startswith(auth.SESSION_COOKIE + "=")
    )
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie  # not in development
    assert "Expires=" in cookie  # a limited lifetime
    with client.session_transaction() as session:
        assert session["uid"] == users["a"].id


def test_secure_cookie_in_production(monkeypatch, dash_app):
    monkeypatch.setattr(auth, "settings", replace(settings, app_env="production", secret_key="x" * 32))
    other = flask.Flask("production-check")
    auth.init_app(other)
    assert other.config["SESSION_COOKIE_SECURE"] is True
    assert (
        other.config["SESSION_COOKIE_HTTPONLY"] is True and other.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    )


def test_wrong_password_and_unknown_user_are_refused_alike(client, users):
    for data in (
        {"username": users["a"].username, "password": "not the password"},
        {"username": "nobody-here", "password": PASSWORD},
    ):
        response = client.post("/auth/login", data={**data, "lang": "ru", auth.CSRF_FIELD: csrf(client)})
        assert response.status_code == 303 and response.headers["Location"] == "/login?lang=ru&error=bad"
        assert not any(c.startswith(auth.SESSION_COOKIE) for c in response.headers.getlist("Set-Cookie"))
    page = client.get("/login?error=bad&lang=en")
    assert page.status_code == 200


def test_sign_in_from_another_site_is_refused(client, users):
    response = sign_in(client, users["a"], headers={"Origin": "https://evil.example"})
    assert response.headers["Location"].endswith("error=origin")
    with client.session_transaction() as session:
        assert "uid" not in session


def test_sign_in_failures_are_throttled_by_address_and_lock_nobody_out(dash_app, users, monkeypatch):
    slept: list[float] = []
    monkeypatch.setattr(auth.time, "sleep", slept.append)
    client = dash_app.server.test_client()
    for _ in range(5):
        assert sign_in(client, users["b"], password="wrong password!").status_code == 303
    blocked = sign_in(client, users["b"])  # this address waits, even with the right password
    assert blocked.status_code == 429 and b"Too many sign-in attempts" in blocked.data
    assert int(blocked.headers["Retry-After"]) >= 60
    # The account is not locked: from another address the right password works (after a delay).
    other = dash_app.server.test_client()
    assert (
        sign_in(other, users["b"], environ_base={"REMOTE_ADDR": "10.1.2.3"})
        .headers["Location"]
        .startswith("/admin")
    )
    assert slept[-1] == auth.sign_in_delay(5) > 0
    # One user name attacked from many addresses slows down, and still is not locked.
    auth.reset_sign_in_limits()
    slept.clear()
    for n in range(12):
        sign_in(other, users["a"], password="wrong password!", environ_base={"REMOTE_ADDR": f"10.9.0.{n}"})
    assert slept[:3] == [0.0, 0.0, 0.0] and slept[3] == 0.5 and max(slept) == 4.0
    assert (
        sign_in(dash_app.server.test_client(), users["a"], environ_base={"REMOTE_ADDR": "10.9.1.1"})
        .headers["Location"]
        .startswith("/admin")
    )


def test_forged_sign_in_posts_count_for_nothing(dash_app, users):
    client = dash_app.server.test_client()
    for _ in range(25):  # no form token: refused before any counting or password check
        answer = client.post(
            "/auth/login", data={"username": users["admin"].username, "password": "x", "lang": "en"}
        )
        assert answer.headers["Location"].endswith("error=expired")
    assert (
        db.failed_attempts(db.get_engine(), db._now() - timedelta(hours=1), username=users["admin"].username)
        == 0
    )
    assert sign_in(dash_app.server.test_client(), users["admin"]).headers["Location"].startswith("/admin")


def test_sign_in_delay_grows_and_is_bounded():
    assert [auth.sign_in_delay(n) for n in range(8)] == [0, 0, 0, 0.5, 1.0, 2.0, 4.0, 4.0]
    assert auth.address_limited([(4, 60, 5), (19, 3600, 20)]) is None
    assert auth.address_limited([(5, 60, 5), (19, 3600, 20)]) == 60
    assert auth.address_limited([(5, 60, 5), (20, 3600, 20)]) == 3600


def test_a_cookie_copied_before_sign_out_no_longer_works(dash_app, users):
    client = dash_app.server.test_client()
    sign_in(client, users["a"])
    copied = client.get_cookie(auth.SESSION_COOKIE).value
    thief = dash_app.server.test_client()
    thief.set_cookie(auth.SESSION_COOKIE, copied)
    assert "admin-form" in json.dumps(dash_route(thief, "/admin", "?lang=en").get_json())
    client.post("/auth/logout", data={"lang": "en", auth.CSRF_FIELD: csrf(client)})
    thief.set_cookie(auth.SESSION_COOKIE, copied)
    page = json.dumps(dash_route(thief, "/admin", "?lang=en").get_json())
    assert "admin-form" not in page and "admin-refused" in page


def test_a_session_ends_after_its_lifetime_however_often_it_is_used(dash_app, users, monkeypatch):
    client = dash_app.server.test_client()
    sign_in(client, users["a"])
    with client.session_transaction() as session:
        sid = session["sid"]
    engine = db.get_engine()
    hours = timedelta(hours=settings.session_hours)
    idle = timedelta(minutes=settings.session_idle_minutes)
    start = db._now()
    for minutes in range(0, settings.session_hours * 60, 25):  # used every 25 minutes
        assert db.session_is_live(engine, sid, users["a"].id, idle, hours, start + timedelta(minutes=minutes))
    assert not db.session_is_live(
        engine, sid, users["a"].id, idle, hours, start + hours + timedelta(minutes=1)
    )
    assert not db.session_is_live(
        engine, sid, users["a"].id, idle, hours, start + timedelta(minutes=5)
    )  # ended for good


def test_sign_out_ends_the_session(client, users):
    sign_in(client, users["a"])
    response = client.post("/auth/logout", data={"lang": "en", auth.CSRF_FIELD: csrf(client)})
    assert response.headers["Location"] == "/login?lang=en&signed_out=1"
    with client.session_transaction() as session:
        assert "uid" not in session


# --- callbacks over HTTP --------------------------------------------------------------------------


def callback_key(client, output: str) -> str:
    deps = client.get("/_dash-dependencies").get_json()
    return next(d["output"] for d in deps if output in d["output"])


def dash_post(client, key: str, inputs: list[tuple], state: list[tuple]):
    outputs = []
    for part in key.strip(".").split("..."):
        ident, prop = part.rsplit(".", 1)
        outputs.append({"id": ident, "property": prop.split("@")[0]})
    body = {
        "output": key,
        "outputs": outputs if key.startswith("..") else outputs[0],
        "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
        "changedPropIds": [f"{inputs[0][0]}.{inputs[0][1]}"],
        "state": [{"id": i, "property": p, "value": v} for i, p, v in state],
    }
    return client.post("/_dash-update-component", json=body)


def save_over_http(client, action_id: str, version: int, progress: int, start: str | None):
    key = callback_key(client, "admin-message.children@")
    return dash_post(
        client,
        key,
        [("admin-save", "n_clicks", 1)],
        [
            ("admin-loaded", "data", {"action_id": action_id, "version": version}),
            ("admin-status", "value", "in_progress"),
            ("admin-progress", "value", progress),
            ("admin-start", "date", start),
            ("admin-end", "date", None),
            ("admin-note", "value", "over http"),
            ("admin-lang", "data", "en"),
        ],
    )


def test_direct_post_to_the_save_callback_is_checked_on_the_server(dash_app, users, built_data):
    action_id = open_action(built_data, users["a"].city_id)
    version, state = state_and_version(built_data, action_id)
    start = state.actual_start.isoformat()
    new_progress = min(state.progress_pct + 5, 95)

    anonymous = dash_app.server.test_client()
    response = save_over_http(anonymous, action_id, version, new_progress, start)
    assert response.status_code == 200
    message = response.get_json()["response"]["admin-message"]["children"]
    assert message["props"]["id"] == "admin-refused" and "sign in" in str(message).lower()
    assert state_and_version(built_data, action_id)[0] == version  # nothing saved

    other_city = dash_app.server.test_client()
    sign_in(other_city, users["b"])
    message = save_over_http(other_city, action_id, version, new_progress, start).get_json()["response"][
        "admin-message"
    ]["children"]
    assert message["props"]["id"] == "admin-refused" and "your own city" in str(message)
    assert state_and_version(built_data, action_id)[0] == version

    right = dash_app.server.test_client()
    sign_in(right, users["a"])
    body = save_over_http(right, action_id, version, new_progress, start).get_json()["response"]
    assert body["admin-message"]["children"]["props"]["id"] == "admin-saved"
    assert body["admin-loaded"]["data"] == {"action_id": action_id, "version": version + 1}
    assert state_and_version(built_data, action_id) == (
        version + 1,
        replace(state, progress_pct=new_progress, note="over http"),
    )
    audit = db.audit_frame(db.get_engine())
    assert ((audit["action_id"] == action_id) & (audit["username"] == users["a"].username)).any()
    # The public view shows it at once (the cache key holds the database stamp).
    from services import data_access

    with dash_app.server.app_context():
        shown = data_access.actions_current().set_index("action_id").loc[action_id]
    assert shown["progress_pct"] == new_progress and shown["version"] == version + 1


def test_loading_another_citys_action_reveals_nothing(dash_app, users, built_data):
    action_id = open_action(built_data, users["a"].city_id, "delayed")
    key = callback_key(dash_app.server.test_client(), "admin-status.options")

    def load(client) -> dict:
        inputs = [("admin-action", "value", action_id), ("admin-reload", "n_clicks", 0)]
        return dash_post(client, key, inputs, [("admin-lang", "data", "en")]).get_json()["response"]

    for who in (None, "b"):
        client = dash_app.server.test_client()
        if who:
            sign_in(client, users[who])
        body = load(client)
        assert body["admin-loaded"]["data"] is None and body["admin-progress"]["value"] is None
        assert body["admin-message"]["children"]["props"]["id"] == "admin-refused"
        assert body["admin-save"]["disabled"] is True
    client = dash_app.server.test_client()
    sign_in(client, users["a"])
    body = load(client)
    assert (
        body["admin-loaded"]["data"]["action_id"] == action_id and body["admin-status"]["value"] == "delayed"
    )


def test_city_list_and_audit_log_need_the_right_role(dash_app, users, built_data):
    list_key = callback_key(dash_app.server.test_client(), "admin-city-actions.children")
    audit_key = callback_key(dash_app.server.test_client(), "admin-audit.rowData")
    editor = dash_app.server.test_client()
    sign_in(editor, users["a"])
    city_a, city_b = users["a"].city_id, users["b"].city_id
    body = dash_post(
        editor, list_key, [("admin-city", "value", city_b)], [("admin-lang", "data", "en")]
    ).get_json()["response"]
    assert body["admin-action"]["options"] == [] and "your own city" in str(
        body["admin-city-actions"]["children"]
    )
    body = dash_post(
        editor, list_key, [("admin-city", "value", city_a)], [("admin-lang", "data", "en")]
    ).get_json()["response"]
    assert {o["value"] for o in body["admin-action"]["options"]} == city_action_ids(built_data, city_a)
    assert (
        dash_post(
            editor, audit_key, [("admin-audit-refresh", "n_clicks", 1)], [("admin-lang", "data", "en")]
        ).get_json()["response"]["admin-audit"]["rowData"]
        == []
    )
    admin = dash_app.server.test_client()
    sign_in(admin, users["admin"])
    body = dash_post(
        admin, list_key, [("admin-city", "value", city_b)], [("admin-lang", "data", "en")]
    ).get_json()["response"]
    assert {o["value"] for o in body["admin-action"]["options"]} == city_action_ids(built_data, city_b)
    db.save_update(
        db.get_engine(),
        f"audit-probe-{uuid.uuid4().hex[:6]}",
        0,
        ActionState("planned", 0),
        ActionState("delayed", 0),
        "probe",
        date.today(),
    )
    rows = dash_post(
        admin, audit_key, [("admin-audit-refresh", "n_clicks", 1)], [("admin-lang", "data", "en")]
    ).get_json()["response"]["admin-audit"]["rowData"]
    assert any(r["action_id"].startswith("audit-probe") and r["new"] == "delayed" for r in rows)


# --- callbacks and layouts called directly -----------------------------------------------------------


def as_user(dash_app, account):
    """A request context in which `account` is signed in (None: anonymous)."""
    context = dash_app.server.test_request_context("/_dash-update-component", method="POST")
    context.push()
    if account is not None:
        flask.session["uid"], flask.session["tok"] = account.id, account.token
        flask.session["sid"] = db.start_session(db.get_engine(), account.id)
        flask.session["seen"] = int(time.time())
    return context


def test_callbacks_called_directly(dash_app, users, built_data):
    import pages.admin as admin_page

    action_id = open_action(built_data, users["b"].city_id)
    for who, allowed in ((None, False), ("a", False), ("b", True), ("admin", True)):
        context = as_user(dash_app, users[who] if who else None)
        try:
            version, state = state_and_version(built_data, action_id)
            loaded = admin_page.load_action(action_id, 0, "ru")
            assert (loaded[6] is not None) == allowed, who
            result = admin_page.save(
                1,
                {"action_id": action_id, "version": version},
                state.status,
                min(state.progress_pct + 1, 95),
                state.actual_start.isoformat(),
                None,
                f"by {who}",
                "ru",
            )
            saved = getattr(result[0], "id", None) == "admin-saved"
            assert saved == allowed, who
            assert (state_and_version(built_data, action_id)[0] == version + 1) == allowed
            assert (admin_page.refresh_audit(1, "ru") != []) == (who == "admin")
        finally:
            context.pop()


def test_admin_page_shows_each_role_only_its_part(dash_app, users, built_data):
    import pages.admin as admin_page

    def render(who):
        context = as_user(dash_app, users[who] if who else None)
        try:
            return str(admin_page.layout(lang="en"))
        finally:
            context.pop()

    anonymous = render(None)
    assert "admin-refused" in anonymous and "admin-form" not in anonymous
    editor = render("a")
    assert "admin-form" in editor and "admin-audit-section" not in editor
    assert all(f"'{a}'" in editor for a in city_action_ids(built_data, users["a"].city_id))
    assert not any(f"'{a}'" in editor for a in city_action_ids(built_data, users["b"].city_id))
    admin = render("admin")
    assert "admin-audit-section" in admin and users["a"].username in admin


def test_session_ends_when_the_password_changes_or_the_user_is_disabled(dash_app, users):
    engine = db.get_engine()
    account = db.create_user(engine, f"temp-{uuid.uuid4().hex[:6]}", PASSWORD, "editor", users["a"].city_id)
    client = dash_app.server.test_client()
    sign_in(client, account)

    def who():
        """The account the client's session cookie stands for, as the server sees it."""
        with client.session_transaction() as session:
            uid, tok, seen, sid = (
                session.get("uid"),
                session.get("tok"),
                session.get("seen"),
                session.get("sid"),
            )
        context = dash_app.server.test_request_context()
        context.push()
        try:
            flask.session["uid"], flask.session["tok"], flask.session["seen"] = uid, tok, seen
            flask.session["sid"] = sid
            return auth.current_user()
        finally:
            context.pop()

    assert who() == account
    db.set_password(engine, account.username, "a completely new password")
    assert who() is None
    sign_in(client, account, password="a completely new password")
    assert who() is not None
    db.set_active(engine, account.username, False)
    assert who() is None
