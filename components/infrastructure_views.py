"""Critical facilities and hazard zones in words, tables and map layers (plain data in, components out).

The same sentences serve the city page, the PDF brief and the slide: `summary_sentences` turns a
`CitySummary` into text with Babel's plural forms ("4 of 11 hospitals (1,240 beds) lie ...").
"""
from __future__ import annotations

import dash_leaflet as dl
import pandas as pd
from dash import html

from components.explain import data_details, data_table
from domain.infrastructure import CitySummary, facility_hazards
from i18n import format_int, format_number, t, tn

FACILITY_COLOURS = {  # by group, dark enough for a white outline and 3:1 against the map
    "hospital": "#c92a2a", "clinic": "#c92a2a", "school": "#7048e8", "kindergarten": "#7048e8",
    "fire_station": "#e8590c", "shelter": "#e8590c", "water_intake": "#0b7285", "water_treatment": "#0b7285",
    "wastewater_plant": "#0b7285", "power_plant": "#5c940d", "substation": "#5c940d", "bridge": "#495057",
    "dam": "#1864ab", "airport": "#343a40", "rail_station": "#343a40",
}
ZONE_COLOURS = {2: "#1c3d5a", 1: "#4c8cbf"}  # severity -> fill; unknown severities fall back to the lighter


def capacity_text(capacity: float | None, unit: str | None, lang: str) -> str:
    """'1 240 коек' / '400 MW' with the unit's plural form; '' when unknown."""
    if capacity is None or capacity != capacity or not unit:
        return ""
    digits = 0 if float(capacity).is_integer() else 1
    return tn(f"infra.unit.{unit}", capacity, lang, value=format_number(capacity, lang, digits))


def zone_text(zone_class: str | None, lang: str) -> str:
    """A zone class in words ('within 1 km of a river centreline')."""
    if not isinstance(zone_class, str):
        return t("infra.zone.none", lang)
    return t(f"infra.zone.{zone_class}", lang)


def summary_sentences(summary: CitySummary, lang: str) -> list[str]:
    """The city's exposure in sentences: one per facility type and zone, then people and reviews."""
    if summary.facilities == 0:
        return [t("infra.no_facilities", lang)]
    out: list[str] = []
    if summary.zones == 0:
        out.append(t("infra.no_zones", lang))
    elif not summary.lines and summary.facilities == 1:
        out.append(t("infra.none_exposed_single", lang,
                     zones=tn("infra.zones_count", summary.zones, lang, count=format_int(summary.zones, lang))))
    elif not summary.lines:
        out.append(tn("infra.none_exposed", summary.facilities, lang, total=format_int(summary.facilities, lang),
                      zones=tn("infra.zones_count", summary.zones, lang, count=format_int(summary.zones, lang))))
    for line in summary.lines:
        capacity = capacity_text(line.capacity, line.capacity_unit, lang)
        out.append(tn("infra.line", line.exposed, lang, exposed=format_int(line.exposed, lang),
                      total=format_int(line.total, lang),
                      noun=tn(f"infra.type_of.{line.facility_type}", line.total, lang),
                      capacity=f" ({capacity})" if capacity else "", zone=zone_text(line.zone_class, lang)))
    if summary.exposed:
        if summary.people_served_exposed is not None:
            people = capacity_text(summary.people_served_exposed, "people", lang)
            out.append(t("infra.people_known", lang, people=people))
        else:
            out.append(t("infra.people_unknown", lang))
    if summary.not_reviewed:
        out.append(tn("infra.not_reviewed", summary.facilities, lang, count=format_int(summary.not_reviewed, lang),
                      total=format_int(summary.facilities, lang)))
    if summary.retrofit_needed:
        out.append(tn("infra.retrofit", summary.retrofit_needed, lang, count=format_int(summary.retrofit_needed, lang)))
    return out


def register_rows(facilities: pd.DataFrame, exposure: pd.DataFrame, sources: pd.DataFrame,
                  city_id: str, lang: str, has_zones: bool = True) -> list[list]:
    """One table row per facility of the city: name, type, capacity, year, worst zone, status, review, source.

    Without any zone for the city the zone cell says so, rather than 'outside the zones'."""
    own = facility_hazards(facilities[facilities["city_id"] == city_id], exposure)
    titles = sources.set_index("source_id")["title"]
    urls = sources.set_index("source_id")["url"]
    rows = []
    for _, r in own.sort_values(["facility_type", f"name_{lang}"]).iterrows():
        url = urls.get(r["source_id"])
        source = (html.A(r["source_id"], href=url, title=str(titles.get(r["source_id"], "")))
                  if isinstance(url, str) and url else r["source_id"])
        rows.append([
            r[f"name_{lang}"], t(f"infra.type.{r['facility_type']}", lang),
            capacity_text(r["capacity"], r["capacity_unit"], lang) or "—",
            str(int(r["year_built"])) if r["year_built"] == r["year_built"] else "—",
            zone_text(r["zone_class"], lang) if has_zones else t("infra.zone.not_mapped", lang),
            t(f"status.{r['status']}", lang),
            t(f"infra.review.{r['review_state']}", lang), source,
        ])
    return rows


