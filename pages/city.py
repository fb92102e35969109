"""City profile `/city/<city_id>`: key facts, hazard profile, risk decomposition, past disasters.

Everything comes from the data tables, so a city that joins the coalition gets its profile by
adding its rows. A climate panel and an action-plan summary appear only when the data holds
them; an unknown id gives a clear message listing the member cities.
"""

import logging
from collections import defaultdict
from datetime import date

import dash
import pandas as pd
from dash import dcc, html

import ids
from components.badges import source_link, status_badge
from components.charts import DIMENSION_COLOURS, decomposition_figure, graph_config
from components.confidence import confidence_block
from components.explain import data_details, data_table, described, glossary_link
from components.figure_dict import FigureDict
from components.infrastructure_views import city_section as infrastructure_section
from components.ops_notice import updates_unavailable
from components.outlook_panel import outlook_panel
from components.page import _lang_of_request, json_attr, page_context
from components.shell import link_with
from domain import actions as act
from domain import climate
from domain.infrastructure import city_summary
from domain.provenance import STATUSES
from domain.publications import index_history
from domain.queries import table_names
from domain.risk_index import DIMENSION_ORDER
from i18n import (
    format_day,
    format_int,
    format_number,
    format_raw,
    format_share,
    format_signed,
    t,
    tn,
)
from presentation.export_button import export_group
from services import data_access

log = logging.getLogger(__name__)


def city_title(city_id: str | None = None, **_path: object) -> str:
    """The browser title: the city's name when it is a member, else the generic profile title."""
    lang = _lang_of_request()
    try:
        cities = data_access.get_data()["cities"].set_index("city_id")
        name = cities.at[city_id, f"name_{lang}"] if city_id in cities.index else t("title.city", lang)
    except Exception:  # noqa: BLE001 - a title must never break the page
        name = t("title.city", lang)
    return f"{name} · {t('app.short_name', lang)}"


def city_exists(city_id: str | None = None) -> bool:
    """Whether the address names a city of the data (otherwise the page answers 404)."""
    return city_id in set(data_access.get_data()["cities"]["city_id"])


dash.register_page(
    __name__,
    path_template="/city/<city_id>",
    title=city_title,
    name="city",
    description="City profile",
    public_answer=True,
    path_exists=city_exists,
)

EVENT_CONTEXTS = ("city", "regional", "national")


# --- sections ------------------------------------------------------------------------------


def key_facts(city: pd.Series, sources: dict, lang: str) -> html.Section:
    def src(column: str):
        sid = city.get(column)
        return [" ", source_link(sid, sources, lang)] if isinstance(sid, str) and sid else []

    no_data = t("common.no_data_yet", lang)

    def known(value, text: str) -> str:
        return text if pd.notna(value) else no_data  # a city that has just joined: never a zero

    membership = city.get("membership")
    joined = [format_day(city["member_since"], lang)]
    if membership == "candidate":
        joined = [t("profile.candidate_since", lang, date=format_day(city["member_since"], lang))]
    items = [
        (t("profile.country", lang), [city[f"country_{lang}"]]),
        (
            t("profile.admin1", lang),
            [city[f"admin1_{lang}"] if isinstance(city[f"admin1_{lang}"], str) else no_data],
        ),
        (
            t("city.population", lang),
            [
                known(
                    city["population"],
                    t(
                        "profile.population_value",
                        lang,
                        value=format_int(city["population"], lang),
                        year=int(city["population_year"]) if pd.notna(city["population_year"]) else "—",
                    ),
                ),
                *src("population_source_id"),
            ],
        ),
        (
            t("profile.area", lang),
            [
                known(
                    city["area_km2"],
                    t("profile.area_value", lang, value=format_number(city["area_km2"], lang)),
                ),
                *src("area_source_id"),
            ],
        ),
        (
            t("profile.elevation", lang),
            [
                known(
                    city["elevation_m"],
                    t("profile.elevation_value", lang, value=format_int(city["elevation_m"], lang)),
                ),
                *src("elevation_source_id"),
            ],
        ),
        (t("profile.member_since", lang), joined),
    ]
    return html.Section(
        [
            html.H2(t("profile.facts", lang)),
            html.Dl(
                [part for label, value in items for part in (html.Dt(label), html.Dd(value))],
                className="facts profile-facts",
            ),
        ],
        className="panel",
        id=ids.CITY_FACTS,
    )


