"""Overview `/`: member map coloured by risk, ranking with the three dimensions, headline figures."""

from __future__ import annotations

import dash
import pandas as pd
from dash import dcc, html

import ids
from components.badges import source_link, status_badge
from components.charts import DIMENSIONS, figure_height, graph_config, ranking_figure
from components.city_map import city_map
from components.confidence import confidence_block
from components.explain import data_details, data_table, definitions, described, info
from components.figure_dict import FigureDict
from components.page import page_context, page_header, page_title
from components.resilience_lines import overview_lines
from components.shell import link_with
from domain.confidence_words import people_label, rank_range_text
from domain.provenance import STATUSES
from domain.queries import table_names
from i18n import format_int, format_number, format_share, t, tn
from services import data_access
from services.config import settings

dash.register_page(
    __name__,
    path="/",
    order=0,
    nav_key="nav.overview",
    title=page_title("title.overview"),
    name="overview",
    public_answer=True,
)


def dimension_names(lang: str) -> dict[str, str]:
    return table_names(data_access.get_data(), "dimensions", lang)


def headline_figures(rows: pd.DataFrame, lang: str) -> html.Div:
    """Three coalition-wide figures: cities, people, and the highest-risk city."""
    top = rows.dropna(subset=["risk"]).iloc[0] if rows["risk"].notna().any() else None
    items = [
        (t("overview.cities", lang), format_int(len(rows), lang)),
        (people_label(rows["population_year"], lang), format_int(rows["population"].sum(), lang)),
    ]
    if top is not None:
        items.append((t("overview.highest", lang), f"{top['name']} · {format_number(top['risk'], lang)}"))
    return html.Div(
        [
            html.Div(
                [html.Div(v, className="stat-value"), html.Div(k, className="stat-label")], className="stat"
            )
            for k, v in items
        ],
        className="stats",
    )


def city_card(
    row: pd.Series, dims: dict[str, str], lang: str, sources: dict, helps: dict[str, str] | None = None
) -> html.Article:
    """Headline figures of one city with where they come from ("no data yet" where a city that has
    just joined has none: never a zero, never a blank card)."""
    helps = helps or {}
    no_data = t("common.no_data_yet", lang)
    scored = pd.notna(row["risk"])
    dim_items = [
        html.Li(
            [
                html.Span(dims[d], className="dim-name", title=helps.get(d)),
                html.Span(
                    format_number(row[d], lang) if pd.notna(row[d]) else no_data,
                    className=f"dim-value dim-{d}",
                ),
            ]
        )
        for d in DIMENSIONS
    ]

    def count(name: str) -> int:  # a number of values: none yet is 0 values, not a missing figure
        return int(row[name]) if name in row and pd.notna(row[name]) else 0

    prov = t(
        "overview.provenance",
        lang,
        sourced=count("sourced"),
        estimated=count("estimated"),
        illustrative=count("illustrative"),
        national=count("national"),
        regional=count("regional"),
    )
    return html.Article(
        [
            html.Header(
                [
                    html.H3(row["name"]),
                    html.Span(row["country"], className="card-country"),
                ]
            ),
            html.Div(
                [
                    html.Span(format_number(row["risk"], lang), className="risk-value"),
                    html.Span(
                        row["class_name"],
                        className=f"risk-class class-{row['risk_class']}",
                        style={"--class-colour": row["colour"]},
                    ),
                    html.Span(
                        t("overview.rank", lang, rank=int(row["rank"]), total=int(row["total"])),
                        className="risk-rank",
                    ),
                ]
                if scored
                else [html.Span(no_data, className="risk-value risk-missing")],
                className="risk-line",
            ),
            confidence_block(row, lang) if scored else None,
            html.Ul(dim_items, className="dim-list"),
            html.Dl(
                [
                    html.Dt(t("city.population", lang)),
                    html.Dd(
                        [format_int(row["population"], lang), f" ({int(row['population_year'])})"]
                        if pd.notna(row["population"])
                        else no_data
                    ),
                    html.Dt(t("overview.top_hazards", lang)),
                    html.Dd(row["top_hazards"] or "—"),
                    html.Dt(t("overview.events", lang)),
                    html.Dd(format_int(count("events"), lang)),
                    html.Dt(t("overview.coverage", lang)),
                    html.Dd(
                        t(
                            "overview.coverage_value",
                            lang,
                            share=format_share(
                                count("indicators_present") / count("indicators_total")
                                if count("indicators_total")
                                else 0,
                                lang,
                            ),
                            present=count("indicators_present"),
                            total=count("indicators_total"),
                            of_total=tn("count.of_indicator", count("indicators_total"), lang),
                        )
                    ),
                ],
                className="facts",
            ),
            html.P(prov, className="card-provenance"),
            html.P(
                [
                    t("overview.population_source", lang),
                    " ",
                    source_link(row["population_source_id"], sources, lang),
                ]
                if isinstance(row["population_source_id"], str)
                else [],
                className="card-source",
            ),
        ],
        className="city-card",
        id=f"card-{row['city_id']}",
    )


