"""Figures of the scorecard and loss pages, from plain DataFrames, labelled in the chosen language."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from components.charts import base_layout
from domain.scorecard import ESSENTIALS, MAX_SCORE
from i18n import format_number, t

SCORE_SCALE = [[0, "#f7fbff"], [0.5, "#6baed6"], [1, "#08306b"]]
NOT_ASSESSED_GREY = "#d9d9d9"
DECADE_COLOURS = ("#E69F00", "#0072B2")  # Okabe-Ito orange / blue


def essential_names(lang: str) -> list[str]:
    return [t(f"scorecard.essential.{e}", lang) for e in ESSENTIALS]


def essentials_bar(scores: pd.Series, lang: str) -> go.Figure:
    """Horizontal bars: one city's mean score (0-3) per essential, essential 1 on top."""
    names = essential_names(lang)
    values = [scores.get(e) for e in ESSENTIALS]
    text = [format_number(v, lang) if v is not None and pd.notna(v) else t("scorecard.state.not_assessed", lang)
            for v in values]
    fig = go.Figure(go.Bar(y=names, x=[v if v is not None and pd.notna(v) else 0 for v in values],
                           orientation="h", marker_color="#0072B2", text=text, textposition="outside",
                           hovertemplate="%{y}: %{text}<extra></extra>"))
    fig.update_layout(**base_layout(lang, height=420))
    fig.update_xaxes(range=[0, MAX_SCORE + 0.6], title=t("scorecard.score_axis", lang), dtick=1)
    fig.update_yaxes(autorange="reversed", automargin=True)
    return fig


def essentials_heatmap(matrix: pd.DataFrame, city_names: dict[str, str], lang: str) -> go.Figure:
    """Cities x essentials; cells without published scores grey and labelled 'not assessed'."""
    names = essential_names(lang)
    short = [str(e) for e in ESSENTIALS]
    cities = [city_names.get(c, c) for c in matrix.index]
    z = matrix.to_numpy(dtype=float)
    missing = pd.isna(z)
    label = t("scorecard.state.not_assessed", lang)
    text = [["—" if missing[i][j] else format_number(z[i][j], lang) for j in range(z.shape[1])]
            for i in range(z.shape[0])]
    hover = [[f"{cities[i]} · {names[j]}: {label if missing[i][j] else text[i][j]}" for j in range(z.shape[1])]
             for i in range(z.shape[0])]
    fig = go.Figure()
    fig.add_heatmap(z=[[1 if m else None for m in row] for row in missing], x=short, y=cities,
                    colorscale=[[0, NOT_ASSESSED_GREY], [1, NOT_ASSESSED_GREY]], showscale=False,
                    hoverinfo="skip", xgap=2, ygap=2)
    fig.add_heatmap(z=z, x=short, y=cities, zmin=0, zmax=MAX_SCORE, colorscale=SCORE_SCALE,
                    text=text, texttemplate="%{text}", customdata=hover, hovertemplate="%{customdata}<extra></extra>",
                    xgap=2, ygap=2, colorbar=dict(title=dict(text="0–3"), thickness=12, len=0.8))
    fig.add_heatmap(z=[[0 if m else None for m in row] for row in missing], x=short, y=cities,
                    colorscale=[[0, NOT_ASSESSED_GREY], [1, NOT_ASSESSED_GREY]], showscale=False,
                    text=text, texttemplate="%{text}", textfont=dict(size=14, color="#1f2933"),
                    customdata=hover, hovertemplate="%{customdata}<extra></extra>", xgap=2, ygap=2)
    fig.update_layout(**base_layout(lang, height=max(260, 60 * len(cities) + 120)))
    fig.update_xaxes(title=t("scorecard.col.essential", lang), side="top", type="category")
    fig.update_yaxes(autorange="reversed", automargin=True, type="category")
    return fig


def decade_bars(table: pd.DataFrame, city_names: dict[str, str], lang: str) -> go.Figure:
    """Horizontal bars per city, one colour per decade, for one indicator (no bar = no data).

    `table` has columns city_id, start, end, value."""
    fig = go.Figure()
    order = list(dict.fromkeys(table["city_id"]))
    labels = [city_names.get(c, c) for c in order]
    for (start, end), colour in zip(sorted({(r.start, r.end) for r in table.itertuples()}), DECADE_COLOURS):
        part = table[(table["start"] == start) & (table["end"] == end)].set_index("city_id").reindex(order)
        values = part["value"].astype(float)
        fig.add_bar(y=labels, x=values, orientation="h", name=f"{start}–{end}",
                    marker_color=colour, text=[format_number(v, lang, digits=2) if pd.notna(v) else t("losses.no_data", lang)
                                               for v in values],
                    textposition="outside", cliponaxis=False)
    fig.update_layout(**base_layout(lang, height=max(260, 48 * len(order) + 140)), barmode="group")
    fig.update_xaxes(rangemode="tozero")
    fig.update_yaxes(autorange="reversed", automargin=True)
    return fig
