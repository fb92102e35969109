"""Charts of the presenter slides and of the exported files (Plotly figures, no Dash).

The same figure builders as the pages wherever a page has one (`ranking_figure`,
`decomposition_figure`, the action plans' `city_status_figure`), restyled for a projector:
larger type and markers, thicker lines, no hover-only information. Charts that only the slides
need (rank stability, hazard levels, climate change by 2050, every city's risk outlook) are built
here from domain queries; a city's outlook is the `/outlook` page's fan chart
(`components.outlook_panel.city_fan_figure`).
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from components.action_views import city_status_figure
from components.charts import DIMENSION_COLOURS, base_layout, decomposition_figure, ranking_figure
from components.outlook_panel import CLASS_FILL, rgba, scenario_name
from domain.palette import (
    CONFIDENCE_COLOURS,
    GRID,
    GUIDE,
    HEADING,
    INK,
    MUTED,
    SCENARIO_COLOURS,
    SHARE_SCALE,
    SLATE,
    TRACK,
    WHITE,
    text_colour,
)
from domain.risk_index import DIMENSION_ORDER
from i18n import format_number, format_share, t

SCREEN_FONT = 18
IMAGE_FONT = 20
# Legends go above the plot, in a row: below it, a legend that wraps onto more rows on a narrow
# screen runs into the value axis's title.
LEGEND_ABOVE = {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0}


def for_projector(fig: go.Figure, font: int = SCREEN_FONT, height: int | None = None) -> go.Figure:
    """Larger type and markers, autosized to its box (or a fixed height for an image)."""
    scale = font / 13
    fig.update_layout(
        font=dict(size=font, color=HEADING), autosize=height is None, margin=dict(l=10, r=30, t=16, b=10)
    )
    if height is not None:
        fig.update_layout(height=height)
    else:
        fig.layout.height = None
    fig.update_layout(legend=dict(font=dict(size=font - 2)), uniformtext=dict(minsize=font - 6, mode="hide"))
    if fig.layout.legend.title.text:
        fig.update_layout(legend_title_side="top")
    for axis in ("xaxis", "yaxis"):
        title = fig.layout[axis].title.text
        if isinstance(title, str) and len(title) > 28:
            fig.layout[axis].title.font.size = font - 4  # long axis titles fit under narrower plots
    for trace in fig.data:
        if getattr(trace, "textfont", None) is not None and trace.type in ("bar", "scatter", "heatmap"):
            size = trace.textfont.size if isinstance(trace.textfont.size, (int, float)) else 13
            trace.textfont.size = round(size * scale)
        if (
            trace.type == "scatter"
            and trace.marker is not None
            and isinstance(trace.marker.size, (int, float))
        ):
            trace.marker.size = round(trace.marker.size * scale)
    return fig


def overview_figure(ranked: pd.DataFrame, dimension_names: dict[str, str], lang: str) -> go.Figure:
    """The overview: each city's rank (diamond) and the range of ranks it takes under random
    weightings (bar), coloured by the confidence label, with its score and label written beside.
    The comparison slide shows the scores with their dimensions; this one shows how sure they are."""
    if "rank_low" not in ranked or ranked["rank_low"].isna().all():
        fig = ranking_figure(ranked, dimension_names, lang)
        fig.update_layout(legend=LEGEND_ABOVE)
        return fig
    df = ranked.dropna(subset=["risk", "rank_low"]).sort_values("rank", ascending=False)
    n = int(df["rank_high"].max())
    fig = go.Figure()
    for level, colour in CONFIDENCE_COLOURS.items():
        part = df[df["confidence"] == level]
        if part.empty:
            continue
        fig.add_bar(
            y=part["name"],
            x=(part["rank_high"] - part["rank_low"] + 0.8).astype(float),
            base=(part["rank_low"] - 0.4).astype(float),
            orientation="h",
            marker_color=colour,
            opacity=0.35,
            name=t("confidence.label", lang, level=t(f"confidence.level.{level}", lang)),
            hoverinfo="skip",
        )
    fig.add_scatter(
        y=df["name"],
        x=df["rank"].astype(float),
        mode="markers+text",
        showlegend=False,
        marker=dict(symbol="diamond", size=14, color=INK),
        text=[
            f"{format_number(r, lang)} · {t(f'confidence.level.{c}', lang)}"
            for r, c in zip(df["risk"], df["confidence"])
        ],
        textposition="middle right",
        textfont=dict(size=13, color=INK),
        cliponaxis=False,
        hovertemplate="%{y}: %{x}<extra></extra>",
    )
    layout = base_layout(lang, height=64 * len(df) + 170)
    layout.update(
        barmode="overlay",
        bargap=0.45,
        xaxis=dict(
            range=[0.4, n + 1.9],
            tickvals=list(range(1, n + 1)),
            gridcolor=GRID,
            title=t("present.overview.rank_axis", lang),
            fixedrange=True,
        ),
        yaxis=dict(automargin=True, fixedrange=True),
        legend=LEGEND_ABOVE,
    )
    fig.update_layout(**layout)
    return fig


def compare_figure(
    table: pd.DataFrame,
    column: str,
    level: str,
    names: dict,
    dimension: str | None,
    axis_title: str,
    lang: str,
) -> go.Figure:
    """The comparison: ranked risk with its dimensions, or one bar per city for any other level."""
    if level == "risk":
        ranked = table.rename(columns={"score": "risk"}).assign(name=table["city_id"].map(names["city"]))
        fig = ranking_figure(ranked, names["dimension"], lang)
        fig.update_layout(xaxis_title_text=t("compare.axis", lang))
        return fig
    df = table.dropna(subset=[column]).sort_values(column)
    colour = DIMENSION_COLOURS.get(dimension or "", MUTED)
    labels = [format_number(v, lang, 1 if column != "value" or abs(v) < 1000 else 0) for v in df[column]]
    fig = go.Figure(
        go.Bar(
            y=df["city_id"].map(names["city"]),
            x=df[column],
            orientation="h",
            marker_color=colour,
            text=labels,
            textposition="outside",
            cliponaxis=False,
            textfont=dict(size=13),
        )
    )
    layout = base_layout(lang)
    xaxis = dict(title=axis_title, gridcolor=GRID, zeroline=True, zerolinecolor=GUIDE)
    if column == "score":
        xaxis["range"] = [0, 10.9]
    layout.update(xaxis=xaxis, yaxis=dict(automargin=True), showlegend=False, bargap=0.3)
    fig.update_layout(**layout)
    return fig


def stability_figure(shares: pd.DataFrame, city_names: dict[str, str], lang: str) -> go.Figure:
    """Cities by rank: the share of weightings in which each city takes each rank."""
    z = shares.to_numpy(dtype=float)
    text = [[format_share(v, lang) if v >= 0.005 else "" for v in row] for row in z]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[t("compare.stability.rank", lang, rank=int(r)) for r in shares.columns],
            y=[city_names.get(c, c) for c in shares.index],
            zmin=0,
            zmax=1,
            text=text,
            texttemplate="%{text}",
            textfont=dict(size=14),
            colorscale=SHARE_SCALE,
            showscale=False,
            xgap=3,
            ygap=3,
        )
    )
    layout = base_layout(lang)
    layout.update(xaxis=dict(side="top"), yaxis=dict(autorange="reversed", automargin=True))
    fig.update_layout(**layout)
    return fig


def city_figure(decomp: pd.DataFrame, names: dict, lang: str) -> go.Figure:
    """The city profile's chart: each category against the coalition median."""
    fig = decomposition_figure(decomp, names, lang)
    fig.update_layout(legend=LEGEND_ABOVE)
    return fig


