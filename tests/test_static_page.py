"""Pages that need no script are sent as finished HTML without any of Dash's scripts
(services/static_page.py, assets/script_free.js; issue 21): their text in RU and EN, the shell,
the same headers; Dash for pages with a chart or control, for signed-in visitors and for a page
that declares itself script-free wrongly; in a browser, the remembered language and the way to
Dash's pages and back."""

from __future__ import annotations

import dataclasses
import html as html_text
import logging
import re
import uuid

import dash
import pytest
from dash import dcc, html
from dash.testing.wait import until

from i18n import LANGUAGES
from services import first_view as fv
from services import static_page as sp
from tests import dash_http as h
from tests.test_first_view import layout_text, plain_text, registered_title

DASH_MARKERS = (
    "_dash-component-suites",
    "_dash-config",
    "_dash-renderer",
    "react-entry-point",
    "dash_renderer",
)


def declared_paths() -> list[str]:
    """The paths of the pages registered with `script_free=True`."""
    return sorted(page["path"] for page in sp.declared(dash.page_registry.values()))


NOT_FOUND = "/404"
SIGN_IN = "/login"


def script_sources(body: str) -> list[str]:
    return re.findall(r"<script\b[^>]*\bsrc=\"([^\"]+)\"", body)


def assert_static(body: str, where: str) -> None:
    """A finished page: no Dash script, no entry point, one script: assets/script_free.js."""
    for marker in DASH_MARKERS:
        assert marker not in body, f"{where}: {marker}"
    assert len(re.findall(r"<script\b", body)) == 1, where
    assert [src.split("?")[0] for src in script_sources(body)] == [f"/assets/{sp.SCRIPT}"], where


def assert_dash(body: str, where: str) -> None:
    assert any("dash_renderer" in src for src in script_sources(body)), where
    assert 'id="react-entry-point"' in body and 'id="_dash-config"' in body, where


def test_the_text_pages_declare_themselves_script_free(dash_app):
    assert {"/glossary", "/api-docs", NOT_FOUND, SIGN_IN} <= set(declared_paths())
    # Public pages, the sign-in form (its form token) and the admin page (an anonymous visitor's
    # refusal): these two read the session and are never cached.
    private = {p["path"] for p in sp.declared(dash.page_registry.values()) if not p.get(fv.MARK)}
    assert private == {SIGN_IN, "/admin"}


def test_the_sign_in_form_is_sent_without_dash_to_each_visitor_with_their_own_token(dash_app):
    tokens = []
    for _ in range(2):
        visitor = dash_app.server.test_client()
        for _ in range(2):  # the second time with the session cookie the first answer set
            answer = visitor.get(f"{SIGN_IN}?lang=ru")
            body = answer.get_data(as_text=True)
            assert_static(body, SIGN_IN)
            assert answer.headers["Cache-Control"] == "no-store"  # never kept: it holds the form token
            assert '<form id="login-form" action="/auth/login"' in body and 'method="POST"' in body
            tokens.append(
                re.search(r'<input value="([^"]+)" type="hidden" name="csrf_token">', body).group(1)
            )
    assert tokens[0] == tokens[1] and tokens[2] == tokens[3]  # one visitor's session keeps its token
    assert tokens[0] != tokens[2]  # never another visitor's page: not cached, not shared


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_script_free_page_arrives_finished_without_dash(dash_app, client, lang):
    assert declared_paths()
    for path in declared_paths():
        visitor = dash_app.server.test_client()  # the sign-in page gives each visitor a session cookie
        answer = visitor.get(f"{path}?lang={lang}")
        body = answer.get_data(as_text=True)
        expected = 404 if path == NOT_FOUND else 200  # the not-found page answers 404 even at its own path
        assert answer.status_code == expected and answer.mimetype == "text/html", path
        assert_static(body, path)
        assert f'<html lang="{lang}"' in body, path
        title = registered_title(dash_app, path, lang)
        assert f"<title>{html_text.escape(title, quote=False)}</title>" in body, path
        heading = re.search(r"<h1[^>]*>(.*?)</h1>", body, re.S)
        assert heading and plain_text(heading.group(1)) == title.split(" · ")[0], path
        # The shell: skip link, header with the navigation in this language, main, footer.
        assert 'class="skip-link"' in body and 'id="main"' in body and 'class="site-footer"' in body, path
        assert f'href="/?lang={lang}"' in body and 'id="menu-button"' in body, path
        # Its whole text is the text of the layout Dash's router would send.
        content = re.search(r'<div id="_pages_content">(.*)</main>', body, re.S).group(1)
        routed = h.route(visitor, path, f"?lang={lang}").get_json()["response"]["_pages_content"]["children"]
        assert re.sub(r"\s+", "", plain_text(content)) == re.sub(r"\s+", "", layout_text(routed)), path


