"""The map layers' styles by the name dash-leaflet looks up in the browser (`window.ccca.*`).

assets/map_functions.js and assets/infrastructure.js draw the layers in the browser; these are the
same rules in Python, so the server-made first view (services/map_svg.py) colours them alike.
tests/test_map_svg.py runs the JavaScript on the build's features and compares the two.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from domain.palette import (
    BACKGROUND,
    GRID,
    GUIDE,
    LAKE,
    OTHER_FACILITY,
    RIVER,
    SLATE,
    TRACK,
    WHITE,
    ZONE_COLOURS,
)

Style = dict[str, object]


def country_style(properties: Mapping[str, object]) -> Style:
    """Member countries outlined dark on a pale fill, their neighbours lighter."""
    member = bool(properties.get("member_country"))
    return {
        "color": SLATE if member else GUIDE,
        "weight": 1.4 if member else 0.8,
        "fillColor": BACKGROUND if member else GRID,
        "fillOpacity": 0.9 if member else 0.6,
    }


def admin1_style(properties: Mapping[str, object]) -> Style:
    """Regions: a thin dotted outline, no fill."""
    return {"color": TRACK, "weight": 0.5, "dashArray": "2 3", "fill": False}


def river_style(properties: Mapping[str, object]) -> Style:
    """Rivers as blue lines; lakes filled light blue."""
    lake = properties.get("kind") == "lake"
    return {
        "color": RIVER,
        "weight": 0.6 if lake else 1.2,
        "fillColor": LAKE,
        "fillOpacity": 0.8 if lake else 0,
        "opacity": 0.8,
    }


def zone_style(properties: Mapping[str, object]) -> Style:
    """A hazard zone in its severity's colour (set on the feature), half transparent."""
    colour = properties.get("colour") or ZONE_COLOURS[1]
    return {"color": colour, "weight": 1, "fillColor": colour, "fillOpacity": 0.35}


def facility_point(properties: Mapping[str, object]) -> Style:
    """A facility as a small circle in its type's colour (set on the feature) with a white ring."""
    colour = properties.get("colour") or OTHER_FACILITY
    return {"radius": 7, "color": WHITE, "weight": 2, "fillColor": colour, "fillOpacity": 1}


def cluster_size(count: int) -> int:
    """Diameter in pixels of a cluster of facilities (its icon's size)."""
    return 30 if count < 10 else 36 if count < 100 else 44


STYLES: dict[str, Callable[[Mapping[str, object]], Style]] = {
    "ccca.countryStyle": country_style,
    "ccca.admin1Style": admin1_style,
    "ccca.riverStyle": river_style,
    "ccca.zoneStyle": zone_style,
}
POINT_STYLES: dict[str, Callable[[Mapping[str, object]], Style]] = {"ccca.facilityPoint": facility_point}
CLUSTER_ICONS = frozenset({"ccca.facilityCluster"})  # the facility cluster: a dark disc with its count