def hazards_figure(hazards: pd.DataFrame, levels: pd.DataFrame, lang: str) -> go.Figure:
    """One bar per assessed hazard, its length and colour the hazard level, the level written on it
    (hazards not assessed have no level to draw; the slide and PDF list them in words)."""
    levels = levels.dropna(subset=["rank"])
    top = float(levels["rank"].max())
    df = hazards.dropna(subset=["rank"]).iloc[::-1]
    fig = go.Figure(
        go.Bar(
            y=df["name"],
            x=df["rank"] + 1,
            orientation="h",
            marker_color=df["colour"].tolist(),
            text=df["level_name"],
            textposition="inside",
            insidetextanchor="start",
            textfont=dict(size=13),
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    for tr in fig.data:
        tr.textfont.color = [text_colour(c) for c in df["colour"]]
    layout = base_layout(lang)
    ticks = levels.sort_values("rank")
    layout.update(
        xaxis=dict(
            range=[0, top + 1.05],
            tickvals=(ticks["rank"] + 1).tolist(),
            showticklabels=False,
            gridcolor=GRID,
            title=t("profile.hazard_level", lang),
        ),
        yaxis=dict(automargin=True),
        showlegend=False,
        bargap=0.25,
    )
    fig.update_layout(**layout)
    return fig


def trends_figure(
    horizons: pd.DataFrame, city_names: dict[str, str], axis_title: str, year: int, lang: str, digits: int = 1
) -> go.Figure:
    """Change by `year` per city (rows) and scenario (bars), whiskers from p10 to p90."""
    df = horizons[horizons["year"] == year]
    high = df[df["scenario"] == "ssp585"].set_index("city_id")["change"]
    order = list(dict.fromkeys(df["city_id"]))
    order = sorted(order, key=lambda c: float(high.get(c, float("nan"))) if pd.notna(high.get(c)) else -1e9)
    fig = go.Figure()
    for scen, colour in SCENARIO_COLOURS.items():
        part = df[df["scenario"] == scen].set_index("city_id").reindex(order)
        if part["change"].isna().all():
            continue
        fig.add_bar(
            y=[city_names.get(c, c) for c in order],
            x=part["change"],
            orientation="h",
            name=t(f"trends.scen.{scen}", lang),
            marker_color=colour,
            error_x=dict(
                type="data",
                symmetric=False,
                array=(part["change_p90"] - part["change"]).tolist(),
                arrayminus=(part["change"] - part["change_p10"]).tolist(),
                color=MUTED,
                thickness=1.5,
                width=4,
            ),
            text=[format_number(v, lang, digits) if v == v else "" for v in part["change"]],
            textposition="inside",
            insidetextanchor="end",
            textfont=dict(size=12, color=WHITE),
        )
    layout = base_layout(lang)
    layout.update(
        barmode="group",
        bargap=0.22,
        xaxis=dict(title=axis_title, gridcolor=GRID, zeroline=True, zerolinecolor=MUTED, rangemode="tozero"),
        yaxis=dict(automargin=True),
        legend={**LEGEND_ABOVE, "traceorder": "normal"},
    )
    fig.update_layout(**layout)
    return fig


def outlook_figure(
    ranking: pd.DataFrame,
    city_names: dict[str, str],
    classes: pd.DataFrame,
    scenario: str,
    year: int,
    lang: str,
) -> go.Figure:
    """Every city's risk index today (diamond, thin line: its range over weightings) and at `year`
    under `scenario` (circle: median climate; thick bar: 10th-90th percentile over climate members x
    weightings), highest risk today at the top, risk classes as pale bands.

    `ranking` is `domain.outlook.ranking_table(result, year)`.
    """
    df = ranking.dropna(subset=["today_risk"]).reset_index(drop=True)
    colour = SCENARIO_COLOURS.get(scenario, INK)
    n = len(df)
    y_city = [n - 1 - i for i in range(n)]  # first row (highest today) at the top
    y_today = [y + 0.18 for y in y_city]
    y_then = [y - 0.18 for y in y_city]

    def segments(lo, hi, ys):
        xs, yy = [], []
        for a, b, y in zip(lo, hi, ys):
            xs += [a, b, None]
            yy += [y, y, None]
        return xs, yy

    fig = go.Figure()
    xs, yy = segments(df["today_risk_p10"], df["today_risk_p90"], y_today)
    fig.add_scatter(
        x=xs,
        y=yy,
        mode="lines",
        line=dict(color=TRACK, width=3),
        hoverinfo="skip",
        showlegend=False,
        legendgroup="today",
    )
    fig.add_scatter(
        x=df["today_risk"],
        y=y_today,
        mode="markers+text",
        name=t("outlook.today", lang),
        legendgroup="today",
        marker=dict(symbol="diamond", size=12, color=INK, line=dict(color="white", width=1)),
        text=[format_number(v, lang, 1) for v in df["today_risk"]],
        textposition="top center",
        textfont=dict(size=12, color=SLATE),
        cliponaxis=False,
        hovertemplate="%{y}: %{x:.1f}<extra></extra>",
    )
    point, lo, hi = df[f"{scenario}_risk"], df[f"{scenario}_risk_p10"], df[f"{scenario}_risk_p90"]
    xs, yy = segments(lo, hi, y_then)
    fig.add_scatter(
        x=xs,
        y=yy,
        mode="lines",
        line=dict(color=rgba(colour, 0.45), width=12),
        name=t("present.outlook.legend_range", lang),
        hoverinfo="skip",
    )
    fig.add_scatter(
        x=point,
        y=y_then,
        mode="markers",
        name=t("present.outlook.legend_point", lang, year=year, scenario=scenario_name(scenario, lang)),
        marker=dict(symbol="circle", size=11, color=colour, line=dict(color="white", width=1.5)),
        hovertemplate="%{x:.1f}<extra></extra>",
    )
    labels = [
        f"  {format_number(p, lang, 1)} ({format_number(a, lang, 1)}–{format_number(b, lang, 1)})"
        if p == p
        else ""
        for p, a, b in zip(point, lo, hi)
    ]
    fig.add_scatter(
        x=hi,
        y=y_then,
        mode="text",
        text=labels,
        textposition="middle right",
        textfont=dict(size=12, color=HEADING),
        showlegend=False,
        hoverinfo="skip",
        cliponaxis=False,
    )
    lows = pd.concat([df["today_risk_p10"], lo]).dropna()
    highs = pd.concat([df["today_risk_p90"], hi]).dropna()
    x0 = max(0.0, float(lows.min()) - 0.3) if len(lows) else 0.0
    x1 = min(10.0, float(highs.max()) + 1.4) if len(highs) else 10.0
    for _, c in classes.sort_values("lower").iterrows():
        a, b = max(float(c["lower"]), x0), min(float(c["upper"]), x1)
        if b <= a:
            continue
        fig.add_vrect(x0=a, x1=b, fillcolor=c["colour"], opacity=CLASS_FILL, line_width=0, layer="below")
        if (b - a) / (x1 - x0) >= 0.12:  # a sliver at the edge keeps its colour but not a label
            fig.add_annotation(
                x=(a + b) / 2,
                xref="x",
                y=1,
                yref="paper",
                yanchor="bottom",
                showarrow=False,
                text=c[f"name_{lang}"],
                font=dict(size=14, color=MUTED),
            )
    layout = base_layout(lang)
    layout.update(
        xaxis=dict(range=[x0, x1], title=t("outlook.axis_risk", lang), gridcolor=GRID, zeroline=False),
        yaxis=dict(
            tickvals=y_city,
            ticktext=[city_names.get(c, c) for c in df["city_id"]],
            range=[-0.6, n - 0.4],
            automargin=True,
            showgrid=False,
            zeroline=False,
        ),
        legend=LEGEND_ABOVE,
        hovermode="closest",
    )
    fig.update_layout(**layout)
    return fig


def actions_figure(by_city: pd.DataFrame, city_names: dict[str, str], lang: str) -> go.Figure:
    """Action plans: the /actions page's chart (actions per city stacked by status)."""
    return city_status_figure(by_city, city_names, lang)


def dimension_names(tables, lang: str) -> dict[str, str]:
    dims = tables["dimensions"]
    return {d: n for d, n in zip(dims["dimension"], dims[f"name_{lang}"]) if d in DIMENSION_ORDER}
