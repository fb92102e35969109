"""Action plans `/actions` (public): progress by city, Sendai and MCR2030 views, timeline with
overdue actions, funding, a table with a detail view per action, and downloads of what is shown.

Filters (`cities`, `status`, `hazard`, `essential`) and the open `action` live in the query
string, declared once by `ActionsState` (`city=` of older links is read as `cities=`); the
common address sync (components/page_state.py) keeps the address in step. The figures are the
baseline plans from the data build with the updates saved by the cities' focal points laid over
them (`services.data_access.actions_current`, cached with the database's stamp in the key).
"""

import io
from dataclasses import dataclass
from datetime import date

import dash
import dash_mantine_components as dmc
import pandas as pd
from dash import ClientsideFunction, Input, Output, State, callback, dcc, html

from components import action_views as av
from components.badges import status_badge
from components.charts import graph_config
from components.figure_dict import FigureDict
from components.infrastructure_views import protection_section
from components.ops_notice import updates_unavailable
from components.page import page_header, page_title, with_mantine
from components.page_state import address_state, address_stores, lang_of, read_page, sync_address
from components.shell import link_with
from components.tables import data_grid
from domain import actions as act
from domain import city_plans, page_state
from domain.queries import table_names
from i18n import format_day, format_int, t
from services import data_access
from services.callback_cache import public_answer
from services.native_controls import form_field

NAME, PATH = "actions", "/actions"
dash.register_page(
    __name__,
    path=PATH,
    order=50,
    nav_key="nav.actions",
    title=page_title("title.actions"),
    name=NAME,
    public_answer=True,
)

CITY, STATUS, HAZARD, ESSENTIAL = "actions-city", "actions-status", "actions-hazard", "actions-essential"
CONTENT, GRID, OPEN = "actions-content", "actions-grid", "actions-open"
DETAIL, DETAIL_WRAP, DETAIL_CLOSE = "actions-detail", "actions-detail-wrap", "actions-detail-close"
DL_CSV, DL_XLSX, DOWNLOAD, SHOWN = "actions-dl-csv", "actions-dl-xlsx", "actions-download", "actions-shown"
SCROLLED = "actions-scrolled"


def today() -> date:
    return date.today()


def city_names(lang: str) -> dict[str, str]:
    return table_names(data_access.get_data(), "cities", lang)


def hazard_names(lang: str) -> dict[str, str]:
    return table_names(data_access.get_data(), "hazard_types", lang)


def essential_names(lang: str) -> dict[int, str]:
    return {e: t(f"actions.essential.{e}", lang) for e in act.ESSENTIALS}


def funder_names(frame: pd.DataFrame, lang: str) -> dict[str, str]:
    named = frame.dropna(subset=["funder"]).drop_duplicates("funder")
    return dict(zip(named["funder"], named[f"funder_{lang}"]))


def _cities(data, chosen) -> list[str]:
    return data["cities"]["city_id"].tolist()


def _hazards(data, chosen) -> list[str]:
    return data["hazard_types"]["hazard_type"].tolist()


def _actions(data, chosen) -> list[str]:
    return data_access.actions_current()["action_id"].tolist()


def _filter(key: str, options, **rules) -> list:
    return page_state.many(
        key,
        options,
        (),
        keep_order=True,
        notice="actions.bad_filter",
        label=f"actions.filter.{rules.pop('name', key)}",
        **rules,
    )


@dataclass
class ActionsState:
    """The filters and the open action, declared once (domain/page_state.py)."""

    cities: list[str] = _filter("cities", _cities, name="city", aliases=("city",))
    status: list[str] = _filter("status", act.STATUSES)
    hazard: list[str] = _filter("hazard", _hazards)
    essential: list[int] = _filter("essential", tuple(str(e) for e in act.ESSENTIALS), convert=int)
    action: str | None = page_state.one("action", _actions, None, notice="actions.unknown_action")


def filters_of(state: ActionsState) -> dict[str, list]:
    """The filters as the views take them."""
    return {
        "city": state.cities,
        "status": state.status,
        "hazard": state.hazard,
        "essential": state.essential,
    }


def shown_actions(filters: dict) -> pd.DataFrame:
    frame = data_access.actions_current()
    return act.filter_actions(
        frame,
        filters.get("city") or (),
        filters.get("status") or (),
        filters.get("hazard") or (),
        filters.get("essential") or (),
    )


