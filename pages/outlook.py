"""Risk outlook `/outlook`: the risk index projected to 2030, 2050 and 2080 under each scenario.

Per city a fan chart (today's index and, per scenario, the projected point with its 10th-90th
percentile range over climate members x weight draws), what drives the change (contributions by
hazard and the moved values with their rule and status), the ranking per scenario, and a matrix of
cities by hazards. A "what if" control scales the climate change and the population growth.

Choices live in the query string: `cities` (the city shown), `scen`, `h` (horizon), `view`
(`level` or `change`), `warm` and `pop` (what-if factors), declared once by `OutlookState`.
`layout` reads them (a value it does not know becomes a notice and falls back to the default), the
callback redraws and returns the canonical address, which components/page_state.py writes to the
browser. The method is in `domain/outlook.py` and data/README.md.
"""

from dataclasses import dataclass, replace

import dash
import dash_mantine_components as dmc
import pandas as pd
import plotly.graph_objects as go
from dash import Input, Output, State, callback, dcc, html, no_update

import ids
from components.badges import status_badge
from components.charts import base_layout, graph_config
from components.figure_dict import FigureDict
from components.outlook_panel import (
    city_fan_figure,
    driver_phrase,
    driver_sentence,
    fan_rows,
    names,
    num,
    scenario_name,
    signed,
    signed_span,
    span,
    statuses_of,
)
from components.page import page_context, page_header, page_title, with_mantine
from components.page_state import (
    address,
    address_output,
    address_state,
    address_stores,
    href,
    lang_of,
    read_page,
)
from components.shell import link_with
from domain import outlook as ol
from domain import page_state
from domain.outlook_notes import headroom
from domain.palette import DECREASE, GRID, INCREASE, MUTED
from i18n import format_number, format_share, t, tn
from services import data_access
from services.callback_cache import public_answer
from services.native_controls import form_field

NAME, PATH = "outlook", "/outlook"
dash.register_page(
    __name__,
    path=PATH,
    order=35,
    nav_key="nav.outlook",
    title=page_title("title.outlook"),
    name=NAME,
    public_answer=True,
)

VIEWS = ("level", "change")
WARM_CHOICES = ("0", "0.5", "1", "1.5")  # factor on the climate change (what if)
POP_CHOICES = ("0", "1", "2")  # factor on the population growth (what if)
MIN_CONTRIBUTION = 0.005  # smaller effects are left out of the bar chart


def _cities(data, chosen) -> list[str]:
    return data["cities"]["city_id"].tolist()


def _first_ranked(data, chosen) -> str:
    cities = _cities(data, chosen)
    return data_access.outlook_first_ranked() or (cities[0] if cities else "")


def _factor_text(value: str) -> str:
    """'1.0' -> '1', '0.50' -> '0.5' (the form the choices use)."""
    try:
        number = float(str(value).strip().replace(",", "."))
    except ValueError:
        return str(value).strip()
    return f"{number:g}"


@dataclass
class OutlookState:
    """Everything a user can choose on the page, declared once (domain/page_state.py). The city is
    `cities=` as on every page (the first one when several are given; `city=` of older links is
    read too) and always written: the default city is the one ranked first, which the data decides."""

    city: str = page_state.one(
        "cities",
        _cities,
        _first_ranked,
        aliases=("city",),
        first_of_list=True,
        keep_default=True,
        notice="outlook.bad_city",
    )
    scenario: str = page_state.one("scen", ol.SCENARIOS, "ssp245", notice="outlook.bad_scen")
    horizon: int = page_state.one(
        "h", tuple(str(h) for h in ol.HORIZONS), 2050, convert=int, notice="outlook.bad_h"
    )
    view: str = page_state.one("view", VIEWS, "level", notice="outlook.bad_view")
    warm: str = page_state.one("warm", WARM_CHOICES, "1", normalise=_factor_text, notice="outlook.bad_warm")
    pop: str = page_state.one("pop", POP_CHOICES, "1", normalise=_factor_text, notice="outlook.bad_pop")


def result_for(state: OutlookState):
    return data_access.outlook(climate_scale=float(state.warm), population_scale=float(state.pop))


# --- the fan chart -----------------------------------------------------------------------------------


def fan_figure(result, state: OutlookState, classes: pd.DataFrame, lang: str) -> FigureDict | go.Figure:
    """The page's fan chart for the chosen city, scenario, horizon and view (see `city_fan_figure`)."""
    return city_fan_figure(
        result,
        state.city,
        state.scenario,
        state.horizon,
        classes,
        lang,
        view=state.view,
        figure_type=FigureDict,
    )


