"""Plotly figures built from plain DataFrames, labelled in the chosen language."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from domain.palette import BLACK, DIMENSION_COLOURS, GRID, GUIDE, INK, MUTED, WHITE
from i18n import format_number, plotly_separators, t

DIMENSIONS = tuple(DIMENSION_COLOURS)
TEMPLATE = "coalition"
FONT_FAMILY = "DejaVu Sans, Verdana, sans-serif"


def coalition_template() -> go.layout.Template:
    """The charts' look from the palette: Plotly's default template with the app's type on white."""
    template = go.layout.Template(pio.templates["plotly"])
    template.layout.update(
        font=dict(family=FONT_FAMILY, size=13, color=INK), paper_bgcolor=WHITE, plot_bgcolor=WHITE
    )
    return template


pio.templates[TEMPLATE] = coalition_template()


def base_layout(lang: str, height: int = 360) -> dict:
    """Layout settings every figure shares: the coalition template, locale separators, margins."""
    return dict(
        template=TEMPLATE,
        separators=plotly_separators(lang),
        margin=dict(l=10, r=20, t=10, b=10),
        height=height,
        legend=dict(orientation="h", yanchor="top", y=-0.18, x=0),
    )


def message_figure(lang: str, message: str, height: int = 320, font_size: int | None = None) -> go.Figure:
    """An empty chart that says why there is nothing to draw (no values, no city chosen)."""
    fig = go.Figure()
    fig.update_layout(**base_layout(lang, height=height))
    note = dict(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    if font_size:
        note["font"] = dict(size=font_size)
    fig.update_layout(xaxis=dict(visible=False), yaxis=dict(visible=False), annotations=[note])
    return fig


def graph_config(lang: str) -> dict:
    """dcc.Graph config: the locale, no plotly logo, no external links."""
    return {
        "locale": lang,
        "displaylogo": False,
        "responsive": True,
        "modeBarButtonsToRemove": ["lasso2d", "select2d"],
        "showLink": False,
        "toImageButtonOptions": {"format": "png", "scale": 2},
    }


def figure_height(rows: int) -> int:
    """Height in pixels of a horizontal bar chart with `rows` bars groups, legend below."""
    return max(300, 64 * rows + 170)


def rank_range_labels(df: pd.DataFrame, lang: str) -> list[str]:
    """Axis labels: the city name, and under it its rank range under random weightings when known."""
    if "rank_low" not in df:
        return df["name"].tolist()
    labels = []
    for name, low, high in zip(df["name"], df["rank_low"], df["rank_high"]):
        if pd.isna(low):
            labels.append(name)
            continue
        key = "confidence.chart_rank" if int(low) == int(high) else "confidence.chart_ranks"
        short = t(key, lang, rank=int(low), low=int(low), high=int(high))
        labels.append(f"{name}<br><span style='font-size:11px;color:{MUTED}'>{short}</span>")
    return labels


def ranking_figure(
    ranked: pd.DataFrame, dimension_names: dict[str, str], lang: str, figure_type: type = go.Figure
):
    """Horizontal bars: composite risk per city, with its three dimensions beside it, and under each
    name the range of ranks the city takes under random weightings (when the table has it).
    Pages ask for a `components.figure_dict.FigureDict` (`figure_type`), the slides for a go.Figure."""
    df = ranked.dropna(subset=["risk"]).sort_values("risk")
    df = df.assign(label=rank_range_labels(df, lang))
    fig = figure_type()
    for dim in DIMENSIONS:
        fig.add_bar(
            y=df["label"],
            x=df[dim],
            orientation="h",
            name=dimension_names[dim],
            marker_color=DIMENSION_COLOURS[dim],
            opacity=0.85,
            hovertemplate="%{y}: %{x:.1f}<extra>" + dimension_names[dim] + "</extra>",
        )
    fig.add_scatter(
        y=df["label"],
        x=df["risk"],
        mode="markers+text",
        name=t("index.risk", lang),
        marker=dict(symbol="diamond", size=14, color=INK, line=dict(color="white", width=1)),
        text=[f"{v:.1f}".replace(".", ",") if lang == "ru" else f"{v:.1f}" for v in df["risk"]],
        textposition="middle right",
        textfont=dict(size=13, color=INK),
        hovertemplate="%{y}: %{x:.1f}<extra>" + t("index.risk", lang) + "</extra>",
    )
    layout = base_layout(lang, height=figure_height(len(df)))
    layout.update(
        barmode="group",
        bargap=0.25,
        xaxis=dict(range=[0, 10], title=t("index.score_axis", lang), gridcolor=GRID, fixedrange=True),
        yaxis=dict(fixedrange=True, automargin=True),
    )
    fig.update_layout(**layout)
    return fig


def decomposition_figure(decomp: pd.DataFrame, names: dict, lang: str, figure_type: type = go.Figure):
    """Each category: the city's score (diamond) against the coalition median (circle).

    Used by the city profile (as a `FigureDict`, `figure_type`) and by presenter slides and exports.
    """
    cats = decomp[decomp["level"] == "category"].copy()
    cats["label"] = cats["id"].map(names["category"])
    fig = figure_type()
    xs, ys = [], []
    for _, r in cats.iterrows():
        if pd.notna(r["score"]) and pd.notna(r["median"]):
            xs += [r["median"], r["score"], None]
            ys += [r["label"], r["label"], None]
    fig.add_scatter(
        x=xs, y=ys, mode="lines", line=dict(color=GUIDE, width=3), hoverinfo="skip", showlegend=False
    )
    fig.add_scatter(
        x=cats["median"],
        y=cats["label"],
        mode="markers",
        name=t("profile.median", lang),
        marker=dict(symbol="circle-open", size=11, color=MUTED, line=dict(width=2)),
        customdata=[format_number(v, lang) for v in cats["median"]],
        hovertemplate="%{y}: %{customdata}<extra>" + t("profile.median", lang) + "</extra>",
    )
    shown = cats.dropna(subset=["score"])
    fig.add_scatter(
        x=shown["score"],
        y=shown["label"],
        mode="markers",
        name=t("profile.this_city", lang),
        marker=dict(
            symbol="diamond",
            size=13,
            color=[DIMENSION_COLOURS[d] for d in shown["dimension"]],
            line=dict(color="white", width=1),
        ),
        customdata=[format_number(v, lang) for v in shown["score"]],
        hovertemplate="%{y}: %{customdata}<extra>" + t("profile.this_city", lang) + "</extra>",
    )
    layout = base_layout(lang, height=28 * len(cats) + 150)
    layout.update(
        xaxis=dict(range=[-0.2, 10.2], title=t("index.score_axis", lang), gridcolor=GRID, fixedrange=True),
        yaxis=dict(
            autorange="reversed",
            automargin=True,
            fixedrange=True,
            categoryorder="array",
            categoryarray=cats["label"].tolist(),
        ),
        margin=dict(l=10, r=20, t=10, b=10),
    )
    fig.update_layout(**layout)
    return fig


def preload_figure_code() -> None:
    """Build and serialise one small figure with every trace type and layout part the pages use.

    Plotly imports the validator of each trace type and property the first time it is set, which
    cost a worker's first visitor about 0.1–0.3 s; a worker calls this while it starts instead."""
    fig = go.Figure(
        [
            go.Bar(
                x=[1],
                y=["a"],
                orientation="h",
                marker_color=BLACK,
                opacity=0.5,
                hovertemplate="%{x}",
                name="a",
                text=["a"],
                textposition="outside",
                customdata=[[1]],
            ),
            go.Scatter(
                x=[1],
                y=[1],
                mode="lines+markers+text",
                fill="toself",
                line=dict(width=1, dash="dot"),
                marker=dict(size=3, symbol="diamond", line=dict(color=WHITE, width=1)),
                text=["a"],
                textposition="middle right",
                textfont=dict(size=3),
                hovertemplate="%{y}",
                customdata=[[1]],
                showlegend=False,
                legendgroup="a",
                fillcolor="rgba(0,0,0,0.1)",
            ),
            go.Heatmap(
                z=[[1]],
                x=["a"],
                y=["b"],
                colorscale="RdBu",
                zmid=0,
                colorbar=dict(title=dict(text="x")),
                texttemplate="%{z}",
                hovertemplate="%{z}",
            ),
            go.Scatterpolar(r=[1], theta=["a"], fill="toself", name="a"),
        ]
    )
    fig.update_layout(
        **base_layout("en"),
        barmode="group",
        bargap=0.2,
        hovermode="x unified",
        xaxis=dict(range=[0, 1], title=dict(text="x"), gridcolor=GRID, fixedrange=True, tickformat=".1f"),
        yaxis=dict(automargin=True, zeroline=True, autorange="reversed"),
        polar=dict(radialaxis=dict(range=[0, 10])),
        title=dict(text="t"),
    )
    fig.add_annotation(text="a", x=0, y=0, showarrow=False, xref="paper", yref="paper", font=dict(size=3))
    fig.add_vrect(x0=0, x1=1, fillcolor=GRID, opacity=0.5, line_width=0, layer="below")
    fig.add_vline(x=0, line=dict(color=BLACK, dash="dot", width=1))
    fig.add_hrect(y0=0, y1=1, fillcolor=GRID)
    fig.add_hline(y=0)
    fig.to_plotly_json()
