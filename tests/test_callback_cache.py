"""Whole callback answers cached only where declared public (services/callback_cache.py): what may be
cached, the key, and that nothing private ever reaches an anonymous visitor through the cache."""

from __future__ import annotations

import dis
import inspect
import types
import uuid
from datetime import date

import dash
import flask
import pytest

from services import auth, data_access, db
from services import callback_cache as cc
from tests import dash_http as h

PRIVATE_PATHS = ("/admin", "//admin", "/admin/", "//admin/", "/%61dmin", "/ADMIN", "///admin", "/login")
PROJECT = ("pages", "presentation", "components", "services", "domain", "i18n", "app", "ids")
# What reads the visitor's session: Flask's session proxy and the sign-in functions built on it.
SESSION_READERS = {
    id(flask.session),
    id(auth.current_user),
    id(auth.require_user),
    id(auth.require_admin),
    id(auth.require_city),
    id(auth.csrf_token),
}


@pytest.fixture(scope="module")
def callback_map(dash_app):
    dash_app.server.test_client().get(
        "/"
    )  # Dash fills its callback map (and the router) at the first request
    return dash_app.callback_map


def _code_objects(code: types.CodeType):
    yield code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _code_objects(const)


def reads_session(func, seen: set[int] | None = None) -> bool:
    """Whether `func`, or any function of this project it names (through globals, module attributes
    or closures), can reach the session: an over-approximation by the names in its byte code."""
    seen = set() if seen is None else seen
    func = inspect.unwrap(func)
    if id(func) in seen or not isinstance(func, types.FunctionType):
        return False
    seen.add(id(func))
    if id(func) in SESSION_READERS:
        return True
    if (func.__module__ or "").split(".")[0] not in PROJECT:
        return False
    names: set[str] = set()
    for code in _code_objects(func.__code__):
        names.update(code.co_names)
        names.update(
            i.argval
            for i in dis.get_instructions(code)
            if i.opname in ("LOAD_GLOBAL", "LOAD_ATTR", "LOAD_METHOD")
        )
    found: list[object] = [func.__globals__[n] for n in names if n in func.__globals__]
    found += [c.cell_contents for c in (func.__closure__ or ()) if _filled(c)]
    for obj in list(found):
        if isinstance(obj, types.ModuleType) and (obj.__name__.split(".")[0] in PROJECT or obj is flask):
            found += [getattr(obj, n) for n in names if hasattr(obj, n)]
    for obj in found:
        if id(obj) in SESSION_READERS:
            return True
        if isinstance(obj, types.FunctionType) and reads_session(obj, seen):
            return True
    return False


def _filled(cell) -> bool:
    try:
        _ = cell.cell_contents
    except ValueError:
        return False
    return True


def test_every_callback_that_reads_the_session_is_uncacheable(dash_app, callback_map):
    readers = {
        key
        for key, entry in callback_map.items()
        if callable(entry.get("callback")) and reads_session(entry["callback"])
    }
    public = cc.public_outputs(callback_map)
    assert any("admin-" in key for key in readers), (
        "the admin callbacks read the session: the check must see them"
    )
    assert public, "some public callbacks are declared"
    assert not readers & public, sorted(readers & public)
    for key in readers:
        assert not cc.is_cacheable({"output": key, "inputs": []}, dash_app), key


def test_only_declared_pages_and_callbacks_are_cacheable(dash_app, callback_map):
    assert cc.is_cacheable(h.route_body("/compare", "?lang=en"), dash_app)
    assert cc.is_cacheable(h.route_body("/no-such-page", ""), dash_app)  # the friendly 404 page is public
    for path in ("/admin", "//admin", "/admin/", "//admin/", "///admin", "/login", "/login/"):
        assert not cc.is_cacheable(h.route_body(path, "?lang=en"), dash_app), path
    for output in (
        "..admin-message.children@abc..",
        "..export-download.data...export-status.children..",
        "..shell-header.children...shell-footer.children...skip-link.children..",
        "..lang-store.data...redirect.href..",
        "made-up.children",
    ):
        assert not cc.is_cacheable({"output": output, "inputs": []}, dash_app), output
    for junk in (None, [], "x", {"output": 3}, {}):
        assert not cc.is_cacheable(junk, dash_app)


