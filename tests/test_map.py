"""Map page and its geometry: offline outlines and cities, recolouring, legend, click panel, URL."""

from __future__ import annotations

import json
import os

import pytest
from dash.testing.wait import until

from domain.map_layers import city_values, colour_options, is_known_choice
from tests.dmc_helpers import choose

BOX = (44.0, 33.0, 90.0, 58.0)  # lon/lat box the shipped geometry is cropped to


def rings(geometry: dict):
    if geometry["type"] == "Polygon":
        yield geometry["coordinates"]
    elif geometry["type"] == "MultiPolygon":
        yield from geometry["coordinates"]


def inside_ring(lon: float, lat: float, ring: list) -> bool:
    """Ray casting: whether the point is inside a closed ring."""
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        if (y1 > lat) != (y2 > lat) and lon < (x2 - x1) * (lat - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def inside_feature(lon: float, lat: float, feature: dict) -> bool:
    return any(
        inside_ring(lon, lat, poly[0]) and not any(inside_ring(lon, lat, hole) for hole in poly[1:])
        for poly in rings(feature["geometry"])
    )


@pytest.fixture(scope="module")
def layers(built_data):
    return {
        name: json.loads(built_data.geometry_path(name).read_text(encoding="utf-8"))
        for name in ("countries", "admin1", "rivers")
    }


def test_geometry_is_small_valid_and_in_the_box(layers, built_data):
    total = sum(os.path.getsize(built_data.geometry_path(n)) for n in layers)
    assert total < 600_000, f"geometry sent to the browser is {total} bytes"
    for name, layer in layers.items():
        for feature in layer["features"]:
            coords = json.dumps(feature["geometry"]["coordinates"])
            points = [float(x) for x in coords.replace("[", " ").replace("]", " ").replace(",", " ").split()]
            lons, lats = points[0::2], points[1::2]
            assert BOX[0] - 1e-6 <= min(lons) and max(lons) <= BOX[2] + 1e-6, name
            assert BOX[1] - 1e-6 <= min(lats) and max(lats) <= BOX[3] + 1e-6, name
            for poly in rings(feature["geometry"]) if feature["geometry"]["type"].endswith("Polygon") else []:
                for ring in poly:
                    assert ring[0] == ring[-1] and len(ring) >= 4, f"{name}: ring not closed"


def test_every_city_lies_in_its_country(layers, built_data):
    countries = {
        f["properties"]["iso3"]: f for f in layers["countries"]["features"] if f["properties"]["iso3"]
    }
    for city in built_data["cities"].itertuples():
        assert inside_feature(city.lon, city.lat, countries[city.country_iso3]), city.city_id
        others = [
            iso
            for iso, f in countries.items()
            if iso != city.country_iso3 and inside_feature(city.lon, city.lat, f)
        ]
        assert not others, f"{city.city_id} also inside {others}"


def test_colour_choices_cover_every_level(built_data):
    values = {o["value"] for o in colour_options(built_data, "en")}
    assert "risk" in values and "dim:vulnerability" in values
    assert {f"ind:{i}" for i in built_data["indicators"]["indicator_id"]} <= values
    assert is_known_choice(built_data, "cat:earthquake") and not is_known_choice(built_data, "ind:nothing")
    seismic = city_values(built_data, "ind:seismic_intensity_msk64")
    assert seismic["score"].between(0, 10).all() and seismic["value"].notna().all()
    risk = city_values(built_data, "risk")
    assert risk["status"].isin(["sourced", "estimated", "illustrative"]).all()


def test_map_page_recolours_and_opens_a_city_panel(dash_duo, dash_app, built_data):
    dash_duo.start_server(dash_app)
    dash_duo.driver.get(dash_duo.server_url + "/map?lang=en")
    dash_duo.wait_for_text_to_equal("#page-title", "Map of cities and hazards", timeout=15)
    n = len(built_data["cities"])
    until(lambda: len(dash_duo.find_elements(".leaflet-cities-pane path")) == n, timeout=10)
    until(lambda: len(dash_duo.find_elements("[class*='leaflet-outline-'] path")) > 20, timeout=10)
    assert dash_duo.find_element("#map-legend .legend-title").text == "Risk index"
    # The outlines fetched by URL are stacked in a fixed order, whichever arrives first.
    z = {
        name: int(dash_duo.find_element(f".leaflet-outline-{name}-pane").value_of_css_property("z-index"))
        for name in ("countries", "admin1", "rivers")
    }
    assert z["countries"] < z["admin1"] < z["rivers"], z
    fills_before = [p.get_attribute("fill") for p in dash_duo.find_elements(".leaflet-cities-pane path")]
    # Recolour by an indicator: the legend states its unit and years, the colours change.
    choose(dash_duo, "#map-colour-by", "Seismic intensity from zoning")
    dash_duo.wait_for_text_to_equal("#map-legend .legend-title", "Seismic intensity from zoning", timeout=10)
    assert "MSK-64" in dash_duo.find_element("#map-legend").text
    until(
        lambda: (
            [p.get_attribute("fill") for p in dash_duo.find_elements(".leaflet-cities-pane path")]
            != fills_before
        ),
        timeout=5,
    )
    assert (
        "by=ind%3Aseismic_intensity_msk64" in dash_duo.driver.current_url
        or "by=ind:seismic_intensity_msk64" in dash_duo.driver.current_url
    )
    # Click a city: its panel with key figures and a link to its profile.
    dash_duo.find_elements(".leaflet-cities-pane path")[0].click()
    dash_duo.wait_for_element("#map-profile-link")
    assert "/city/" in dash_duo.find_element("#map-profile-link").get_attribute("href")
    assert "Population" in dash_duo.find_element("#map-city-panel").text
    assert dash_duo.get_logs() == []


def test_map_deep_link_and_bad_parameters(dash_duo, dash_app):
    dash_duo.start_server(dash_app)
    dash_duo.driver.get(dash_duo.server_url + "/map?by=dim:vulnerability&layers=countries&lat=40&lon=70&z=6")
    dash_duo.wait_for_text_to_equal("#map-legend .legend-title", "Уязвимость", timeout=15)
    until(lambda: len(dash_duo.find_elements("[class*='leaflet-outline-'] path")) > 5, timeout=10)
    # Only the country layer is on: no river lines (rivers have the blue stroke).
    assert not [
        p
        for p in dash_duo.find_elements("[class*='leaflet-outline-'] path")
        if p.get_attribute("stroke") == "#1c7ed6"
    ]
    # The view from the link is kept: the address still holds the same centre and zoom.
    until(
        lambda: "z=6" in dash_duo.driver.current_url and "lat=40.000" in dash_duo.driver.current_url,
        timeout=5,
    )
    dash_duo.driver.get(dash_duo.server_url + "/map?by=ind:nothing&layers=moon&z=abc&lang=en")
    dash_duo.wait_for_element(".notice")
    text = dash_duo.find_element(".notice").text
    assert "no measure 'ind:nothing'" in text and "moon" in text and "zoom" in text
    dash_duo.wait_for_text_to_equal("#map-legend .legend-title", "Risk index", timeout=10)
    assert dash_duo.get_logs() == []


def test_language_switch_keeps_the_map_view(dash_duo, dash_app):
    dash_duo.start_server(dash_app)
    dash_duo.driver.get(dash_duo.server_url + "/map?lang=ru")
    dash_duo.wait_for_text_to_equal("#map-legend .legend-title", "Индекс риска", timeout=15)
    choose(dash_duo, "#map-colour-by", "Уязвимость")
    dash_duo.wait_for_text_to_equal("#map-legend .legend-title", "Уязвимость", timeout=10)
    dash_duo.find_element(".lang-link").click()
    dash_duo.wait_for_text_to_equal("#map-legend .legend-title", "Vulnerability", timeout=10)
    assert (
        "by=dim%3Avulnerability" in dash_duo.driver.current_url
        or "by=dim:vulnerability" in dash_duo.driver.current_url
    )
    assert dash_duo.get_logs() == []
