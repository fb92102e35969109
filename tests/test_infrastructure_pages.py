"""Critical infrastructure in the browser: the map's facility and zone layers, the city page's section."""

from __future__ import annotations

import pytest
from dash.testing.wait import until
from selenium.common.exceptions import StaleElementReferenceException

from domain.infrastructure import city_summary
from domain.infrastructure_words import summary_sentences
from domain.queries import geo_layer


@pytest.fixture(scope="module")
def busiest_city(built_data):
    """The city with the most facilities in the register (whatever cities the data holds)."""
    return built_data["facilities"]["city_id"].value_counts().index[0]


@pytest.mark.parametrize(
    "lang,title", [("en", "Facilities and hazard zones"), ("ru", "Объекты и зоны опасности")]
)
def test_map_draws_facilities_and_zones_with_a_legend(dash_duo, dash_app, built_data, lang, title):
    dash_duo.start_server(dash_app)
    dash_duo.driver.get(dash_duo.server_url + f"/map?lang={lang}")
    dash_duo.wait_for_text_to_equal("#map-infra-legend .legend-title", title, timeout=15)
    zones = [f for f in geo_layer(built_data, "hazard_zones")["features"] if f["geometry"]]
    # Every zone polygon is drawn in its own pane, above the outlines.
    until(
        lambda: len(dash_duo.find_elements(".leaflet-infra-hazard_zones-pane path")) == len(zones), timeout=10
    )

    # Facilities: clustered at the coalition's zoom; each cluster counts its facilities.
    def drawn() -> int:
        try:
            clustered = sum(
                int(e.text)
                for e in dash_duo.find_elements(".leaflet-infra-facilities-pane .facility-cluster")
            )
            return clustered + len(dash_duo.find_elements(".leaflet-infra-facilities-pane path"))
        except (StaleElementReferenceException, ValueError):  # redrawn while being read
            return -1

    until(lambda: drawn() == len(built_data["facilities"]), timeout=10)
    # Turning the zone layer off removes the polygons and keeps the facilities and their legend.
    dash_duo.find_element("input[value='hazard_zones']").click()
    until(lambda: not dash_duo.find_elements(".leaflet-infra-hazard_zones-pane path"), timeout=10)
    assert dash_duo.find_element("#map-infra-legend .legend-title").text == title
    dash_duo.find_element("input[value='facilities']").click()
    until(lambda: dash_duo.find_element("#map-infra-legend").text == "", timeout=10)
    assert dash_duo.get_logs() == []


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_city_page_has_the_register_and_its_summary(dash_duo, dash_app, built_data, busiest_city, lang):
    dash_duo.start_server(dash_app)
    dash_duo.driver.get(dash_duo.server_url + f"/city/{busiest_city}?lang={lang}")
    dash_duo.wait_for_element("#city-infrastructure", timeout=15)
    section = dash_duo.find_element("#city-infrastructure")
    facilities = built_data["facilities"]
    own = facilities[facilities["city_id"] == busiest_city]
    rows = section.find_elements("css selector", "tbody tr")
    assert len(rows) == len(own)
    names = {r.find_element("css selector", "th").text for r in rows}
    assert names == set(own[f"name_{lang}"])
    summary = city_summary(
        facilities, built_data["facility_exposure"], built_data["hazard_zones"], busiest_city
    )
    shown = [li.text for li in section.find_elements("css selector", ".infra-summary li")]
    assert shown == summary_sentences(summary, lang)
    assert dash_duo.get_logs() == []