def hazard_basis(hazard: pd.Series, thresholds: pd.DataFrame, sources: dict, lang: str) -> html.P:
    """The published figure an assessed level rests on, and the threshold rule that gives the level."""
    rules = thresholds[
        (thresholds["metric"] == hazard["basis_metric"]) & (thresholds["level"] == hazard["level"])
    ]
    rule = rules.iloc[0] if len(rules) else None
    name = rule[f"name_{lang}"] if rule is not None else hazard["basis_metric"]
    unit = rule[f"unit_{lang}"] if rule is not None else ""
    parts = [
        html.Strong(t("profile.basis", lang) + " "),
        f"{name}: {format_raw(hazard['basis_value'], lang)} {unit}".rstrip(),
    ]
    if pd.notna(hazard.get("basis_scope")) and hazard["basis_scope"] != "city":
        parts += [" ", status_badge("national" if hazard["basis_scope"] == "country" else "region", lang)]
    if rule is not None:
        parts += [f"; {t('profile.rule', lang)} {rule[f'rule_{lang}']}"]
    parts += [" (", source_link(hazard["basis_source_id"], sources, lang), ")"]
    return html.P(parts, className="hazard-basis")


def hazard_profile(city_id: str, data, sources: dict, lang: str) -> html.Section:
    """ThinkHazard!-style: each hazard's level in words and colour, evidence, meaning, advice."""
    levels = data["hazard_levels"].set_index("level")
    types = data["hazard_types"].set_index("hazard_type")
    hz = data["hazards"][data["hazards"]["city_id"] == city_id].copy()
    hz["rank"] = hz["level"].map(levels["rank"])
    hz["order"] = hz["hazard_type"].map(types["sort_order"])
    hz = hz.sort_values(["rank", "order"], ascending=[False, True])
    cards = []
    for _, h in hz.iterrows():
        kind = types.loc[h["hazard_type"]]
        level = levels.loc[h["level"]]
        colour = level["colour"]
        body = [html.P(h[f"evidence_{lang}"], className="hazard-evidence")]
        if h["level"] == "high":
            body.append(
                html.P([html.Strong(t("profile.hazard_meaning", lang) + " "), kind[f"meaning_high_{lang}"]])
            )
        advice = html.P([html.Strong(t("profile.hazard_advice", lang) + " "), kind[f"advice_{lang}"]])
        if h["level"] in ("high", "medium"):
            body.append(advice)
        else:
            body.append(
                html.Details([html.Summary(t("profile.hazard_advice", lang)), html.P(kind[f"advice_{lang}"])])
            )
        if pd.isna(level["rank"]):
            body.append(html.P(t("profile.not_assessed", lang), className="hazard-basis"))
        else:
            body.append(hazard_basis(h, data["hazard_thresholds"], sources, lang))
        badge = [] if pd.isna(level["rank"]) else [status_badge(h["status"], lang), " "]
        body.append(
            html.P(
                [*badge, t("profile.source", lang), " ", source_link(h["source_id"], sources, lang)],
                className="hazard-source",
            )
        )
        cards.append(
            html.Article(
                [
                    html.Header(
                        [
                            html.H3(kind[f"name_{lang}"]),
                            html.Span(
                                [
                                    html.Span(
                                        className="swatch",
                                        style={"background": colour},
                                        **{"aria-hidden": "true"},
                                    ),
                                    html.Span(
                                        t("profile.hazard_level", lang) + ": ", className="visually-hidden"
                                    ),
                                    level[f"name_{lang}"],
                                ],
                                className="hazard-level",
                                title=t("profile.hazard_level", lang),
                            ),
                        ]
                    ),
                    *body,
                ],
                className=f"hazard-card hazard-{h['level']}",
                style={"--level-colour": colour},
                **{"data-hazard": h["hazard_type"], "data-level": h["level"]},
            )
        )
    missing = [
        types.at[k, f"name_{lang}"]
        for k in types.sort_values("sort_order").index
        if k not in set(hz["hazard_type"])
    ]
    legend = html.Ul(
        [
            html.Li([html.Span(className="swatch", style={"background": r["colour"]}), r[f"name_{lang}"]])
            for _, r in data["hazard_levels"].sort_values("rank", ascending=False).iterrows()
        ],
        className="legend",
        **{"aria-label": t("profile.hazard_level", lang)},
    )
    return html.Section(
        [
            html.H2(t("profile.hazards", lang)),
            html.P(
                [t("profile.hazards_intro", lang), " ", glossary_link("hazard_level", lang)], className="note"
            ),
            legend,
            html.Div(cards, className="hazard-cards") if cards else html.P(t("profile.no_hazards", lang)),
            html.P(t("profile.hazards_missing", lang, names=", ".join(missing)), className="note")
            if missing
            else None,
        ],
        className="panel",
        id=ids.CITY_HAZARDS,
    )


