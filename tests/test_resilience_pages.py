"""The scorecard and loss pages: views built from fixture rounds (derived from the data), a new
city with no assessment and no losses rendering cleanly, the deck slide and the brief section, and
both pages in headless Chromium in Russian and English with a clean console."""

from __future__ import annotations

import csv
import json

import pytest
from dash import dcc

from domain import exports as dx
from domain import losses as ls
from domain.build import build
from domain.queries import load_build
from presentation import brief
from tests.resilience_fixtures import FIXTURE_SOURCE, add_fixture_rounds, append_rows

NEW_CITY = "fixture-empty-city"


def _find(component, predicate) -> list:
    """Every component in a layout tree that matches."""
    found = [component] if predicate(component) else []
    children = getattr(component, "children", None)
    if isinstance(children, (list, tuple)):
        for child in children:
            found += _find(child, predicate)
    elif children is not None and hasattr(children, "to_plotly_json"):
        found += _find(children, predicate)
    return found


def _text(component) -> str:
    return json.dumps(
        component.to_plotly_json() if hasattr(component, "to_plotly_json") else component,
        default=lambda o: o.to_plotly_json() if hasattr(o, "to_plotly_json") else str(o),
        ensure_ascii=False,
    )


@pytest.fixture(scope="module")
def fixture_build(tmp_path_factory, built_data):
    """The repo's tables plus fixture scorecard rounds for two cities and a new city with nothing."""
    import shutil

    from tests.conftest import SRC

    root = tmp_path_factory.mktemp("resilience")
    src = root / "src"
    shutil.copytree(SRC, src)
    cities = list(built_data["cities"]["city_id"])
    rounds = add_fixture_rounds(src, cities, built_data["scorecard_questions"])
    with (src / "cities.csv").open(encoding="utf-8") as f:
        template = next(csv.DictReader(f))
    append_rows(
        src / "cities.csv",
        [
            {
                **template,
                "city_id": NEW_CITY,
                "name_ru": "Пустоград",
                "name_en": "Emptyville",
                "population": "100000",
                "population_source_id": FIXTURE_SOURCE,
                "area_source_id": FIXTURE_SOURCE,
                "elevation_source_id": FIXTURE_SOURCE,
            }
        ],
    )
    out = root / "data" / "build"
    build(src, out)
    return load_build(out), cities, rounds


def test_scorecard_views_from_fixture_rounds(fixture_build, dash_app):
    from pages import scorecard as page

    data, cities, rounds = fixture_build
    all_ids = list(data["cities"]["city_id"])
    names = dict(zip(data["cities"]["city_id"], data["cities"]["name_en"]))
    view = page.scorecard_view(data, data["actions"], all_ids, names, "en")
    graphs = [g for section in view for g in _find(section, lambda c: isinstance(c, dcc.Graph))]
    heatmap = graphs[0].figure
    z = heatmap.data[1].z  # essentials x cities
    assert len(z) == 10 and all(len(row) == len(all_ids) for row in z)
    assessed = {all_ids.index(c) for c in cities[:2]}
    for j in range(len(all_ids)):
        column = [row[j] for row in z]
        if j in assessed:
            assert all(v == v for v in column)  # a score in every essential
        else:
            assert all(v != v for v in column)  # NaN: grey, "—", never 0
            assert {row[j] for row in heatmap.data[2].text} == {"—"}
    text = _text(view)
    assert "Not assessed" in text and "Weakest questions" in text and "Demonstration data" not in text
    first = _find(view[2], lambda c: getattr(c, "id", None) == f"scorecard-city-{cities[0]}")
    assert first and "Previous round" in _text(view)  # two rounds: a change table
    second = _text(_find(view[3], lambda c: True)[0])
    assert "Needs two rounds with published scores." in second
    assert "Gaps without a plan" in text


def test_a_city_with_no_assessment_and_no_losses_renders_cleanly(fixture_build, dash_app):
    from pages import losses as loss_page
    from pages import scorecard as page

    data, _, _ = fixture_build
    names = dict(zip(data["cities"]["city_id"], data["cities"]["name_en"]))
    view = page.scorecard_view(data, data["actions"], [NEW_CITY], names, "en")
    text = _text(view)
    assert "Emptyville has no published self-assessment round" in text
    assert "No city has published scores yet" in text  # only this city chosen: nothing to compare
    losses = loss_page.losses_view(data, [NEW_CITY], names, "en")
    text = _text(losses)
    assert "no recorded events" in text and "Emptyville has no loss figure for the city itself yet." in text
    assert "0.00" not in text and "no data" in text  # the chart says there is no data
    for lang in ("ru", "en"):
        slide = dx.resilience_slide(data, NEW_CITY, lang)
        assert len(slide.points) == 2 and slide.sources == []
        said = brief.resilience_view(data, NEW_CITY, lang)
        assert said["losses"]["text"] and said["scorecard"]["text"]  # both paragraphs say something