def short(text: str, limit: int = 48) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def graph(fig, graph_id: str, lang: str, modebar: bool = True) -> dcc.Graph:
    return dcc.Graph(id=graph_id, figure=fig, config={**graph_config(lang), "displayModeBar": modebar})


def figcaption(lang: str, text_key: str = "actions.caption") -> html.P:
    return html.P([status_badge("illustrative", lang), " ", t(text_key, lang)], className="note act-caption")


def stats(summary: dict, lang: str) -> html.Div:
    items = [
        (t("actions.stat.actions", lang), format_int(summary["actions"], lang)),
        (t("actions.stat.progress", lang), av.percent(summary["weighted_progress"], lang)),
        (t("actions.stat.completed", lang), format_int(summary["completed"], lang)),
        (t("actions.stat.overdue", lang), format_int(summary["overdue"], lang)),
        (t("actions.stat.budget", lang), av.money(summary["budget"], lang)),
        (t("actions.stat.funded", lang), av.money(summary["funded"], lang)),
        (t("actions.stat.gap", lang), av.money(summary["gap"], lang)),
    ]
    return html.Div(
        [
            html.Div(
                [html.Div(v, className="stat-value"), html.Div(k, className="stat-label")],
                className="stat",
                id=f"actions-stat-{i}",
            )
            for i, (k, v) in enumerate(items)
        ],
        className="stats",
        id="actions-stats",
    )


def render_content(filters: dict, lang: str) -> list:
    """Every view of the filtered actions."""
    day = today()
    measures = data_access.action_measures(filters, day)
    frame = measures.frame
    if frame.empty:
        return [html.P(t("actions.none", lang), className="notice", id="actions-empty")]
    names = city_names(lang)
    summary, by_city, funders = measures.summary, measures.by_city, measures.funders
    priorities, targets = measures.priorities, measures.targets
    counts, progress = measures.mcr_counts, measures.mcr_progress
    fnames = funder_names(frame, lang)
    ordered = frame.sort_values(["city_id", "planned_start", "action_id"]).reset_index(drop=True)
    labels = [
        f"{names.get(c, c)} · {short(title, 34)}"
        for c, title in zip(ordered["city_id"], ordered[f"title_{lang}"])
    ]
    worst = by_city.sort_values("weighted_progress").iloc[0]
    p_labels = {p: f"{p}. {t(f'actions.sendai.p{p}.short', lang)}" for p in act.SENDAI_PRIORITIES}
    t_labels = {x: f"{x.upper()}. {t(f'actions.sendai.t.{x}.short', lang)}" for x in act.SENDAI_TARGETS}
    return [
        stats(summary, lang),
        # Funding first: a donor looks for the gaps per city before the plan's details.
        html.Div(
            [
                html.Section(
                    [
                        html.H2(t("actions.funding_city", lang)),
                        html.P(
                            t(
                                "actions.funding_summary",
                                lang,
                                budget=av.money(summary["budget"], lang),
                                funded=av.money(summary["funded"], lang),
                                gap=av.money(summary["gap"], lang),
                            ),
                            className="chart-summary",
                        ),
                        graph(
                            av.funding_city_figure(by_city, names, lang),
                            "actions-funding-city",
                            lang,
                            modebar=False,
                        ),
                        av.funding_table(by_city, names, lang, "actions-funding-table"),
                        figcaption(lang),
                    ],
                    className="panel",
                    id="actions-funding",
                ),
                html.Section(
                    [
                        html.H2(t("actions.funding_funder", lang)),
                        html.P(t("actions.funder_help", lang), className="note"),
                        graph(av.funder_figure(funders, fnames, lang), "actions-funding-funder", lang)
                        if len(funders)
                        else html.P(t("actions.none_funded", lang)),
                        figcaption(lang),
                    ],
                    className="panel",
                ),
            ],
            className="grid-2 act-grid",
        ),
        html.Section(
            [
                html.H2(t("actions.by_city", lang)),
                html.P(
                    t(
                        "actions.by_city_summary",
                        lang,
                        progress=av.percent(summary["weighted_progress"], lang),
                        overdue=format_int(summary["overdue"], lang),
                        city=names.get(worst["city_id"], worst["city_id"]),
                        city_progress=av.percent(worst["weighted_progress"], lang),
                    ),
                    className="chart-summary",
                ),
                html.P(t("actions.weighted_help", lang), className="note"),
                graph(
                    av.city_status_figure(by_city, names, lang, figure_type=FigureDict),
                    "actions-by-city",
                    lang,
                ),
                figcaption(lang),
            ],
            className="panel",
        ),
        html.Div(
            [
                html.Section(
                    [
                        html.H2(t(f"actions.by_{name}", lang)),
                        graph(
                            av.group_status_figure(frame, column, labels, lang), f"actions-by-{name}", lang
                        ),
                        figcaption(lang),
                    ],
                    className="panel",
                )
                for name, frame, column, labels in (
                    ("priority", priorities, "sendai_priority", p_labels),
                    ("target", targets, "sendai_target", t_labels),
                )
            ],
            className="grid-2 act-grid",
        ),
        html.Section(
            [
                html.H2(t("actions.mcr_title", lang)),
                html.P(t("actions.mcr_help", lang), className="note"),
                av.mcr_table(counts, progress, names, essential_names(lang), lang, "actions-mcr"),
                figcaption(lang),
            ],
            className="panel",
        ),
        html.Section(
            [
                html.H2(t("actions.timeline", lang)),
                html.P(
                    t("actions.timeline_help", lang, overdue=format_int(summary["overdue"], lang)),
                    className="note",
                ),
                html.Div(
                    graph(
                        av.timeline_figure(ordered, labels, lang, day),
                        "actions-timeline",
                        lang,
                        modebar=False,
                    ),
                    className="timeline-scroll",
                    tabIndex="0",
                    role="region",
                    **{"aria-label": t("actions.timeline", lang)},
                ),
                figcaption(lang),
            ],
            className="panel",
        ),
    ]


