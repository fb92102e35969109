"""Data `/data`: the method in plain language, indicator catalogue, sources, statuses, downloads."""

from __future__ import annotations

import dash
import dash_ag_grid as dag
import pandas as pd
from dash import dcc, html

import ids
from components.badges import status_badge
from components.explain import definitions, glossary_link, info
from components.page import page_context, page_header, page_title
from components.shell import link_with
from components.tables import data_grid
from domain.provenance import SCOPES, STATUSES
from domain.queries import DERIVED_TABLES, SOURCE_TABLES, city_names, inform_reproduction
from i18n import format_int, format_number, format_share, t, tn
from services import data_access

dash.register_page(
    __name__,
    path="/data",
    order=90,
    nav_key="nav.data",
    title=page_title("title.data"),
    name="data",
    public_answer=True,
)

TABS = ("method", "catalogue", "sources", "status", "downloads", "changes")


def tab_nav(current: str, lang: str) -> html.Nav:
    """Sections as links, so each is a shareable URL (`?tab=`)."""
    return html.Nav(
        [
            dcc.Link(
                t(f"data.tab.{tab}", lang),
                href=link_with("/data", {"lang": lang}, tab=tab),
                className="tab" + (" active" if tab == current else ""),
                id=f"tab-{tab}",
            )
            for tab in TABS
        ],
        className="tabs",
        **{"aria-label": t("data.sections", lang)},
    )


def grid(
    grid_id: str, frame: pd.DataFrame, columns: list[dict], lang: str, height: str = "520px"
) -> dag.AgGrid:
    """A sortable, filterable table with locale-aware labels."""
    return data_grid(
        grid_id,
        frame.to_dict("records"),
        columns,
        lang,
        height=height,
        min_width=110,
        grid_options={"pagination": False},
    )


def method_section(lang: str) -> list:
    data = data_access.get_data()
    classes = data["risk_classes"].sort_values("lower")
    steps = [html.Li(t(f"method.step{i}", lang)) for i in range(1, 8)]
    check = inform_reproduction(data)
    rows = [
        html.Tr(
            [
                html.Th(r["iso3"], scope="row"),
                html.Td(format_number(r["published"], lang)),
                html.Td(format_number(r["recomputed"], lang)),
                html.Td(t("method.match" if r["matches"] else "method.mismatch", lang)),
            ]
        )
        for _, r in check.iterrows()
    ]
    return [
        html.H2(t("data.tab.method", lang)),
        html.P(t("method.lead", lang)),
        html.Ol(steps, className="method-steps"),
        info(
            t("data.help_title", lang),
            [definitions(data, "dimension", lang), definitions(data, "category", lang)],
            lang,
            term="risk_index",
            id="data-help",
        ),
        html.H3(t("method.classes", lang)),
        html.Ul(
            [
                html.Li(
                    [
                        html.Span(className="swatch", style={"background": c["colour"]}),
                        f"{c[f'name_{lang}']}: {format_number(c['lower'], lang)} – {format_number(c['upper'], lang)}",
                    ]
                )
                for _, c in classes.iterrows()
            ],
            className="legend",
        ),
        html.H3(t("method.check_title", lang)),
        html.P(t("method.check_text", lang)),
        html.Table(
            [
                html.Thead(
                    html.Tr(
                        [
                            html.Th(t("overview.country", lang), scope="col"),
                            html.Th(t("method.published", lang), scope="col"),
                            html.Th(t("method.recomputed", lang), scope="col"),
                            html.Th(t("method.result", lang), scope="col"),
                        ]
                    )
                ),
                html.Tbody(rows),
            ],
            className="simple-table",
            id="inform-check",
            tabIndex="0",
            **{"aria-label": t("method.check_title", lang)},
        ),
        html.H3(t("method.limits_title", lang)),
        html.Ul([html.Li(t(f"method.limit{i}", lang)) for i in range(1, 5)]),
    ]