def fan_heading(data, state: OutlookState, lang: str) -> str:
    city = names(data["cities"], "city_id", lang).get(state.city, state.city)
    return t(
        "outlook.fan_heading_change" if state.view == "change" else "outlook.fan_heading", lang, city=city
    )


def summary_sentence(data, result, state: OutlookState, lang: str) -> str:
    """One sentence saying what the chart shows (for screen readers, and everyone)."""
    city = names(data["cities"], "city_id", lang).get(state.city, state.city)
    rows = fan_rows(result, state.city)
    today = rows[rows["scenario"] == ol.TODAY]
    point = rows[(rows["scenario"] == state.scenario) & (rows["horizon"] == state.horizon)]
    if today.empty or point.empty or pd.isna(today.iloc[0]["risk"]):
        return t("outlook.no_score", lang)
    t0, p = today.iloc[0], point.iloc[0]
    class_names = names(data["risk_classes"], "class_id", lang)
    sentence = t(
        "outlook.summary",
        lang,
        city=city,
        today=num(t0["risk"], lang),
        today_class=class_names.get(t0["risk_class"], "—"),
        year=state.horizon,
        scenario=scenario_name(state.scenario, lang),
        value=num(p["risk"], lang),
        range=span(p["risk_p10"], p["risk_p90"], lang),
        change=signed(p["change"], lang, 2),
        change_range=signed_span(p["change_p10"], p["change_p90"], lang),
    )
    return " ".join(part for part in (sentence, headroom_sentence(data, result, state, lang)) if part)


def headroom_sentence(data, result, state: OutlookState, lang: str, limit: int = 3) -> str:
    """Beside the number: which pushed values are already at the top of their scale and cannot
    rise, and which values moved (today -> the horizon, median climate)."""
    room = headroom(result.projected, data["indicators"], state.city, state.scenario, state.horizon)
    if not room.ruled:
        return ""
    ind = names(data["indicators"], "indicator_id", lang)
    parts = []
    if room.at_ceiling:
        parts.append(
            t(
                "outlook.headroom.ceiling",
                lang,
                items=", ".join(ind.get(i, i) for i in room.at_ceiling),
                of_ruled=tn("count.of_indicator", len(room.ruled), lang),
            )
        )
    if len(room.moved):
        items = [
            f"{ind.get(r['indicator_id'], r['indicator_id'])} {num(r['value_today'], lang, _digits(r['value_today']))}"
            f" → {num(r['value'], lang, _digits(r['value_today']))}"
            for _, r in room.moved.head(limit).iterrows()
        ]
        more = len(room.moved) - limit
        parts.append(
            t("outlook.headroom.moved", lang, year=state.horizon, items="; ".join(items))
            + (
                " "
                + t(
                    "outlook.headroom.more",
                    lang,
                    more=tn("count.indicator", more, lang),
                )
                if more > 0
                else ""
            )
        )
    return " ".join(parts)


# --- sections -------------------------------------------------------------------------------------------


def status_panel(result, state: OutlookState, lang: str) -> list:
    statuses = statuses_of(result, state.city) or ["estimated"]
    out = [
        html.Div(
            [
                html.Span(t("outlook.status_lead", lang), className="outlook-status-lead"),
                *[status_badge(s, lang) for s in statuses],
            ],
            className="outlook-badges",
        ),
        html.P(t("outlook.status_text", lang)),
    ]
    return out


def whatif_note(state: OutlookState, lang: str) -> list:
    if state.warm == "1" and state.pop == "1":
        return []
    return [
        html.P(
            t(
                "outlook.whatif_active",
                lang,
                warm=format_number(float(state.warm), lang, 1),
                pop=format_number(float(state.pop), lang, 1),
            ),
            className="notice",
            role="status",
        )
    ]