def test_key_changes_with_the_request_the_build_and_the_database():
    body = h.route_body("/compare", "?lang=en")
    key = cc.cache_key(body, "build-a", "0:0:")
    assert key == cc.cache_key(dict(reversed(list(body.items()))), "build-a", "0:0:")  # canonical JSON
    assert key != cc.cache_key(h.route_body("/compare", "?lang=ru"), "build-a", "0:0:")
    assert key != cc.cache_key(body, "build-b", "0:0:")
    assert key != cc.cache_key(body, "build-a", "1:7:2026-11-26")
    assert cc.cache_key(body, "build-a", "0:0:", date(2026, 11, 26)) != cc.cache_key(
        body, "build-a", "0:0:", date(2026, 11, 27)
    )


def test_oversized_requests_are_computed_and_never_stored(dash_app):
    client = dash_app.server.test_client()
    body = h.route_body("/glossary", "?lang=en&q=" + "x" * cc.MAX_BODY)
    for _ in range(2):
        answer = client.post(cc.CALLBACK_PATH, json=body)
        assert answer.status_code == 200 and cc.HEADER not in answer.headers


def test_a_repeated_public_call_is_answered_from_the_cache_with_the_same_bytes(dash_app):
    client = dash_app.server.test_client()
    body = h.route_body("/compare", "?lang=en&level=category")
    first = client.post(cc.CALLBACK_PATH, json=body)
    second = client.post(cc.CALLBACK_PATH, json=body)
    assert first.status_code == second.status_code == 200
    assert first.headers.get(cc.HEADER) == "miss" and second.headers.get(cc.HEADER) == "hit"
    assert first.get_data() == second.get_data()
    assert second.headers["Content-Security-Policy"] and second.headers["X-Content-Type-Options"] == "nosniff"


def test_a_request_with_a_session_never_reads_or_writes_the_cache(dash_app):
    body = h.route_body("/compare", "?lang=en&level=dimension&x=" + uuid.uuid4().hex)
    with_session = dash_app.server.test_client()
    h.csrf(with_session)  # a session cookie, as a visitor of the sign-in page has
    for _ in range(2):
        assert cc.HEADER not in with_session.post(cc.CALLBACK_PATH, json=body).headers
    anonymous = dash_app.server.test_client()
    assert anonymous.post(cc.CALLBACK_PATH, json=body).headers.get(cc.HEADER) == "miss"


def test_the_sign_in_page_is_rendered_for_each_visitor(dash_app):
    body = h.route_body("/login", "?lang=en")
    one, two = dash_app.server.test_client(), dash_app.server.test_client()
    a, b = one.post(cc.CALLBACK_PATH, json=body), two.post(cc.CALLBACK_PATH, json=body)
    assert cc.HEADER not in a.headers and cc.HEADER not in b.headers
    assert a.get_data() != b.get_data()  # each visitor's form carries their own anti-forgery token


@pytest.fixture(scope="module")
def signed_in_admin(dash_app):
    engine = db.get_engine()
    account = db.create_user(engine, f"admin-leak-{uuid.uuid4().hex[:6]}", h.PASSWORD, "admin")
    editor = db.create_user(
        engine,
        f"editor-leak-{uuid.uuid4().hex[:6]}",
        h.PASSWORD,
        "editor",
        str(data_access.get_data()["cities"]["city_id"].iloc[0]),
    )
    client = dash_app.server.test_client()
    auth.reset_sign_in_limits()
    assert h.sign_in(client, account.username).status_code == 303
    return client, account, editor


def _secrets_of(client, account, editor) -> list[str]:
    with client.session_transaction() as session:
        token = session.get("csrf")
    return [account.username, editor.username, token]