def catalogue_section(lang: str) -> list:
    cat = data_access.catalogue(lang).copy()
    cat["direction_text"] = cat["direction"].map(lambda d: t(f"direction.{d}", lang))
    cat["bounds"] = [
        f"{format_number(lo, lang, 3).rstrip('0').rstrip(',.')} – {format_number(hi, lang, 3).rstrip('0').rstrip(',.')}"
        + (" (log)" if tr == "log" else "")
        for lo, hi, tr in zip(cat["lower_bound"], cat["upper_bound"], cat["transform"])
    ]
    columns = [
        {"field": "dimension_name", "headerName": t("catalogue.dimension", lang)},
        {"field": "category", "headerName": t("catalogue.category", lang)},
        {"field": "name", "headerName": t("catalogue.name", lang), "minWidth": 220, "pinned": "left"},
        {"field": "unit", "headerName": t("catalogue.unit", lang)},
        {"field": "direction_text", "headerName": t("catalogue.direction", lang)},
        {"field": "bounds", "headerName": t("catalogue.bounds", lang)},
        {
            "field": "weight",
            "headerName": t("catalogue.weight", lang),
            "type": "numericColumn",
            "maxWidth": 110,
        },
        {
            "field": "cities",
            "headerName": t("catalogue.cities", lang),
            "type": "numericColumn",
            "maxWidth": 110,
        },
        {
            "field": "national",
            "headerName": t("catalogue.national", lang),
            "type": "numericColumn",
            "maxWidth": 130,
        },
        {"field": "statuses", "headerName": t("catalogue.statuses", lang)},
        {"field": "years", "headerName": t("catalogue.years", lang)},
        {"field": "description", "headerName": t("catalogue.description", lang), "minWidth": 300},
    ]
    return [
        html.H2(t("data.tab.catalogue", lang)),
        html.P(
            [
                t(
                    "catalogue.lead",
                    lang,
                    count=tn("count.indicator", len(cat), lang),
                ),
                " ",
                glossary_link("indicator", lang),
            ]
        ),
        grid(ids.DATA_CATALOGUE, cat, columns, lang),
    ]


def sources_section(lang: str) -> list:
    src = data_access.sources().copy()
    src["year"] = src["year"].map(lambda y: "" if pd.isna(y) else str(int(y)))
    src["kind"] = src["kind"].map(lambda k: t(f"kind.{k}", lang))
    columns = [
        {"field": "source_id", "headerName": "ID", "maxWidth": 200},
        {"field": "kind", "headerName": t("sources.kind", lang), "minWidth": 150},
        {"field": "title", "headerName": t("sources.title", lang), "minWidth": 320},
        {"field": "publisher", "headerName": t("sources.publisher", lang)},
        {"field": "year", "headerName": t("sources.year", lang), "maxWidth": 100},
        {"field": "uses", "headerName": t("sources.uses", lang), "type": "numericColumn", "maxWidth": 120},
        {"field": "licence", "headerName": t("sources.licence", lang)},
        {"field": "url", "headerName": t("sources.url", lang), "minWidth": 260, "cellRenderer": "markdown"},
    ]
    src["url"] = src["url"].map(
        lambda u: f"[{u}]({u})" if isinstance(u, str) and u.startswith("http") else ""
    )
    return [
        html.H2(t("data.tab.sources", lang)),
        html.P(t("sources.lead", lang, count=tn("count.source", len(src), lang))),
        grid(ids.DATA_SOURCES, src, columns, lang),
    ]


def status_section(lang: str) -> list:
    summary = data_access.status_summary()
    table_names = {
        "indicator_values": t("status.table.indicator_values", lang),
        "hazards": t("status.table.hazards", lang),
        "events": t("status.table.events", lang),
    }
    pivot = summary.pivot(index="table", columns="status", values="count").reindex(list(table_names))
    head = html.Tr(
        [html.Th(t("status.table", lang), scope="col")]
        + [html.Th(status_badge(s, lang), scope="col") for s in STATUSES]
    )
    body = [
        html.Tr(
            [html.Th(table_names[name], scope="row")]
            + [html.Td(format_int(pivot.loc[name, s], lang)) for s in STATUSES]
        )
        for name in pivot.index
    ]
    return [
        html.H2(t("data.tab.status", lang)),
        html.Dl(
            [
                item
                for s in (*STATUSES, "region", "national")
                for item in (html.Dt(status_badge(s, lang)), html.Dd(t(f"status.{s}.help", lang)))
            ],
            className="status-defs",
        ),
        html.Table(
            [html.Thead(head), html.Tbody(body)],
            className="simple-table",
            id=ids.DATA_STATUS,
            tabIndex="0",
            **{"aria-label": t("data.tab.status", lang)},
        ),
        *scope_section(lang),
        html.P(t("status.not_assessed_lead", lang)),
    ]


