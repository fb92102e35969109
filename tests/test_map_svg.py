"""Maps in the first view as server-made SVG (services/map_svg.py, issue 21): every public page's
dash-leaflet map is drawn in its box before any script runs, with its layers, one circle and label
per city, in RU and EN, small enough for a phone; a map with a part it cannot draw keeps its empty
box; data text is escaped; the layer styles match the browser's; and without scripts the cities
stand where Leaflet puts them."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import dash
import dash_leaflet as dl
import pytest
from dash.development.base_component import Component
from dash.testing.wait import until
from selenium import webdriver
from selenium.webdriver.chrome.options import Options

from domain import map_styles
from domain.palette import INK
from i18n import LANGUAGES
from services import first_view as fv
from services import map_svg, static_page

ROOT = Path(__file__).resolve().parents[1]
SVG = "{http://www.w3.org/2000/svg}"
MAP_BUDGET = 80_000  # bytes of markup per map (uncompressed; gzip takes it to about a third)
BOX = re.compile(
    r'(?P<open><div id="(?P<id>[^"]+)"[^>]*class="first-view-map[^"]*">)(?P<inner>.*?)</div>'
    r"(?=<div|<p|<ul|</)"
)


def public_paths(city_id: str) -> list[str]:
    """Every public page run by Dash (a city filling the profile's template)."""
    return sorted(
        (p.get("path_template") or p["path"]).replace("<city_id>", city_id)
        for p in dash.page_registry.values()
        if p.get(fv.MARK) and not p.get(static_page.FLAG)
    )


def maps_in(node: object) -> list[Component]:
    """The dash-leaflet maps of a component tree."""
    if isinstance(node, (list, tuple)):
        return [m for child in node for m in maps_in(child)]
    if not isinstance(node, Component):
        return []
    if (node._namespace, node._type) == map_svg.MAP_KIND:
        return [node]
    return maps_in(getattr(node, "children", None))


def layers_in(node: object) -> list[dict]:
    """The props of the GeoJSON layers a map shows (checked overlays and layer groups)."""
    parts = map_svg.node_parts(node)
    if parts is None:
        return [p for child in node for p in layers_in(child)] if isinstance(node, (list, tuple)) else []
    _, kind, props = parts
    if kind == "GeoJSON":
        return [props]
    if kind in map_svg.SWITCHED and not props.get("checked"):
        return []
    return [p for child in map_svg.children_of(props) for p in layers_in(child)]


def page_maps(dash_app, path: str, lang: str) -> list[Component]:
    """The maps of a page's layout, as Dash renders it for `path?lang=`."""
    page, variables = fv.page_for(dash_app, path)
    layout = page["layout"]
    with dash_app.server.test_request_context(f"{path}?lang={lang}"):
        tree = layout(**variables, lang=lang) if callable(layout) else layout
    return maps_in(tree)


def drawn_maps(body: str) -> dict[str, tuple[str, str]]:
    """The drawn map boxes of an index page: map id -> (opening tag, inside markup)."""
    return {m["id"]: (m["open"], m["inner"]) for m in BOX.finditer(body)}


def parsed(inner: str) -> ET.Element:
    """The drawing as XML (the style block, the SVGs and the labels' div)."""
    return ET.fromstring(f"<div>{inner}</div>")


@pytest.fixture(scope="module")
def client(dash_app):
    client = dash_app.server.test_client()
    client.get("/")
    return client


@pytest.fixture(scope="module")
def pages_with_maps(dash_app, client, built_data):
    """(path, lang, map component, drawn markup) for every map on every public page."""
    city = str(built_data["cities"]["city_id"].iloc[0])
    found = []
    for lang in LANGUAGES:
        for path in public_paths(city):
            maps = page_maps(dash_app, path, lang)
            if not maps:
                continue
            body = client.get(f"{path}?lang={lang}").get_data(as_text=True)
            drawn = drawn_maps(body)
            for m in maps:
                found.append((path, lang, m, *drawn.get(m.id, (None, None))))
    assert found, "no public page has a map"
    return found


def test_every_map_is_drawn_with_its_layers_and_cities(pages_with_maps, built_data):
    cities = built_data["cities"]
    for path, lang, component, _, inner in pages_with_maps:
        where = f"{path} {lang} #{component.id}"
        assert inner is not None, f"{where}: the map is an empty box"
        assert len(inner.encode()) < MAP_BUDGET, f"{where}: {len(inner.encode())} bytes"
        tree = parsed(inner)
        svgs = tree.findall(f"{SVG}svg")
        assert svgs[0].get("role") == "img" and svgs[0].get("aria-label"), where
        labels = [span.text for span in tree.iter("span") if "fvl" in (span.get("class") or "")]
        for name in cities[f"name_{lang}"]:
            assert sum(label.startswith(f"{name} ·") or label == name for label in labels) == 1, (where, name)
        city_circles = [c for c in svgs[-1].iter(f"{SVG}circle") if c.get("stroke") == INK]
        assert len(city_circles) == len(cities), where
        strokes = {p.get("stroke") for p in tree.iter(f"{SVG}path")}
        for layer in layers_in(component.children):
            data = layer.get("data") or map_svg.built_geojson(layer["url"])
            styled = map_svg.style_function(layer, "style", map_styles.STYLES)
            shapes = [f for f in data["features"] if f["geometry"]["type"] != "Point"]
            expected = {styled(f["properties"])["color"] for f in shapes} if shapes else set()
            assert expected <= strokes, f"{where}: {layer.get('url') or layer.get('id')} not drawn"


def test_maps_in_the_first_view_keep_the_box_dash_fills(pages_with_maps):
    for path, lang, component, opening, _ in pages_with_maps:
        assert opening is not None, (path, lang)
        assert f'id="{component.id}"' in opening and f'style="{fv.style_text(component.style)}"' in opening


def circle_marker(name: str, **extra) -> dl.CircleMarker:
    return dl.CircleMarker(
        center=[41.0, 70.0],
        radius=8,
        color="ink",
        fillColor="paper",
        children=[dl.Tooltip(name, permanent=True), dl.Popup("details")],
        **extra,
    )


def a_map(*children, **props) -> dl.Map:
    props = {"id": "test-map", "style": {"height": "300px", "width": "100%"}, **props}
    return dl.Map(list(children), center=[41.0, 70.0], zoom=5, **props)


def test_a_map_with_a_part_it_cannot_draw_keeps_its_empty_box():
    drawable = a_map(circle_marker("A"))
    assert map_svg.map_svg(drawable.to_plotly_json()["props"], "en") is not None
    web_tiles = a_map(
        dl.LayerGroup([dl.TileLayer(url="https://tiles.example/{z}/{x}/{y}.png")]), circle_marker("A")
    )
    drawn = map_svg.map_svg(web_tiles.to_plotly_json()["props"], "en")
    assert "<image" not in drawn and "tiles.example" not in drawn  # plain background: nothing fetched
    cannot = [
        a_map(circle_marker("A"), dl.Marker(position=[41.0, 70.0])),  # an image icon
        a_map(dl.GeoJSON(data={"type": "FeatureCollection", "features": []}, style={"variable": "x.y"})),
        a_map(dl.GeoJSON(url="/elsewhere/layer.geojson", style={"variable": "ccca.countryStyle"})),
        a_map(circle_marker("A"), style={"height": "auto"}, viewport={"bounds": [[40, 60], [50, 70]]}),
        a_map(circle_marker("A"), id='x" onload="alert(1)'),
    ]
    for m in cannot:
        assert map_svg.map_svg(m.to_plotly_json()["props"], "en") is None, m
    markup = fv.to_html(cannot[0])
    assert "first-view-box" in markup and "<svg" not in markup
    assert "first-view-map" in fv.to_html(drawable) and "<svg" in fv.to_html(drawable)


def test_hostile_names_are_escaped():
    hostile = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'
    inner = map_svg.map_svg(a_map(circle_marker(hostile)).to_plotly_json()["props"], "en")
    assert "<script" not in inner and "<img" not in inner
    labels = [s.text for s in parsed(inner).iter("span")]
    assert labels == [hostile]


def test_supercluster_port_clusters_near_points_and_keeps_far_ones():
    near = [{"geometry": {"type": "Point", "coordinates": [70.0 + i * 0.01, 41.0]}} for i in range(3)]
    far = [{"geometry": {"type": "Point", "coordinates": [50.0, 60.0]}}]
    at_low_zoom = map_svg.clusters(near + far, 48, 5)
    assert sorted(n for _, _, n, _ in at_low_zoom) == [1, 3]
    assert [i for _, _, n, i in at_low_zoom if n == 1] == [3]
    assert sorted(n for _, _, n, _ in map_svg.clusters(near + far, 48, 16)) == [1, 1, 1, 1]


NODE_STYLES = """
const fs = require("fs");
global.window = {};
global.L = {circleMarker: (latlng, options) => options, point: (x, y) => [x, y], divIcon: (o) => o,
            marker: (latlng, options) => options};
for (const f of process.argv.slice(2, 4)) { eval(fs.readFileSync(f, "utf8")); }
const cases = JSON.parse(process.argv[4]);
const out = cases.map(([name, feature]) => {
  const fn = window.ccca[name.split(".")[1]];
  const style = fn(feature, [0, 0]);
  delete style.pane;
  return style;
});
console.log(JSON.stringify(out));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js to run the browser's style functions")
def test_style_twins_match_the_browsers_style_functions(built_data, tmp_path):
    features = {
        "ccca.countryStyle": "countries",
        "ccca.admin1Style": "admin1",
        "ccca.riverStyle": "rivers",
        "ccca.zoneStyle": "hazard_zones",
        "ccca.facilityPoint": "facilities",
    }
    cases = []
    for name, layer in features.items():
        data = json.loads(built_data.geometry(layer))
        samples = data["features"] + [{"type": "Feature", "properties": {}, "geometry": None}]
        cases += [[name, {"properties": f.get("properties") or {}}] for f in samples]
    for count in (2, 9, 10, 99, 100, 1000):  # the cluster icon's size by count
        cases.append(
            ["ccca.facilityCluster", {"properties": {"point_count": count, "point_count_abbreviated": count}}]
        )
    script = tmp_path / "styles.js"
    script.write_text(NODE_STYLES, encoding="utf-8")
    js = ROOT / "assets" / "map_functions.js", ROOT / "assets" / "infrastructure.js"
    result = subprocess.run(
        ["node", str(script), *map(str, js), json.dumps(cases)], capture_output=True, text=True, check=True
    )
    browser = json.loads(result.stdout)
    twins = {**map_styles.STYLES, **map_styles.POINT_STYLES}
    for (name, feature), theirs in zip(cases, browser):
        if name in map_styles.CLUSTER_ICONS:
            count = feature["properties"]["point_count"]
            assert theirs["icon"]["iconSize"] == [map_styles.cluster_size(count)] * 2, count
        else:
            assert twins[name](feature["properties"]) == theirs, (name, feature["properties"])


def no_script_browser() -> webdriver.Chrome:
    options = Options()
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu"):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    return webdriver.Chrome(options=options)


def phone_view(driver, width: int = 390, height: int = 844) -> None:
    """The same viewport in both browsers (a phone's, at one pixel per CSS pixel)."""
    metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": True}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)


def centres(driver, selector: str) -> tuple[tuple[int, int], list[tuple[int, int]]]:
    """The map box's size and the centres of the shown elements matching `selector` in it, sorted."""
    box = driver.find_element("css selector", "#map-leaflet").rect
    found = [r for e in driver.find_elements("css selector", selector) if (r := e.rect)["width"]]  # shown
    points = [(r["x"] + r["width"] / 2 - box["x"], r["y"] + r["height"] / 2 - box["y"]) for r in found]
    return (round(box["width"]), round(box["height"])), sorted((round(x), round(y)) for x, y in points)


def cluster_counts(driver, selector: str) -> list[str]:
    """The counts shown on the visible facility clusters."""
    return sorted(e.text for e in driver.find_elements("css selector", selector) if e.text)


def test_without_scripts_the_cities_stand_where_leaflet_puts_them(dash_duo, dash_app, built_data):
    """At a phone's size, the drawn circles' and clusters' centres are Leaflet's to within two pixels."""
    dash_duo.start_server(dash_app)
    url = dash_duo.server_url + "/map?lang=en"
    phone_view(dash_duo.driver)
    dash_duo.driver.get(url)
    cities = len(built_data["cities"])
    until(lambda: len(dash_duo.find_elements(".leaflet-cities-pane path")) == cities, timeout=15)
    leaflet_box, leaflet = centres(dash_duo.driver, ".leaflet-cities-pane path")
    _, leaflet_clusters = centres(dash_duo.driver, ".facility-cluster")
    leaflet_counts = cluster_counts(dash_duo.driver, ".facility-cluster")
    plain = no_script_browser()
    try:
        phone_view(plain)
        plain.get(url)
        drawn_box, drawn = centres(plain, f"#map-leaflet svg circle[stroke='{INK}']")
        shown = "#map-leaflet svg g.fvz g.fvp"
        _, drawn_clusters = centres(plain, shown)
        drawn_counts = cluster_counts(plain, f"{shown} text")
    finally:
        plain.quit()
    assert drawn_box == leaflet_box and len(drawn) == cities
    assert drawn_counts == leaflet_counts and len(drawn_clusters) == len(leaflet_clusters)
    for (x1, y1), (x2, y2) in zip(leaflet + leaflet_clusters, drawn + drawn_clusters):
        assert abs(x1 - x2) <= 2 and abs(y1 - y2) <= 2, (leaflet, drawn, leaflet_clusters, drawn_clusters)
