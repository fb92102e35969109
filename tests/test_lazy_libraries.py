"""Component libraries load only where a page shows one of their components (issue 21):
AG Grid and Mantine are out of every page's script list, listed for
assets/lazy_libraries.js instead, served as before, and loaded by the browser on demand."""

from __future__ import annotations

import json
import re

from dash.testing.wait import until

from services.lazy_libraries import SCRIPT_ID

LAZY = ("dash_ag_grid", "dash_mantine_components")
LOADED_JS = (
    "return Array.from(document.scripts).map(s => s.src)"
    ".filter(s => s.includes('/_dash-component-suites/')).map(s => s.split('/')[4])"
)


def lazy_block(html: str) -> dict[str, list[str]]:
    match = re.search(rf'<script id="{SCRIPT_ID}" type="application/json">(.*?)</script>', html, re.S)
    assert match, "the page lists no lazily loaded libraries"
    return json.loads(match.group(1))


def test_big_libraries_are_listed_for_later_not_loaded_by_the_page(dash_app):
    client = dash_app.server.test_client()
    html = client.get("/scorecard?lang=en").get_data(as_text=True)  # a Dash page (/glossary has no scripts)
    tags = re.findall(r'<script src="([^"]+)"', html)
    assert tags and not [src for src in tags if any(f"/{name}/" in src for name in LAZY)]
    listed = lazy_block(html)
    assert sorted(listed) == sorted(LAZY)
    for name, urls in listed.items():
        assert urls, name
        for url in urls:
            answer = client.get(url)
            assert answer.status_code == 200 and "javascript" in answer.mimetype, url
            assert len(answer.get_data()) > 50_000, url  # the library itself, not a stub
    # dcc, html and the renderer stay in the page: every page needs them.
    assert any("dash_core_components" in src for src in tags) and any("dash_renderer" in src for src in tags)


def test_pages_load_only_the_libraries_they_show(dash_duo, dash_app):
    dash_duo.start_server(dash_app)
    driver = dash_duo.driver
    dash_duo.wait_for_element("#page-title", timeout=60)
    # The overview shows a Leaflet map (Leaflet is in every page) and no grid and no Mantine control.
    dash_duo.wait_for_element(".leaflet-container", timeout=60)
    until(lambda: len(dash_duo.find_elements("[class*='leaflet-outline-'] path")) > 0, timeout=60)
    loaded = set(driver.execute_script(LOADED_JS))
    assert (
        "dash_leaflet" in loaded and "dash_ag_grid" not in loaded and "dash_mantine_components" not in loaded
    )

    # Tables and charts only: none of the three.
    driver.get(dash_duo.server_url + "/scorecard?lang=en")
    dash_duo.wait_for_contains_text("#page-title", "Resilience scorecard", timeout=60)
    assert not set(driver.execute_script(LOADED_JS)) & set(LAZY)

    # The catalogue's AG Grid: the grid library arrives and fills the rows (one per indicator).
    driver.get(dash_duo.server_url + "/data?tab=catalogue&lang=en")
    until(lambda: len(dash_duo.find_elements(".ag-center-cols-container .ag-row")) > 0, timeout=60)
    loaded = set(driver.execute_script(LOADED_JS))
    assert "dash_ag_grid" in loaded and "dash_mantine_components" not in loaded

    # Mantine's controls under their provider, after a client-side navigation from a page without them.
    [a for a in dash_duo.find_elements(".nav-link") if "/trends" in a.get_attribute("href")][0].click()
    until(lambda: len(dash_duo.find_elements(".page-trends .mantine-MultiSelect-pill")) > 0, timeout=60)
    assert "dash_mantine_components" in set(driver.execute_script(LOADED_JS))
    assert dash_duo.get_logs() == []
