"""Trends `/trends`: observed climate and projections to 2100 per city, by scenario.

Choices live in the query string: `cities` (comma list, in the chosen order), `var`, `scen`
(comma list), `base` (baseline period) and `mode` (`abs` or `change`), declared once by
`TrendState`. `layout` reads them (a value it does not know becomes a notice and falls back to the
default), the callback redraws the chart, table and small multiples and returns the canonical
address, which components/page_state.py writes to the browser without re-rendering the page.
Every series is marked with its status: the page says next to the chart, in the chart's title
and in the legend how the series were constructed.
"""

from dataclasses import dataclass

import dash
import dash_mantine_components as dmc
import pandas as pd
from dash import Input, Output, State, callback, dcc, html, no_update

from components.badges import status_badge
from components.charts import base_layout, graph_config, message_figure
from components.explain import data_details, data_table, glossary_definitions, info, scroll_region
from components.figure_dict import FigureDict
from components.page import page_header, page_title, with_mantine
from components.page_state import address, address_output, address_state, address_stores, lang_of, read_page
from domain import climate, page_state
from domain.palette import CITY_COLOURS, GRID, GUIDE, INK, MUTED, SERIES_COLOURS
from domain.provenance import STATUSES
from domain.queries import city_names
from i18n import format_number, t
from i18n import format_signed as signed
from services import data_access
from services.callback_cache import public_answer
from services.native_controls import form_field

NAME, PATH = "trends", "/trends"
dash.register_page(
    __name__,
    path=PATH,
    order=30,
    nav_key="nav.trends",
    title=page_title("title.trends"),
    name=NAME,
    public_answer=True,
)

# Component ids (page-local, prefixed).
CITIES, VARIABLE, SCENARIOS, BASELINE, MODE = (
    "trends-cities",
    "trends-variable",
    "trends-scenarios",
    "trends-baseline",
    "trends-mode",
)
CHART, SUMMARY, STATUS, MISSING = "trends-chart", "trends-summary", "trends-status", "trends-missing"
TABLE, MULTIPLES = "trends-table", "trends-multiples"
DATA = "trends-data"  # the chart's values as a table (text alternative)
DL_SERIES, DL_TABLE, DOWNLOAD, DOWNLOAD_TABLE = (
    "trends-dl-series",
    "trends-dl-table",
    "trends-download",
    "trends-download-table",
)

# A dash pattern per scenario as a second cue to its colour.
SCENARIO_DASH = {"observed": "solid", "ssp126": "dot", "ssp245": "dash", "ssp585": "solid"}
UNIT_KEYS = {"°C": "c", "days/yr": "days", "mm/yr": "mm", "%": "pct"}
HORIZON_YEARS = climate.HORIZONS


def all_cities(data, chosen=None) -> list[str]:
    """Cities with any climate series, in the order of the cities table."""
    have = set(climate.table(data)["city_id"].unique())
    return [c for c in data["cities"]["city_id"] if c in have]


def _known_cities(data, chosen) -> list[str]:
    return data["cities"]["city_id"].tolist()


def _variables(data, chosen) -> list[str]:
    return climate.available_variables(data)


def _baselines(data, chosen) -> list[str]:
    return climate.usable_baselines(data)


@dataclass
class TrendState:
    """Everything a user can choose on the page, declared once (domain/page_state.py). `city=` of
    older links means `cities=`; a known city without series is left out by the notice the page
    gives about cities without series."""

    cities: list[str] = page_state.many(
        "cities",
        all_cities,
        all_cities,
        aliases=("city",),
        keep_order=True,
        quiet=_known_cities,
        notice="trends.bad_cities",
    )
    variable: str = page_state.one("var", _variables, "tmean", notice="trends.bad_var")
    scenarios: list[str] = page_state.many(
        "scen", climate.PROJECTIONS, climate.PROJECTIONS, notice="trends.bad_scen"
    )
    baseline: str = page_state.one("base", _baselines, climate.DEFAULT_BASELINE, notice="trends.bad_base")
    mode: str = page_state.one("mode", climate.MODES, "abs", notice="trends.bad_mode")


# --- words and numbers ---------------------------------------------------------------------------


def period_label(key: str) -> str:
    first, last = climate.BASELINES[key]
    return f"{first}–{last}"


def unit_text(unit: str, lang: str) -> str:
    key = UNIT_KEYS.get(unit)
    return t(f"trends.unit.{key}", lang) if key else unit


