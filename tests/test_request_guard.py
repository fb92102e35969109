"""Bad requests get a 4xx with a clear message and no traceback (services/request_guard.py)."""

from __future__ import annotations

import json
import logging

import pytest

from services import request_guard as rg
from tests import dash_http as h

MALFORMED = [
    "[]",
    "null",
    "{",
    "5",
    '"text"',
    '{"output":1}',
    '{"output":"no-such.children"}',
    '{"output":"compare-item-help.children","inputs":5}',
    '{"output":"compare-item-help.children","inputs":[7]}',
    '{"output":"compare-item-help.children","inputs":[{"id":"compare-level"}]}',
    '{"output":"compare-item-help.children","inputs":[],"state":{"a":1}}',
]


@pytest.fixture()
def client(dash_app):
    return dash_app.server.test_client()


@pytest.mark.parametrize("body", MALFORMED)
def test_malformed_callback_bodies_get_400_in_the_visitors_language(client, body, caplog):
    with caplog.at_level(logging.INFO):
        answer = client.post(
            rg.CALLBACK_PATH,
            data=body,
            content_type="application/json",
            headers={"Accept-Language": "ru-RU,ru;q=0.9"},
        )
    assert answer.status_code == 400 and answer.mimetype == "application/problem+json"
    problem = answer.get_json()
    assert problem["title"] == "Запрос не распознан" and "Обновите страницу" in problem["detail"]
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert not [r for r in caplog.records if r.exc_info]


def test_wrong_value_types_in_every_callback_get_4xx_never_500(client, dash_app, caplog):
    """Each callback of the app, called with values of types its controls never send."""
    client.get("/")
    junk_values = [{"a": [1, {"b": None}]}, [[["x"]]], -1e308, "x" * 300]
    tried = 0
    with caplog.at_level(logging.INFO):
        for key, entry in dash_app.callback_map.items():
            inputs = [{"id": i["id"], "property": i["property"]} for i in entry["inputs"]]
            state = [{"id": s["id"], "property": s["property"]} for s in entry.get("state", [])]
            if any(isinstance(i["id"], dict) or "{" in str(i["id"]) for i in inputs + state):
                continue  # pattern-matching callbacks: their inputs come as lists (covered by the fuzz test)
            outputs = [
                {"id": part.rsplit(".", 1)[0], "property": part.rsplit(".", 1)[1].split("@")[0]}
                for part in key.strip(".").split("...")
            ]
            for junk in junk_values:
                body = {
                    "output": key,
                    "outputs": outputs if key.startswith("..") else outputs[0],
                    "inputs": [{**i, "value": junk} for i in inputs],
                    "state": [{**s, "value": junk} for s in state],
                    "changedPropIds": [f"{inputs[0]['id']}.{inputs[0]['property']}"] if inputs else [],
                }
                answer = client.post(rg.CALLBACK_PATH, json=body)
                tried += 1
                assert answer.status_code < 500, (key, junk, answer.get_data(as_text=True)[:300])
    assert tried > 40
    assert not [r for r in caplog.records if r.exc_info], "no traceback is logged"


def test_unknown_files_and_pages_answer_404(client, built_data):
    for path in (
        "/_dash-component-suites/dash/nope.js",
        "/_dash-component-suites/nope/x.js",
        "/_dash-component-suites/dash/../../x.js",
    ):
        answer = client.get(path)
        assert answer.status_code == 404, path
    for path in ("/no-such-page", "/city/no-such-city", "/compare/extra", "/admin/x"):
        answer = client.get(path + "?lang=en")
        assert answer.status_code == 404 and answer.mimetype == "text/html", path
        assert answer.headers["Content-Security-Policy"]
    city = str(built_data["cities"]["city_id"].iloc[-1])
    for path in ("/", "/compare", f"/city/{city}", "/glossary", "/login", "/admin"):
        assert client.get(path).status_code == 200, path
    # The friendly page is what the browser shows for an unknown address.
    shown = json.dumps(h.route(client, "/no-such-page", "?lang=en").get_json())
    assert "not-found" in shown or "404" in shown


def test_oversized_bodies_addresses_and_headers_get_413_414_431(client):
    big = client.post(
        rg.CALLBACK_PATH,
        data=b"{" + b" " * (9 * 1024 * 1024),
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )
    assert big.status_code == 413 and "larger than 8 MB" in big.get_json()["detail"]
    assert big.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get("/?q=" + "x" * 5000).status_code == 414
    assert client.get("/", headers={f"X-Padding-{n}": "y" * 1000 for n in range(20)}).status_code == 431
    assert client.get("/?q=" + "x" * 3000).status_code == 200