def test_headers_are_those_of_dash_pages(client):
    """Security and caching headers as on a Dash page; the CSP allows no inline script."""
    static, dash_page = client.get("/glossary?lang=en"), client.get("/data?lang=en")
    names = {k for k, _ in static.headers.items() if k != "Content-Length"}
    assert names == {k for k, _ in dash_page.headers.items() if k != "Content-Length"}
    assert static.headers["Content-Security-Policy"] == dash_page.headers["Content-Security-Policy"]
    assert (
        "'unsafe-inline'"
        not in static.headers["Content-Security-Policy"].split("script-src")[1].split(";")[0]
    )
    assert "Cache-Control" not in static.headers
    script = client.get(script_sources(static.get_data(as_text=True))[0])
    assert script.status_code == 200 and "javascript" in script.mimetype
    assert b"lang-store" in script.get_data()


def test_pages_with_charts_maps_or_controls_still_get_dash(client, built_data):
    city = built_data["cities"]["city_id"].iloc[0]
    for path in ("/", f"/city/{city}", "/data?tab=catalogue", "/compare"):
        body = client.get(path + ("&" if "?" in path else "?") + "lang=en").get_data(as_text=True)
        assert_dash(body, path)
        assert sp.SCRIPT not in body, path  # the script-free pages' script is not in Dash's pages


def test_a_signed_in_visitor_gets_dash(dash_app):
    client = dash_app.server.test_client()
    h.csrf(client)  # the sign-in form's token: the browser now carries a session cookie
    body = client.get("/glossary?lang=en").get_data(as_text=True)
    assert_dash(body, "/glossary with a session cookie")
    assert "first-view" not in body and "_dash-loading" in body


def test_with_the_first_view_off_the_page_gets_dash(client, monkeypatch):
    monkeypatch.setattr(fv, "settings", dataclasses.replace(fv.settings, first_view=False))
    body = client.get(f"/glossary?lang=en&probe={uuid.uuid4().hex}").get_data(as_text=True)
    assert_dash(body, "/glossary, FIRST_VIEW=0")


@pytest.mark.parametrize(
    "extra",
    [
        lambda: dcc.Dropdown(options=["a", "b"], id="fake-choice"),
        lambda: dcc.Graph(figure={"data": []}),
        lambda: html.Button("Go", id="fake-button"),
        lambda: html.Div(id={"type": "fake", "index": 1}),
        lambda: html.Div("the header", id="shell-header-probe"),
    ],
    ids=["control", "chart", "button", "pattern-id", "callback-id"],
)
def test_a_page_declared_wrongly_falls_back_to_dash_logged_once(client, monkeypatch, caplog, extra):
    page = next(p for p in dash.page_registry.values() if p["path"] == "/glossary")
    layout = page["layout"]

    def with_extra(**kwargs):  # stands in for a script-free page that gained a control
        return html.Div([layout(**kwargs), extra()])

    monkeypatch.setitem(page, "layout", with_extra)
    monkeypatch.setattr(fv, "_logged_not_script_free", set())
    probe_map = {"shell-header-probe.children": {"inputs": [], "state": [], "callback": None}}
    monkeypatch.setattr(sp, "all_callbacks", lambda app: probe_map)
    with caplog.at_level(logging.ERROR, logger="services.first_view"):
        for _ in range(2):
            body = client.get(f"/glossary?lang=en&probe={uuid.uuid4().hex}").get_data(as_text=True)
            assert_dash(body, "/glossary with a control")
            assert 'class="first-view"' in body  # still the readable first view
    assert len([r for r in caplog.records if "declared script-free" in r.getMessage()]) == 1


