"""Pieces of the action-plan pages: status chips, progress bars, charts and the MCR2030 matrix.

Everything takes plain data (DataFrames, dicts of names) and a language, and returns Dash
components or Plotly figures. Statuses are always written out, never shown by colour alone.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go
from dash import html

from components.charts import base_layout
from components.figure_dict import FigureDict
from domain.actions import ESSENTIALS, STATUSES
from domain.palette import (
    ACTION_STATUS_COLOURS,
    GRID,
    GUIDE,
    INK,
    OKABE_ITO,
    OVERDUE_COLOUR,
    PLANNED_BAND,
    WHITE,
)
from i18n import format_day, format_int, format_money, format_share, t


def status_name(status: str, lang: str) -> str:
    return t(f"actions.status.{status}", lang)


def status_chip(status: str, lang: str) -> html.Span:
    return html.Span(status_name(status, lang), className=f"act-status act-{status}")


def money(value: float | None, lang: str) -> str:
    """US dollars through Babel: millions with one decimal from 1 million up, whole dollars below."""
    return format_money(value, lang)


def percent(value: float | None, lang: str) -> str:
    """A 0-100 percentage in the locale ('45 %', '45%')."""
    return format_share(None if value is None else value / 100, lang)


def progress_bar(value: float, lang: str, label: str | None = None) -> html.Div:
    """An accessible progress bar with its number written beside it."""
    pct = max(0.0, min(100.0, float(value))) if value == value else 0.0
    return html.Div(
        [
            html.Div(
                html.Div(className="act-bar-fill", style={"width": f"{pct:.0f}%"}),
                className="act-bar",
                role="progressbar",
                **{
                    "aria-valuenow": f"{pct:.0f}",
                    "aria-valuemin": "0",
                    "aria-valuemax": "100",
                    "aria-label": label or t("actions.progress", lang),
                },
            ),
            html.Span(percent(value, lang), className="act-bar-text"),
        ],
        className="act-progress",
    )


def _status_traces(
    fig: go.Figure | FigureDict,
    frame: pd.DataFrame,
    category: list[str],
    lang: str,
    width: float | None = None,
) -> None:
    for status in STATUSES:
        if status not in frame or not frame[status].any():
            continue
        fig.add_bar(
            y=category,
            x=frame[status],
            orientation="h",
            name=status_name(status, lang),
            width=width,
            marker_color=ACTION_STATUS_COLOURS[status],
            text=frame[status].where(frame[status] > 0, None),
            textposition="inside",
            insidetextanchor="middle",
            hovertemplate="%{y}: %{x}<extra>" + status_name(status, lang) + "</extra>",
        )


def city_status_figure(
    summary: pd.DataFrame, city_names: dict[str, str], lang: str, figure_type: type = go.Figure
) -> go.Figure | FigureDict:
    """Actions per city stacked by status, with the budget-weighted progress written at the end
    (the page asks for a `FigureDict`, the slides for a `go.Figure` they restyle)."""
    df = summary.sort_values("weighted_progress", ascending=True)
    names = [
        f"{city_names.get(c, c)} · {percent(p, lang)}" for c, p in zip(df["city_id"], df["weighted_progress"])
    ]
    fig = figure_type()
    _status_traces(fig, df, names, lang)
    layout = base_layout(lang, height=max(260, 48 * len(df) + 130))
    layout.update(_count_axes(lang), margin=dict(l=10, r=10, t=60, b=10))
    fig.update_layout(**layout)
    return fig


def _count_axes(lang: str) -> dict:
    """Stacked status bars: counts on x, the legend (statuses, illustrative) below, in status order."""
    return dict(
        barmode="stack",
        bargap=0.3,
        xaxis=dict(gridcolor=GRID, fixedrange=True, dtick=5, rangemode="tozero"),
        yaxis=dict(fixedrange=True, automargin=True),
        legend={**LEGEND_ABOVE, "title_text": t("actions.legend_status", lang)},
    )


def group_status_figure(summary: pd.DataFrame, level: str, labels: dict, lang: str) -> FigureDict:
    """Actions per Sendai priority or target, stacked by status (label: short name)."""
    df = summary.sort_values(level, ascending=False)
    names = [labels.get(k, str(k)) for k in df[level]]
    fig = FigureDict()
    _status_traces(fig, df, names, lang, width=0.45)
    labels_above_bars(fig, names, names)
    layout = base_layout(lang, height=max(240, 58 * len(df) + 150))
    layout.update(_count_axes(lang), margin=dict(l=10, r=10, t=60, b=10))
    fig.update_layout(**layout)
    return fig


def mcr_table(
    counts: pd.DataFrame,
    progress: pd.DataFrame,
    city_names: dict[str, str],
    essential_names: dict[int, str],
    lang: str,
    table_id: str,
) -> html.Div:
    """Cities x the ten Essentials: actions and weighted progress per cell, shaded by progress."""
    head = [html.Th(t("actions.city", lang), scope="col")]
    head += [html.Th(html.Abbr(str(e), title=essential_names[e]), scope="col") for e in ESSENTIALS]
    rows = []
    for city in counts.index:
        cells = [html.Th(city_names.get(city, city), scope="row")]
        for e in ESSENTIALS:
            n = int(counts.loc[city, e])
            if n == 0:
                cells.append(html.Td("—", className="mcr-empty", title=t("actions.mcr_none", lang)))
                continue
            p = float(progress.loc[city, e])
            shade = 0.12 + 0.6 * (p / 100 if p == p else 0)
            cells.append(
                html.Td(
                    [
                        html.Span(format_int(n, lang), className="mcr-n"),
                        html.Span(percent(p, lang), className="mcr-p"),
                    ],
                    style={"background": f"rgba(0, 114, 178, {shade:.2f})"},
                    title=f"{essential_names[e]}: " + t("actions.mcr_cell", lang, n=n, p=percent(p, lang)),
                )
            )
        rows.append(html.Tr(cells))
    legend = html.Ol([html.Li(essential_names[e], value=str(e)) for e in ESSENTIALS], className="mcr-legend")
    return html.Div(
        [
            html.Div(
                html.Table(
                    [
                        html.Caption(t("actions.mcr_caption", lang)),
                        html.Thead(html.Tr(head)),
                        html.Tbody(rows),
                    ],
                    className="simple-table mcr-table",
                    id=table_id,
                ),
                className="table-scroll",
                tabIndex="0",
                role="region",
                **{"aria-label": t("actions.mcr_caption", lang)},
            ),
            legend,
        ]
    )


def timeline_figure(frame: pd.DataFrame, labels: list[str], lang: str, today: date) -> FigureDict:
    """Planned (light) against actual (coloured by status) dates per action; overdue ones marked."""
    df = frame.reset_index(drop=True)
    ys = list(labels)
    fig = FigureDict()
    start = pd.to_datetime(df["planned_start"])
    end = pd.to_datetime(df["planned_end"]) + pd.Timedelta(days=1)
    fig.add_bar(
        y=ys,
        base=start,
        x=(end - start).dt.total_seconds() * 1000,
        orientation="h",
        name=t("actions.planned_dates", lang),
        marker_color=PLANNED_BAND,
        marker_line_color=GUIDE,
        marker_line_width=1,
        width=0.8,
        customdata=list(
            zip(
                df["planned_start"].map(lambda d: format_day(d, lang, "medium")),
                df["planned_end"].map(lambda d: format_day(d, lang, "medium")),
            )
        ),
        hovertemplate="%{y}<br>"
        + t("actions.planned_dates", lang)
        + ": %{customdata[0]} – %{customdata[1]}<extra></extra>",
    )
    now = pd.Timestamp(today)
    for status in STATUSES:
        part = df[(df["status"] == status) & df["actual_start"].notna()]
        if part.empty:
            continue
        a_start = pd.to_datetime(part["actual_start"])
        # Open actions run to today; a cancelled one stops at its last update.
        stop = pd.to_datetime(part["last_update"]) if status == "cancelled" and "last_update" in part else now
        a_end = pd.to_datetime(part["actual_end"]).fillna(stop).fillna(now) + pd.Timedelta(days=1)
        fig.add_bar(
            y=[ys[i] for i in part.index],
            base=a_start,
            x=(a_end - a_start).dt.total_seconds() * 1000,
            orientation="h",
            width=0.4,
            marker_color=ACTION_STATUS_COLOURS[status],
            name=t("actions.actual_dates", lang) + ": " + status_name(status, lang),
            customdata=list(
                zip(
                    part["actual_start"].map(lambda d: format_day(d, lang, "medium")),
                    part["actual_end"].map(
                        lambda d: format_day(d, lang, "medium") if isinstance(d, str) else "…"
                    ),
                    part["progress_pct"].map(lambda v: percent(v, lang)),
                )
            ),
            hovertemplate="%{y}<br>"
            + t("actions.actual_dates", lang)
            + ": %{customdata[0]} – %{customdata[1]} · %{customdata[2]}<extra>"
            + status_name(status, lang)
            + "</extra>",
        )
    late = df[df["overdue"]]
    if len(late):
        fig.add_scatter(
            y=[ys[i] for i in late.index],
            x=pd.to_datetime(late["planned_end"]),
            mode="markers",
            name=t("actions.overdue", lang),
            marker=dict(symbol="x", size=11, color=OVERDUE_COLOUR, line=dict(width=1, color=OVERDUE_COLOUR)),
            customdata=late["days_overdue"],
            hovertemplate="%{y}<br>" + t("actions.overdue_days_hover", lang) + "<extra></extra>",
        )
    layout = base_layout(lang, height=max(300, 26 * len(df) + 170))
    layout.update(
        barmode="overlay",
        bargap=0.2,
        xaxis=dict(type="date", gridcolor=GRID, title=None, side="top", nticks=5),
        yaxis=dict(autorange="reversed", automargin=True, tickfont=dict(size=11)),
        legend=dict(
            orientation="h", yanchor="top", y=-0.01, x=0, title_text=t("actions.legend_illustrative", lang)
        ),
        margin=dict(l=10, r=20, t=30, b=90),
        shapes=[
            dict(
                type="line",
                xref="x",
                yref="paper",
                x0=now,
                x1=now,
                y0=0,
                y1=1,
                line=dict(color=INK, width=1.5, dash="dot"),
            )
        ],
    )
    fig.update_layout(**layout)
    return fig


LEGEND_ABOVE = dict(orientation="h", yanchor="bottom", y=1.02, x=0, traceorder="normal", title_side="top")


def labels_above_bars(fig: go.Figure | FigureDict, categories: list[str], texts: list[str]) -> None:
    """Write each bar's label inside the plot, above its bar and left-aligned, instead of as a
    tick label: long names then take the chart's whole width, which fits a phone."""
    fig.update_yaxes(showticklabels=False)
    for category, text in zip(categories, texts):
        fig.add_annotation(
            x=0,
            xref="paper",
            y=category,
            yref="y",
            yshift=15,
            xanchor="left",
            yanchor="bottom",
            text=text,
            showarrow=False,
            align="left",
            font=dict(size=12, color=INK),
        )


