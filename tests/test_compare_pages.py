"""Browser tests (headless Chrome via dash_duo) of /compare and /city/<id>, both languages.

Expected orders are computed with the domain functions from the same build, so the tests name no
member city and follow the data.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from dash.testing.wait import until
from selenium.webdriver.common.keys import Keys

from domain import compare
from domain.risk_index import IndexWeights
from i18n import LANGUAGES, t
from tests import dash_http as h
from tests.dmc_helpers import segment, segment_value


def ranking(dash_duo) -> list[str]:
    return json.loads(dash_duo.find_element("#compare-summary").get_attribute("data-ranking"))


def query(dash_duo) -> dict[str, list[str]]:
    return parse_qs(urlparse(dash_duo.driver.current_url).query)


def open_page(dash_duo, path: str) -> None:
    dash_duo.driver.get(dash_duo.server_url + path)
    dash_duo.wait_for_element("#page-title")


def test_changing_a_weight_reranks_and_is_written_to_the_address(dash_duo, dash_app, built_data):
    default = compare.compare_table(built_data, None, "risk")["city_id"].tolist()
    heavy = compare.compare_table(
        built_data, None, "risk", weights=IndexWeights(dimensions={"vulnerability": 3.0})
    )["city_id"].tolist()
    assert heavy != default, "the data no longer make this weight change matter; pick another"
    dash_duo.start_server(dash_app)
    open_page(dash_duo, "/compare?lang=ru")
    dash_duo.wait_for_text_to_equal("#page-title", "Сравнение городов")
    assert ranking(dash_duo) == default
    thumb = dash_duo.find_element('.weight[data-key="vulnerability"] [role=slider]')
    thumb.send_keys(Keys.END)  # the slider's maximum, 3
    until(lambda: ranking(dash_duo) == heavy, timeout=15)
    assert query(dash_duo)["w_vulnerability"] == ["3"] and query(dash_duo)["lang"] == ["ru"]
    shares = json.loads(dash_duo.find_element(".stability-table").get_attribute("data-shares"))
    assert list(shares) == heavy and all(abs(sum(v) - 1) < 1e-3 for v in shares.values())
    dash_duo.find_element("#compare-reset").click()
    until(lambda: ranking(dash_duo) == default, timeout=15)
    until(lambda: "w_vulnerability" not in query(dash_duo), timeout=5)
    assert dash_duo.get_logs() == []


def test_deep_link_restores_the_view_and_changes_keep_it(dash_duo, dash_app, built_data):
    cities = built_data["cities"]
    chosen = cities["city_id"].tolist()[:3]
    category = built_data["categories"]["category_id"].iloc[1]
    cat_name = built_data["categories"].set_index("category_id").at[category, "name_en"]
    indicators = compare.indicators_under(built_data, "category", category)
    weights = IndexWeights(categories={category: 2.0})
    expected = compare.compare_table(built_data, chosen, "category", category, weights)
    expected = expected.dropna(subset=["score"])["city_id"].tolist()
    dash_duo.start_server(dash_app)
    open_page(
        dash_duo,
        f"/compare?lang=en&cities={','.join(chosen)}&level=category&item={category}"
        f"&view=heatmap&w_{category}=2&spread=huge",
    )
    dash_duo.wait_for_text_to_equal("#page-title", "Compare cities")
    # every choice is back: level, item, cities, view, weight; the bad value is named, not fatal
    assert segment_value(dash_duo, "compare-level") == "category"
    assert cat_name in dash_duo.find_element("#compare-item").get_attribute("value")
    # the heatmap's box has no height until Plotly has drawn it
    until(lambda: dash_duo.find_element("#compare-box-heatmap").is_displayed(), timeout=10)
    assert not dash_duo.find_element("#compare-box-bar").is_displayed()
    assert (
        dash_duo.find_element(f'.weight[data-key="{category}"] [role=slider]').get_attribute("aria-valuenow")
        == "2"
    )
    assert "spread=huge" in dash_duo.find_element(".notice").text
    assert ranking(dash_duo) == expected
    rows = dash_duo.driver.execute_script(
        "return document.querySelector('#compare-heatmap .js-plotly-plot').data[0].y.length"
    )
    assert rows == len(indicators)
    # switching the view keeps the rest of the address
    segment(dash_duo, "compare-view", "Table").click()
    until(lambda: query(dash_duo).get("view") == ["table"], timeout=15)
    q = query(dash_duo)
    assert q["level"] == ["category"] and q["item"] == [category] and q["cities"] == [",".join(chosen)]
    assert q[f"w_{category}"] == ["2"] and "spread" not in q
    until(
        lambda: (
            dash_duo.driver.execute_script(
                "try { var api = dash_ag_grid.getApi('compare-grid'); return api.getDisplayedRowCount(); }"
                " catch (notYet) { return -1; }"  # getApi throws until the grid has started
            )
            == len(chosen) * len(indicators)
        ),
        timeout=15,
    )
    # city names link to their profiles in the same language
    link = dash_duo.find_element("#compare-links a")
    assert urlparse(link.get_attribute("href")).path == f"/city/{chosen[0]}"
    link.click()
    dash_duo.wait_for_text_to_equal("#page-title", cities.set_index("city_id").at[chosen[0], "name_en"])
    assert dash_duo.get_logs() == []


def test_city_profiles_in_both_languages_and_an_unknown_city(dash_duo, dash_app, built_data):
    city = built_data["cities"].iloc[0]
    hazards = built_data["hazards"][built_data["hazards"]["city_id"] == city["city_id"]]
    events = built_data["events"][built_data["events"]["city_id"] == city["city_id"]]
    dash_duo.start_server(dash_app)
    open_page(dash_duo, f"/city/{city['city_id']}?lang=en")
    dash_duo.wait_for_text_to_equal("#page-title", city["name_en"])
    assert len(dash_duo.find_elements(".hazard-card")) == len(hazards)
    assert len(dash_duo.find_elements(".tl-item")) == len(events)
    assert len(dash_duo.find_elements(".dec-category")) == len(built_data["categories"])
    assert dash_duo.find_element("#city-drivers").text.startswith(f"{city['name_en']}'s risk index is")
    climate = built_data.tables.get("climate_series")
    if climate is not None and (climate["city_id"] == city["city_id"]).any():
        assert "°C" in dash_duo.find_element("#city-climate").text
    else:
        assert "trends page" in dash_duo.find_element("#city-climate").text

    open_page(dash_duo, f"/city/{city['city_id']}?lang=ru")
    dash_duo.wait_for_text_to_equal("#page-title", city["name_ru"])
    assert "Профиль опасностей" in dash_duo.find_element("#city-hazards").text
    assert dash_duo.find_element("#city-drivers").text.startswith(f"Индекс риска города {city['name_ru']}")

    open_page(dash_duo, "/city/nowhere?lang=en")
    dash_duo.wait_for_text_to_equal("#page-title", "No such city")
    hrefs = {
        urlparse(a.get_attribute("href")).path for a in dash_duo.find_elements("#city-unknown .link-list a")
    }
    assert hrefs == {f"/city/{c}" for c in built_data["cities"]["city_id"]}
    open_page(dash_duo, "/city/nowhere?lang=ru")
    dash_duo.wait_for_text_to_equal("#page-title", "Такого города нет")
    assert h.console_errors(dash_duo.get_logs()) == []


AG_GRID_FILES_JS = (
    "return performance.getEntriesByType('resource').map(function (e) { return e.name; })"
    ".concat(Array.from(document.scripts).map(function (s) { return s.src; }))"
    ".filter(function (name) { return name.indexOf('dash_ag_grid') >= 0; });"
)
GRID_ROWS_JS = (
    "try { var api = dash_ag_grid.getApi('compare-grid'); return api.getDisplayedRowCount(); }"
    " catch (notYet) { return -1; }"  # getApi throws until the grid has started
)

SORT_BY_VALUE_JS = (
    "dash_ag_grid.getApi('compare-grid').applyColumnState("
    "{state: [{colId: 'value', sort: 'desc'}], defaultState: {sort: null}});"
)
SORTED_JS = (
    "return dash_ag_grid.getApi('compare-grid').getColumnState()"
    ".filter(function (c) { return c.sort; }).map(function (c) { return c.colId + ':' + c.sort; });"
)


def csv_rows(folder: Path, name: str) -> list[list[str]] | None:
    """The rows of a downloaded CSV file, once Chromium has finished writing it."""
    path = folder / name
    if not path.exists() or any(folder.glob("*.crdownload")):
        return None
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def test_ag_grid_is_loaded_only_when_the_table_is_shown(dash_duo, dash_app, built_data):
    """Issue 21: the chart views never download AG Grid; the table view brings it with every row
    and a working CSV download, and it survives a switch to the chart and back, in RU and EN."""
    indicators = len(compare.indicators_under(built_data, "risk", None))
    expected, fewer = len(built_data["cities"]) * indicators, (len(built_data["cities"]) - 1) * indicators
    downloads = Path(dash_duo.download_path)
    dash_duo.start_server(dash_app)
    for lang in LANGUAGES:
        open_page(dash_duo, f"/compare?lang={lang}")
        dash_duo.wait_for_text_to_equal("#page-title", t("title.compare", lang))
        until(lambda: dash_duo.find_element("#compare-box-bar .js-plotly-plot").is_displayed(), timeout=15)
        assert dash_duo.driver.execute_script(AG_GRID_FILES_JS) == []
        assert dash_duo.find_elements("#compare-grid") == []
        segment(dash_duo, "compare-view", t("compare.view.table", lang)).click()
        until(lambda: dash_duo.driver.execute_script(GRID_ROWS_JS) == expected, timeout=20)
        assert dash_duo.driver.execute_script(AG_GRID_FILES_JS) != []
        assert (
            t("compare.summary_table_caption", lang, item=t("index.risk", lang))
            in dash_duo.find_element("#compare-box-table caption").text
        )
        dash_duo.find_element("#compare-export").click()
        rows = until(lambda: csv_rows(downloads, "compare-risk.csv"), timeout=15)
        assert len(rows) == expected + 1  # a header and every row
        (downloads / "compare-risk.csv").unlink()
        # the visitor's sorting survives a switch to the chart and back, and a change of cities
        dash_duo.driver.execute_script(SORT_BY_VALUE_JS)
        segment(dash_duo, "compare-view", t("compare.view.bar", lang)).click()
        until(lambda: dash_duo.find_element("#compare-box-bar").is_displayed(), timeout=15)
        assert not dash_duo.find_element("#compare-box-table").is_displayed()
        segment(dash_duo, "compare-view", t("compare.view.table", lang)).click()
        until(lambda: dash_duo.find_element("#compare-grid").is_displayed(), timeout=15)
        assert query(dash_duo)["view"] == ["table"]
        dash_duo.find_element("#compare-cities").send_keys(Keys.BACKSPACE)  # the last city goes
        until(lambda: dash_duo.driver.execute_script(GRID_ROWS_JS) == fewer, timeout=15)
        assert dash_duo.driver.execute_script(SORTED_JS) == ["value:desc"]
    assert h.console_errors(dash_duo.get_logs()) == []