def fan_data_table(data, result, state: OutlookState, lang: str) -> html.Div:
    """The chart's numbers as a table (the 'show data' view)."""
    city = state.city
    rows = fan_rows(result, city)
    today = rows[rows["scenario"] == ol.TODAY]
    head = html.Tr(
        [
            html.Th(t("outlook.table.scenario", lang), scope="col"),
            html.Th(t("outlook.table.year", lang), scope="col"),
            html.Th(t("outlook.table.point", lang), scope="col"),
            html.Th(t("outlook.table.range", lang), scope="col"),
            html.Th(t("outlook.table.members", lang), scope="col"),
            html.Th(t("outlook.table.change_col", lang), scope="col"),
            html.Th(t("outlook.table.rank", lang), scope="col"),
            html.Th(t("outlook.table.status", lang), scope="col"),
        ]
    )
    body = []
    if len(today):
        r = today.iloc[0]
        body.append(
            html.Tr(
                [
                    html.Th(t("outlook.today", lang), scope="row"),
                    html.Td(str(int(r["horizon"]))),
                    html.Td(num(r["risk"], lang)),
                    html.Td(span(r["risk_p10"], r["risk_p90"], lang)),
                    html.Td("—"),
                    html.Td("—"),
                    html.Td(_rank_text(r, lang)),
                    html.Td(t("outlook.today_status", lang)),
                ]
            )
        )
    for scen in result.meta["scenarios"]:
        for h in result.meta["horizons"]:
            part = rows[(rows["scenario"] == scen) & (rows["horizon"] == h)]
            if part.empty:
                continue
            r = part.iloc[0]
            body.append(
                html.Tr(
                    [
                        html.Th(scenario_name(scen, lang), scope="row"),
                        html.Td(str(h)),
                        html.Td(num(r["risk"], lang)),
                        html.Td(span(r["risk_p10"], r["risk_p90"], lang)),
                        html.Td(
                            span(
                                min(r["risk_member_p10"], r["risk_member_p90"]),
                                max(r["risk_member_p10"], r["risk_member_p90"]),
                                lang,
                            )
                        ),
                        html.Td(signed_span(r["change_p10"], r["change_p90"], lang)),
                        html.Td(_rank_text(r, lang)),
                        html.Td(status_badge(r["status"], lang)),
                    ],
                    className="outlook-chosen-row" if (scen, h) == (state.scenario, state.horizon) else None,
                )
            )
    return html.Div(
        [
            html.P(t("outlook.data_caption", lang), className="note"),
            html.Div(
                html.Table([html.Thead(head), html.Tbody(body)], className="simple-table outlook-data-table"),
                className="outlook-table-wrap",
                tabIndex="0",
                role="region",
                **{"aria-label": t("outlook.show_data", lang)},
            ),
        ]
    )


def _rank_text(row, lang: str) -> str:
    if pd.isna(row["rank"]):
        return "—"
    lo, hi = int(round(row["rank_lo"])), int(round(row["rank_hi"]))
    return str(int(row["rank"])) + ("" if lo == hi else f" ({lo}–{hi})")


def contribution_figure(frame: pd.DataFrame, lang: str) -> FigureDict:
    """Horizontal bars: the change of the risk index if only this hazard changed (sign in the text)."""
    df = frame.sort_values("change_risk")
    labels = [signed(v, lang, 2) for v in df["change_risk"]]
    fig = FigureDict().add_bar(
        x=df["change_risk"],
        y=df["name"],
        orientation="h",
        text=labels,
        textposition="outside",
        marker_color=[INCREASE if v > 0 else DECREASE for v in df["change_risk"]],
        cliponaxis=False,
        hovertemplate="%{y}: %{text}<extra></extra>",
    )
    span_ = max(0.05, float(df["change_risk"].abs().max()) * 1.45)
    layout = base_layout(lang, height=max(170, 46 * len(df) + 90))
    layout.update(
        showlegend=False,
        margin=dict(l=10, r=30, t=10, b=10),
        xaxis=dict(
            range=[-span_, span_],
            title=t("outlook.contrib_axis", lang),
            zeroline=True,
            zerolinecolor=MUTED,
            gridcolor=GRID,
            fixedrange=True,
        ),
        yaxis=dict(automargin=True, fixedrange=True),
    )
    fig.update_layout(**layout)
    return fig


def drivers_section(data, result, state: OutlookState, lang: str) -> list:
    """What drives the change: a sentence, the contribution of each hazard, the moved values with
    their rule and status, what is held, and hazards not projected because today has no value."""
    c = result.contributions
    c = c[(c["city_id"] == state.city) & (c["scenario"] == state.scenario) & (c["horizon"] == state.horizon)]
    cat_names = names(data["categories"], "category_id", lang)
    c = c.assign(name=c["category_id"].map(cat_names))
    moved = c[c["change_risk"].abs() >= MIN_CONTRIBUTION]
    out: list = [
        html.P(
            driver_sentence(data, result, state.city, state.scenario, state.horizon, lang),
            className="chart-summary",
            id="outlook-driver-sentence",
        )
    ]
    if len(moved):
        out.append(
            html.Div(
                dcc.Graph(
                    id="outlook-contrib",
                    figure=contribution_figure(moved, lang),
                    config={**graph_config(lang), "displayModeBar": False},
                ),
                role="figure",
                **{
                    "aria-label": t("outlook.contrib_label", lang),
                    "aria-describedby": "outlook-driver-sentence",
                },
            )
        )
        out.append(html.P(t("outlook.contrib_note", lang), className="note"))
    out.append(indicator_table(data, result, state, lang))
    out.extend(held_and_gaps(data, result, state, lang))
    return out


