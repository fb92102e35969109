"""The charts that callbacks redraw are built as plain dicts (components/figure_dict.py): for every
page that does so, the figures are the ones plotly.graph_objects builds from the same calls.

Each builder is run twice on the same build: as the page runs it, and with `go.Figure` in place
of `FigureDict`; what Dash would send must be equal. Inputs come from the build (no city named)."""

from __future__ import annotations

import json
import sys
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import pytest
from dash._utils import to_json

from components import action_views as av
from components.charts import decomposition_figure, ranking_figure
from components.figure_dict import FigureDict
from components.resilience_charts import decade_bars
from domain import actions as act
from domain import climate, compare
from domain import outlook as ol
from domain.queries import table_names
from services import data_access


def sent(value) -> object:
    """What Dash puts on the wire for a callback output or a layout, read back."""
    return json.loads(to_json(value))


def with_plotly(monkeypatch, module) -> None:
    monkeypatch.setattr(module, "FigureDict", go.Figure)


@pytest.fixture(scope="module")
def trends(dash_app):
    return sys.modules["pages.trends"]


def trend_figures(trends, data, lang: str) -> list:
    """The main chart and the small multiples for one city, every city (change from the baseline,
    another variable) and no projection."""
    cities = trends.all_cities(data)
    names = {c: c for c in cities}
    variables = climate.available_variables(data)
    states = [
        trends.TrendState(cities=cities[:1]),
        trends.TrendState(cities=cities, mode="change", variable=variables[-1]),
        trends.TrendState(cities=cities[-1:], scenarios=[]),
    ]
    out = []
    for s in states:
        shown = climate.shown_series(data, s.cities, s.variable, s.scenarios, s.baseline, s.mode)
        out.append(trends.chart_figure(shown, s, names, trends.city_colours(data), lang))
        out.append(trends.multiples(shown, s, names, lang))
    return sent(out)


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_trends_figures_are_plotlys(monkeypatch, trends, built_data, lang):
    ours = trend_figures(trends, built_data, lang)
    assert ours[0]["data"] and ours[1]
    with_plotly(monkeypatch, trends)
    assert ours == trend_figures(trends, built_data, lang)


def action_figures(data, lang: str) -> list:
    """The /actions charts callbacks draw, for the build's plans, all and one city's."""
    day = date.today()
    out = []
    plans = data["actions"]
    for frame in (plans, plans[plans["city_id"] == plans["city_id"].iloc[0]]):
        flagged = act.with_flags(frame, day)
        names = {c: c for c in flagged["city_id"]}
        by_city = act.city_summary(flagged, day)
        funders = act.funder_summary(flagged)
        ordered = flagged.sort_values(["city_id", "planned_start", "action_id"]).reset_index(drop=True)
        out += [
            av.city_status_figure(by_city, names, lang, figure_type=av.FigureDict),
            av.funding_city_figure(by_city, names, lang),
            av.funder_figure(funders, {f: f for f in funders["funder"]}, lang),
            av.timeline_figure(ordered, list(ordered["action_id"]), lang, day),
        ]
        for level in ("sendai_priority", "sendai_target"):
            groups = act.sendai_summary(flagged, day, level)
            out.append(av.group_status_figure(groups, level, {k: str(k) for k in groups[level]}, lang))
    updated = data["action_updates"]["action_id"].iloc[0]
    out.append(av.history_figure(act.merged_history(data["action_updates"], None, updated, lang), lang))
    return sent(out)


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_action_figures_are_plotlys(monkeypatch, built_data, lang):
    ours = action_figures(built_data, lang)
    assert all(fig["data"] for fig in ours)
    with_plotly(monkeypatch, av)
    assert ours == action_figures(built_data, lang)


@pytest.fixture(scope="module")
def outlook_page(dash_app):
    return sys.modules["pages.outlook"]