def register_header(lang: str) -> list[str]:
    """Column names of the register table."""
    return [t(f"infra.col.{c}", lang) for c in ("name", "type", "capacity", "year", "zone", "status", "review", "source")]


def city_section(summary: CitySummary, facilities: pd.DataFrame, exposure: pd.DataFrame, sources: pd.DataFrame,
                 city_name: str, lang: str, section_id: str) -> html.Section:
    """A city page's section: the summary in words, the zone method, and the register as a table."""
    caption = t("infra.table_caption", lang, city=city_name)
    rows = register_rows(facilities, exposure, sources, summary.city_id, lang, has_zones=summary.zones > 0)
    children = [html.H2(t("infra.title", lang)), html.P(t("infra.intro", lang), className="note"),
                html.Ul([html.Li(s) for s in summary_sentences(summary, lang)], className="infra-summary")]
    if summary.zones:
        children.append(html.P(t("infra.zones_note", lang), className="note"))
    if rows:
        children.append(data_details(data_table(caption, register_header(lang), rows, numeric_from=99),
                                     lang, caption, summary=t("infra.show_register", lang, count=len(rows)), open=True))
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
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [float(r["lon"]), float(r["lat"])]},
                         "properties": {"facility_id": r["facility_id"], "tooltip": tip,
                                        "colour": FACILITY_COLOURS.get(r["facility_type"], "#343a40")}})
    return {"type": "FeatureCollection", "features": features}


def zone_features(zones_geojson: dict, lang: str) -> dict:
    """The (simplified) zone polygons with a colour by severity and a worded tooltip."""
    features = []
    for f in zones_geojson.get("features", []):
        p = f["properties"]
        tip = f"{zone_text(p.get('zone_class'), lang)} · {t('status.' + str(p.get('status')), lang)}"
        features.append({**f, "properties": {"zone_id": p.get("zone_id"), "tooltip": tip,
                                             "colour": ZONE_COLOURS.get(int(p.get("severity") or 0), ZONE_COLOURS[1])}})
    return {"type": "FeatureCollection", "features": features}


def facilities_layer(geojson: dict) -> dl.GeoJSON:
    """Clustered facility points (supercluster in the browser), drawn as small circles."""
    return dl.GeoJSON(data=geojson, cluster=True, zoomToBoundsOnClick=True, superClusterOptions={"radius": 48},
                      pointToLayer={"variable": "ccca.facilityPoint"}, clusterToLayer={"variable": "ccca.facilityCluster"},
                      id="layer-facilities")


def zones_layer(geojson: dict) -> dl.GeoJSON:
    """Hazard-zone polygons, simplified at build time, coloured by severity."""
    return dl.GeoJSON(data=geojson, style={"variable": "ccca.zoneStyle"}, id="layer-hazard_zones")


def infra_legend(zone_classes: list[tuple[str, int, str]], lang: str) -> html.Div:
    """Legend of the facility and zone layers: facility colours, zone classes and their status."""
    groups = [("hospital", "hospital"), ("school", "school"), ("fire_station", "fire_station"),
              ("water_intake", "water_intake"), ("power_plant", "power_plant"), ("dam", "dam"), ("airport", "airport")]
    items = [html.Li([html.Span(className="swatch swatch-dot", style={"background": FACILITY_COLOURS[k]}),
                      t(f"infra.type.{label}", lang)]) for k, label in groups]
    zones = [html.Li([html.Span(className="swatch", style={"background": ZONE_COLOURS.get(sev, ZONE_COLOURS[1])}),
                      f"{zone_text(zc, lang)} ({t('status.' + status, lang)})"])
             for zc, sev, status in zone_classes]
    return html.Div([html.H2(t("infra.legend_title", lang), className="legend-title"),
                     html.P(t("infra.legend_facilities", lang), className="note"),
                     html.Ul(items, className="legend"), html.Ul(zones, className="legend")],
                    className="infra-legend")
