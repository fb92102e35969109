"""Charts of the first view drawn as SVG on the server (services/figure_svg.py; issue 21): every chart
the public pages show, built by the pages from the data in RU and EN, is drawn with its bars,
points and cells, its category labels, legend and name; what cannot be drawn faithfully gets None
(the page keeps Plotly's box); text from the data is escaped; numbers follow the figure's
separators; and the first view of a chart page holds the SVG inside the graph's box."""

from __future__ import annotations

import base64
import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import dash
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from dash.development.base_component import Component

from components.resilience_charts import ESSENTIALS, essentials_bar, essentials_heatmap
from i18n import LANGUAGES
from services import figure_svg as fs
from services import first_view as fv
from services import static_page

SVG = "{http://www.w3.org/2000/svg}"
# page states that show charts the default address does not (chosen by the address, issue 23)
EXTRA_STATES = (("/compare", {"view": "heatmap"}), ("/compare", {"view": "radar"}))


def graphs_in(node) -> list[Component]:
    """Every dcc.Graph in a layout."""
    if isinstance(node, (list, tuple)):
        return [g for child in node for g in graphs_in(child)]
    if not isinstance(node, Component):
        return []
    own = [node] if (node._namespace, node._type) == ("dash_core_components", "Graph") else []
    return own + graphs_in(getattr(node, "children", None))


def page_charts(app: dash.Dash, city_id: str, lang: str) -> list[tuple[str, dict]]:
    """(where, Graph properties) of every chart the public pages lay out, built from the data."""
    states = []
    for page in dash.page_registry.values():
        if page.get(fv.MARK) and not page.get(static_page.FLAG):
            states.append(((page.get("path_template") or page["path"]).replace("<city_id>", city_id), {}))
    charts = []
    for path, query in [*states, *EXTRA_STATES]:
        page, variables = fv.page_for(app, path)
        with app.server.test_request_context(f"{path}?lang={lang}"):
            layout = page["layout"]
            if callable(layout):
                layout = layout(
                    **variables, lang=lang, **query, **{k: None for k in app.routing_callback_inputs}
                )
        for k, graph in enumerate(graphs_in(layout)):
            charts.append((f"{path}{query or ''}#{k}:{getattr(graph, 'id', '')}", fv.props_of(graph)))
    return charts


@pytest.fixture(scope="module")
def charts(dash_app, built_data) -> dict[str, list[tuple[str, dict]]]:
    dash_app.server.test_client().get("/")  # Dash fills its page registry at the first request
    city_id = str(built_data["cities"]["city_id"].iloc[0])
    return {lang: page_charts(dash_app, city_id, lang) for lang in LANGUAGES}


def svgs(markup: str) -> list[ET.Element]:
    """The <svg> elements of the markup (it must parse as XML)."""
    return list(ET.fromstring(f"<div>{markup}</div>"))


def text_of(svg: ET.Element) -> str:
    return "".join(svg.itertext())


def plain_lines(text: object) -> list[str]:
    """The lines of plotly's pseudo-HTML text, tags dropped."""
    return [re.sub(r"<[^>]+>", "", line).strip() for line in re.split(r"<br\s*/?>", str(text))]


def present(value) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def decoded(value):
    """Plotly.js typed arrays (`{"dtype", "bdata"}`, as FigureDict sends numbers) as lists."""
    if isinstance(value, dict) and "bdata" in value:
        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        return (
            array.reshape([int(s) for s in value["shape"].split(",")]).tolist()
            if "shape" in value
            else array.tolist()
        )
    if isinstance(value, dict):
        return {k: decoded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decoded(v) for v in value]
    return value


def as_figure(figure) -> go.Figure:
    """The figure read by plotly itself (not by the module under test)."""
    return go.Figure(decoded(figure.to_plotly_json() if hasattr(figure, "to_plotly_json") else figure))


def shows_data(figure) -> bool:
    """Whether any trace of the figure holds values (a view not chosen gets an empty figure)."""
    fig = as_figure(figure)
    return any(getattr(t, k, None) is not None for t in fig.data for k in ("x", "y", "z", "r"))


def expected_marks(figure) -> dict[str, int]:
    """Bars, markers and cells the figure holds."""
    fig = as_figure(figure)
    counts = {"bar": 0, "points": 0, "cell": 0}
    for trace in fig.data:
        if trace.type == "bar":
            counts["bar"] += sum(present(a) and present(b) for a, b in zip(trace.x, trace.y))
        elif trace.type == "scatter" and trace.mode and "markers" in trace.mode:
            counts["points"] += sum(present(a) and present(b) for a, b in zip(trace.x, trace.y))
        elif trace.type == "scatterpolar" and "markers" in (trace.mode or ""):
            counts["points"] += sum(present(r) for r in trace.r)
        elif trace.type == "heatmap":
            counts["cell"] += sum(present(v) for row in trace.z for v in row)
    return counts


