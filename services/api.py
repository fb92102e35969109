"""The open-data API, `/api/v1/` (JSON, read-only), and the Data Package download of every build.

Every resource answers for the latest build at `/api/v1/<resource>` and for any published build
at `/api/v1/builds/<build_id>/<resource>` (a build folder under `data/builds/`, or its content
hash), so a figure cited from a build can be found again. The routes are declared once, in
`ENDPOINTS`: the Flask rules and the OpenAPI 3.1 document (`/api/v1/openapi.json`) are both made
from that list, so they cannot drift apart.

- Lists are paginated (`limit`, at most 1,000, and `offset`); answers carry a weak `ETag` (a
  matching `If-None-Match` gets 304) and `Cache-Control` (a week for an addressed build, five
  minutes for the latest, revalidation for live action progress); GETs are open to every origin
  (CORS); each client address has a rate limit (`API_RATE_LIMIT`, Flask-Limiter of
  services/auth.py and its storage).
- Bad input of any kind is a 4xx `application/problem+json` document (RFC 9457) whose `detail` says
  what was wrong in Russian (`?lang=ru` or `Accept-Language: ru`) or English; never a 5xx.
- Nothing here reads the session: the same request gets the same bytes for every visitor. There is
  no server-side response cache; repeated computations of a build (prepared tables, the index for
  a set of weights) are kept per process, keyed by the build folder.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import numpy as np
import pandas as pd
from flask import Blueprint, Flask, Response, request
from werkzeug.exceptions import HTTPException

from domain import compare, open_data
from domain import outlook as outlook_domain
from domain.actions import ESSENTIALS, current_actions
from domain.actions import STATUSES as ACTION_STATUSES
from domain.climate_schema import CLIMATE_SCENARIOS, CLIMATE_VARIABLES
from domain.datapackage import package_zip
from domain.queries import BuildData
from domain.risk_index import DIMENSION_ORDER, IndexWeights
from i18n import t
from services import data_access
from services.auth import limiter
from services.config import settings

log = logging.getLogger(__name__)
PREFIX = "/api/v1"
API_VERSION = "1.0.0"
DEFAULT_LIMIT, MAX_LIMIT = 100, 1000
MAX_QUERY = 4096  # bytes of query string; a longer one is refused (414)
MAX_ITEMS = 200  # values in one list parameter
MAX_DRAWS = 5000
BUILDS_IN_MEMORY = 3  # older builds kept loaded per process (least recently used goes first)
MEMO_SIZE = 64  # prepared tables and indexes per process
PROBLEM = "application/problem+json"
DOCS_PAGE = "/api-docs"
CACHE_LATEST = "public, max-age=300"
CACHE_ADDRESSED = "public, max-age=604800, immutable"
CACHE_DAILY = "public, max-age=3600"
CACHE_LIVE = "public, no-cache"
_CODE = hashlib.sha256(Path(__file__).read_bytes() + Path(open_data.__file__).read_bytes()).hexdigest()[:12]


class ApiError(Exception):
    """A request the API refuses: HTTP status, problem code (`api.error.<code>`) and its values."""

    def __init__(self, status: int, code: str, **values: object):
        super().__init__(code)
        self.status, self.code, self.values = status, code, values


# --- which language a problem is written in -------------------------------------------------------


def problem_lang() -> str:
    """Russian when `?lang=ru` or the client prefers Russian (`Accept-Language`), English otherwise."""
    asked = request.args.get("lang", "")
    if asked in ("ru", "en"):
        return asked
    best = request.accept_languages.best_match(["ru", "en"])
    return "ru" if best == "ru" else "en"


class _Blank(dict):
    """Placeholders a message names but the problem does not fill stay empty."""

    def __missing__(self, key: str) -> str:
        return ""


def problem(status: int, code: str, **values: object) -> Response:
    """An RFC 9457 problem document in the client's language."""
    lang = problem_lang()
    clean = {k: (str(v)[:80] if not isinstance(v, (int, float)) else v) for k, v in values.items()}
    body = {
        "type": f"{DOCS_PAGE}#problem-{code}",
        "title": t(f"api.problem.{code}", lang),
        "status": status,
        "detail": t(f"api.error.{code}", lang).format_map(_Blank(clean)),
        "code": code,
        "instance": request.path[:200],
    }
    body.update({k: v for k, v in clean.items() if k in ("parameter", "value", "allowed", "maximum")})
    response = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Language"] = lang
    return response


# --- builds: which one a request means, loaded once per process ------------------------------------


def builds_dir() -> Path:
    return settings.data_build_dir.parent / "builds"


_lock = threading.Lock()
_builds: OrderedDict[str, BuildData] = OrderedDict()
_listing: dict[str, Any] = {}
_memo: OrderedDict[tuple, Any] = OrderedDict()


def published() -> list[open_data.BuildRef]:
    """Every published build, newest first (re-read when the builds folder changes)."""
    folder = builds_dir()
    try:
        stamp = folder.stat().st_mtime_ns
    except OSError:
        return []
    known = _listing.get("current")  # (stamp, builds) swapped in one step: threads never see a mix
    if known is None or known[0] != stamp:
        known = (stamp, open_data.published_builds(folder))
        _listing["current"] = known
    return known[1]


