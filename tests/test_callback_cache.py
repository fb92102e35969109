"""Whole callback answers cached by request, build and database stamp (services/callback_cache.py)."""
from __future__ import annotations

from datetime import date

import pytest

from services import callback_cache as cc
from services import data_access
from tests import dash_http as h


def test_private_pages_editing_downloads_and_the_shell_are_never_cacheable():
    assert cc.is_cacheable(h.route_body("/compare", "?lang=en"))
    assert cc.is_cacheable(h.route_body("/city/osh", ""))
    for path in ("/login", "/admin", "/admin/", "/login/x"):
        assert not cc.is_cacheable(h.route_body(path, "?lang=en")), path
    for output in ("..admin-message.children@abc..", "..export-download.data...x..",
                   "..shell-header.children...shell-footer.children..", "..lang-store.data...redirect.href.."):
        assert not cc.is_cacheable({"output": output, "inputs": []}), output
    for junk in (None, [], "x", {"output": 3}, {}):
        assert not cc.is_cacheable(junk)


def test_key_changes_with_the_request_the_build_and_the_database():
    body = h.route_body("/compare", "?lang=en")
    key = cc.cache_key(body, "build-a", "0:0:")
    assert key == cc.cache_key(dict(reversed(list(body.items()))), "build-a", "0:0:")  # canonical JSON
    assert key != cc.cache_key(h.route_body("/compare", "?lang=ru"), "build-a", "0:0:")
    assert key != cc.cache_key(body, "build-b", "0:0:")
    assert key != cc.cache_key(body, "build-a", "1:7:2026-11-26")
    assert cc.cache_key(body, "build-a", "0:0:", date(2026, 11, 26)) != cc.cache_key(body, "build-a", "0:0:", date(2026, 11, 27))


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


def test_the_sign_in_page_is_rendered_for_each_visitor(dash_app):
    body = h.route_body("/login", "?lang=en")
    one, two = dash_app.server.test_client(), dash_app.server.test_client()
    a, b = one.post(cc.CALLBACK_PATH, json=body), two.post(cc.CALLBACK_PATH, json=body)
    assert cc.HEADER not in a.headers and cc.HEADER not in b.headers
    assert a.get_data() != b.get_data()  # each visitor's form carries their own anti-forgery token


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


@pytest.mark.parametrize("path", ["/", "/trends", "/outlook", "/city/osh"])
def test_heavy_pages_are_cached(dash_app, path):
    client = dash_app.server.test_client()
    body = h.route_body(path, "?lang=ru")
    client.post(cc.CALLBACK_PATH, json=body)
    assert client.post(cc.CALLBACK_PATH, json=body).headers.get(cc.HEADER) == "hit"


def test_new_code_changes_the_code_version(tmp_path):
    (tmp_path / "pages").mkdir()
    page = tmp_path / "pages" / "home.py"
    page.write_text("layout = 1\n")
    before = cc.code_version(tmp_path)
    assert cc.code_version(tmp_path) == before  # stable while nothing changes
    page.write_text("layout = 22\n")
    assert cc.code_version(tmp_path) != before