def funding_city_figure(summary: pd.DataFrame, city_names: dict[str, str], lang: str) -> FigureDict:
    """Per city: funded and unfunded (gap) parts of the budget, in millions of USD, the amounts
    written inside the bars; the largest gap on top, the legend above (fits a phone)."""
    df = summary.sort_values("gap", ascending=True)
    names = [city_names.get(c, c) for c in df["city_id"]]
    fig = FigureDict()
    for column, colour, text_colour in (
        ("funded", OKABE_ITO["bluish_green"], WHITE),
        ("gap", OKABE_ITO["orange"], INK),
    ):
        label = t(f"actions.{column}", lang)
        fig.add_bar(
            y=names,
            x=df[column] / 1e6,
            orientation="h",
            name=label,
            marker_color=colour,
            text=[money(v, lang) if v else "" for v in df[column]],
            textposition="inside",
            insidetextanchor="middle",
            textfont=dict(color=text_colour),
            customdata=[money(v, lang) for v in df[column]],
            hovertemplate="%{y}: %{customdata}<extra>" + label + "</extra>",
        )
    layout = base_layout(lang, height=max(240, 48 * len(df) + 110))
    layout.update(
        barmode="stack",
        bargap=0.3,
        uniformtext=dict(minsize=10, mode="hide"),
        xaxis=dict(title=t("actions.axis_musd", lang), gridcolor=GRID, fixedrange=True, nticks=5),
        yaxis=dict(fixedrange=True, automargin=True),
        legend={**LEGEND_ABOVE, "title_text": t("actions.legend_illustrative", lang)},
        margin=dict(l=10, r=10, t=40, b=10),
    )
    fig.update_layout(**layout)
    return fig


