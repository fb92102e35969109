"""A dash-leaflet map drawn on the server as inline SVG, for a page's first view (services/first_view.py).

Before Dash (and Leaflet) have loaded, the map's box shows what Leaflet will draw in it: the GeoJSON
layers with their styles (domain/map_styles.py, the Python twin of the style functions in assets/),
the facility clusters as supercluster makes them, the city circles and their permanent labels, in
Web Mercator at the map's centre and zoom. When the map fits bounds, Leaflet's zoom depends on the
box's size, which the server does not know: the drawing is made once at the lowest zoom a box can
get, and CSS container queries pick the zoom Leaflet would choose for the box's width and height
(geometry scaled about the centre, circles and labels moved but kept at their pixel size).

Web tiles are never fetched: a map drawn with a web base layer shows a plain background.
Any layer or option this module does not know makes `map_svg` return None (the box stays empty
and the page keeps its map for Dash).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import groupby

import flask
import numpy as np
import shapely
from dash.development.base_component import Component
from markupsafe import escape

from domain.map_styles import CLUSTER_ICONS, POINT_STYLES, STYLES, Style, cluster_size
from domain.palette import GUIDE, INK, MAP_BACKGROUND, OTHER_FACILITY, WHITE
from i18n import resolve_lang, t
from services import data_access

LEAFLET = "dash_leaflet"
MAP_KIND = (LEAFLET, "MapContainer")
TILE = 256  # px: Leaflet's world is 256 * 2**zoom pixels wide
MAX_LATITUDE = 85.0511287798  # Leaflet's Spherical Mercator limit
OVERLAY_PANE, TOOLTIP_PANE = 400, 650  # leaflet.css's z-indexes of vector layers and tooltips
WIDTHS, HEIGHTS = (160, 1920), (160, 1200)  # px: box sizes the drawing is made for
LABEL_GAP = 6  # px: leaflet.css's margin between a permanent tooltip and its point
CLIP_MARGIN = 50  # px beyond the largest box, so outlines never end inside it
SAFE_ID = re.compile(r"[A-Za-z][\w-]*")  # ids usable as they are in the drawing's CSS selectors
SIMPLIFY_PX = 0.4  # px at the drawing's zoom: vertices closer than this to the line are dropped
GEOJSON_PREFIX = "/geo/"
TILE_MAX_ZOOM = 18  # Leaflet's TileLayer default
CLUSTER_MAX_ZOOM = 16  # supercluster's default when no tile layer sets one
CONTAINERS = frozenset({"LayerGroup", "FeatureGroup", "LayersControl"})
SWITCHED = frozenset({"BaseLayer", "Overlay"})
NOT_DRAWN_OPTIONS = frozenset(
    {"crs", "minZoom", "maxZoom", "maxBounds", "bounds"}
)  # views not worked out here
Loader = Callable[[str], "Layer | None"]


@dataclass(frozen=True)
class View:
    """Where the map looks: its centre in world pixels at zoom 0, and the zoom levels a box can get,
    each with the smallest box width and height (px) that gets it (the first level needs none)."""

    x: float
    y: float
    levels: tuple[tuple[float, float, float], ...]

    @property
    def base(self) -> float:
        """The zoom the drawing is made at (the lowest a box can get)."""
        return self.levels[0][0]


@dataclass
class Drawing:
    """What a map shows, in the order Leaflet adds it: (pane z-index, SVG markup, whether it is a
    path drawn in the base zoom's pixels), and the permanent labels."""

    items: list[tuple[int, str, bool]] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    layers_max_zoom: int | None = None  # the highest zoom of the tile layers added so far (Leaflet's)


def project(lon: float, lat: float) -> tuple[float, float]:
    """A position in world pixels at zoom 0 (Leaflet's EPSG:3857)."""
    lat = max(-MAX_LATITUDE, min(MAX_LATITUDE, lat))
    y = math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))
    return TILE * (lon + 180) / 360, TILE * (0.5 - y / (2 * math.pi))


def js_round(value: float) -> float:
    """JavaScript's Math.round (halves go up, not to even)."""
    return math.floor(value + 0.5)


