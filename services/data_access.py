"""Cached access to the current data build.

The build is read once per process and re-read when `data/build` points at a new build.
Query results are memoized by flask-caching with the build id in the key, so a new build
invalidates them. Backend: file system by default (shared by gunicorn workers), Redis when
CACHE_REDIS_URL is set.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from datetime import date
from pathlib import Path

import flask
import pandas as pd
from flask_caching import Cache
from sqlalchemy.exc import SQLAlchemyError

from domain import actions as actions_domain
from domain import city_plans, climate, compare, losses, publications, queries
from domain import outlook as outlook_domain  # `outlook()` below is the cached projection
from domain.actions import current_actions
from domain.queries import BuildData, load_build
from services import db
from services.config import settings

log = logging.getLogger(__name__)
cache = Cache()
_lock = threading.Lock()
_loaded: dict[str, BuildData] = {}
_serving: list[BuildData] = []  # the build answered with last (kept if the next one is unreadable)
_unreadable: dict[str, float] = {}  # build key -> when it failed to load
_unreadable_reason: dict[str, str] = {}  # build key -> why (for /healthz)
DATABASE_ERRORS = (SQLAlchemyError, OSError)  # the editing database is down or unreachable
_db_warned_at = -1e9


def cache_config() -> dict:
    """flask-caching configuration for the configured backend (an unusable folder switches the
    file cache off instead of failing: services/resilient_cache.py)."""
    try:
        settings.cache_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        log.warning("cannot make the cache folder %s (%s)", settings.cache_dir, err)
    if (
        settings.cache_redis_url
    ):  # Redis, with the file cache while Redis is down (services/resilient_cache.py)
        return {
            "CACHE_TYPE": "services.resilient_cache.ResilientRedisCache",
            "CACHE_REDIS_URL": settings.cache_redis_url,
            "CACHE_DIR": str(settings.cache_dir),
            "CACHE_THRESHOLD": 2000,
            "CACHE_DEFAULT_TIMEOUT": settings.cache_timeout,
            "CACHE_KEY_PREFIX": "ccca:",
        }
    return {
        "CACHE_TYPE": "services.resilient_cache.GuardedFileSystemCache",
        "CACHE_DIR": str(settings.cache_dir),
        "CACHE_DEFAULT_TIMEOUT": settings.cache_timeout,
        "CACHE_THRESHOLD": 2000,
    }


def current_build_key() -> str:
    """Identity of the build `data/build` points at now (cheap: one readlink)."""
    path = settings.data_build_dir
    try:
        return os.readlink(path) if path.is_symlink() else str(path.resolve())
    except OSError:
        return str(path)


def get_data() -> BuildData:
    """The current build, loaded once per process and reloaded after a new build.

    If the build `data/build` points at cannot be read (a table corrupted on disk), the build
    served so far keeps serving, or else the newest readable one under `data/builds/`; the broken
    one is retried a minute later."""
    key = current_build_key()
    data = _loaded.get(key)
    if data is None:
        with _lock:
            data = _loaded.get(key)
            if data is None:
                failed_at = _unreadable.get(key)
                if failed_at is not None and time.monotonic() - failed_at < 60 and _serving:
                    return _serving[0]
                try:
                    data = load_build(settings.data_build_dir)
                except Exception as err:  # noqa: BLE001 - any unreadable table: keep the last good build
                    data = _previous_good_build(key, err)
                    return data
                _unreadable.pop(key, None)
                _unreadable_reason.pop(key, None)
                _loaded.clear()
                _loaded[key] = data
                _serving[:] = [data]
                log.info("loaded data build %s", data.build_id)
    return data


def build_health() -> dict:
    """Which build this process serves, and whether it fell back from a damaged current one."""
    data = get_data()
    key = current_build_key()
    reason = _unreadable_reason.get(key)
    return {
        "build": data.build_id,
        "fallback": reason is not None,
        **({"unreadable": Path(key).name, "reason": reason} if reason else {}),
    }


def _previous_good_build(key: str, err: Exception) -> BuildData:
    """The build to keep serving when the current one is unreadable (raises if there is none)."""
    _unreadable[key] = time.monotonic()
    _unreadable_reason[key] = str(err)[:200]
    log.error("data build %s is unreadable (%s); keeping the previous good build", key, str(err)[:200])
    if _serving:
        return _serving[0]
    builds = settings.data_build_dir.parent / "builds"
    current = settings.data_build_dir.resolve()
    candidates = (
        sorted(
            (p for p in builds.glob("*") if p.is_dir() and not p.name.startswith(".") and p != current),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
        if builds.is_dir()
        else []
    )
    for candidate in candidates:
        try:
            data = load_build(candidate)
        except Exception:  # noqa: BLE001 - try the next older build
            continue
        _serving[:] = [data]
        return data
    raise err


@cache.memoize()
def _ranking(build_id: str, lang: str) -> pd.DataFrame:
    return queries.ranking(get_data(), lang)


@cache.memoize()
def _headline(build_id: str, lang: str) -> pd.DataFrame:
    return queries.headline(get_data(), lang)


@cache.memoize()
def _catalogue(build_id: str, lang: str) -> pd.DataFrame:
    return queries.indicator_catalogue(get_data(), lang)


@cache.memoize()
def _sources(build_id: str) -> pd.DataFrame:
    return queries.sources_table(get_data())


@cache.memoize()
def _status_summary(build_id: str) -> pd.DataFrame:
    return queries.status_summary(get_data())


def ranking(lang: str) -> pd.DataFrame:
    """Cities ranked by risk (cached per build and language)."""
    return _ranking(get_data().build_id, lang)


def headline(lang: str) -> pd.DataFrame:
    """Overview card figures per city (cached)."""
    return _headline(get_data().build_id, lang)


def catalogue(lang: str) -> pd.DataFrame:
    """Indicator catalogue with coverage (cached)."""
    return _catalogue(get_data().build_id, lang)


def sources() -> pd.DataFrame:
    """Sources with their number of uses (cached)."""
    return _sources(get_data().build_id)


def scope_table(lang: str) -> pd.DataFrame:
    """Per city: latest index inputs by scope (city, region, country), with names in `lang`."""
    return queries.scope_table(get_data(), lang)


def status_summary() -> pd.DataFrame:
    """Counts of values by status (cached)."""
    return _status_summary(get_data().build_id)


# --- compare page and city profiles (domain/compare.py), keyed by build id and weights ---


@cache.memoize()
def _compare_index(build_id: str, weights_key: tuple):
    return compare.index_for(get_data(), compare.weights_from_key(weights_key))


@cache.memoize()
def _rank_shares(
    build_id: str, city_ids: tuple, weights_key: tuple, draws: int, concentration: float, seed: int
) -> pd.DataFrame:
    weights = compare.weights_from_key(weights_key)
    result = _compare_index(build_id, weights_key)
    return compare.rank_shares(
        get_data(), result, list(city_ids), weights, draws=draws, concentration=concentration, seed=seed
    )


@cache.memoize()
def _city_explained(build_id: str, city_id: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    data = get_data()
    weights = compare.default_weights(data)
    result = _compare_index(build_id, compare.weights_key(weights))
    decomposition = compare.city_decomposition(data, city_id, weights, result=result)
    return decomposition, compare.strongest_drivers(
        data, city_id, weights, result=result, decomposition=decomposition
    )


def compare_index(weights):
    """The index recomputed with the compare page's weights (IndexWeights; cached per weights)."""
    data = get_data()
    return _compare_index(data.build_id, compare.weights_key(compare.full_weights(data, weights)))


