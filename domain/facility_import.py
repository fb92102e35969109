"""Import facilities into the register from GeoJSON, a zipped Shapefile, a GeoPackage, CSV or OSM.

`read_facilities(path, city_id, source_id)` reads any of those formats into register rows;
`validate_import(rows, register, cities, admin1)` checks them (coordinate system, geometry,
location inside the city's first-level unit, duplicates, the register's schema) and raises
`FacilityImportError` with every problem found. `append_to_register` writes all rows or none.
Messages are in Russian and English (`issue_message`).
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import osmium
import pandas as pd
from pyproj import CRS
from shapely.geometry import LineString, MultiLineString, Point
from shapely.validation import explain_validity

from domain.infrastructure import WGS84, city_units, local_crs, outside_unit
from domain.infrastructure_schema import FACILITY_TYPES, INFRA_SCHEMAS
from i18n import t

REGISTER_COLUMNS = list(INFRA_SCHEMAS["facilities"].columns)
DUPLICATE_METRES = 50.0
VECTOR_SUFFIXES = (".geojson", ".json", ".gpkg", ".zip", ".shp")
OSM_SUFFIXES = (".osm.pbf", ".pbf", ".osm")
# OpenStreetMap tag (key, value) -> register facility type; value None matches any value but "no".
OSM_TAGS: list[tuple[str, str | None, str]] = [
    ("amenity", "hospital", "hospital"),
    ("amenity", "clinic", "clinic"),
    ("amenity", "school", "school"),
    ("amenity", "kindergarten", "kindergarten"),
    ("amenity", "fire_station", "fire_station"),
    ("emergency", "shelter", "shelter"),
    ("amenity", "shelter", "shelter"),
    ("man_made", "water_works", "water_treatment"),
    ("man_made", "wastewater_plant", "wastewater_plant"),
    ("power", "plant", "power_plant"),
    ("power", "substation", "substation"),
    ("man_made", "bridge", "bridge"),
    ("bridge", None, "bridge"),
    ("waterway", "dam", "dam"),
    ("aeroway", "aerodrome", "airport"),
    ("railway", "station", "rail_station"),
]


@dataclass(frozen=True)
class ImportIssue:
    """One reason an import was refused: a message code, the row (1-based, None for the file) and details."""

    code: str
    row: int | None = None
    values: dict = field(default_factory=dict)


class FacilityImportError(ValueError):
    """Raised when an import is refused; nothing was written. Carries every issue found."""

    def __init__(self, issues: list[ImportIssue]):
        self.issues = issues
        super().__init__("; ".join(issue_message(i, "en") for i in issues[:20]))

    def messages(self, lang: str) -> list[str]:
        return [issue_message(i, lang) for i in self.issues]


def issue_message(issue: ImportIssue, lang: str) -> str:
    """An import issue in words, in Russian or English, with its row when it has one."""
    text = t(f"infra.import.{issue.code}", lang, **issue.values)
    return t("infra.import.at_row", lang, row=issue.row, text=text) if issue.row is not None else text


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "file"


def is_wgs84(crs: CRS | None) -> bool:
    """Whether a layer's coordinate system is geographic WGS84 longitude/latitude."""
    if crs is None:
        return False
    crs = CRS.from_user_input(crs)
    return crs.equals(CRS.from_epsg(4326), ignore_axis_order=True) or crs.equals(
        CRS.from_user_input("OGC:CRS84")
    )


def _point_of(geometry):
    """A line (a bridge drawn as a way) stands for its midpoint; other shapes are kept."""
    if isinstance(geometry, (LineString, MultiLineString)) and not geometry.is_empty:
        return geometry.interpolate(0.5, normalized=True)
    return geometry


def read_vector(path: Path) -> gpd.GeoDataFrame:
    """GeoJSON, GeoPackage (first layer), Shapefile or a zip holding one, as a GeoDataFrame."""
    return gpd.read_file(path)