def digits_for(variable: str) -> int:
    return 1 if variable == "tmean" else 0


def city_colours(data) -> dict[str, str]:
    """A stable colour per city (by its place in the cities table), whatever the selection."""
    return {c: CITY_COLOURS[i % len(CITY_COLOURS)] for i, c in enumerate(data["cities"]["city_id"])}


def scenario_name(scenario: str, lang: str, short: bool = False) -> str:
    if scenario == "observed":
        return t("trends.scen.observed", lang)
    return t(f"trends.scen_short.{scenario}" if short else f"trends.scen.{scenario}", lang)


def status_words(statuses, lang: str) -> str:
    order = [s for s in STATUSES if s in set(statuses)]
    return ", ".join(t(f"status.{s}", lang) for s in order)


def rgba(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    return f"rgba({int(h[0:2], 16)}, {int(h[2:4], 16)}, {int(h[4:6], 16)}, {alpha})"


# --- the chart -----------------------------------------------------------------------------------


def empty_message(state: TrendState, lang: str) -> str:
    """Why nothing is drawn: no city chosen, or none of them has the variable."""
    return t("trends.no_series" if state.cities else "trends.no_cities", lang)


def series_lines(shown: pd.DataFrame) -> dict[tuple[str, str], pd.DataFrame]:
    """The shown rows per (city, scenario), in their order, split in one pass."""
    return dict(tuple(shown.groupby(["city_id", "scenario"], sort=False)))


def add_series(
    fig: FigureDict,
    part: pd.DataFrame,
    scenario: str,
    colour: str,
    name: str,
    group: str,
    hover_fmt: str,
    unit: str,
    single: bool,
    showlegend: bool = True,
    legend_name: str | None = None,
    **where,
) -> None:
    """One scenario of one city: the p10-p90 band (projections) and the median or observed line."""
    years = part["year"].to_numpy()
    if scenario != "observed":
        fig.add_scatter(
            x=years,
            y=part["p90"].to_numpy(),
            mode="lines",
            line=dict(width=0, color=colour),
            hoverinfo="skip",
            showlegend=False,
            legendgroup=group,
            **where,
        )
        fig.add_scatter(
            x=years,
            y=part["p10"].to_numpy(),
            mode="lines",
            line=dict(width=0, color=colour),
            fill="tonexty",
            fillcolor=rgba(colour, 0.2 if single else 0.1),
            hoverinfo="skip",
            showlegend=False,
            legendgroup=group,
            **where,
        )
        template = (
            f"{name}<br>%{{x}}: %{{y:{hover_fmt}}} {unit} "
            f"(%{{customdata[0]:{hover_fmt}}} – %{{customdata[1]:{hover_fmt}}})<extra></extra>"
        )
        custom = part[["p10", "p90"]].to_numpy()
    else:
        template = f"{name}<br>%{{x}}: %{{y:{hover_fmt}}} {unit}<extra></extra>"
        custom = None
    fig.add_scatter(
        x=years,
        y=part["value"].to_numpy(),
        mode="lines",
        name=legend_name or name,
        legendgroup=group,
        line=dict(color=colour, width=1.4 if scenario == "observed" else 2.4, dash=SCENARIO_DASH[scenario]),
        customdata=custom,
        hovertemplate=template,
        showlegend=showlegend,
        **where,
    )


def chart_figure(
    shown: pd.DataFrame, state: TrendState, names: dict[str, str], colours: dict[str, str], lang: str
) -> FigureDict | dict:
    """Observed line and, per chosen scenario, the median line with its shaded p10-p90 band.

    One city: a colour per scenario, one legend entry per scenario. Several cities: a colour per
    city (one legend entry per city, which toggles all its lines) and a line style per scenario,
    explained by the key above the chart.
    """
    if shown.empty:
        return message_figure(lang, empty_message(state, lang), font_size=15)
    cities = list(dict.fromkeys(shown["city_id"]))
    single = len(cities) == 1
    unit = unit_text(shown["unit"].iloc[0], lang)
    hover_fmt = f".{digits_for(state.variable)}f"
    fig = FigureDict()
    lines = series_lines(shown)
    for city in cities:
        first = True
        for scenario in ["observed"] + [s for s in climate.PROJECTIONS if s in state.scenarios]:
            part = lines.get((city, scenario))
            if part is None:
                continue
            label = (
                t("trends.observed_label", lang)
                if scenario == "observed"
                else scenario_name(scenario, lang, short=True)
            )
            if single:
                add_series(
                    fig,
                    part,
                    scenario,
                    SERIES_COLOURS[scenario],
                    scenario_name(scenario, lang),
                    f"{city}-{scenario}",
                    hover_fmt,
                    unit,
                    True,
                )
            else:
                add_series(
                    fig,
                    part,
                    scenario,
                    colours.get(city, INK),
                    f"{names.get(city, city)} · {label}",
                    city,
                    hover_fmt,
                    unit,
                    False,
                    showlegend=first,
                    legend_name=names.get(city, city),
                )
            first = False
    add_periods(fig, shown, state, lang)
    status = status_words(shown["status"], lang)
    layout = base_layout(lang)
    layout.pop("height", None)  # the container's CSS height, so phones get a shorter chart
    axis_title = t("trends.change_axis", lang, unit=unit) if state.mode == "change" else unit
    layout.update(
        autosize=True,
        margin=dict(l=10, r=20, t=10, b=10),
        xaxis=dict(
            title=t("trends.axis_year", lang), range=[1990, 2101], gridcolor=GRID, nticks=8, tickformat="d"
        ),
        yaxis=dict(
            title=axis_title,
            gridcolor=GRID,
            zeroline=state.mode == "change",
            zerolinecolor=MUTED,
            automargin=True,
        ),
        legend=dict(
            orientation="h",
            yanchor="top",
            y=-0.16,
            x=0,
            title=dict(text=f"{t('trends.status_lead', lang)} {status}", side="top"),
        ),
        hovermode="closest",
    )
    fig.update_layout(**layout)
    return fig


def chart_title(state: TrendState, lang: str) -> str:
    """'Variable, unit', or 'Variable: change from <baseline>, unit'."""
    variable = t(f"trends.var.{state.variable}", lang)
    if state.mode == "change":
        return t(
            "trends.heading_change",
            lang,
            variable=variable,
            base=period_label(state.baseline),
            unit=unit_text(climate.change_unit(state.variable), lang),
        )
    return f"{variable}, {unit_text(climate.CLIMATE_UNITS[state.variable], lang)}"


def chart_heading(shown: pd.DataFrame, state: TrendState, lang: str) -> list:
    """The chart's title and the statuses on show, as badges."""
    text = chart_title(state, lang)
    statuses = [s for s in STATUSES if s in set(shown["status"])]
    return [html.Span(text), " ", *[status_badge(s, lang) for s in statuses]]


def add_periods(
    fig: FigureDict, shown: pd.DataFrame, state: TrendState, lang: str, labels: bool = True
) -> None:
    """The baseline period as a shaded strip, and a dotted line where the projections begin."""
    first, last = climate.BASELINES[state.baseline]
    fig.add_vrect(x0=first - 0.5, x1=last + 0.5, fillcolor=MUTED, opacity=0.07, line_width=0, layer="below")
    observed = shown.loc[shown["scenario"] == "observed", "year"]
    if labels:
        fig.add_annotation(
            x=(first + last) / 2,
            y=0,
            yref="paper",
            yanchor="bottom",
            showarrow=False,
            text=t("trends.baseline_band", lang, period=period_label(state.baseline)),
            font=dict(size=11, color=MUTED),
            bgcolor="rgba(255,255,255,0.7)",
        )
    if len(observed) and (shown["scenario"] != "observed").any():
        edge = int(observed.max()) + 0.5
        fig.add_vline(x=edge, line=dict(color=GUIDE, width=1, dash="dot"))
        if labels:
            fig.add_annotation(
                x=edge,
                y=1,
                yref="paper",
                yanchor="top",
                xanchor="left",
                showarrow=False,
                bgcolor="rgba(255,255,255,0.7)",
                text=t("trends.projections_label", lang),
                font=dict(size=11, color=MUTED),
            )


# --- small multiples -----------------------------------------------------------------------------


def multiples(shown: pd.DataFrame, state: TrendState, names: dict[str, str], lang: str) -> list:
    """One small chart per city, scenario colours, the same x and y ranges for all."""
    if shown.empty:
        return []
    y_range = climate.axis_range(shown)
    unit = unit_text(shown["unit"].iloc[0], lang)
    hover_fmt = f".{digits_for(state.variable)}f"
    panels = []
    lines = series_lines(shown)
    for city, rows in shown.groupby("city_id", sort=False):
        fig = FigureDict()
        for scenario in ["observed"] + [s for s in climate.PROJECTIONS if s in state.scenarios]:
            part = lines.get((city, scenario))
            if part is not None:
                add_series(
                    fig,
                    part,
                    scenario,
                    SERIES_COLOURS[scenario],
                    scenario_name(scenario, lang, short=True),
                    scenario,
                    hover_fmt,
                    unit,
                    True,
                    showlegend=False,
                )
        add_periods(fig, rows, state, lang, labels=False)
        layout = base_layout(lang)
        layout.pop("height", None)  # the panel's CSS height
        layout.update(
            margin=dict(l=10, r=10, t=6, b=10),
            showlegend=False,
            xaxis=dict(range=[1990, 2101], gridcolor=GRID, nticks=6, tickformat="d", fixedrange=True),
            yaxis=dict(
                range=list(y_range) if y_range else None,
                gridcolor=GRID,
                fixedrange=True,
                zeroline=state.mode == "change",
                zerolinecolor=MUTED,
                automargin=True,
            ),
        )
        fig.update_layout(**layout)
        panels.append(
            html.Figure(
                [
                    html.Figcaption(names.get(city, city), className="trends-multiple-title"),
                    html.Div(
                        dcc.Graph(
                            figure=fig,
                            config={**graph_config(lang), "displayModeBar": False},
                            style={
                                "height": "240px"
                            },  # .trends-multiple-graph's; said here for the first view
                        ),
                        className="trends-multiple-graph",
                    ),
                ],
                className="trends-multiple",
            )
        )
    return panels


def scenario_key(state: TrendState, lang: str, neutral: bool = False) -> html.Ul:
    """What each line style (and, unless `neutral`, colour) stands for, and what the shading is."""
    items = []
    for scenario in ["observed"] + [s for s in climate.PROJECTIONS if s in state.scenarios]:
        colour = MUTED if neutral else SERIES_COLOURS[scenario]
        items.append(
            html.Li(
                [
                    html.Span(
                        className=f"trends-line trends-line-{scenario}", style={"borderTopColor": colour}
                    ),
                    scenario_name(scenario, lang),
                ]
            )
        )
    if state.scenarios:
        items.append(
            html.Li(
                [
                    html.Span(className="trends-band", style={"background": rgba(MUTED, 0.2)}),
                    t("trends.band_key", lang),
                ]
            )
        )
    return html.Ul(items, className="legend trends-key")


# --- table and words -----------------------------------------------------------------------------


def horizon_table(tab: pd.DataFrame, state: TrendState, names: dict[str, str], lang: str):
    """2030/2050/2080 per city and scenario: median, p10-p90 and change from the baseline."""
    if tab.empty:
        return html.P(
            t("trends.table_none", lang) if not state.scenarios else empty_message(state, lang),
            className="note",
        )
    digits = digits_for(state.variable)
    unit = unit_text(tab["unit"].iloc[0], lang)
    change_unit = unit_text(tab["change_unit"].iloc[0], lang)
    base = period_label(state.baseline)
    head = html.Tr(
        [
            html.Th(t("trends.table_city", lang), scope="col"),
            html.Th(t("trends.table_scenario", lang), scope="col"),
            html.Th(t("trends.table_baseline", lang, base=base), scope="col"),
        ]
        + [html.Th(str(y), scope="col") for y in HORIZON_YEARS]
    )
    unit_row = html.Tr(
        [html.Td(""), html.Td("")]
        + [html.Th(unit, scope="col", className="trends-unit")] * (1 + len(HORIZON_YEARS))
    )
    body = []
    for city in dict.fromkeys(tab["city_id"]):
        rows = tab[tab["city_id"] == city]
        scenarios = [s for s in climate.PROJECTIONS if s in set(rows["scenario"])]
        for i, scenario in enumerate(scenarios):
            part = rows[rows["scenario"] == scenario].set_index("year")
            cells = []
            if i == 0:
                cells.append(html.Th(names.get(city, city), scope="row", rowSpan=len(scenarios)))
            cells.append(
                html.Td(
                    [
                        html.Span(
                            className=f"trends-line trends-line-{scenario}",
                            style={"borderTopColor": SERIES_COLOURS[scenario]},
                        ),
                        scenario_name(scenario, lang, short=True),
                    ],
                    className="trends-scen-cell",
                )
            )
            if i == 0:
                cells.append(
                    html.Td(
                        format_number(rows["baseline_mean"].iloc[0], lang, digits), rowSpan=len(scenarios)
                    )
                )
            for year in HORIZON_YEARS:
                if year not in part.index:
                    cells.append(html.Td("—"))
                    continue
                r = part.loc[year]
                change_digits = 0 if change_unit == "%" else digits
                cells.append(
                    html.Td(
                        [
                            html.Span(format_number(r["value"], lang, digits), className="trends-value"),
                            html.Small(
                                f"{format_number(r['p10'], lang, digits)} – {format_number(r['p90'], lang, digits)}",
                                className="trends-range",
                            ),
                            html.Span(
                                f"Δ {signed(r['change'], lang, change_digits)}"
                                + (" %" if change_unit == "%" else ""),
                                className="trends-delta",
                            ),
                        ]
                    )
                )
            body.append(html.Tr(cells))
    return [
        html.P(t("trends.table_caption", lang, base=base), className="note"),
        scroll_region(
            html.Table(
                [html.Thead([head, unit_row]), html.Tbody(body)], className="simple-table trends-table"
            ),
            t("trends.table_title", lang),
        ),
    ]


def series_table(shown: pd.DataFrame, state: TrendState, names: dict[str, str], lang: str):
    """The chart's lines every ten years (and the first observed year) as a table: the text alternative."""
    if shown.empty:
        return []
    digits = digits_for(state.variable)
    years = sorted(y for y in set(shown["year"]) if y % 10 == 0 or y == shown["year"].min())
    rows = []
    by_line: dict[tuple, dict] = {}  # (city, scenario) -> year -> (value, p10, p90); one pass
    for city, scenario, year, value, p10, p90 in shown[
        ["city_id", "scenario", "year", "value", "p10", "p90"]
    ].itertuples(index=False):
        by_line.setdefault((city, scenario), {})[year] = (value, p10, p90)
    for city in dict.fromkeys(shown["city_id"]):
        for scenario in ["observed"] + [s for s in climate.PROJECTIONS if s in state.scenarios]:
            line = by_line.get((city, scenario))
            if not line:
                continue
            cells = []
            for year in years:
                if year not in line:
                    cells.append("—")
                    continue
                value, p10, p90 = line[year]
                text = format_number(value, lang, digits)
                if scenario != "observed" and p10 == p10:
                    text += f" ({format_number(p10, lang, digits)}–{format_number(p90, lang, digits)})"
                cells.append(text)
            rows.append([f"{names.get(city, city)} · {scenario_name(scenario, lang, short=True)}", *cells])
    caption = f"{chart_title(state, lang)}. {t('trends.data_caption', lang)}"
    table = data_table(caption, [t("trends.table_city", lang)] + [str(y) for y in years], rows)
    return data_details(table, lang, t("trends.chart_label", lang), id="trends-data-details")


def summary_sentence(data, shown: pd.DataFrame, state: TrendState, names: dict[str, str], lang: str) -> str:
    """One sentence that says what the chart shows, for screen readers (and everyone)."""
    if shown.empty:
        return empty_message(state, lang)
    cities = list(dict.fromkeys(shown["city_id"]))
    span = climate.observed_span(data) or (0, 0)
    chosen = [s for s in climate.PROJECTIONS if s in state.scenarios]
    projections = (
        t(
            "trends.summary.projections",
            lang,
            scenarios=", ".join(scenario_name(s, lang, short=True) for s in chosen),
        )
        if chosen
        else ""
    )
    text = t(
        "trends.summary.lead",
        lang,
        title=chart_title(state, lang),
        cities=", ".join(names.get(c, c) for c in cities),
        first=span[0],
        last=span[1],
        projections=projections,
    )
    facts = climate.summary_facts(data, cities, state.variable, state.scenarios, state.baseline)
    if facts:
        cunit = unit_text(facts["unit"], lang)
        digits = 0 if facts["unit"] == "%" else digits_for(state.variable)

        def fmt(value: float) -> str:
            return f"{signed(value, lang, digits)} {cunit}"

        base = period_label(state.baseline)
        single = facts["cities"] == 1
        if facts["scenario"] == "observed":
            key = "trends.summary.observed_single" if single else "trends.summary.observed_range"
            extra = dict(first=facts["year"] - 9, last=facts["year"])
        else:
            key = "trends.summary.single" if single else "trends.summary.range"
            extra = dict(year=facts["year"], scenario=scenario_name(facts["scenario"], lang, short=True))
        same = (
            not single and facts["scenario"] != "observed" and fmt(facts["low"][1]) == fmt(facts["high"][1])
        )
        if same:
            detail = t("trends.summary.same", lang, base=base, value=fmt(facts["high"][1]), **extra)
        elif single:
            detail = t(
                key, lang, base=base, value=fmt(facts["high"][1]), city=names.get(facts["high"][0]), **extra
            )
        else:
            detail = t(
                key,
                lang,
                base=base,
                low=fmt(facts["low"][1]),
                low_city=names.get(facts["low"][0]),
                high=fmt(facts["high"][1]),
                high_city=names.get(facts["high"][0]),
                **extra,
            )
        text = f"{text} {detail}"
    return text


def status_panel(shown: pd.DataFrame, lang: str) -> list:
    """Badges for the statuses on show, and how the series were constructed."""
    statuses = [s for s in STATUSES if s in set(shown["status"])] or ["illustrative"]
    out = [
        html.Div(
            [
                html.Span(t("trends.status_lead", lang), className="trends-status-lead"),
                *[status_badge(s, lang) for s in statuses],
            ],
            className="trends-status-badges",
        ),
        html.P(t("trends.constructed", lang)),
    ]
    if "estimated" in statuses:
        out.append(html.P(t("trends.estimated_note", lang), className="note"))
    return out


def missing_note(data, state: TrendState, names: dict[str, str], lang: str) -> list:
    have = set(climate.cities_with(data, state.variable))
    missing = [c for c in state.cities if c not in have]
    if not missing:
        return []
    return [
        html.P(
            t(
                "trends.missing_var",
                lang,
                variable=t(f"trends.var.{state.variable}", lang),
                cities=", ".join(names.get(c, c) for c in missing),
            ),
            className="note",
        )
    ]


# --- render (layout and callback share it) ---------------------------------------------------------


def render(state: TrendState, lang: str) -> dict:
    data = data_access.get_data()
    names = city_names(data, lang)
    have = set(climate.cities_with(data, state.variable))
    cities = [c for c in state.cities if c in have]
    shown = data_access.climate_shown(cities, state.variable, state.scenarios, state.baseline, state.mode)
    tab = data_access.climate_horizons(cities, state.variable, state.scenarios, state.baseline)
    return {
        "figure": chart_figure(shown, state, names, city_colours(data), lang),
        "summary": summary_sentence(data, shown, state, names, lang),
        "status": status_panel(shown, lang),
        "missing": missing_note(data, state, names, lang),
        "table": horizon_table(tab, state, names, lang),
        "multiples": multiples(shown, state, names, lang),
        "key": scenario_key(state, lang),
        "heading": chart_heading(shown, state, lang),
        "chart_key": scenario_key(state, lang, neutral=True) if shown["city_id"].nunique() > 1 else [],
        "data": series_table(shown, state, names, lang),
        "address": address(PATH, state, lang, data),
    }


def control(label: str, child):
    """A visible label over a control that carries the same name itself (aria-label)."""
    return html.Div(
        [html.Div(label, className="control-label", **{"aria-hidden": "true"}), child], className="control"
    )


@with_mantine
def layout(**kwargs):
    data = data_access.get_data()
    ctx, state = read_page(kwargs, TrendState, data)
    lang = ctx.lang
    if climate.table(data).empty:
        ctx.notices.append(t("trends.no_data", lang))
        return html.Div(page_header("title.trends", "trends.intro", ctx), className="page page-trends")
    names = city_names(data, lang)
    missing = [c for c in data["cities"]["city_id"] if c not in set(all_cities(data))]
    if missing:
        ctx.notices.append(t("trends.no_series_for", lang, names=", ".join(names.get(c, c) for c in missing)))
    out = render(state, lang)
    return html.Div(
        [
            *page_header("title.trends", "trends.intro", ctx),
            html.Div(
                [
                    html.Div(
                        dmc.MultiSelect(
                            id=CITIES,
                            **form_field(TrendState, "cities"),
                            label=t("trends.cities", lang),
                            data=[{"label": names[c], "value": c} for c in all_cities(data)],
                            value=state.cities,
                            clearable=True,
                            searchable=True,
                            selectFirstOptionOnChange=True,
                            placeholder=t("a11y.add_city", lang),
                            nothingFoundMessage=t("compare.dropdown.no_options_found", lang),
                            clearButtonProps={"aria-label": t("compare.dropdown.clear_selection", lang)},
                        ),
                        className="control",
                    ),
                    html.Div(
                        dmc.Select(
                            id=VARIABLE,
                            **form_field(TrendState, "variable"),
                            label=t("trends.variable", lang),
                            allowDeselect=False,
                            data=[
                                {"label": t(f"trends.var.{v}", lang), "value": v}
                                for v in climate.available_variables(data)
                            ],
                            value=state.variable,
                        ),
                        className="control",
                    ),
                ],
                className="controls",
            ),
            html.Div(
                [
                    html.Div(
                        dmc.CheckboxGroup(
                            dmc.Group(
                                [
                                    dmc.Checkbox(label=scenario_name(s, lang), value=s)
                                    for s in climate.PROJECTIONS
                                ],
                                gap="md",
                            ),
                            id=SCENARIOS,
                            **form_field(TrendState, "scenarios"),
                            label=t("trends.scenarios", lang),
                            value=state.scenarios,
                            className="checkbox-group trends-scenarios",
                        ),
                        className="control",
                    ),
                    control(
                        t("trends.baseline", lang),
                        dmc.SegmentedControl(
                            id=BASELINE,
                            **form_field(TrendState, "baseline"),
                            data=[
                                {"label": period_label(b), "value": b} for b in climate.usable_baselines(data)
                            ],
                            value=state.baseline,
                            className="segmented",
                            withItemsBorders=False,
                            fullWidth=True,
                            **{"aria-label": t("trends.baseline", lang)},
                        ),
                    ),
                    control(
                        t("trends.mode", lang),
                        dmc.SegmentedControl(
                            id=MODE,
                            **form_field(TrendState, "mode"),
                            data=[{"label": t(f"trends.mode.{m}", lang), "value": m} for m in climate.MODES],
                            value=state.mode,
                            className="segmented",
                            withItemsBorders=False,
                            fullWidth=True,
                            **{"aria-label": t("trends.mode", lang)},
                        ),
                    ),
                ],
                className="controls",
            ),
            info(
                t("trends.help_title", lang),
                [glossary_definitions(["ssp", "p10_p90", "baseline_period", "climate_projection"], lang)],
                lang,
                id="trends-help",
            ),
            html.Div(out["missing"], id=MISSING, **{"aria-live": "polite"}),
            html.Section(
                [
                    html.Div(out["status"], id=STATUS, className="trends-status", role="note"),
                    html.H2(out["heading"], id="trends-heading", className="trends-heading"),
                    html.P(
                        out["summary"],
                        id=SUMMARY,
                        className="chart-summary trends-summary",
                        **{"aria-live": "polite"},
                    ),
                    html.Div(out["chart_key"], id="trends-chart-key"),
                    html.Div(
                        dcc.Graph(id=CHART, figure=out["figure"], config=graph_config(lang)),
                        className="trends-chart",
                        role="figure",
                        **{"aria-label": t("trends.chart_label", lang), "aria-describedby": SUMMARY},
                    ),
                    html.Div(out["data"], id=DATA),
                    html.Div(
                        [
                            html.Button(
                                t("trends.download_series", lang),
                                id=DL_SERIES,
                                n_clicks=0,
                                className="trends-button",
                            ),
                            html.Button(
                                t("trends.download_table", lang),
                                id=DL_TABLE,
                                n_clicks=0,
                                className="trends-button",
                            ),
                        ],
                        className="trends-downloads",
                    ),
                    html.Details(
                        [
                            html.Summary(t("trends.method.title", lang)),
                            html.Ul([html.Li(t(f"trends.method.{i}", lang)) for i in range(1, 7)]),
                        ],
                        className="trends-method",
                    ),
                ],
                className="panel",
            ),
            html.Section(
                [
                    html.H2(t("trends.table_title", lang)),
                    html.Div(out["table"], id=TABLE),
                ],
                className="panel",
            ),
            html.Section(
                [
                    html.H2(t("trends.multiples_title", lang)),
                    html.P(t("trends.multiples_note", lang), className="note"),
                    html.Div(out["key"], id="trends-key"),
                    html.Div(out["multiples"], id=MULTIPLES, className="trends-multiples"),
                ],
                className="panel",
            ),
            dcc.Download(id=DOWNLOAD),
            dcc.Download(id=DOWNLOAD_TABLE),
            *address_stores(NAME, PATH, state, lang, data),
        ],
        className="page page-trends",
    )


# --- callbacks -----------------------------------------------------------------------------------

CONTROLS = dict(
    cities=(CITIES, "value"),
    variable=(VARIABLE, "value"),
    scenarios=(SCENARIOS, "value"),
    baseline=(BASELINE, "value"),
    mode=(MODE, "value"),
)


def state_from(controls: dict) -> TrendState:
    """The state behind the controls' values (the address's parser, so the same rules)."""
    return page_state.from_controls(TrendState, controls, data_access.get_data())


@callback(
    output=dict(
        figure=Output(CHART, "figure"),
        summary=Output(SUMMARY, "children"),
        status=Output(STATUS, "children"),
        missing=Output(MISSING, "children"),
        table=Output(TABLE, "children"),
        multiples=Output(MULTIPLES, "children"),
        key=Output("trends-key", "children"),
        heading=Output("trends-heading", "children"),
        chart_key=Output("trends-chart-key", "children"),
        data=Output(DATA, "children"),
        address=address_output(NAME),
    ),
    inputs=dict(controls={k: Input(*c) for k, c in CONTROLS.items()}, stored=address_state(NAME)),
    prevent_initial_call=True,
)
@public_answer
def update(controls, stored):
    """Redraw everything for new choices, and give the address that reopens them."""
    return render(state_from(controls), lang_of(stored))


def series_csv(state: TrendState, lang: str) -> str:
    """The chart's series exactly as shown (values or changes), with city names and provenance."""
    data = data_access.get_data()
    have = set(climate.cities_with(data, state.variable))
    frame = data_access.climate_shown(
        [c for c in state.cities if c in have], state.variable, state.scenarios, state.baseline, state.mode
    ).copy()
    frame.insert(1, "city", frame["city_id"].map(city_names(data, lang)))
    return frame.round({"value": 3, "p10": 3, "p90": 3, "baseline_mean": 3}).to_csv(
        index=False, lineterminator="\n"
    )


def table_csv(state: TrendState, lang: str) -> str:
    """The 2030/2050/2080 table as shown."""
    data = data_access.get_data()
    have = set(climate.cities_with(data, state.variable))
    frame = data_access.climate_horizons(
        [c for c in state.cities if c in have], state.variable, state.scenarios, state.baseline
    ).copy()
    frame.insert(1, "city", frame["city_id"].map(city_names(data, lang)))
    frame.insert(2, "variable", state.variable)
    frame.insert(3, "baseline", state.baseline)
    numbers = ["value", "p10", "p90", "baseline_mean", "change", "change_p10", "change_p90"]
    return frame.round({c: 3 for c in numbers}).to_csv(index=False, lineterminator="\n")


@callback(
    output=Output(DOWNLOAD, "data"),
    inputs=dict(
        clicks=Input(DL_SERIES, "n_clicks"),
        controls={k: State(*c) for k, c in CONTROLS.items()},
        stored=address_state(NAME),
    ),
    prevent_initial_call=True,
)
@public_answer
def download_series(clicks, controls, stored):
    if not clicks:
        return no_update
    state = state_from(controls)
    name = f"climate-{state.variable}-{state.mode}-{state.baseline}.csv"
    return dcc.send_string("\ufeff" + series_csv(state, lang_of(stored)), name)


@callback(
    output=Output(DOWNLOAD_TABLE, "data"),
    inputs=dict(
        clicks=Input(DL_TABLE, "n_clicks"),
        controls={k: State(*c) for k, c in CONTROLS.items()},
        stored=address_state(NAME),
    ),
    prevent_initial_call=True,
)
@public_answer
def download_table(clicks, controls, stored):
    if not clicks:
        return no_update
    state = state_from(controls)
    name = f"climate-{state.variable}-2030-2050-2080-{state.baseline}.csv"
    return dcc.send_string("\ufeff" + table_csv(state, lang_of(stored)), name)
