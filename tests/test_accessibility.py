"""Accessibility (WCAG 2.1 AA) in headless Chromium: axe-core on every page, keyboard-only tasks.

- axe-core 4.14.1 (`tests/vendor/axe.min.js`, MPL-2.0, read from disk, no network) runs on every
  page registered with `dash.page_registry` — pages added later are covered automatically — in
  Russian and English, at desktop (1366x900) and phone (390x844) width; other views of a page
  (`VARIANTS`) in one language. Any serious or critical violation fails the test, with the rule,
  the elements and how to fix them. At 683 px (a 1366 px screen at 200 % zoom) and 320 px (WCAG
  1.4.10 Reflow) the page must not scroll sideways: only tables and charts that are their own
  scroll region, reachable by keyboard and named, may.
- A keyboard-only walk of the main tasks on /compare: the skip link moves the focus to the main
  content, every stop on the way has a visible focus, cities are chosen and a weight is changed
  with keys only, and a city profile is opened with Enter.

One browser per test process: the app and Chromium start once per module, not once per page.
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from dash.testing.wait import until
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from domain import compare
from domain.risk_index import IndexWeights

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
LANGS = ("ru", "en")
SIZES = {"desktop": (1366, 900), "phone": (390, 844)}
REFLOW = (683, 320)  # 1366 px at 200 % zoom, and the WCAG 1.4.10 width
BLOCKING = ("serious", "critical")
SKIP_PATHS = {"/404"}  # the not-found page is reached through unknown paths
NEEDS_SIGN_IN = {"/admin"}  # editing pages: tested signed in by their own tests
# Views of a page that render different components (checked as well as the page's default view).
VARIANTS = {
    "/compare": (
        "view=heatmap&level=category&item=earthquake",
        "view=radar",
        "view=table&level=indicator&item=seismic_intensity_msk64",
    ),
    "/data": ("tab=catalogue", "tab=status", "tab=changes"),
}
VARIANT_LANG = "en"


def public_paths() -> list[tuple[str, str]]:
    """(path, language) of every registered page a visitor can open without signing in (one city
    fills the profile template), in both languages, and of the page's other views in one."""
    import dash

    import app  # noqa: F401 - registers the pages
    from domain.queries import load_build

    city = load_build(Path(os.environ["DATA_BUILD_DIR"]))["cities"]["city_id"].iloc[0]
    paths = []
    for page in sorted(
        dash.page_registry.values(), key=lambda p: (p.get("order") is None, p.get("order") or 0, p["path"])
    ):
        path = page.get("path_template") or page["path"]
        if path in SKIP_PATHS or path in NEEDS_SIGN_IN:
            continue
        path = re.sub(r"<city_id>", city, path)
        if "<" in path:
            continue  # a template this test does not know how to fill
        paths += [(path, lang) for lang in LANGS]
        paths += [(f"{path}?{variant}", VARIANT_LANG) for variant in VARIANTS.get(path, ())]
    return paths + [("/no/such/page", VARIANT_LANG)]  # what an unknown address shows (the /404 page)


def pytest_generate_tests(metafunc):
    if "page_path" in metafunc.fixturenames:
        cases = public_paths()
        metafunc.parametrize(("page_path", "lang"), cases, ids=[f"{p}-{lang}" for p, lang in cases])


@pytest.fixture(scope="module")
def browser(request, tmp_path_factory, dash_app):
    """The app on a local port and one headless Chromium for the whole module."""
    from dash.testing.application_runners import ThreadedRunner
    from dash.testing.composite import DashComposite

    with (
        ThreadedRunner() as server,
        DashComposite(
            server=server,
            browser="Chrome",
            headless=True,
            options=request.config.hook.pytest_setup_options(),
            download_path=str(tmp_path_factory.mktemp("download")),
            percy_run=False,
            percy_finalize=False,
        ) as duo,
    ):
        duo.start_server(dash_app)
        duo.driver.set_script_timeout(60)
        yield duo