def load_addressed(folder_name: str) -> BuildData:
    """A build by its folder name, kept in a small least-recently-used set per process."""
    with _lock:
        data = _builds.get(folder_name)
        if data is not None:
            _builds.move_to_end(folder_name)
            return data
    data = open_data.load_published(builds_dir() / folder_name)
    with _lock:
        _builds[folder_name] = data
        _builds.move_to_end(folder_name)
        while len(_builds) > BUILDS_IN_MEMORY:
            _builds.popitem(last=False)
    return data


def resolve_build(build_id: str | None) -> tuple[BuildData, bool]:
    """(the build, whether it was addressed by id). Unknown or unreadable ids are 404 problems."""
    if build_id is None:
        return data_access.get_data(), False
    if not open_data.BUILD_FOLDER.match(build_id):
        raise ApiError(404, "unknown_build", value=build_id)
    current = data_access.get_data()
    if build_id in (current.path.name, current.build_id):
        return current, True
    ref = open_data.find_build(published(), build_id)
    if ref is None:
        raise ApiError(404, "unknown_build", value=build_id)
    try:
        return load_addressed(ref.folder), True
    except (OSError, ValueError) as err:
        log.warning("build %s cannot be read (%s)", ref.folder, str(err)[:200])
        raise ApiError(404, "unreadable_build", value=build_id) from err


def memo(data: BuildData, name: str, key: Any, make: Callable[[], Any]) -> Any:
    """A computation on a build, kept per process by (build folder, name, key)."""
    full = (data.path.name, name, key)
    with _lock:
        if full in _memo:
            _memo.move_to_end(full)
            return _memo[full]
    value = make()
    with _lock:
        _memo[full] = value
        while len(_memo) > MEMO_SIZE:
            _memo.popitem(last=False)
    return value


# --- parameters ------------------------------------------------------------------------------------

Choices = Callable[[BuildData], list[str]]


def _column(table: str, column: str) -> Choices:
    return lambda data: sorted(map(str, data[table][column].dropna().unique()))


@dataclass(frozen=True)
class Param:
    """A query parameter: `list` (comma-separated, checked against `choices`), `int` or `number`."""

    name: str
    kind: str = "list"
    choices: Choices | tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    default: Any = None

    def allowed(self, data: BuildData) -> list[str]:
        if callable(self.choices):
            return self.choices(data)
        return list(self.choices or ())


CITY = Param("city", choices=_column("cities", "city_id"))
INDICATOR = Param("indicator", choices=_column("indicators", "indicator_id"))
DIMENSION = Param("dimension", choices=tuple(DIMENSION_ORDER))
CATEGORY = Param("category", choices=_column("categories", "category_id"))
STATUS = Param("status", choices=open_data.STATUSES)
SCOPE = Param("scope", choices=open_data.SCOPES)
YEAR = Param("year", kind="int_list", minimum=1800, maximum=2200)
YEAR_FROM = Param("year_from", kind="int", minimum=1800, maximum=2200)
YEAR_TO = Param("year_to", kind="int", minimum=1800, maximum=2200)
HAZARD = Param("hazard", choices=_column("hazard_types", "hazard_type"))
LEVEL = Param("level", choices=_column("hazard_levels", "level"))
VARIABLE = Param("variable", choices=tuple(CLIMATE_VARIABLES))
CLIMATE_SCENARIO = Param("scenario", choices=tuple(CLIMATE_SCENARIOS))
OUTLOOK_SCENARIO = Param("scenario", choices=tuple(outlook_domain.SCENARIOS))
HORIZON = Param("horizon", choices=tuple(str(h) for h in outlook_domain.HORIZONS))
ACTION_STATUS = Param("status", choices=tuple(ACTION_STATUSES))
ESSENTIAL = Param("essential", choices=tuple(str(e) for e in ESSENTIALS))
GROUP = Param("group", choices=("city", "hazard"), default="city")
DRAWS = Param("draws", kind="int", minimum=100, maximum=MAX_DRAWS, default=compare.DEFAULT_DRAWS)
CONCENTRATION = Param(
    "concentration", kind="number", minimum=1, maximum=1000, default=compare.DEFAULT_CONCENTRATION
)
SEED = Param("seed", kind="int", minimum=0, maximum=2**31 - 1, default=compare.DEFAULT_SEED)
PAGING = (
    Param("limit", kind="int", minimum=1, maximum=MAX_LIMIT, default=DEFAULT_LIMIT),
    Param("offset", kind="int", minimum=0, maximum=10**9, default=0),
)
INT_TEXT = re.compile(r"^[+-]?[0-9]{1,12}$")


