"""The risk outlook in words, small tables and its fan chart: shared by `/outlook`, the city
profile's panel, the presenter slides and the PDF brief (`presentation/exports.py`).

`outlook_panel(city_id, data, result, lang)` is a self-contained section for `/city/<city_id>`: today's index,
the projected point and range per scenario and horizon, the main driver in one sentence, the data
status, and a link to the full view. It takes plain arguments and reads the cached outlook, so a
page embeds it with one line and needs no callbacks.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html

import ids
from components.badges import status_badge
from components.charts import base_layout, message_figure
from components.figure_dict import FigureDict
from components.shell import link_with
from domain import outlook as ol
from domain.outlook import HORIZONS, SCENARIOS, TODAY
from domain.palette import GRID, GUIDE, INK, MUTED, SCENARIO_COLOURS
from domain.provenance import STATUSES
from i18n import format_number as num  # as on the slides and in the PDF
from i18n import format_range as span
from i18n import format_signed as signed
from i18n import t

SCENARIO_DASH = {"ssp126": "dot", "ssp245": "dash", "ssp585": "solid"}
CLASS_FILL = 0.08


def scenario_name(scenario: str, lang: str, short: bool = True) -> str:
    return t(f"outlook.scen_short.{scenario}" if short else f"outlook.scen.{scenario}", lang)


def signed_span(lo, hi, lang: str, digits: int = 2) -> str:
    return f"{signed(lo, lang, digits)} … {signed(hi, lang, digits)}"


def names(frame: pd.DataFrame, key: str, lang: str) -> dict[str, str]:
    return dict(zip(frame[key], frame[f"name_{lang}"]))


def driver_phrase(info: dict, lang: str) -> str:
    """How the driver of a moved value changes, in words: 'hot days +10.7 a year (+39 %)'."""
    driver = info.get("driver")
    if not driver:
        return ""
    change, pct = info.get("driver_change"), info.get("driver_change_pct")
    if driver == "tmean+precip":
        return t("outlook.phrase.aridity", lang, warming=signed(change, lang, 1), precip=signed(pct, lang, 0))
    if driver == "ssp_population":
        return t("outlook.phrase.population", lang, pct=signed(pct, lang, 0))
    digits = 1 if driver in ("heavy_precip_days", "cold_days_m20") else 0
    return t(f"outlook.phrase.{driver}", lang, change=signed(change, lang, digits), pct=signed(pct, lang, 0))


def driver_sentence(data, result, city_id: str, scenario: str, horizon: int, lang: str) -> str:
    """'Extreme heat raises Osh's risk most by 2050 under SSP2-4.5: hot days +10.7 a year (+39 %).'"""
    city = names(data["cities"], "city_id", lang).get(city_id, city_id)
    info = ol.main_driver(result, city_id, scenario, horizon)
    if info is None:
        return t("outlook.driver.none", lang, city=city, year=horizon, scenario=scenario_name(scenario, lang))
    category = names(data["categories"], "category_id", lang).get(info["category_id"], info["category_id"])
    key = "outlook.driver.up" if info["change_risk"] > 0 else "outlook.driver.down"
    phrase = driver_phrase(info, lang)
    text = t(
        key,
        lang,
        category=category,
        city=city,
        year=horizon,
        scenario=scenario_name(scenario, lang),
        change=signed(info["change_risk"], lang, 2),
    )
    return f"{text}: {phrase}." if phrase else f"{text}."


def score_row(result, city_id: str, scenario: str, horizon: int) -> pd.Series | None:
    s = result.scores
    rows = s[(s["city_id"] == city_id) & (s["scenario"] == scenario) & (s["horizon"] == horizon)]
    return rows.iloc[0] if len(rows) else None


def today_row(result, city_id: str) -> pd.Series | None:
    s = result.scores
    rows = s[(s["city_id"] == city_id) & (s["scenario"] == TODAY)]
    return rows.iloc[0] if len(rows) else None


def statuses_of(result, city_id: str | None = None) -> list[str]:
    s = result.scores[result.scores["scenario"] != TODAY]
    if city_id is not None:
        s = s[s["city_id"] == city_id]
    present = set(s["status"].dropna())
    return [x for x in STATUSES if x in present]


# --- the fan chart (the page, the presenter slide and the PDF brief) --------------------------------