def drawn_marks(svg: ET.Element) -> dict[str, int]:
    return {
        "bar": len(svg.findall(f".//{SVG}rect[@class='bar']")),
        "points": sum(len(g) for g in svg.findall(f".//{SVG}g[@class='points']")),
        "cell": len(svg.findall(f".//{SVG}rect[@class='cell']")),
    }


def category_labels(figure) -> list[str]:
    """The category labels a reader must see: those of every category axis with tick labels."""
    fig = as_figure(figure)
    labels = []
    for letter in ("x", "y"):
        axis = getattr(fig.layout, f"{letter}axis")
        if axis.showticklabels is False or axis.type not in (None, "-", "category"):
            continue
        for trace in fig.data:
            values = getattr(trace, letter, None) if trace.type != "scatterpolar" else trace.theta
            labels += [v for v in (values if values is not None else []) if isinstance(v, str)]
    for trace in fig.data:
        if trace.type == "scatterpolar":
            labels += [v for v in trace.theta if isinstance(v, str)]
    return sorted({line for label in labels for line in plain_lines(label) if line})


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_public_chart_is_drawn_with_its_marks_labels_and_name(charts, lang):
    found = charts[lang]
    assert found, "no chart on the public pages"
    for where, props in found:
        figure = props.get("figure")
        height = fs.chart_height(props.get("style"), figure)
        markup = fs.figure_svg(figure, height, lang)
        assert markup is not None, f"{where}: {fs.drawn(figure, height, lang)}"
        drawings = svgs(markup)
        assert [d.get("class") for d in drawings] == [f"fv-chart fv-chart-{name}" for name in fs.WIDTHS]
        assert [d.get("viewBox") for d in drawings] == [f"0 0 {w} {height}" for w in fs.WIDTHS.values()], (
            where
        )
        expected = expected_marks(figure)
        for svg in drawings:
            if shows_data(figure):
                assert svg.get("role") == "img" and svg.get("aria-label"), where
            else:  # an empty figure (a view not chosen): nothing to name
                assert svg.get("aria-hidden") == "true", where
            assert drawn_marks(svg) == expected, where
            text = text_of(svg)
            for label in category_labels(figure):
                assert label in text, f"{where}: category {label!r} not shown"
            fig = as_figure(figure)
            names = [t.name for t in fig.data if t.name and t.showlegend is not False and t.type != "heatmap"]
            if len(names) > 1 and fig.layout.showlegend is not False:
                for name in names:
                    assert plain_lines(name)[0] in text, f"{where}: legend {name!r} not shown"
            for note in fig.layout.annotations:
                assert plain_lines(note.text)[0] in text, where


def test_the_ranking_has_three_bars_and_a_diamond_per_ranked_city(charts, built_data):
    ranked = built_data["risk"].dropna(subset=["risk"])
    names = dict(zip(built_data["cities"]["city_id"], built_data["cities"]["name_ru"]))
    props = next(p for where, p in charts["ru"] if where.startswith("/#") and "ranking" in where)
    svg = svgs(fs.figure_svg(props["figure"], fs.chart_height(props.get("style"), props["figure"]), "ru"))[1]
    assert drawn_marks(svg) == {"bar": 3 * len(ranked), "points": len(ranked), "cell": 0}
    text = text_of(svg)
    assert all(names[c] in text for c in ranked["city_id"])


def test_a_title_names_the_chart_and_is_drawn():
    figure = {
        "data": [{"type": "bar", "x": ["a", "b"], "y": [1, 2]}],
        "layout": {"title": {"text": "Риск <b>выше</b>"}},
    }
    drawings = svgs(fs.figure_svg(figure, 300, "ru"))
    assert {d.get("aria-label") for d in drawings} == {"Риск выше"}
    assert all("Риск выше" in text_of(d) for d in drawings)
    unnamed = {"data": [{"type": "bar", "x": [1], "y": [2]}], "layout": {"xaxis": {"title": {"text": "Год"}}}}
    assert svgs(fs.figure_svg(unnamed, 300, "ru", label="Осадки"))[0].get("aria-label") == "Осадки"
    assert svgs(fs.figure_svg(unnamed, 300, "ru"))[0].get("aria-label") == "Год"