def snapped(zoom: float, snap: float) -> float:
    """A zoom as Leaflet's getBoundsZoom snaps it (within 1 % of a step counts as the step)."""
    if not snap:
        return zoom
    zoom = js_round(zoom / (snap / 100)) * (snap / 100)
    return math.floor(zoom / snap + 1e-9) * snap


def fit_zoom(
    box: tuple[float, float], bounds: tuple[float, float], padding: tuple[float, float], snap: float
) -> float:
    """The zoom Leaflet's fitBounds gives a box of `box` px (width, height) for bounds of that size
    at zoom 0, with `padding` px on each side (x, y)."""
    scale = min((box[0] - 2 * padding[0]) / bounds[0], (box[1] - 2 * padding[1]) / bounds[1])
    return snapped(math.log2(max(scale, 1e-9)), snap)


def box_heights(style: Mapping) -> tuple[float, float] | None:
    """The heights (px) the map's box can have from its style; None when its height is not set."""
    height, low = style.get("height"), style.get("minHeight")
    if isinstance(height, (int, float)) or (isinstance(height, str) and height.endswith("px")):
        fixed = float(str(height).removesuffix("px"))
        return fixed, fixed
    if isinstance(height, str) and height.endswith("vh"):
        floor = float(str(low).removesuffix("px")) if isinstance(low, (str, int, float)) and low else 0
        return max(HEIGHTS[0], floor), HEIGHTS[1]
    return None


def view_of(props: Mapping) -> View | None:
    """The map's view: fitted to its viewport's bounds (Leaflet's fitBounds with its padding) for
    any box size, else its centre and zoom."""
    if set(props) & NOT_DRAWN_OPTIONS:
        return None
    snap = float(props.get("zoomSnap", 1) or 0)
    viewport = props.get("viewport") if isinstance(props.get("viewport"), Mapping) else {}
    bounds = viewport.get("bounds")
    if bounds:
        (south, west), (north, east) = bounds
        x0, y0 = project(west, north)
        x1, y1 = project(east, south)
        size = (abs(x1 - x0), abs(y1 - y0))
        padding = (viewport.get("options") or {}).get("padding") or [0, 0]
        heights = box_heights(props.get("style") or {})
        if heights is None or not all(size):
            return None
        pad = (float(padding[0]), float(padding[1]))
        low = fit_zoom((WIDTHS[0], heights[0]), size, pad, snap)
        high = fit_zoom((WIDTHS[1], heights[1]), size, pad, snap)
        steps = int(js_round((high - low) / snap)) if snap else 0
        levels = [(low, 0.0, 0.0)]
        for step in range(1, steps + 1):
            zoom = low + step * snap
            need = 2 ** (zoom - snap / 200)
            levels.append((zoom, 2 * pad[0] + size[0] * need, 2 * pad[1] + size[1] * need))
        return View((x0 + x1) / 2, (y0 + y1) / 2, tuple(levels))
    center, zoom = props.get("center"), props.get("zoom")
    if not isinstance(center, (list, tuple)) or len(center) != 2 or not isinstance(zoom, (int, float)):
        return None
    x, y = project(float(center[1]), float(center[0]))
    zoom = js_round(zoom / snap) * snap if snap else zoom
    return View(x, y, ((float(zoom), 0.0, 0.0),))


def node_parts(node: object) -> tuple[str, str, dict] | None:
    """(namespace, type, props) of a component or of its JSON form; None for anything else."""
    if isinstance(node, Component):
        return node._namespace, node._type, dict(node.to_plotly_json()["props"])
    if isinstance(node, Mapping) and "type" in node and isinstance(node.get("props"), Mapping):
        return str(node.get("namespace")), str(node["type"]), dict(node["props"])
    return None


def children_of(props: Mapping) -> list:
    """A component's children as a list."""
    children = props.get("children")
    if children is None:
        return []
    return list(children) if isinstance(children, (list, tuple)) else [children]


def pane_of(props: Mapping, pane: int) -> int:
    """The z-index of a dl.Pane's layers (its style's, else the pane it is in)."""
    z = (props.get("style") or {}).get("zIndex")
    return int(z) if isinstance(z, (int, float)) else pane


