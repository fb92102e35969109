"""The first view of every public page arrives as HTML in the index page, readable before any script
runs (services/first_view.py, assets/first_view.js; issue 21): its heading in RU and EN, the shell
around it, nothing for private pages or signed-in visitors, Dash's plain entry when a layout fails,
and a page that still works, with each id once, after React has taken over. Script-free pages
(/glossary, /api-docs) come without Dash at all: tests/test_static_page.py."""

from __future__ import annotations

import dataclasses
import html as html_text
import logging
import re
import uuid

import dash
import flask
import pytest
from dash import dcc, html
from dash.testing.wait import until

from i18n import LANGUAGES
from services import db, static_page
from services import first_view as fv
from tests import dash_http as h

ADMIN_PATHS = ("/admin", "/admin/", "/%61dmin")
ENTRY = re.compile(r'<div id="react-entry-point">(.*?)<div class="dash-scripts">', re.S)
DUPLICATE_IDS_JS = (
    "var c = {}; document.querySelectorAll('[id]').forEach(function (e) { c[e.id] = (c[e.id] || 0) + 1; });"
    "return Object.keys(c).filter(function (k) { return c[k] > 1; });"
)


def public_pages(city_id: str) -> list[str]:
    """Every page registered with `public_answer=True` and run by Dash (not script-free; a city
    filling the profile's template)."""
    paths = []
    for page in dash.page_registry.values():
        if page.get(fv.MARK) and not page.get(static_page.FLAG):
            paths.append((page.get("path_template") or page["path"]).replace("<city_id>", city_id))
    return sorted(paths)


def entry_of(body: str) -> str:
    match = ENTRY.search(body)
    assert match, "the index page has no entry point"
    return match.group(1)


def plain_text(markup: str) -> str:
    return " ".join(html_text.unescape(re.sub(r"<[^>]+>", "", markup)).split())


def layout_text(node) -> str:
    """The text of a component tree as the routing callback sends it (JSON)."""
    if isinstance(node, (str, int, float)) and not isinstance(node, bool):
        return str(node)
    if isinstance(node, list):
        return "".join(layout_text(n) for n in node)
    if isinstance(node, dict):
        return layout_text(node.get("props", {}).get("children"))
    return ""


def first_heading(node):
    """The first H1 of a layout as JSON (depth first), or None."""
    if isinstance(node, list):
        return next((found for n in node if (found := first_heading(n)) is not None), None)
    if isinstance(node, dict):
        if node.get("type") == "H1" and node.get("namespace") == "dash_html_components":
            return node
        return first_heading(node.get("props", {}).get("children"))
    return None


def test_components_become_static_html_with_their_attributes():
    tree = html.Div(
        [
            html.H1("Риск <выше>", id="t", className="big", style={"marginTop": 4, "--c": "red"}),
            html.Span("x", hidden=True, **{"aria-label": "a & b", "data-n": "1"}),
            html.Br(),
            dcc.Link("Карта", href="/map?lang=ru", className="nav-link"),
            html.A("bad", href=" JavaScript:alert(1)"),
            dcc.Store(id="s", data={"secret": "not in html"}),
            dcc.Location(id="loc"),
            dcc.Graph(id="g", figure={"layout": {"height": 320}}),
            dcc.Graph(id="g2", style={"height": "200px"}),
            html.Div(id="filled"),
        ],
        className="root",
    )
    out = fv.to_html(tree, {"filled": [html.P("from the shell")]})
    assert out.startswith('<div class="root"><h1 id="t" class="big" style="margin-top:4px;--c:red">')
    assert "Риск &lt;выше&gt;</h1>" in out
    span = re.search(r"<span ([^>]*)>x</span><br>", out).group(1).split(" ")
    assert sorted(span) == sorted(["hidden", 'aria-label="a', "&amp;", 'b"', 'data-n="1"'])
    assert '<a href="/map?lang=ru" class="nav-link">Карта</a>' in out
    assert '<a href="about:blank">bad</a>' in out and "alert" not in out
    assert "secret" not in out and 'id="s"' not in out and 'id="loc"' not in out
    # Charts: drawn as SVG (services/figure_svg.py; tests/test_figure_svg.py), or without a figure
    # an empty box, of the height the figure or the style gives them.
    chart = re.search(r'<div ([^>]*id="g"[^>]*)><svg', out).group(1)
    assert 'class="dash-graph first-view-chart"' in chart and 'style="height:320px"' in chart
    box = re.search(r'<div ([^>]*id="g2"[^>]*)></div>', out).group(1)
    assert 'class="dash-graph first-view-graph"' in box and 'style="height:200px"' in box
    assert '<div id="filled"><p>from the shell</p></div>' in out
    assert tree.children[-1].children is None  # the fill did not change the tree