def indicator_table(data, result, state: OutlookState, lang: str) -> html.Div:
    tab = ol.city_indicator_table(result, state.city, state.scenario, state.horizon)
    if tab.empty:
        return html.P(t("outlook.nothing_moved", lang))
    ind = data["indicators"].set_index("indicator_id")
    rules = data["projection_rules"].set_index("rule_id")
    head = html.Tr(
        [
            html.Th(t(f"outlook.ind.{k}", lang), scope="col")
            for k in ("indicator", "today", "projected", "driver", "rule", "status")
        ]
    )
    body = []
    for _, r in tab.iterrows():
        meta = ind.loc[r["indicator_id"]] if r["indicator_id"] in ind.index else None
        name = meta[f"name_{lang}"] if meta is not None else r["indicator_id"]
        unit = meta[f"unit_{lang}"] if meta is not None else ""
        digits = _digits(r["value_today"])
        note = rules.loc[r["rule_id"], f"note_{lang}"] if r["rule_id"] in rules.index else ""
        projected = [html.Span(num(r["value"], lang, digits), className="outlook-value")]
        if num(r["value_lo"], lang, digits) != num(r["value_hi"], lang, digits):
            projected.append(
                html.Small(
                    t("outlook.ind.range", lang, range=span(r["value_lo"], r["value_hi"], lang, digits)),
                    className="outlook-range",
                )
            )
        if bool(r["saturated"]):
            projected.append(html.Small(t("outlook.ind.capped", lang), className="outlook-capped"))
        body.append(
            html.Tr(
                [
                    html.Th(
                        [name, html.Small(f" ({unit})", className="outlook-unit") if unit else None],
                        scope="row",
                    ),
                    html.Td(num(r["value_today"], lang, digits)),
                    html.Td(projected),
                    html.Td(driver_phrase(r.to_dict(), lang), className="outlook-text-cell"),
                    html.Td(
                        html.Details([html.Summary(t("outlook.ind.rule_words", lang)), html.P(note)]),
                        className="outlook-text-cell",
                        **{"data-rule": r["rule_id"]},
                    ),
                    html.Td(status_badge(r["status"], lang)),
                ]
            )
        )
    return html.Div(
        [
            html.H3(t("outlook.ind.title", lang)),
            html.Div(
                html.Table([html.Thead(head), html.Tbody(body)], className="simple-table outlook-ind-table"),
                className="outlook-table-wrap",
                tabIndex="0",
                role="region",
                **{"aria-label": t("outlook.ind.title", lang)},
            ),
        ]
    )


def _digits(value) -> int:
    v = abs(float(value)) if value == value else 0
    if v >= 100:
        return 0
    if v >= 1:
        return 1 if v >= 10 else 2
    return 3


def held_and_gaps(data, result, state: OutlookState, lang: str) -> list:
    p = result.projected
    mine = p[
        (p["city_id"] == state.city)
        & (p["scenario"] == state.scenario)
        & (p["horizon"] == state.horizon)
        & (p["member"] == "p50")
    ]
    held = mine[~mine["moved"]]
    dims = held.groupby("dimension")["indicator_id"].nunique()
    dim_names = names(data["dimensions"], "dimension", lang)
    parts = [
        t("outlook.held_dim", lang, dimension=dim_names.get(d, d), count=int(n)) for d, n in dims.items()
    ]
    out = (
        [
            html.P(
                [
                    html.Strong(t("outlook.held_lead", lang) + " "),
                    "; ".join(parts) + ". ",
                    t("outlook.held_why", lang),
                ],
                className="note",
            )
        ]
        if parts
        else []
    )
    gaps = result.gaps[result.gaps["city_id"] == state.city]
    if len(gaps):
        cat_names = names(data["categories"], "category_id", lang)
        drivers = result.drivers
        items = []
        for _, g in gaps.iterrows():
            d = drivers[
                (drivers["city_id"] == state.city)
                & (drivers["variable"] == g["driver"])
                & (drivers["scenario"] == state.scenario)
                & (drivers["horizon"] == state.horizon)
                & (drivers["member"] == "p50")
            ]
            phrase = ""
            if len(d):
                row = d.iloc[0]
                change = row["driver_value"] - row["driver_ref"]
                pct = (
                    (row["driver_value"] / row["driver_ref"] - 1) * 100
                    if row["driver_ref"] > 0
                    else float("nan")
                )
                phrase = driver_phrase(
                    {"driver": g["driver"], "driver_change": change, "driver_change_pct": pct}, lang
                )
            name = cat_names.get(g["category_id"], g["category_id"])
            items.append(f"{name} ({phrase})" if phrase else name)
        out.append(
            html.P(
                [
                    html.Strong(t("outlook.gap_lead", lang) + " "),
                    "; ".join(items) + ". ",
                    t("outlook.gap_why", lang),
                ],
                className="note",
            )
        )
    return out


