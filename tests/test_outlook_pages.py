"""/outlook: the page in both languages, changing scenario, horizon and city redraws the fan chart
and the tables, the deep link (with the what-if control), bad parameters, accessibility (axe), the
city panel and the CSV downloads. Expected values come from the same build, so no city is named."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pandas as pd
import pytest
from dash.testing.wait import until

from domain import outlook as ol
from services import data_access
from tests.dmc_helpers import click_segment

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"


def query(dash_duo) -> dict[str, list[str]]:
    return parse_qs(urlparse(dash_duo.driver.current_url).query)


def fan(dash_duo) -> dict:
    """Names and fills of the fan chart's traces, its vertical line and y-axis title."""
    return dash_duo.driver.execute_script(
        "var p = document.querySelector('#outlook-fan .js-plotly-plot');"
        "if (!p || !p.data) { return {traces: [], vline: null, ytitle: ''}; }"
        "var shapes = (p.layout.shapes || []).filter(function (s) { return s.type === 'line' && s.x0 === s.x1; });"
        "return {traces: p.data.map(function (d) { return {name: d.name || '', fill: d.fill || ''}; }),"
        "        vline: shapes.length ? shapes[0].x0 : null,"
        "        ytitle: p.layout.yaxis.title ? p.layout.yaxis.title.text : ''};"
    )


def chosen_trace(dash_duo) -> str:
    names = [tr["name"] for tr in fan(dash_duo)["traces"] if "—" in tr["name"]]
    return names[0] if names else ""


def checked(dash_duo, control_id: str) -> str:
    return dash_duo.driver.execute_script(
        "var i = document.querySelector('#' + arguments[0] + ' input:checked'); return i ? i.value : null;",
        control_id,
    )


def axe_violations(dash_duo, selector: str) -> list[dict]:
    """Serious and critical axe-core violations inside `selector` (the page's own content)."""
    dash_duo.driver.execute_script(AXE.read_text(encoding="utf-8"))
    result = dash_duo.driver.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "axe.run(document.querySelector(arguments[0]), {resultTypes: ['violations']})"
        ".then(function (r) { done(JSON.stringify(r.violations)); })"
        ".catch(function (e) { done(JSON.stringify([{id: 'axe-error', impact: 'critical', help: String(e)}])); });",
        selector,
    )
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n.get("target") for n in v.get("nodes", [])][:3]}
        for v in json.loads(result)
        if v.get("impact") in ("serious", "critical")
    ]


def test_russian_page_redraws_for_scenario_horizon_and_city(dash_duo, dash_app, built_data):
    result = ol.project(built_data)
    today = result.scores[result.scores["scenario"] == ol.TODAY].sort_values("rank")
    first, other = today["city_id"].iloc[0], today["city_id"].iloc[-1]
    names = built_data["cities"].set_index("city_id")["name_ru"]
    dash_duo.start_server(dash_app)
    dash_duo.driver.get(dash_duo.server_url + "/outlook")
    dash_duo.wait_for_text_to_equal(
        "#page-title", "Прогноз риска: индекс в 2030, 2050 и 2080 годах", timeout=20
    )
    dash_duo.wait_for_element("#outlook-status .badge-illustrative")
    assert names[first] in dash_duo.find_element("#outlook-heading").text  # the highest risk today
    until(lambda: len(fan(dash_duo)["traces"]) == 3 + 2 + 1, timeout=10)  # 3 lines, 1 band (2), today
    assert chosen_trace(dash_duo).startswith("SSP2-4.5")
    assert sum(1 for tr in fan(dash_duo)["traces"] if tr["fill"] == "tonexty") == 1
    assert "2050" in dash_duo.find_element("#outlook-summary").text
    assert (
        checked(dash_duo, "outlook-scenario") == "ssp245" and checked(dash_duo, "outlook-horizon") == "2050"
    )
    n_cities = built_data["cities"]["city_id"].nunique()
    assert len(dash_duo.find_elements(".outlook-rank-table tbody tr")) == n_cities
    assert len(dash_duo.find_elements(".outlook-matrix tbody tr")) == n_cities
    assert "SSP2-4.5" in dash_duo.find_element(".outlook-rank-table th.outlook-chosen").text
    vline_2050 = fan(dash_duo)["vline"]

    click_segment(dash_duo, "outlook-scenario", "ssp585")
    until(lambda: chosen_trace(dash_duo).startswith("SSP5-8.5"), timeout=10)
    until(
        lambda: "SSP5-8.5" in dash_duo.find_element(".outlook-rank-table th.outlook-chosen").text, timeout=10
    )
    until(lambda: query(dash_duo).get("scen") == ["ssp585"], timeout=5)
    assert "SSP5-8.5" in dash_duo.find_element("#outlook-summary").text

    click_segment(dash_duo, "outlook-horizon", "2080")
    until(lambda: "2080" in dash_duo.find_element("#outlook-summary").text, timeout=10)
    until(lambda: fan(dash_duo)["vline"] is not None and fan(dash_duo)["vline"] > vline_2050, timeout=10)
    assert "2080" in dash_duo.find_element("#outlook-matrix .note").text
    until(lambda: query(dash_duo).get("h") == ["2080"], timeout=5)
    expected = result.scores[
        (result.scores["city_id"] == first)
        & (result.scores["scenario"] == "ssp585")
        & (result.scores["horizon"] == 2080)
    ].iloc[0]
    shown = f"{expected['risk']:.1f}".replace(".", ",")
    assert shown in dash_duo.find_element("#outlook-summary").text

    dash_duo.find_element("#outlook-city").click()
    until(lambda: len(dash_duo.find_elements("[role=option]")) == len(names), timeout=5)
    options = [o for o in dash_duo.find_elements("[role=option]") if o.text.strip() == names[other]]
    assert options, [o.text for o in dash_duo.find_elements("[role=option]")]
    options[0].click()
    until(lambda: names[other] in dash_duo.find_element("#outlook-heading").text, timeout=10)
    until(lambda: query(dash_duo).get("cities") == [other], timeout=5)
    assert axe_violations(dash_duo, ".page-outlook") == []
    assert dash_duo.get_logs() == []