def rgba(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    return f"rgba({int(h[0:2], 16)}, {int(h[2:4], 16)}, {int(h[4:6], 16)}, {alpha})"


def fan_rows(result, city: str) -> pd.DataFrame:
    s = result.scores
    return s[s["city_id"] == city].copy()


def city_fan_figure(
    result,
    city: str,
    scenario: str,
    horizon: int,
    classes: pd.DataFrame,
    lang: str,
    view: str = "level",
    mark_chosen: bool = True,
    figure_type: type = go.Figure,
) -> go.Figure | FigureDict:
    """Today's index and, per scenario, the projected point (median climate, chosen weights) with a
    band from the 10th to the 90th percentile (climate members x weight draws). The chosen scenario
    is drawn strongest; each scenario also has its own line style. In the 'change' view the chart
    shows the change from today with the same weights. The page, the presenter slide and the PDF
    brief draw the same chart (`mark_chosen=False` leaves "chosen" out of the legend); the page
    asks for a `FigureDict` (`figure_type`), the exports for a `go.Figure` they restyle."""
    rows = fan_rows(result, city)
    today = rows[rows["scenario"] == ol.TODAY]
    if today.empty or today["risk"].isna().all():
        return message_figure(lang, t("outlook.no_score", lang))
    t0 = today.iloc[0]
    ref = int(t0["horizon"])
    change = view == "change"
    fig = figure_type()
    years = [ref, *result.meta["horizons"]]
    xs = list(range(len(years)))  # horizons equally spaced: readable on a phone, years in the labels
    lows, highs = [], []
    order = [s for s in result.meta["scenarios"] if s != scenario] + [scenario]
    for scen in order:
        part = rows[rows["scenario"] == scen].sort_values("horizon")
        if part.empty:
            continue
        chosen = scen == scenario
        colour = SCENARIO_COLOURS.get(scen, INK)
        if change:
            mid = [0.0, *part["change"]]
            lo = [0.0, *part["change_p10"]]
            hi = [0.0, *part["change_p90"]]
        else:
            mid = [t0["risk"], *part["risk"]]
            lo = [t0["risk_p10"], *part["risk_p10"]]
            hi = [t0["risk_p90"], *part["risk_p90"]]
        lows += lo
        highs += hi
        name = scenario_name(scen, lang)
        if chosen:  # only the chosen scenario's band: three overlapping bands hide each other
            fig.add_scatter(
                x=xs,
                y=hi,
                mode="lines",
                line=dict(width=0, color=colour),
                hoverinfo="skip",
                showlegend=False,
                legendgroup=scen,
            )
            fig.add_scatter(
                x=xs,
                y=lo,
                mode="lines",
                line=dict(width=0, color=colour),
                fill="tonexty",
                fillcolor=rgba(colour, 0.22),
                hoverinfo="skip",
                showlegend=False,
                legendgroup=scen,
            )
        label = f"{name} — {t('outlook.chosen_short', lang)}" if chosen and mark_chosen else name
        digits = ".2f" if change else ".1f"
        fig.add_scatter(
            x=xs,
            y=mid,
            mode="lines+markers",
            name=label,
            legendgroup=scen,
            line=dict(color=colour, width=3 if chosen else 1.6, dash=SCENARIO_DASH.get(scen, "solid")),
            marker=dict(size=9 if chosen else 6, color=colour),
            customdata=list(zip(years, lo, hi)),
            hovertemplate=(
                f"{name}, %{{customdata[0]}}: %{{y:{'+' if change else ''}{digits}}} "
                f"(%{{customdata[1]:{digits}}} – %{{customdata[2]:{digits}}})<extra></extra>"
            ),
        )
    fig.add_scatter(
        x=[0],
        y=[0.0 if change else t0["risk"]],
        mode="markers",
        name=t("outlook.today", lang),
        marker=dict(symbol="diamond", size=13, color=INK, line=dict(color="white", width=1)),
        error_y=None
        if change
        else dict(
            type="data",
            symmetric=False,
            array=[t0["risk_p90"] - t0["risk"]],
            arrayminus=[t0["risk"] - t0["risk_p10"]],
            color=INK,
            thickness=1.5,
            width=6,
        ),
        hovertemplate=(f"{t('outlook.today', lang)}: %{{y:.1f}}<extra></extra>"),
    )
    lo_all, hi_all = min(v for v in lows if v == v), max(v for v in highs if v == v)
    pad = max(0.15, (hi_all - lo_all) * 0.15)
    y_range = [lo_all - pad, hi_all + pad] if change else [max(0.0, lo_all - pad), min(10.0, hi_all + pad)]
    if not change:
        add_class_bands(fig, classes, y_range, lang)
    else:
        fig.add_hline(y=0, line=dict(color=MUTED, width=1))
    if horizon in years:
        fig.add_vline(x=years.index(horizon), line=dict(color=GUIDE, width=1, dash="dot"))
    layout = base_layout(lang)
    layout.pop("height", None)
    layout.update(
        autosize=True,
        margin=dict(l=10, r=20, t=10, b=10),
        hovermode="closest",
        xaxis=dict(
            tickvals=xs,
            ticktext=[t("outlook.today_tick", lang, year=ref), *[str(h) for h in years[1:]]],
            range=[-0.25, xs[-1] + 0.25],
            gridcolor=GRID,
            tickangle=0,
            fixedrange=True,
            automargin=True,
        ),
        yaxis=dict(
            range=y_range,
            gridcolor=GRID,
            automargin=True,
            title=t("outlook.axis_change" if change else "outlook.axis_risk", lang),
            zeroline=False,
        ),
        legend=dict(orientation="h", yanchor="top", y=-0.12, x=0),
    )
    fig.update_layout(**layout)
    return fig


def add_class_bands(
    fig: go.Figure | FigureDict, classes: pd.DataFrame, y_range: list[float], lang: str
) -> None:
    """Risk classes as pale horizontal bands, each named in words at the right edge."""
    for _, c in classes.sort_values("lower").iterrows():
        lo, hi = max(float(c["lower"]), y_range[0]), min(float(c["upper"]), y_range[1])
        if hi <= lo:
            continue
        fig.add_hrect(y0=lo, y1=hi, fillcolor=c["colour"], opacity=CLASS_FILL, line_width=0, layer="below")
        fig.add_annotation(
            x=1,
            xref="paper",
            xanchor="right",
            y=(lo + hi) / 2,
            yanchor="middle",
            showarrow=False,
            text=c[f"name_{lang}"],
            font=dict(size=11, color=MUTED),
        )


def horizon_table(
    result, city_id: str, lang: str, chosen: tuple[str, int] | None = None, table_id: str | None = None
) -> html.Table:
    """Scenarios x horizons: the point, below it the 10th-90th percentile range and the change from
    today (same weights); the chosen cell is marked in words, not by colour alone."""
    horizons = result.meta.get("horizons", list(HORIZONS))
    head = html.Tr(
        [
            html.Th(t("outlook.table.scenario", lang), scope="col"),
            *[html.Th(str(h), scope="col") for h in horizons],
        ]
    )
    body = []
    for scen in result.meta.get("scenarios", list(SCENARIOS)):
        cells = [
            html.Th(
                [
                    html.Span(
                        className=f"outlook-line outlook-line-{scen}",
                        style={"borderTopColor": SCENARIO_COLOURS.get(scen, INK)},
                    ),
                    scenario_name(scen, lang),
                ],
                scope="row",
                className="outlook-scen-cell",
            )
        ]
        for h in horizons:
            row = score_row(result, city_id, scen, h)
            if row is None or pd.isna(row["risk"]):
                cells.append(html.Td("—"))
                continue
            mark = chosen == (scen, h)
            cells.append(
                html.Td(
                    [
                        html.Span(num(row["risk"], lang), className="outlook-value"),
                        html.Small(span(row["risk_p10"], row["risk_p90"], lang), className="outlook-range"),
                        html.Small(
                            t(
                                "outlook.table.change",
                                lang,
                                change=signed_span(row["change_p10"], row["change_p90"], lang),
                            ),
                            className="outlook-delta",
                        ),
                        html.Small(t("outlook.table.chosen", lang), className="outlook-chosen-mark")
                        if mark
                        else None,
                    ],
                    className="outlook-chosen" if mark else None,
                )
            )
        body.append(html.Tr(cells))
    kwargs = {"id": table_id} if table_id else {}
    return html.Table(
        [html.Thead(head), html.Tbody(body)], className="simple-table outlook-horizon-table", **kwargs
    )


def today_line(today, lang: str) -> html.P:
    """Today's risk score and its range, as the panel opens with it."""
    return html.P(
        t(
            "outlook.panel.today",
            lang,
            value=num(today["risk"], lang),
            range=span(today["risk_p10"], today["risk_p90"], lang),
        )
    )


def outlook_panel(city_id: str, data, result, lang: str) -> html.Section | None:
    """The outlook of one city for its profile page, from the build and its projection (`result`);
    None when the build has no outlook (no result)."""
    if result is None or city_id not in set(data["cities"]["city_id"]):
        return None
    today = today_row(result, city_id)
    link = dcc.Link(t("outlook.panel.link", lang), href=link_with("/outlook", {"lang": lang}, cities=city_id))
    if today is None or pd.isna(today["risk"]):
        return html.Section(
            [html.H2(t("outlook.panel.title", lang)), html.P(t("outlook.no_score", lang)), html.P(link)],
            className="panel outlook-panel",
            id=ids.OUTLOOK_PANEL,
        )
    if "climate_series" in data.tables and city_id not in set(data["climate_series"]["city_id"]):
        # nothing can move the index without a climate series: say so, never a change of 0.0
        return html.Section(
            [
                html.H2(t("outlook.panel.title", lang)),
                today_line(today, lang),
                html.P(
                    t("outlook.no_climate_series", lang), className="notice", id="city-outlook-no-climate"
                ),
                html.P(link),
            ],
            className="panel outlook-panel",
            id=ids.OUTLOOK_PANEL,
        )
    statuses = statuses_of(result, city_id)
    return html.Section(
        [
            html.H2(t("outlook.panel.title", lang)),
            html.Div(
                [
                    html.Span(t("outlook.status_lead", lang), className="outlook-status-lead"),
                    *[status_badge(s, lang) for s in statuses],
                ],
                className="outlook-badges",
            ),
            today_line(today, lang),
            html.P(
                driver_sentence(data, result, city_id, "ssp245", 2050, lang), className="outlook-panel-driver"
            ),
            html.Div(
                horizon_table(result, city_id, lang),
                className="outlook-table-wrap",
                tabIndex="0",
                role="region",
                **{"aria-label": t("outlook.panel.table_label", lang)},
            ),
            html.P(t("outlook.panel.caveat", lang), className="note"),
            html.P(link),
        ],
        className="panel outlook-panel",
        id=ids.OUTLOOK_PANEL,
    )