def built_geojson(url: str) -> Mapping | None:
    """A GeoJSON layer the app serves at /geo/<layer>.geojson, from the current build."""
    layer = url.removeprefix(GEOJSON_PREFIX).removesuffix(".geojson")
    if not url.startswith(GEOJSON_PREFIX) or "/" in layer:
        return None
    try:
        return json.loads(data_access.get_data().geometry(layer))
    except KeyError:
        return None


def number(value: float) -> str:
    """A coordinate with one decimal, as short as it goes (`-0.5` -> `-.5`, `4.0` -> `4`)."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    text = text.replace("0.", ".", 1) if text.startswith(("0.", "-0.")) else text
    return "0" if text in ("", "-", "-0") else text


@lru_cache(maxsize=65536)
def tenths(n: int) -> str:
    """An integer number of tenths as a short decimal in path data: a space before it unless its
    minus sign separates it from the number before."""
    text = number(n / 10)
    return text if text.startswith("-") else f" {text}"


def path_data(rings: Iterable[np.ndarray], close: bool) -> str:
    """SVG path data of rings or lines (pixel coordinates), relative moves, one decimal."""
    parts: list[str] = []
    current = np.zeros((1, 2), dtype=np.int64)
    for ring in rings:
        points = np.rint(np.asarray(ring) * 10).astype(np.int64)
        if close and len(points) > 1 and (points[0] == points[-1]).all():
            points = points[:-1]
        if len(points) < 2:
            continue
        deltas = np.diff(np.vstack([current, points]), axis=0).ravel().tolist()
        parts.append("m" + "".join(map(tenths, deltas)).removeprefix(" ") + ("z" if close else ""))
        current = points[:1] if close else points[-1:]
    return "".join(parts)


@dataclass(frozen=True)
class WorldLayer:
    """A GeoJSON layer's non-point features: their properties, and their geometries in world pixels
    at zoom 0 (Web Mercator), projected once."""

    properties: tuple[Mapping, ...]
    geometries: np.ndarray


def to_world(coords: np.ndarray) -> np.ndarray:
    """Longitude and latitude pairs as world pixels at zoom 0."""
    lon, lat = coords[:, 0], np.clip(coords[:, 1], -MAX_LATITUDE, MAX_LATITUDE)
    x = TILE * (lon + 180) / 360
    y = TILE * (0.5 - np.log(np.tan(np.pi / 4 + np.radians(lat) / 2)) / (2 * np.pi))
    return np.column_stack([x, y])


def world_layer(features: list[Mapping]) -> WorldLayer | None:
    """Features' geometries projected (None when one is not valid GeoJSON)."""
    try:
        text = [json.dumps(f["geometry"]) for f in features]
        geometries = shapely.from_geojson(text) if text else np.array([], dtype=object)
    except (shapely.errors.GEOSException, TypeError, ValueError):
        return None
    return WorldLayer(
        tuple(f.get("properties") or {} for f in features), shapely.transform(geometries, to_world)
    )


def shapes_of(data: Mapping) -> WorldLayer | None:
    """A FeatureCollection's non-point features, projected."""
    features = [
        f
        for f in data.get("features", [])
        if isinstance(f, Mapping) and isinstance(f.get("geometry"), Mapping)
    ]
    return world_layer([f for f in features if f["geometry"].get("type") != "Point"])


@dataclass(frozen=True)
class Layer:
    """A GeoJSON layer: its data (read only) and its non-point features projected."""

    data: Mapping
    shapes: WorldLayer


def layer_of(data: object) -> Layer | None:
    """A FeatureCollection as a layer (None when it is not one or a geometry is not valid)."""
    shapes = shapes_of(data) if isinstance(data, Mapping) else None
    return Layer(data, shapes) if shapes is not None else None


@lru_cache(maxsize=16)
def cached_layer(build_id: str, url: str) -> Layer | None:
    """A layer the app serves, read and projected once per build."""
    data = built_geojson(url)
    return layer_of(data) if data is not None else None


def built_layer(url: str) -> Layer | None:
    """A layer the app serves at /geo/<layer>.geojson, from the current build."""
    return cached_layer(data_access.get_data().build_id, url)


