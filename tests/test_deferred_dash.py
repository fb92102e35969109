"""Dash's scripts wait until the visitor needs them on pages whose first view is complete
(services/deferred_dash.py, assets/deferred_dash.js; issue 21): the "complete" flag, the index page
with the loader and Dash's script list instead of its scripts, Dash at load for incomplete views,
`DASH_AT_LOAD=1`, pages that ask for it and signed-in visitors; in a browser, a page that loads no
Dash until a click, a focus or a hover on a chart, the click replayed, links that need no Dash,
and the status said when loading is slow or fails.

Until every component kind has a real first-view rendering, the city profile is made complete here
by drawing its charts as a server-made stand-in (what services/first_view.py's chart rendering will
send), and its export button's queue answers "busy" without preparing a file."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import re
import uuid

import dash
import pytest
from dash import dcc, html
from dash.testing.wait import until
from markupsafe import escape
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

import ids
from i18n import LANGUAGES, t
from services import deferred_dash as dd
from services import export_queue, static_page
from services import first_view as fv
from services.config import load_settings
from tests import dash_http as h
from tests.test_accessibility import describe, run_axe
from tests.test_first_view import entry_of, public_pages

PLAN = re.compile(r'<script id="deferred-dash" type="application/json">(.*?)</script>', re.S)
DASH_REQUESTS = ("_dash-component-suites", "_dash-layout", "_dash-dependencies", "_dash-update-component")
RESOURCES_JS = "return performance.getEntriesByType('resource').map(function (e) { return e.name; });"
DASH_DRAWN_JS = (
    "return !!window.DashRenderer && !!document.querySelector('#react-entry-point #page-title')"
    " && !document.querySelector('.first-view-host');"
)
STATUS_JS = "var s = document.getElementById('deferred-dash-status'); return s ? s.textContent : null;"


def sources(body: str) -> list[str]:
    """The addresses of a page's `<script src>` tags, in order."""
    return re.findall(r"<script\b[^>]*\bsrc=\"([^\"]+)\"", body)


def plan_of(body: str) -> dict | None:
    found = PLAN.search(body)
    return json.loads(found.group(1)) if found else None


def inline_scripts(body: str) -> list[str]:
    """The text of the page's inline executable scripts (JSON data blocks left out)."""
    return re.findall(r"<script>(.*?)</script>", body, re.S)


def assert_dash_at_load(body: str, where: str) -> None:
    assert any("dash_renderer" in src for src in sources(body)), where
    assert 'id="_dash-renderer"' in body and plan_of(body) is None, where
    assert dd.SCRIPT not in body, where


def csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


@pytest.fixture()
def deferred(monkeypatch):
    """The default setting (tests/conftest.py sets DASH_AT_LOAD=1 for the other browser tests)."""
    monkeypatch.setattr(dd, "settings", dataclasses.replace(dd.settings, dash_at_load=False))


@pytest.fixture()
def city_path(built_data) -> str:
    return f"/city/{built_data['cities']['city_id'].iloc[0]}"


def probe() -> str:
    """A query value of its own: a first view rendered (and cached) for this test alone."""
    return uuid.uuid4().hex


# The "complete" flag.


def test_a_view_with_a_box_is_incomplete_and_one_without_is_complete(dash_app, monkeypatch):
    page = next(p for p in dash.page_registry.values() if p["path"] == "/404")
    layout = page["layout"]
    with dash_app.server.test_request_context("/404?lang=en"):
        plain = fv.render_page(dash_app, "/404", {"lang": ["en"]}, lambda *_: {})
        # A control that is not page state, and a chart the server cannot draw (a pie).
        pie = dcc.Graph(figure={"data": [{"type": "pie", "values": [1, 2]}]})
        for extra in (dcc.Dropdown(options=["a"], id="x-choice"), pie):
            monkeypatch.setitem(page, "layout", lambda extra=extra, **kw: html.Div([layout(**kw), extra]))
            boxed = fv.render_page(dash_app, "/404", {"lang": ["en"]}, lambda *_: {})
            assert not boxed.complete and "first-view-" in boxed.markup, extra
        # A running interval changes the page by itself (a stopped one does not).
        for interval, complete in ((dcc.Interval(id="x-tick"), False), (dcc.Interval(disabled=True), True)):
            monkeypatch.setitem(page, "layout", lambda extra=interval, **kw: html.Div([layout(**kw), extra]))
            assert fv.render_page(dash_app, "/404", {"lang": ["en"]}, lambda *_: {}).complete is complete
    assert plain.complete and "first-view-box" not in plain.markup