def test_obstacles_are_named():
    def handler():
        return None

    handler.__module__ = "pages.fake"
    callbacks = {
        "..out.children...other.value..": {
            "inputs": [{"id": "source", "property": "value"}],
            "state": [{"id": '{"index":1,"type":"x"}', "property": "value"}],
            "callback": handler,
        }
    }
    text = html.Div([html.H1("T"), html.Table(html.Tr(html.Td(dcc.Link("a", href="/x"))))])
    assert sp.obstacle(text, callbacks) is None  # callbacks matter through the ids they use
    for used in ("out", "other", "source"):
        assert sp.obstacle(html.Div(html.P(id=used)), callbacks) == f"a callback uses the id {used}"
    assert "Store" in sp.obstacle(html.Div(dcc.Store(id="s")), {})
    assert "Button" in sp.obstacle(html.Div(html.Button("b")), {})
    assert "Markdown" in sp.obstacle(dcc.Markdown("x"), {})


def test_every_declared_page_is_script_free_in_both_languages(dash_app, client):
    """A page that declares `script_free=True` and needs a script fails here, not only in the logs."""
    for path in declared_paths():
        for lang in LANGUAGES:
            with dash_app.server.test_request_context(f"{path}?lang={lang}"):
                view = fv.render_page(dash_app, path, {"lang": [lang]}, lambda *_: {})
            assert view is not None and view.script_free, (path, lang)


# Browser: the finished page, its language memory and the way to Dash's pages and back.

STORED = "return window.localStorage.getItem('lang-store');"


def test_the_static_page_in_a_browser(dash_duo, dash_app):
    dash_duo.start_server(dash_app)
    driver = dash_duo.driver
    base = dash_duo.server_url
    driver.get(base + "/glossary?lang=en")
    until(lambda: driver.execute_script("return document.readyState") == "complete", 30)
    assert "Glossary" in driver.find_element("css selector", "h1#page-title").text
    assert driver.execute_script(
        "return typeof window.dash_clientside === 'undefined' && !window.DashRenderer"
    )
    assert driver.execute_script(STORED) == '"en"'  # Dash's dcc.Store format: JSON
    # Without ?lang, the remembered English is opened again (the #anchor kept).
    driver.get(base + "/api-docs#main")
    until(lambda: "lang=en" in driver.current_url, 30)
    assert (
        driver.current_url.endswith("#main")
        and driver.execute_script("return document.documentElement.lang") == "en"
    )
    # Russian chosen here is what a Dash page remembers too.
    driver.get(base + "/glossary?lang=ru")
    until(lambda: driver.execute_script(STORED) == '"ru"', 10)
    driver.get(base + "/glossary?lang=en")
    # Following a navigation link to a Dash page: a full load, its first view, then Dash's page.
    link = next(
        a
        for a in dash_duo.find_elements("a.nav-link")
        if a.get_attribute("href").endswith("/compare?lang=en")
    )
    link.click()
    until(
        lambda: driver.execute_script(
            "return !!window.dash_clientside && !!document.querySelector('#react-entry-point #page-title')"
        ),
        60,
    )
    until(
        lambda: driver.execute_script("return document.querySelectorAll('.first-view-host').length") == 0, 60
    )
    # And back to the static page.
    driver.back()
    until(lambda: "/glossary" in driver.current_url, 30)
    heading = "var h = document.getElementById('page-title'); return h && h.textContent"
    until(lambda: "Glossary" in (driver.execute_script(heading) or ""), 30)
    assert driver.execute_script("return typeof window.dash_clientside") == "undefined"
    # Dash reads what the static page stored: its page without ?lang opens in English.
    driver.get(base + "/compare")
    until(lambda: "lang=en" in driver.current_url, 30)
    assert dash_duo.get_logs() == []


def test_the_menu_button_opens_the_navigation_on_a_phone(dash_duo, dash_app):
    dash_duo.start_server(dash_app)
    driver = dash_duo.driver
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True},
    )
    driver.get(dash_duo.server_url + "/glossary?lang=ru")
    button = dash_duo.wait_for_element("#menu-button", timeout=30)
    nav = driver.find_element("css selector", "#main-nav")
    assert not nav.is_displayed() and button.get_attribute("aria-expanded") == "false"
    button.click()
    until(lambda: nav.is_displayed(), 5)
    assert button.get_attribute("aria-expanded") == "true"
    assert dash_duo.get_logs() == []