def drivers_head(city_name: str, decomp: pd.DataFrame, lang: str) -> str:
    """The drivers sentence's first clause: the city's risk score against the members' median."""
    risk = decomp[decomp["level"] == "risk"].iloc[0]
    return t(
        "profile.drivers_head",
        lang,
        city=city_name,
        score=format_number(risk["score"], lang),
        median=format_number(risk["median"], lang),
    )


def drivers_sentence(
    city_name: str, decomp: pd.DataFrame, drivers: pd.DataFrame, names: dict, lang: str
) -> str:
    """The strongest drivers in words, with the numbers behind them."""
    head = drivers_head(city_name, decomp, lang)
    cats = drivers[drivers["level"] == "category"]
    inds = drivers[drivers["level"] == "indicator"]
    if cats.empty and inds.empty:
        return head + " " + t("profile.drivers_none", lang)

    def item(r):
        return t(
            "profile.driver_item",
            lang,
            name=names[r["level"]][r["id"]],
            score=format_number(r["score"], lang),
            median=format_number(r["median"], lang),
            push=format_number(r["push"], lang, 2),
        )

    parts = [head]
    if not cats.empty:
        parts.append(
            t("profile.drivers_categories", lang, items="; ".join(item(r) for _, r in cats.iterrows()))
        )
    if not inds.empty:
        parts.append(
            t("profile.drivers_indicators", lang, items="; ".join(item(r) for _, r in inds.iterrows()))
        )
    return " ".join(parts)


def _bold_first(sentence: str, name: str, decomp: pd.DataFrame, lang: str) -> list:
    """The drivers sentence with its first clause (score against median) in bold."""
    head = drivers_head(name, decomp, lang)
    return [html.Strong(head), sentence[len(head) :]] if sentence.startswith(head) else [sentence]


def _diff_text(diff, lang: str) -> str:
    if pd.isna(diff):
        return "—"
    arrow = "▲" if diff > 0.05 else "▼" if diff < -0.05 else "="
    sign = "+" if diff > 0 else ""
    return f"{arrow} {sign}{format_number(diff, lang)}"


def decomposition_table(decomp: pd.DataFrame, names: dict, lang: str):
    """The decomposition chart's numbers: each category's score against the coalition median."""
    cats = decomp[decomp["level"] == "category"]
    rows = [
        [
            names["category"][c["id"]],
            names["dimension"].get(c["parent"], c["parent"]),
            format_number(c["score"], lang),
            format_number(c["median"], lang),
            _diff_text(c["diff"], lang),
        ]
        for _, c in cats.iterrows()
    ]
    header = [
        t("compare.category", lang),
        t("compare.dimension", lang),
        t("profile.this_city", lang),
        t("profile.median", lang),
        t("profile.diff_col", lang),
    ]
    return data_table(t("profile.decomposition_table", lang), header, rows, numeric_from=2)