def _as_int(param: Param, raw: str) -> int:
    text = raw.strip()
    if not INT_TEXT.match(text):
        raise ApiError(400, "not_integer", parameter=param.name, value=raw)
    value = int(text)
    if (
        param.minimum is not None
        and value < param.minimum
        or param.maximum is not None
        and value > param.maximum
    ):
        code = "too_large" if param.maximum is not None and value > param.maximum else "out_of_range"
        raise ApiError(
            400,
            code,
            parameter=param.name,
            value=raw,
            minimum=_num(param.minimum),
            maximum=_num(param.maximum),
        )
    return value


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def parse_param(param: Param, raw: str, data: BuildData) -> Any:
    """The parameter's value, or an ApiError saying exactly what is wrong with it."""
    if param.kind == "int":
        return _as_int(param, raw)
    if param.kind == "number":
        try:
            value = float(raw.strip())
        except ValueError:
            raise ApiError(400, "not_number", parameter=param.name, value=raw) from None
        if (
            not (value == value and abs(value) != float("inf"))
            or (param.minimum is not None and value < param.minimum)
            or (param.maximum is not None and value > param.maximum)
        ):
            raise ApiError(
                400,
                "out_of_range",
                parameter=param.name,
                value=raw,
                minimum=_num(param.minimum),
                maximum=_num(param.maximum),
            )
        return value
    items = list(dict.fromkeys(p.strip() for p in raw.split(",") if p.strip()))
    if not items:
        raise ApiError(400, "empty_value", parameter=param.name)
    if len(items) > MAX_ITEMS:
        raise ApiError(400, "too_many_values", parameter=param.name, maximum=MAX_ITEMS)
    if param.kind == "int_list":
        return [_as_int(param, item) for item in items]
    allowed = param.allowed(data)
    unknown = [i for i in items if i not in set(allowed)]
    if unknown:
        shown = ", ".join(allowed[:25]) + (" …" if len(allowed) > 25 else "")
        raise ApiError(
            400, "unknown_value", parameter=param.name, value=", ".join(unknown[:5]), allowed=shown
        )
    return items


# --- endpoints ---------------------------------------------------------------------------------------


@dataclass
class Ask:
    """One request to an endpoint: the build, whether it was addressed, parsed parameters, weights."""

    data: BuildData
    addressed: bool
    params: dict[str, Any]
    path_values: dict[str, str] = field(default_factory=dict)
    weights: IndexWeights | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def get(self, name: str, default: Any = ()) -> Any:
        value = self.params.get(name)
        return default if value is None else value


@dataclass(frozen=True)
class Endpoint:
    """One API resource. `kind`: `list` (paginated rows), `rows` (all rows), `object`, `document`
    (plain JSON, no envelope) or `file` (a download)."""

    name: str
    path: str  # OpenAPI form, relative to /api/v1, e.g. "/cities/{city_id}"
    tag: str
    handler: Callable[[Ask], Any]
    params: tuple[Param, ...] = ()
    kind: str = "list"
    per_build: bool = True
    weights: bool = False
    live: bool = False  # latest-build answer changes with saved action updates
    daily: bool = False  # the answer depends on today's date (overdue flags)
    provenance: str = "Provenance"  # schema of the rows' status, source_id and scope ("" for none)

    @property
    def path_names(self) -> list[str]:
        return re.findall(r"{(\w+)}", self.path)


def plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as Python objects: JSON encoding then skips an Arrow conversion per request."""
    out = frame.copy()
    for column in out.columns:
        if not (pd.api.types.is_numeric_dtype(out[column]) or pd.api.types.is_bool_dtype(out[column])):
            out[column] = out[column].astype(object).where(out[column].notna(), None)
    return out


FILTERS = {
    "city": "city_id",
    "indicator": "indicator_id",
    "status": "status",
    "scope": "scope",
    "dimension": "dimension",
    "category": "category_id",
    "hazard": "hazard_type",
    "level": "level",
    "variable": "variable",
    "scenario": "scenario",
}


def select(ask: Ask, frame: pd.DataFrame, year: pd.Series | None = None) -> pd.DataFrame:
    """The rows matching every filter the request gives (FILTERS, `year`, `year_from`, `year_to`)."""
    keep = np.ones(len(frame), dtype=bool)
    for param, column in FILTERS.items():
        wanted = ask.params.get(param)
        if wanted and column in frame:
            keep &= frame[column].isin(wanted).to_numpy()
    if year is None and "year" in frame:
        year = frame["year"]
    if year is not None:
        year = pd.to_numeric(year, errors="coerce").to_numpy(dtype=float)
        if ask.params.get("year"):
            keep &= np.isin(year, [float(y) for y in ask.params["year"]])
        if ask.params.get("year_from") is not None:
            keep &= year >= ask.params["year_from"]
        if ask.params.get("year_to") is not None:
            keep &= year <= ask.params["year_to"]
    return frame[keep]


def _table(ask: Ask, name: str, make: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """A prepared table of the build (made once per process and build)."""
    try:
        return memo(ask.data, name, None, lambda: plain(make()))
    except KeyError as err:
        raise ApiError(404, "not_in_build", value=str(err).strip("'\"")) from err


def _index(ask: Ask):
    """The index for the request's weights: the stored one for the defaults, else recomputed."""
    weights = compare.full_weights(ask.data, ask.weights)
    key = compare.weights_key(weights)
    if key == compare.weights_key(compare.full_weights(ask.data, None)):
        return memo(ask.data, "index", key, lambda: open_data.stored_index(ask.data))
    if not ask.addressed:
        return data_access.compare_index(ask.weights)
    return memo(ask.data, "index", key, lambda: compare.index_for(ask.data, weights))


def ep_root(ask: Ask) -> dict:
    base = request.url_root.rstrip("/") + PREFIX
    return {
        "documentation": request.url_root.rstrip("/") + DOCS_PAGE,
        "openapi": f"{base}/openapi.json",
        "builds": f"{base}/builds",
        "datapackage": f"{base}/datapackage.zip",
        "resources": {e.name: base + e.path for e in ENDPOINTS if e.per_build and "{" not in e.path},
    }


def ep_openapi(ask: Ask) -> dict:
    return openapi_document(problem_lang())


def ep_builds(ask: Ask) -> pd.DataFrame:
    current = data_access.get_data().path.name
    rows = [ref.as_dict(current) for ref in published()]
    return pd.DataFrame(rows, columns=["id", "build_id", "built_at", "cities", "indicators", "latest"])


