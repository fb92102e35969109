"""Bad input, generated (hypothesis) and hand-picked: every page's path and query parameters
through the layout route (GET) and through Dash's routing callback (`_pages_content`, the JSON
the browser renders), hostile values in every text field, oversized input, SQL fragments.

Never a 5xx, never a traceback, never a blank page: every rendered page has its heading, and
text the visitor typed comes back only as text (never as a `javascript:` link or raw HTML).

The query is read where it is parsed: `FUZZ_PARSER_EXAMPLES` (default 30, and every
parameter at once set to each hand-picked hostile value) per page through each page's
declared state model (`domain.page_state`, pure) and `FUZZ_CALLBACK_EXAMPLES` (default 15; `make soak` runs
250 more per page) through the routing callback, which renders the whole page and costs up to a second
or two on the heaviest pages. The layout route answers the same shell whatever the query, so it gets
only `FUZZ_GET_EXAMPLES` (default 20) per page, for the path and the request guard.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
import tempfile
import uuid
from inspect import signature
from urllib.parse import quote

import pytest
from dash import page_registry
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir
from sqlalchemy import inspect

from domain import page_state
from domain.actions import NOTE_MAX, state_of
from services import auth, db, static_page
from tests import dash_http as h

set_hypothesis_home_dir(tempfile.mkdtemp(prefix="ccca-hypothesis-"))  # nothing written into the repository
GET_EXAMPLES = int(os.environ.get("FUZZ_GET_EXAMPLES", "20"))
PARSER_EXAMPLES = int(os.environ.get("FUZZ_PARSER_EXAMPLES", "30"))
CALLBACK_EXAMPLES = int(os.environ.get("FUZZ_CALLBACK_EXAMPLES", "15"))
# `make test` draws the same cases every run (a CI run is repeatable); `make soak` sets FUZZ_RANDOM=1
# and draws new ones each time.
RANDOM = os.environ.get("FUZZ_RANDOM", "0") == "1"
FUZZ = settings(
    deadline=None,
    database=None,
    derandomize=not RANDOM,
    print_blob=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
    ],
)
MARK = "zq<script>window.__x=1</script>"
HOSTILE = [
    "",
    " ",
    "en",
    "ru",
    "EN",
    "xx",
    "0",
    "-1",
    "1e309",
    "NaN",
    "null",
    "true",
    "[]",
    "{}",
    "%",
    "%%",
    "%zz",
    "&&&",
    "==",
    "<script>alert(1)</script>",
    MARK,
    "<img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "\"'><svg onload=alert(1)>",
    "' OR '1'='1",
    "1; DROP TABLE users; --",
    "'); DELETE FROM audit_log; --",
    "admin'--",
    "UNION SELECT password_hash FROM users",
    "../../etc/passwd",
    "..%2f..%2fetc%2fpasswd",
    "\x00",
    "\r\nSet-Cookie: x=1",
    "\u202e\u0645\u0631\u062d\u0628\u0627",
    "😀" * 50,
    "e\u0301" * 20,
    "\ufeff",
    "\u200b",
    "Ω≈ç√∫˜µ≤≥÷",
    "A" * 5000,
    "ГОРОД",
    "ёж",
    "9" * 400,
]
TEXT = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=30),
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)


def pages(data) -> dict[str, dict]:
    """Each page: its path strategy and the parameters it knows (plus noise)."""
    cities = list(data["cities"]["city_id"])
    names = list(data["cities"]["name_ru"])
    actions = list(data["actions"]["action_id"])[:20] if "actions" in data.tables else []
    known = {
        "lang": ["ru", "en"],
        "tab": ["method", "catalogue", "sources", "status", "downloads"],
        # a city by id, or by its Russian name in the wrong case (not an id)
        "city": [*cities, names[0].upper(), names[-1].lower()],
        "cities": [",".join(cities[:2]), ",".join(cities)],
        "action": actions,
        "status": ["planned", "in_progress", "delayed"],
        "by": ["risk", "hazard_exposure"],
        "layers": ["countries,rivers", "admin1"],
        "z": ["5", "99"],
        "lat": ["40", "91"],
        "lon": ["70", "-200"],
        "scenario": ["ssp126", "ssp585"],
        "horizon": ["2030", "2050", "2080"],
        "variable": ["tmean", "precip"],
        "level": ["risk", "vulnerability"],
        "weights": ["1,1,1", "0,0,0"],
        "error": ["bad", "origin", "nope"],
        # each page's own parameter names (outlook, trends, compare, actions, presenter)
        "scen": ["ssp126", "ssp245", "ssp585", "ssp126,ssp585"],
        "h": ["2030", "2050", "2080", "2100"],
        "view": ["level", "change", "heatmap", "radar"],
        "warm": ["0", "0.5", "1.5", "9"],
        "pop": ["0", "2", "-1"],
        "var": ["tmean", "hot_days_35", "precip"],
        "base": ["1991-2020", "1995-2014", "1800-1801"],
        "mode": ["change", "absolute"],
        "item": ["hazard_exposure", "vulnerability", "nope"],
        "scale": ["raw", "per_capita", "scaled"],
        "spread": ["narrow", "moderate", "wide"],
        "w_vulnerability": ["2", "0", "-3", "1e9"],
        "hazard": ["earthquake", "mudflow"],
        "essential": ["1", "10", "11"],
        "slides": [
            "overview,compare",
            f"outlook,outlook:{cities[-1]}",
            "city:nowhere,trends:tmean",
            "x" * 300,
        ],
        "slide": ["0", "3", "-1", "999"],
        "auto": ["0", "10", "abc"],
        "edit": ["1", "0"],
    }
    out = {}
    for page in page_registry.values():
        template = page.get("path_template")
        if template and "<city_id>" in template:
            path = st.one_of(st.sampled_from(cities), TEXT.map(lambda v: quote(v, safe=""))).map(
                lambda c: f"/city/{c}"
            )
        else:
            path = st.just(page["path"])
        out[page.get("path_template") or page["path"]] = {"path": path, "known": known}
    out["<unknown path>"] = {"path": TEXT.map(lambda v: "/" + quote(v, safe="/")), "known": known}
    return out


@st.composite
def queries(draw, known: dict[str, list[str]]) -> str:
    """A query string: known keys with good or hostile values, unknown keys, odd encodings."""
    pairs = []
    for _ in range(draw(st.integers(0, 5))):
        key = draw(st.one_of(st.sampled_from(sorted(known)), TEXT))
        value = draw(st.one_of(st.sampled_from(known.get(key) or HOSTILE), TEXT))
        pairs.append((key, value))
    if draw(st.booleans()):
        return "?" + "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in pairs)
    return "?" + "&".join(f"{k}={v}" for k, v in pairs)  # raw, as a hand-edited address may be


@pytest.fixture(scope="module")
def client(dash_app):
    return dash_app.server.test_client()


@pytest.fixture(scope="module")
def page_cases(built_data):
    return pages(built_data)


def walk(node, found: list) -> None:
    if isinstance(node, dict):
        props = node.get("props")
        if isinstance(props, dict):
            found.append(props)
        for value in node.values():
            walk(value, found)
    elif isinstance(node, list):
        for value in node:
            walk(value, found)


def assert_rendered_safely(response, context: str) -> None:
    text = response.get_data(as_text=True)
    assert response.status_code == 200, (context, response.status_code, text[:300])
    assert "Traceback" not in text and "Internal Server Error" not in text, context
    content = response.get_json()["response"]["_pages_content"]["children"]
    assert content, f"blank page: {context}"
    found: list[dict] = []
    walk(content, found)
    assert any(p.get("id") == "page-title" for p in found), f"no heading: {context}"
    for props in found:
        for attr in ("href", "src"):
            value = props.get(attr)
            if isinstance(value, str):
                assert not value.strip().lower().startswith(("javascript:", "data:text/html")), (
                    context,
                    attr,
                    value,
                )
        if props.get("dangerously_allow_html"):
            assert "<script" not in json.dumps(props.get("children"), ensure_ascii=False).lower(), context


PAGES = [
    "/",
    "/compare",
    "/city/<city_id>",
    "/map",
    "/trends",
    "/outlook",
    "/actions",
    "/data",
    "/glossary",
    "/api-docs",
    "/scorecard",
    "/losses",
    "/present",
    "/login",
    "/admin",
    "/404",
    "<unknown path>",
]


def page_param(name):
    return pytest.param(name, id=name.strip("/<>").replace("/", "_") or "home")


def state_models(module) -> list[type]:
    """The page-state models a page module declares (dataclasses with `domain.page_state` fields)."""
    return [
        obj
        for obj in vars(module).values()
        if isinstance(obj, type) and dataclasses.is_dataclass(obj) and page_state.params(obj)
    ]


def model_parser(model: type):
    """The page's query parser: its declared state model read by `domain.page_state.parse`."""

    def read_state(query, data, lang):
        parsed = page_state.parse(model, query, data)
        return parsed.state, parsed.rejected

    return read_state