def wait_rendered(driver, timeout: float = 20) -> None:
    """Until Dash has no callback pending and the page has a main heading (a script-free page: the
    heading alone)."""
    end = time.time() + timeout
    while time.time() < end:
        busy = driver.execute_script(
            "var s = window.store && window.store.getState && window.store.getState();"
            "if (!s) { return !!document.getElementById('_dash-config') || !document.querySelector('h1'); }"
            "return !!(s.isLoading || (s.pendingCallbacks || []).length) || !document.querySelector('h1');"
        )
        if not busy:
            break
        time.sleep(0.2)
    time.sleep(0.6)  # charts and maps draw after the last callback


def with_lang(path: str, lang: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}lang={lang}"


def run_axe(driver) -> list[dict]:
    """Serious and critical axe-core violations on the page as it is now."""
    if not driver.execute_script("return typeof window.axe !== 'undefined'"):
        driver.execute_script(AXE.read_text(encoding="utf-8"))
    result = driver.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']})"
        "  .then(function (r) { done(r.violations.map(function (v) { return {"
        "    id: v.id, impact: v.impact, help: v.help,"
        "    nodes: v.nodes.slice(0, 5).map(function (n) {"
        "      return n.target.join(' ') + ' :: ' + (n.failureSummary || '').replace(/\\s+/g, ' ').slice(0, 220); })"
        "  }; })); })"
        "  .catch(function (e) { done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]); });"
    )
    return [v for v in result if v["impact"] in BLOCKING]