@pytest.mark.parametrize(
    "figure",
    [
        {"data": [{"type": "pie", "values": [1, 2]}]},
        {
            "data": [{"type": "bar", "x": ["2024-01-01", "2024-02-01"], "y": [1, 2]}],
            "layout": {"xaxis": {"type": "date"}},
        },
        {"data": [{"type": "scatter", "x": [1, 2], "y": [1, 2], "line": {"shape": "spline"}}]},
        {"data": [{"type": "scatter", "x": [1], "y": [1], "marker": {"symbol": "star"}, "mode": "markers"}]},
        {"data": [{"type": "scatter", "x": [1], "y": [1], "xaxis": "x2"}]},
        {"data": [{"type": "heatmap", "z": [[1]], "colorscale": "RdBu"}]},
        {"data": [{"type": "bar", "x": [1], "y": [1], "marker": {"color": "url(javascript:x)"}}]},
        "not a figure",
    ],
    ids=[
        "pie",
        "date-axis",
        "spline",
        "unknown-symbol",
        "second-axis",
        "named-colour-scale",
        "odd-colour",
        "text",
    ],
)
def test_what_cannot_be_drawn_faithfully_gets_none(figure):
    assert fs.figure_svg(figure, 300, "en") is None


def test_hostile_text_from_the_data_is_escaped():
    hostile = '<script>alert(1)</script>"><img src=x onerror=alert(2)>&'
    figure = {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "y": [hostile, "b"],
                "x": [1, 2],
                "name": hostile,
                "text": [hostile, ""],
            },
            {
                "type": "scatter",
                "y": [hostile, "b"],
                "x": [1, 2],
                "name": "two",
                "mode": "markers+text",
                "text": [hostile],
            },
        ],
        "layout": {
            "title": {"text": hostile},
            "annotations": [
                {"text": hostile, "x": 0, "y": 0, "xref": "paper", "yref": "paper", "showarrow": False}
            ],
        },
    }
    markup = fs.figure_svg(figure, 300, "en", label=hostile)
    assert "<script" not in markup and "<img" not in markup and "onerror=alert(2)>" not in markup
    for svg in svgs(markup):  # parses, and the text is shown as written
        assert "<script>alert(1)</script>" in text_of(svg)
        assert not [e for e in svg.iter() if e.tag.removeprefix(SVG) in ("script", "img", "foreignObject")]
        assert all(not k.startswith("on") for e in svg.iter() for k in e.attrib)


def tick_texts(markup: str) -> list[str]:
    return [t for t in (("".join(e.itertext())) for e in svgs(markup)[1].iter(f"{SVG}text")) if t]


@pytest.mark.parametrize(("lang", "half", "big"), [("ru", "0,5", "20k"), ("en", "0.5", "20k")])
def test_axis_numbers_follow_the_figures_separators_like_plotly(lang, half, big):
    separators = ", " if lang == "ru" else ".,"
    small = {
        "data": [{"type": "scatter", "x": [0, 1], "y": [0, 1]}],
        "layout": {"separators": separators, "yaxis": {"range": [0, 2], "dtick": 0.5}},
    }
    assert half in tick_texts(fs.figure_svg(small, 300, lang))
    large = {
        "data": [{"type": "bar", "x": ["a"], "y": [40000]}],
        "layout": {"separators": separators, "yaxis": {"range": [0, 40000], "dtick": 20000}},
    }
    assert big in tick_texts(fs.figure_svg(large, 300, lang))
    formatted = {
        "data": [{"type": "scatter", "x": [0, 1], "y": [0, 1]}],
        "layout": {"separators": separators, "yaxis": {"range": [0, 1], "dtick": 0.5, "tickformat": ".2f"}},
    }
    assert ("0,50" if lang == "ru" else "0.50") in tick_texts(fs.figure_svg(formatted, 300, lang))
    assert fs.d3_format(-1234.5, ",.1f", fs.Separators.of({"separators": separators}, lang)) == (
        "\u22121 234,5" if lang == "ru" else "\u22121,234.5"
    )


def test_stacked_bars_follow_one_another_and_grouped_bars_share_the_slot():
    stack = {
        "data": [
            {"type": "bar", "orientation": "h", "y": ["a"], "x": [2], "name": "one"},
            {"type": "bar", "orientation": "h", "y": ["a"], "x": [3], "name": "two"},
        ],
        "layout": {
            "barmode": "stack",
            "xaxis": {"range": [0, 5]},
            "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
            "showlegend": False,
        },
    }
    wide = svgs(fs.figure_svg(stack, 200, "en"))[1]
    first, second = (dict(r.attrib) for r in wide.findall(f".//{SVG}rect[@class='bar']"))
    assert float(first["x"]) + float(first["width"]) == pytest.approx(float(second["x"]), abs=0.2)
    assert float(second["width"]) == pytest.approx(1.5 * float(first["width"]), abs=0.2)
    stack["layout"]["barmode"] = "group"
    first, second = (
        dict(r.attrib)
        for r in svgs(fs.figure_svg(stack, 200, "en"))[1].findall(f".//{SVG}rect[@class='bar']")
    )
    assert float(first["x"]) == float(second["x"]) and float(first["y"]) != float(second["y"])


