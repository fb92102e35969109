"""A city that joins later appears on /compare and /city/<id> by adding its rows to the data.

The test copies data/src, adds a sixth city (its row, a few indicator values, a hazard, an event
and a new source), rebuilds, and finds the city in the domain queries both pages use and in the
pages' own rendering helpers, which take the data as an argument. (The pages' `layout` reads the
app's configured build, which cannot be repointed inside one test process.)
"""

from __future__ import annotations

import csv
import json
import os
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from domain import compare
from domain.build import build
from domain.queries import load_build

NEW = {
    "city_id": "fixture-city",
    "name_ru": "Тестоград",
    "name_en": "Testgrad",
    "country_iso3": "TST",
    "country_ru": "Тестовая Республика",
    "country_en": "Test Republic",
    "admin1_ru": "Тестовая область",
    "admin1_en": "Test Region",
    "lat": "41.0",
    "lon": "70.0",
    "elevation_m": "500",
    "area_km2": "120",
    "population": "400000",
    "population_year": "2024",
    "member_since": "2027-03-01",
    "population_source_id": "fixture-source-2026",
    "area_source_id": "fixture-source-2026",
    "elevation_source_id": "fixture-source-2026",
    "notes_en": "Test fixture, not a real city.",
}
VALUES = [  # indicator, value: enough for every dimension to have a score
    ("seismic_intensity_msk64", 9),
    ("hazard_level_earthquake", 3),
    ("pm25_exposure", 30),
    ("city_population", 400000),
    ("hdi", 0.62),
    ("under5_mortality", 40),
    ("govt_effectiveness", -0.9),
    ("access_electricity", 97),
    ("hospital_beds_per_1000", 3.5),
]