def read_csv_points(path: Path) -> gpd.GeoDataFrame:
    """CSV with `lat`/`lon` (or `latitude`/`longitude`) columns in WGS84 degrees."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8")
    lower = {c.lower(): c for c in frame.columns}
    lat = lower.get("lat") or lower.get("latitude")
    lon = lower.get("lon") or lower.get("longitude") or lower.get("lng")
    if not lat or not lon:
        raise FacilityImportError([ImportIssue("no_coordinates")])
    ys, xs = pd.to_numeric(frame[lat], errors="coerce"), pd.to_numeric(frame[lon], errors="coerce")
    frame = frame.drop(columns=[c for c in (lat, lon) if c in frame.columns])
    geometry = [Point(x, y) if x == x and y == y else None for x, y in zip(xs, ys)]
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=WGS84)


class _OsmCollector(osmium.SimpleHandler):
    """Collects tagged nodes and ways that map to a facility type (ways with their node locations)."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict] = []

    def _add(self, kind: str, osm_id: int, tags, geometry) -> None:
        ftype = osm_facility_type(dict(tags))
        if ftype is None or geometry is None:
            return
        self.rows.append(
            {
                "osm_id": f"{kind}{osm_id}",
                "facility_type": ftype,
                "name": tags.get("name"),
                "name_ru": tags.get("name:ru"),
                "name_en": tags.get("name:en"),
                "capacity": tags.get("beds") if ftype in ("hospital", "clinic") else None,
                "capacity_unit": "beds" if ftype in ("hospital", "clinic") and tags.get("beds") else None,
                "owner": tags.get("operator"),
                "geometry": geometry,
            }
        )

    def node(self, n) -> None:
        if n.tags and n.location.valid():
            self._add("n", n.id, n.tags, Point(n.location.lon, n.location.lat))

    def way(self, w) -> None:
        if not w.tags:
            return
        coords = [(nd.lon, nd.lat) for nd in w.nodes if nd.location.valid()]
        if len(coords) >= 2:
            line = LineString(coords)
            shape = line.centroid if w.is_closed() else line.interpolate(0.5, normalized=True)
            self._add("w", w.id, w.tags, shape)


def osm_facility_type(tags: dict) -> str | None:
    """The register type of an OpenStreetMap object from its tags, or None when it is not one."""
    for key, value, ftype in OSM_TAGS:
        found = tags.get(key)
        if found is not None and (found == value if value is not None else found != "no"):
            return ftype
    return None


def read_osm(path: Path) -> gpd.GeoDataFrame:
    """An OpenStreetMap extract (.osm.pbf or .osm) via pyosmium; ways become their centre point."""
    collector = _OsmCollector()
    collector.apply_file(str(path), locations=True)
    rows = collector.rows
    frame = (
        gpd.GeoDataFrame(rows, geometry=[r["geometry"] for r in rows], crs=WGS84)
        if rows
        else gpd.GeoDataFrame({"osm_id": []}, geometry=[], crs=WGS84)
    )
    if "geometry" in frame.columns and frame.geometry.name != "geometry":
        frame = frame.drop(columns="geometry")
    return frame


def read_any(path: Path) -> tuple[gpd.GeoDataFrame, str]:
    """Read a file by its suffix; returns the layer and its format name. Unreadable -> FacilityImportError."""
    name = path.name.lower()
    try:
        if name.endswith(OSM_SUFFIXES):
            return read_osm(path), "osm"
        if name.endswith(".csv"):
            return read_csv_points(path), "csv"
        if name.endswith(VECTOR_SUFFIXES):
            return read_vector(path), "vector"
    except FacilityImportError:
        raise
    except Exception as err:  # any reader failure is a clear message, not a traceback
        raise FacilityImportError(
            [ImportIssue("unreadable", values={"file": path.name, "reason": str(err)[:200]})]
        ) from err
    raise FacilityImportError([ImportIssue("unknown_format", values={"file": path.name})])


