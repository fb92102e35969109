"""/trends: the page in both languages, switching variable and scenario, the deep link, bad
parameters, the CSV of what is shown. Expected values come from the same build, so the tests
name no member city."""

from __future__ import annotations

import io
import sys
from urllib.parse import parse_qs, urlparse

import pandas as pd
import pytest
from dash.testing.wait import until

from components.page_state import rejected_notices
from domain import climate, page_state
from tests.dmc_helpers import choose


def query(dash_duo) -> dict[str, list[str]]:
    return parse_qs(urlparse(dash_duo.driver.current_url).query)


def traces(dash_duo) -> list[dict]:
    """Name, and whether it fills, of every trace of the main chart."""
    return dash_duo.driver.execute_script(
        "var p = document.querySelector('#trends-chart .js-plotly-plot');"
        "return p && p.data ? p.data.map(function (d) { return {name: d.name, fill: d.fill || ''}; }) : [];"
    )


def y_title(dash_duo) -> str:
    return dash_duo.driver.execute_script(
        "var p = document.querySelector('#trends-chart .js-plotly-plot');"
        "return p && p.layout && p.layout.yaxis.title ? p.layout.yaxis.title.text : '';"
    )


@pytest.fixture(scope="module")
def trends_page(dash_app):
    return sys.modules["pages.trends"]


def test_page_in_russian_switches_variable_and_scenario(dash_duo, dash_app, built_data):
    series = built_data["climate_series"]
    n_cities = series["city_id"].nunique()
    dash_duo.start_server(dash_app)
    dash_duo.driver.get(dash_duo.server_url + "/trends")
    dash_duo.wait_for_text_to_equal(
        "#page-title", "Климат: построенные ряды прошлых лет и сценарии до 2100 года", timeout=15
    )
    dash_duo.wait_for_element("#trends-status .badge-illustrative")
    assert "построены, а не измерены" in dash_duo.find_element("#trends-status").text
    until(lambda: len(traces(dash_duo)) > 0, timeout=10)
    # every city: observed line + three scenarios x (band edge, band, median)
    assert len(traces(dash_duo)) == n_cities * (1 + 3 * 3)
    assert sum(1 for tr in traces(dash_duo) if tr["fill"] == "tonexty") == n_cities * 3
    assert y_title(dash_duo) == "°C"
    assert "Средняя годовая температура, °C" in dash_duo.find_element("#trends-heading").text
    rows = dash_duo.find_elements(".trends-table tbody tr")
    assert len(rows) == n_cities * 3
    assert len(dash_duo.find_elements(".trends-multiple")) == n_cities
    # the address holds the view in its canonical form: the language, defaults left out
    until(lambda: query(dash_duo) == {"lang": ["ru"]}, timeout=5)

    choose(dash_duo, "#trends-variable", "Жаркие дни (максимум выше 35 °C)")
    until(lambda: y_title(dash_duo) == "дней в году", timeout=10)
    assert "Жаркие дни" in dash_duo.find_element("#trends-summary").text
    until(lambda: query(dash_duo).get("var") == ["hot_days_35"], timeout=5)

    # untick SSP5-8.5: one scenario fewer on the chart, in the table and in the address
    box = [
        el
        for el in dash_duo.find_elements(".trends-scenarios input")
        if el.get_attribute("value") == "ssp585"
    ][0]
    box.click()
    until(lambda: len(traces(dash_duo)) == n_cities * (1 + 2 * 3), timeout=10)
    until(lambda: len(dash_duo.find_elements(".trends-table tbody tr")) == n_cities * 2, timeout=10)
    until(lambda: query(dash_duo).get("scen") == ["ssp126,ssp245"], timeout=5)
    assert not [tr for tr in traces(dash_duo) if "SSP5-8.5" in (tr["name"] or "")]
    assert dash_duo.get_logs() == []