def ep_build(ask: Ask) -> dict:
    base = request.url_root.rstrip("/") + f"{PREFIX}/builds/{ask.data.path.name}"
    return {
        "id": ask.data.path.name,
        "manifest": ask.data.manifest,
        "latest": ask.data.path.name == data_access.get_data().path.name,
        "resources": {e.name: base + e.path for e in ENDPOINTS if e.per_build and "{" not in e.path},
    }


def ep_cities(ask: Ask) -> pd.DataFrame:
    return select(ask, _table(ask, "cities", lambda: open_data.cities(ask.data)))


def ep_city(ask: Ask) -> dict:
    city_id = ask.path_values["city_id"]
    frame = _table(ask, "cities", lambda: open_data.cities(ask.data))
    row = frame[frame["city_id"] == city_id]
    if row.empty:
        raise ApiError(404, "unknown_city", value=city_id)
    index = [r for r in ep_index(ask) if r["city_id"] == city_id]
    ask.meta.clear()
    return {**row.iloc[0].to_dict(), "index": index[0] if index else None}


def ep_indicators(ask: Ask) -> pd.DataFrame:
    return select(ask, _table(ask, "catalogue", lambda: open_data.indicator_catalogue(ask.data)))


def ep_indicator(ask: Ask) -> dict:
    indicator_id = ask.path_values["indicator_id"]
    frame = _table(ask, "catalogue", lambda: open_data.indicator_catalogue(ask.data))
    row = frame[frame["indicator_id"] == indicator_id]
    if row.empty:
        raise ApiError(404, "unknown_indicator", value=indicator_id)
    return row.iloc[0].to_dict()


def ep_sources(ask: Ask) -> pd.DataFrame:
    return _table(ask, "sources", lambda: open_data.sources(ask.data))


def ep_values(ask: Ask) -> pd.DataFrame:
    return select(ask, _table(ask, "values", lambda: open_data.values(ask.data)))


def ep_index(ask: Ask) -> list[dict]:
    weights = compare.full_weights(ask.data, ask.weights)
    ask.meta["weights"] = open_data.weights_used(ask.data, weights)
    rows = memo(
        ask.data,
        "index_rows",
        compare.weights_key(weights),
        lambda: open_data.finite(open_data.index_rows(ask.data, _index(ask))),
    )
    cities = set(ask.get("city"))
    return [r for r in rows if r["city_id"] in cities] if cities else rows


def ep_stability(ask: Ask) -> list[dict]:
    cities = ask.get("city") or ask.data["cities"]["city_id"].tolist()
    weights = compare.full_weights(ask.data, ask.weights)
    draws, concentration, seed = ask.get("draws"), ask.get("concentration"), ask.get("seed")
    ask.meta.update(
        weights=open_data.weights_used(ask.data, weights), draws=draws, concentration=concentration, seed=seed
    )
    key = (tuple(cities), compare.weights_key(weights), draws, concentration, seed)
    shares = memo(
        ask.data,
        "stability",
        key,
        lambda: compare.rank_shares(
            ask.data, _index(ask), cities, weights, draws=draws, concentration=concentration, seed=seed
        ),
    )
    return open_data.finite(open_data.stability_rows(shares))


def ep_hazards(ask: Ask) -> pd.DataFrame:
    return select(ask, _table(ask, "hazards", lambda: open_data.hazards(ask.data)))


def ep_events(ask: Ask) -> pd.DataFrame:
    frame = _table(ask, "events", lambda: open_data.events(ask.data))
    return select(ask, frame, year=frame["start_date"].astype(str).str[:4])


def ep_losses(ask: Ask) -> pd.DataFrame:
    return open_data.losses(ep_events(ask), by_hazard=ask.get("group") == "hazard")


def ep_climate(ask: Ask) -> pd.DataFrame:
    return select(ask, _table(ask, "climate", lambda: open_data.climate(ask.data)))


def ep_outlook(ask: Ask) -> pd.DataFrame:
    weights = compare.full_weights(ask.data, ask.weights)
    ask.meta["weights"] = open_data.weights_used(ask.data, weights)
    if not ask.addressed:
        result = data_access.outlook(ask.weights)
    else:
        result = memo(
            ask.data,
            "outlook",
            compare.weights_key(weights),
            lambda: outlook_domain.project(ask.data, weights),
        )
    ask.meta["method"] = {
        k: result.meta[k] for k in ("draws", "concentration", "seed", "reference_year", "members")
    }
    frame = memo(
        ask.data, "outlook_rows", compare.weights_key(weights), lambda: plain(open_data.outlook(result))
    )
    frame = select(ask, frame)
    if ask.get("horizon"):
        frame = frame[frame["horizon"].isin([int(h) for h in ask.get("horizon")])]
    return frame


def _current_actions(ask: Ask) -> pd.DataFrame:
    """The latest build: plans with the updates saved since (as the public page); an addressed
    build: its plans as published."""
    if not ask.addressed:
        frame = data_access.actions_current()
        ask.meta["updates_unavailable"] = data_access.updates_unavailable()
        ask.meta["includes_saved_updates"] = not data_access.updates_unavailable()
        return frame
    ask.meta["includes_saved_updates"] = False
    return _table(
        ask, "actions", lambda: current_actions(ask.data["actions"], None, ask.data["action_updates"])
    )