def test_deck_offers_the_slide_and_the_brief_cites_its_sources(built_data):
    refs = dx.optional_slides(built_data)
    cities = set(built_data["cities"]["city_id"])
    assert {r.arg for r in refs if r.kind == "resilience"} == cities
    parsed, rejected = dx.parse_slides("resilience:" + next(iter(cities)) + ",resilience:nowhere", built_data)
    assert [r.kind for r in parsed] == ["resilience"] and rejected
    from domain import losses as ls

    records = ls.loss_records(built_data["events"], built_data["event_figure_scopes"], built_data["losses"])
    with_figures = records.loc[records["scope"] == "city", "city_id"].unique()
    for city in with_figures:
        said = brief.resilience_view(built_data, city, "ru")
        mine = records[(records["city_id"] == city) & (records["scope"] == "city")]
        assert set(mine["source_id"]) <= set(said["losses"]["sources"])


def test_both_pages_in_the_browser_in_both_languages(dash_duo, dash_app, built_data):
    titles = {
        "ru": ("Оценка устойчивости городов", "Мониторинг потерь по Сендайской рамке"),
        "en": ("Resilience scorecard", "Sendai loss monitor"),
    }
    dash_duo.start_server(dash_app)
    cities = list(built_data["cities"]["city_id"])
    for lang in ("ru", "en"):
        dash_duo.driver.get(f"{dash_duo.server_url}/scorecard?lang={lang}")
        dash_duo.wait_for_text_to_equal("#page-title", titles[lang][0], timeout=20)
        assert len(dash_duo.find_elements("#scorecard-status tbody tr")) == len(cities)
        assert len(dash_duo.find_elements(".sc-city")) == len(cities)
        dash_duo.driver.get(f"{dash_duo.server_url}/losses?lang={lang}")
        dash_duo.wait_for_text_to_equal("#page-title", titles[lang][1], timeout=20)
        assert len(dash_duo.find_elements(".losses-city")) == len(cities)
        dash_duo.wait_for_element("#losses-chart .main-svg")
    # the city page's timeline links each event to its losses (English kept)
    dash_duo.driver.get(f"{dash_duo.server_url}/city/{cities[-1]}?lang=en")
    dash_duo.wait_for_element(".tl-losses a", timeout=20)
    link = dash_duo.find_element(".tl-losses a")
    href = link.get_attribute("href")
    assert f"/losses?cities={cities[-1]}&lang=en#loss-" in href
    link.click()
    dash_duo.wait_for_text_to_equal("#page-title", titles["en"][1], timeout=20)
    assert len(dash_duo.find_elements(".losses-city")) == 1
    dash_duo.wait_for_element(f"#loss-{href.split('#loss-')[1]}")
    dash_duo.wait_for_element("tr.loss-target")  # scrolled to and marked
    assert dash_duo.get_logs() == []


def test_overview_lines_count_cities_with_plural_forms(fixture_build, built_data, dash_app):
    from components.resilience_lines import losses_line, scorecard_line
    from domain import scorecard as sc

    total = len(built_data["cities"])
    assert scorecard_line(built_data, "en") == (
        f"Resilience scorecard: no city has published scores ({total} cities not assessed)."
    )
    data, _, _ = fixture_build
    matrix = sc.essential_matrix(
        list(data["cities"]["city_id"]),
        data["scorecard_rounds"],
        data["scorecard_scores"],
        data["scorecard_questions"],
    )
    weakest = sc.summary(matrix).weakest_essential
    line = scorecard_line(data, "ru")
    assert line.startswith(
        f"Оценка устойчивости: оценку провели 2 города из {total + 1}; самый слабый принцип: {weakest}."
    )
    assert "2 of" in scorecard_line(data, "en") and "cities assessed" in scorecard_line(data, "en")
    records = ls.loss_records(built_data["events"], built_data["event_figure_scopes"], built_data["losses"])
    assert "region or country totals kept apart" in losses_line(built_data, records, "en")