def funding_table(summary: pd.DataFrame, city_names: dict[str, str], lang: str, table_id: str) -> html.Table:
    """Per city, largest gap first: budget, funded, gap and the share of the budget funded."""
    df = summary.sort_values("gap", ascending=False)
    head = html.Tr(
        [
            html.Th(t(k, lang), scope="col")
            for k in (
                "actions.city",
                "actions.gap",
                "actions.stat.budget",
                "actions.funded",
                "actions.funded_share",
            )
        ]
    )
    rows = [
        html.Tr(
            [
                html.Th(city_names.get(r["city_id"], r["city_id"]), scope="row"),
                html.Td(html.Strong(money(r["gap"], lang))),
                html.Td(money(r["budget"], lang)),
                html.Td(money(r["funded"], lang)),
                html.Td(percent(100 * r["funded"] / r["budget"], lang) if r["budget"] else "—"),
            ]
        )
        for _, r in df.iterrows()
    ]
    return html.Table(
        [html.Caption(t("actions.funding_table", lang)), html.Thead(head), html.Tbody(rows)],
        className="simple-table act-funding-table",
        id=table_id,
        tabIndex="0",
    )  # scrolls on a phone


def funder_figure(funders: pd.DataFrame, funder_names: dict[str, str], lang: str) -> FigureDict:
    """Amount funded per kind of funder, in millions of USD."""
    df = funders.sort_values("funded", ascending=True)
    names = [f"{funder_names.get(f, f)} ({int(n)})" for f, n in zip(df["funder"], df["actions"])]
    fig = FigureDict()
    labels_above_bars(fig, names, [f"{n}: {money(v, lang)}" for n, v in zip(names, df["funded"])])
    fig.add_bar(
        y=names,
        x=df["funded"] / 1e6,
        orientation="h",
        name=t("actions.funded", lang),
        width=0.45,
        marker_color=OKABE_ITO["blue"],
        customdata=[t("actions.n_actions", lang, n=int(n)) for n in df["actions"]],
        hovertemplate="%{y}: %{x:.2f} · %{customdata}<extra></extra>",
    )
    layout = base_layout(lang, height=max(260, 56 * len(df) + 150))
    layout.update(
        xaxis=dict(title=t("actions.axis_musd", lang), gridcolor=GRID, fixedrange=True, nticks=5),
        yaxis=dict(fixedrange=True, automargin=True),
        showlegend=True,
        legend={**LEGEND_ABOVE, "title_text": t("actions.legend_illustrative", lang)},
        margin=dict(l=10, r=10, t=40, b=10),
    )
    fig.update_layout(**layout)
    return fig