def ranking_section(data, result, state: OutlookState, lang: str) -> list:
    """Cities ranked today and per scenario at the chosen horizon: point, range, rank and rank range."""
    tab = ol.ranking_table(result, state.horizon)
    city_names = names(data["cities"], "city_id", lang)
    scenarios = result.meta["scenarios"]
    head = html.Tr(
        [
            html.Th(t("outlook.rank.city", lang), scope="col"),
            html.Th(t("outlook.rank.today", lang), scope="col"),
            *[
                html.Th(
                    [
                        scenario_name(s, lang),
                        html.Small(" " + t("outlook.chosen_short", lang), className="outlook-chosen-mark")
                        if s == state.scenario
                        else None,
                    ],
                    scope="col",
                    className="outlook-chosen" if s == state.scenario else None,
                )
                for s in scenarios
            ],
        ]
    )
    body = []
    for _, r in tab.iterrows():
        cells = [
            html.Th(
                dcc.Link(
                    city_names.get(r["city_id"], r["city_id"]),
                    href=href(PATH, replace(state, city=r["city_id"]), lang, data),
                ),
                scope="row",
            ),
            html.Td(
                [
                    html.Span(num(r["today_risk"], lang), className="outlook-value"),
                    html.Small(
                        t("outlook.rank.rank", lang, rank=_int(r["today_rank"])), className="outlook-range"
                    ),
                ]
            ),
        ]
        for s in scenarios:
            if pd.isna(r.get(f"{s}_risk")):
                cells.append(html.Td("—"))
                continue
            move = _rank_move(r["today_rank"], r[f"{s}_rank"], lang)
            cells.append(
                html.Td(
                    [
                        html.Span(num(r[f"{s}_risk"], lang), className="outlook-value"),
                        html.Small(
                            span(r[f"{s}_risk_p10"], r[f"{s}_risk_p90"], lang), className="outlook-range"
                        ),
                        html.Small(
                            t(
                                "outlook.rank.rank_range",
                                lang,
                                rank=_int(r[f"{s}_rank"]),
                                lo=int(round(r[f"{s}_rank_lo"])),
                                hi=int(round(r[f"{s}_rank_hi"])),
                            )
                            + move,
                            className="outlook-range",
                        ),
                    ],
                    className="outlook-chosen" if s == state.scenario else None,
                )
            )
        body.append(html.Tr(cells))
    oc = result.order_change
    share = oc[(oc["scenario"] == state.scenario) & (oc["horizon"] == state.horizon)]["share"]
    sentence = t(
        "outlook.rank.sentence",
        lang,
        year=state.horizon,
        scenario=scenario_name(state.scenario, lang),
        share=format_share(float(share.iloc[0]), lang) if len(share) else "—",
        draws=result.meta["draws"],
    )
    return [
        html.P(sentence, className="chart-summary"),
        html.Div(
            html.Table([html.Thead(head), html.Tbody(body)], className="simple-table outlook-rank-table"),
            className="outlook-table-wrap",
            tabIndex="0",
            role="region",
            **{"aria-label": t("outlook.rank.title", lang)},
        ),
        html.P(t("outlook.rank.note", lang), className="note"),
    ]


def _int(value) -> str:
    return "—" if value is None or pd.isna(value) else str(int(value))


def _rank_move(today, then, lang: str) -> str:
    if pd.isna(today) or pd.isna(then) or int(today) == int(then):
        return ""
    return " " + t(
        "outlook.rank.up" if int(then) < int(today) else "outlook.rank.down",
        lang,
        n=abs(int(today) - int(then)),
    )


