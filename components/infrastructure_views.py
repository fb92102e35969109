"""Critical facilities and hazard zones in words, tables and map layers (plain data in, components out).

The sentences come from `domain.infrastructure_words`, shared with the PDF brief and the slide.
"""

from __future__ import annotations

import dash_leaflet as dl
import pandas as pd
import plotly.graph_objects as go
from dash import html

from components.charts import base_layout
from components.explain import data_details, data_table
from domain.infrastructure import CitySummary, actions_protecting, facility_hazards
from domain.infrastructure_words import capacity_text, summary_sentences, zone_text
from domain.palette import FACILITY_COLOURS, GRID, GUIDE, OTHER_FACILITY, ZONE_COLOURS
from i18n import t


def register_rows(
    facilities: pd.DataFrame,
    exposure: pd.DataFrame,
    sources: pd.DataFrame,
    city_id: str,
    lang: str,
    has_zones: bool = True,
) -> list[list]:
    """One table row per facility of the city: name, type, capacity, year, worst zone, status, review, source.

    Without any zone for the city the zone cell says so, rather than 'outside the zones'."""
    own = facility_hazards(facilities[facilities["city_id"] == city_id], exposure)
    titles = sources.set_index("source_id")["title"]
    urls = sources.set_index("source_id")["url"]
    rows = []
    for _, r in own.sort_values(["facility_type", f"name_{lang}"]).iterrows():
        url = urls.get(r["source_id"])
        source = (
            html.A(r["source_id"], href=url, title=str(titles.get(r["source_id"], "")), lang="en")
            if isinstance(url, str) and url
            else r["source_id"]
        )
        rows.append(
            [
                r[f"name_{lang}"],
                t(f"infra.type.{r['facility_type']}", lang),
                capacity_text(r["capacity"], r["capacity_unit"], lang) or "—",
                str(int(r["year_built"])) if r["year_built"] == r["year_built"] else "—",
                zone_text(r["zone_class"], lang) if has_zones else t("infra.zone.not_mapped", lang),
                t(f"status.{r['status']}", lang),
                t(f"infra.review.{r['review_state']}", lang),
                source,
            ]
        )
    return rows


def register_header(lang: str) -> list[str]:
    """Column names of the register table."""
    return [
        t(f"infra.col.{c}", lang)
        for c in ("name", "type", "capacity", "year", "zone", "status", "review", "source")
    ]


def city_section(
    summary: CitySummary,
    facilities: pd.DataFrame,
    exposure: pd.DataFrame,
    sources: pd.DataFrame,
    city_name: str,
    lang: str,
    section_id: str,
) -> html.Section:
    """A city page's section: the summary in words, the zone method, and the register as a table."""
    caption = t("infra.table_caption", lang, city=city_name)
    rows = register_rows(facilities, exposure, sources, summary.city_id, lang, has_zones=summary.zones > 0)
    children = [
        html.H2(t("infra.title", lang)),
        html.P(t("infra.intro", lang), className="note"),
        html.Ul([html.Li(s) for s in summary_sentences(summary, lang)], className="infra-summary"),
    ]
    if summary.zones:
        children.append(html.P(t("infra.zones_note", lang), className="note"))
    if rows:
        children.append(
            data_details(
                data_table(caption, register_header(lang), rows, numeric_from=99),
                lang,
                caption,
                summary=t("infra.show_register", lang, count=len(rows)),
                open=True,
            )
        )
    return html.Section(children, id=section_id, className="panel infra-section")