def test_english_deep_link_restores_the_view_and_bad_values_get_a_notice(dash_duo, dash_app, built_data):
    series = built_data["climate_series"]
    chosen = climate.cities_with(series, "frost_days")[:2][::-1]  # a chosen order, not the table's
    names = built_data["cities"].set_index("city_id")["name_en"]
    dash_duo.start_server(dash_app)
    path = f"/trends?lang=en&cities={','.join(chosen)}&var=frost_days&scen=ssp585&base=2001-2020&mode=change"
    dash_duo.driver.get(dash_duo.server_url + path)
    dash_duo.wait_for_text_to_equal(
        "#page-title", "Climate: constructed past series and scenarios to 2100", timeout=15
    )
    heading = dash_duo.find_element("#trends-heading").text
    assert "Frost days" in heading and "change from 2001–2020" in heading
    assert not dash_duo.find_elements(".notice")
    # the controls show the linked choices
    shown_cities = " ".join(
        el.text for el in dash_duo.find_elements(".page-trends .mantine-MultiSelect-pill")
    )
    assert all(names[c] in shown_cities for c in chosen)
    checked = [
        el.get_attribute("value")
        for el in dash_duo.find_elements(".trends-scenarios input")
        if el.is_selected()
    ]
    assert checked == ["ssp585"]
    assert [
        el.get_attribute("value")
        for el in dash_duo.find_elements("#trends-baseline input")
        if el.is_selected()
    ] == ["2001-2020"]
    assert [
        el.get_attribute("value") for el in dash_duo.find_elements("#trends-mode input") if el.is_selected()
    ] == ["change"]
    until(lambda: len(traces(dash_duo)) == 2 * (1 + 3), timeout=10)
    assert [tr["name"] for tr in traces(dash_duo) if tr["name"] and tr["fill"] != "tonexty"][:1] == [
        names[chosen[0]]
    ]
    assert y_title(dash_duo) == "Change, days per year"
    table_cities = [el.text for el in dash_duo.find_elements(".trends-table tbody th[scope=row]")]
    assert table_cities == [names[c] for c in chosen]
    until(
        lambda: query(dash_duo).get("cities") == [",".join(chosen)] and query(dash_duo).get("lang") == ["en"],
        timeout=5,
    )

    dash_duo.driver.get(
        dash_duo.server_url + "/trends?lang=en&cities=atlantis&var=nope&scen=ssp999"
        "&base=1900-1930&mode=weird&foo=1"
    )
    dash_duo.wait_for_element(".notice")
    text = dash_duo.find_element(".notice").text
    for word in ("atlantis", "nope", "ssp999", "1900-1930", "weird", "foo"):
        assert word in text, word
    dash_duo.wait_for_element("#trends-heading")
    assert "Mean annual temperature" in dash_duo.find_element("#trends-heading").text
    until(lambda: len(traces(dash_duo)) == series["city_id"].nunique() * 10, timeout=10)
    assert dash_duo.get_logs() == []


def test_csv_download_is_exactly_what_is_shown(trends_page, dash_app, built_data):
    page = trends_page
    cities = climate.cities_with(built_data, "precip")[:3]
    state = page.TrendState(
        cities=cities, variable="precip", scenarios=["ssp245"], baseline="1995-2014", mode="change"
    )
    with dash_app.server.test_request_context("/"):
        series = pd.read_csv(io.StringIO(page.series_csv(state, "en")))
        table = pd.read_csv(io.StringIO(page.table_csv(state, "ru")))
    shown = climate.shown_series(built_data, cities, "precip", ["ssp245"], "1995-2014", "change")
    assert len(series) == len(shown) and list(series["city_id"].unique()) == cities
    assert set(series["scenario"]) == {"observed", "ssp245"} and set(series["unit"]) == {"%"}
    pd.testing.assert_series_equal(series["value"], shown["value"].round(3), check_names=False, atol=1e-9)
    assert {"status", "source_id", "method", "baseline_mean"} <= set(series.columns)
    assert set(table["year"]) == set(climate.HORIZONS) and len(table) == len(cities) * len(climate.HORIZONS)
    names = built_data["cities"].set_index("city_id")["name_ru"]
    assert list(table["city"].unique()) == [names[c] for c in cities]


def test_read_state_falls_back_and_reports(trends_page, built_data):
    page = trends_page

    def read_state(query, lang):
        parsed = page_state.parse(page.TrendState, query, built_data)
        return parsed.state, rejected_notices(parsed, lang)

    every = page.all_cities(built_data)
    state, notices = read_state({}, "ru")
    assert (
        state.cities == every and state.variable == "tmean" and state.scenarios == list(climate.PROJECTIONS)
    )
    assert notices == []
    state, notices = read_state({"cities": f"nowhere,{every[-1]}", "scen": ""}, "en")
    assert state.cities == [every[-1]] and state.scenarios == [] and len(notices) == 1
    state, notices = read_state({"cities": "nowhere"}, "en")
    assert state.cities == every and "nowhere" in notices[0]