def matrix_section(data, result, state: OutlookState, lang: str) -> list:
    """Cities x hazards: the change of each hazard's 0-10 score (median climate), with ▲/▼ and sign."""
    cats = data["categories"]
    hazard_cats = cats[cats["dimension"] == "hazard_exposure"].sort_values(
        "sort_order" if "sort_order" in cats else "category_id"
    )
    c = result.categories
    c = c[(c["scenario"] == state.scenario) & (c["horizon"] == state.horizon)]
    city_names = names(data["cities"], "city_id", lang)
    cities = [x for x in data["cities"]["city_id"] if x in set(c["city_id"])]
    head = html.Tr(
        [
            html.Th(t("outlook.rank.city", lang), scope="col"),
            *[html.Th(r[f"name_{lang}"], scope="col") for _, r in hazard_cats.iterrows()],
        ]
    )
    body = []
    for city in cities:
        mine = c[c["city_id"] == city].set_index("category_id")
        cells = [html.Th(city_names.get(city, city), scope="row")]
        for cat in hazard_cats["category_id"]:
            if cat not in mine.index or pd.isna(mine.at[cat, "today"]):
                cells.append(
                    html.Td("—", className="outlook-cell-none", title=t("outlook.matrix.none", lang))
                )
                continue
            d = float(mine.at[cat, "change"])
            if abs(d) < 0.05:
                cells.append(html.Td(num(0, lang), className="outlook-cell-zero"))
                continue
            arrow = "▲" if d > 0 else "▼"
            cells.append(
                html.Td(
                    f"{arrow} {signed(d, lang, 1)}",
                    className="outlook-cell-up" if d > 0 else "outlook-cell-down",
                )
            )
        body.append(html.Tr(cells))
    return [
        html.P(
            t(
                "outlook.matrix.caption",
                lang,
                year=state.horizon,
                scenario=scenario_name(state.scenario, lang),
            ),
            className="note",
        ),
        html.Div(
            html.Table([html.Thead(head), html.Tbody(body)], className="simple-table outlook-matrix"),
            className="outlook-table-wrap",
            tabIndex="0",
            role="region",
            **{"aria-label": t("outlook.matrix.title", lang)},
        ),
    ]


# --- render (layout and callback share it) ------------------------------------------------------------


def render(state: OutlookState, lang: str) -> dict:
    data = data_access.get_data()
    result = result_for(state)
    return {
        "status": status_panel(result, state, lang),
        "whatif": whatif_note(state, lang),
        "heading": fan_heading(data, state, lang),
        "summary": (
            t("outlook.no_climate_series", lang)  # never "no change" for a city without climate series
            if "climate_series" in data.tables and state.city not in set(data["climate_series"]["city_id"])
            else summary_sentence(data, result, state, lang)
        ),
        "figure": fan_figure(result, state, data["risk_classes"], lang),
        "data": fan_data_table(data, result, state, lang),
        "drivers": drivers_section(data, result, state, lang),
        "ranking": ranking_section(data, result, state, lang),
        "matrix": matrix_section(data, result, state, lang),
        "address": address(PATH, state, lang, data),
    }


def segmented(
    control_id: str, label: str, options: list[tuple[str, str]], value: str, field: str
) -> html.Fieldset:
    """A labelled group of exclusive choices (Mantine SegmentedControl inside a fieldset/legend),
    the control of the state's `field`."""
    legend_id = f"{control_id}-legend"
    return html.Fieldset(
        [
            html.Legend(label, className="control-label", id=legend_id),
            dmc.SegmentedControl(
                id=control_id,
                data=[{"value": v, "label": text} for v, text in options],
                value=value,
                fullWidth=True,
                size="sm",
                **{"aria-labelledby": legend_id},
                **form_field(OutlookState, field),
            ),
        ],
        className="control outlook-control",
    )


