"""The member-city map (dash-leaflet): outlines, rivers and cities, all served by the app.

Geometry comes from /geo/<layer>.geojson (sent once, cached by the browser); web tiles are an
optional base layer that is off by default, so the map is complete with no internet.
"""

from __future__ import annotations

import math

import dash_leaflet as dl
import pandas as pd
from dash import html

from domain.confidence_words import confidence_summary
from domain.palette import INK, NO_DATA
from i18n import format_int, format_number, t

OSM_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = "© OpenStreetMap contributors"


def marker_radius(population: float) -> float:
    """Marker radius in pixels, growing with the square root of population (area ~ people)."""
    if not population or population != population:
        return 6.0
    return 6.0 + 10.0 * math.sqrt(population / 1_000_000)


def score_colour(score: float | None, classes: pd.DataFrame) -> str:
    """Fill colour of a 0-10 score: the colour of its risk class (grey when missing)."""
    if score is None or score != score:
        return NO_DATA
    ordered = classes.sort_values("lower")
    match = ordered[ordered["lower"] <= score]
    return str(match.iloc[-1]["colour"]) if len(match) else str(ordered.iloc[0]["colour"])


def layer_geojson(layer: str) -> dl.GeoJSON:
    """An outline layer served by the app (`countries`, `admin1` or `rivers`)."""
    style = {"countries": "ccca.countryStyle", "admin1": "ccca.admin1Style", "rivers": "ccca.riverStyle"}[
        layer
    ]
    return dl.GeoJSON(
        url=f"/geo/{layer}.geojson", style={"variable": style}, interactive=False, id=f"layer-{layer}"
    )


def label_sides(lats: list[float], lons: list[float], near_deg: float = 2.5) -> list[str]:
    """Which side of its circle each city's name goes: away from a close neighbour (left when the
    neighbour lies just east, right when just west), else Leaflet's `auto` (away from the map's edge)."""

    def near(i: int, j: int) -> bool:
        return j != i and abs(lons[j] - lons[i]) <= near_deg and abs(lats[j] - lats[i]) <= near_deg

    sides = []
    for i in range(len(lats)):
        east = any(near(i, j) and lons[j] > lons[i] for j in range(len(lats)))
        west = any(near(i, j) and lons[j] < lons[i] for j in range(len(lats)))
        sides.append("left" if east and not west else "right" if west and not east else "auto")
    return sides


def city_label(name: str, score: float | None, lang: str, side: str) -> dl.Tooltip:
    """The city's name and score, always shown beside its circle."""
    text = name if score is None or score != score else f"{name} · {format_number(score, lang)}"
    return dl.Tooltip(text, permanent=True, direction=side, className="city-label", opacity=0.95)


def city_markers(rows: pd.DataFrame, lang: str) -> list:
    """One circle per city, filled with its risk-class colour, labelled with its name and score;
    a click opens the figures in words with how sure the score is."""
    markers = []
    sides = label_sides(rows["lat"].tolist(), rows["lon"].tolist())
    for side, (_, row) in zip(sides, rows.iterrows()):
        details = [
            html.Strong(row["name"]),
            html.Br(),
            f"{t('index.risk', lang)} {format_number(row['risk'], lang)} ({row['class_name']})",
            html.Br(),
            f"{t('city.population', lang)} {format_int(row['population'], lang)}",
        ]
        sure = confidence_summary(row, lang)
        if sure:
            details += [html.Br(), sure]
        markers.append(
            dl.CircleMarker(
                center=[row["lat"], row["lon"]],
                radius=marker_radius(row["population"]),
                color=INK,
                weight=1.5,
                fillColor=row["colour"] if isinstance(row["colour"], str) else NO_DATA,
                fillOpacity=0.95,
                children=[
                    city_label(row["name"], row["risk"], lang, side),
                    dl.Popup(html.P(details, className="map-popup")),
                ],
                id=f"city-marker-{row['city_id']}",
            )
        )
    return markers


def city_bounds(lats: list[float], lons: list[float], margin_deg: float = 1.0) -> list[list[float]] | None:
    """South-west and north-east corners around every city, with a margin (Leaflet fits the map to them)."""
    if not lats:
        return None
    return [
        [min(lats) - margin_deg, min(lons) - margin_deg],
        [max(lats) + margin_deg, max(lons) + margin_deg],
    ]


def view_for(lats: list[float], lons: list[float]) -> tuple[list[float], float]:
    """Centre and zoom that show every city with a margin (Leaflet's Web Mercator zoom levels)."""
    if not lats:
        return [45.0, 65.0], 4.0
    center = [(min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2]
    span = max(max(lons) - min(lons) + 6, (max(lats) - min(lats) + 5) * 1.4, 4)
    zoom = max(2.0, min(8.0, math.floor(math.log2(360 / span) * 4) / 4 + 0.75))
    return center, zoom


def outline_pane(layer: str, style: str, order: int) -> dl.Pane:
    """An outline layer fetched by URL in a pane of its own, stacked by `order` above Leaflet's
    overlay pane (z 400): without it, whichever layer arrived last was drawn over the others."""
    geojson = dl.GeoJSON(url=f"/geo/{layer}.geojson", style={"variable": style}, interactive=False)
    return dl.Pane(geojson, name=f"outline-{layer}", style={"zIndex": 401 + order})


def city_map(
    rows: pd.DataFrame, lang: str, map_id: str, tiles: bool = True, height: str = "420px"
) -> html.Div:
    """The map with country and region outlines, rivers and lakes, and the member cities."""
    base_layers = [dl.BaseLayer(html.Div(), name=t("map.no_tiles", lang), checked=True)]
    if tiles:
        base_layers.append(
            dl.BaseLayer(
                dl.TileLayer(url=OSM_URL, attribution=OSM_ATTRIBUTION),
                name=t("map.osm_tiles", lang),
                checked=False,
            )
        )
    overlays = [
        dl.Overlay(
            outline_pane("countries", "ccca.countryStyle", 0),
            name=t("map.countries", lang),
            checked=True,
        ),
        dl.Overlay(
            outline_pane("admin1", "ccca.admin1Style", 1),
            name=t("map.admin1", lang),
            checked=True,
        ),
        dl.Overlay(
            outline_pane("rivers", "ccca.riverStyle", 2),
            name=t("map.rivers", lang),
            checked=True,
        ),
        dl.Overlay(
            dl.Pane(city_markers(rows, lang), name="cities", style={"zIndex": 650}),
            name=t("map.cities", lang),
            checked=True,
        ),
    ]
    center, zoom = view_for(rows["lat"].tolist(), rows["lon"].tolist())
    viewport = {
        "bounds": city_bounds(rows["lat"].tolist(), rows["lon"].tolist()),
        "options": {"padding": [40, 40]},
    }
    return html.Div(
        dl.Map(
            [dl.LayersControl(base_layers + overlays, collapsed=True)],
            center=center,
            zoom=zoom,
            viewport=viewport,
            zoomSnap=0.25,
            style={"height": height, "width": "100%"},
            id=map_id,
            attributionControl=True,
            scrollWheelZoom=False,
        ),
        className="map-frame",
        role="region",
        **{"aria-label": t("map.label", lang)},
    )
