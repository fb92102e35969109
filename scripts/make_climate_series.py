"""Construct `data/src/climate_series.csv`: annual climate series per city, observed and projected.

Reads only the repo's own copies of the facts (`data/src/climate_facts/`, made by
`scripts/copy_climate_facts.py`) and `data/src/cities.csv`. Deterministic: the random parts
are seeded per city (SEED and the city id), so rerunning gives a byte-identical file, and adding a
city does not change the others. The method, its assumptions and its weakest points are in
`data/README.md` ("climate_series.csv"); in short:

1. **Baseline climatology** (12 monthly Tmean/Tmax/Tmin, annual precipitation) from the city's
   normals. Normals of another period are moved to 1991-2020 with the country trend. Gaps are
   filled by documented rules: Tmean from Tmax with the diurnal offsets of the nearest city that
   has a complete table; otherwise an annual sine wave fitted to the months, annual means and
   (labelled) assumptions available; Tmax/Tmin from Tmean with those offsets.
2. **Observed years 1991-2024** (synthetic): baseline + country warming trend (centred on 2005.5)
   + seeded interannual noise, made trend-free and zero-mean over 1991-2020, so the 1991-2020
   mean equals the baseline and the series' trend equals the country's.
3. **Projections 2025-2100** (delta method): baseline + the AR6 regional CMIP6 change against
   1991-2020 (p10/median/p90 across models), interpolated linearly between the 20-year period
   midpoints (2005.5 = 0, 2030.5, 2050.5, 2070.5, 2090.5) and extended to 2100 with the last slope.
   DJF change for Dec-Feb, JJA for Jun-Aug, annual for the other months.
4. **Day counts** from the monthly means with a Gaussian spread of daily values (sd from the
   city's annual temperature range): hot days Tmax > 35 °C, frost days Tmin < 0 °C, cold days
   Tmin < -20 °C (only where the baseline has at least 5 a year). An observed year's count is the
   expected count for its anomaly; a projected year's count is averaged over the same year-to-year
   variability as the 1991-2020 years, so that both start from the same baseline mean.
5. **Precipitation**: no numeric projection was found, so the median changes +2 % per °C of
   regional warming, the band -4 %/°C to +7 %/°C of the 90th-percentile warming. Heavy
   precipitation days (>= 20 mm) from wet-day counts and an exponential distribution of wet-day
   amounts (mean intensity = precipitation / wet days; 6 mm where wet days are unknown).

    python scripts/make_climate_series.py [--src data/src] [--out data/src/climate_series.csv]
"""

from __future__ import annotations

import argparse
import math
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SEED = 20251016  # the Dushanbe declaration
SOURCE_ID = "coalition-climate-series"
OBS_YEARS = np.arange(1991, 2025)
PROJ_YEARS = np.arange(2025, 2101)
BASE = (1991, 2020)
SCENARIOS = ("ssp126", "ssp245", "ssp585")
PERIOD_MIDPOINTS = {"2021-2040": 2030.5, "2041-2060": 2050.5, "2061-2080": 2070.5, "2081-2100": 2090.5}
BASE_MID = 2005.5
IN_BASE = (BASE[0] <= OBS_YEARS) & (BASE[1] >= OBS_YEARS)
DAYS = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=float)
MONTHS = np.arange(1, 13)
SEASON = np.array(["djf", "djf", "ann", "ann", "ann", "jja", "jja", "jja", "ann", "ann", "ann", "djf"])

HOT_C, FROST_C, COLD_C, HEAVY_MM = 35.0, 0.0, -20.0, 20.0
COLD_MIN_DAYS = 5.0  # cold_days_m20 only where the baseline has at least this many a year
DAILY_SD = {"djf": 0.20, "jja": 0.12, "ann": 0.16}  # sd of daily Tmax/Tmin, per °C of annual range
NOISE_SD = 0.025  # sd of the annual-mean anomaly, per °C of annual range
PRECIP_CV = 0.25  # interannual coefficient of variation of annual precipitation
WET_DAY_MM = 6.0  # mean wet-day amount where wet-day counts are unknown
PRECIP_PCT_PER_C = {"median": 2.0, "low": -4.0, "high": 7.0}

VARIABLES = ("tmean", "hot_days_35", "frost_days", "cold_days_m20", "precip", "heavy_precip_days")
UNITS = {
    "tmean": "°C",
    "hot_days_35": "days/yr",
    "frost_days": "days/yr",
    "cold_days_m20": "days/yr",
    "precip": "mm/yr",
    "heavy_precip_days": "days/yr",
}