@with_mantine
def layout(**kwargs):
    data = data_access.get_data()
    if "projection_rules" not in data.tables:  # nothing to project: say so, read nothing else
        ctx = page_context(kwargs, allowed=tuple(page_state.known_keys(OutlookState, kwargs)))
        ctx.notices.append(t("outlook.no_data", ctx.lang))
        return html.Div(page_header("title.outlook", "outlook.intro", ctx), className="page page-outlook")
    ctx, state = read_page(kwargs, OutlookState, data)
    lang = ctx.lang
    out = render(state, lang)
    city_names = names(data["cities"], "city_id", lang)
    horizons = [(str(h), str(h)) for h in ol.HORIZONS]
    return html.Div(
        [
            *page_header("title.outlook", "outlook.intro", ctx),
            html.Div(out["status"], id=ids.OUTLOOK_STATUS, className="outlook-status", role="note"),
            html.Div(
                [
                    html.Div(
                        dmc.Select(
                            id=ids.OUTLOOK_CITY,
                            **form_field(OutlookState, "city"),
                            label=t("outlook.city", lang),
                            value=state.city,
                            data=[{"value": c, "label": city_names[c]} for c in data["cities"]["city_id"]],
                            allowDeselect=False,
                            searchable=False,
                            checkIconPosition="right",
                        ),
                        className="control outlook-control",
                    ),
                    segmented(
                        ids.OUTLOOK_SCENARIO,
                        t("outlook.scenario", lang),
                        [(s, scenario_name(s, lang)) for s in ol.SCENARIOS],
                        state.scenario,
                        "scenario",
                    ),
                    segmented(
                        ids.OUTLOOK_HORIZON,
                        t("outlook.horizon", lang),
                        horizons,
                        str(state.horizon),
                        "horizon",
                    ),
                ],
                className="controls",
            ),
            html.Details(
                [
                    html.Summary(t("outlook.whatif.title", lang)),
                    html.P(t("outlook.whatif.text", lang), className="note"),
                    html.Div(
                        [
                            segmented(
                                ids.OUTLOOK_WARM,
                                t("outlook.whatif.warm", lang),
                                [(v, t(f"outlook.whatif.warm.{v}", lang)) for v in WARM_CHOICES],
                                state.warm,
                                "warm",
                            ),
                            segmented(
                                ids.OUTLOOK_POP,
                                t("outlook.whatif.pop", lang),
                                [(v, t(f"outlook.whatif.pop.{v}", lang)) for v in POP_CHOICES],
                                state.pop,
                                "pop",
                            ),
                        ],
                        className="controls",
                    ),
                ],
                className="outlook-whatif",
                open=state.warm != "1" or state.pop != "1",
            ),
            html.Div(out["whatif"], id=ids.OUTLOOK_WHATIF_NOTE, **{"aria-live": "polite"}),
            html.Section(
                [
                    html.Div(
                        [
                            html.H2(out["heading"], id=ids.OUTLOOK_HEADING, className="outlook-heading"),
                            segmented(
                                ids.OUTLOOK_VIEW,
                                t("outlook.view", lang),
                                [(v, t(f"outlook.view.{v}", lang)) for v in VIEWS],
                                state.view,
                                "view",
                            ),
                        ],
                        className="outlook-fan-head",
                    ),
                    html.P(
                        out["summary"],
                        id=ids.OUTLOOK_SUMMARY,
                        className="chart-summary outlook-summary",
                        **{"aria-live": "polite"},
                    ),
                    html.Div(
                        dcc.Graph(id=ids.OUTLOOK_FAN, figure=out["figure"], config=graph_config(lang)),
                        className="outlook-chart",
                        role="figure",
                        **{
                            "aria-label": t("outlook.fan_label", lang),
                            "aria-describedby": ids.OUTLOOK_SUMMARY,
                        },
                    ),
                    html.P(t("outlook.fan_note", lang), className="note"),
                    html.Details(
                        [
                            html.Summary(t("outlook.show_data", lang)),
                            html.Div(out["data"], id=ids.OUTLOOK_FAN_DATA),
                        ],
                        className="outlook-details",
                    ),
                ],
                className="panel",
            ),
            html.Section(
                [html.H2(t("outlook.drivers_title", lang)), html.Div(out["drivers"], id=ids.OUTLOOK_DRIVERS)],
                className="panel",
            ),
            html.Section(
                [html.H2(t("outlook.rank.title", lang)), html.Div(out["ranking"], id=ids.OUTLOOK_RANKING)],
                className="panel",
            ),
            html.Section(
                [html.H2(t("outlook.matrix.title", lang)), html.Div(out["matrix"], id=ids.OUTLOOK_MATRIX)],
                className="panel",
            ),
            html.Section(
                [
                    html.H2(t("outlook.method.title", lang)),
                    html.Ol(
                        [html.Li(t(f"outlook.method.{i}", lang)) for i in range(1, 8)],
                        className="method-steps",
                    ),
                    html.P(
                        [
                            dcc.Link(
                                t("outlook.method.trends_link", lang),
                                href=link_with("/trends", {"lang": lang}),
                            ),
                            " · ",
                            dcc.Link(
                                t("outlook.method.data_link", lang), href=link_with("/data", {"lang": lang})
                            ),
                        ]
                    ),
                    html.Div(
                        [
                            html.Button(
                                t("outlook.download_scores", lang),
                                id=ids.OUTLOOK_DL_SCORES,
                                n_clicks=0,
                                className="outlook-button",
                            ),
                            html.Button(
                                t("outlook.download_values", lang),
                                id=ids.OUTLOOK_DL_VALUES,
                                n_clicks=0,
                                className="outlook-button",
                            ),
                        ],
                        className="outlook-downloads",
                    ),
                ],
                className="panel outlook-method",
            ),
            dcc.Download(id=ids.OUTLOOK_DOWNLOAD),
            *address_stores(NAME, PATH, state, lang, data),
        ],
        className="page page-outlook",
    )