def inform_table(lang: str) -> html.Table:
    """INFORM 2025's published country scores, the national context of the city index."""
    data = data_access.get_data()
    ref = data["inform_country"]
    ref = ref[ref["edition"].str.contains("2025")]
    cities = data["cities"].drop_duplicates("country_iso3")
    names = dict(zip(cities["country_iso3"], cities[f"country_{lang}"]))
    dims = dimension_names(lang)
    head = html.Tr(
        [html.Th(t("overview.country", lang), scope="col"), html.Th(t("index.risk", lang), scope="col")]
        + [html.Th(dims[d], scope="col") for d in DIMENSIONS]
    )
    body = [
        html.Tr(
            [
                html.Th(names.get(r["iso3"], r["iso3"]), scope="row"),
                html.Td(format_number(r["inform_risk"], lang)),
            ]
            + [html.Td(format_number(r[d], lang)) for d in DIMENSIONS]
        )
        for _, r in ref.iterrows()
        if r["iso3"] in names
    ]
    return html.Table(
        [html.Caption(t("overview.inform_caption", lang)), html.Thead(head), html.Tbody(body)],
        className="simple-table",
        tabIndex="0",
    )


def map_summary(top: pd.DataFrame, lang: str) -> str:
    """The map in one sentence: what colour and size mean, the highest and lowest city."""
    if len(top) < 2:
        return t("overview.map_summary_short", lang, count=format_int(len(top), lang))
    first, last = top.iloc[0], top.iloc[-1]
    return t(
        "overview.map_summary",
        lang,
        count=tn("count.city", len(top), lang),
        first=first["name"],
        score=format_number(first["risk"], lang),
        first_class=first["class_name"],
        last=last["name"],
        low=format_number(last["risk"], lang),
        last_class=last["class_name"],
    )


def ranking_table(ranked: pd.DataFrame, dims: dict[str, str], lang: str) -> html.Table:
    """The ranking chart's numbers: rank, city, risk with its class in words, the three dimensions."""
    rows = []
    for _, r in ranked.sort_values("rank", na_position="last").iterrows():
        rank = "—" if pd.isna(r["rank"]) else str(int(r["rank"]))
        rows.append(
            [
                r["name"],
                rank,
                format_number(r["risk"], lang),
                r["class_name"] if isinstance(r["class_name"], str) else "—",
                *[format_number(r[d], lang) for d in DIMENSIONS],
                format_share(r["coverage"], lang),
                rank_range_text(r, lang) or "—",
                t(f"confidence.level.{r['confidence']}", lang)
                if isinstance(r.get("confidence"), str)
                else "—",
            ]
        )
    header = [
        t("overview.city", lang),
        t("overview.rank_col", lang),
        t("index.risk", lang),
        t("overview.class_col", lang),
        *[dims[d] for d in DIMENSIONS],
        t("overview.coverage", lang),
        t("confidence.rank_column", lang),
        t("confidence.column", lang),
    ]
    return data_table(t("overview.ranking_title", lang), header, rows)


def map_table(rows: pd.DataFrame, lang: str) -> html.Table:
    """The map's data: each city with its country, risk and class in words, and population."""
    body = [
        [
            r["name"],
            r["country"],
            format_number(r["risk"], lang),
            r["class_name"] if isinstance(r["class_name"], str) else "—",
            f"{format_int(r['population'], lang)} ({int(r['population_year'])})"
            if pd.notna(r["population"])
            else t("common.no_data_yet", lang),
        ]
        for _, r in rows.sort_values("name").iterrows()
    ]
    header = [
        t("overview.city", lang),
        t("overview.country", lang),
        t("index.risk", lang),
        t("overview.class_col", lang),
        t("city.population", lang),
    ]
    return data_table(t("overview.map_title", lang), header, body, numeric_from=2)