@pytest.mark.parametrize("path", PRIVATE_PATHS)
@pytest.mark.parametrize("search", ["?lang=en", "?lang=en&x=1", "?x=1&lang=en", ""])
def test_an_anonymous_replay_of_an_admin_request_gets_nothing_private(
    dash_app, signed_in_admin, path, search
):
    client, account, editor = signed_in_admin
    body = h.route_body(path, search)
    seen = client.post(cc.CALLBACK_PATH, json=body).get_data(as_text=True)
    private = _secrets_of(client, account, editor)
    if path.strip("/").lower() == "admin" and path.islower():
        assert account.username in seen  # the admin does see the page (the probe is real)
    for _ in range(2):  # replayed twice: a stored answer would come back the second time
        replay = dash_app.server.test_client().post(cc.CALLBACK_PATH, json=body)
        assert replay.status_code == 200
        if path.strip("/") in ("admin", "login"):  # what Dash renders as the admin or sign-in page
            assert cc.HEADER not in replay.headers
        text = replay.get_data(as_text=True)
        assert not [s for s in private if s and s in text], (path, search)


def test_an_anonymous_replay_of_the_admin_callbacks_gets_nothing_private(
    dash_app, signed_in_admin, callback_map
):
    client, account, editor = signed_in_admin
    private = _secrets_of(client, account, editor)
    audit_key = h.callback_key(client, "admin-audit.rowData")
    list_key = h.callback_key(client, "admin-city-actions.children")
    requests = [
        (audit_key, [("admin-audit-refresh", "n_clicks", 1)], [("admin-lang", "data", "en")]),
        (list_key, [("admin-city", "value", editor.city_id)], [("admin-lang", "data", "en")]),
    ]
    for key, inputs, state in requests:
        assert client.post(cc.CALLBACK_PATH, json=h.callback_body(key, inputs, state)).status_code == 200
        for _ in range(2):
            replay = dash_app.server.test_client().post(
                cc.CALLBACK_PATH, json=h.callback_body(key, inputs, state)
            )
            assert cc.HEADER not in replay.headers
            assert not [s for s in private if s and s in replay.get_data(as_text=True)], key


def test_a_public_callback_that_reads_the_session_is_not_stored(dash_app, monkeypatch, caplog):
    page = next(p for p in dash.page_registry.values() if p["path"] == "/glossary")
    layout = page["layout"]

    def reads_the_session(**kwargs):  # stands in for a public page that wrongly reads the session
        flask.session.get("uid")
        return layout(**kwargs)

    monkeypatch.setitem(page, "layout", reads_the_session)
    client = dash_app.server.test_client()
    body = h.route_body("/glossary", "?lang=en&probe=" + uuid.uuid4().hex)
    for _ in range(2):
        answer = client.post(cc.CALLBACK_PATH, json=body)
        assert answer.status_code == 200 and cc.HEADER not in answer.headers
    assert "read the session" in caplog.text


def test_a_saved_update_or_a_database_outage_is_never_answered_from_an_older_answer(dash_app, monkeypatch):
    client = dash_app.server.test_client()
    body = h.route_body("/actions", "?lang=en")
    stamp = ["1:1:a"]
    monkeypatch.setattr(data_access, "actions_stamp", lambda: stamp[0])
    assert client.post(cc.CALLBACK_PATH, json=body).headers.get(cc.HEADER) == "miss"
    assert client.post(cc.CALLBACK_PATH, json=body).headers.get(cc.HEADER) == "hit"
    stamp[0] = "2:2:b"  # a save
    assert client.post(cc.CALLBACK_PATH, json=body).headers.get(cc.HEADER) == "miss"

    def down():
        raise data_access.DATABASE_ERRORS[1]("database down")

    monkeypatch.setattr(data_access, "actions_stamp", down)
    answer = client.post(cc.CALLBACK_PATH, json=body)
    assert answer.status_code == 200 and cc.HEADER not in answer.headers


def test_heavy_pages_are_cached(dash_app, built_data):
    city = str(built_data["cities"]["city_id"].iloc[0])
    for path in ("/", "/trends", "/outlook", f"/city/{city}"):
        client = dash_app.server.test_client()
        body = h.route_body(path, "?lang=ru")
        client.post(cc.CALLBACK_PATH, json=body)
        assert client.post(cc.CALLBACK_PATH, json=body).headers.get(cc.HEADER) == "hit", path


def test_new_code_changes_the_code_version(tmp_path):
    (tmp_path / "pages").mkdir()
    page = tmp_path / "pages" / "home.py"
    page.write_text("layout = 1\n")
    before = cc.code_version(tmp_path)
    assert cc.code_version(tmp_path) == before  # stable while nothing changes
    page.write_text("layout = 22\n")
    assert cc.code_version(tmp_path) != before