def query_parsers() -> dict[str, object]:
    """Each registered page's query parser (its declared state model), by page path."""
    modules = {page["path"]: sys.modules[page["module"]] for page in page_registry.values()}
    return {
        f"{path} {model.__name__}": model_parser(model)
        for path, module in sorted(modules.items())
        for model in state_models(module)
    }


@st.composite
def query_dicts(draw, known: dict[str, list[str]]) -> dict[str, str]:
    """A parsed query (first value per key): known keys with good or hostile values, unknown keys."""
    keys = draw(st.lists(st.one_of(st.sampled_from(sorted(known)), TEXT), max_size=6))
    return {key: draw(st.one_of(st.sampled_from(known.get(key) or HOSTILE), TEXT)) for key in keys}


def read_with(parser, query: dict[str, str], data, lang: str):
    """Call a page's parser with the arguments it names (the query, the build, the language)."""
    given_args = {"query": query, "data": data, "tables": data, "lang": lang}
    return parser(**{name: given_args[name] for name in signature(parser).parameters})


def fuzz_parser(path: str, parser, data, known: dict[str, list[str]]) -> None:
    """Any query gives the page's state and a list of what was not understood, never an exception;
    keys the page does not know change nothing."""
    plain, rejected = read_with(parser, {}, data, "en")
    assert rejected == [], path
    for value in [*HOSTILE, *EDGE_NUMBERS]:  # every parameter at once set to one hostile value
        state, rejected = read_with(parser, dict.fromkeys(known, value), data, "ru")
        assert type(state) is type(plain) and isinstance(rejected, list), (path, value[:20])

    @settings(FUZZ, max_examples=PARSER_EXAMPLES)
    @given(query=query_dicts(known), lang=st.sampled_from(["ru", "en"]))
    def check(query, lang):
        state, rejected = read_with(parser, query, data, lang)
        assert type(state) is type(plain) and isinstance(rejected, list), (path, query)
        noise = {f"zz-{key}": value for key, value in query.items()}
        assert read_with(parser, noise, data, lang)[0] == plain, (
            path,
            "an unknown key changed the state",
            query,
        )

    check()