def test_the_flag_is_kept_in_the_cache(dash_app, city_path):
    query = f"lang=ru&probe={probe()}"
    views = []
    for _ in range(2):  # rendered, then read back from the cache
        with dash_app.server.test_request_context(f"{city_path}?{query}"):
            views.append(fv.cached_render(dash_app, lambda *_: {}))
    assert views[0] == views[1] and views[1].complete


# The index page.


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_complete_view_comes_with_the_loader_instead_of_dash(
    client, city_path, deferred, monkeypatch, lang
):
    url = f"{city_path}?lang={lang}&probe={probe()}"
    answer = client.get(url)
    body = answer.get_data(as_text=True)
    monkeypatch.setattr(dd, "settings", dataclasses.replace(dd.settings, dash_at_load=True))
    at_load = client.get(url).get_data(as_text=True)  # the same (cached) first view, Dash at load
    assert_dash_at_load(at_load, "DASH_AT_LOAD=1")
    # No Dash script tag, no renderer start-up: the first view's form script, the script-free
    # pages' script and the loader only.
    assert 'id="_dash-renderer"' not in body and "_dash-component-suites" not in "".join(sources(body))
    early = [f"/assets/{name}" for name in dd.FIRST_VIEW_ASSETS]
    assert [src.split("?")[0] for src in sources(body)] == [
        *early,
        f"/assets/{static_page.SCRIPT}",
        f"/assets/{dd.SCRIPT}",
    ]
    # Dash's other scripts, in Dash's order, in the loader's plan; its config and the first view unchanged.
    plan = plan_of(body)
    assert [s["src"] for s in plan["scripts"]] == [
        src for src in sources(at_load) if src.split("?")[0] not in early
    ]
    assert 'id="_dash-config"' in body and entry_of(body) == entry_of(at_load)
    assert f'<html lang="{lang}"' in body
    # Dash's inline scripts stay, each allowed by its hash; nothing else runs inline.
    inline = inline_scripts(body)
    assert inline == inline_scripts(at_load)
    policy = answer.headers["Content-Security-Policy"]
    assert all(csp_hash(text) in policy for text in inline)
    # The ids of the page that callbacks listen to (the export buttons among them).
    assert ids.EXPORT_PPTX in plan["listened"]
    # The status region, empty, with its messages in the page's language.
    region = re.search(r'<div id="deferred-dash-status"[^>]*>', body).group(0)
    assert 'role="status"' in region and 'aria-live="polite"' in region
    assert f'data-loading="{escape(t("deferred.loading", lang))}"' in region
    assert f'data-failed="{escape(t("deferred.failed", lang))}"' in region


def test_listened_ids_are_callback_inputs_found_in_the_page(dash_app, client, city_path, deferred):
    body = client.get(f"{city_path}?lang=en&probe={probe()}").get_data(as_text=True)
    inputs = dd.listened_ids(static_page.all_callbacks(dash_app))
    listened = plan_of(body)["listened"]
    assert listened == sorted(set(listened)) and set(listened) <= inputs & dd.markup_ids(entry_of(body))
    assert ids.HEADER not in listened  # an output of the shell's callback, not an input


@pytest.mark.parametrize("case", ["incomplete", "DASH_AT_LOAD", "page asks", "session cookie"])
def test_dash_at_load_as_before(dash_app, client, city_path, deferred, monkeypatch, case):
    url = f"{city_path}?lang=ru&probe={probe()}"
    visitor = client
    if case == "incomplete":
        monkeypatch.setattr(fv, "chart", lambda props: None)  # charts the server cannot draw: boxes
    elif case == "DASH_AT_LOAD":
        monkeypatch.setattr(dd, "settings", dataclasses.replace(dd.settings, dash_at_load=True))
    elif case == "page asks":
        page, _ = fv.page_for(dash_app, city_path)
        monkeypatch.setitem(page, dd.FLAG, True)
    else:
        visitor = dash_app.server.test_client()
        h.csrf(visitor)  # the sign-in form's token: the browser now carries a session cookie
    body = visitor.get(url).get_data(as_text=True)
    assert_dash_at_load(body, case)


def test_the_first_views_form_script_is_sent_at_load_and_not_deferred(client, deferred):
    """A deferred page's native page-state form must submit on a change before Dash is there."""
    body = client.get(f"/trends?lang=en&probe={probe()}").get_data(as_text=True)
    assert 'form="first-view-state-form"' in body  # the page's choices are native fields
    at_load = [src.split("?")[0] for src in sources(body)]
    assert "/assets/native_controls.js" in at_load
    assert not [s for s in plan_of(body)["scripts"] if "native_controls" in s["src"]]