def rank_shares(
    city_ids: list[str], weights, draws: int = 2000, concentration: float = 20.0, seed: int = 0
) -> pd.DataFrame:
    """Share of seeded random weightings in which each chosen city takes each rank (cached)."""
    data = get_data()
    key = compare.weights_key(compare.full_weights(data, weights))
    return _rank_shares(data.build_id, tuple(city_ids), key, int(draws), float(concentration), int(seed))


def city_explained(city_id: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A city's decomposition against the coalition median and its strongest drivers (cached)."""
    return _city_explained(get_data().build_id, city_id)


# --- action plans (domain/actions.py): baseline from the build + updates saved in the database ---
# The key holds the database's stamp (count and last id of saved updates), so a save shows at once.


def actions_stamp() -> str:
    """Changes with every saved update (one cheap query)."""
    return db.stamp(db.get_engine())


@cache.memoize()
def _actions_current(build_id: str, stamp: str) -> pd.DataFrame:
    data = get_data()
    return current_actions(_public_plans(data), db.states_frame(db.get_engine()), data["action_updates"])


def _public_plans(data: BuildData) -> pd.DataFrame:
    """The build's demonstration plans, each replaced by its city's own plan once the city did so."""
    engine = db.get_engine()
    baseline = data["actions"]
    return city_plans.public_plans(
        baseline,
        db.plan_actions_frame(engine),
        set(db.real_plan_cities(engine)),
        city_plans.funder_names(baseline),
    )


def city_plan_actions(city_id: str) -> pd.DataFrame:
    """Every action of a city that its editors may report on: the public ones and the city's own
    drafts (written but not yet replacing the demonstration plan). Never cached: private."""
    data = get_data()
    engine = db.get_engine()
    baseline = data["actions"]
    real = set(db.real_plan_cities(engine))
    authored = db.plan_actions_frame(engine, city_id)
    public = city_plans.public_plans(
        baseline[baseline["city_id"] == city_id], authored, real, city_plans.funder_names(baseline)
    )
    if city_id not in real and len(authored):
        drafts = city_plans.authored_as_actions(authored, city_plans.funder_names(baseline))
        public = pd.concat([public, drafts.reindex(columns=public.columns)], ignore_index=True)
    return current_actions(public, db.states_frame(engine), data["action_updates"])


@cache.memoize()
def _actions_app_updates(build_id: str, stamp: str) -> pd.DataFrame:
    return db.updates_frame(db.get_engine())


def actions_current() -> pd.DataFrame:
    """Every action as the public sees it now: baseline with the latest saved state laid over it.

    If the database does not answer, the baseline plans alone (and `updates_unavailable()` is
    true for this request, so the page says that recent updates are not shown)."""
    try:
        return _actions_current(get_data().build_id, actions_stamp())
    except DATABASE_ERRORS as err:
        _database_down(err)
        data = get_data()
        return current_actions(data["actions"], None, data["action_updates"])


def actions_app_updates() -> pd.DataFrame:
    """Updates saved in the app (public columns only: no user names); none while the database is down."""
    try:
        return _actions_app_updates(get_data().build_id, actions_stamp())
    except DATABASE_ERRORS as err:
        _database_down(err)
        return pd.DataFrame(columns=["action_id", "version", "status", "progress_pct", "note", "updated_at"])


ACTION_FILTERS = ("city", "status", "hazard", "essential")


def action_filters_key(filters: dict) -> tuple:
    """The filters as a cache key: each a sorted tuple (`filter_actions` reads them as sets)."""
    return tuple(tuple(sorted(filters.get(name) or (), key=str)) for name in ACTION_FILTERS)


def _computed_measures(frame: pd.DataFrame, filters_key: tuple, day: date) -> actions_domain.Measures:
    flagged = actions_domain.with_flags(actions_domain.filter_actions(frame, *filters_key), day)
    return actions_domain.measures(flagged, day, get_data()["cities"]["city_id"])


@cache.memoize()
def _action_measures(build_id: str, stamp: str, day_iso: str, filters_key: tuple) -> actions_domain.Measures:
    frame = _actions_current(build_id, stamp)
    return _computed_measures(frame, filters_key, date.fromisoformat(day_iso))


def action_measures(filters: dict, day: date) -> actions_domain.Measures:
    """The action plans page's figures of the actions matching `filters` (city, status, hazard,
    essential), flagged for `day`; cached per build, database stamp, day and filters (public)."""
    key = action_filters_key(filters)
    try:
        return _action_measures(get_data().build_id, actions_stamp(), day.isoformat(), key)
    except DATABASE_ERRORS as err:
        _database_down(err)
        return _computed_measures(actions_current(), key, day)


def updates_unavailable() -> bool:
    """Whether this request showed the baseline plans because the editing database did not answer."""
    return flask.has_request_context() and bool(flask.g.get("updates_unavailable"))


def _database_down(err: Exception) -> None:
    """Remember for this request that updates are missing; log it (at most once a minute per process)."""
    global _db_warned_at
    if flask.has_request_context():
        flask.g.updates_unavailable = True
    now = time.monotonic()
    if now - _db_warned_at > 60:
        _db_warned_at = now
        log.warning(
            "editing database unavailable (%s); public pages show the baseline plans",
            str(err).splitlines()[0][:200] if str(err) else type(err).__name__,
        )


# --- climate trends (/trends; domain/climate.py), keyed by build id and the page's choices ---


@cache.memoize()
def _climate_shown(
    build_id: str, city_ids: tuple, variable: str, scenarios: tuple, baseline: str, mode: str
) -> pd.DataFrame:
    return climate.shown_series(get_data(), list(city_ids), variable, list(scenarios), baseline, mode)


@cache.memoize()
def _climate_horizons(
    build_id: str, city_ids: tuple, variable: str, scenarios: tuple, baseline: str
) -> pd.DataFrame:
    return climate.horizon_table(get_data(), list(city_ids), variable, list(scenarios), baseline)


def climate_shown(
    city_ids: list[str], variable: str, scenarios: list[str], baseline: str, mode: str
) -> pd.DataFrame:
    """The series the trends chart shows: values or change from the baseline (cached)."""
    return _climate_shown(get_data().build_id, tuple(city_ids), variable, tuple(scenarios), baseline, mode)


def climate_horizons(city_ids: list[str], variable: str, scenarios: list[str], baseline: str) -> pd.DataFrame:
    """2030/2050/2080 values per city and scenario with the change from the baseline (cached)."""
    return _climate_horizons(get_data().build_id, tuple(city_ids), variable, tuple(scenarios), baseline)


# --- disaster losses (/losses; domain/losses.py): pure functions of a build, keyed by its id ---


def _computed_loss_records(data: BuildData) -> pd.DataFrame:
    return losses.loss_records(data["events"], data["event_figure_scopes"], data["losses"])


def _computed_loss_indicators(data: BuildData, city_id: str, indicator_ids: tuple) -> list:
    records = loss_records(data)
    own = losses.city_events(data["events"], records)
    population = float(data["cities"].set_index("city_id").at[city_id, "population"])
    gdp = losses.city_gdp_usd(data["indicator_values"], city_id, population)
    return [
        losses.indicator(ind, city_id, start, end, records, own, population, gdp)
        for ind in indicator_ids
        for start, end in losses.DECADES
    ]


def _computed_loss_missing(data: BuildData, city_id: str) -> list[pd.DataFrame]:
    records = loss_records(data)
    records = records[records["city_id"] == city_id]
    own = losses.city_events(data["events"], records)
    return [losses.missing_fields(city_id, records, own, start, end) for start, end in losses.DECADES]


@cache.memoize()
def _loss_missing(build_id: str, city_id: str) -> list[pd.DataFrame]:
    return _computed_loss_missing(get_data(), city_id)


@cache.memoize()
def _loss_records(build_id: str) -> pd.DataFrame:
    return _computed_loss_records(get_data())


@cache.memoize()
def _loss_indicators(build_id: str, city_id: str, indicator_ids: tuple) -> list:
    return _computed_loss_indicators(get_data(), city_id, indicator_ids)


def _is_served(data: BuildData) -> bool:
    """Whether `data` is the build being served (answers about it may come from the cache)."""
    return data.build_id == get_data().build_id


def loss_records(data: BuildData) -> pd.DataFrame:
    """Every loss record of a build: event figures and the loss table (cached for the served build)."""
    return _loss_records(data.build_id) if _is_served(data) else _computed_loss_records(data)


def loss_missing_fields(data: BuildData, city_id: str) -> list[pd.DataFrame]:
    """Per decade (`losses.DECADES`), the city's own events that lack a figure (cached for the
    served build)."""
    if _is_served(data):
        return _loss_missing(data.build_id, city_id)
    return _computed_loss_missing(data, city_id)


def loss_indicators(data: BuildData, city_id: str, indicator_ids: tuple[str, ...]) -> list:
    """A city's Sendai indicators (`losses.IndicatorValue`), each for every decade (cached for the
    served build)."""
    ids = tuple(indicator_ids)
    if _is_served(data):
        return _loss_indicators(data.build_id, city_id, ids)
    return _computed_loss_indicators(data, city_id, ids)


# --- risk outlook (/outlook and the city panel; domain/outlook.py), keyed by build id, weights and what-if ---


@cache.memoize()
def _outlook(build_id: str, weights_key: tuple, climate_scale: float, population_scale: float):
    return outlook_domain.project(
        get_data(),
        compare.weights_from_key(weights_key),
        climate_scale=climate_scale,
        population_scale=population_scale,
    )


def outlook(weights=None, climate_scale: float = 1.0, population_scale: float = 1.0):
    """The risk index projected per scenario, horizon and climate member, with ranges (cached)."""
    data = get_data()
    key = compare.weights_key(compare.full_weights(data, weights))
    return _outlook(data.build_id, key, float(climate_scale), float(population_scale))


@cache.memoize()
def _outlook_first_ranked(build_id: str) -> str | None:
    return outlook_domain.first_ranked(outlook())


def outlook_first_ranked() -> str | None:
    """The city ranked first today with the default weights: /outlook's default city (cached)."""
    return _outlook_first_ranked(get_data().build_id)


# --- published builds (the change log and the index history; public, never session-dependent) ---


def published_builds() -> pd.DataFrame:
    """Every build published from the app (oldest first); none while the database does not answer."""
    try:
        return db.published_builds_frame(db.get_engine())
    except DATABASE_ERRORS as err:
        _database_down(err)
        return pd.DataFrame(columns=["build_id", "published_by", "published_at", "submissions", "ranks"])


def change_log() -> pd.DataFrame:
    """The published submissions, newest first (domain/publications.py)."""
    builds = published_builds()
    if builds.empty:
        return publications.change_log(builds, pd.DataFrame(columns=db.SUBMISSION_COLUMNS))
    try:
        published = db.submissions_frame(db.get_engine(), statuses=("published",))
    except DATABASE_ERRORS as err:
        _database_down(err)
        published = pd.DataFrame(columns=db.SUBMISSION_COLUMNS)
    return publications.change_log(builds, published)