def to_register_rows(layer: gpd.GeoDataFrame, city_id: str, source_id: str, stem: str) -> gpd.GeoDataFrame:
    """Map a read layer's attributes onto the register's columns (names fill each other in)."""
    out = gpd.GeoDataFrame(index=layer.index, geometry=layer.geometry.map(_point_of), crs=layer.crs)
    for column in REGISTER_COLUMNS:
        given = column if column in layer.columns else column[:10]  # Shapefile names stop at 10 characters
        if given in layer.columns:
            out[column] = layer[given].replace({"": None})
        else:
            out[column] = None
    names = layer["name"] if "name" in layer.columns else pd.Series(None, index=layer.index, dtype=object)
    out["name_ru"] = out["name_ru"].fillna(names).fillna(out["name_en"])
    out["name_en"] = out["name_en"].fillna(names).fillna(out["name_ru"])
    if "osm_id" in layer.columns:
        generated = [f"{city_id}-osm-{x}" for x in layer["osm_id"]]
    else:
        generated = [f"{city_id}-{_slug(stem)}-{i + 1}" for i in range(len(layer))]
    out["facility_id"] = out["facility_id"].fillna(pd.Series(generated, index=layer.index))
    out["city_id"] = city_id
    out["source_id"] = out["source_id"].fillna(source_id)
    out["status"] = out["status"].fillna("sourced")
    out["review_state"] = out["review_state"].fillna("not_reviewed")
    return out


def _near_pairs(a: gpd.GeoDataFrame, b: gpd.GeoDataFrame, metres: float) -> list[tuple[object, object]]:
    """Index pairs (a, b) of the same facility type closer than `metres` (b may be a itself)."""
    if a.empty or b.empty:
        return []
    centre = a.geometry.union_all().centroid
    crs = local_crs(centre.y, centre.x)
    pa_, pb = a.to_crs(crs), b.to_crs(crs)
    pairs = gpd.sjoin(
        pa_[["facility_type", "geometry"]],
        pb[["facility_type", "geometry"]].set_geometry(pb.geometry.buffer(metres)),
        predicate="intersects",
        how="inner",
        lsuffix="a",
        rsuffix="b",
    )
    pairs = pairs[pairs["facility_type_a"] == pairs["facility_type_b"]]
    return list(zip(pairs.index, pairs["index_b"]))