def test_a_native_choice_reloads_the_page_for_it_without_dash(dash_duo, dash_app, deferred):
    dash_duo.start_server(dash_app)
    driver = dash_duo.driver
    open_deferred(dash_duo, f"/trends?lang=en&probe={probe()}")
    field = driver.find_element("css selector", "select[form='first-view-state-form']")
    name = field.get_attribute("name")
    other = driver.execute_script(
        "var s = arguments[0]; for (var o of s.options) { if (!o.selected && o.value) return o.value; }",
        field,
    )
    Select(field).select_by_value(other)
    until(lambda: f"{name}={other}" in driver.current_url, 30)
    until(lambda: driver.execute_script("return document.readyState") == "complete", 30)
    chosen = driver.find_element("css selector", f"select[form='first-view-state-form'][name='{name}']")
    assert chosen.get_attribute("value") == other  # the server drew the new state
    assert dash_requests(driver) == []
    assert h.console_errors(dash_duo.get_logs()) == []


def test_every_complete_public_page_is_deferred(dash_app, client, built_data, deferred):
    """Derived from the pages: deferred exactly when the first view is complete (and the page does
    not ask for Dash at load); the presenter's page (its editor and its slides) no longer asks."""
    assert not next(p for p in dash.page_registry.values() if p["path"] == "/present").get(dd.FLAG)
    for path in public_pages(built_data["cities"]["city_id"].iloc[0]):
        with dash_app.server.test_request_context(f"{path}?lang=en"):
            view = fv.render_page(dash_app, path, {"lang": ["en"]}, lambda *_: {})
        page, _ = fv.page_for(dash_app, path)
        body = client.get(f"{path}?lang=en").get_data(as_text=True)
        if view.complete and not page.get(dd.FLAG):
            assert plan_of(body) and 'id="_dash-renderer"' not in body, path
        else:
            assert_dash_at_load(body, path)


def test_script_tags_are_split_in_order():
    external, inline = dd.split_scripts(
        '<script src="/a.js"></script>\n<script src="/b.js" crossorigin="anonymous"></script>\n'
        "<script>var x = 1 < 2;</script>"
    )
    assert external == ((("src", "/a.js"),), (("src", "/b.js"), ("crossorigin", "anonymous")))
    assert inline == ("<script>var x = 1 < 2;</script>",)


def test_the_setting_reads_the_environment():
    assert load_settings({}).dash_at_load is False
    assert load_settings({"DASH_AT_LOAD": "1"}).dash_at_load is True
    assert load_settings({"DASH_AT_LOAD": "0"}).dash_at_load is False


# In a browser.


@pytest.fixture()
def busy_exports(monkeypatch):
    """The export queue answers "busy" (no file is prepared); the requests it got."""
    asked = []

    def refuse(wanted, *args, **kwargs):
        asked.append(wanted)
        raise export_queue.Busy(retry_after=7, reason="test")

    monkeypatch.setattr(export_queue, "submit", refuse)
    return asked


def open_deferred(duo, path: str) -> None:
    duo.driver.get(duo.server_url + path)
    until(lambda: duo.driver.execute_script("return document.readyState") == "complete", 30)


def dash_requests(driver) -> list[str]:
    return [url for url in driver.execute_script(RESOURCES_JS) if any(k in url for k in DASH_REQUESTS)]


def test_a_complete_page_reads_without_dash_until_a_click_which_is_replayed(
    dash_duo, dash_app, city_path, deferred, busy_exports
):
    dash_duo.start_server(dash_app)
    driver = dash_duo.driver
    open_deferred(dash_duo, f"{city_path}?lang=en&probe={probe()}")
    driver.execute_script("window.scrollBy(0, 300); window.scrollTo(0, 0);")  # reading needs no Dash
    heading = driver.find_element("css selector", "h1#page-title")
    assert heading.is_displayed() and heading.text.strip()
    assert (
        dash_requests(driver) == []
        and driver.execute_script("return typeof window.DashRenderer") == "undefined"
    )
    assert driver.execute_script(STATUS_JS) == ""
    found = run_axe(driver)
    assert not found, describe(found)
    assert h.console_errors(dash_duo.get_logs()) == []
    # One click on the export button: Dash starts, draws the page, and the click reaches the export;
    # the page stays where the visitor was.
    button = driver.find_element("css selector", f"#{ids.EXPORT_PPTX}")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
    scrolled = driver.execute_script("return window.scrollY;")
    button.click()
    until(lambda: driver.execute_script(DASH_DRAWN_JS), 60)
    busy = t("export.busy", "en", seconds=7)
    until(lambda: driver.find_element("css selector", f"#{ids.EXPORT_STATUS}").text == busy, 30)
    assert len(busy_exports) == 1 and dash_requests(driver)
    assert abs(driver.execute_script("return window.scrollY;") - scrolled) < 100
    assert driver.execute_script(STATUS_JS) == ""
    found = run_axe(driver)
    assert not found, describe(found)
    assert h.console_errors(dash_duo.get_logs()) == []