def ep_actions(ask: Ask) -> pd.DataFrame:
    essentials = [int(e) for e in ask.get("essential")]
    return open_data.actions(
        _current_actions(ask), date.today(), ask.get("city"), ask.get("status"), ask.get("hazard"), essentials
    )


def ep_progress(ask: Ask) -> pd.DataFrame:
    return open_data.action_progress(_current_actions(ask), date.today(), ask.get("city"))


def ep_datapackage(ask: Ask) -> bytes:
    """The build's Data Package as a zip, made once per build and kept in the cache folder."""
    folder = settings.cache_dir / "datapackage"
    path = folder / f"{ask.data.path.name}.zip"
    if path.exists():
        return path.read_bytes()
    body = package_zip(ask.data)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{path.name}.{threading.get_ident()}.tmp"
    tmp.write_bytes(body)
    tmp.replace(path)
    return body


ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("root", "/", "meta", ep_root, kind="object", per_build=False, provenance=""),
    Endpoint("openapi", "/openapi.json", "meta", ep_openapi, kind="document", per_build=False, provenance=""),
    Endpoint("builds", "/builds", "builds", ep_builds, PAGING, per_build=False, provenance=""),
    Endpoint(
        "build", "/builds/{build_id}", "builds", ep_build, kind="object", per_build=False, provenance=""
    ),
    Endpoint("cities", "/cities", "places", ep_cities, (CITY,) + PAGING, provenance=""),
    Endpoint("city", "/cities/{city_id}", "places", ep_city, kind="object", provenance=""),
    Endpoint(
        "indicators", "/indicators", "catalogue", ep_indicators, (DIMENSION, CATEGORY) + PAGING, provenance=""
    ),
    Endpoint(
        "indicator", "/indicators/{indicator_id}", "catalogue", ep_indicator, kind="object", provenance=""
    ),
    Endpoint("sources", "/sources", "catalogue", ep_sources, PAGING, provenance=""),
    Endpoint(
        "values",
        "/values",
        "figures",
        ep_values,
        (CITY, INDICATOR, YEAR, STATUS, SCOPE, DIMENSION, CATEGORY) + PAGING,
    ),
    Endpoint("index", "/index", "index", ep_index, (CITY,), kind="rows", weights=True),
    Endpoint(
        "stability",
        "/index/stability",
        "index",
        ep_stability,
        (CITY, DRAWS, CONCENTRATION, SEED),
        kind="rows",
        weights=True,
    ),
    Endpoint("hazards", "/hazards", "hazards", ep_hazards, (CITY, HAZARD, LEVEL, STATUS) + PAGING),
    Endpoint(
        "events", "/events", "hazards", ep_events, (CITY, HAZARD, SCOPE, STATUS, YEAR_FROM, YEAR_TO) + PAGING
    ),
    Endpoint(
        "losses",
        "/losses",
        "hazards",
        ep_losses,
        (CITY, HAZARD, SCOPE, STATUS, YEAR_FROM, YEAR_TO, GROUP) + PAGING,
    ),
    Endpoint(
        "climate",
        "/climate",
        "climate",
        ep_climate,
        (CITY, VARIABLE, CLIMATE_SCENARIO, YEAR_FROM, YEAR_TO) + PAGING,
    ),
    Endpoint(
        "outlook", "/outlook", "climate", ep_outlook, (CITY, OUTLOOK_SCENARIO, HORIZON) + PAGING, weights=True
    ),
    Endpoint(
        "actions",
        "/actions",
        "actions",
        ep_actions,
        (CITY, ACTION_STATUS, HAZARD, ESSENTIAL) + PAGING,
        live=True,
        daily=True,
        provenance="ActionProvenance",
    ),
    Endpoint(
        "progress", "/actions/progress", "actions", ep_progress, (CITY,) + PAGING, live=True, daily=True
    ),
    Endpoint("datapackage", "/datapackage.zip", "builds", ep_datapackage, kind="file", provenance=""),
)
PATH_LOOKUP = {"city_id": 64, "indicator_id": 128, "build_id": 64}


# --- answering ---------------------------------------------------------------------------------------


