"""The PDF brief's HTML (presentation/brief.py and its Jinja2 templates): every value escaped,
sources numbered in the order they are first cited, and the sentences for what a city lacks."""

from __future__ import annotations

import re
from datetime import date
from types import SimpleNamespace

import pytest
from markupsafe import escape

from domain import palette
from i18n import format_int, t
from presentation import brief

HEX = re.compile(r"#[0-9a-fA-F]{6}\b")
HOSTILE = "<script>alert(1)</script> & \"Co\" 'x'"


@pytest.fixture(scope="module")
def city(built_data) -> str:
    """The member city with the most indicator values (ties: first by id)."""
    counts = built_data["indicator_values"].groupby("city_id").size()
    return sorted(counts.index, key=lambda c: (-counts[c], c))[0]


@pytest.fixture()
def inputs(dash_app, city):
    """BriefInputs of `city` from the cached queries, with fixed dates and no chart pictures."""
    from services import data_access

    with dash_app.server.app_context():

        def make(lang: str, city_id: str = city, **extra) -> brief.BriefInputs:
            decomp, drivers = data_access.city_explained(city_id)
            return brief.BriefInputs(
                city_id=city_id,
                ranked=data_access.ranking(lang),
                decomp=decomp,
                drivers=drivers,
                build_id="abcdef1234",
                built_at="2026-01-01T00:00:00",
                today=date(2026, 1, 2),
                **extra,
            )

        yield make, data_access.outlook()


def tables_of(built_data) -> dict:
    """A private, changeable copy of the build's tables."""
    return {name: frame.copy() for name, frame in built_data.tables.items()}


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_every_value_is_escaped(built_data, city, inputs, lang):
    make, outlook = inputs
    tables = tables_of(built_data)
    cities = tables["cities"]
    cities.loc[cities["city_id"] == city, f"name_{lang}"] = HOSTILE
    source = cities.set_index("city_id").at[city, "population_source_id"]
    tables["sources"].loc[tables["sources"]["source_id"] == source, "publisher"] = HOSTILE
    html = brief.brief_html(tables, make(lang, outlook=outlook, outlook_reference=HOSTILE), lang)
    assert "<script>" not in html and "'x'" not in html
    assert str(escape(HOSTILE)) in html
    assert f"<h1>{escape(HOSTILE)}</h1>" in html
    assert re.search(r"<li>" + re.escape(str(escape(HOSTILE))), html), "the source list escapes too"
    assert 'counter(page) " / " counter(pages)' in html, "the style sheet is written as it is, not escaped"


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_sources_are_numbered_in_the_order_they_are_first_cited(built_data, inputs, lang):
    make, outlook = inputs
    html = brief.brief_html(built_data, make(lang, outlook=outlook), lang)
    body, listed = html.split('<ol class="sources">')
    sources = re.findall(r"<li>", listed.split("</ol>")[0])
    first_seen = list(dict.fromkeys(int(n) for n in re.findall(r"\[(\d+)\]", body)))
    assert len(sources) >= 3, "the city's facts alone cite population, area and elevation"
    assert first_seen == list(range(1, len(sources) + 1))


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_a_city_without_hazards_events_or_outlook_score_says_so(built_data, city, inputs, lang):
    make, outlook = inputs
    tables = tables_of(built_data)
    for name in ("hazards", "events", "losses"):
        tables[name] = tables[name][tables[name]["city_id"] != city]
    scopes = tables["event_figure_scopes"]
    tables["event_figure_scopes"] = scopes[scopes["event_id"].isin(tables["events"]["event_id"])]
    scores = outlook.scores[outlook.scores["city_id"] != city]
    html = brief.brief_html(
        tables, make(lang, outlook=SimpleNamespace(scores=scores, meta=outlook.meta)), lang
    )
    for key in ("profile.no_hazards", "profile.no_events", "outlook.no_score"):
        assert str(escape(t(key, lang))) in html, key
    assert f"<th>{escape(t('export.hazard', lang))}</th>" not in html and 'class="ol-value"' not in html


def test_only_the_first_events_are_listed_and_the_rest_counted(built_data, inputs):
    make, _ = inputs
    counts = built_data["events"].groupby("city_id").size()
    several = sorted(counts[counts >= 2].index)
    if not several:
        pytest.skip("no city has two past disasters in this build")
    lang = "en"
    html = brief.brief_html(built_data, make(lang, city_id=several[0], max_events=1), lang)
    section = html.split(f"<h2>{escape(t('profile.disasters', lang))}</h2>")[1].split("</table>")[0]
    assert section.count('<tr class="keep">') == 1
    more = t("export.more_events", lang, count=format_int(counts[several[0]] - 1, lang))
    assert str(escape(more)) in html


def test_the_style_sheet_takes_its_colours_from_the_palette():
    named = {
        value.lower()
        for name in dir(palette)
        if name.isupper()
        for value in (
            getattr(palette, name).values()
            if isinstance(getattr(palette, name), dict)
            else [getattr(palette, name)]
        )
        if isinstance(value, str)
    }
    used = {c.lower() for c in HEX.findall((brief.TEMPLATES / "brief.css").read_text(encoding="utf-8"))}
    assert used and used <= named, f"colours not in domain/palette.py: {sorted(used - named)}"
