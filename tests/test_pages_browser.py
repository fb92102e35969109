"""Overview and Data pages in headless Chromium: both languages, language switch, deep links,
bad input, and a clean browser console. No network: the map's geometry comes from the app."""

from __future__ import annotations

from dash.testing.wait import until
from selenium.webdriver.common.by import By

from tests import dash_http as h


def open_path(dash_duo, path: str) -> None:
    dash_duo.driver.get(dash_duo.server_url + path)


def html_lang(dash_duo) -> str:
    return dash_duo.driver.execute_script("return document.documentElement.lang")


def test_overview_in_russian(dash_duo, dash_app, built_data):
    dash_duo.start_server(dash_app)
    dash_duo.wait_for_text_to_equal("#page-title", "Обзор рисков городов коалиции", timeout=15)
    dash_duo.wait_for_element("#overview-cards article")
    cards = dash_duo.find_elements("#overview-cards article")
    assert len(cards) == len(built_data["cities"])
    # Map: country outlines (GeoJSON from /geo) and one circle per city, all without internet.
    dash_duo.wait_for_element(".leaflet-container")
    until(lambda: len(dash_duo.find_elements("[class*='leaflet-outline-'] path")) > 20, timeout=10)
    until(lambda: len(dash_duo.find_elements(".leaflet-cities-pane path")) == len(cards), timeout=10)
    dash_duo.wait_for_element("#overview-ranking .main-svg")
    assert (
        "Риск" in dash_duo.find_element("#overview-ranking").text
        or "Индекс" in dash_duo.find_element("#overview-ranking").text
    )
    top = built_data["risk"].sort_values("risk", ascending=False).iloc[0]["city_id"]
    top_name = built_data["cities"].set_index("city_id").loc[top, "name_ru"]
    assert top_name in dash_duo.find_element(".chart-summary").text
    assert html_lang(dash_duo) == "ru"
    assert "Версия данных" in dash_duo.find_element("#shell-footer").text
    assert dash_duo.get_logs() == []


def test_language_switch_is_remembered(dash_duo, dash_app):
    dash_duo.start_server(dash_app)
    dash_duo.wait_for_text_to_equal("#page-title", "Обзор рисков городов коалиции", timeout=15)
    dash_duo.find_element(".lang-link").click()
    dash_duo.wait_for_text_to_equal("#page-title", "Coalition city risk overview", timeout=10)
    until(lambda: html_lang(dash_duo) == "en", timeout=5)
    assert "lang=en" in dash_duo.driver.current_url
    # The navigation keeps the language ...
    links = [a.get_attribute("href") for a in dash_duo.find_elements(".nav-link")]
    assert links and all("lang=en" in h for h in links)
    [a for a in dash_duo.find_elements(".nav-link") if "/data?" in a.get_attribute("href")][0].click()
    dash_duo.wait_for_text_to_equal("#page-title", "Data, sources and method", timeout=10)
    # ... and a later visit without ?lang reopens in English.
    open_path(dash_duo, "/")
    dash_duo.wait_for_text_to_equal("#page-title", "Coalition city risk overview", timeout=10)
    assert "lang=en" in dash_duo.driver.current_url
    assert dash_duo.get_logs() == []


def test_data_page_deep_link_to_sources_in_english(dash_duo, dash_app, built_data):
    dash_duo.start_server(dash_app)
    open_path(dash_duo, "/data?tab=sources&lang=en")
    dash_duo.wait_for_text_to_equal("#page-title", "Data, sources and method", timeout=15)
    dash_duo.wait_for_element("#data-sources .ag-row")
    assert "active" in dash_duo.find_element("#tab-sources").get_attribute("class")
    header = dash_duo.find_element("#data-sources .ag-header").text
    assert "Publisher" in header and "Uses" in header and "Kind" in header
    assert dash_duo.driver.title.startswith("Data, sources and method")
    assert dash_duo.get_logs() == []


def test_data_status_shows_city_regional_and_national_inputs_per_city(dash_duo, dash_app, built_data):
    dash_duo.start_server(dash_app)
    open_path(dash_duo, "/data?tab=status&lang=en")
    dash_duo.wait_for_element("#data-scopes tbody tr")
    counts = built_data["scope_counts"].set_index("city_id")
    rows = dash_duo.find_elements("#data-scopes tbody tr")
    assert sorted(r.get_attribute("data-city") for r in rows) == sorted(counts.index)
    for row in rows:
        cells = [c.text for c in row.find_elements(By.CSS_SELECTOR, "td")]
        expected = counts.loc[row.get_attribute("data-city"), ["city", "region", "country", "total"]]
        assert [int(c.replace("\u202f", "").replace(",", "")) for c in cells[:4]] == expected.tolist()
    assert "regional value" in dash_duo.find_element(".status-defs").text
    assert dash_duo.get_logs() == []


def test_data_page_method_catalogue_and_downloads_in_russian(dash_duo, dash_app, built_data):
    dash_duo.start_server(dash_app)
    open_path(dash_duo, "/data")
    dash_duo.wait_for_text_to_equal("#page-title", "Данные, источники и метод", timeout=15)
    checks = dash_duo.find_elements("#inform-check tbody tr")
    assert len(checks) == 5 and all("совпадает" in r.text for r in checks)
    dash_duo.find_element("#tab-catalogue").click()
    dash_duo.wait_for_element("#data-catalogue .ag-row")
    assert "Индикатор" in dash_duo.find_element("#data-catalogue .ag-header").text
    # Sorting by a column header works (AG Grid adds a sort icon state).
    header = dash_duo.driver.find_element(By.CSS_SELECTOR, "#data-catalogue .ag-header-cell[col-id='cities']")
    header.find_element(By.CSS_SELECTOR, ".ag-header-cell-text").click()
    until(lambda: header.get_attribute("aria-sort") == "ascending", timeout=5)
    dash_duo.find_element("#tab-downloads").click()
    dash_duo.wait_for_element(".downloads li")
    hrefs = [a.get_attribute("href") for a in dash_duo.find_elements(".downloads a")]
    assert any(h.endswith("/download/indicator_values.csv") for h in hrefs)
    assert any(h.endswith("/download/risk.xlsx") for h in hrefs)
    assert dash_duo.get_logs() == []


def test_bad_input_gives_clear_messages(dash_duo, dash_app):
    dash_duo.start_server(dash_app)
    open_path(dash_duo, "/?lang=xx")
    dash_duo.wait_for_element(".notice")
    assert "не поддерживается" in dash_duo.find_element(".notice").text
    dash_duo.wait_for_text_to_equal("#page-title", "Обзор рисков городов коалиции", timeout=10)
    open_path(dash_duo, "/data?tab=bogus&colour=red&lang=en")
    dash_duo.wait_for_element(".notice")
    notice = dash_duo.find_element(".notice").text
    assert "no section 'bogus'" in notice and "colour" in notice
    open_path(dash_duo, "/no/such/page?lang=en")
    dash_duo.wait_for_text_to_equal("#page-title", "Page not found", timeout=10)
    assert len(dash_duo.find_elements(".link-list a")) >= 2
    # A malformed query string: the page still opens (in the language chosen before: English).
    open_path(dash_duo, "/?%%%&&==")
    dash_duo.wait_for_text_to_equal("#page-title", "Coalition city risk overview", timeout=10)
    assert h.console_errors(dash_duo.get_logs()) == []