def test_the_first_view_of_a_chart_page_holds_the_svg_in_the_graphs_box(dash_app):
    client = dash_app.server.test_client()
    for lang in LANGUAGES:
        body = client.get(f"/trends?lang={lang}").get_data(as_text=True)
        box = re.search(r'<div (id="trends-chart"[^>]*)>((?:<svg.*?</svg>)+)</div>', body, re.S)
        assert box, "the trends chart's box holds its drawings"
        assert 'class="dash-graph first-view-chart"' in box.group(1) and "height:" in box.group(1)
        drawings = svgs(box.group(2))
        assert len(drawings) == len(fs.WIDTHS) and {d.get("role") for d in drawings} == {"img"}
        wide = drawings[-1]
        assert drawn_marks(wide)["bar"] == 0 and wide.findall(f".//{SVG}path")
    body = client.get("/?lang=ru").get_data(as_text=True)
    assert re.search(r'<div id="overview-ranking"[^>]*class="dash-graph first-view-chart"[^>]*><svg', body)
    assert "first-view-graph" not in re.search(r'<div id="overview-ranking"[^>]*>', body).group(0)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_scorecard_charts_are_drawn_when_scores_exist(built_data, lang):
    # The scorecard's charts appear once a city's round has published scores; the build may hold
    # none yet, so a test matrix (not data) over the data's cities stands in, one city unassessed.
    cities = built_data["cities"]["city_id"].tolist()
    matrix = pd.DataFrame(
        [[(i + j) % 4 * 0.75 for j in range(len(ESSENTIALS))] for i in range(len(cities))],
        index=cities,
        columns=ESSENTIALS,
    )
    matrix.iloc[-1, :] = np.nan
    names = dict(zip(built_data["cities"]["city_id"], built_data["cities"][f"name_{lang}"]))
    for figure in (essentials_heatmap(matrix, names, lang), essentials_bar(matrix.iloc[0], lang)):
        markup = fs.figure_svg(figure, fs.chart_height(None, figure), lang)
        assert markup is not None
        for svg in svgs(markup):
            assert drawn_marks(svg) == expected_marks(figure)
            assert all(label in text_of(svg) for label in category_labels(figure))


def test_the_stylesheet_shows_one_drawing_per_box_width():
    sheet = (Path(__file__).resolve().parents[1] / "assets" / "first_view_charts.css").read_text(
        encoding="utf-8"
    )
    assert all(f".fv-chart-{name}" in sheet for name in fs.WIDTHS)
    assert "container-type: inline-size" in sheet and sheet.count("@container") == len(fs.WIDTHS) - 1


def test_ids_in_the_drawings_are_unique_in_the_page(dash_app):
    # /compare shows the same empty figure in its two views not chosen: their clip paths differ.
    body = dash_app.server.test_client().get("/compare?lang=en").get_data(as_text=True)
    ids = re.findall(r' id="([^"]+)"', body)
    assert [i for i in ids if i.startswith("fv")] and len(ids) == len(set(ids))
    assert all(f"url(#{i})" not in body or i in ids for i in re.findall(r"url\(#([^)]+)\)", body))


def test_bar_error_bars_are_drawn_around_the_bars_end_and_widen_the_range():
    """Whiskers as the presenter's climate slide has them (error_x on horizontal bars, a colour
    given); a template's error-bar colour alone draws none, as in plotly.js."""
    figure = {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "y": ["a", "b"],
                "x": [2.0, 1.0],
                "error_x": {
                    "type": "data",
                    "array": [2.0, 0.5],
                    "arrayminus": [1.0, 0.5],
                    "color": "#52606d",
                },
            }
        ],
        "layout": {"margin": {"l": 0, "r": 0, "t": 0, "b": 30}, "showlegend": False},
    }
    wide = svgs(fs.figure_svg(figure, 200, "en"))[1]
    whiskers = [p for p in wide.iter(f"{SVG}path") if p.get("stroke") == "#52606d"]
    assert len(whiskers) == 2
    assert "4" in tick_texts(fs.figure_svg(figure, 200, "en"))  # the range reaches 2 + 2
    bar = next(r for r in wide.findall(f".//{SVG}rect[@class='bar']"))
    start = re.match(r"M([\d.]+),", whiskers[0].get("d"))
    bar_end = float(bar.get("x")) + float(bar.get("width"))
    assert float(start.group(1)) < bar_end  # from value - 1 to value + 2, across the bar's end
    figure["data"][0]["error_x"] = {"color": "#52606d"}  # what a template sets
    assert not [
        p
        for p in svgs(fs.figure_svg(figure, 200, "en"))[1].iter(f"{SVG}path")
        if p.get("stroke") == "#52606d"
    ]
    figure["data"][0]["error_x"] = {"type": "percent", "value": 10, "color": "#52606d"}
    assert fs.figure_svg(figure, 200, "en") is None
