"""Validated data build: source CSV/GeoJSON -> checked tables + risk index -> Parquet + manifest.

The build writes into a fresh folder under data/builds/ and then atomically repoints the
data/build symlink, so a build that fails (bad table, killed half-way) leaves the previous good
build serving. Run it with `python -m domain.build`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

import geopandas as gpd
import pandas as pd

from domain.infrastructure import (
    ZONE_COLUMNS,
    city_units,
    facility_frame,
    outside_unit,
    overlay,
    published_zone_problems,
    river_band_zones,
    simplified_zones,
)
from domain.provenance import scope_counts, scope_table_text
from domain.queries import GEO_LAYERS
from domain.risk_index import index_of
from domain.schemas import (
    SCHEMAS,
    DataValidationError,
    Problem,
    check_consistency,
    check_references,
    validate_table,
)

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SRC = ROOT / "data" / "src"
DEFAULT_BUILD = ROOT / "data" / "build"
BUILD_FORMAT = 2  # bump when the build's outputs change shape, to invalidate caches
DEFAULT_BUILDS_KEPT = 50  # every published build stays addressable (/api/v1/builds/<id>/...) until pruned


def builds_to_keep(env: dict[str, str] | None = None) -> int:
    """How many builds to keep under data/builds (`DATA_BUILDS_KEEP`, at least 1; default 50)."""
    raw = (os.environ if env is None else env).get("DATA_BUILDS_KEEP", "")
    try:
        return max(1, int(raw)) if raw.strip() else DEFAULT_BUILDS_KEPT
    except ValueError:
        return DEFAULT_BUILDS_KEPT


def read_source_tables(src: Path) -> dict[str, pd.DataFrame]:
    """Read every declared table from its CSV; a missing or unreadable file is a problem."""
    tables: dict[str, pd.DataFrame] = {}
    problems: list[Problem] = []
    for name in SCHEMAS:
        path = src / f"{name}.csv"
        if not path.exists():
            problems.append(Problem(f"{name}.csv", None, None, "file is missing"))
            continue
        try:
            tables[name] = pd.read_csv(
                path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8"
            )
        except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as err:
            problems.append(Problem(f"{name}.csv", None, None, f"cannot be read as CSV: {err}"))
    if problems:
        raise DataValidationError(problems)
    return tables


def validate_tables(raw: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Apply every schema, then the references and cross-table checks; raise on any problem."""
    tables: dict[str, pd.DataFrame] = {}
    problems: list[Problem] = []
    for name, frame in raw.items():
        checked, found = validate_table(name, frame)
        tables[name] = checked
        problems.extend(found)
    if problems:
        raise DataValidationError(problems)
    problems = check_references(tables) + check_consistency(tables)
    if problems:
        raise DataValidationError(problems)
    return tables


def read_geometry(src: Path) -> dict[str, dict]:
    """Load the GeoJSON layers; each must be a FeatureCollection of features with geometry."""
    layers: dict[str, dict] = {}
    problems: list[Problem] = []
    for name in GEO_LAYERS:
        path = src / "geo" / f"{name}.geojson"
        file = f"geo/{name}.geojson"
        if not path.exists():
            problems.append(Problem(file, None, None, "file is missing"))
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as err:
            problems.append(Problem(file, None, None, f"is not valid JSON: {err}"))
            continue
        if data.get("type") != "FeatureCollection" or not isinstance(data.get("features"), list):
            problems.append(Problem(file, None, None, "is not a GeoJSON FeatureCollection"))
            continue
        for i, feature in enumerate(data["features"]):
            geom = feature.get("geometry") or {}
            if not geom.get("type") or not geom.get("coordinates"):
                problems.append(Problem(file, i + 1, "geometry", "feature has no geometry"))
        layers[name] = data
    if problems:
        raise DataValidationError(problems)
    return layers