def set_width(driver, width: int, height: int) -> None:
    """A viewport of exactly `width` CSS pixels (Chrome's windows cannot be narrower than ~500 px)."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
    )
    time.sleep(0.3)


def horizontal_overflow(driver) -> dict:
    """Whether the page scrolls sideways, which elements stick out, and scroll regions without a name."""
    return driver.execute_script("""
        var root = document.documentElement, width = root.clientWidth;
        var out = {page: root.scrollWidth - width, wide: [], unnamed: []};
        var all = document.querySelectorAll('body *');
        for (var i = 0; i < all.length; i++) {
          var el = all[i], s = getComputedStyle(el);
          if ((s.overflowX === 'auto' || s.overflowX === 'scroll') && el.scrollWidth > el.clientWidth + 1
              && el.clientWidth > 0 && !el.closest('.ag-root-wrapper, .js-plotly-plot, .leaflet-container, [role=listbox]')) {
            var named = el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')
                        || (el.tagName === 'TABLE' && el.querySelector('caption'));
            var focusable = el.tabIndex >= 0 || el.querySelector('a[href], button, input, [tabindex="0"]');
            if (!named || !focusable) {
              out.unnamed.push((el.id ? '#' + el.id : el.tagName.toLowerCase() + '.' + el.className).slice(0, 80));
            }
          }
          var r = el.getBoundingClientRect();
          if (r.right > width + 1 && r.width > 0 && s.position !== 'fixed' && !el.closest('[role=region], .table-scroll,'
              + ' .ag-root-wrapper, .js-plotly-plot, .leaflet-container, .visually-hidden, .skip-link, [role=listbox]')) {
            var scroller = false;
            for (var p = el.parentElement; p && p !== document.body; p = p.parentElement) {
              var ps = getComputedStyle(p);
              if (ps.overflowX !== 'visible') { scroller = true; break; }
            }
            if (!scroller) { out.wide.push((el.id ? '#' + el.id : el.tagName.toLowerCase() + '.' + el.className).slice(0, 80)); }
          }
        }
        out.wide = out.wide.slice(0, 8);
        return out;
    """)


def describe(violations: list[dict]) -> str:
    return "\n".join(
        f"  [{v['impact']}] {v['id']}: {v['help']}\n" + "\n".join(f"      {n}" for n in v["nodes"])
        for v in violations
    )


def test_axe_finds_no_serious_violations(browser, page_path, lang):
    driver = browser.driver
    problems = []
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    driver.set_window_size(*SIZES["desktop"])
    driver.get(browser.server_url + with_lang(page_path, lang))
    wait_rendered(driver)
    assert driver.execute_script("return document.documentElement.lang") == lang
    assert driver.title.strip(), "the page has no title"
    for label, (w, h) in SIZES.items():
        if label != "desktop":
            set_width(driver, w, h)
        found = run_axe(driver)
        if found:
            problems.append(f"{label} ({w}px):\n{describe(found)}")
    for width in REFLOW:
        set_width(driver, width, 700)
        overflow = horizontal_overflow(driver)
        if overflow["page"] > 1 or overflow["wide"]:
            problems.append(
                f"{width}px: the page scrolls sideways by {overflow['page']} px; too wide: {overflow['wide']}"
            )
        if overflow["unnamed"]:
            problems.append(
                f"{width}px: scroll regions without a name or keyboard access: {overflow['unnamed']}"
            )
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert not problems, f"{with_lang(page_path, lang)}:\n" + "\n".join(problems)


def test_every_page_has_its_own_title_in_each_language(dash_app):
    import dash

    for lang in LANGS:
        titles = {}
        with dash_app.server.test_request_context(f"/?lang={lang}"):
            for page in dash.page_registry.values():
                title = page["title"]
                titles[page["path"]] = title() if callable(title) else title
        assert len(set(titles.values())) == len(titles), f"{lang}: pages share a title: {titles}"
        assert all(t and "·" in t for t in titles.values()), titles


# --- keyboard only ------------------------------------------------------------------------------

FOCUS_JS = """
var el = document.activeElement;
function ring(e) {
  if (!e) { return false; }
  var s = getComputedStyle(e);
  return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || (s.boxShadow && s.boxShadow !== 'none');
}
var label = el && el.id ? document.querySelector('label[for="' + CSS.escape(el.id) + '"]') : null;
var box = el && el.closest ? el.closest('.mantine-Input-input') : null;   // a text field's visible box
return {tag: el ? el.tagName.toLowerCase() : '', id: el ? el.id : '', cls: el ? String(el.className) : '',
        name: el ? (el.getAttribute('aria-label') || el.innerText || el.value || '').trim().slice(0, 60) : '',
        href: el && el.getAttribute ? (el.getAttribute('href') || '') : '',
        ring: ring(el) || ring(label) || ring(box), inMain: !!(el && el.closest('#main'))};