def rows_below(decomp: pd.DataFrame) -> dict[tuple[str, str | None], list[dict]]:
    """The decomposition's rows as plain dicts by (level, parent) in table order (dimensions under
    None), so a page walks the tree without filtering the frame for every node."""
    grouped: dict[tuple[str, str | None], list[dict]] = defaultdict(list)
    for row in decomp.to_dict("records"):
        parent = None if row["level"] == "dimension" else row["parent"]
        grouped[(row["level"], parent)].append(row)
    return grouped


def decomposition_section(city: pd.Series, data, sources: dict, lang: str) -> html.Section:
    """Dimension -> category -> indicator, each against the coalition median, with drivers."""
    decomp, drivers = data_access.city_explained(city["city_id"])
    ind = data["indicators"].set_index("indicator_id")
    names = {
        "dimension": table_names(data, "dimensions", lang),
        "category": table_names(data, "categories", lang),
        "indicator": table_names(data, "indicators", lang),
    }
    units = ind[f"unit_{lang}"].to_dict()
    helps = {level: described(data, level, lang) for level in ("dimension", "category", "indicator")}
    below = rows_below(decomp)
    blocks = []
    for dim in DIMENSION_ORDER:
        d = next(r for r in below[("dimension", None)] if r["id"] == dim)
        cats = []
        for c in below[("category", dim)]:
            rows = []
            for i in below[("indicator", c["id"])]:
                has = pd.notna(i.get("value"))
                rows.append(
                    html.Tr(
                        [
                            html.Th(
                                [
                                    names["indicator"][i["id"]],
                                    html.Span(helps["indicator"].get(i["id"], ""), className="term-help"),
                                ],
                                scope="row",
                            ),
                            html.Td(
                                f"{format_raw(i['value'], lang)} {units.get(i['id'], '')}".strip()
                                if has
                                else "—"
                            ),
                            html.Td(str(int(i["year"])) if has and pd.notna(i["year"]) else "—"),
                            html.Td(format_number(i["score"], lang)),
                            html.Td(format_number(i["median"], lang)),
                            html.Td(
                                [
                                    status_badge(i["status"], lang, scope=i["value_scope"]),
                                    " ",
                                    source_link(i["source_id"], sources, lang),
                                ]
                                if has
                                else t("profile.no_value", lang),
                                className="cell-source",
                            ),
                        ],
                        className="" if has else "missing",
                    )
                )
            head = html.Tr(
                [
                    html.Th(h, scope="col")
                    for h in (
                        t("compare.indicator", lang),
                        t("compare.value", lang),
                        t("compare.year", lang),
                        t("compare.score", lang),
                        t("profile.median", lang),
                        t("compare.source", lang),
                    )
                ]
            )
            cats.append(
                html.Details(
                    [
                        html.Summary(
                            [
                                html.Span(
                                    names["category"][c["id"]],
                                    className="dec-name",
                                    title=helps["category"].get(c["id"]),
                                ),
                                html.Span(format_number(c["score"], lang), className="dec-score"),
                                html.Span(
                                    t("profile.vs_median", lang, median=format_number(c["median"], lang)),
                                    className="dec-median",
                                ),
                                html.Span(_diff_text(c["diff"], lang), className="dec-diff"),
                            ]
                        ),
                        html.P(helps["category"].get(c["id"], ""), className="note"),
                        html.Table(
                            [html.Thead(head), html.Tbody(rows)],
                            className="simple-table dec-table",
                            tabIndex="0",
                            **{"aria-label": names["category"][c["id"]]},
                        ),
                    ],
                    className="dec-category",
                    **{"data-category": c["id"]},
                )
            )
        blocks.append(
            html.Div(
                [
                    html.H3(
                        [
                            html.Span(names["dimension"][dim], className="dec-name"),
                            html.Span(format_number(d["score"], lang), className=f"dec-score dim-{dim}"),
                            html.Span(
                                t("profile.vs_median", lang, median=format_number(d["median"], lang)),
                                className="dec-median",
                            ),
                            html.Span(_diff_text(d["diff"], lang), className="dec-diff"),
                        ],
                        style={"borderLeftColor": DIMENSION_COLOURS[dim]},
                        className="dec-dimension",
                        title=helps["dimension"].get(dim),
                    ),
                    html.P(helps["dimension"].get(dim, ""), className="note dim-help"),
                    *cats,
                ],
                className="dec-block",
            )
        )
    name = city[f"name_{lang}"]
    return html.Section(
        [
            html.H2(t("profile.decomposition", lang)),
            html.P(
                _bold_first(drivers_sentence(name, decomp, drivers, names, lang), name, decomp, lang),
                className="drivers",
                id=ids.CITY_DRIVERS,
                **{"data-drivers": json_attr(drivers["id"].tolist())},
            ),
            html.P(
                [t("profile.decomposition_help", lang), " ", glossary_link("coalition_median", lang)],
                className="note",
            ),
            dcc.Graph(
                id=ids.CITY_DECOMPOSITION_CHART,
                figure=decomposition_figure(decomp, names, lang, figure_type=FigureDict),
                config=graph_config(lang),
            ),
            data_details(
                decomposition_table(decomp, names, lang),
                lang,
                t("profile.decomposition", lang),
                id="city-decomposition-data",
            ),
            html.Div(blocks, id=ids.CITY_DECOMPOSITION),
        ],
        className="panel",
    )


