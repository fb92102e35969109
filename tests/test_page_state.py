"""Page state in the address (domain/page_state.py, components/page_state.py): one declared model
per page gives the parser, the notices, the controls' state and the canonical address.

The mechanism is tested on a small model of its own; every page's model is then fuzzed (any query
string parses without raising, and its canonical address reads back as the same state, with
nothing rejected); and in the browser, a changed control survives a reload on every page that
keeps state. Expected values come from the build, never from city names.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from urllib.parse import parse_qs, urlparse

import pytest
from dash.testing.wait import until
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from components.action_views import status_name
from components.page_state import rejected_notices
from domain import page_state
from tests.dmc_helpers import choose, click_segment, segment_value

COLOURS = ("red", "green", "blue")
SHAPES = ("round", "square")


def _sizes(context, chosen) -> tuple[str, ...]:
    """Options that depend on a field declared before (like /compare's items of a level)."""
    return ("s", "m") if chosen["shape"] == "round" else ("l",)


def _first_size(context, chosen) -> str:
    return _sizes(context, chosen)[0]


@dataclass
class Toy:
    colours: list[str] = page_state.many("colours", COLOURS, COLOURS, aliases=("colour",), keep_order=True)
    shape: str = page_state.one("shape", SHAPES, "round")
    size: str = page_state.one("size", _sizes, _first_size)
    zoom: float | None = page_state.number("z", 1, 18, digits=2)
    picks: list[int] = page_state.many("picks", ("1", "2", "3"), (), empty_ok=False, convert=int)


def parse(query: dict):
    return page_state.parse(Toy, query)


def test_no_query_gives_the_defaults_and_an_empty_canonical_query():
    parsed = parse({})
    assert parsed.state == Toy(colours=list(COLOURS), shape="round", size="s", zoom=None, picks=[])
    assert parsed.rejected == [] and parsed.unknown == []
    assert page_state.query_of(parsed.state) == {}


def test_values_round_trip_in_declared_order_without_defaults():
    parsed = parse({"z": "6.5", "size": "m", "shape": "round", "colours": "blue,red", "lang": "en"})
    state = parsed.state
    assert (
        state.colours == ["blue", "red"]
        and state.shape == "round"
        and state.size == "m"
        and state.zoom == 6.5
    )
    assert parsed.rejected == [] and parsed.unknown == []  # `lang` belongs to the shell
    query = page_state.query_of(state)
    assert list(query) == ["colours", "size", "z"]  # declared order; the default shape left out
    assert query == {"colours": "blue,red", "size": "m", "z": "6.5"}
    assert parse(query).state == state


def test_bad_values_fall_back_and_are_reported_unknown_names_listed():
    parsed = parse(
        {"colours": "red,purple", "shape": "hexagon", "size": "xl", "z": "99", "picks": "7", "foo": "1"}
    )
    state = parsed.state
    assert state.colours == ["red"] and state.shape == "round" and state.size == "s" and state.zoom is None
    assert state.picks == []
    assert parsed.rejected == [
        ("colours", "purple"),
        ("shape", "hexagon"),
        ("size", "xl"),
        ("z", "99"),
        ("picks", "7"),
    ]
    assert parsed.unknown == ["foo"]
    # the notices name what was asked for, in the user's language
    for lang, word in (("ru", "Значение"), ("en", "The address value")):
        notices = rejected_notices(parsed, lang)
        assert len(notices) == 5 and all(word in n for n in notices)
        assert any("hexagon" in n for n in notices) and any("purple" in n for n in notices)


def test_a_field_depends_on_the_fields_before_it():
    assert parse({"shape": "square"}).state.size == "l"  # the first option of the shape
    parsed = parse({"shape": "square", "size": "s"})  # `s` is only for round shapes
    assert parsed.state.size == "l" and parsed.rejected == [("size", "s")]


def test_lists_empty_and_older_names():
    assert parse({"colours": ""}).state.colours == [] and parse({"colours": ""}).rejected == []
    assert page_state.query_of(parse({"colours": ""}).state) == {
        "colours": ""
    }  # none chosen is not the default
    empty = parse({"picks": ""})  # picks may not be empty
    assert empty.state.picks == [] and empty.rejected == [("picks", "")]
    assert parse({"picks": "3,1,3"}).state.picks == [1, 3]  # options' order, no repeats, converted
    old = parse({"colour": "green"})  # an older name is read ...
    assert old.state.colours == ["green"] and old.rejected == [] and old.unknown == []
    assert page_state.query_of(old.state) == {"colours": "green"}  # ... and written under the current one


def test_controls_go_through_the_same_parser():
    state = page_state.from_controls(
        Toy, {"colours": ["green", "nope"], "shape": "square", "size": "s", "zoom": 3.14159, "picks": None}
    )
    assert state.colours == ["green"] and state.shape == "square" and state.size == "l"
    assert state.zoom == 3.14 and state.picks == []
    assert page_state.from_controls(Toy, {"colours": None}).colours == []  # a cleared multi-select


HOSTILE = st.sampled_from(
    [
        "",
        " ",
        ",",
        ",,",
        "0",
        "-1",
        "1e309",
        "NaN",
        "nan",
        "inf",
        "%",
        "<script>",
        "' OR 1=1",
        "ДУШАНБЕ",
        "😀" * 5,
        "A" * 300,
        "\x00",
        "1,2,3",
        "risk",
        "ssp245",
        "2050",
        "table",
    ]
)
TEXT = st.one_of(HOSTILE, st.text(max_size=40))
FUZZ = settings(
    max_examples=40,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@given(
    query=st.dictionaries(st.sampled_from(["colours", "colour", "shape", "size", "z", "picks", "x"]), TEXT)
)
@FUZZ
def test_the_toy_parser_never_raises_and_its_canonical_query_is_stable(query):
    state = parse(query).state
    canonical = page_state.query_of(state)
    again = parse(canonical)
    assert again.state == state and again.rejected == [] and again.unknown == []


# --- every page's model ------------------------------------------------------------------------------

PAGES = {
    "compare": "CompareState",
    "trends": "TrendState",
    "outlook": "OutlookState",
    "actions": "ActionsState",
    "map": "MapState",
}


def known_values(data) -> dict[str, list[str]]:
    """Good values for the pages' parameters, from the build (no city named here)."""
    cities = data["cities"]["city_id"].tolist()
    return {
        "cities": [cities[0], ",".join(cities[::-1]), ",".join(cities[:2])],
        "city": cities[-1:],
        "level": ["dimension", "category", "indicator"],
        "item": data["indicators"]["indicator_id"].tolist()[:3],
        "scale": ["raw", "per_capita"],
        "view": ["table", "change", "heatmap"],
        "spread": ["wide"],
        "w_vulnerability": ["2", "0"],
        "var": ["precip", "frost_days"],
        "scen": ["ssp126,ssp585"],
        "base": ["2001-2020"],
        "mode": ["change"],
        "h": ["2030", "2080"],
        "warm": ["1.5", "0.50"],
        "pop": ["2"],
        "status": ["delayed,planned"],
        "hazard": ["flood"],
        "essential": ["1,3"],
        "action": data["actions"]["action_id"].tolist()[:2],
        "by": ["dim:vulnerability", "ind:nothing"],
        "layers": ["countries,rivers", ""],
        "tiles": ["osm"],
        "lat": ["40", "91"],
        "lon": ["70.1234"],
        "z": ["6", "abc"],
    }


@pytest.fixture(scope="module")
def models(dash_app):
    return {name: getattr(sys.modules[f"pages.{name}"], cls) for name, cls in PAGES.items()}


def queries(data):
    """Query strings mixing good values, hostile text and unknown names."""
    pairs = [
        st.tuples(st.just(k), st.one_of(st.sampled_from(v), TEXT)) for k, v in known_values(data).items()
    ]
    noise = st.tuples(st.sampled_from(["foo", "lang", "w_nothing"]), TEXT)
    return st.lists(st.one_of(*pairs, noise), max_size=8).map(dict)


@pytest.mark.parametrize("page", sorted(PAGES))
def test_every_page_model_parses_any_query_and_reads_its_own_address_back(page, models, dash_app, built_data):
    model = models[page]

    @given(query=queries(built_data))
    @FUZZ
    def check(query):
        with dash_app.server.test_request_context("/"):
            parsed = page_state.parse(model, query, built_data)
            for lang in ("ru", "en"):
                assert all(isinstance(n, str) and n for n in rejected_notices(parsed, lang))
            canonical = page_state.query_of(parsed.state, built_data)
            again = page_state.parse(model, canonical, built_data)
        assert again.state == parsed.state, (query, canonical)
        assert again.rejected == [] and again.unknown == [], (query, canonical)
        assert page_state.query_of(again.state, built_data) == canonical

    check()


def test_outlook_and_actions_write_cities_and_read_the_older_city(models, dash_app, built_data):
    city = built_data["cities"]["city_id"].tolist()[-1]
    with dash_app.server.test_request_context("/"):
        for page in ("outlook", "actions"):
            parsed = page_state.parse(models[page], {"city": city}, built_data)
            assert parsed.rejected == [] and parsed.unknown == []
            assert page_state.query_of(parsed.state, built_data)["cities"] == city, page


# --- in the browser: a changed control survives a reload ------------------------------------------------


def address(dash_duo) -> dict[str, list[str]]:
    return parse_qs(urlparse(dash_duo.driver.current_url).query, keep_blank_values=True)


def reload_and_wait(dash_duo) -> None:
    before = dash_duo.driver.current_url
    dash_duo.driver.refresh()
    dash_duo.wait_for_element("#page-title", timeout=20)
    assert dash_duo.driver.current_url == before


SEGMENTS = [
    ("/compare", "compare-view", "radar", "view"),
    ("/trends", "trends-mode", "change", "mode"),
    ("/outlook", "outlook-horizon", "2080", "h"),
]


@pytest.mark.parametrize("path,control,value,key", SEGMENTS)
def test_a_changed_choice_survives_a_reload(dash_duo, dash_app, path, control, value, key):
    dash_duo.start_server(dash_app)
    dash_duo.driver.get(dash_duo.server_url + f"{path}?lang=en")
    dash_duo.wait_for_element(f"#{control} input", timeout=20)
    assert segment_value(dash_duo, control) != value
    click_segment(dash_duo, control, value)
    until(lambda: address(dash_duo).get(key) == [value], timeout=15)
    reload_and_wait(dash_duo)
    until(lambda: segment_value(dash_duo, control) == value, timeout=15)
    assert address(dash_duo)["lang"] == ["en"]
    assert dash_duo.get_logs() == []


def test_actions_filter_survives_a_reload(dash_duo, dash_app, built_data):
    dash_duo.start_server(dash_app)
    dash_duo.driver.get(dash_duo.server_url + "/actions?lang=en")
    dash_duo.wait_for_element("#actions-status", timeout=20)
    label = status_name("delayed", "en")
    choose(dash_duo, "#actions-status", label)
    until(lambda: address(dash_duo).get("status") == ["delayed"], timeout=15)
    reload_and_wait(dash_duo)
    until(
        lambda: [p.text for p in dash_duo.find_elements(".act-filters .mantine-MultiSelect-pill")] == [label],
        timeout=15,
    )
    assert dash_duo.get_logs() == []


def test_map_measure_survives_a_reload(dash_duo, dash_app, built_data):
    name = built_data["dimensions"].set_index("dimension").at["vulnerability", "name_en"]
    dash_duo.start_server(dash_app)
    dash_duo.driver.get(dash_duo.server_url + "/map?lang=en")
    dash_duo.wait_for_text_to_equal("#map-legend .legend-title", "Risk index", timeout=20)
    choose(dash_duo, "#map-colour-by", name)
    until(lambda: address(dash_duo).get("by") == ["dim:vulnerability"], timeout=15)
    reload_and_wait(dash_duo)
    dash_duo.wait_for_text_to_equal("#map-legend .legend-title", name, timeout=15)
    assert dash_duo.get_logs() == []


def test_back_returns_to_the_changed_view(dash_duo, dash_app):
    """The address is replaced in place, so the history entry of a page holds its last state."""
    dash_duo.start_server(dash_app)
    dash_duo.driver.get(dash_duo.server_url + "/compare?lang=en")
    dash_duo.wait_for_element("#compare-view input", timeout=20)
    click_segment(dash_duo, "compare-view", "heatmap")
    until(lambda: address(dash_duo).get("view") == ["heatmap"], timeout=15)
    dash_duo.find_element("a.nav-link[href^='/trends']").click()
    dash_duo.wait_for_element("#trends-mode input", timeout=20)
    dash_duo.driver.back()
    until(lambda: segment_value(dash_duo, "compare-view") == "heatmap", timeout=20)
    assert address(dash_duo)["view"] == ["heatmap"]
    assert dash_duo.find_element("#compare-box-heatmap").is_displayed()
    assert dash_duo.get_logs() == []