def in_pixels(layer: WorldLayer, view: View, clip: tuple[float, float]) -> np.ndarray:
    """A layer's geometries in the drawing's pixels about the centre, clipped and simplified."""
    scale = 2**view.base
    pixels = shapely.transform(layer.geometries, lambda c: (c - (view.x, view.y)) * scale)
    clipped = shapely.clip_by_rect(pixels, -clip[0], -clip[1], clip[0], clip[1])
    return shapely.simplify(clipped, SIMPLIFY_PX)


def shape_rings(shape: shapely.Geometry) -> tuple[list[np.ndarray], bool]:
    """The rings (polygons, closed) or lines of a shape."""
    polygons = [g for g in getattr(shape, "geoms", [shape]) if g.geom_type == "Polygon"]
    lines = [g for g in getattr(shape, "geoms", [shape]) if g.geom_type in ("LineString", "LinearRing")]
    if polygons:
        return [np.asarray(r.coords) for p in polygons for r in (p.exterior, *p.interiors)], True
    return [np.asarray(line.coords) for line in lines], False


def amount(value: object, default: float) -> float | None:
    """A style's number (its default when unset; None when it is not a number)."""
    if value is None:
        return default
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def paint(style: Style, filled: bool) -> str | None:
    """SVG paint attributes of a Leaflet path style (Leaflet's defaults where the style says nothing);
    None for a style without a colour (Leaflet's own default blue: no layer of the app relies on it)."""
    colour = style.get("color")
    weight, opacity = amount(style.get("weight"), 3), amount(style.get("opacity"), 1)
    fill_opacity = amount(style.get("fillOpacity"), 0.2)
    if not isinstance(colour, str) or weight is None or opacity is None or fill_opacity is None:
        return None
    parts = [
        'stroke="none"'
        if style.get("stroke") is False
        else f'stroke="{escape(colour)}" stroke-width="{weight:g}" stroke-opacity="{opacity:g}"',
        f'fill="{escape(str(style.get("fillColor") or colour))}" fill-opacity="{fill_opacity:g}"'
        if bool(style.get("fill", filled))
        else 'fill="none"',
    ]
    if style.get("dashArray"):
        parts.append(f'stroke-dasharray="{escape(str(style["dashArray"]))}"')
    return " ".join(parts)


def positioned(x: float, y: float) -> str:
    """The style that places an element at (x, y), pixels at the drawing's zoom about the view's centre."""
    return f"--x:{number(x)};--y:{number(y)}"


def circle(view: View, lon: float, lat: float, style: Style) -> str | None:
    """A Leaflet CircleMarker as an SVG circle (its radius in screen pixels)."""
    attributes, radius = paint(style, True), amount(style.get("radius"), 10)
    if attributes is None or radius is None:
        return None
    x, y = project(lon, lat)
    scale = 2**view.base
    where = positioned((x - view.x) * scale, (y - view.y) * scale)
    return f'<circle class="fvp" style="{where}" r="{radius:g}" {attributes}/>'


def label(view: View, lon: float, lat: float, text: str, direction: str, opacity: float) -> str:
    """A permanent tooltip beside its point: right of points left of the centre (Leaflet's `auto`)."""
    x, y = project(lon, lat)
    scale = 2**view.base
    side = direction if direction in ("left", "right") else ("right" if x < view.x else "left")
    where = positioned((x - view.x) * scale, (y - view.y) * scale)
    return f'<span class="fvl fv-{side}" style="{where};opacity:{opacity:g}">{escape(text)}</span>'


def circle_marker(props: Mapping, view: View, pane: int, drawing: Drawing) -> bool:
    """A dl.CircleMarker and its permanent label into the drawing (False when it cannot be drawn)."""
    center = props.get("center")
    if not isinstance(center, (list, tuple)) or len(center) != 2:
        return False
    lat, lon = float(center[0]), float(center[1])
    drawn = circle(view, lon, lat, props)
    if drawn is None:
        return False
    drawing.items.append((pane, drawn, False))
    for child in children_of(props):
        parts = node_parts(child)
        if parts is None or parts[0] != LEAFLET or parts[1] not in ("Tooltip", "Popup"):
            return False
        tip = parts[2]
        if parts[1] == "Tooltip" and tip.get("permanent"):
            words = children_of(tip)
            if not all(isinstance(w, (str, int, float)) for w in words):
                return False
            text = "".join(str(w) for w in words)
            direction, opacity = str(tip.get("direction") or "auto"), amount(tip.get("opacity"), 0.9)
            if opacity is None:
                return False
            drawing.labels.append(label(view, lon, lat, text, direction, opacity))
    return True