def table_frame(filters: dict, lang: str) -> pd.DataFrame:
    """The shown actions as a table with readable, translated columns (grid and downloads)."""
    day = today()
    frame = act.with_flags(shown_actions(filters), day)
    names, hz = city_names(lang), hazard_names(lang)
    out = pd.DataFrame(
        {
            "action_id": frame["action_id"],
            "city": frame["city_id"].map(names),
            "title": frame[f"title_{lang}"],
            "status": frame["status"].map(lambda s: av.status_name(s, lang)),
            "progress_pct": frame["progress_pct"].astype(float).round(0),
            "overdue": frame["overdue"].map(lambda o: t("actions.overdue", lang) if o else ""),
            "planned_start": frame["planned_start"],
            "planned_end": frame["planned_end"],
            "actual_start": frame["actual_start"],
            "actual_end": frame["actual_end"],
            "sendai_priority": frame["sendai_priority"].astype(int),
            "sendai_target": frame["sendai_target"].str.upper(),
            "mcr2030_essential": frame["mcr2030_essential"].astype(int),
            "hazards": frame["hazards"].map(lambda h: ", ".join(hz.get(x, x) for x in str(h).split(";"))),
            "responsible_body": frame[f"responsible_body_{lang}"],
            "budget_usd": frame["budget_usd"],
            "funded_usd": frame["funded_usd"],
            "funding_gap_usd": frame["funding_gap"],
            "funder": frame[f"funder_{lang}"],
            "last_update": frame["last_update"],
            "data_status": frame["data_status"].map(lambda s: t(f"status.{s}", lang)),
        }
    )
    return out.sort_values(["city", "planned_start", "action_id"]).reset_index(drop=True)


def column_defs(lang: str) -> list[dict]:
    def col(field: str, key: str, **extra) -> dict:
        return {"field": field, "headerName": t(f"actions.col.{key}", lang), **extra}

    # The browser's Intl gives the same currency form as Babel on the server ('148 000 $', 'US$148,000').
    tag = "ru-RU" if lang == "ru" else "en-GB"
    money_fmt = {
        "function": f"params.value == null ? '' : new Intl.NumberFormat('{tag}', "
        "{style: 'currency', currency: 'USD', maximumFractionDigits: 0}).format(params.value)"
    }
    return [
        col("city", "city", maxWidth=150),
        col("title", "title", minWidth=260, flex=2, pinned="left"),
        col("status", "status", maxWidth=150),
        col("progress_pct", "progress", type="numericColumn", maxWidth=120),
        col("overdue", "overdue", maxWidth=140, cellClass="act-overdue-cell"),
        col("planned_end", "planned_end", maxWidth=140),
        col("budget_usd", "budget", type="numericColumn", valueFormatter=money_fmt),
        col("funding_gap_usd", "gap", type="numericColumn", valueFormatter=money_fmt),
        col("funder", "funder"),
        col("sendai_priority", "priority", maxWidth=120),
        col("sendai_target", "target", maxWidth=110),
        col("mcr2030_essential", "essential", maxWidth=120),
    ]