def impacts(event: pd.Series, lang: str) -> list:
    parts = []
    if pd.notna(event.get("deaths")):
        parts.append(t("profile.deaths", lang, value=format_int(event["deaths"], lang)))
    if pd.notna(event.get("affected")):
        parts.append(t("profile.affected", lang, value=format_int(event["affected"], lang)))
    if pd.notna(event.get("damage_usd")):
        parts.append(t("profile.damage", lang, value=format_int(event["damage_usd"], lang)))
    return parts


def disasters_section(city_id: str, data, sources: dict, lang: str) -> html.Section:
    """Past disasters in time order, with impacts, context (city, regional, national) and sources."""
    ev = data["events"][data["events"]["city_id"] == city_id].sort_values(["start_date", "event_id"])
    types = data["hazard_types"].set_index("hazard_type")
    items = []
    for _, e in ev.iterrows():
        hazard = types[f"name_{lang}"].get(e["hazard_type"], e["hazard_type"])
        when = format_day(e["start_date"], lang)
        if isinstance(e.get("end_date"), str) and e["end_date"] and e["end_date"] != e["start_date"]:
            when = t("profile.date_range", lang, start=when, end=format_day(e["end_date"], lang))
        context = e["context"] if e["context"] in EVENT_CONTEXTS else "city"
        facts = impacts(e, lang)
        body = [
            html.Div(
                [
                    html.Span(when, className="tl-date"),
                    html.Span(hazard, className="tl-hazard"),
                    html.Span(
                        t(f"profile.context.{context}", lang),
                        className=f"tl-context context-{context}",
                        title=t(f"profile.context.{context}.help", lang),
                    ),
                ],
                className="tl-meta",
            ),
            html.H3(e[f"title_{lang}"]),
            html.P(e[f"description_{lang}"]) if isinstance(e.get(f"description_{lang}"), str) else None,
            html.P(" · ".join(facts), className="tl-impacts")
            if facts
            else html.P(t("profile.no_impacts", lang), className="tl-impacts muted"),
        ]
        if lang == "en" and isinstance(e.get("damage_note"), str) and e["damage_note"]:
            body.append(html.P([html.Strong("Note: "), e["damage_note"]], className="note"))
        body.append(
            html.P(
                [
                    status_badge(e["status"], lang),
                    " ",
                    t("profile.source", lang),
                    " ",
                    source_link(e["source_id"], sources, lang),
                ],
                className="tl-source",
            )
        )
        body.append(
            html.P(
                dcc.Link(
                    [
                        t("losses.event_link", lang),
                        html.Span(f": {e[f'title_{lang}']}", className="visually-hidden"),
                    ],
                    href=f"/losses?cities={city_id}&lang={lang}#loss-{e['event_id']}",
                ),
                className="tl-losses",
            )
        )
        items.append(html.Li(body, className=f"tl-item tl-{context}", **{"data-event": e["event_id"]}))
    content = html.Ol(items, className="timeline") if items else html.P(t("profile.no_events", lang))
    return html.Section(
        [
            html.H2(t("profile.disasters", lang)),
            html.P(t("profile.disasters_help", lang), className="note"),
            content,
        ],
        className="panel",
        id=ids.CITY_TIMELINE,
    )