def style_function(props: Mapping, name: str, known: Mapping) -> Callable | None:
    """The Python twin of a layer's style option (`{"variable": "ccca.x"}`) or a fixed style dict."""
    option = props.get(name)
    if isinstance(option, Mapping) and set(option) == {"variable"}:
        return known.get(option["variable"])
    if isinstance(option, Mapping) and "color" in option:
        return lambda _properties: dict(option)
    return None


def geojson(
    props: Mapping, view: View, pane: int, drawing: Drawing, load: Loader, clip: tuple[float, float]
) -> bool:
    """A dl.GeoJSON layer into the drawing: its shapes by its style, its points by pointToLayer or
    as supercluster's clusters (False when it cannot be drawn)."""
    if props.get("filter") or props.get("children"):
        return False
    data, url = props.get("data"), props.get("url")
    layer = layer_of(data) if data is not None else load(url) if isinstance(url, str) else None
    if layer is None:
        return False
    points = [f for f in layer.data.get("features", []) if isinstance(f, Mapping) and point_feature(f)]
    if points and not point_layer(props, points, view, pane, drawing):
        return False
    styled = style_function(props, "style", STYLES)
    if not layer.shapes.properties:
        return styled is not None or props.get("style") is None
    if styled is None or props.get("cluster"):
        return False
    merged: dict[tuple[str, bool], list[np.ndarray]] = {}  # one path per style and kind
    for properties, shape in zip(layer.shapes.properties, in_pixels(layer.shapes, view, clip)):
        if shape is None or shape.is_empty:
            continue
        rings, closed = shape_rings(shape)
        attributes = paint(styled(properties), closed)
        if attributes is None:
            return False
        merged.setdefault((attributes, closed), []).extend(rings)
    drawing.items.extend((pane, f'<path d="{path_data(r, c)}" {a}/>', True) for (a, c), r in merged.items())
    return True


def point_feature(feature: Mapping) -> bool:
    """Whether a GeoJSON feature is a point."""
    geometry = feature.get("geometry")
    return isinstance(geometry, Mapping) and geometry.get("type") == "Point"


def point_layer(props: Mapping, points: list[Mapping], view: View, pane: int, drawing: Drawing) -> bool:
    """A GeoJSON layer's points: circles by its pointToLayer, clustered per zoom level when it clusters."""
    styled = style_function(props, "pointToLayer", POINT_STYLES)
    if styled is None:
        return False
    if not props.get("cluster"):
        for p in points:
            lon, lat = p["geometry"]["coordinates"][:2]
            drawn = circle(view, lon, lat, styled(p.get("properties") or {}))
            if drawn is None:
                return False
            drawing.items.append((pane, drawn, False))
        return True
    icon = props.get("clusterToLayer")
    if not (isinstance(icon, Mapping) and icon.get("variable") in CLUSTER_ICONS):
        return False
    options = props.get("superClusterOptions") or {}
    if not isinstance(options, Mapping) or set(options) - {"radius", "maxZoom"}:
        return False  # supercluster's other options are not carried over here
    radius = float(options.get("radius", 40))
    scale = 2**view.base
    top = int(options.get("maxZoom", drawing.layers_max_zoom or CLUSTER_MAX_ZOOM))  # as dash-leaflet sets it
    for whole in sorted({math.floor(z) for z, _, _ in view.levels}):
        marks = []
        for x, y, count, index in clusters(points, radius, whole, max_zoom=top):
            if count == 1:
                lon, lat = points[index]["geometry"]["coordinates"][:2]
                marks.append(circle(view, lon, lat, styled(points[index].get("properties") or {})) or "")
            else:
                marks.append(cluster_disc(((x - view.x) * scale, (y - view.y) * scale), count))
        drawing.items.append((pane, f'<g class="fvz fvz{whole}">{"".join(marks)}</g>', False))
    return True


