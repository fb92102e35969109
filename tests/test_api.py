"""The open-data API (/api/v1/) with Flask's test client: documentation matches the routes,
provenance on every figure, filters, weights, paging, ETag/304, CORS, the rate limit, problem
documents in both languages, addressable builds, and generated bad input on every route."""

from __future__ import annotations

import dataclasses
import os
import shutil
import tempfile
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from domain import compare
from domain.build import build, builds_to_keep
from domain.open_data import SCOPES, STATUSES
from services import api
from services.config import settings

set_hypothesis_home_dir(tempfile.mkdtemp(prefix="ccca-hypothesis-"))
FUZZ = hsettings(
    deadline=None,
    database=None,
    derandomize=os.environ.get("FUZZ_RANDOM", "0") != "1",
    max_examples=int(os.environ.get("FUZZ_API_EXAMPLES", "15")),
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def client(dash_app):
    return dash_app.server.test_client()


@pytest.fixture()
def unlimited(monkeypatch):
    """No rate limit in the way (the limit has its own test)."""
    monkeypatch.setattr(api, "settings", dataclasses.replace(settings, api_rate_limit="100000 per minute"))


def get(client, path: str, **kwargs):
    response = client.get(path, **kwargs)
    assert response.status_code < 500, (path, response.status_code, response.data[:300])
    return response


# --- the OpenAPI document is the routes ------------------------------------------------------------


def test_openapi_lists_exactly_the_registered_routes(dash_app, client, unlimited):
    document = get(client, "/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    registered = set()
    for rule in dash_app.server.url_map.iter_rules():
        if rule.rule.startswith(api.PREFIX):
            registered.add(rule.rule.replace("<", "{").replace(">", "}").replace("{path:rest}", "{rest}"))
    registered.discard(api.PREFIX + "/{rest}")  # none: the catch-all lives at /api/<path>, not under /api/v1
    assert registered == set(document["paths"]), registered ^ set(document["paths"])
    assert len(document["paths"]) == len(api.rules())
    for path, item in document["paths"].items():
        operation = item["get"]
        assert operation["summary"] and operation["description"] and "200" in operation["responses"]
        declared = {p["name"] for p in operation["parameters"] if "name" in p}
        assert set(api.re.findall(r"{(\w+)}", path)) <= declared, path


def test_openapi_texts_follow_the_language(client, unlimited):
    ru = get(client, "/api/v1/openapi.json?lang=ru").get_json()
    en = get(client, "/api/v1/openapi.json?lang=en").get_json()
    assert ru["paths"].keys() == en["paths"].keys()
    assert ru["info"]["title"] != en["info"]["title"] and any(
        "а" <= c <= "я" for c in ru["info"]["title"].lower()
    )


# --- every figure says how far to trust it ---------------------------------------------------------


@pytest.mark.parametrize(
    "endpoint", [e for e in api.ENDPOINTS if e.provenance and "{" not in e.path], ids=lambda e: e.name
)
def test_every_row_carries_status_source_and_scope(client, unlimited, endpoint):
    body = get(
        client,
        f"{api.PREFIX}{endpoint.path}?limit=1000"
        if endpoint.kind == "list"
        else f"{api.PREFIX}{endpoint.path}",
    ).get_json()
    rows = body["data"]
    assert rows, endpoint.name
    status = "data_status" if endpoint.provenance == "ActionProvenance" else "status"
    for row in rows:
        assert row[status] in STATUSES, (endpoint.name, row)
        assert isinstance(row["source_id"], str) and row["source_id"], (endpoint.name, row)
        assert row["scope"] in SCOPES, (endpoint.name, row)


def test_source_ids_resolve_in_sources(client, built_data, unlimited):
    known = set(built_data["sources"]["source_id"])
    for name in ("values", "hazards", "events", "climate"):
        rows = get(client, f"/api/v1/{name}?limit=1000").get_json()["data"]
        assert {r["source_id"] for r in rows} <= known, name


# --- filters, weights, paging ---------------------------------------------------------------------


def test_values_filters_match_the_table(client, built_data, unlimited):
    values = built_data["indicator_values"]
    city = values["city_id"].iloc[0]
    national = values[(values["city_id"] == city) & (values["value_scope"] == "country")]
    body = get(client, f"/api/v1/values?city={city}&scope=country&limit=1000").get_json()
    assert body["meta"]["total"] == len(national)
    assert {r["city_id"] for r in body["data"]} <= {city}
    year = int(values["year"].max())
    rows = get(client, f"/api/v1/values?year={year}&status=sourced&limit=1000").get_json()["data"]
    expected = values[(values["year"] == year) & (values["status"] == "sourced")]
    assert len(rows) == len(expected)


def test_paging_walks_every_row_once(client, built_data, unlimited):
    total = len(built_data["indicator_values"])
    seen, url = [], "/api/v1/values?limit=37"
    while url:
        body = get(client, url).get_json()
        seen += [(r["city_id"], r["indicator_id"], r["year"]) for r in body["data"]]
        url = body["links"]["next"]
        url = url[url.index("/api/") :] if url else None
    assert len(seen) == total == len(set(seen))


def test_index_reproduces_the_build_and_follows_weights(client, built_data, unlimited):
    rows = get(client, "/api/v1/index").get_json()["data"]
    stored = built_data["risk"].set_index("city_id")
    for row in rows:
        assert row["risk"] == pytest.approx(stored.at[row["city_id"], "risk"])
        assert row["rank"] == int(stored.at[row["city_id"], "rank"])
        assert sum(row["inputs_by_status"].values()) == row["indicators_present"]
    weights, rejected = compare.parse_weights({"w_vulnerability": "2.5"}, built_data)
    assert not rejected
    expected = compare.index_for(built_data, weights).risk.set_index("city_id")["risk"]
    heavy = get(client, "/api/v1/index?w_vulnerability=2.5").get_json()
    assert heavy["meta"]["weights"]["dimensions"]["vulnerability"] == 2.5
    for row in heavy["data"]:
        assert row["risk"] == pytest.approx(expected[row["city_id"]])


def test_rank_stability_shares_sum_to_one(client, built_data, unlimited):
    cities = built_data["cities"]["city_id"].tolist()
    rows = get(client, "/api/v1/index/stability?draws=300&seed=3").get_json()["data"]
    assert {r["city_id"] for r in rows} == set(cities)
    for row in rows:
        assert sum(row["shares"].values()) == pytest.approx(1.0)
    again = get(client, "/api/v1/index/stability?draws=300&seed=3").get_json()["data"]
    assert again == rows


def test_losses_never_count_unknown_figures_as_zero(client, built_data, unlimited):
    events = built_data["events"]
    rows = get(client, "/api/v1/losses?limit=1000").get_json()["data"]
    assert sum(r["events"] for r in rows) == len(events)
    for row in rows:
        part = events[(events["city_id"] == row["city_id"])]
        assert row["deaths_reported_by"] <= len(part)
        if row["deaths_reported_by"] == 0:
            assert row["deaths"] is None


def test_city_and_indicator_by_id(client, built_data, unlimited):
    city = built_data["cities"]["city_id"].iloc[-1]
    body = get(client, f"/api/v1/cities/{city}").get_json()["data"]
    assert body["city_id"] == city and body["index"]["city_id"] == city
    indicator = built_data["indicators"]["indicator_id"].iloc[0]
    assert get(client, f"/api/v1/indicators/{indicator}").get_json()["data"]["indicator_id"] == indicator
    missing = get(client, "/api/v1/cities/atlantis?lang=ru")
    assert missing.status_code == 404 and missing.mimetype == api.PROBLEM
    assert "atlantis" in missing.get_json()["detail"] and "Города" in missing.get_json()["detail"]


# --- problems ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, status, code",
    [
        ("/api/v1/values?limit=1000000", 400, "too_large"),
        ("/api/v1/values?limit=abc", 400, "not_integer"),
        ("/api/v1/values?offset=-1", 400, "out_of_range"),
        ("/api/v1/values?city=", 400, "empty_value"),
        ("/api/v1/values?colour=red", 400, "unknown_parameter"),
        ("/api/v1/values?status=rumour", 400, "unknown_value"),
        ("/api/v1/index?w_vulnerability=9", 400, "bad_weight"),
        ("/api/v1/index?w_nothing=1", 400, "bad_weight"),
        ("/api/v1/index/stability?draws=1000000000", 400, "too_large"),
        ("/api/v1/index/stability?concentration=nan", 400, "out_of_range"),
        ("/api/v1/builds/ffffffffffffffff/values", 404, "unknown_build"),
        ("/api/v1/builds/..%2F..%2Fetc/values", 404, "no_route"),
        ("/api/v1/builds/x%00y/values", 404, "unknown_build"),
        ("/api/v1/nothing/here", 404, "no_route"),
        ("/api/v2/cities", 404, "no_route"),
    ],
)
def test_bad_input_is_a_problem_document(client, unlimited, query, status, code):
    response = get(client, query)
    assert response.status_code == status, response.data[:300]
    assert response.mimetype == api.PROBLEM
    body = response.get_json()
    assert body["code"] == code and body["status"] == status and body["detail"] and body["title"]
    assert response.headers["Cache-Control"] == "no-store"


def test_problem_language_follows_lang_or_accept_language(client, unlimited):
    english = get(client, "/api/v1/values?limit=0").get_json()["detail"]
    russian = get(
        client, "/api/v1/values?limit=0", headers={"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"}
    ).get_json()["detail"]
    assert english.isascii() and not russian.isascii()
    assert get(client, "/api/v1/values?limit=0&lang=ru").get_json()["detail"] == russian
    assert (
        get(client, "/api/v1/values?limit=0&lang=en", headers={"Accept-Language": "ru"}).get_json()["detail"]
        == english
    )


def test_query_of_100_kb_and_writes_are_refused(client, unlimited):
    huge = get(client, "/api/v1/values?city=" + "x" * 100_000)
    assert huge.status_code == 414 and huge.mimetype == api.PROBLEM
    posted = client.post("/api/v1/cities", json={})
    assert posted.status_code == 405 and posted.mimetype == api.PROBLEM and "GET" in posted.headers["Allow"]


# --- caching, CORS, sessions, rate limit -----------------------------------------------------------


def test_etag_gives_304_and_cache_headers(client, unlimited):
    first = get(client, "/api/v1/values?limit=5")
    etag = first.headers["ETag"]
    assert etag.startswith('W/"') and "max-age" in first.headers["Cache-Control"]
    again = get(client, "/api/v1/values?limit=5", headers={"If-None-Match": etag})
    assert again.status_code == 304 and not again.data and again.headers["ETag"] == etag
    gzipped = get(
        client, "/api/v1/values?limit=5", headers={"Accept-Encoding": "gzip", "If-None-Match": etag}
    )
    assert gzipped.status_code == 304
    assert get(client, "/api/v1/values?limit=6", headers={"If-None-Match": etag}).status_code == 200


def test_cors_for_get_and_preflight(client, unlimited):
    response = get(client, "/api/v1/cities", headers={"Origin": "https://example.org"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response.headers["Access-Control-Expose-Headers"]
    preflight = client.options(
        "/api/v1/cities", headers={"Origin": "https://example.org", "Access-Control-Request-Method": "GET"}
    )
    assert preflight.status_code < 300 and "GET" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Access-Control-Allow-Credentials" not in preflight.headers


def test_answers_do_not_depend_on_the_session(dash_app, unlimited):
    anonymous = dash_app.server.test_client()
    signed = dash_app.server.test_client()
    with signed.session_transaction() as session:
        session.update(uid=1, tok="x", seen=10**10, csrf="y" * 40)
    for path in ("/api/v1/index", "/api/v1/actions?limit=5", "/api/v1/values?limit=3"):
        a, b = anonymous.get(path), signed.get(path)
        assert a.status_code == b.status_code == 200
        assert a.data == b.data and a.headers["ETag"] == b.headers["ETag"]


def test_rate_limit_answers_429_problem(dash_app, monkeypatch):
    monkeypatch.setattr(api, "settings", dataclasses.replace(settings, api_rate_limit="3 per minute"))
    client = dash_app.server.test_client()
    environ = {"REMOTE_ADDR": "198.51.100.24"}
    statuses = [client.get("/api/v1/cities", environ_base=environ).status_code for _ in range(4)]
    assert statuses[:3] == [200, 200, 200] and statuses[3] == 429
    refused = client.get("/api/v1/cities?lang=ru", environ_base=environ)
    assert refused.mimetype == api.PROBLEM and refused.get_json()["code"] == "rate_limited"
    assert client.get("/api/v1/cities", environ_base={"REMOTE_ADDR": "198.51.100.25"}).status_code == 200


# --- every published build is addressable ------------------------------------------------------------


@pytest.fixture()
def older_build(src_copy, tmp_path):
    """A second published build beside the current one, with one value changed (the current build
    and the data/build link stay as they are)."""
    values = src_copy / "indicator_values.csv"
    lines = values.read_text(encoding="utf-8").splitlines()
    header, first = lines[0].split(","), lines[1].split(",")
    old_value = first[header.index("value")]
    first[header.index("value")] = str(float(old_value) * 2 + 1)
    values.write_text("\n".join([lines[0], ",".join(first), *lines[2:]]) + "\n", encoding="utf-8")
    manifest = build(src_copy, tmp_path / "out" / "build")
    made = (tmp_path / "out" / "build").resolve()
    target = api.builds_dir() / made.name
    shutil.copytree(made, target)
    yield {
        "folder": made.name,
        "build_id": manifest["build_id"],
        "city": first[header.index("city_id")],
        "indicator": first[header.index("indicator_id")],
        "year": first[header.index("year")],
        "value": float(first[header.index("value")]),
    }
    shutil.rmtree(target, ignore_errors=True)


def test_an_older_build_answers_with_its_own_data(client, built_data, unlimited, older_build):
    listed = get(client, "/api/v1/builds").get_json()["data"]
    assert older_build["folder"] in {b["id"] for b in listed}
    assert sum(b["latest"] for b in listed) == 1
    query = (
        f"/values?city={older_build['city']}&indicator={older_build['indicator']}&year={older_build['year']}"
    )
    for address in (older_build["folder"], older_build["build_id"]):
        body = get(client, f"/api/v1/builds/{address}{query}").get_json()
        assert body["build"]["id"] == older_build["folder"] and body["build"]["addressed"]
        assert body["data"][0]["value"] == pytest.approx(older_build["value"])
        cached = get(client, f"/api/v1/builds/{address}/values?limit=1")
        assert "immutable" in cached.headers["Cache-Control"]
    latest = get(client, f"/api/v1{query}").get_json()["data"][0]["value"]
    assert latest != pytest.approx(older_build["value"])
    index = get(client, f"/api/v1/builds/{older_build['folder']}/index").get_json()["data"]
    assert len(index) == len(built_data["cities"])
    assert older_build["folder"] in api._builds and len(api._builds) <= api.BUILDS_IN_MEMORY


def test_builds_to_keep_is_configurable():
    assert builds_to_keep({}) == 50
    assert builds_to_keep({"DATA_BUILDS_KEEP": "7"}) == 7
    assert builds_to_keep({"DATA_BUILDS_KEEP": "0"}) == 1
    assert builds_to_keep({"DATA_BUILDS_KEEP": "many"}) == 50


# --- the worked example on the API page runs ----------------------------------------------------------


def test_the_pandas_example_runs_against_the_api(client, built_data, unlimited, monkeypatch):
    import requests

    from pages import api as api_page

    indicator = built_data["indicators"]["indicator_id"].iloc[0]

    class Answer:
        def __init__(self, response):
            self.response = response

        def json(self):
            return self.response.get_json()

    def fake_get(url, timeout=None):
        return Answer(get(client, url[url.index("/api/") :]))

    monkeypatch.setattr(requests, "get", fake_get)
    code = api_page.pandas_example("http://localhost/api/v1", built_data.path.name, indicator)
    scope: dict = {}
    exec(
        compile(code.replace("print(", "_ = ("), "example", "exec"), scope
    )  # our own example text, not input
    values = scope["values"]
    expected = built_data["indicator_values"]
    assert len(values) == int((expected["indicator_id"] == indicator).sum())
    assert set(values["status"]) <= set(STATUSES)


# --- generated bad input on every route ----------------------------------------------------------------

HOSTILE = [
    "",
    " ",
    "0",
    "-1",
    "1e309",
    "nan",
    "inf",
    "9" * 400,
    "0x10",
    "١٢",
    "null",
    "[]",
    "%",
    "%zz",
    "<script>",
    "' OR '1'='1",
    "../../etc/passwd",
    "\x00",
    "😀" * 20,
    "A" * 3000,
    "2",
    "1000",
    "1000000",
]
TEXT = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40))


def route_cases(data):
    """Each API rule with strategies for its path values and its parameters' names and values."""
    cities = data["cities"]["city_id"].tolist()
    indicators = data["indicators"]["indicator_id"].tolist()[:5]
    real = {
        "city_id": cities,
        "indicator_id": indicators,
        "build_id": [data.path.name, data.build_id, "0" * 16],
    }
    cases = {}
    for rule, endpoint in api.rules():
        names = {p.name: p for p in endpoint.params}
        good = {
            n: (p.allowed(data)[:3] if p.kind == "list" else ["1", "100", "2030"]) for n, p in names.items()
        }
        good["lang"] = ["ru", "en", "xx"]
        if endpoint.weights:
            good.update({"w_vulnerability": ["2", "0", "-3", "1e9", "x"], "w_earthquake": ["0", "3", "7"]})
        cases[rule] = (rule, real, good)
    return cases


@st.composite
def requests_for(draw, rule: str, real: dict, good: dict) -> str:
    path = rule
    for name in api.re.findall(r"<(\w+)>", rule):
        value = draw(st.one_of(st.sampled_from(real.get(name, ["x"])), TEXT))
        path = path.replace(f"<{name}>", quote(value, safe="") or "x")
    pairs = []
    for _ in range(draw(st.integers(0, 4))):
        key = draw(st.one_of(st.sampled_from(sorted(good)), TEXT))
        value = draw(st.one_of(st.sampled_from(good.get(key) or HOSTILE), TEXT))
        pairs.append(f"{quote(key, safe='')}={quote(value, safe='')}")
    return path + ("?" + "&".join(pairs) if pairs else "")


@pytest.fixture(scope="module")
def cases(built_data):
    return route_cases(built_data)


@pytest.mark.parametrize("rule", [r for r, _ in api.rules()])
def test_fuzz_every_route_never_fails(client, cases, rule, unlimited):
    rule_, real, good = cases[rule]

    @FUZZ
    @given(url=requests_for(rule_, real, good))
    def check(url):
        response = client.get(url)
        assert response.status_code < 500, (url, response.status_code, response.data[:300])
        if response.status_code >= 400:
            assert response.mimetype == api.PROBLEM, url
            body = response.get_json()
            assert body["status"] == response.status_code and body["detail"], url
        elif response.status_code == 200 and response.mimetype == "application/json":
            body = response.get_json()
            assert "data" in body or "openapi" in body

    check()


def test_answers_are_strict_json(client, unlimited):
    """Answers are strict JSON: no NaN or Infinity tokens (pandas and numpy produce them)."""
    for path in (
        "/api/v1/index",
        "/api/v1/outlook?limit=1000",
        "/api/v1/losses",
        "/api/v1/actions/progress",
        "/api/v1/climate?limit=1000",
        "/api/v1/hazards?limit=1000",
    ):
        text = get(client, path).get_data(as_text=True)
        assert "NaN" not in text and "Infinity" not in text, path


# --- the API page is the document ---------------------------------------------------------------------


def _texts(node, out: list) -> list:
    """Every string in a Dash component tree."""
    if isinstance(node, str):
        out.append(node)
    elif isinstance(node, (list, tuple)):
        for child in node:
            _texts(child, out)
    elif hasattr(node, "children"):
        _texts(node.children, out)
    return out


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_the_api_page_shows_every_route_of_the_document(dash_app, lang):
    from pages import api as api_page

    with dash_app.server.test_request_context(f"/api-docs?lang={lang}"):
        tree = api_page.layout(lang=lang)
        document = api.openapi_document(lang)
    text = "\n".join(_texts(tree, []))
    shown = [p for p in document["paths"] if "InBuild" not in document["paths"][p]["get"]["operationId"]]
    for path in document["paths"]:
        assert path in text, path
    assert len(shown) < len(document["paths"])
    for item in document["paths"].values():
        assert item["get"]["summary"] in text
    assert "curl -s" in text and "pd.DataFrame(rows)" in text
    assert str(len(document["paths"])) in text


@pytest.fixture()
def grown_build(src_copy, tmp_path):
    """A published build with one more city (a copy of the first city's rows under a new id)."""
    import pandas as pd

    def grow(name: str, key: str = "city_id") -> str:
        path = src_copy / f"{name}.csv"
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        first = frame[key].iloc[0]
        extra = frame[frame[key] == first].copy()
        extra[key] = "fixture-api-city"
        pd.concat([frame, extra]).to_csv(path, index=False)
        return first

    copied = grow("cities")
    grow("indicator_values")
    grow("hazards")  # the hazard levels the copied hazard indicators rest on
    build(src_copy, tmp_path / "out" / "build")
    made = (tmp_path / "out" / "build").resolve()
    target = api.builds_dir() / made.name
    shutil.copytree(made, target)
    yield {"folder": made.name, "copied": copied}
    shutil.rmtree(target, ignore_errors=True)


def test_a_build_with_another_city_answers_with_it(client, built_data, unlimited, grown_build):
    base = f"/api/v1/builds/{grown_build['folder']}"
    cities = {r["city_id"] for r in get(client, f"{base}/cities").get_json()["data"]}
    assert cities == set(built_data["cities"]["city_id"]) | {"fixture-api-city"}
    index = {r["city_id"]: r for r in get(client, f"{base}/index").get_json()["data"]}
    assert index["fixture-api-city"]["risk"] == pytest.approx(index[grown_build["copied"]]["risk"])
    values = get(client, f"{base}/values?city=fixture-api-city&limit=1000").get_json()
    assert values["meta"]["total"] == int(
        (built_data["indicator_values"]["city_id"] == grown_build["copied"]).sum()
    )
    assert get(client, "/api/v1/values?city=fixture-api-city").status_code == 400  # not in the latest build