def page_link(path: str, key: str, city_id: str, lang: str) -> list:
    """A space and a link to another page about this city, when that page is registered (else nothing)."""
    if not any(p.get("path") == path for p in dash.page_registry.values()):
        return []
    return [" ", dcc.Link(t(key, lang), href=link_with(path, {"lang": lang}, cities=city_id))]


def climate_section(city_id: str, data, sources: dict, lang: str) -> html.Section:
    """Mean temperature and hot days: baseline and projected change by 2050 (only from the data).

    Without climate data for the city the panel says where climate trends will be shown, and
    shows no numbers.
    """
    series = data.tables.get("climate_series")
    mine = series[series["city_id"] == city_id] if series is not None else None
    link = page_link("/trends", "profile.climate_link", city_id, lang)
    if mine is None or mine.empty or "tmean" not in set(mine["variable"]):
        return html.Section(
            [html.H2(t("profile.climate", lang)), html.P([t("profile.climate_later", lang), *link])],
            className="panel",
            id="city-climate",
        )
    scenarios = ["ssp245", "ssp585"]
    lines = []
    for variable, key in (("tmean", "profile.climate_tmean"), ("hot_days_35", "profile.climate_hot_days")):
        if variable not in set(mine["variable"]):
            continue
        base = climate.baseline_means(data, [city_id], variable).iloc[0]
        tab = climate.horizon_table(data, [city_id], variable, scenarios, horizons=(2050,)).set_index(
            "scenario"
        )
        if pd.isna(base) or not set(scenarios) <= set(tab.index):
            continue
        mid, high = tab.loc["ssp245"], tab.loc["ssp585"]
        lines.append(
            html.Li(
                t(
                    key,
                    lang,
                    baseline=climate.DEFAULT_BASELINE.replace("-", "–"),
                    base=format_number(base, lang),
                    year=2050,
                    mid=format_signed(mid["change"], lang),
                    mid_lo=format_signed(mid["change_p10"], lang),
                    mid_hi=format_signed(mid["change_p90"], lang),
                    high=format_signed(high["change"], lang),
                )
            )
        )
    if not lines:
        return html.Section(
            [html.H2(t("profile.climate", lang)), html.P([t("profile.climate_later", lang), *link])],
            className="panel",
            id="city-climate",
        )
    statuses = sorted(set(mine["status"]), key=STATUSES.index)
    badges = [status_badge(st, lang) for st in statuses]
    src = [source_link(sid, sources, lang) for sid in sorted(set(mine["source_id"]))]
    return html.Section(
        [
            html.H2(t("profile.climate", lang)),
            html.Ul(lines, className="climate-lines"),
            html.P([*badges, " ", t("profile.source", lang), " ", *src, *link], className="hazard-source"),
        ],
        className="panel",
        id="city-climate",
    )


