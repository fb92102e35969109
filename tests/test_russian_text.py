"""The Russian interface is in Russian: no Latin-script word on a rendered page except names, units
and codes on the allow list, and text the page itself marks as another language (lang="en", a
source's own title) or as code."""

from __future__ import annotations

import re
import time

from domain import exports as dx

# Names (organisations, data sets, programmes, software), codes and units that stay in Latin script in Russian.
ALLOWED = {
    "INFORM",
    "JRC",
    "IASC",
    "SSP",
    "SSP1",
    "SSP2",
    "SSP5",
    "CMIP6",
    "IPCC",
    "AR6",
    "MCR2030",
    "MCR",
    "UNDRR",
    "UNDP",
    "WHO",
    "UNICEF",
    "FAO",
    "UN",
    "OpenStreetMap",
    "Natural",
    "Earth",
    "Leaflet",
    "CSV",
    "XLSX",
    "PPTX",
    "PDF",
    "PNG",
    "JSON",
    "API",
    "ID",
    "USD",
    "US",
    "GeoJSON",
    "Parquet",
    "ThinkHazard",
    "NASA",
    "ERA5",
    "CRU",
    "WorldPop",
    "GDP",
    "HDI",
    "GHSL",
    "SFM",
    "MSK",
    "EMDAT",
    "EM",
    "DAT",
    "ISO",
    "Sendai",
    "Kaleido",
    "Plotly",
    "Dash",
    "Ctrl",
    "Esc",
    "PageDown",
    "PageUp",
    "Home",
    "End",
    "Space",
    "Tab",
    "CC",
    "BY",
    "SA",
    "ODbL",
    "WRI",
    "Aqueduct",
    "SPEI",
    "GPW",
    "RU",
    "EN",
    "PM",
    "Ms",
    "Transparency",
    "International",
    "OPHI",
    "ASI",
    "Risk",
    "Excel",
    "PowerPoint",
    "IIASA",
    "CMIP",
    "AR",
    "Shared",
    "Socioeconomic",
    "Pathways",
    "II",
    "UTC",
    "UTAA",
    "UAFO",
    "UCFO",
    "UTDD",
    "UTNN",
    "UACP",
    "ICAO",
    "IATA",
    "MW",
    "SHDI",
    "GDL",  # codes: building code SNiP II-7-81, ICAO airport codes
}
LATIN_WORD = re.compile(r"(?<![A-Za-z0-9_])[A-Za-z][A-Za-z0-9_'’]*[A-Za-z_]")
VISIBLE_TEXT = """
const skip = el => el.closest('[lang]:not([lang="ru"]), code, kbd, .leaflet-control-attribution, .source-title, .modebar, script, style, [aria-hidden="true"]');
const out = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
let node;
while ((node = walker.nextNode())) {
  const el = node.parentElement;
  if (!el || skip(el)) continue;
  const style = getComputedStyle(el);
  if (style.display === 'none' || style.visibility === 'hidden') continue;
  if (node.textContent.trim()) out.push(node.textContent);
}
return out.join('\\n');
"""


def latin_words(text: str) -> set[str]:
    """Latin-script words not on the allow list (URLs and e-mail addresses left out)."""
    text = re.sub(r"(https?://|www\.)\S+|\S+@\S+", " ", text)
    return {
        w
        for w in LATIN_WORD.findall(text)
        if w not in ALLOWED and w.rstrip("s") not in ALLOWED and not any(ch.isdigit() for ch in w)
    }  # codes: ids, hashes


def test_latin_words_are_only_names_units_and_codes():
    assert latin_words("Индекс INFORM, сценарий SSP2 и файл CSV") == set()
    assert latin_words("Filter… Contains") == {"Filter", "Contains"}
    assert latin_words("rule heat_hot_days") == {"rule", "heat_hot_days"}


def test_russian_pages_show_no_english(dash_duo, dash_app, built_data):
    city = built_data["cities"]["city_id"].iloc[0]
    deck = ",".join(r.token for r in dx.available_slides(built_data))
    pages = [
        "/",
        f"/city/{city}",
        "/map",
        "/outlook",
        "/actions",
        "/compare",
        "/trends",
        f"/present?slides={deck}",
    ]
    dash_duo.start_server(dash_app)
    found = {}
    for path in pages:
        sep = "&" if "?" in path else "?"
        dash_duo.driver.get(f"{dash_duo.server_url}{path}{sep}lang=ru")
        dash_duo.wait_for_element("#page-title", timeout=20)
        time.sleep(2.5)  # charts and callbacks fill in
        words = latin_words(dash_duo.driver.execute_script(VISIBLE_TEXT))
        if words:
            found[path.split("?")[0]] = sorted(words)
    assert not found, found


def test_phone_header_is_one_row_and_the_menu_button_opens_the_navigation(dash_duo, dash_app):
    """At 390x844 the page's title starts near the top (the navigation sits behind a menu button)."""
    dash_duo.start_server(dash_app)
    driver = dash_duo.driver
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True},
    )
    driver.get(dash_duo.server_url + "/?lang=ru")
    dash_duo.wait_for_element("#page-title", timeout=20)
    top = driver.execute_script("return document.getElementById('page-title').getBoundingClientRect().top")
    assert top < 844 * 0.15, top  # was 293 px with the navigation open on every page
    assert (
        driver.execute_script("return getComputedStyle(document.getElementById('main-nav')).display")
        == "none"
    )
    button = dash_duo.find_element("#menu-button")
    assert button.get_attribute("aria-expanded") == "false"
    button.click()
    assert button.get_attribute("aria-expanded") == "true"
    assert (
        driver.execute_script("return getComputedStyle(document.getElementById('main-nav')).display")
        != "none"
    )
    assert dash_duo.get_logs() == []