def cluster_disc(at: tuple[float, float], count: int) -> str:
    """A facility cluster as assets/infrastructure.css draws it: a dark disc, white ring, its count."""
    radius = cluster_size(count) / 2
    shown = (
        f"{round(count / 1000)}k"
        if count >= 10000
        else f"{round(count / 100) / 10}k"
        if count >= 1000
        else str(count)
    )
    return (
        f'<g class="fvp" style="{positioned(*at)}">'
        f'<circle r="{number(radius + 0.5)}" fill="{OTHER_FACILITY}"/>'
        f'<circle r="{number(radius - 1.5)}" fill="{OTHER_FACILITY}" stroke="{WHITE}" stroke-width="2"/>'
        f'<text dy=".35em" text-anchor="middle" fill="{WHITE}" font-weight="700" font-size="12.8">{shown}</text></g>'
    )


def clusters(points: list[Mapping], radius: float, zoom: int, extent: int = 512, max_zoom: int = 16) -> list:
    """Supercluster's clusters at an integer zoom (its algorithm: greedy, from its maximum zoom down,
    in the points' order): (x, y) in world pixels at zoom 0, the count, and the point's index when alone."""
    data = []
    for i, p in enumerate(points):
        lon, lat = p["geometry"]["coordinates"][:2]
        x, y = project(lon, lat)
        data.append([float(np.float32(x / TILE)), float(np.float32(y / TILE)), math.inf, i, 1])
    for level in range(max_zoom, max(zoom, 0) - 1, -1):
        data = cluster_level(data, radius / (extent * 2**level), level)
    return [(x * TILE, y * TILE, n, i) for x, y, _, i, n in data]


def cluster_level(data: list[list], reach: float, level: int) -> list[list]:
    """One of supercluster's levels from the one above: each unvisited point takes its unvisited
    neighbours within `reach` into a cluster at their weighted centre."""
    out = []
    for p in data:
        if p[2] <= level:
            continue
        p[2] = level
        near = [q for q in data if (q[0] - p[0]) ** 2 + (q[1] - p[1]) ** 2 <= reach**2]
        count = p[4] + sum(q[4] for q in near if q[2] > level)
        if count > p[4] and count >= 2:
            wx, wy = p[0] * p[4], p[1] * p[4]
            for q in near:
                if q[2] > level:
                    q[2] = level
                    wx, wy = wx + q[0] * q[4], wy + q[1] * q[4]
            out.append([wx / count, wy / count, math.inf, -1, count])
        else:
            out.append(list(p))
            if count > 1:
                for q in near:
                    if q[2] > level:
                        q[2] = level
                        out.append(list(q))
    return out


def draw(
    node: object, view: View, pane: int, drawing: Drawing, load: Loader, clip: tuple[float, float]
) -> bool:
    """A map's child into the drawing, with its children; False when any part cannot be drawn."""
    if node is None:
        return True
    parts = node_parts(node)
    if parts is None:
        return False
    namespace, kind, props = parts
    if namespace != LEAFLET:  # only an empty placeholder (the "no tiles" base layer's) draws nothing
        return namespace == "dash_html_components" and not props.get("children")
    if kind in CONTAINERS or (kind in SWITCHED and props.get("checked")):
        return all(draw(c, view, pane, drawing, load, clip) for c in children_of(props))
    if kind == "TileLayer":  # web tiles are never fetched: a plain background
        zoom = amount(props.get("maxZoom"), TILE_MAX_ZOOM)
        drawing.layers_max_zoom = max(
            drawing.layers_max_zoom or 0, int(zoom if zoom is not None else TILE_MAX_ZOOM)
        )
        return True
    if kind in SWITCHED:  # switched off
        return True
    if kind == "Pane":
        return all(draw(c, view, pane_of(props, pane), drawing, load, clip) for c in children_of(props))
    if kind == "GeoJSON":
        return geojson(props, view, pane, drawing, load, clip)
    if kind == "CircleMarker":
        return circle_marker(props, view, pane, drawing)
    return False


def page_lang() -> str:
    """The language of the page being rendered (its `lang` query argument, as the first view reads it)."""
    return resolve_lang(flask.request.args.get("lang") if flask.has_request_context() else None)[0]