def actions_section(city_id: str, data, lang: str) -> html.Section | None:
    """The city's action plan in one paragraph, linking to the actions page; None without actions."""
    if "actions" not in data.tables:
        return None
    try:
        frame = data_access.actions_current()
    except Exception as err:  # noqa: BLE001 - the profile stays up if the update database is unreachable
        log.warning(
            "saved action updates unavailable (%s); showing the baseline plan", str(err).splitlines()[0][:200]
        )
        frame = data["actions"]
    mine = frame[frame["city_id"] == city_id]
    if mine.empty:
        return None
    text = act.summary_sentence(act.summary(mine, date.today()), lang)
    statuses = [s for s in STATUSES if s in set(mine.get("data_status", []))]
    link = page_link("/actions", "profile.actions_link", city_id, lang)
    return html.Section(
        [
            html.H2(t("profile.actions", lang)),
            updates_unavailable(lang, "city-updates-unavailable")
            if data_access.updates_unavailable()
            else None,
            html.P(text),
            html.P([*[status_badge(s, lang) for s in statuses], *link], className="hazard-source"),
        ],
        className="panel",
        id="city-actions",
    )


def index_history_section(city_id: str, lang: str) -> html.Section | None:
    """How the city's index and rank moved between the builds published from the app (None before any)."""
    history = index_history(data_access.published_builds(), city_id)
    if history.empty:
        return None

    def moved(value, rank: bool) -> str:
        if value is None or pd.isna(value):
            return "—"
        if rank:
            return (
                t("history.rank_up", lang, n=int(value))
                if value > 0
                else (t("history.rank_down", lang, n=-int(value)) if value < 0 else t("history.same", lang))
            )
        return (
            ("+" if value > 0 else "") + format_number(value, lang, 2) if value else t("history.same", lang)
        )

    rows = [
        html.Tr(
            [
                html.Td(r["published_at"].strftime("%Y-%m-%d %H:%M UTC")),
                html.Td(
                    format_number(r["score"], lang, 2)
                    if pd.notna(r["score"])
                    else t("history.no_score", lang)
                ),
                html.Td(moved(r["score_change"], False)),
                html.Td(
                    t("overview.rank", lang, rank=int(r["rank"]), total=int(r["total"]))
                    if pd.notna(r["rank"])
                    else "—"
                ),
                html.Td(moved(r["rank_change"], True)),
            ]
        )
        for _, r in history.iloc[::-1].iterrows()
    ]
    head = html.Thead(
        html.Tr(
            [
                html.Th(t(f"history.col.{k}", lang), scope="col")
                for k in ("published", "score", "score_change", "rank", "rank_change")
            ]
        )
    )
    return html.Section(
        [
            html.H2(t("history.title", lang)),
            html.P(
                [
                    t("history.lead", lang),
                    " ",
                    dcc.Link(
                        t("history.log_link", lang), href=link_with("/data", {"lang": lang}, tab="changes")
                    ),
                ]
            ),
            html.Div(
                html.Table([head, html.Tbody(rows)], className="simple-table", id="city-index-history"),
                className="table-scroll",
                tabIndex="0",
                role="region",
                **{"aria-label": t("history.title", lang)},
            ),
        ],
        className="panel",
        id="city-history",
    )


def unknown_city(city_id: str | None, ctx, data) -> html.Div:
    """A clear 'no such city' message listing the member cities, in the current language."""
    lang = ctx.lang
    cities = data["cities"].sort_values(f"name_{lang}")
    return html.Div(
        [
            *[
                html.Div([html.P(n) for n in ctx.notices], className="notice", role="status")
                for _ in ctx.notices[:1]
            ],
            html.H1(t("profile.unknown_title", lang), id="page-title"),
            html.P(t("profile.unknown_text", lang, value=str(city_id or "")[:40])),
            html.Ul(
                [
                    html.Li(
                        dcc.Link(
                            f"{r[f'name_{lang}']} ({r[f'country_{lang}']})",
                            href=link_with(f"/city/{r['city_id']}", {"lang": lang}),
                        )
                    )
                    for _, r in cities.iterrows()
                ],
                className="link-list",
            ),
            html.P(dcc.Link(t("profile.to_compare", lang), href=link_with("/compare", {"lang": lang}))),
        ],
        className="page page-city page-city-unknown",
        id=ids.CITY_UNKNOWN,
    )