@dataclass
class Baseline:
    """A city's 1991-2020 climatology as used by the construction, with what each part rests on."""

    city_id: str
    iso3: str
    region: str
    tmean: np.ndarray
    tmax: np.ndarray
    tmin: np.ndarray
    precip: float | None
    precip_month: np.ndarray | None = None
    wet_days: np.ndarray | None = None
    tmean_sourced: bool = False
    trend: float = 0.0
    basis: list[str] = field(default_factory=list)

    @property
    def annual_range(self) -> float:
        return float(self.tmean.max() - self.tmean.min())


# --- reading the facts -------------------------------------------------------------------------


def read_facts(src: Path) -> dict[str, pd.DataFrame]:
    folder = src / "climate_facts"
    names = ("normals", "observed_trends", "projection_deltas", "annual_facts", "assumptions", "city_regions")
    facts = {n: pd.read_csv(folder / f"{n}.csv", dtype=str, keep_default_na=False) for n in names}
    facts["cities"] = pd.read_csv(src / "cities.csv", dtype=str, keep_default_na=False)
    return facts


def num(value: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def period_mid(text: str) -> float | None:
    """Midpoint of the first 'YYYY-YYYY' in a period text, or None when the period is not stated."""
    found = re.search(r"\b(1[89]\d\d|20\d\d)-(1[89]\d\d|20\d\d)\b", text or "")
    return (int(found.group(1)) + int(found.group(2))) / 2 if found else None


def monthly(normals: pd.DataFrame, city_id: str, column: str) -> np.ndarray:
    rows = normals[normals["city_id"] == city_id]
    out = np.full(12, np.nan)
    for _, r in rows.iterrows():
        out[int(r["month"]) - 1] = num(r[column])
    return out


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


def trend_rates(facts: dict) -> dict[str, float]:
    a = facts["assumptions"]
    rows = a[(a["kind"] == "trend_rate") & (a["variable"] == "tmean")]
    return {r["id"]: float(r["value"]) for _, r in rows.iterrows()}


def assumption(facts: dict, city_id: str, variable: str) -> list[tuple[int | None, float]]:
    """(month or None for annual, value) of the labelled gap-fill assumptions for a city."""
    a = facts["assumptions"]
    rows = a[(a["kind"] == "gap_fill") & (a["id"] == city_id) & (a["variable"] == variable)]
    return [(int(r["month"]) if r["month"] else None, float(r["value"])) for _, r in rows.iterrows()]


def annual_fact(facts: dict, city_id: str, variable: str) -> float | None:
    a = facts["annual_facts"]
    rows = a[(a["city_id"] == city_id) & (a["variable"] == variable)]
    return float(rows["value"].iloc[0]) if len(rows) else None


# --- 1. baseline climatology ---------------------------------------------------------------------


def shifted_temperatures(facts: dict, city_id: str, rate: float) -> tuple[dict[str, np.ndarray], bool]:
    """Monthly Tmean/Tmax/Tmin from the normals, moved to 1991-2020 where the normal's period differs."""
    normals = facts["normals"]
    rows = normals[normals["city_id"] == city_id].set_index(
        normals[normals["city_id"] == city_id]["month"].astype(int)
    )
    temps = {c: monthly(normals, city_id, f"{c}_c") for c in ("tmean", "tmax", "tmin")}
    shifted = False
    for month, r in rows.iterrows():
        mid = period_mid(str(r["period"]).split(" | ")[0])
        if mid is not None and mid != BASE_MID:
            shift = rate * (BASE_MID - mid) / 10.0
            for c in temps:
                temps[c][month - 1] += shift
            shifted = True
    return temps, shifted


def complete_reference(facts: dict, rates: dict[str, float]) -> dict[str, dict[str, np.ndarray]]:
    """Cities whose normals give all twelve months of Tmean, Tmax and Tmin (after the period shift)."""
    out = {}
    cities = facts["cities"].set_index("city_id")
    for city_id in sorted(set(facts["normals"]["city_id"])):
        if city_id not in cities.index:
            continue
        temps, _ = shifted_temperatures(facts, city_id, rates.get(cities.at[city_id, "country_iso3"], 0.0))
        if all(np.isfinite(v).all() for v in temps.values()):
            out[city_id] = temps
    return out


def sine_fit(anchors: list[tuple[int | None, float]]) -> np.ndarray:
    """Twelve monthly values of M + a cos(2πm/12) + b sin(2πm/12) fitted to (month or annual, value)."""
    if len(anchors) < 3:
        raise ValueError("an annual cycle needs at least three anchors")
    rows, target = [], []
    for month, value in anchors:
        if month is None:
            rows.append([1.0, 0.0, 0.0])
        else:
            angle = 2 * math.pi * month / 12
            rows.append([1.0, math.cos(angle), math.sin(angle)])
        target.append(value)
    coef, *_ = np.linalg.lstsq(np.array(rows), np.array(target), rcond=None)
    angles = 2 * np.pi * MONTHS / 12
    return coef[0] + coef[1] * np.cos(angles) + coef[2] * np.sin(angles)


def baseline_for(city: pd.Series, facts: dict, rates: dict[str, float], refs: dict) -> Baseline | None:
    """The city's baseline climatology, or None when the facts are too thin to build one."""
    city_id, iso3 = city["city_id"], city["country_iso3"]
    regions = facts["city_regions"].set_index("city_id")["ar6_region"]
    if city_id not in regions.index:
        return None
    rate = rates.get(iso3, 0.0)
    temps, shifted = shifted_temperatures(facts, city_id, rate)
    tmean, tmax, tmin = temps["tmean"], temps["tmax"], temps["tmin"]
    basis: list[str] = []
    sourced_tmean = bool(np.isfinite(tmean).all()) and not shifted
    if shifted:
        basis.append(f"normals moved to 1991-2020 with the country trend ({rate} °C/decade)")
    ref = refs.get(city_id)
    if ref is None:
        if not refs:
            return None
        coords = facts["cities"].set_index("city_id")[["lat", "lon"]].astype(float)
        nearest = min(
            refs,
            key=lambda k: haversine_km(
                float(city["lat"]), float(city["lon"]), coords.at[k, "lat"], coords.at[k, "lon"]
            ),
        )
        ref = refs[nearest]
        basis.append(f"diurnal offsets (Tmax-Tmean, Tmean-Tmin) of the nearest complete city, {nearest}")
    up, down = ref["tmax"] - ref["tmean"], ref["tmean"] - ref["tmin"]
    missing = ~np.isfinite(tmean)
    if missing.any():
        if np.isfinite(tmax).all():
            tmean = np.where(missing, tmax - up, tmean)
            basis.append("Tmean from Tmax minus the reference offset")
        else:
            anchors = [(int(m), float(v)) for m, v in zip(MONTHS, tmean) if np.isfinite(v)]
            annual = annual_fact(facts, city_id, "tmean")
            if annual is not None:
                anchors.append((None, annual))
            anchors += assumption(facts, city_id, "tmean")
            if len(anchors) < 3:
                return None
            tmean = np.where(missing, sine_fit(anchors), tmean)
            basis.append(
                f"Tmean: annual sine wave through {len(anchors)} anchors (months, annual mean, assumptions)"
            )
    tmax = np.where(np.isfinite(tmax), tmax, tmean + up)
    tmin = np.where(np.isfinite(tmin), tmin, tmean - down)

    pm = monthly(facts["normals"], city_id, "precip_mm")
    wd = monthly(facts["normals"], city_id, "precip_days")
    precip, precip_month, wet_days = None, None, None
    if np.isfinite(pm).all():
        precip, precip_month = float(pm.sum()), pm
        if np.isfinite(wd).all():
            wet_days = wd
        basis.append("precipitation: sum of the monthly normals")
    elif annual_fact(facts, city_id, "precip") is not None:
        precip = annual_fact(facts, city_id, "precip")
        basis.append("precipitation: annual figure")
    elif assumption(facts, city_id, "precip"):
        precip = assumption(facts, city_id, "precip")[0][1]
        basis.append("precipitation: ASSUMED annual total")
    return Baseline(
        city_id,
        iso3,
        regions[city_id],
        tmean,
        tmax,
        tmin,
        precip,
        precip_month,
        wet_days,
        sourced_tmean,
        rate,
        basis,
    )


# --- statistical relations -----------------------------------------------------------------------


def _erf(x: np.ndarray) -> np.ndarray:
    """Error function (Abramowitz & Stegun 7.1.26, error below 1.5e-7), vectorised without SciPy."""
    x = np.asarray(x, dtype=float)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t
    return np.sign(x) * (1.0 - poly * np.exp(-a * a))


def normal_cdf(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + _erf(np.asarray(z, dtype=float) / math.sqrt(2.0)))


def daily_sd(b: Baseline) -> np.ndarray:
    return np.array([DAILY_SD[s] for s in SEASON]) * b.annual_range


def days_above(means: np.ndarray, sd: np.ndarray, threshold: float) -> np.ndarray:
    """Expected days a year above `threshold`, from monthly means (last axis = 12 months)."""
    return (DAYS * (1.0 - normal_cdf((threshold - means) / sd))).sum(axis=-1)


def days_below(means: np.ndarray, sd: np.ndarray, threshold: float) -> np.ndarray:
    return (DAYS * normal_cdf((threshold - means) / sd)).sum(axis=-1)


def day_counts(b: Baseline, shift: np.ndarray) -> dict[str, np.ndarray]:
    """Hot, frost and cold days with every month's Tmax/Tmin moved by `shift` (°C; last axis = months)."""
    sd = daily_sd(b)
    return {
        "hot_days_35": days_above(b.tmax + shift, sd, HOT_C),
        "frost_days": days_below(b.tmin + shift, sd, FROST_C),
        "cold_days_m20": days_below(b.tmin + shift, sd, COLD_C),
    }


def climate_counts(b: Baseline, shifts: np.ndarray, variability: np.ndarray) -> dict[str, np.ndarray]:
    """Expected counts of a year in a climate moved by `shifts` (years x 12), averaged over the
    year-to-year variability of the observed baseline years (`variability`, °C), so that a zero
    shift gives the baseline mean of the observed years."""
    moved = shifts[:, None, :] + variability[None, :, None]
    return {k: v.mean(axis=1) for k, v in day_counts(b, moved).items()}


def heavy_days(b: Baseline, factor) -> np.ndarray:
    """Expected days with >= 20 mm when every wet day's amount is scaled by `factor` (wet days fixed)."""
    factor = np.asarray(factor, dtype=float)[..., None]
    if b.precip_month is not None and b.wet_days is not None:
        w = b.wet_days[b.wet_days > 0]
        intensity = b.precip_month[b.wet_days > 0] / w * factor
        return (w * np.exp(-HEAVY_MM / intensity)).sum(axis=-1)
    wet = b.precip / WET_DAY_MM
    return (wet * np.exp(-HEAVY_MM / (WET_DAY_MM * factor))).sum(axis=-1)


# --- 3. projected change -------------------------------------------------------------------------


def delta_curves(deltas: pd.DataFrame, region: str, scenario: str) -> dict[str, dict[str, np.ndarray]]:
    """Per season ('ann', 'djf', 'jja') and percentile ('p10', 'p50', 'p90'): change for PROJ_YEARS."""
    names = {"tmean": "ann", "tmean_djf": "djf", "tmean_jja": "jja"}
    out: dict[str, dict[str, np.ndarray]] = {}
    for variable, season in names.items():
        rows = deltas[
            (deltas["id"] == region) & (deltas["scenario"] == scenario) & (deltas["variable"] == variable)
        ]
        rows = rows.assign(mid=rows["period"].map(PERIOD_MIDPOINTS)).dropna(subset=["mid"]).sort_values("mid")
        if len(rows) != 4:
            raise ValueError(f"{region} {scenario} {variable}: expected 4 periods, found {len(rows)}")
        x = np.concatenate([[BASE_MID], rows["mid"].to_numpy(float)])
        out[season] = {}
        for col, q in (("value_p10", "p10"), ("value_median", "p50"), ("value_p90", "p90")):
            y = np.concatenate([[0.0], rows[col].astype(float).to_numpy()])
            curve = np.interp(PROJ_YEARS, x, y)
            late = x[-1] < PROJ_YEARS
            slope = (y[-1] - y[-2]) / (x[-1] - x[-2])
            curve[late] = y[-1] + slope * (PROJ_YEARS[late] - x[-1])
            out[season][q] = curve
        ordered = out[season]
        if not ((ordered["p10"] <= ordered["p50"] + 1e-9) & (ordered["p50"] <= ordered["p90"] + 1e-9)).all():
            raise ValueError(f"{region} {scenario} {variable}: percentiles cross")
    return out


# --- 2. observed years ---------------------------------------------------------------------------


def city_rng(city_id: str) -> np.random.Generator:
    return np.random.default_rng([SEED, zlib.crc32(city_id.encode("utf-8"))])


def anomalies(b: Baseline, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Annual-mean temperature anomaly of each observed year against 1991-2020, and the noise part
    of the 1991-2020 years (the year-to-year variability the projected counts average over)."""
    noise = rng.normal(0.0, NOISE_SD * b.annual_range, len(OBS_YEARS))
    slope, intercept = np.polyfit(OBS_YEARS, noise, 1)
    noise = noise - (slope * OBS_YEARS + intercept)  # no trend of its own
    noise = noise - noise[IN_BASE].mean()  # 1991-2020 mean is the baseline
    return b.trend * (OBS_YEARS - BASE_MID) / 10.0 + noise, noise[IN_BASE]


def precip_factors(rng: np.random.Generator) -> np.ndarray:
    sigma = math.sqrt(math.log(1 + PRECIP_CV**2))
    g = rng.lognormal(-(sigma**2) / 2, sigma, len(OBS_YEARS))
    return g / g[IN_BASE].mean()


# --- the table -----------------------------------------------------------------------------------


def rows_for(b: Baseline, deltas: pd.DataFrame) -> list[dict]:
    rng = city_rng(b.city_id)
    rows: list[dict] = []
    anomaly, variability = anomalies(b, rng)
    factors = precip_factors(rng) if b.precip is not None else None
    base_counts = climate_counts(b, np.zeros((1, 12)), variability)
    counts_vars = ["hot_days_35", "frost_days"] + (
        ["cold_days_m20"] if base_counts["cold_days_m20"][0] >= COLD_MIN_DAYS else []
    )
    tmean_status = "estimated" if b.tmean_sourced else "illustrative"

    def add(variable, scenario, year, value, p10=None, p90=None, status="illustrative", method=""):
        rows.append(
            {
                "city_id": b.city_id,
                "variable": variable,
                "scenario": scenario,
                "year": int(year),
                "value": float(value),
                "p10": None if p10 is None else float(p10),
                "p90": None if p90 is None else float(p90),
                "unit": UNITS[variable],
                "status": status,
                "source_id": SOURCE_ID,
                "method": method,
            }
        )

    # observed (synthetic) years: expected counts of each year's anomaly, precipitation with noise
    base_t = float(b.tmean.mean())
    counts = day_counts(b, np.repeat(anomaly[:, None], 12, axis=1))
    for i, year in enumerate(OBS_YEARS):
        add("tmean", "observed", year, base_t + anomaly[i], method="obs-synthetic")
        for v in counts_vars:
            add(v, "observed", year, counts[v][i], method="obs-synthetic+daily-gauss")
    if factors is not None:
        heavy = heavy_days(b, factors)
        for i, year in enumerate(OBS_YEARS):
            add("precip", "observed", year, b.precip * factors[i], method="obs-synthetic")
            add("heavy_precip_days", "observed", year, heavy[i], method="obs-synthetic+wetday-exp")

    # projections: ensemble median and p10/p90 of the regional change, per year
    for scenario in SCENARIOS:
        curves = delta_curves(deltas, b.region, scenario)
        ann = {q: curves["ann"][q] for q in ("p10", "p50", "p90")}
        shifts = {q: np.stack([curves[s][q] for s in SEASON], axis=1) for q in ("p10", "p50", "p90")}
        by_q = {q: climate_counts(b, shifts[q], variability) for q in shifts}
        if b.precip is not None:
            f = {
                "mid": 1 + PRECIP_PCT_PER_C["median"] / 100 * ann["p50"],
                "lo": 1 + PRECIP_PCT_PER_C["low"] / 100 * ann["p90"],
                "hi": 1 + PRECIP_PCT_PER_C["high"] / 100 * ann["p90"],
            }
            heavy = {
                k: heavy_days(b, v[:, None] * factors[IN_BASE][None, :]).mean(axis=1) for k, v in f.items()
            }
        for i, year in enumerate(PROJ_YEARS):
            add(
                "tmean",
                scenario,
                year,
                base_t + ann["p50"][i],
                base_t + ann["p10"][i],
                base_t + ann["p90"][i],
                status=tmean_status,
                method="delta-cmip6",
            )
            for v in counts_vars:
                lo, mid, hi = by_q["p10"][v][i], by_q["p50"][v][i], by_q["p90"][v][i]
                add(v, scenario, year, mid, min(lo, hi), max(lo, hi), method="delta-cmip6+daily-gauss")
            if b.precip is not None:
                add(
                    "precip",
                    scenario,
                    year,
                    b.precip * f["mid"][i],
                    b.precip * f["lo"][i],
                    b.precip * f["hi"][i],
                    method="precip-scaling",
                )
                add(
                    "heavy_precip_days",
                    scenario,
                    year,
                    heavy["mid"][i],
                    heavy["lo"][i],
                    heavy["hi"][i],
                    method="precip-scaling+wetday-exp",
                )
    return rows


def build_series(src: Path) -> tuple[pd.DataFrame, list[Baseline]]:
    facts = read_facts(src)
    rates = trend_rates(facts)
    refs = complete_reference(facts, rates)
    rows, baselines = [], []
    for _, city in facts["cities"].sort_values("city_id").iterrows():
        b = baseline_for(city, facts, rates, refs)
        if b is None:
            continue
        baselines.append(b)
        rows += rows_for(b, facts["projection_deltas"])
    frame = pd.DataFrame(rows)
    order = {v: i for i, v in enumerate(VARIABLES)}
    scen = {s: i for i, s in enumerate(("observed",) + SCENARIOS)}
    frame = frame.assign(_v=frame["variable"].map(order), _s=frame["scenario"].map(scen))
    frame = (
        frame.sort_values(["city_id", "_v", "_s", "year"]).drop(columns=["_v", "_s"]).reset_index(drop=True)
    )
    return frame, baselines


def formatted(frame: pd.DataFrame) -> pd.DataFrame:
    """Plain decimals: temperatures to 0.01 °C, precipitation and day counts to 0.1."""
    out = frame.copy()
    for col in ("value", "p10", "p90"):
        digits = np.where(out["variable"] == "tmean", 2, 1)
        out[col] = [
            (
                ""
                if v is None or (isinstance(v, float) and math.isnan(v))
                else f"{round(float(v), int(d)) + 0.0:.{int(d)}f}"
            )
            for v, d in zip(out[col], digits)
        ]
    return out


def check(frame: pd.DataFrame) -> None:
    """The properties the data README promises (the tests check them too)."""
    proj = frame[frame["scenario"] != "observed"]
    assert (proj["p10"] <= proj["value"] + 1e-9).all() and (proj["value"] <= proj["p90"] + 1e-9).all()
    late = proj[(proj["variable"] == "tmean") & (proj["year"].between(2081, 2100))]
    means = late.groupby(["city_id", "scenario"])["value"].mean().unstack()
    assert ((means["ssp126"] < means["ssp245"]) & (means["ssp245"] < means["ssp585"])).all()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Construct data/src/climate_series.csv from data/src/climate_facts."
    )
    parser.add_argument("--src", type=Path, default=ROOT / "data" / "src")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument(
        "--explain", action="store_true", help="print each city's baseline and what it rests on"
    )
    args = parser.parse_args(argv)
    frame, baselines = build_series(args.src)
    check(frame)
    out = args.out or args.src / "climate_series.csv"
    formatted(frame).to_csv(out, index=False, lineterminator="\n", encoding="utf-8")
    print(f"{len(frame)} rows for {frame['city_id'].nunique()} cities -> {out}")
    if args.explain:
        for b in baselines:
            counts = {k: float(v) for k, v in day_counts(b, np.zeros(12)).items()}
            print(
                f"\n{b.city_id} ({b.iso3}, {b.region}, trend {b.trend} °C/decade): "
                f"Tmean {b.tmean.mean():.2f} °C, range {b.annual_range:.1f} °C, precip {b.precip} mm, "
                f"hot {counts['hot_days_35']:.1f}, frost {counts['frost_days']:.1f}, "
                f"cold {counts['cold_days_m20']:.1f}, heavy {float(heavy_days(b, 1.0)) if b.precip else float('nan'):.1f}"
            )
            print("  Tmean " + " ".join(f"{v:.1f}" for v in b.tmean))
            print("  Tmax  " + " ".join(f"{v:.1f}" for v in b.tmax))
            print("  Tmin  " + " ".join(f"{v:.1f}" for v in b.tmin))
            for line in b.basis:
                print("  - " + line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
