"""Critical infrastructure in the deck and the PDF brief: the same sentences as the city page."""

from __future__ import annotations

import pytest
from markupsafe import escape

from domain import exports as dx
from domain.infrastructure import city_summary
from domain.infrastructure_words import summary_sentences
from presentation import brief
from presentation import exports as se


@pytest.fixture(scope="module")
def busiest_city(built_data):
    return built_data["facilities"]["city_id"].value_counts().index[0]


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_slide_says_what_the_city_page_says(built_data, busiest_city, lang):
    slide = dx.infrastructure_slide(built_data, busiest_city, lang)
    summary = city_summary(
        built_data["facilities"], built_data["facility_exposure"], built_data["hazard_zones"], busiest_city
    )
    assert slide.points == summary_sentences(summary, lang)
    own = built_data["facilities"][built_data["facilities"]["city_id"] == busiest_city]
    assert slide.numbers[0][0] == str(len(own))
    assert all(any(name in d for d in slide.details) for name in own[f"name_{lang}"])
    assert len(slide.sources) >= own["source_id"].nunique()
    assert slide.path.startswith(f"/city/{busiest_city}")


def test_deck_accepts_infrastructure_slides_of_known_cities_only(built_data, busiest_city):
    refs, bad = dx.parse_slides(f"infrastructure:{busiest_city},infrastructure:atlantis", built_data)
    assert [r.token for r in refs] == [f"infrastructure:{busiest_city}"] and bad == [
        "infrastructure:atlantis"
    ]
    assert dx.SlideRef("infrastructure", busiest_city) in dx.optional_slides(built_data)


def test_slide_chart_counts_every_facility(built_data, busiest_city):
    slide, figure = se.build_slide(dx.SlideRef("infrastructure", busiest_city), "en")
    own = built_data["facilities"][built_data["facilities"]["city_id"] == busiest_city]
    assert sum(sum(trace.x) for trace in figure.data) == len(own)
    assert slide.title.endswith("critical infrastructure in hazard zones")


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_brief_section_lists_the_register_with_citations(built_data, busiest_city, lang):
    cited: list[str] = []

    def cite(source_id):
        cited.append(source_id)
        return f"[{len(cited)}]"

    html = brief.render(
        "_infrastructure.html.j2",
        infrastructure=brief.infrastructure_view(built_data, busiest_city, lang, cite),
    )
    own = built_data["facilities"][built_data["facilities"]["city_id"] == busiest_city]
    summary = city_summary(
        built_data["facilities"], built_data["facility_exposure"], built_data["hazard_zones"], busiest_city
    )
    for sentence in summary_sentences(summary, lang):
        assert escape(sentence) in html
    for name in own[f"name_{lang}"]:
        assert escape(name) in html
    assert set(own["source_id"]) <= set(cited)