def append_rows(path: Path, rows: list[dict]) -> None:
    """Append rows under the file's own header (columns not given stay empty)."""
    with path.open(encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
    with path.open("a", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header, lineterminator="\n")
        for row in rows:
            writer.writerow({k: row.get(k, "") for k in header})


@pytest.fixture(scope="module")
def grown(tmp_path_factory) -> tuple:
    """The repo's data plus a sixth city, built into a temporary folder: (new build, old build)."""
    src = tmp_path_factory.mktemp("grown") / "src"
    shutil.copytree(Path(__file__).resolve().parents[1] / "data" / "src", src)
    append_rows(
        src / "sources.csv",
        [
            {
                "source_id": "fixture-source-2026",
                "title": "Test fixture for a new member",
                "publisher": "Fixture",
                "year": "2026",
                "accessed": "2026-11",
                "kind": "institutional",
            }
        ],
    )
    append_rows(src / "cities.csv", [NEW])
    append_rows(
        src / "indicator_values.csv",
        [
            {
                "city_id": NEW["city_id"],
                "indicator_id": i,
                "year": "2024",
                "value": str(v),
                "status": "illustrative",
                "source_id": "fixture-source-2026",
                "value_scope": "city",
                "note": "test fixture",
            }
            for i, v in VALUES
        ],
    )
    append_rows(
        src / "hazards.csv",
        [
            {
                "city_id": NEW["city_id"],
                "hazard_type": "earthquake",
                "level": "high",
                "level_basis": "fixture",
                "evidence_ru": "Тестовое свидетельство.",
                "evidence_en": "Test evidence.",
                "status": "illustrative",
                "source_id": "fixture-source-2026",
                "basis_metric": "msk64_zoning_intensity",
                "basis_value": "9",
                "basis_year": "2024",
                "basis_scope": "city",
                "basis_source_id": "fixture-source-2026",
            }
        ],
    )
    append_rows(
        src / "events.csv",
        [
            {
                "event_id": "fixture-city-2020-earthquake",
                "city_id": NEW["city_id"],
                "start_date": "2020-05-01",
                "hazard_type": "earthquake",
                "title_ru": "Тестовое землетрясение",
                "title_en": "Test earthquake",
                "deaths": "3",
                "description_ru": "Описание.",
                "description_en": "Description.",
                "context": "city",
                "status": "illustrative",
                "source_id": "fixture-source-2026",
            }
        ],
    )
    out = src.parent / "data" / "build"
    manifest = build(src, out)
    assert manifest["cities"] == 6
    return load_build(out), load_build(Path(os.environ["DATA_BUILD_DIR"]))


def test_new_city_is_compared_on_every_level(grown):
    data, _ = grown
    result = compare.index_for(data)
    risk = compare.compare_table(data, None, "risk", result=result)
    assert NEW["city_id"] in risk["city_id"].tolist() and len(risk) == 6
    row = risk.set_index("city_id").loc[NEW["city_id"]]
    assert 0 < row["score"] <= 10 and row["indicators_present"] == len(VALUES)
    hdi = compare.compare_table(data, None, "indicator", "hdi", result=result).set_index("city_id")
    assert hdi.loc[NEW["city_id"], "value"] == pytest.approx(0.62)
    assert hdi.loc[NEW["city_id"], "status"] == "illustrative"
    heat = compare.heatmap_matrix(data, result, None, compare.indicators_under(data, "risk", None))
    assert NEW["city_id"] in heat["score"].index
    shares = compare.rank_shares(data, result, None, draws=500)
    assert shares.shape == (6, 6) and np.allclose(shares.sum(axis=1), 1.0)


def test_adding_a_city_does_not_move_the_others(grown):
    data, before = grown
    old = compare.compare_table(before, None, "risk").set_index("city_id")["score"]
    new = compare.compare_table(data, None, "risk").set_index("city_id")["score"].reindex(old.index)
    pd.testing.assert_series_equal(old, new)  # fixed scaling bounds: scores do not depend on peers


def test_new_city_is_decomposed_and_explained(grown):
    data, _ = grown
    dec = compare.city_decomposition(data, NEW["city_id"])
    rows = dec.set_index("id")
    assert rows.loc["earthquake", "score"] == pytest.approx(
        np.mean([8.0, 10.0])
    )  # MSK 9 on 5-10, level 3 of 3
    assert rows.loc["hdi", "status"] == "illustrative" and rows.loc["risk", "n"] == 6
    drivers = compare.strongest_drivers(data, NEW["city_id"])
    assert (drivers["push"] > 0).all()


def test_pages_render_the_new_city(grown, dash_app):
    from dash import html

    from components.page import PageContext
    from domain import page_state
    from pages import city as city_page
    from pages import compare as compare_page

    data, _ = grown
    parsed = page_state.parse(compare_page.CompareState, {"cities": f"{NEW['city_id']},osh-not-a-city"}, data)
    state, rejected = parsed.state, parsed.rejected
    assert state.cities == [NEW["city_id"]] and rejected == [("cities", "osh-not-a-city")]
    nm = compare_page.names(data, "en")
    result = compare.index_for(data)
    table = compare.compare_table(data, None, "risk", result=result)
    full = compare_page.CompareState(cities=data["cities"]["city_id"].tolist())
    fig = compare_page.bar_figure(table, full, nm, data, "en")
    assert "Testgrad" in list(fig["data"][0]["y"])
    top = nm.cities[table["city_id"].iloc[0]]
    assert compare_page.summary_sentence(table, full, nm, data, "en").startswith(
        f"Risk index: {top} ranks highest"
    )
    rows = compare.indicator_rows(data, result, None, compare.indicators_under(data, "risk", None))
    grid = compare_page.grid_rows(rows, nm, data, "en")
    assert any(r["city"] == "Testgrad" and r["status"] == "illustrative" for r in grid)
    assert "illustrative" in json.dumps([str(c) for c in compare_page.provenance_note(rows, "en")])

    city = data["cities"].set_index("city_id", drop=False).loc[NEW["city_id"]]
    sources = data["sources"].set_index("source_id").to_dict("index")
    facts = str(city_page.key_facts(city, sources, "ru"))
    assert "400" in facts and "Fixture" in facts
    hazards = city_page.hazard_profile(NEW["city_id"], data, sources, "en")
    assert "Test evidence." in str(hazards)
    timeline = city_page.disasters_section(NEW["city_id"], data, sources, "en")
    assert "Test earthquake" in str(timeline)
    dec = compare.city_decomposition(data, NEW["city_id"])
    drivers = compare.strongest_drivers(data, NEW["city_id"])
    names = {
        "category": dict(zip(data["categories"]["category_id"], data["categories"]["name_en"])),
        "indicator": dict(zip(data["indicators"]["indicator_id"], data["indicators"]["name_en"])),
        "dimension": {},
    }
    assert city_page.drivers_sentence("Testgrad", dec, drivers, names, "en").startswith(
        "Testgrad's risk index is"
    )
    # no climate series and no action plan yet: the panel says so, the plan summary is left out
    assert "not in the dashboard yet" in str(city_page.climate_section(NEW["city_id"], data, sources, "en"))
    assert city_page.actions_section(NEW["city_id"], data, "en") is None
    missing = city_page.unknown_city("nowhere", PageContext("en", {}), data)
    assert isinstance(missing, html.Div) and "/city/fixture-city?lang=en" in str(missing)


# --- every page in the browser, with the sixth city that has only part of its data -----------------

PAGES = [  # (path, query): every page of the app, pointed at the new city where the page takes one
    ("/", ""),
    ("/compare", "cities={city}"),
    ("/city/{city}", ""),
    ("/map", ""),
    ("/trends", "cities={city}"),
    ("/trends", "city={city}"),
    ("/outlook", "cities={city}"),
    ("/actions", "cities={city}"),
    ("/data", ""),
    ("/data", "tab=changes"),
    ("/glossary", ""),
    ("/present", ""),
    ("/login", ""),
    ("/admin", ""),
]
NAMED = {
    "/",
    "/compare",
    "/city/{city}",
    "/map",
    "/trends",
    "/outlook",
    "/actions",
}  # pages that must name the city


@pytest.fixture(scope="module")
def grown_server(grown, tmp_path_factory):
    """The app in its own process, serving the grown build (its own database and caches)."""
    import subprocess
    import sys
    import urllib.request

    from tests.servers import free_port, wait_for

    data, _ = grown
    folder = tmp_path_factory.mktemp("grown-server")
    port = free_port()
    env = {
        **os.environ,
        "DATA_BUILD_DIR": str(data.path),
        "DATABASE_URL": f"sqlite:///{folder / 'app.db'}",
        "CACHE_DIR": str(folder / "cache"),
        "BACKGROUND_CACHE_DIR": str(folder / "bg"),
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "ENABLE_TILES": "0",
    }
    root = Path(__file__).resolve().parents[1]
    with open(folder / "server.log", "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "app.py"], cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=log
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_for(
                lambda: urllib.request.urlopen(url + "/login", timeout=2).status == 200, 90, "app server"
            )
            yield url
        finally:
            proc.terminate()
            proc.wait(10)


def test_every_page_renders_with_a_city_that_has_part_of_its_data(grown_server, grown):
    """No blank page, no error, no console error; the city is named where a page shows cities, and
    where it has no figures the page says so instead of showing a zero."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.common.by import By

    from tests.servers import wait_for

    data, _ = grown
    options = Options()
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--window-size=1366,900",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options)
    rendered = []
    try:
        for path, query in PAGES:
            address = f"{grown_server}{path.format(city=NEW['city_id'])}?lang=en&{query.format(city=NEW['city_id'])}"
            driver.get(address)
            title = wait_for(lambda: driver.find_element(By.ID, "page-title").text.strip(), 30, address)
            text = driver.find_element(By.TAG_NAME, "body").text
            assert title and "Traceback" not in text and "Error" not in title, address
            if path in NAMED:
                wait_for(lambda: NEW["name_en"] in driver.find_element(By.TAG_NAME, "body").text, 15, address)
            severe = [
                e
                for e in driver.get_log("browser")
                if e["level"] == "SEVERE" and "favicon" not in e["message"]
            ]
            assert severe == [], (address, severe[:3])
            rendered.append(address)
        # where the city has no values: said in words, never a zero
        driver.get(f"{grown_server}/outlook?lang=en&cities={NEW['city_id']}")
        wait_for(
            lambda: "No climate series" in driver.find_element(By.TAG_NAME, "body").text,
            30,
            "outlook says so",
        )
        driver.get(f"{grown_server}/trends?lang=en&cities={NEW['city_id']}")
        wait_for(
            lambda: (
                "No climate series in the dashboard yet for: Testgrad"
                in driver.find_element(By.TAG_NAME, "body").text
            ),
            30,
            "trends says so",
        )
        driver.get(f"{grown_server}/actions?lang=en")
        wait_for(
            lambda: (
                "No action plan in the dashboard yet for:" in driver.find_element(By.TAG_NAME, "body").text
            ),
            30,
            "actions says so",
        )
    finally:
        driver.quit()
    assert len(rendered) == len(PAGES)