def source_hash(src: Path) -> str:
    """Content hash of every source file (and the build format), naming the build."""
    digest = hashlib.sha256(f"format={BUILD_FORMAT}".encode())
    for path in sorted(p for p in src.rglob("*") if p.is_file() and p.suffix in {".csv", ".geojson"}):
        digest.update(str(path.relative_to(src)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def file_digest(path: Path) -> str:
    """SHA-256 of a file, kept in the manifest so a damaged build is recognised before it is served."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def derived_tables(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The risk index at every level, computed with the data's default weights."""
    result = index_of(tables)
    categories = result.category_scores.reset_index().melt(
        id_vars="city_id", var_name="category_id", value_name="score"
    )
    dimensions = result.dimension_scores.reset_index().melt(
        id_vars="city_id", var_name="dimension", value_name="score"
    )
    return {
        "indicator_scores": result.indicator_scores,
        "category_scores": categories,
        "dimension_scores": dimensions,
        "risk": result.risk,
        "scope_counts": scope_counts(tables["indicator_values"], list(tables["cities"]["city_id"])),
    }


def read_published_zones(src: Path, tables: dict[str, pd.DataFrame]) -> gpd.GeoDataFrame | None:
    """Published hazard zones supplied by cities (`geo/hazard_zones.geojson`, optional), checked."""
    path = src / "geo" / "hazard_zones.geojson"
    if not path.exists():
        return None
    try:
        zones = gpd.read_file(path)
    except Exception as err:  # any unreadable file is a build problem, not a traceback
        raise DataValidationError(
            [Problem("geo/hazard_zones.geojson", None, None, f"cannot be read: {err}")]
        ) from err
    problems = published_zone_problems(
        zones,
        set(tables["cities"]["city_id"]),
        set(tables["sources"]["source_id"]),
        set(tables["hazard_types"]["hazard_type"]) | {"river_flood"},
    )
    if problems:
        raise DataValidationError(
            [Problem("geo/hazard_zones.geojson", row, column, reason) for row, column, reason in problems]
        )
    for column in ("method", "return_period_years"):
        if column not in zones:
            zones[column] = None
    return zones.set_crs("EPSG:4326", allow_override=True)[ZONE_COLUMNS]


def infrastructure_tables(
    tables: dict[str, pd.DataFrame], layers: dict[str, dict], published: gpd.GeoDataFrame | None = None
) -> tuple[dict, dict]:
    """Hazard zones and the facilities' exposure to them (tables), and their map layers (GeoJSON).

    Raises when a facility lies outside its city's first-level unit. Zones are the published ones
    a city supplied (`published`) and river bands derived from the Natural Earth rivers
    (`estimated`); see data/README.md.
    """
    facilities = tables["facilities"]
    admin1 = gpd.GeoDataFrame.from_features(layers["admin1"]["features"], crs="EPSG:4326")
    rivers = gpd.GeoDataFrame.from_features(layers["rivers"]["features"], crs="EPSG:4326")
    frame = facility_frame(facilities)
    units = city_units(tables["cities"], admin1)
    outside = outside_unit(frame, units)
    if outside.any():
        raise DataValidationError(
            [
                Problem(
                    "facilities.csv",
                    int(i) + 2,
                    "lat",
                    f"facility '{facilities.at[i, 'facility_id']}' lies "
                    f"outside the first-level unit of {facilities.at[i, 'city_id']}",
                )
                for i in outside[outside].index
            ]
        )
    zones = river_band_zones(rivers, tables["cities"])
    if published is not None and len(published):
        zones = gpd.GeoDataFrame(
            pd.concat([published, zones], ignore_index=True), geometry="geometry", crs="EPSG:4326"
        )
    exposure = overlay(frame, zones)
    zone_table = pd.DataFrame(zones.drop(columns="geometry")).assign(geometry_wkt=zones.geometry.to_wkt())
    shown = simplified_zones(zones)
    points = frame[["facility_id", "city_id", "facility_type", "geometry"]]
    geo = {
        "hazard_zones": json.loads(shown.to_json(drop_id=True)),
        "facilities": json.loads(points.to_json(drop_id=True)),
    }
    return {"hazard_zones": zone_table, "facility_exposure": exposure}, geo


def build(src: Path = DEFAULT_SRC, out: Path = DEFAULT_BUILD, keep: int | None = None) -> dict:
    """Validate, compute and write a build; return its manifest. Nothing changes on failure.
    The newest `keep` builds stay (default `builds_to_keep()`)."""
    keep = builds_to_keep() if keep is None else keep
    started = time.perf_counter()
    tables = validate_tables(read_source_tables(src))
    layers = read_geometry(src)
    derived = derived_tables(tables)
    infra_tables, infra_geo = infrastructure_tables(tables, layers, read_published_zones(src, tables))
    derived.update(infra_tables)
    layers = {**layers, **infra_geo}
    build_id = source_hash(src)

    builds_dir = out.parent / "builds"
    builds_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{build_id}-", dir=builds_dir))
    try:
        files = {}
        for name, frame in {**tables, **derived}.items():
            path = tmp / f"{name}.parquet"
            frame.to_parquet(path, index=False)
            files[name] = {"rows": int(len(frame)), "bytes": path.stat().st_size, "sha256": file_digest(path)}
        (tmp / "geo").mkdir()
        for name, data in layers.items():
            path = tmp / "geo" / f"{name}.geojson"
            path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
            files[f"geo/{name}"] = {
                "features": len(data["features"]),
                "bytes": path.stat().st_size,
                "sha256": file_digest(path),
            }
        manifest = {
            "build_id": build_id,
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "seconds": round(time.perf_counter() - started, 3),
            "cities": int(len(tables["cities"])),
            "indicators": int(len(tables["indicators"])),
            "scope_table": scope_table_text(
                derived["scope_counts"], dict(zip(tables["cities"]["city_id"], tables["cities"]["name_en"]))
            ),
            "files": files,
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        final = builds_dir / f"{build_id}-{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:8]}"
        tmp.rename(final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _point_symlink(out, final)
    _prune(builds_dir, keep=keep, current=final)
    return manifest


def _point_symlink(link: Path, target: Path) -> None:
    """Atomically make `link` point at `target` (a reader sees the old or the new build)."""
    if link.exists() and not link.is_symlink():
        shutil.rmtree(link)  # an old plain folder from before builds were versioned
    tmp_link = link.parent / f".{link.name}.{os.getpid()}.tmp"
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    tmp_link.symlink_to(os.path.relpath(target, link.parent))
    os.replace(tmp_link, link)


def _prune(builds_dir: Path, keep: int, current: Path) -> None:
    """Remove older builds, keeping the newest `keep` (the current one and every build published
    from the app, marked by a `PUBLISHED` file, always stay)."""
    done = sorted(
        (p for p in builds_dir.iterdir() if p.is_dir() and not p.name.startswith(".")),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in done[keep:]:
        if old != current and not (old / "PUBLISHED").exists():  # published builds stay addressable
            shutil.rmtree(old, ignore_errors=True)
    for stale in builds_dir.glob(".*"):
        if stale.is_dir() and time.time() - stale.stat().st_mtime > 3600:
            shutil.rmtree(stale, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Validate the source tables and build the data.")
    parser.add_argument("--src", type=Path, default=Path(os.environ.get("DATA_SRC_DIR", DEFAULT_SRC)))
    parser.add_argument("--out", type=Path, default=Path(os.environ.get("DATA_BUILD_DIR", DEFAULT_BUILD)))
    args = parser.parse_args(argv)
    try:
        manifest = build(args.src, args.out)
    except DataValidationError as err:
        print(f"Build failed; the previous build is left in place.\n{err}", file=sys.stderr)
        return 1
    print(
        f"Built {manifest['build_id']}: {manifest['cities']} cities, {manifest['indicators']} "
        f"indicators in {manifest['seconds']} s -> {args.out}"
    )
    print("Latest index inputs per city, by scope (national = country values standing in):")
    print(manifest["scope_table"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