def layout(city_id: str | None = None, **kwargs):
    ctx = page_context(kwargs)
    lang = ctx.lang
    data = data_access.get_data()
    cities = data["cities"].set_index("city_id", drop=False)
    if city_id not in cities.index:
        return unknown_city(city_id, ctx, data)
    city = cities.loc[city_id]
    sources = data["sources"].set_index("source_id").to_dict("index")
    ranked = data_access.ranking(lang).set_index("city_id")
    row = ranked.loc[city_id]
    total = int(ranked["risk"].notna().sum())
    risk_line = html.Div(
        [
            html.Span(
                format_number(row["risk"], lang) if pd.notna(row["risk"]) else t("common.no_data_yet", lang),
                className="risk-value",
            ),
            html.Span(
                row["class_name"],
                className=f"risk-class class-{row['risk_class']}",
                style={"--class-colour": row["colour"]},
            )
            if isinstance(row["class_name"], str)
            else None,
            html.Span(t("overview.rank", lang, rank=int(row["rank"]), total=total), className="risk-rank")
            if pd.notna(row["rank"])
            else None,
            html.Span(
                [
                    t("overview.coverage", lang),
                    ": ",
                    t(
                        "overview.coverage_value",
                        lang,
                        share=format_share(row["coverage"], lang),
                        present=int(row["indicators_present"]),
                        total=int(row["indicators_total"]),
                        of_total=tn("count.of_indicator", int(row["indicators_total"]), lang),
                    ),
                ],
                className="risk-rank",
                title=t("overview.coverage", lang),
            ),
        ],
        className="risk-line",
    )
    risk_line = html.Div([risk_line, confidence_block(row, lang)])
    notices = (
        [html.Div([html.P(n) for n in ctx.notices], className="notice", role="status")] if ctx.notices else []
    )
    return html.Div(
        [
            *notices,
            html.P(
                dcc.Link(t("profile.back", lang), href=link_with("/compare", {"lang": lang})),
                className="crumbs",
            ),
            html.H1(city[f"name_{lang}"], id="page-title"),
            html.P(
                t(
                    "profile.intro_candidate" if city.get("membership") == "candidate" else "profile.intro",
                    lang,
                    country=city[f"country_{lang}"],
                ),
                className="page-intro",
            ),
            html.Div(
                [html.Span(t("index.risk", lang), className="risk-label"), risk_line],
                className="profile-risk",
            ),
            export_group("city", lang, city_id=city_id, formats=("pptx", "pdf")),  # issue 7
            key_facts(city, sources, lang),
            hazard_profile(city_id, data, sources, lang),
            decomposition_section(city, data, sources, lang),
            disasters_section(city_id, data, sources, lang),
            infrastructure_section(
                city_summary(data["facilities"], data["facility_exposure"], data["hazard_zones"], city_id),
                data["facilities"],
                data["facility_exposure"],
                data["sources"],
                city[f"name_{lang}"],
                lang,
                "city-infrastructure",
            ),  # issue 19
            outlook_panel(
                city_id, data, data_access.outlook() if "projection_rules" in data.tables else None, lang
            ),
            index_history_section(city_id, lang),
            html.Div(
                [climate_section(city_id, data, sources, lang), actions_section(city_id, data, lang)],
                className="grid-2 profile-bottom",
            ),
        ],
        className="page page-city",
        **{"data-city": city_id},
    )