def test_following_a_link_or_tabbing_loads_no_dash_focus_and_hover_start_it(
    dash_duo, dash_app, client, city_path, deferred
):
    dash_duo.start_server(dash_app)
    driver = dash_duo.driver
    path = f"{city_path}?lang=ru&probe={probe()}"
    open_deferred(dash_duo, path)
    # Keyboard: Tab from the top reaches the skip link (a plain link), which needs no Dash.
    driver.find_element("css selector", "body").send_keys(Keys.TAB)
    driver.execute_script("return new Promise(function (r) { setTimeout(r, 500); });")
    assert dash_requests(driver) == []
    # A native page-state form (a GET form, as the first view draws page choices): choosing and
    # submitting need no Dash, even when a field has the id of a control a callback listens to.
    listened = plan_of(driver.page_source)["listened"]
    driver.execute_script(
        "document.getElementById('page-title').insertAdjacentHTML('afterend', '<form method=\"get\""
        ' id="probe-form"><label>Choice <select name="probe-choice" id="\' + arguments[0] + \'">'
        "<option>a</option><option>b</option></select></label><button>OK</button></form>');",
        listened[0],
    )
    choice = driver.find_element("css selector", "#probe-form select")
    choice.click()
    choice.send_keys(Keys.ARROW_DOWN)
    driver.execute_script("return new Promise(function (r) { setTimeout(r, 500); });")
    assert dash_requests(driver) == []
    driver.find_element("css selector", "#probe-form button").click()
    until(lambda: "probe-choice=" in driver.current_url, 30)
    until(lambda: driver.execute_script("return document.readyState") == "complete", 30)
    open_deferred(dash_duo, path)
    # A link followed before any interaction: the next page loads whole; this one never loaded Dash.
    driver.execute_script(
        "window.addEventListener('pagehide', function () { sessionStorage.setItem('dash-before-leaving',"
        " JSON.stringify({renderer: typeof window.DashRenderer, requests: performance.getEntriesByType('resource')"
        ".map(function (e) { return e.name; }).filter(function (n) { return n.indexOf('_dash-') >= 0; })})); });"
    )
    link = driver.find_element("css selector", "#main-nav a[href^='/data']")
    link.click()
    until(lambda: "/data" in driver.current_url, 30)
    until(lambda: driver.execute_script("return document.readyState") == "complete", 30)
    left = json.loads(driver.execute_script("return sessionStorage.getItem('dash-before-leaving');"))
    assert left == {"renderer": "undefined", "requests": []}
    # Focus on a button (here from a script, as a keyboard would): Dash starts, the focus stays on it.
    open_deferred(dash_duo, path)
    driver.execute_script(f"document.getElementById('{ids.EXPORT_PPTX}').focus();")
    until(lambda: driver.execute_script(DASH_DRAWN_JS), 60)
    until(lambda: driver.execute_script("return document.activeElement.id") == ids.EXPORT_PPTX, 10)
    # Hovering a chart starts Dash too.
    open_deferred(dash_duo, path)
    assert dash_requests(driver) == []
    chart = driver.find_element("css selector", ".first-view-chart")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", chart)
    ActionChains(driver).move_to_element(chart).perform()
    until(lambda: driver.execute_script(DASH_DRAWN_JS), 60)
    assert h.console_errors(dash_duo.get_logs()) == []