def test_english_deep_link_what_if_and_bad_values(dash_duo, dash_app, built_data):
    cities = built_data["cities"]["city_id"].tolist()
    city = cities[len(cities) // 2]
    names = built_data["cities"].set_index("city_id")["name_en"]
    dash_duo.start_server(dash_app)
    dash_duo.driver.get(dash_duo.server_url + f"/outlook?lang=en&city={city}&scen=ssp126&h=2030&view=change")
    dash_duo.wait_for_text_to_equal(
        "#page-title", "Risk outlook: the index in 2030, 2050 and 2080", timeout=20
    )
    assert not dash_duo.find_elements(".notice")
    heading = dash_duo.find_element("#outlook-heading").text
    assert names[city] in heading and "change from today" in heading
    assert (
        checked(dash_duo, "outlook-scenario") == "ssp126" and checked(dash_duo, "outlook-horizon") == "2030"
    )
    assert checked(dash_duo, "outlook-view") == "change"
    until(lambda: fan(dash_duo)["ytitle"] == "Change from today", timeout=10)
    assert chosen_trace(dash_duo).startswith("SSP1-2.6")
    until(
        lambda: query(dash_duo).get("cities") == [city] and query(dash_duo).get("lang") == ["en"], timeout=5
    )

    # what if: the deep link opens the control, and a new choice redraws and lands in the address
    dash_duo.driver.get(dash_duo.server_url + f"/outlook?lang=en&city={city}&warm=1.5&pop=0")
    dash_duo.wait_for_element("#outlook-whatif-note .notice")
    assert "× 1.5" in dash_duo.find_element("#outlook-whatif-note").text
    assert checked(dash_duo, "outlook-warm") == "1.5" and checked(dash_duo, "outlook-pop") == "0"
    before = dash_duo.find_element("#outlook-summary").text
    click_segment(dash_duo, "outlook-pop", "2")
    until(lambda: query(dash_duo).get("pop") == ["2"], timeout=10)
    until(lambda: "population growth × 2" in dash_duo.find_element("#outlook-whatif-note").text, timeout=10)
    until(lambda: dash_duo.find_element("#outlook-summary").text != before, timeout=10)
    click_segment(dash_duo, "outlook-warm", "1")
    click_segment(dash_duo, "outlook-pop", "1")
    until(lambda: "warm" not in query(dash_duo) and "pop" not in query(dash_duo), timeout=10)
    until(lambda: dash_duo.find_element("#outlook-whatif-note").text == "", timeout=10)

    dash_duo.driver.get(
        dash_duo.server_url + "/outlook?lang=en&city=atlantis&scen=ssp999&h=2100&view=x&warm=7&pop=-1&foo=1"
    )
    dash_duo.wait_for_element(".notice")
    text = dash_duo.find_element(".notice").text
    for word in ("atlantis", "ssp999", "2100", "“x”", "7", "-1", "foo"):
        assert word in text, word
    until(lambda: chosen_trace(dash_duo).startswith("SSP2-4.5"), timeout=10)
    assert dash_duo.get_logs() == []


@pytest.fixture(scope="module")
def outlook_page(dash_app):
    return sys.modules["pages.outlook"]


def test_city_panel_and_csv_downloads(outlook_page, dash_app, built_data):
    from components.outlook_panel import outlook_panel

    city = built_data["cities"]["city_id"].iloc[0]
    with dash_app.server.test_request_context("/"):
        data, result = data_access.get_data(), data_access.outlook()
        panel = outlook_panel(city, data, result, "ru")
        assert panel is not None and panel.id == "city-outlook"
        text = json.dumps(
            panel.to_plotly_json(),
            default=lambda o: o.to_plotly_json() if hasattr(o, "to_plotly_json") else str(o),
            ensure_ascii=False,
        )
        assert (
            "SSP2-4.5" in text
            and f"/outlook?lang=ru&amp;city={city}" not in text
            and f"cities={city}" in text
        )
        assert outlook_panel("atlantis", data, result, "en") is None
        assert outlook_panel(city, data, None, "en") is None  # a build without an outlook
        state = outlook_page.OutlookState(city=city, scenario="ssp585", horizon=2080)
        scores = pd.read_csv(io.StringIO(outlook_page.scores_csv(state, "en")))
        values = pd.read_csv(io.StringIO(outlook_page.values_csv(state, "ru")))
    n = built_data["cities"]["city_id"].nunique()
    assert len(scores) == n * (1 + len(ol.SCENARIOS) * len(ol.HORIZONS))
    assert {"risk", "risk_p10", "risk_p90", "status", "city"} <= set(scores.columns)
    assert {"rule_id", "status", "member", "driver_change"} <= set(values.columns)
    assert set(values["member"]) == set(ol.MEMBERS)
