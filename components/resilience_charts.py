"""Figures of the scorecard and loss pages, from plain DataFrames, labelled in the chosen language."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from components.charts import base_layout
from components.figure_dict import FigureDict
from domain.palette import DECADE_COLOURS, INK, NOT_ASSESSED, OKABE_ITO, SCORE_SCALE
from domain.scorecard import ESSENTIALS, MAX_SCORE
from i18n import format_number, t


def essential_names(lang: str) -> list[str]:
    return [t(f"scorecard.essential.{e}", lang) for e in ESSENTIALS]


def wrap(text: str, width: int = 22) -> str:
    """Break a label into lines of at most about `width` characters (Plotly's `<br>`)."""
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "<br>".join(lines + [line])


def essentials_bar(scores: pd.Series, lang: str) -> go.Figure:
    """Horizontal bars: one city's mean score (0-3) per essential, essential 1 on top."""
    names = [wrap(n) for n in essential_names(lang)]
    values = [scores.get(e) for e in ESSENTIALS]
    text = [
        format_number(v, lang) if v is not None and pd.notna(v) else t("scorecard.state.not_assessed", lang)
        for v in values
    ]
    fig = go.Figure(
        go.Bar(
            y=names,
            x=[v if v is not None and pd.notna(v) else 0 for v in values],
            orientation="h",
            marker_color=OKABE_ITO["blue"],
            text=text,
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    fig.update_layout(**base_layout(lang, height=520))
    fig.update_xaxes(range=[0, MAX_SCORE + 0.4], title=t("scorecard.score_axis", lang), dtick=1)
    fig.update_yaxes(autorange="reversed", automargin=True, tickfont=dict(size=12))
    return fig


def essentials_heatmap(matrix: pd.DataFrame, city_names: dict[str, str], lang: str) -> go.Figure:
    """Essentials (rows, 1 on top) x cities (columns); cells without published scores grey with
    a dash (the page's legend and the hover say "not assessed")."""
    names = essential_names(lang)
    rows = [str(e) for e in ESSENTIALS]
    cities = [wrap(city_names.get(c, c), 12) for c in matrix.index]
    z = matrix.to_numpy(dtype=float).T  # essentials x cities
    missing = pd.isna(z)
    label = t("scorecard.state.not_assessed", lang)
    text = [
        ["—" if missing[i][j] else format_number(z[i][j], lang) for j in range(z.shape[1])]
        for i in range(z.shape[0])
    ]
    hover = [
        [
            f"{city_names.get(matrix.index[j], matrix.index[j])} · {names[i]}: "
            f"{label if missing[i][j] else text[i][j]}"
            for j in range(z.shape[1])
        ]
        for i in range(z.shape[0])
    ]
    grey = [[0, NOT_ASSESSED], [1, NOT_ASSESSED]]
    fig = go.Figure()
    fig.add_heatmap(
        z=[[1 if m else None for m in row] for row in missing],
        x=cities,
        y=rows,
        colorscale=grey,
        showscale=False,
        hoverinfo="skip",
        xgap=2,
        ygap=2,
    )
    fig.add_heatmap(
        z=z,
        x=cities,
        y=rows,
        zmin=0,
        zmax=MAX_SCORE,
        colorscale=SCORE_SCALE,
        showscale=False,
        text=text,
        texttemplate="%{text}",
        customdata=hover,
        hovertemplate="%{customdata}<extra></extra>",
        xgap=2,
        ygap=2,
    )
    fig.add_heatmap(
        z=[[0 if m else None for m in row] for row in missing],
        x=cities,
        y=rows,
        colorscale=grey,
        showscale=False,
        text=text,
        texttemplate="%{text}",
        textfont=dict(size=14, color=INK),
        customdata=hover,
        hovertemplate="%{customdata}<extra></extra>",
        xgap=2,
        ygap=2,
    )
    layout = base_layout(lang, height=540)
    layout["margin"] = dict(layout["margin"], t=56)  # room for the toolbar above the city names
    fig.update_layout(**layout)
    fig.update_xaxes(side="top", type="category", automargin=True)
    fig.update_yaxes(title=t("scorecard.col.essential", lang), autorange="reversed", type="category")
    return fig


def decade_bars(
    table: pd.DataFrame, city_names: dict[str, str], lang: str, figure_type: type = go.Figure
) -> go.Figure | FigureDict:
    """Horizontal bars per city, one colour per decade, for one indicator (no bar = no data).

    `table` has columns city_id, start, end, value. The page asks for a `FigureDict`
    (`figure_type`), the exports for a go.Figure."""
    fig = figure_type()
    order = list(dict.fromkeys(table["city_id"]))
    labels = [city_names.get(c, c) for c in order]
    for (start, end), colour in zip(sorted({(r.start, r.end) for r in table.itertuples()}), DECADE_COLOURS):
        part = table[(table["start"] == start) & (table["end"] == end)].set_index("city_id").reindex(order)
        values = part["value"].astype(float)
        fig.add_bar(
            y=labels,
            x=values,
            orientation="h",
            name=f"{start}–{end}",
            marker_color=colour,
            text=[
                format_number(v, lang, digits=2) if pd.notna(v) else t("losses.no_data", lang) for v in values
            ],
            textposition="outside",
            cliponaxis=False,
        )
    fig.update_layout(**base_layout(lang, height=max(260, 48 * len(order) + 160)), barmode="group")
    fig.update_xaxes(rangemode="tozero", title=t("losses.chart_axis", lang))
    fig.update_yaxes(autorange="reversed", automargin=True)
    return fig
