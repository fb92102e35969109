"""Sendai loss monitor `/losses`: disaster losses per city against targets A-D.

Indicators A-1, B-1, C-1, D-1 (and D-5) per city as yearly averages over 2005-2014 and 2015-2024,
the trend between the decades, each city's loss records with status and source, the figures for a
wider area that are not counted as the city's, and what is missing. Choices in the address:
`cities`, `lang`; an event's anchor is `#loss-<event_id>`. Method in domain/losses.py.
"""

from __future__ import annotations

import dash
import pandas as pd
from dash import dcc, html

import ids
from components.badges import source_link, status_badge
from components.charts import graph_config, message_figure
from components.city_links import cities_page
from components.figure_dict import FigureDict
from components.page import page_context, page_title
from components.resilience_charts import decade_bars
from components.tables import simple_table
from domain import losses as ls
from domain.queries import city_names
from i18n import format_int, format_number, format_share, t
from services import data_access

dash.register_page(
    __name__,
    path="/losses",
    order=64,
    nav_key="nav.losses",
    title=page_title("title.losses"),
    name="losses",
    public_answer=True,
)

PARAMS = ("cities",)
SHOWN = ("a1", "b1", "c1", "d1", "d5")


def indicator_values(data, chosen: list[str]) -> list[ls.IndicatorValue]:
    """Every shown indicator for every chosen city and decade."""
    return [value for city in chosen for value in data_access.loss_indicators(data, city, SHOWN)]


def value_text(v: ls.IndicatorValue, lang: str) -> str:
    if v.events == 0 and v.value is None:
        return t("losses.no_events", lang)
    if v.value is None:
        return t("losses.no_data_of", lang, events=v.events)
    if v.relative_to_gdp:
        shown = format_share(v.value, lang)
    elif v.indicator == "c1":
        shown = f"{format_int(v.value, lang)} US$"
    else:
        shown = format_number(v.value, lang, digits=2)
    return t("losses.coverage", lang, value=shown, with_figure=v.events_with_figure, events=v.events)


def indicators_section(values: list[ls.IndicatorValue], names: dict, lang: str) -> html.Section:
    """One small table per indicator: cities as rows, the two decades and the trend as columns."""
    by_key = {(v.city_id, v.indicator, v.start): v for v in values}
    headers = [t("losses.col.city", lang), *[f"{s}–{e}" for s, e in ls.DECADES], t("losses.col.trend", lang)]
    relative = any(v.relative_to_gdp for v in values)
    body: list = [
        html.H2(t("losses.indicators_heading", lang)),
        html.P(t("losses.indicators_help", lang), className="note"),
    ]
    for ind in SHOWN:
        rows = []
        for city in dict.fromkeys(v.city_id for v in values):
            cells = [by_key[(city, ind, s)] for s, _ in ls.DECADES]
            trend = ls.trend(cells[0].value, cells[-1].value)
            rows.append(
                [
                    names[city],
                    *[value_text(c, lang) for c in cells],
                    t(f"losses.trend.{trend or 'none'}", lang),
                ]
            )
        body.append(html.H3(t(f"losses.ind.{ind}", lang)))
        if ind == "c1" and not relative:
            body.append(html.P(t("losses.c1_absolute", lang), className="note", id="losses-c1-note"))
        body.append(
            simple_table(
                headers,
                rows,
                t(f"losses.ind.{ind}", lang),
                class_name="losses-table",
                table_id=f"losses-{ind}",
            )
        )
    return html.Section(body, className="panel", id=ids.LOSSES_INDICATORS)


def chart_section(values: list[ls.IndicatorValue], names: dict, lang: str) -> html.Section:
    graphs = []
    for ind in ("a1", "b1"):
        table = pd.DataFrame(
            [
                {"city_id": v.city_id, "start": v.start, "end": v.end, "value": v.value}
                for v in values
                if v.indicator == ind
            ]
        )
        have = bool(len(table)) and table["value"].notna().any()
        figure = (
            decade_bars(table, names, lang, figure_type=FigureDict)
            if have
            else message_figure(lang, t("losses.no_data", lang), height=220)
        )
        graphs.append(
            html.Div(
                [html.H3(t(f"losses.ind.{ind}", lang)), dcc.Graph(figure=figure, config=graph_config(lang))]
            )
        )
    return html.Section(
        [
            html.H2(t("losses.chart_heading", lang)),
            html.P(t("losses.chart_help", lang), className="note"),
            *graphs,
        ],
        className="panel",
        id=ids.LOSSES_CHART,
    )