def test_every_page_parser_reads_any_query(dash_app, built_data, page_cases):
    """Where the query is parsed: each page's own parser, with many cases (it is pure and fast)."""
    parsers = query_parsers()
    assert parsers, "no page declares a state model (domain.page_state)"
    with dash_app.server.app_context():
        for path, parser in parsers.items():
            fuzz_parser(path, parser, built_data, page_cases["/"]["known"])


@pytest.mark.parametrize("page", [page_param(p) for p in PAGES])
def test_layout_route_never_fails(client, page_cases, page):
    if page not in page_cases:
        pytest.skip(f"{page} is not a page of this build")
    case = page_cases[page]

    @settings(FUZZ, max_examples=GET_EXAMPLES)
    @given(path=case["path"], search=queries(case["known"]))
    def check(path, search):
        response = client.get(path + search)
        text = response.get_data(as_text=True)
        assert response.status_code < 500, (path, search, response.status_code)
        assert "Traceback" not in text
        if response.status_code == 200:  # Dash's page, or a script-free page finished without it
            assert "_dash-config" in text or f"/assets/{static_page.SCRIPT}?" in text

    check()


@pytest.mark.parametrize("page", [page_param(p) for p in PAGES])
def test_routing_callback_never_fails(client, page_cases, page):
    if page not in page_cases:
        pytest.skip(f"{page} is not a page of this build")
    case = page_cases[page]

    @settings(FUZZ, max_examples=CALLBACK_EXAMPLES)
    @given(
        path=case["path"],
        search=queries(case["known"]),
        stored=st.sampled_from([None, "ru", "en", "xx", 7, ["en"]]),
    )
    def check(path, search, stored):
        assert_rendered_safely(h.route(client, path, search, stored), f"{path}{search} stored={stored!r}")

    check()