def scope_section(lang: str) -> list:
    """Per city, how many latest index inputs are city, regional and national values (as `make data` prints)."""
    table = data_access.scope_table(lang)
    keys = ("city_values", "region_values", "country_values", "total", "share")
    head = html.Tr(
        [html.Th(t("status.scope.city", lang), scope="col")]
        + [html.Th(t(f"status.scope.{k}", lang), scope="col") for k in keys]
    )
    body = [
        html.Tr(
            [html.Th(r["name"], scope="row")]
            + [html.Td(format_int(r[c], lang)) for c in (*SCOPES, "total")]
            + [html.Td("—" if pd.isna(r["national_share"]) else format_share(r["national_share"], lang))],
            **{"data-city": r["city_id"]},
        )
        for _, r in table.iterrows()
    ]
    return [
        html.H3(t("status.scope_title", lang)),
        html.P(t("status.scope_lead", lang)),
        html.Table(
            [html.Thead(head), html.Tbody(body)],
            className="simple-table",
            id=ids.DATA_SCOPES,
            tabIndex="0",
            **{"aria-label": t("status.scope_title", lang)},
        ),
    ]


def downloads_section(lang: str) -> list:
    data = data_access.get_data()
    items = []
    for name in SOURCE_TABLES + DERIVED_TABLES:
        rows = len(data[name])
        items.append(
            html.Li(
                [
                    html.Span(t(f"table.{name}", lang), className="table-name"),
                    html.Span(t("downloads.rows", lang, rows=format_int(rows, lang)), className="table-rows"),
                    html.A("CSV", href=f"/download/{name}.csv", download=f"{name}.csv", className="dl-link"),
                    html.A(
                        "Excel", href=f"/download/{name}.xlsx", download=f"{name}.xlsx", className="dl-link"
                    ),
                ]
            )
        )
    return [
        html.H2(t("data.tab.downloads", lang)),
        html.P(t("downloads.lead", lang)),
        html.P(html.A(t("downloads.all", lang), href="/download/all.xlsx", className="dl-link dl-all")),
        html.P(
            [
                html.A(
                    t("downloads.datapackage", lang),
                    href="/download/datapackage.zip",
                    download="datapackage.zip",
                    className="dl-link dl-all",
                    id="download-datapackage",
                ),
                " ",
                t("downloads.datapackage_help", lang),
                " ",
                dcc.Link(t("downloads.api", lang), href=link_with("/api-docs", {"lang": lang})),
            ]
        ),
        html.Ul(items, className="downloads"),
    ]


def stamp(moment) -> str:
    """A change-log time in UTC, or a dash where there is none."""
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment is not None and moment == moment else "—"


def changes_section(lang: str) -> list:
    """The change log: every published submission, what it changed, who sent and who approved it, when."""
    log = data_access.change_log()
    names = city_names(data_access.get_data(), lang)
    lead = [html.H2(t("data.tab.changes", lang)), html.P(t("changes.lead", lang))]
    if log.empty:
        return [*lead, html.P(t("changes.none", lang), className="notice", id="data-changes-none")]
    head = html.Thead(
        html.Tr(
            [
                html.Th(t(f"changes.col.{k}", lang), scope="col")
                for k in ("published", "city", "what", "submitted", "approved", "build")
            ]
        )
    )
    body = [
        html.Tr(
            [
                html.Td(stamp(r["published_at"])),
                html.Td(names.get(r["city_id"], r["city_id"])),
                html.Td(
                    "; ".join(
                        t(
                            "changes.rows",
                            lang,
                            table=t(f"upload.sheet.{table}", lang),
                            rows=format_int(n, lang),
                        )
                        for table, n in r["changes"].items()
                    )
                ),
                html.Td(f"{r['submitted_by']}, {stamp(r['submitted_at'])}"),
                html.Td(f"{r['approved_by']}, {stamp(r['approved_at'])}"),
                html.Td(html.Code(r["build_id"])),
            ]
        )
        for _, r in log.iterrows()
    ]
    return [
        *lead,
        html.Div(
            html.Table([head, html.Tbody(body)], className="simple-table", id="data-changes"),
            className="table-scroll",
            tabIndex="0",
            role="region",
            **{"aria-label": t("data.tab.changes", lang)},
        ),
    ]


SECTIONS = {
    "method": method_section,
    "catalogue": catalogue_section,
    "sources": sources_section,
    "status": status_section,
    "downloads": downloads_section,
    "changes": changes_section,
}


def layout(**kwargs):
    ctx = page_context(kwargs, allowed=("tab",))
    lang = ctx.lang
    tab = ctx.query.get("tab", "method")
    if tab not in SECTIONS:
        ctx.notices.append(t("notice.bad_tab", lang, value=tab[:40]))
        tab = "method"
    return html.Div(
        [
            *page_header("title.data", "data.intro", ctx),
            tab_nav(tab, lang),
            html.Section(SECTIONS[tab](lang), className="panel", id=f"section-{tab}"),
        ],
        className="page page-data",
    )