"""


class Keyboard:
    """Keys sent to whatever has the focus, as a keyboard user would; every stop is recorded."""

    def __init__(self, duo):
        self.duo, self.driver, self.stops, self.unringed = duo, duo.driver, [], []

    def press(self, *keys) -> dict:
        ActionChains(self.driver).send_keys(*keys).perform()
        time.sleep(0.15)
        return self.focus()

    def focus(self) -> dict:
        return self.driver.execute_script(FOCUS_JS)

    def tab_to(self, wanted, limit: int = 120) -> dict:
        """Press Tab until `wanted(stop)`; every stop on the way must show where the focus is."""
        for _ in range(limit):
            stop = self.press(Keys.TAB)
            self.stops.append(stop)
            if stop["tag"] not in ("body", "") and not stop["ring"]:
                self.unringed.append(stop)
            if wanted(stop):
                return stop
        raise AssertionError(
            "not reached with Tab; stops: " + json.dumps(self.stops[-limit:], ensure_ascii=False)[:3000]
        )


def query(driver) -> dict[str, list[str]]:
    return parse_qs(urlparse(driver.current_url).query)


def ranking(duo) -> list[str]:
    return json.loads(duo.find_element("#compare-summary").get_attribute("data-ranking"))


def test_keyboard_only_compare_cities_change_a_weight_and_open_a_profile(browser, built_data):
    dash_duo = browser
    cities = built_data["cities"].set_index("city_id")
    members = cities.index.tolist()
    assert len(members) >= 3, "the walk removes two cities and adds one back"
    kept_back = members[-1]
    chosen = members[:-2] + [kept_back]
    before = compare.compare_table(built_data, chosen, "risk")["city_id"].tolist()
    heavy = compare.compare_table(
        built_data, chosen, "risk", weights=IndexWeights(dimensions={"vulnerability": 3.0})
    )["city_id"].tolist()

    driver = dash_duo.driver
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    driver.set_window_size(*SIZES["desktop"])
    dash_duo.get_logs()  # only this test's console messages count
    driver.get(dash_duo.server_url + "/compare?lang=en")
    dash_duo.wait_for_text_to_equal("#page-title", "Compare cities", timeout=30)
    wait_rendered(driver)
    assert not driver.execute_script(
        "return Array.prototype.some.call(document.querySelectorAll('[tabindex]'), function (e) { return e.tabIndex > 0; })"
    ), "a positive tabindex breaks the reading order"
    keys = Keyboard(dash_duo)

    # 1. The first Tab reaches the skip link, which is then visible; Enter moves the focus to <main>.
    first = keys.tab_to(lambda s: True, limit=1)
    assert "skip-link" in first["cls"], first
    box = driver.execute_script(
        "var r = document.activeElement.getBoundingClientRect();return [r.left, r.top, r.width, r.height];"
    )
    assert box[0] >= 0 and box[1] >= 0 and box[2] > 10, f"skip link not visible when focused: {box}"
    assert keys.press(Keys.ENTER)["id"] == "main"

    # 2. Choose cities: Backspace removes the last two, typing a name and Enter adds one back.
    keys.tab_to(lambda s: s["id"] == "compare-cities", limit=40)
    keys.press(Keys.BACKSPACE)
    keys.press(Keys.BACKSPACE)
    until(lambda: set(query(driver).get("cities", [""])[0].split(",")) == set(members[:-2]), timeout=30)
    name = cities.at[kept_back, "name_en"]
    ActionChains(driver).send_keys(name).perform()
    until(
        lambda: driver.execute_script(  # the matching option is offered and preselected
            "var o = document.querySelector('[role=option][data-combobox-selected]');"
            "return o && o.innerText.trim() === arguments[0];",
            name,
        ),
        timeout=30,
    )
    keys.press(Keys.ENTER)
    keys.press(Keys.ESCAPE)
    until(lambda: query(driver).get("cities") == [",".join(chosen)], timeout=30)
    until(lambda: ranking(dash_duo) == before, timeout=30)

    # 3. Change a weight: Tab to the vulnerability slider, End sets it to its maximum (3).
    keys.tab_to(lambda s: s["name"] == "Weight: Vulnerability")
    keys.press(Keys.END)
    until(lambda: query(driver).get("w_vulnerability") == ["3"], timeout=30)
    until(lambda: ranking(dash_duo) == heavy, timeout=30)

    # 4. Open a city profile: Tab on to the first city link of the rank-stability table, Enter.
    stop = keys.tab_to(
        lambda s: (
            s["tag"] == "a"
            and s["href"].startswith("/city/")
            and s["inMain"]
            and s["name"] in set(cities.loc[chosen, "name_en"])
        )
    )
    target = urlparse(stop["href"]).path.split("/")[-1]
    keys.press(Keys.ENTER)
    dash_duo.wait_for_text_to_equal("#page-title", cities.at[target, "name_en"], timeout=30)
    assert "lang=en" in driver.current_url

    assert not keys.unringed, "no visible focus on: " + json.dumps(keys.unringed, ensure_ascii=False)[:2000]
    assert [s for s in keys.stops if s["tag"] in ("body", "")] == [], "the focus fell back to the page body"
    assert dash_duo.get_logs() == []