def test_a_missing_number_is_drawn_as_nothing_as_react_draws_it():
    """Dash sends NaN as null and React draws nothing: the first view must not say "nan"."""
    out = fv.to_html(html.Dd([float("nan"), " ", 2.5, float("inf")]))
    assert out == "<dd> 2.5</dd>"


def registered_title(app: dash.Dash, path: str, lang: str) -> str:
    """The page's title as its registration gives it (name · the app's short name)."""
    page, variables = fv.page_for(app, path)
    with app.server.test_request_context(f"{path}?lang={lang}"):
        return page["title"](**variables) if callable(page["title"]) else page["title"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_public_page_shows_its_heading_before_any_script(dash_app, client, built_data, lang):
    paths = public_pages(built_data["cities"]["city_id"].iloc[0])
    assert "/" in paths and "/data" in paths and "/admin" not in paths and "/glossary" not in paths
    for path in paths:
        body = client.get(f"{path}?lang={lang}").get_data(as_text=True)
        entry = entry_of(body)
        assert 'class="first-view"' in entry, path
        assert body.index("first-view") < body.index("<script"), path
        assert f'<html lang="{lang}"' in body, path
        title = registered_title(dash_app, path, lang)
        assert f"<title>{html_text.escape(title, quote=False)}</title>" in body, path
        shown = re.search(r"<h1[^>]*>(.*?)</h1>", entry, re.S)
        assert shown and plain_text(shown.group(1)) == title.split(" · ")[0], path
        # The shell around it: the navigation, in this language.
        assert 'class="site-header"' in entry and f'href="/glossary?lang={lang}"' in entry, path


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_first_view_says_what_react_will_show(client, lang):
    """The data page's whole text, server-rendered, is the text of the layout Dash's router sends."""
    entry = entry_of(client.get(f"/data?lang={lang}").get_data(as_text=True))
    content = re.search(r'<div id="_pages_content">(.*)</main>', entry, re.S).group(1)
    routed = h.route(client, "/data", f"?lang={lang}").get_json()["response"]["_pages_content"]["children"]
    assert first_heading(routed) is not None
    assert plain_text(content).replace(" ", "") == layout_text(routed).replace(" ", "")


@pytest.fixture(scope="module")
def signed_in_admin(dash_app):
    """A visitor signed in as an administrator (a new account: the database is shared)."""
    account = db.create_user(db.get_engine(), f"fv-admin-{uuid.uuid4().hex[:6]}", h.PASSWORD, "admin")
    return h.signed_in(dash_app, account, 1, network="10.48")


def test_the_index_keeps_its_headers(client, monkeypatch):
    """Caching and security headers are those of the plain index page (no new caching)."""
    public = client.get("/data?lang=en")
    monkeypatch.setattr(fv, "settings", dataclasses.replace(fv.settings, first_view=False))
    private = client.get(f"/data?lang=en&plain={uuid.uuid4().hex}")
    assert "_dash-loading" in entry_of(private.get_data(as_text=True))  # Dash's plain entry
    assert 'class="first-view"' in public.get_data(as_text=True)
    names = {k for k, _ in public.headers.items() if k != "Content-Length"}
    assert names == {k for k, _ in private.headers.items() if k != "Content-Length"}
    assert public.headers.get("Vary") == private.headers.get("Vary")
    assert "Cache-Control" not in public.headers


@pytest.mark.parametrize("path", ADMIN_PATHS)
def test_the_admin_page_refuses_an_anonymous_visitor_without_dash_and_serves_editors_with_it(
    dash_app, signed_in_admin, path
):
    anonymous = dash_app.server.test_client().get(path + "?lang=en").get_data(as_text=True)
    assert 'id="admin-refused"' in anonymous and 'href="/login?lang=en"' in anonymous
    assert "_dash-renderer" not in anonymous and "dash_renderer" not in anonymous
    entry = entry_of(signed_in_admin.get(path + "?lang=en").get_data(as_text=True))
    assert "first-view" not in entry and "_dash-loading" in entry  # the forms: Dash's plain entry


def test_a_visitor_with_a_session_cookie_gets_dash_plain_entry(dash_app):
    client = dash_app.server.test_client()
    h.csrf(client)  # the sign-in form's token: the browser now carries a session cookie
    entry = entry_of(client.get("/glossary?lang=en").get_data(as_text=True))
    assert "first-view" not in entry and "_dash-loading" in entry


def test_unknown_pages_keep_their_404_with_the_not_found_view_sent_without_dash(client):
    answer = client.get("/no/such/page?lang=en")
    body = answer.get_data(as_text=True)
    assert answer.status_code == 404
    assert "page-404" in body and 'href="/glossary?lang=en"' in body  # the way back, as plain links
    assert "_dash-renderer" not in body and "dash_renderer" not in body  # a script-free page


def test_a_layout_that_raises_falls_back_to_dash_entry_and_is_logged_once(client, monkeypatch, caplog):
    page = next(p for p in dash.page_registry.values() if p["path"] == "/glossary")

    def broken(**_kwargs):
        raise RuntimeError("broken layout")

    monkeypatch.setitem(page, "layout", broken)
    monkeypatch.setattr(fv, "_logged_failures", set())
    with caplog.at_level(logging.ERROR, logger="services.first_view"):
        for _ in range(3):
            answer = client.get(f"/glossary?lang=en&probe={uuid.uuid4().hex}")
            assert answer.status_code == 200
            entry = entry_of(answer.get_data(as_text=True))
            assert "first-view" not in entry and "_dash-loading" in entry
    assert len([r for r in caplog.records if "first view of" in r.getMessage()]) == 1


def test_a_public_layout_that_reads_the_session_gets_no_first_view(client, monkeypatch, caplog):
    page = next(p for p in dash.page_registry.values() if p["path"] == "/glossary")
    layout = page["layout"]

    def reads_the_session(**kwargs):  # stands in for a public page that wrongly reads the session
        flask.session.get("uid")
        return layout(**kwargs)

    monkeypatch.setitem(page, "layout", reads_the_session)
    probe = uuid.uuid4().hex
    for _ in range(2):  # nothing stored: the second request is judged again
        entry = entry_of(client.get(f"/glossary?lang=en&probe={probe}").get_data(as_text=True))
        assert "first-view" not in entry
    assert "read the session" in caplog.text


def test_the_page_works_after_react_takes_over(dash_duo, dash_app):
    dash_duo.start_server(dash_app)
    driver = dash_duo.driver
    for path, heading in (("/?lang=en", "overview"), ("/data?lang=ru", "Данные")):
        driver.get(dash_duo.server_url + path)
        until(
            lambda: driver.execute_script("return document.querySelectorAll('.first-view-host').length") == 0,
            60,
        )
        assert "first-view-on" not in driver.execute_script("return document.documentElement.className")
        title = dash_duo.find_element("#react-entry-point #page-title")
        assert heading in title.text
        assert driver.execute_script(DUPLICATE_IDS_JS) == []
    # Dash is in charge: the language switch re-renders the page in English without a reload.
    driver.execute_script("window.__same_document = true")
    dash_duo.find_element("a.lang-link").click()
    title_text = "var e = document.getElementById('page-title'); return e ? e.textContent : '';"
    until(lambda: "Data, sources" in driver.execute_script(title_text), 30)  # read afresh: re-rendered
    assert driver.execute_script("return window.__same_document === true")
    assert driver.execute_script("return document.documentElement.lang") == "en"
    assert dash_duo.get_logs() == []


def test_the_copy_is_shown_in_a_shadow_root_while_dash_mounts(dash_duo, dash_app):
    """With Dash's layout held back, the server's copy stays on screen (in a shadow root, so each
    id is in the document once) and Dash's own entry point stays hidden."""
    dash_duo.start_server(dash_app)
    driver = dash_duo.driver
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*_dash-layout*"]})
    driver.get(dash_duo.server_url + "/data?lang=en")
    heading = (
        "var h = document.querySelector('.first-view-host'); return h && h.shadowRoot.querySelector('h1');"
    )
    until(lambda: driver.execute_script(heading) is not None, 30)
    assert "Data, sources" in driver.execute_script(heading).text
    entry = "return getComputedStyle(document.getElementById('react-entry-point')).visibility"
    assert driver.execute_script(entry) == "hidden"
    assert driver.execute_script(DUPLICATE_IDS_JS) == []
    assert driver.execute_script("return document.querySelectorAll('#page-title').length") == 0