def test_slow_or_failed_loading_is_said(dash_duo, dash_app, city_path, deferred):
    dash_duo.start_server(dash_app)
    driver = dash_duo.driver
    path = f"{city_path}?lang=ru&probe={probe()}"
    driver.execute_cdp_cmd("Network.enable", {})
    # Slow: every request waits 1.5 s; the status says so, then goes once Dash has drawn the page.
    open_deferred(dash_duo, path)
    driver.execute_cdp_cmd(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 1500, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    driver.find_element("css selector", f"#{ids.EXPORT_PPTX}").click()
    until(lambda: driver.execute_script(STATUS_JS) == t("deferred.loading", "ru"), 10)
    assert driver.find_element("id", dd.STATUS_ID).is_displayed()
    until(lambda: driver.execute_script(DASH_DRAWN_JS), 90)
    until(lambda: driver.execute_script(STATUS_JS) == "", 10)
    driver.execute_cdp_cmd(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    # Failed: the renderer cannot be fetched; the status says what to do.
    driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*dash_renderer*"]})
    open_deferred(dash_duo, path)
    driver.find_element("css selector", f"#{ids.EXPORT_PPTX}").click()
    until(lambda: driver.execute_script(STATUS_JS) == t("deferred.failed", "ru"), 30)
    assert driver.find_element("id", dd.STATUS_ID).is_displayed()
    driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": []})


def test_grids_and_mantine_controls_load_on_demand_after_a_deferred_start(dash_duo, dash_app, deferred):
    """assets/lazy_libraries.js still fetches AG Grid and Mantine when Dash, started late, shows them."""
    dash_duo.start_server(dash_app)
    driver = dash_duo.driver
    open_deferred(dash_duo, f"/actions?lang=en&probe={probe()}")
    assert dash_requests(driver) == []
    grid = driver.find_element("css selector", "#actions-grid")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", grid)
    ActionChains(driver).move_to_element(grid).perform()
    until(lambda: driver.execute_script(DASH_DRAWN_JS), 60)
    until(
        lambda: driver.execute_script("return !!document.querySelector('#actions-grid .ag-root-wrapper');"),
        60,
    )
    until(
        lambda: driver.execute_script(
            "return !!document.querySelector('.mantine-MultiSelect-root, [class*=mantine]');"
        ),
        30,
    )
    requested = dash_requests(driver)
    assert any("dash_ag_grid" in url for url in requested) and any("dash_mantine" in url for url in requested)
    assert h.console_errors(dash_duo.get_logs()) == []


def test_the_phone_menu_and_the_remembered_language_work_before_and_after_dash(
    dash_duo, dash_app, city_path, deferred
):
    dash_duo.start_server(dash_app)
    driver = dash_duo.driver
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True},
    )
    path = f"{city_path}?lang=en&probe={probe()}"
    open_deferred(dash_duo, path)  # English is now remembered
    menu = "var b = document.getElementById('menu-button'); return b && b.getAttribute('aria-expanded');"
    driver.find_element("id", "menu-button").click()
    assert driver.execute_script(menu) == "true" and dash_requests(driver) == []
    # Dash started (by a hover on a chart): its own header's menu opens once per click.
    chart = driver.find_element("css selector", ".first-view-chart")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", chart)
    ActionChains(driver).move_to_element(chart).perform()
    until(lambda: driver.execute_script(DASH_DRAWN_JS), 60)
    driver.execute_script("window.scrollTo(0, 0);")
    until(lambda: driver.execute_script(menu) == "false", 10)  # Dash's header starts closed
    dash_duo.wait_for_element("#menu-button").click()
    until(lambda: driver.execute_script(menu) == "true", 10)
    # A page opened without ?lang reopens in the remembered English, before any Dash.
    driver.get(f"{dash_duo.server_url}{city_path}?probe={probe()}")  # a view of its own in the cache
    until(lambda: "lang=en" in driver.current_url, 30)
    until(lambda: driver.execute_script("return document.readyState") == "complete", 30)
    assert (
        driver.execute_script("return document.documentElement.lang") == "en" and dash_requests(driver) == []
    )
    assert h.console_errors(dash_duo.get_logs()) == []


def test_every_complete_page_reads_on_a_phone_without_dash(dash_duo, dash_app, built_data, deferred):
    """The pages complete today (derived from their first views), as a phone opens them: no Dash,
    their heading, no console error, no serious accessibility violation."""
    complete = []
    for path in public_pages(built_data["cities"]["city_id"].iloc[0]):
        page, _ = fv.page_for(dash_app, path)
        with dash_app.server.test_request_context(f"{path}?lang=ru"):
            view = fv.render_page(dash_app, path, {"lang": ["ru"]}, lambda *_: {})
        if view.complete and not page.get(dd.FLAG):
            complete.append(path)
    assert complete
    dash_duo.start_server(dash_app)
    driver = dash_duo.driver
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True},
    )
    for path in complete:
        open_deferred(dash_duo, f"{path}?lang=ru")
        assert dash_requests(driver) == [], path
        assert driver.find_element("css selector", "h1").is_displayed(), path
        found = run_axe(driver)
        assert not found, f"{path}:\n{describe(found)}"
    assert h.console_errors(dash_duo.get_logs()) == []