def detail(action_id: str, lang: str) -> list:
    """One action: facts, progress bar and its dated history (baseline and updates saved in the app)."""
    frame = data_access.actions_current()
    rows = act.with_flags(frame[frame["action_id"] == action_id], today())
    if rows.empty:
        return [html.P(t("actions.unknown_action", lang, value=action_id[:40]), className="notice")]
    row = rows.iloc[0]
    data = data_access.get_data()
    history = act.merged_history(data["action_updates"], data_access.actions_app_updates(), action_id, lang)
    hz = hazard_names(lang)
    names = city_names(lang)
    p, tg, ess = int(row["sendai_priority"]), row["sendai_target"], int(row["mcr2030_essential"])
    facts = [
        (t("actions.city", lang), names.get(row["city_id"], row["city_id"])),
        (t("actions.col.status", lang), av.status_chip(row["status"], lang)),
        (t("actions.responsible", lang), row[f"responsible_body_{lang}"]),
        (
            t("actions.planned_dates", lang),
            f"{format_day(row['planned_start'], lang, 'medium')} – {format_day(row['planned_end'], lang, 'medium')}",
        ),
        (
            t("actions.actual_dates", lang),
            f"{format_day(row['actual_start'], lang, 'medium') if isinstance(row['actual_start'], str) else '—'}"
            f" – {format_day(row['actual_end'], lang, 'medium') if isinstance(row['actual_end'], str) else '…'}",
        ),
        (t("actions.sendai_priority", lang), f"{p}. {t(f'actions.sendai.p{p}', lang)}"),
        (t("actions.sendai_target", lang), f"{tg.upper()}. {t(f'actions.sendai.t.{tg}', lang)}"),
        (t("actions.mcr_essential", lang), f"{ess}. {t(f'actions.essential.{ess}', lang)}"),
        (t("actions.hazards", lang), ", ".join(hz.get(x, x) for x in str(row["hazards"]).split(";"))),
        (t("actions.budget", lang), av.money(row["budget_usd"], lang)),
        (
            t("actions.funded", lang),
            f"{av.money(row['funded_usd'], lang)}"
            + (f" · {row[f'funder_{lang}']}" if isinstance(row[f"funder_{lang}"], str) else ""),
        ),
        (t("actions.gap", lang), av.money(row["funding_gap"], lang)),
    ]
    items = []
    for label, value in facts:
        items += [html.Dt(label), html.Dd(value)]
    updates = [
        html.Tr(
            [
                html.Td(format_day(h["date"], lang, "medium")),
                html.Td(av.status_chip(h["status"], lang)),
                html.Td(av.percent(h["progress_pct"], lang)),
                html.Td(h["note"] or "—"),
                html.Td(t(f"actions.origin.{h['origin']}", lang)),
            ]
        )
        for _, h in history.iloc[::-1].iterrows()
    ]
    return [
        html.H2(row[f"title_{lang}"], id="actions-detail-title"),
        html.Div(
            [
                status_badge(str(row["data_status"]), lang),
                html.Span(
                    t("actions.overdue_days", lang, days=format_int(row["days_overdue"], lang)),
                    className="act-overdue",
                )
                if row["overdue"]
                else None,
            ],
            className="act-detail-badges",
        ),
        av.progress_bar(row["progress_pct"], lang),
        html.Dl(items, className="facts act-facts"),
        html.H3(t("actions.history", lang)),
        dcc.Graph(
            id="actions-history-chart", figure=av.history_figure(history, lang), config=graph_config(lang)
        ),
        html.Div(
            html.Table(
                [
                    html.Thead(
                        html.Tr(
                            [
                                html.Th(t(f"actions.hist.{k}", lang), scope="col")
                                for k in ("date", "status", "progress", "note", "origin")
                            ]
                        )
                    ),
                    html.Tbody(updates),
                ],
                className="simple-table act-history",
                id="actions-history",
            ),
            className="table-scroll",
            tabIndex="0",
            role="region",
            **{"aria-label": t("actions.history", lang)},
        ),
    ]