def record_rows(frame: pd.DataFrame, titles: dict, sources: dict, lang: str) -> list[list]:
    rows = []
    for r in frame.sort_values(["date", "event_id", "field"]).itertuples():
        value = format_int(r.value, lang)
        rows.append(
            [
                titles.get(r.event_id, r.event_id) if isinstance(r.event_id, str) else "—",
                str(r.year),
                t(f"losses.field.{r.field}", lang),
                value,
                t(f"losses.scope.{r.scope}", lang),
                html.Span([status_badge(r.status, lang), " ", source_link(r.source_id, sources, lang)]),
                getattr(r, f"note_{lang}") if isinstance(getattr(r, f"note_{lang}"), str) else "",
            ]
        )
    return rows


def events_index(city: str, data, records: pd.DataFrame, lang: str) -> html.Div:
    """Every event of the city (an anchor each, for the city page's links) with how many of its
    figures are the city's own and how many cover a wider area."""
    events = data["events"][data["events"]["city_id"] == city].sort_values(["start_date", "event_id"])
    own = ls.city_scope(records).groupby("event_id").size()
    wider = ls.withheld(records).groupby("event_id").size()
    rows = [
        [
            html.Span(getattr(e, f"title_{lang}"), id=f"loss-{e.event_id}"),
            str(e.start_date)[:4],
            t(f"profile.context.{e.context}", lang),
            str(int(own.get(e.event_id, 0))),
            str(int(wider.get(e.event_id, 0))),
        ]
        for e in events.itertuples()
    ]
    headers = [
        t("losses.col.event", lang),
        t("losses.col.year", lang),
        t("losses.col.context", lang),
        t("losses.col.city_figures", lang),
        t("losses.col.wider_figures", lang),
    ]
    return simple_table(headers, rows, t("losses.events_heading", lang))


def city_section(city: str, name: str, data, lang: str) -> html.Section:
    records = data_access.loss_records(data)
    records = records[records["city_id"] == city]
    titles = dict(zip(data["events"]["event_id"], data["events"][f"title_{lang}"]))
    sources = data["sources"].set_index("source_id").to_dict("index")
    headers = [
        t(f"losses.col.{k}", lang) for k in ("event", "year", "field", "value", "scope", "status", "note")
    ]
    mine, wider = ls.city_scope(records), ls.withheld(records)
    body: list = [
        html.H2(t("losses.records_heading", lang, city=name)),
        html.H3(t("losses.events_heading", lang)),
        events_index(city, data, records, lang),
        html.H3(t("losses.city_figures_heading", lang)),
    ]
    if len(mine):
        body.append(
            simple_table(
                headers,
                record_rows(mine, titles, sources, lang),
                f"{name}: {t('losses.city_figures_heading', lang)}",
            )
        )
    else:
        body.append(html.P(t("losses.records_none", lang, city=name), className="losses-none"))
    if len(wider):
        body += [
            html.H3(t("losses.withheld_heading", lang)),
            simple_table(
                headers,
                record_rows(wider, titles, sources, lang),
                t("losses.withheld_heading", lang),
                class_name="losses-withheld",
            ),
        ]
    for (start, end), missing in zip(ls.DECADES, data_access.loss_missing_fields(data, city)):
        body.append(html.H3(t("losses.missing_heading", lang, start=start, end=end)))
        if missing.empty:
            body.append(html.P(t("losses.missing_none", lang), className="muted"))
            continue
        rows = [
            [
                titles.get(m.event_id, m.event_id),
                str(m.year),
                ", ".join(t(f"losses.field.{f}", lang) for f in m.missing),
            ]
            for m in missing.itertuples()
        ]
        body.append(
            simple_table(
                [t("losses.col.event", lang), t("losses.col.year", lang), t("losses.col.missing", lang)],
                rows,
                t("losses.missing_heading", lang, start=start, end=end),
            )
        )
    return html.Section(body, className="panel losses-city", id=f"{ids.LOSSES_CITY}-{city}")


def losses_view(data, chosen: list[str], names: dict, lang: str) -> list:
    """The page's sections for the chosen cities, from a build."""
    values = indicator_values(data, chosen)
    return [
        indicators_section(values, names, lang),
        chart_section(values, names, lang),
        *[city_section(c, names[c], data, lang) for c in chosen],
    ]


def layout(**kwargs):
    ctx = page_context(kwargs, PARAMS)
    lang = ctx.lang
    data = data_access.get_data()
    names = city_names(data, lang)
    return cities_page("losses", ctx, names, lambda chosen: losses_view(data, chosen, names, lang))