def outlook_figures(page, data, lang: str) -> list:
    """The fan chart of every city in both views, and each city's contribution bars."""
    result = ol.project(data, compare.default_weights(data))
    out = []
    for city in data["cities"]["city_id"]:
        for view in page.VIEWS:
            state = page.OutlookState(city=city, view=view)
            out.append(page.fan_figure(result, state, data["risk_classes"], lang))
        c = result.contributions
        c = c[(c["city_id"] == city) & (c["scenario"] == "ssp245") & (c["horizon"] == 2050)]
        c = c.assign(name=c["category_id"])
        if len(c):
            out.append(page.contribution_figure(c, lang))
    return sent(out)


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_outlook_figures_are_plotlys(monkeypatch, outlook_page, built_data, lang):
    ours = outlook_figures(outlook_page, built_data, lang)
    assert sum(1 for fig in ours if fig["data"]) > len(built_data["cities"])
    with_plotly(monkeypatch, outlook_page)
    assert ours == outlook_figures(outlook_page, built_data, lang)


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_ranking_and_decomposition_figures_are_plotlys(built_data, dash_app, lang):
    dims = table_names(built_data, "dimensions", lang)
    tables = {"dimension": "dimensions", "category": "categories", "indicator": "indicators"}
    names = {level: table_names(built_data, table, lang) for level, table in tables.items()}
    with dash_app.server.app_context():
        ranked = data_access.ranking(lang)
        pairs = [
            (ranking_figure(ranked, dims, lang, figure_type=FigureDict), ranking_figure(ranked, dims, lang))
        ]
        for city in built_data["cities"]["city_id"]:
            decomp, _ = data_access.city_explained(city)
            pairs.append(
                (
                    decomposition_figure(decomp, names, lang, figure_type=FigureDict),
                    decomposition_figure(decomp, names, lang),
                )
            )
    ours, theirs = zip(*pairs)
    assert all(fig["data"] for fig in ours)
    assert sent(list(ours)) == sent(list(theirs))


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_loss_decade_bars_are_plotlys(built_data, dash_app, lang):
    cities = list(built_data["cities"]["city_id"])
    names = {c: c for c in cities}
    with dash_app.server.app_context():
        values = [v for c in cities for v in data_access.loss_indicators(built_data, c, ("a1", "b1"))]
    pairs = []
    for ind in ("a1", "b1"):
        rows = [
            {"city_id": v.city_id, "start": v.start, "end": v.end, "value": v.value}
            for v in values
            if v.indicator == ind
        ]
        table = pd.DataFrame(rows)
        pairs.append(
            (decade_bars(table, names, lang, figure_type=FigureDict), decade_bars(table, names, lang))
        )
    ours, theirs = zip(*pairs)
    assert all(fig["data"] for fig in ours)
    assert sent(list(ours)) == sent(list(theirs))


def compare_figures(page, data, lang: str) -> list:
    """/compare's three views: the bars at every level (risk, then the first item of each other
    level), the heat map and the radar, for every city of the build."""
    cities = list(data["cities"]["city_id"])
    states = [page.CompareState(cities=cities, level="risk")]
    for level in ("dimension", "category", "indicator"):
        first = compare.level_items(data, level)[0]
        states.append(page.CompareState(cities=cities, level=level, item=first))
    states += [
        page.CompareState(cities=cities, level="risk", view="heatmap"),
        page.CompareState(cities=cities, level="risk", view="radar"),
    ]
    out = []
    for state in states:
        shown = page.render(state, lang, with_table=False)
        out.append(shown[state.view])
    return sent(out)


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_compare_figures_are_plotlys(monkeypatch, built_data, dash_app, lang):
    page = sys.modules["pages.compare"]
    with dash_app.server.app_context():
        ours = compare_figures(page, built_data, lang)
        assert all(fig["data"] for fig in ours)
        assert {trace["type"] for fig in ours for trace in fig["data"]} >= {"bar", "heatmap", "scatterpolar"}
        with_plotly(monkeypatch, page)
        assert ours == compare_figures(page, built_data, lang)
