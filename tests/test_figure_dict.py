"""FigureDict sends what plotly.graph_objects would have sent, for every call the charts make."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from _plotly_utils.utils import to_typed_array_spec
from dash._utils import to_json

from components.charts import base_layout
from components.figure_dict import FigureDict, typed_array


def sent(fig) -> dict:
    """The figure as Dash puts it on the wire, read back."""
    return json.loads(to_json(fig))


def draw(fig):
    """Every kind of call the pages' chart builders make, with the value types they pass."""
    years = pd.Series([2000, 2001, 2002], name="year")
    fig.add_scatter(
        x=years,
        y=pd.Series([1.5, np.nan, 2.25]),
        mode="lines",
        line=dict(width=0, color="#123456", dash="dot"),
        customdata=np.array([[1.0, 2.0], [np.nan, 3.0], [4.0, 5.0]]),
        hovertemplate="%{x}: %{y:.1f}<extra></extra>",
        showlegend=False,
        legendgroup="a",
        name=None,
    )
    fig.add_scatter(
        x=[1, 2],
        y=("a", "b"),
        fill="tonexty",
        fillcolor="rgba(1, 2, 3, 0.2)",
        marker_color="red",
        marker=dict(size=4, line=dict(width=1)),
        textfont=dict(size=11),
    )
    fig.add_bar(
        x=pd.Series(["x", "y"], dtype="string[pyarrow]"),
        y=np.array([3, 4], dtype="int64"),
        orientation="v",
        marker_line_width=0,
        text=pd.Series([3, 4]),
        hovertext=np.array(["a", "b"]),
        error_y=dict(type="data", array=[0.1, 0.2]),
    )
    fig.add_heatmap(z=[[1, None], [2, 3]], x=["a", "b"], y=["c", "d"], colorscale=[[0, "#fff"], [1, "#000"]])
    fig.add_vrect(x0=1.5, x1=3.5, fillcolor="#eee", opacity=0.07, line_width=0, layer="below")
    fig.add_vline(x=2.5, line=dict(color="#000", width=1, dash="dot"))
    fig.add_hrect(y0=0, y1=2, fillcolor="#abc", opacity=0.2, line_width=0, layer="below")
    fig.add_hline(y=0, line_dash="dash")
    fig.add_annotation(
        x=2, y=0, yref="paper", showarrow=False, text="t", font=dict(size=11, color="#777"), bgcolor=None
    )
    layout = base_layout("ru")
    layout.update(
        xaxis=dict(title="Год", range=[1990, 2101], nticks=8, tickformat="d"),
        yaxis=dict(title=dict(text="°C"), range=None, automargin=True),
        legend=dict(orientation="h", title=dict(text="Статус", side="top")),
        hovermode="closest",
        title="Заголовок",
        barmode="group",
    )
    fig.update_layout(**layout)
    fig.update_layout(margin=dict(t=40), legend_title_text="Другой", xaxis_title="Year", height=None)
    fig.update_xaxes(showgrid=False, title="X")
    fig.update_yaxes(autorange="reversed", tickfont=dict(size=12))
    fig.add_annotation(text="second", x=0, y=1)
    fig.add_bar(x=[1], marker=dict(line=None, color=None), textfont=dict(size=None))  # nothing set: left out
    fig.update_layout(xaxis2=dict(title=None, range=None), yaxis=dict(title=None), legend=None)  # emptied
    fig.update_layout(margin=dict(pad=None), hoverlabel=dict(font=dict(size=None)))  # nothing set: left out
    return fig


def test_every_call_gives_what_plotly_gives():
    assert sent(draw(FigureDict())) == sent(draw(go.Figure()))


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_template_is_the_registered_one_in_full(lang):
    plotly_fig = go.Figure().update_layout(**base_layout(lang))
    ours = FigureDict().update_layout(**base_layout(lang))
    assert sent(ours) == sent(plotly_fig)
    assert sent(ours)["layout"]["template"]["layout"]["font"]["family"]


def test_axes_of_subplots_are_updated_together():
    ours = FigureDict().update_layout(xaxis=dict(domain=[0, 0.5]), xaxis2=dict(domain=[0.5, 1]))
    ours.update_xaxes(showgrid=False)
    assert ours["layout"]["xaxis"]["showgrid"] is False and ours["layout"]["xaxis2"]["showgrid"] is False


def test_a_figure_is_not_shared_with_the_next():
    first = FigureDict().add_scatter(x=[1], y=[1]).update_layout(**base_layout("en"))
    second = FigureDict().update_layout(**base_layout("en"))
    assert second["data"] == [] and first["data"]
    assert first["layout"]["template"] is not None and "annotations" not in second["layout"]


@pytest.mark.parametrize(
    "value",
    [
        pd.Series([1.5, float("nan"), -2.25], index=[7, 3, 9]),
        np.array([0.1, 0.2], dtype="float32"),
        np.arange(12, dtype=float).reshape(3, 4),
        np.arange(12, dtype=float).reshape(3, 4)[:, 1],  # not contiguous
        np.arange(12, dtype=float).reshape(3, 4).T,
        np.array([], dtype=float),
        np.array([1, 2, 300], dtype="int64"),
        pd.Series([2020, 2050]),
        np.array([1.0, 2.0], dtype="float16"),
    ],
)
def test_typed_arrays_are_plotlys(value):
    ours, theirs = typed_array(value), to_typed_array_spec(value)
    assert json.loads(to_json(ours)) == json.loads(to_json(theirs))