# --- hand-picked hostile input -------------------------------------------------------------------

EDGE_NUMBERS = [
    "inf",
    "-inf",
    "nan",
    "1e309",
    "-1e309",
    "9" * 400,
    "9" * 5000,
    "-0",
    "0x10",
    "1_000",
    "1,5",
    "١٢",
]


@pytest.mark.parametrize("page", [page_param(p) for p in PAGES])
def test_every_parameter_takes_edge_numbers(client, page_cases, built_data, page):
    """Every parameter any page knows, set at once to a number no parser expects (a random draw once
    found `?auto=99…9` overflowing to a 500): each page still renders with its heading."""
    if page not in page_cases:
        pytest.skip(f"{page} is not a page of this build")
    path = {
        "/city/<city_id>": f"/city/{built_data['cities']['city_id'].iloc[0]}",
        "<unknown path>": "/nowhere",
    }.get(page, page)
    keys = sorted(set(page_cases[page]["known"]) - {"lang"})
    for value in EDGE_NUMBERS:
        search = "?lang=en&" + "&".join(f"{k}={quote(value, safe='')}" for k in keys)
        assert_rendered_safely(h.route(client, path, search), f"{path} with every parameter = {value[:12]}")


def test_oversized_and_malformed_requests(client):
    huge = "?lang=en&city=" + "x" * (1 << 20)  # a 1 MB query string
    response = client.get("/actions" + huge)
    assert response.status_code == 414 and "Traceback" not in response.get_data(as_text=True)
    assert_rendered_safely(h.route(client, "/actions", huge), "1 MB query")
    assert_rendered_safely(h.route(client, "/" + "a" * 100_000, ""), "100 kB path")
    bad_bodies = [
        b"",
        b"{",
        b"[]",
        b"null",
        json.dumps({"output": "x"}).encode(),
        json.dumps({**h.route_body("/", ""), "inputs": "nope"}).encode(),
        json.dumps({**h.route_body("/", ""), "output": "no-such.children"}).encode(),
    ]
    for body in bad_bodies:
        response = client.post("/_dash-update-component", data=body, content_type="application/json")
        assert 400 <= response.status_code < 500, (body[:60], response.status_code)
        assert "Traceback" not in response.get_data(as_text=True)


@pytest.fixture(scope="module")
def editor_client(dash_app, built_data):
    actions = built_data["actions"]
    rows = actions[(actions["status"] == "in_progress") & actions["actual_start"].notna()].sort_values(
        "action_id"
    )
    row = rows.iloc[1].to_dict()
    account = db.create_user(
        db.get_engine(), f"fuzz-{uuid.uuid4().hex[:6]}", h.PASSWORD, "editor", row["city_id"]
    )
    auth.reset_sign_in_limits()
    client = dash_app.server.test_client()
    assert h.sign_in(client, account.username, environ_base={"REMOTE_ADDR": "10.33.0.1"}).status_code == 303
    return client, row["action_id"], state_of(row)


def current_version(action_id, base) -> int:
    return db.current_state(db.get_engine(), action_id, base)[0]