# --- callbacks ---------------------------------------------------------------------------------------------

CONTROLS = dict(
    city=(ids.OUTLOOK_CITY, "value"),
    scenario=(ids.OUTLOOK_SCENARIO, "value"),
    horizon=(ids.OUTLOOK_HORIZON, "value"),
    view=(ids.OUTLOOK_VIEW, "value"),
    warm=(ids.OUTLOOK_WARM, "value"),
    pop=(ids.OUTLOOK_POP, "value"),
)


def state_from(controls: dict) -> OutlookState:
    """The state behind the controls' values (the address's parser, so the same rules)."""
    return page_state.from_controls(OutlookState, controls, data_access.get_data())


@callback(
    output=dict(
        status=Output(ids.OUTLOOK_STATUS, "children"),
        whatif=Output(ids.OUTLOOK_WHATIF_NOTE, "children"),
        heading=Output(ids.OUTLOOK_HEADING, "children"),
        summary=Output(ids.OUTLOOK_SUMMARY, "children"),
        figure=Output(ids.OUTLOOK_FAN, "figure"),
        data=Output(ids.OUTLOOK_FAN_DATA, "children"),
        drivers=Output(ids.OUTLOOK_DRIVERS, "children"),
        ranking=Output(ids.OUTLOOK_RANKING, "children"),
        matrix=Output(ids.OUTLOOK_MATRIX, "children"),
        address=address_output(NAME),
    ),
    inputs=dict(controls={k: Input(*c) for k, c in CONTROLS.items()}, stored=address_state(NAME)),
    prevent_initial_call=True,
)
@public_answer
def update(controls, stored):
    """Redraw everything for new choices, and give the address that reopens them."""
    return render(state_from(controls), lang_of(stored))


def scores_csv(state: OutlookState, lang: str) -> str:
    """Projected scores of every city, scenario and horizon, with ranges, ranks and status."""
    data = data_access.get_data()
    frame = ol.download_frame(result_for(state)).copy()
    frame.insert(1, "city", frame["city_id"].map(names(data["cities"], "city_id", lang)))
    frame["climate_scale"], frame["population_scale"] = float(state.warm), float(state.pop)
    numbers = [c for c in frame.columns if frame[c].dtype.kind == "f"]
    return frame.round({c: 4 for c in numbers}).to_csv(index=False, lineterminator="\n")


def values_csv(state: OutlookState, lang: str) -> str:
    """Every projected indicator value with its rule, driver, member and status."""
    data = data_access.get_data()
    frame = result_for(state).projected.copy()
    frame.insert(1, "city", frame["city_id"].map(names(data["cities"], "city_id", lang)))
    numbers = [c for c in frame.columns if frame[c].dtype.kind == "f"]
    return frame.round({c: 4 for c in numbers}).to_csv(index=False, lineterminator="\n")


@callback(
    output=Output(ids.OUTLOOK_DOWNLOAD, "data"),
    inputs=dict(
        scores_clicks=Input(ids.OUTLOOK_DL_SCORES, "n_clicks"),
        values_clicks=Input(ids.OUTLOOK_DL_VALUES, "n_clicks"),
        controls={k: State(*c) for k, c in CONTROLS.items()},
        stored=address_state(NAME),
    ),
    prevent_initial_call=True,
)
@public_answer
def download(scores_clicks, values_clicks, controls, stored):
    trigger = dash.ctx.triggered_id
    if trigger not in (ids.OUTLOOK_DL_SCORES, ids.OUTLOOK_DL_VALUES):
        return no_update
    state = state_from(controls)
    lang = lang_of(stored)
    if trigger == ids.OUTLOOK_DL_SCORES:
        return dcc.send_string("\ufeff" + scores_csv(state, lang), "risk-outlook-scores.csv")
    return dcc.send_string("\ufeff" + values_csv(state, lang), "risk-outlook-projected-values.csv")