def validate_import(
    rows: gpd.GeoDataFrame, register: pd.DataFrame, cities: pd.DataFrame, admin1: gpd.GeoDataFrame
) -> pd.DataFrame:
    """Check imported rows; return them as register rows (lat/lon, WKT polygons) or raise with every issue."""
    issues: list[ImportIssue] = []
    if rows.empty:
        raise FacilityImportError([ImportIssue("no_features")])
    if not is_wgs84(rows.crs):
        name = CRS.from_user_input(rows.crs).name if rows.crs is not None else None
        raise FacilityImportError(
            [ImportIssue("wrong_crs" if name else "no_crs", values={"crs": name or ""})]
        )
    city_id = str(rows["city_id"].iloc[0])
    if city_id not in set(cities["city_id"]):
        raise FacilityImportError([ImportIssue("unknown_city", values={"city": city_id})])
    rows = rows.reset_index(drop=True)
    good = []
    for i, geom in enumerate(rows.geometry):
        row = i + 1
        if geom is None or geom.is_empty:
            issues.append(ImportIssue("no_geometry", row))
        elif geom.geom_type not in ("Point", "Polygon", "MultiPolygon"):
            issues.append(ImportIssue("geometry_type", row, {"kind": geom.geom_type}))
        elif not geom.is_valid:
            issues.append(ImportIssue("invalid_geometry", row, {"reason": _validity(geom)}))
        else:
            bounds = geom.bounds
            if not (bounds[0] >= -180 and bounds[2] <= 180 and bounds[1] >= -90 and bounds[3] <= 90):
                issues.append(ImportIssue("wrong_crs_values", row))
            else:
                good.append(i)
    for i, ftype in enumerate(rows["facility_type"]):
        if ftype not in FACILITY_TYPES:
            issues.append(
                ImportIssue(
                    "unknown_type", i + 1, {"value": str(ftype)[:40], "known": ", ".join(FACILITY_TYPES)}
                )
            )
    located = rows.loc[good]
    if not located.empty:
        units = city_units(cities, admin1)
        outside = outside_unit(located, units)
        for i in outside[outside].index:
            issues.append(ImportIssue("outside_unit", i + 1, {"city": city_id}))
    seen: dict[str, int] = {}
    known_ids = set(register["facility_id"])
    for i, fid in enumerate(rows["facility_id"]):
        if fid in known_ids:
            issues.append(ImportIssue("duplicate_id", i + 1, {"id": fid}))
        elif fid in seen:
            issues.append(ImportIssue("duplicate_in_file", i + 1, {"other": seen[fid]}))
        seen.setdefault(fid, i + 1)
    typed = located[located["facility_type"].isin(FACILITY_TYPES)]
    for a, b in _near_pairs(typed, typed, DUPLICATE_METRES):
        if a > b:
            issues.append(ImportIssue("duplicate_near_in_file", int(a) + 1, {"other": int(b) + 1}))
    own = register[register["city_id"] == city_id]
    if len(own):
        existing = gpd.GeoDataFrame(
            own.reset_index(drop=True),
            geometry=gpd.points_from_xy(own["lon"].astype(float), own["lat"].astype(float)),
            crs=WGS84,
        )
        for a, b in _near_pairs(typed, existing, DUPLICATE_METRES):
            issues.append(
                ImportIssue("duplicate_near_register", int(a) + 1, {"id": existing.at[b, "facility_id"]})
            )
    if issues:
        raise FacilityImportError(sorted(issues, key=lambda x: (x.row or 0, x.code)))
    table = register_table(rows)
    checked = INFRA_SCHEMAS["facilities"]
    try:
        checked.validate(table, lazy=True)
    except Exception as err:  # pandera's SchemaErrors, reported per column
        cases = getattr(err, "failure_cases", None)
        found = (
            []
            if cases is None
            else [
                ImportIssue(
                    "schema",
                    int(r["index"]) + 1
                    if r.get("index") == r.get("index") and r.get("index") is not None
                    else None,
                    {"column": str(r.get("column")), "value": str(r.get("failure_case"))[:60]},
                )
                for r in cases.to_dict("records")
            ]
        )
        raise FacilityImportError(
            found or [ImportIssue("schema", None, {"column": "?", "value": str(err)[:60]})]
        ) from err
    return table


def _validity(geom) -> str:
    return explain_validity(geom)


def register_table(rows: gpd.GeoDataFrame) -> pd.DataFrame:
    """Rows in the register's column order: points as lat/lon, polygons as WKT plus their centre point."""
    table = pd.DataFrame(rows.drop(columns=rows.geometry.name))
    centres = [g if g.geom_type == "Point" else g.representative_point() for g in rows.geometry]
    table["lat"] = [round(p.y, 6) for p in centres]
    table["lon"] = [round(p.x, 6) for p in centres]
    table["geometry_wkt"] = [None if g.geom_type == "Point" else g.wkt for g in rows.geometry]
    return table[REGISTER_COLUMNS].replace({np.nan: None})


def append_to_register(register_csv: Path, rows: pd.DataFrame) -> int:
    """Append validated rows to the register CSV in one atomic replace; returns the count written."""
    current = pd.read_csv(register_csv, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8")
    combined = pd.concat(
        [current, rows.astype(object).where(rows.notna(), None).astype("string")], ignore_index=True
    )[list(current.columns)]
    fd, tmp = tempfile.mkstemp(prefix=".facilities-", suffix=".csv", dir=register_csv.parent)
    os.close(fd)
    try:
        combined.to_csv(tmp, index=False, encoding="utf-8", lineterminator="\n")
        os.replace(tmp, register_csv)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return len(rows)


def import_file(
    path: Path,
    city_id: str,
    source_id: str,
    register: pd.DataFrame,
    cities: pd.DataFrame,
    admin1: gpd.GeoDataFrame,
) -> pd.DataFrame:
    """Read and validate one file for one city; the rows to append (or FacilityImportError)."""
    layer, _ = read_any(path)
    stem = path.name.split(".")[0]
    return validate_import(to_register_rows(layer, city_id, source_id, stem), register, cities, admin1)