def history_figure(history: pd.DataFrame, lang: str) -> FigureDict:
    """Progress over time as a step line; updates saved in the app drawn as filled markers."""
    fig = FigureDict()
    fig.add_scatter(
        x=pd.to_datetime(history["date"]),
        y=history["progress_pct"],
        mode="lines+markers",
        line_shape="hv",
        line=dict(color=OKABE_ITO["blue"]),
        name=t("actions.progress", lang),
        marker=dict(
            size=[11 if o == "app" else 7 for o in history["origin"]],
            symbol=["diamond" if o == "app" else "circle" for o in history["origin"]],
            color=[ACTION_STATUS_COLOURS.get(s, OKABE_ITO["blue"]) for s in history["status"]],
            line=dict(color=INK, width=1),
        ),
        customdata=list(
            zip(
                history["status"].map(lambda s: status_name(s, lang)),
                history["date"].map(lambda d: format_day(d, lang, "medium")),
            )
        ),
        hovertemplate="%{customdata[1]}: %{y}% · %{customdata[0]}<extra></extra>",
    )
    layout = base_layout(lang, height=260)
    layout.update(
        xaxis=dict(type="date", gridcolor=GRID),
        showlegend=False,
        yaxis=dict(range=[-3, 103], title=t("actions.progress_axis", lang), gridcolor=GRID, fixedrange=True),
    )
    fig.update_layout(**layout)
    return fig