def layout(**kwargs):
    ctx = page_context(kwargs)
    lang = ctx.lang
    rows = data_access.headline(lang).copy()
    rows["total"] = rows["risk"].notna().sum()
    dims = dimension_names(lang)
    data = data_access.get_data()
    helps = described(data, "dimension", lang)
    sources = data["sources"].set_index("source_id").to_dict("index")
    ranked = data_access.ranking(lang)
    top = ranked.dropna(subset=["risk"])
    summary = (
        t(
            "overview.ranking_summary",
            lang,
            first=top.iloc[0]["name"],
            score=format_number(top.iloc[0]["risk"], lang),
            last=top.iloc[-1]["name"],
            low=format_number(top.iloc[-1]["risk"], lang),
        )
        if len(top) >= 2
        else ""
    )
    classes = data["risk_classes"].sort_values("lower")
    legend = html.Ul(
        [
            html.Li(
                [
                    html.Span(className="swatch", style={"background": c["colour"]}),
                    f"{c[f'name_{lang}']} ({format_number(c['lower'], lang)}–{format_number(c['upper'], lang)})",
                ]
            )
            for _, c in classes.iterrows()
        ],
        className="legend",
        **{"aria-label": t("overview.legend", lang)},
    )
    return html.Div(
        [
            *page_header("title.overview", "overview.intro", ctx),
            headline_figures(rows, lang),
            html.Div(
                [
                    html.Section(
                        [
                            html.H2(t("overview.map_title", lang)),
                            html.P(
                                map_summary(top, lang), className="chart-summary", id="overview-map-summary"
                            ),
                            city_map(ranked, lang, ids.OVERVIEW_MAP, tiles=settings.enable_tiles),
                            legend,
                            html.P(t("overview.map_note", lang), className="note"),
                            data_details(
                                map_table(rows, lang),
                                lang,
                                t("overview.map_title", lang),
                                id="overview-map-data",
                            ),
                        ],
                        className="panel",
                    ),
                    html.Section(
                        [
                            html.H2(t("overview.ranking_title", lang)),
                            html.P(summary, className="chart-summary"),
                            dcc.Graph(
                                id=ids.OVERVIEW_RANKING,
                                figure=ranking_figure(ranked, dims, lang, figure_type=FigureDict),
                                config=graph_config(lang),
                                style={"height": f"{figure_height(ranked['risk'].notna().sum())}px"},
                            ),
                            html.P(t("overview.ranking_note", lang), className="note"),
                            data_details(
                                ranking_table(ranked, dims, lang),
                                lang,
                                t("overview.ranking_title", lang),
                                id="overview-ranking-data",
                            ),
                            info(
                                t("overview.help_title", lang),
                                [html.P(t("overview.help_text", lang)), definitions(data, "dimension", lang)],
                                lang,
                                term="risk_index",
                                id="overview-help",
                            ),
                        ],
                        className="panel",
                    ),
                ],
                className="grid-2",
            ),
            overview_lines(data, data_access.loss_records(data), lang),
            html.Section(
                [
                    html.H2(t("overview.cards_title", lang)),
                    html.Div(
                        [city_card(r, dims, lang, sources, helps) for _, r in rows.iterrows()],
                        className="cards",
                        id=ids.OVERVIEW_CARDS,
                    ),
                ]
            ),
            html.Section(
                [
                    html.H2(t("overview.sources_title", lang)),
                    html.P(
                        [
                            t("overview.sources_text", lang),
                            " ",
                            dcc.Link(
                                t("overview.sources_link", lang),
                                href=link_with("/data", {"lang": lang}, tab="method"),
                            ),
                        ]
                    ),
                    html.Dl(
                        [
                            item
                            for s in (*STATUSES, "national")
                            for item in (html.Dt(status_badge(s, lang)), html.Dd(t(f"status.{s}.help", lang)))
                        ],
                        className="status-defs",
                    ),
                    inform_table(lang),
                ],
                className="panel",
            ),
        ],
        className="page page-overview",
    )