def stylesheet(map_id: str, view: View) -> str:
    """The drawing's CSS, for this map only: the box, and the zoom each box size gets."""
    me = f"#{map_id}"
    rules = [
        f"{me}{{position:relative;overflow:hidden;container-type:size;background:{MAP_BACKGROUND}}}",
        f"{me} .fvm{{position:absolute;inset:0;width:100%;height:100%;--k:1}}",
        f"{me} .fvg{{transform:scale(var(--k))}}",
        f"{me} path{{vector-effect:non-scaling-stroke;stroke-linecap:round;stroke-linejoin:round;fill-rule:evenodd}}",
        f"{me} .fvp{{transform:translate(calc(var(--x)*var(--k)*1px),calc(var(--y)*var(--k)*1px))}}",
        f"{me} .fvz{{display:none}}",
        f"{me} .fvl{{position:absolute;left:calc(50% + var(--x)*var(--k)*1px);top:calc(50% + var(--y)*var(--k)*1px);"
        f"white-space:nowrap;pointer-events:none;background:rgba(255,255,255,.92);border:1px solid {GUIDE};"
        f"border-radius:3px;color:{INK};font:bold 12px/1.5 'Helvetica Neue',Arial,Helvetica,sans-serif;"
        "padding:1px 5px}",
        f"{me} .fv-right{{transform:translate({LABEL_GAP}px,-50%)}}",
        f"{me} .fv-left{{transform:translate(calc(-100% - {LABEL_GAP}px),-50%)}}",
    ]
    for zoom, width, height in view.levels:
        shown = f"{me} .fvz{math.floor(zoom)}{{display:inline}}"
        scale = f"{me} .fvm,{me} .fvl{{--k:{2 ** (zoom - view.base):.5g}}}"
        if width or height:
            hidden = f"{me} .fvz{{display:none}}"
            rules.append(
                f"@container (min-width:{width:.1f}px) and (min-height:{height:.1f}px){{{scale}{hidden}{shown}}}"
            )
        else:
            rules.append(shown)
    return "<style>" + "".join(rules) + "</style>"


def map_svg(props: Mapping, lang: str, load: Loader = built_layer) -> str | None:
    """The inside of a dl.Map's box as it will look: a CSS block, the SVG and the permanent labels;
    None when the map holds anything that cannot be drawn faithfully. `props` are the map's
    properties (`to_plotly_json()["props"]`)."""
    map_id = props.get("id")
    view = view_of(props)
    sized = box_heights(props.get("style") or {}) is not None  # its box keeps its size whatever it holds
    if not (isinstance(map_id, str) and SAFE_ID.fullmatch(map_id)) or view is None or not sized:
        return None
    clip = (WIDTHS[1] / 2 + CLIP_MARGIN, HEIGHTS[1] / 2 + CLIP_MARGIN)  # at the lowest zoom: the largest box
    drawing = Drawing()
    if not all(draw(c, view, OVERLAY_PANE, drawing, load, clip) for c in children_of(props)):
        return None
    items = sorted(drawing.items, key=lambda item: item[0])  # stable: Leaflet's order within a pane
    below = svg_of([i for i in items if i[0] < TOOLTIP_PANE])
    above = svg_of([i for i in items if i[0] >= TOOLTIP_PANE])  # custom panes come after the tooltips'
    title = escape(t("map.label", lang))
    return (
        stylesheet(map_id, view)
        + f'<svg class="fvm" role="img" aria-label="{title}" xmlns="http://www.w3.org/2000/svg">{below}</svg>'
        + f'<div class="fvm" aria-hidden="true">{"".join(drawing.labels)}</div>'
        + (
            f'<svg class="fvm" aria-hidden="true" xmlns="http://www.w3.org/2000/svg">{above}</svg>'
            if above
            else ""
        )
    )


def svg_of(items: list[tuple[int, str, bool]]) -> str:
    """Items drawn about the box's centre; each run of paths in a group scaled to the box's zoom."""
    runs = (
        (is_path, "".join(markup for _, markup, _ in run)) for is_path, run in groupby(items, lambda i: i[2])
    )
    body = "".join(f'<g class="fvg">{markup}</g>' if is_path else markup for is_path, markup in runs)
    return f'<svg x="50%" y="50%" overflow="visible">{body}</svg>' if body else ""


def box_props(props: Mapping) -> dict:
    """The map's box properties with the first view's map class added."""
    return {**props, "className": " ".join(filter(None, ["first-view-map", props.get("className")]))}