def _etag(endpoint: Endpoint, data: BuildData, addressed: bool) -> str:
    """Weak validator of an answer: code version, build folder, path and query, plus the editing
    database's stamp (live answers) and the day (answers with overdue flags)."""
    parts = [
        _CODE,
        data.path.name,
        request.path,
        "&".join(sorted(f"{k}={v}" for k, v in request.args.items(multi=True))),
    ]
    if endpoint.live and not addressed:
        try:
            parts.append(data_access.actions_stamp())
        except data_access.DATABASE_ERRORS:
            parts.append("database-unavailable")
    if endpoint.daily:
        parts.append(date.today().isoformat())
    return hashlib.sha256("\n".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _cache_control(endpoint: Endpoint, addressed: bool) -> str:
    if endpoint.live and not addressed:
        return CACHE_LIVE
    if endpoint.daily:
        return CACHE_DAILY
    return CACHE_ADDRESSED if addressed else CACHE_LATEST


def parse_query(endpoint: Endpoint, data: BuildData) -> tuple[dict[str, Any], IndexWeights | None]:
    """Every query parameter checked: unknown names, bad values and weights are ApiErrors."""
    known = {p.name: p for p in endpoint.params}
    params: dict[str, Any] = {p.name: p.default for p in endpoint.params}
    weight_args: dict[str, str] = {}
    for name in request.args:
        values = request.args.getlist(name)
        if name == "lang":
            if values[-1] not in ("ru", "en"):
                raise ApiError(400, "unknown_value", parameter="lang", value=values[-1], allowed="ru, en")
            continue
        if endpoint.weights and name.startswith(compare.WEIGHT_PREFIX):
            weight_args[name] = values[-1]
            continue
        param = known.get(name)
        if param is None:
            allowed = ", ".join(["lang", *known] + (["w_<dimension|category>"] if endpoint.weights else []))
            raise ApiError(400, "unknown_parameter", parameter=name, allowed=allowed)
        raw = ",".join(values) if param.kind in ("list", "int_list") else values[-1]
        params[name] = parse_param(param, raw, data)
    weights = None
    if weight_args:
        weights, rejected = memo(
            data,
            "weights",
            tuple(sorted(weight_args.items())),
            lambda: compare.parse_weights(weight_args, data),
        )
        if rejected:
            name, value = rejected[0]
            raise ApiError(
                400,
                "bad_weight",
                parameter=name,
                value=value,
                minimum=_num(compare.WEIGHT_MIN),
                maximum=_num(compare.WEIGHT_MAX),
            )
    return params, weights


def _links(total: int, limit: int, offset: int) -> dict[str, str | None]:
    args = [(k, v) for k, v in request.args.items(multi=True) if k not in ("limit", "offset")]
    base = request.base_url

    def at(start: int) -> str:
        return f"{base}?{urlencode(args + [('limit', limit), ('offset', start)])}"

    return {
        "self": at(offset),
        "next": at(offset + limit) if offset + limit < total else None,
        "prev": at(max(0, offset - limit)) if offset > 0 else None,
    }


def _build_info(data: BuildData, addressed: bool) -> dict:
    return {
        "id": data.path.name,
        "build_id": data.build_id,
        "built_at": data.manifest.get("built_at"),
        "addressed": addressed,
    }


def envelope(endpoint: Endpoint, ask: Ask, result: Any) -> str:
    """The JSON answer: build, the query as understood, paging, links and the data."""
    head: dict[str, Any] = {"api_version": API_VERSION, "build": _build_info(ask.data, ask.addressed)}
    query = {k: v for k, v in ask.params.items() if v not in (None, ()) and k not in ("limit", "offset")}
    head["query"] = query
    if endpoint.kind == "list":
        frame: pd.DataFrame = result
        limit, offset = ask.params.get("limit", DEFAULT_LIMIT), ask.params.get("offset", 0)
        page = frame.iloc[offset : offset + limit]
        head["meta"] = {
            "total": int(len(frame)),
            "count": int(len(page)),
            "limit": limit,
            "offset": offset,
            **ask.meta,
        }
        head["links"] = _links(len(frame), limit, offset)
        rows = page.to_json(orient="records", force_ascii=False, double_precision=15, date_format="iso")
        return json.dumps(open_data.finite(head), ensure_ascii=False)[:-1] + ',"data":' + rows + "}"
    if endpoint.kind == "rows":  # rows made JSON-safe when they were computed
        head["meta"] = {"total": len(result), "count": len(result), **ask.meta}
        return (
            json.dumps(open_data.finite(head), ensure_ascii=False)[:-1]
            + ',"data":'
            + json.dumps(result, ensure_ascii=False, default=str)
            + "}"
        )
    if ask.meta:
        head["meta"] = ask.meta
    head["data"] = result
    return json.dumps(open_data.finite(head), ensure_ascii=False, default=str)


def answer(endpoint: Endpoint, path_values: dict[str, str]) -> Response:
    if len(request.query_string) > MAX_QUERY:
        raise ApiError(414, "query_too_long", maximum=MAX_QUERY)
    for name, value in path_values.items():
        if len(value) > PATH_LOOKUP.get(name, 64):
            raise ApiError(404, f"unknown_{name.removesuffix('_id')}", value=value)
    build_id = path_values.pop("build_id", None) if endpoint.per_build or endpoint.name == "build" else None
    data, addressed = resolve_build(build_id)
    etag = _etag(endpoint, data, addressed)
    cache_control = _cache_control(endpoint, addressed)
    if request.if_none_match and request.if_none_match.contains_weak(etag):
        response = Response(status=304)
    else:
        params, weights = parse_query(endpoint, data)
        ask = Ask(data, addressed, params, path_values, weights)
        try:
            result = endpoint.handler(ask)
        except KeyError as err:  # a table or column an older build does not have
            raise ApiError(404, "not_in_build", value=str(err).strip("'\"")) from err
        if endpoint.kind == "document":  # the OpenAPI document itself, as tools expect it
            response = Response(json.dumps(result, ensure_ascii=False), mimetype="application/json")
        elif endpoint.kind == "file":
            response = Response(
                result,
                mimetype="application/zip",
                headers={
                    "Content-Disposition": f'attachment; filename="ccca-datapackage-{data.path.name}.zip"'
                },
            )
        else:
            response = Response(envelope(endpoint, ask, result), mimetype="application/json")
    response.set_etag(etag, weak=True)
    response.headers["Cache-Control"] = cache_control
    return response


def _cors(response: Response) -> Response:
    """GETs are open to every origin (public data, no credentials)."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = "Accept, Accept-Language, If-None-Match"
    response.headers["Access-Control-Expose-Headers"] = (
        "ETag, Cache-Control, Content-Language, Retry-After, "
        "X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset"
    )
    response.headers["Access-Control-Max-Age"] = "86400"
    return response


def _view(endpoint: Endpoint) -> Callable[..., Response]:
    def view(**path_values: str) -> Response:
        return answer(endpoint, dict(path_values))

    view.__name__ = f"api_{endpoint.name}"
    return view


def flask_rule(path: str) -> str:
    return re.sub(r"{(\w+)}", r"<\1>", path)


def rules() -> list[tuple[str, Endpoint]]:
    """Every (Flask rule, endpoint) pair the API serves."""
    out = []
    for endpoint in ENDPOINTS:
        out.append((PREFIX + flask_rule(endpoint.path), endpoint))
        if endpoint.per_build:
            out.append((f"{PREFIX}/builds/<build_id>" + flask_rule(endpoint.path), endpoint))
    return out


def make_blueprint() -> Blueprint:
    bp = Blueprint("api", __name__)
    for rule, endpoint in rules():
        name = endpoint.name + ("_in_build" if "<build_id>" in rule and endpoint.name != "build" else "")
        bp.add_url_rule(rule, name, _view(endpoint), methods=["GET"])

    def download_latest() -> Response:
        return answer(next(e for e in ENDPOINTS if e.name == "datapackage"), {})

    bp.add_url_rule("/download/datapackage.zip", "download_datapackage", download_latest, methods=["GET"])

    def elsewhere(rest: str = "") -> Response:
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            response = problem(405, "method_not_allowed", value=request.method)
            response.headers["Allow"] = "GET, HEAD, OPTIONS"
            return response
        return problem(404, "no_route", value=request.path)

    every = ["GET", "POST", "PUT", "PATCH", "DELETE"]
    bp.add_url_rule("/api/", "elsewhere_root", elsewhere, methods=every)
    bp.add_url_rule("/api/<path:rest>", "elsewhere", elsewhere, methods=every)

    @bp.errorhandler(ApiError)
    def refused(err: ApiError):
        return problem(err.status, err.code, **err.values)

    @bp.errorhandler(HTTPException)
    def http_error(err: HTTPException):
        if err.code == 429:  # Flask-Limiter's RateLimitExceeded
            return problem(429, "rate_limited", limit=str(getattr(err, "description", "") or ""))
        return problem(err.code or 400, "bad_request", value=err.name)

    @bp.errorhandler(Exception)
    def failed(err: Exception):  # a bug: logged, and still a problem document
        log.exception("API request %s failed", request.path[:200])
        return problem(500, "internal")

    bp.after_request(_cors)
    limiter.limit(lambda: settings.api_rate_limit)(bp)
    return bp


# --- the OpenAPI 3.1 document, made from ENDPOINTS ------------------------------------------------------


def _schema(param: Param) -> dict:
    if param.kind == "int":
        schema: dict = {"type": "integer"}
    elif param.kind == "number":
        schema = {"type": "number"}
    elif param.kind == "int_list":
        schema = {"type": "string", "pattern": r"^[0-9]{4}(,[0-9]{4})*$"}
    else:
        schema = {"type": "string"}
        if isinstance(param.choices, tuple) and param.choices:
            schema["description"] = "one or more of, comma-separated: " + ", ".join(param.choices)
            schema["examples"] = [param.choices[0]]
    if param.minimum is not None and param.kind in ("int", "number"):
        schema["minimum"] = param.minimum
    if param.maximum is not None and param.kind in ("int", "number"):
        schema["maximum"] = param.maximum
    if param.default is not None:
        schema["default"] = param.default
    return schema


def _parameter(param: Param, lang: str) -> dict:
    return {
        "name": param.name,
        "in": "query",
        "required": False,
        "description": t(f"api.param.{param.name}", lang),
        "schema": _schema(param),
    }


def _path_parameter(name: str, lang: str) -> dict:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": t(f"api.param.{name}", lang),
        "schema": {"type": "string", "maxLength": PATH_LOOKUP.get(name, 64)},
    }


def _operation(endpoint: Endpoint, in_build: bool, lang: str) -> dict:
    names = (["build_id"] if in_build else []) + endpoint.path_names
    parameters = [_path_parameter(n, lang) for n in names]
    parameters += [_parameter(p, lang) for p in endpoint.params]
    parameters.append({"$ref": "#/components/parameters/lang"})
    if endpoint.weights:
        parameters.append({"$ref": "#/components/parameters/weights"})
    problems = {"400": "BadRequest", "404": "NotFound", "414": "TooLong", "429": "TooMany"}
    if endpoint.kind == "document":
        ok = {
            "description": t("api.response.document", lang),
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    elif endpoint.kind == "file":
        ok = {
            "description": t("api.response.file", lang),
            "content": {
                "application/zip": {"schema": {"type": "string", "contentMediaType": "application/zip"}}
            },
        }
    else:
        data_schema: dict = {}
        if endpoint.kind in ("list", "rows"):
            item = (
                {"$ref": f"#/components/schemas/{endpoint.provenance}"}
                if endpoint.provenance
                else {"type": "object"}
            )
            data_schema = {"type": "array", "items": item}
        else:
            data_schema = {"type": "object"}
        ok = {
            "description": t("api.response.ok", lang),
            "headers": {
                "ETag": {"$ref": "#/components/headers/ETag"},
                "Cache-Control": {"$ref": "#/components/headers/CacheControl"},
            },
            "content": {
                "application/json": {
                    "schema": {
                        "allOf": [
                            {"$ref": "#/components/schemas/Envelope"},
                            {"properties": {"data": data_schema}},
                        ]
                    }
                }
            },
        }
    op_id = endpoint.name + ("InBuild" if in_build else "")
    return {
        "operationId": op_id,
        "tags": [endpoint.tag],
        "summary": t(f"api.ep.{endpoint.name}", lang),
        "description": t(f"api.ep.{endpoint.name}.text", lang)
        + (" " + t("api.in_build", lang) if in_build else ""),
        "parameters": parameters,
        "responses": {
            "200": ok,
            "304": {"description": t("api.response.not_modified", lang)},
            **{code: {"$ref": f"#/components/responses/{name}"} for code, name in problems.items()},
        },
    }


def openapi_document(lang: str = "en") -> dict:
    """The OpenAPI 3.1 description of the API, made from ENDPOINTS (texts in `lang`)."""
    paths: dict[str, dict] = {}
    for endpoint in ENDPOINTS:
        paths[PREFIX + endpoint.path] = {"get": _operation(endpoint, False, lang)}
        if endpoint.per_build:
            paths[f"{PREFIX}/builds/{{build_id}}" + endpoint.path] = {"get": _operation(endpoint, True, lang)}
    problem_response = {"content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": t("api.title", lang),
            "version": API_VERSION,
            "description": t("api.description", lang),
        },
        "servers": [{"url": "/"}],
        "tags": [
            {"name": tag, "description": t(f"api.tag.{tag}", lang)}
            for tag in dict.fromkeys(e.tag for e in ENDPOINTS)
        ],
        "paths": paths,
        "components": {
            "parameters": {
                "lang": {
                    "name": "lang",
                    "in": "query",
                    "required": False,
                    "description": t("api.param.lang", lang),
                    "schema": {"type": "string", "enum": ["ru", "en"]},
                },
                "weights": {
                    "name": "weights",
                    "in": "query",
                    "required": False,
                    "style": "form",
                    "explode": True,
                    "description": t("api.param.weights", lang),
                    "schema": {
                        "type": "object",
                        "propertyNames": {"pattern": "^w_[a-z_]+$"},
                        "additionalProperties": {
                            "type": "number",
                            "minimum": compare.WEIGHT_MIN,
                            "maximum": compare.WEIGHT_MAX,
                        },
                    },
                },
            },
            "headers": {
                "ETag": {"description": t("api.header.etag", lang), "schema": {"type": "string"}},
                "CacheControl": {"description": t("api.header.cache", lang), "schema": {"type": "string"}},
            },
            "responses": {
                "BadRequest": {"description": t("api.response.bad", lang), **problem_response},
                "NotFound": {"description": t("api.response.not_found", lang), **problem_response},
                "TooLong": {"description": t("api.response.too_long", lang), **problem_response},
                "TooMany": {"description": t("api.response.too_many", lang), **problem_response},
            },
            "schemas": {
                "Problem": {
                    "type": "object",
                    "required": ["type", "title", "status", "detail"],
                    "properties": {
                        "type": {"type": "string"},
                        "title": {"type": "string"},
                        "status": {"type": "integer"},
                        "detail": {"type": "string"},
                        "code": {"type": "string"},
                        "instance": {"type": "string"},
                        "parameter": {"type": "string"},
                        "value": {"type": "string"},
                        "allowed": {"type": "string"},
                    },
                },
                "Envelope": {
                    "type": "object",
                    "required": ["api_version", "build", "data"],
                    "properties": {
                        "api_version": {"type": "string"},
                        "build": {
                            "type": "object",
                            "properties": {
                                "id": {"type": "string"},
                                "build_id": {"type": "string"},
                                "built_at": {"type": "string"},
                                "addressed": {"type": "boolean"},
                            },
                        },
                        "query": {"type": "object"},
                        "meta": {
                            "type": "object",
                            "properties": {
                                "total": {"type": "integer"},
                                "count": {"type": "integer"},
                                "limit": {"type": "integer"},
                                "offset": {"type": "integer"},
                            },
                        },
                        "links": {
                            "type": "object",
                            "properties": {
                                "self": {"type": "string"},
                                "next": {"type": ["string", "null"]},
                                "prev": {"type": ["string", "null"]},
                            },
                        },
                        "data": {},
                    },
                },
                "Provenance": {
                    "type": "object",
                    "required": ["status", "source_id", "scope"],
                    "description": t("api.provenance", lang),
                    "properties": {
                        "status": {"type": ["string", "null"], "enum": [*open_data.STATUSES, None]},
                        "source_id": {"type": ["string", "null"]},
                        "scope": {"type": ["string", "null"], "enum": [*open_data.SCOPES, None]},
                    },
                    "additionalProperties": True,
                },
                "ActionProvenance": {
                    "type": "object",
                    "required": ["status", "data_status", "source_id", "scope"],
                    "description": t("api.action_provenance", lang),
                    "properties": {
                        "status": {"type": "string"},
                        "data_status": {"type": ["string", "null"], "enum": [*open_data.STATUSES, None]},
                        "source_id": {"type": ["string", "null"]},
                        "scope": {"type": ["string", "null"], "enum": [*open_data.SCOPES, None]},
                    },
                    "additionalProperties": True,
                },
            },
        },
    }


def init_app(server: Flask) -> None:
    """Register the API (after services.auth, whose limiter it shares)."""
    server.register_blueprint(make_blueprint())
