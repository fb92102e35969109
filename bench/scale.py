"""Scale of the domain functions on synthetic coalitions with the real indicator catalogue.

Each synthetic city gets a value for every indicator, drawn uniformly between the indicator's
scaling bounds (log-uniform for log indicators) with a fixed seed; about 10 % are left out to
exercise the missing-value paths. Times are the median of repeats; memory is the peak traced by
tracemalloc (NumPy and pandas buffers included) during one call.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from domain.build import build
from domain.queries import load_build
from domain.risk_index import IndexWeights, compute_index, rank_stability

ROOT = Path(__file__).resolve().parents[1]
SIZES = (5, 50, 500, 2000)


def synthetic_sources(src: Path, out: Path, cities: int, seed: int = 1) -> None:
    """Copy the source tables, replacing cities and indicator values by a synthetic coalition."""
    shutil.copytree(src, out)
    rng = np.random.default_rng(seed)
    real = pd.read_csv(src / "cities.csv", dtype=str, keep_default_na=False)
    template = real.iloc[0].to_dict()
    rows = []
    for i in range(cities):
        row = dict(template)
        row.update(
            city_id=f"city-{i:05d}",
            name_ru=f"Город {i}",
            name_en=f"City {i}",
            lat=f"{rng.uniform(36, 55):.4f}",
            lon=f"{rng.uniform(50, 85):.4f}",
            population=str(int(rng.uniform(5e4, 3e6))),
        )
        rows.append(row)
    pd.DataFrame(rows).to_csv(out / "cities.csv", index=False)
    indicators = pd.read_csv(src / "indicators.csv")
    source_id = pd.read_csv(src / "sources.csv")["source_id"].iloc[0]
    values = []
    for ind in indicators.itertuples():
        lo, hi = float(ind.lower_bound), float(ind.upper_bound)
        if ind.transform == "log":
            draws = 10 ** rng.uniform(np.log10(lo), np.log10(hi), cities)
        else:
            draws = rng.uniform(lo, hi, cities)
        keep = rng.random(cities) > 0.1
        for i in np.flatnonzero(keep):
            values.append(
                (
                    f"city-{i:05d}",
                    ind.indicator_id,
                    2024,
                    round(float(draws[i]), 4),
                    "illustrative",
                    source_id,
                    "city",
                    "synthetic",
                )
            )
    pd.DataFrame(
        values,
        columns=["city_id", "indicator_id", "year", "value", "status", "source_id", "value_scope", "note"],
    ).to_csv(out / "indicator_values.csv", index=False)
    for table in ("hazards", "events"):
        frame = pd.read_csv(out / f"{table}.csv", dtype=str, keep_default_na=False)
        frame.iloc[0:0].to_csv(out / f"{table}.csv", index=False)
    for extra in ("actions", "action_updates", "climate_series", "facilities"):
        path = out / f"{extra}.csv"
        if path.exists():
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
            frame.iloc[0:0].to_csv(path, index=False)


def measure(fn: Callable[[], object], repeats: int) -> dict:
    """Median seconds over `repeats` calls, and the traced peak memory of one call in MB."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"seconds": round(statistics.median(times), 4), "peak_mb": round(peak / 1e6, 1)}


def run_scale(sizes: tuple[int, ...] = SIZES, draws: int = 5000) -> list[dict]:
    """Time the data build, the index, rank stability and the compare query per coalition size."""
    results = []
    try:
        from domain import compare as compare_domain  # the compare page's query, when present
    except ImportError:  # pragma: no cover - older trees
        compare_domain = None
    for n in sizes:
        work = Path(tempfile.mkdtemp(prefix=f"bench-scale-{n}-"))
        try:
            synthetic_sources(ROOT / "data" / "src", work / "src", n)
            repeats = 3  # the median of three: the first call also pays for fresh memory pages
            row: dict = {"cities": n}
            row["build"] = measure(partial(build, work / "src", work / "out" / "build"), repeats)
            data = load_build(work / "out" / "build")
            args = (
                data["indicator_values"],
                data["indicators"],
                data["categories"],
                data["dimensions"],
                data["cities"],
                data["risk_classes"],
            )
            row["index"] = measure(partial(compute_index, *args, IndexWeights()), repeats)
            result = compute_index(*args)
            cat_dim = dict(zip(data["categories"]["category_id"], data["categories"]["dimension"]))
            row["rank_stability"] = measure(
                partial(rank_stability, result.category_scores, cat_dim, {}, {}, draws=draws, seed=1), repeats
            )
            row["index_plus_stability"] = {
                "seconds": round(row["index"]["seconds"] + row["rank_stability"]["seconds"], 4),
                "peak_mb": max(row["index"]["peak_mb"], row["rank_stability"]["peak_mb"]),
            }
            if compare_domain is not None and hasattr(compare_domain, "compare_table"):
                query = _compare_query(compare_domain, data)
                if query is not None:
                    row["compare_query"] = measure(query, repeats)
            results.append(row)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return results


def _compare_query(compare_domain, data):
    """The compare page's main query for every city with the default choices: the index for the
    weights, the ranked table and the indicator rows under it (what `render` in pages/compare.py asks for)."""

    def query():
        result = compare_domain.index_for(data, None)
        table = compare_domain.compare_table(data, None, "risk", None, result=result)
        compare_domain.indicator_rows(data, result, None, compare_domain.indicators_under(data, "risk", None))
        return table

    return query


def growth(results: list[dict], key: str) -> float | None:
    """Exponent b of time ~ cities^b between the two largest sizes (1 = linear)."""
    rows = [r for r in results if key in r]
    if len(rows) < 2:
        return None
    a, b = rows[-2], rows[-1]
    ta, tb = a[key]["seconds"], b[key]["seconds"]
    if ta <= 0 or tb <= 0:
        return None
    return round(float(np.log(tb / ta) / np.log(b["cities"] / a["cities"])), 2)