def filter_control(
    control_id: str, name: str, options: list[dict], value: list, lang: str, field: str
) -> html.Div:
    """A filter of the list, the control of the state's `field`."""
    # dmc.MultiSelect: labelled and keyboard-accessible (Dash 4's dcc.Dropdown hides a focusable
    # input from screen readers, which axe reports as serious).
    return html.Div(
        dmc.MultiSelect(
            id=control_id,
            label=t(f"actions.filter.{name}", lang),
            data=[{"value": str(o["value"]), "label": o["label"]} for o in options],
            value=[str(v) for v in value],
            placeholder=t("actions.filter.all", lang) if not value else None,
            clearable=True,
            searchable=True,
            comboboxProps={"withinPortal": False},
            **form_field(ActionsState, field),
        ),
        className="control",
    )


@with_mantine
def layout(**kwargs):
    data = data_access.get_data()
    ctx, state = read_page(kwargs, ActionsState, data)
    lang, filters, action = ctx.lang, filters_of(state), state.action
    frame = data_access.actions_current()
    names = city_names(lang)
    present = set(frame["city_id"])
    hz = hazard_names(lang)
    used_hazards = {h for value in frame["hazards"] for h in str(value).split(";")}
    options = {
        "city": [
            {"value": c, "label": n} for c, n in sorted(names.items(), key=lambda x: x[1]) if c in present
        ],
        "status": [{"value": s, "label": av.status_name(s, lang)} for s in act.STATUSES],
        "hazard": [{"value": h, "label": n} for h, n in hz.items() if h in used_hazards],
        "essential": [{"value": e, "label": f"{e}. {n}"} for e, n in essential_names(lang).items()],
    }
    kind = city_plans.plan_kind(frame)
    demo_cities = sorted(
        {names.get(c, c) for c in frame.loc[frame["data_status"] == "illustrative", "city_id"]}
    )
    banner = [status_badge("illustrative", lang), html.Span(t("actions.illustrative_note", lang))]
    if kind == "mixed":
        banner.append(
            html.Span(
                " " + t("actions.demo_cities", lang, cities=", ".join(demo_cities)), id="actions-demo-cities"
            )
        )
    intro = {"demonstration": "actions.intro_demo", "mixed": "actions.intro_mixed"}.get(kind, "actions.intro")
    no_plan = [n for c, n in sorted(names.items(), key=lambda x: x[1]) if c not in present]
    if no_plan:
        ctx.notices.append(t("actions.no_plan_for", lang, cities=", ".join(no_plan)))
    return html.Div(
        [
            *page_header("title.actions", intro, ctx),
            updates_unavailable(lang) if data_access.updates_unavailable() else None,
            html.Div(
                [
                    *(banner if kind in ("demonstration", "mixed") else []),
                    dcc.Link(
                        t("actions.editor_link", lang),
                        href=link_with("/login", {"lang": lang}),
                        id="actions-login-link",
                    ),
                ],
                className="act-banner",
                role="note",
                **{"data-plans": kind},
            ),
            html.Div(
                [
                    filter_control(CITY, "city", options["city"], filters["city"], lang, "cities"),
                    filter_control(STATUS, "status", options["status"], filters["status"], lang, "status"),
                    filter_control(HAZARD, "hazard", options["hazard"], filters["hazard"], lang, "hazard"),
                    filter_control(
                        ESSENTIAL, "essential", options["essential"], filters["essential"], lang, "essential"
                    ),
                ],
                className="controls act-filters",
            ),
            html.Section(
                [
                    html.Button(
                        t("actions.close", lang), id=DETAIL_CLOSE, className="button act-close", n_clicks=0
                    ),
                    html.Div(detail(action, lang) if action else [], id=DETAIL, **{"aria-live": "polite"}),
                ],
                id=DETAIL_WRAP,
                className="panel act-detail",
                hidden=not action,
            ),
            dcc.Loading(html.Div(render_content(filters, lang), id=CONTENT), type="dot", delay_show=400),
            html.Section(
                [
                    html.Div(
                        [
                            html.H2(t("actions.table", lang)),
                            html.Div(
                                [
                                    html.Button(
                                        t("actions.download_csv", lang),
                                        id=DL_CSV,
                                        className="button",
                                        n_clicks=0,
                                    ),
                                    html.Button(
                                        t("actions.download_xlsx", lang),
                                        id=DL_XLSX,
                                        className="button",
                                        n_clicks=0,
                                    ),
                                ],
                                className="act-downloads",
                            ),
                        ],
                        className="panel-head",
                    ),
                    html.P(t("actions.table_help", lang), className="note"),
                    data_grid(
                        GRID,
                        table_frame(filters, lang).to_dict("records"),
                        column_defs(lang),
                        lang,
                        getRowId="params.data.action_id",
                    ),
                    dcc.Download(id=DOWNLOAD),
                ],
                className="panel",
            ),
            protection_section(
                data_access.get_data()["facilities"], data_access.get_data()["actions"], names, lang
            ),  # issue 19
            dcc.Store(id=OPEN, data=action),
            dcc.Store(id=SCROLLED),
            *address_stores(NAME, PATH, state, lang, data),
        ],
        className="page page-actions",
    )