@pytest.mark.parametrize(
    "note",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "'); DROP TABLE users; --",
        "' OR '1'='1",
        "\u202eevil\u202c",
        "😀 Ω ГОРОД e\u0301 \u200b\ufeff",
        "line\nbreak\r\ttab",
        "N" * NOTE_MAX,
    ],
)
def test_hostile_notes_are_saved_verbatim_and_shown_as_text(client, editor_client, note):
    editor, action_id, base = editor_client
    version = current_version(action_id, base)
    response = editor.post(
        "/_dash-update-component",
        json=h.note_body(editor, action_id, version, base, note),
    )
    assert response.status_code == 200 and h.message_id(response) == "admin-saved"
    assert db.current_state(db.get_engine(), action_id, base)[1].note == note.strip()
    page = h.route(client, "/actions", f"?lang=en&action={action_id}")
    assert_rendered_safely(page, "note shown")
    texts: list[dict] = []
    walk(page.get_json()["response"]["_pages_content"]["children"], texts)
    shown = [p["children"] for p in texts if isinstance(p.get("children"), str)]
    assert any(note.strip() in s for s in shown)  # as a plain text child, which React never parses as HTML
    assert {"users", "audit_log", "action_state"} <= set(inspect(db.get_engine()).get_table_names())


@pytest.mark.parametrize(
    "fields",
    [
        {"note": "x" * 100_000},  # a 100 kB note
        {"progress": "1; DROP TABLE action_state"},
        {"progress": "<script>"},
        {"progress": 10**30},
        {"progress": -5},
        {"progress": float("nan")},
        {"status": "<script>alert(1)</script>"},
        {"status": "' OR 1=1 --"},
        {"start": "2026-13-45"},
        {"start": "'; DROP TABLE users; --"},
        {"start": "9999-12-31"},
        {"end": "<img src=x>"},
        {"note": None},
        {"note": 12345},
        {"note": ["a", "b"]},
        {"note": {"$gt": ""}},
    ],
)
def test_hostile_form_values_are_refused_cleanly(editor_client, fields):
    editor, action_id, base = editor_client
    version = current_version(action_id, base)
    values = {
        "status": base.status,
        "progress": base.progress_pct,
        "start": base.actual_start.isoformat(),
        "end": None,
        "note": f"fine {uuid.uuid4().hex[:4]}",
        **fields,
    }
    body = h.save_body(
        editor,
        action_id,
        version,
        values["status"],
        values["progress"],
        values["start"],
        values["end"],
        values["note"],
    )
    response = editor.post(
        "/_dash-update-component", data=json.dumps(body, allow_nan=True), content_type="application/json"
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    outcome = h.message_id(response)
    if "note" in fields and not isinstance(fields["note"], str):
        assert outcome in ("admin-saved", "admin-issues")  # kept as its text, or refused
    else:
        assert outcome == "admin-issues", (fields, outcome)  # a clear list of what is wrong
        assert current_version(action_id, base) == version  # nothing written


def test_sql_fragments_in_the_sign_in_form_are_just_wrong_credentials(dash_app):
    for n, (username, password) in enumerate(
        [
            ("admin' OR '1'='1", "' OR '1'='1"),
            ("admin'--", "x"),
            ("'; DROP TABLE users; --", "x" * 300),
            ("<script>", "\x00"),
        ]
    ):
        auth.reset_sign_in_limits()
        c = dash_app.server.test_client()
        response = c.post(
            "/auth/login",
            data={"username": username, "password": password, "csrf_token": h.csrf(c)},
            environ_base={"REMOTE_ADDR": f"10.34.0.{n}"},
        )
        assert response.status_code == 303 and response.headers["Location"].endswith("error=bad")
    assert db.list_users(db.get_engine()).shape[0] > 0  # the users table is still there


@pytest.mark.soak
@pytest.mark.parametrize("page", [page_param(p) for p in PAGES])
def test_routing_callback_soak(client, page_cases, page):
    if page not in page_cases:
        pytest.skip(f"{page} is not a page of this build")
    case = page_cases[page]

    @settings(FUZZ, max_examples=int(os.environ.get("FUZZ_SOAK_EXAMPLES", "250")))
    @given(path=case["path"], search=queries(case["known"]), stored=st.sampled_from([None, "ru", "en", "xx"]))
    def check(path, search, stored):
        assert_rendered_safely(h.route(client, path, search, stored), f"{path}{search} stored={stored!r}")

    check()