def facility_features(facilities: pd.DataFrame, exposure: pd.DataFrame, lang: str) -> dict:
    """The register as GeoJSON points with a worded tooltip and a colour per facility type."""
    rows = facility_hazards(facilities, exposure)
    features = []
    for _, r in rows.iterrows():
        capacity = capacity_text(r["capacity"], r["capacity_unit"], lang)
        tip = f"{r[f'name_{lang}']} · {t('infra.type.' + r['facility_type'], lang)}"
        tip += f" · {capacity}" if capacity else ""
        tip += f" · {zone_text(r['zone_class'], lang)} · {t('status.' + r['status'], lang)}"
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [float(r["lon"]), float(r["lat"])]},
                "properties": {
                    "facility_id": r["facility_id"],
                    "tooltip": tip,
                    "colour": FACILITY_COLOURS.get(r["facility_type"], OTHER_FACILITY),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def zone_features(zones_geojson: dict, lang: str) -> dict:
    """The (simplified) zone polygons with a colour by severity and a worded tooltip."""
    features = []
    for f in zones_geojson.get("features", []):
        p = f["properties"]
        tip = f"{zone_text(p.get('zone_class'), lang)} · {t('status.' + str(p.get('status')), lang)}"
        features.append(
            {
                **f,
                "properties": {
                    "zone_id": p.get("zone_id"),
                    "tooltip": tip,
                    "colour": ZONE_COLOURS.get(int(p.get("severity") or 0), ZONE_COLOURS[1]),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def facilities_layer(geojson: dict) -> dl.GeoJSON:
    """Clustered facility points (supercluster in the browser), drawn as small circles."""
    return dl.GeoJSON(
        data=geojson,
        cluster=True,
        zoomToBoundsOnClick=True,
        superClusterOptions={"radius": 48},
        pointToLayer={"variable": "ccca.facilityPoint"},
        clusterToLayer={"variable": "ccca.facilityCluster"},
        id="layer-facilities",
    )


def zones_layer(geojson: dict) -> dl.GeoJSON:
    """Hazard-zone polygons, simplified at build time, coloured by severity."""
    return dl.GeoJSON(data=geojson, style={"variable": "ccca.zoneStyle"}, id="layer-hazard_zones")


def infra_legend(facility_types: list[str], zone_classes: list[tuple[str, int, str]], lang: str) -> html.Div:
    """Legend of the facility and zone layers: the colours of the types in the register, zone classes and status."""
    items = [
        html.Li(
            [
                html.Span(
                    className="swatch swatch-dot",
                    style={"background": FACILITY_COLOURS.get(k, OTHER_FACILITY)},
                ),
                t(f"infra.type.{k}", lang),
            ]
        )
        for k in facility_types
    ]
    zones = [
        html.Li(
            [
                html.Span(className="swatch", style={"background": ZONE_COLOURS.get(sev, ZONE_COLOURS[1])}),
                f"{zone_text(zc, lang)} ({t('status.' + status, lang)})",
            ]
        )
        for zc, sev, status in zone_classes
    ]
    return html.Div(
        [
            html.H2(t("infra.legend_title", lang), className="legend-title"),
            html.P(t("infra.legend_facilities", lang), className="note"),
            html.Ul(items, className="legend"),
            html.Ul(zones, className="legend"),
        ],
        className="infra-legend",
    )


def infrastructure_figure(rows: pd.DataFrame, lang: str) -> go.Figure:
    """Facilities per type (bars), split by whether they lie in a hazard zone (the slide's chart).

    `rows`: `domain.exports.infrastructure_rows` (type name and worst zone class per facility)."""
    counts = (
        rows.assign(inside=rows["zone_class"].notna())
        .groupby(["type_name", "inside"])
        .size()
        .unstack(fill_value=0)
        .reindex(columns=[True, False], fill_value=0)
    )
    fig = go.Figure()
    for inside, colour, label in (
        (True, ZONE_COLOURS[2], t("present.infrastructure.in_zone", lang)),
        (False, GUIDE, t("present.infrastructure.outside", lang)),
    ):
        fig.add_trace(
            go.Bar(
                y=counts.index.tolist(),
                x=counts[inside].tolist(),
                orientation="h",
                name=label,
                marker_color=colour,
                hovertemplate="%{y}: %{x}<extra>" + label + "</extra>",
            )
        )
    layout = base_layout(lang)
    layout.update(
        barmode="stack",
        xaxis=dict(
            title=t("present.infrastructure.count_axis", lang), dtick=1, gridcolor=GRID, rangemode="tozero"
        ),
        yaxis=dict(automargin=True),
        bargap=0.3,
        legend=dict(orientation="h", y=-0.2),
    )
    fig.update_layout(**layout)
    return fig


def protection_section(
    facilities: pd.DataFrame,
    actions: pd.DataFrame,
    city_names: dict[str, str],
    lang: str,
    section_id: str = "actions-infrastructure",
) -> html.Section:
    """/actions: which plan actions protect which facilities (facilities linked by `action_id`)."""
    linked = actions_protecting(facilities).merge(
        actions[["action_id", f"title_{lang}"]], on="action_id", how="left"
    )
    children: list = [html.H2(t("infra.actions_title", lang))]
    if linked.empty:
        children.append(html.P(t("infra.actions_none", lang), className="note", id=f"{section_id}-none"))
    else:
        caption = t("infra.actions_title", lang)
        header = [
            t("infra.actions_col_action", lang),
            t("infra.actions_col_facility", lang),
            t("infra.col.type", lang),
            t("overview.city", lang),
            t("infra.col.review", lang),
        ]
        rows = [
            [
                r[f"title_{lang}"] if isinstance(r[f"title_{lang}"], str) else r["action_id"],
                r[f"name_{lang}"],
                t(f"infra.type.{r['facility_type']}", lang),
                city_names.get(r["city_id"], r["city_id"]),
                t(f"infra.review.{r['review_state']}", lang),
            ]
            for _, r in linked.sort_values(["city_id", "action_id"]).iterrows()
        ]
        children.append(
            data_details(
                data_table(caption, header, rows, numeric_from=99), lang, caption, summary=caption, open=True
            )
        )
    return html.Section(children, id=section_id, className="panel")