FILTERS = dict(
    cities=(CITY, "value"), status=(STATUS, "value"), hazard=(HAZARD, "value"), essential=(ESSENTIAL, "value")
)


def filters_from(controls: dict) -> dict[str, list]:
    """The filters behind the controls' values (the address's parser, so the same rules)."""
    return filters_of(page_state.from_controls(ActionsState, controls, data_access.get_data()))


@callback(
    Output(CONTENT, "children"),
    Output(GRID, "rowData"),
    inputs=dict(controls={k: Input(*c) for k, c in FILTERS.items()}, stored=address_state(NAME)),
    prevent_initial_call=True,
)
@public_answer
def refilter(controls, stored):
    """Redraw every view and the table for new filters."""
    lang = lang_of(stored)
    filters = filters_from(controls)
    return render_content(filters, lang), table_frame(filters, lang).to_dict("records")


@callback(
    Output(DETAIL, "children"),
    Output(DETAIL_WRAP, "hidden"),
    Output(OPEN, "data"),
    Input(GRID, "cellClicked"),
    Input(DETAIL_CLOSE, "n_clicks"),
    address_state(NAME),
    prevent_initial_call=True,
)
@public_answer
def open_detail(clicked, _close, stored):
    """Open the clicked action's detail view (its id goes into the address), or close it."""
    if dash.ctx.triggered_id == DETAIL_CLOSE:
        return [], True, None
    action_id = (clicked or {}).get("rowId")
    if not action_id:
        return dash.no_update, dash.no_update, dash.no_update
    return detail(str(action_id), lang_of(stored)), False, str(action_id)


@callback(
    output=Output(DOWNLOAD, "data"),
    inputs=dict(
        csv=Input(DL_CSV, "n_clicks"),
        xlsx=Input(DL_XLSX, "n_clicks"),
        controls={k: State(*c) for k, c in FILTERS.items()},
        stored=address_state(NAME),
    ),
    prevent_initial_call=True,
)
@public_answer
def download(csv, xlsx, controls, stored):
    """The table as shown (current filters, current language), as CSV or Excel."""
    lang = lang_of(stored)
    frame = table_frame(filters_from(controls), lang)
    frame = frame.rename(columns={c: t(f"actions.export.{c}", lang) for c in frame.columns})
    stem = f"actions-{today().isoformat()}"
    if dash.ctx.triggered_id == DL_XLSX:
        buffer = io.BytesIO()
        with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
            frame.to_excel(writer, sheet_name="actions", index=False)
            pd.DataFrame({t("actions.export.about", lang): [t("actions.export.note", lang)]}).to_excel(
                writer, sheet_name="about", index=False
            )
        return dcc.send_bytes(buffer.getvalue(), f"{stem}.xlsx")
    return dcc.send_bytes(frame.to_csv(index=False).encode("utf-8-sig"), f"{stem}.csv", type="text/csv")


sync_address(NAME, PATH, ActionsState, {**FILTERS, "action": (OPEN, "data")}, data_access.get_data)

# An action opened from the table: bring its detail view into sight.
dash.clientside_callback(
    ClientsideFunction(namespace="ccca_actions", function_name="showDetail"),
    Output(SCROLLED, "data"),
    Input(OPEN, "data"),
    prevent_initial_call=True,
)
