"""Critical infrastructure against hazard zones: geometry, derived zones, the overlay, city summaries.

Facilities come from `facilities.csv` (points, or polygons given as WKT), zones are polygons with
a hazard type, a class and a severity (higher = worse). The overlay is a GeoPandas spatial join
(R-tree index) of facilities with the zones of their own city; each facility keeps, per hazard
type, the most severe zone it touches. No Dash or Flask here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely import make_valid
from shapely import wkt as shapely_wkt
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

WGS84 = "EPSG:4326"
RIVER_BANDS_KM = (1.0, 3.0)
ZONE_WINDOW_KM = 30.0
ADMIN1_TOLERANCE_KM = 2.0  # Natural Earth 1:10m admin-1 lines, simplified by 0.005 degrees
ZONE_SIMPLIFY_DEG = 0.0005
EXPOSURE_COLUMNS = ["facility_id", "city_id", "zone_id", "hazard_type", "zone_class", "severity"]


def local_crs(lat: float, lon: float) -> str:
    """An azimuthal equidistant projection centred on a point: distances in metres around it."""
    return f"+proj=aeqd +lat_0={lat} +lon_0={lon} +datum=WGS84 +units=m +no_defs"


def facility_geometry(row: pd.Series) -> BaseGeometry:
    """A facility's shape: its WKT polygon where one is given, otherwise its point."""
    text = row.get("geometry_wkt")
    if isinstance(text, str) and text.strip():
        return shapely_wkt.loads(text)
    return Point(float(row["lon"]), float(row["lat"]))


def facility_frame(facilities: pd.DataFrame) -> gpd.GeoDataFrame:
    """The register as a GeoDataFrame in WGS84 (points from lon/lat, polygons from WKT)."""
    if "geometry_wkt" in facilities and facilities["geometry_wkt"].notna().any():
        geometry = [facility_geometry(r) for _, r in facilities.iterrows()]
    else:
        geometry = gpd.points_from_xy(facilities["lon"].astype(float), facilities["lat"].astype(float))
    return gpd.GeoDataFrame(facilities.copy(), geometry=geometry, crs=WGS84)


def city_units(cities: pd.DataFrame, admin1: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Each city's first-level unit: the admin-1 polygon that contains the city's point."""
    points = gpd.GeoDataFrame(
        cities[["city_id"]].copy(), geometry=gpd.points_from_xy(cities["lon"], cities["lat"]), crs=WGS84
    )
    joined = gpd.sjoin(
        points,
        admin1.to_crs(WGS84)[["admin1_code", "name_en", "name_ru", "geometry"]],
        predicate="within",
        how="inner",
    ).drop_duplicates("city_id")
    units = admin1.to_crs(WGS84).set_index("admin1_code").loc[joined["admin1_code"]]
    return gpd.GeoDataFrame(
        {
            "city_id": joined["city_id"].to_numpy(),
            "admin1_code": joined["admin1_code"].to_numpy(),
            "unit_en": units["name_en"].to_numpy(),
            "unit_ru": units["name_ru"].to_numpy(),
        },
        geometry=units.geometry.to_numpy(),
        crs=WGS84,
    )


def outside_unit(
    frame: gpd.GeoDataFrame, units: gpd.GeoDataFrame, tolerance_km: float = ADMIN1_TOLERANCE_KM
) -> pd.Series:
    """True for each facility that lies outside its city's admin-1 unit (beyond the tolerance).

    A city with no unit found is treated as having none, so all its facilities are outside.
    """
    result = pd.Series(True, index=frame.index)
    by_city = units.set_index("city_id")
    for city_id, part in frame.groupby("city_id"):
        if city_id not in by_city.index:
            continue
        unit = by_city.at[city_id, "geometry"]
        centre = unit.representative_point()
        crs = local_crs(centre.y, centre.x)
        area = gpd.GeoSeries([unit], crs=WGS84).to_crs(crs).buffer(tolerance_km * 1000).iloc[0]
        result.loc[part.index] = ~part.to_crs(crs).within(area).to_numpy()
    return result


def river_band_zones(
    rivers: gpd.GeoDataFrame,
    cities: pd.DataFrame,
    bands_km: tuple[float, ...] = RIVER_BANDS_KM,
    window_km: float = ZONE_WINDOW_KM,
) -> gpd.GeoDataFrame:
    """Estimated river-flood zones: bands 0-b1, b1-b2 ... km from mapped river centrelines.

    Only rivers within `window_km` of the city's centre count, and zones are cut to that disc.
    The most severe band is the nearest one. A city with no mapped river nearby gets no zone.
    """
    rows = []
    lines = rivers[rivers["kind"] == "river"].to_crs(WGS84) if "kind" in rivers else rivers.to_crs(WGS84)
    for city in cities.itertuples():
        crs = local_crs(float(city.lat), float(city.lon))
        window = Point(0, 0).buffer(window_km * 1000, quad_segs=32)
        local = lines.to_crs(crs)
        near = local[local.intersects(window.buffer(max(bands_km) * 1000))]
        if near.empty:
            continue
        centrelines = near.geometry.union_all()
        inner = None
        for rank, km in enumerate(bands_km):
            band = centrelines.buffer(km * 1000, quad_segs=8).intersection(window)
            ring = band if inner is None else band.difference(inner)
            inner = band
            if ring.is_empty:
                continue
            low = 0 if rank == 0 else bands_km[rank - 1]
            rows.append(
                {
                    "zone_id": f"{city.city_id}-river-{low:g}-{km:g}km",
                    "city_id": city.city_id,
                    "hazard_type": "river_flood",
                    "zone_class": f"river_{low:g}_{km:g}km",
                    "severity": len(bands_km) - rank,
                    "return_period_years": np.nan,
                    "status": "estimated",
                    "source_id": "natural-earth",
                    "method": f"{low:g}-{km:g} km from the centreline of {', '.join(sorted(near['name_en']))} "
                    f"(Natural Earth 1:10m), within {window_km:g} km of the city centre",
                    "geometry": make_valid(gpd.GeoSeries([ring], crs=crs).to_crs(WGS84).iloc[0]),
                }
            )
    return gpd.GeoDataFrame(rows, columns=ZONE_COLUMNS, geometry="geometry", crs=WGS84)


ZONE_COLUMNS = [
    "zone_id",
    "city_id",
    "hazard_type",
    "zone_class",
    "severity",
    "return_period_years",
    "status",
    "source_id",
    "method",
    "geometry",
]


def published_zone_problems(
    zones: gpd.GeoDataFrame, city_ids: set[str], source_ids: set[str], hazard_types: set[str]
) -> list[tuple[int | None, str, str]]:
    """Why a published zone layer cannot be used: (feature number or None, column, reason)."""
    missing = [
        c for c in ZONE_COLUMNS if c not in zones.columns and c not in ("method", "return_period_years")
    ]
    if missing:
        return [(None, c, "required property is missing") for c in missing]
    if zones.crs is not None and not zones.crs.equals("EPSG:4326"):
        return [(None, "geometry", f"coordinate system is {zones.crs.name}, WGS 84 (EPSG:4326) is needed")]
    problems = []
    seen: set[str] = set()
    for i, row in enumerate(zones.itertuples(), start=1):
        geom = row.geometry
        if (
            geom is None
            or geom.is_empty
            or geom.geom_type not in ("Polygon", "MultiPolygon")
            or not geom.is_valid
        ):
            problems.append((i, "geometry", "needs a valid polygon"))
        for column, known in (
            ("city_id", city_ids),
            ("source_id", source_ids),
            ("hazard_type", hazard_types),
        ):
            if getattr(row, column) not in known:
                problems.append((i, column, f"'{getattr(row, column)}' is not known"))
        if row.status not in ("sourced", "estimated"):
            problems.append((i, "status", "must be sourced or estimated"))
        if not (
            isinstance(row.severity, (int, float)) and row.severity == row.severity and row.severity >= 1
        ):
            problems.append((i, "severity", "must be a number of at least 1"))
        if row.zone_id in seen:
            problems.append((i, "zone_id", f"duplicate '{row.zone_id}'"))
        seen.add(row.zone_id)
    return problems


def overlay(facilities: gpd.GeoDataFrame, zones: gpd.GeoDataFrame) -> pd.DataFrame:
    """Facility x zone pairs of the same city, keeping the most severe zone per facility and hazard.

    A spatial join on GeoPandas' R-tree: a facility is in a zone when its shape touches it.
    """
    if facilities.empty or zones.empty:
        return pd.DataFrame(columns=EXPOSURE_COLUMNS)
    left = facilities[["facility_id", "city_id", "geometry"]]
    right = zones[["zone_id", "city_id", "hazard_type", "zone_class", "severity", "geometry"]].to_crs(
        facilities.crs
    )
    joined = gpd.sjoin(left, right, predicate="intersects", how="inner", lsuffix="f", rsuffix="z")
    joined = joined[joined["city_id_f"].to_numpy() == joined["city_id_z"].to_numpy()]
    joined = joined.rename(columns={"city_id_f": "city_id"})
    worst = joined.sort_values(["severity", "zone_id"], ascending=[False, True]).drop_duplicates(
        ["facility_id", "hazard_type"]
    )
    return (
        pd.DataFrame(worst[EXPOSURE_COLUMNS])
        .sort_values(["city_id", "facility_id", "hazard_type"])
        .reset_index(drop=True)
    )


@dataclass(frozen=True)
class ExposureLine:
    """How many facilities of one type lie in one zone class, out of how many the city has."""

    facility_type: str
    hazard_type: str
    zone_class: str
    exposed: int
    total: int
    capacity: float | None
    capacity_unit: str | None


@dataclass(frozen=True)
class CitySummary:
    """A city's register against its hazard zones, as numbers ready to be put into words."""

    city_id: str
    facilities: int
    zones: int
    exposed: int
    lines: list[ExposureLine] = field(default_factory=list)
    people_served_exposed: float | None = None
    people_served_unknown: int = 0
    not_reviewed: int = 0
    retrofit_needed: int = 0


def city_summary(
    facilities: pd.DataFrame, exposure: pd.DataFrame, zones: pd.DataFrame, city_id: str
) -> CitySummary:
    """Counts per facility type and zone class, people served by exposed facilities, review backlog."""
    own = facilities[facilities["city_id"] == city_id]
    hits = exposure[exposure["city_id"] == city_id].merge(
        own[["facility_id", "facility_type", "capacity", "capacity_unit"]], on="facility_id"
    )
    totals = own["facility_type"].value_counts()
    lines = []
    for (ftype, hazard, zclass), part in hits.groupby(
        ["facility_type", "hazard_type", "zone_class"], sort=True
    ):
        units = part["capacity_unit"].dropna().unique()
        capacity = (
            float(part["capacity"].sum()) if len(units) == 1 and part["capacity"].notna().any() else None
        )
        lines.append(
            ExposureLine(
                ftype,
                hazard,
                zclass,
                int(part["facility_id"].nunique()),
                int(totals[ftype]),
                capacity,
                str(units[0]) if len(units) == 1 else None,
            )
        )
    lines.sort(key=lambda x: (-x.exposed, x.facility_type, x.zone_class))
    exposed_ids = set(hits["facility_id"])
    exposed = own[own["facility_id"].isin(exposed_ids)]
    served = exposed["people_served"].dropna() if "people_served" in exposed else pd.Series(dtype=float)
    return CitySummary(
        city_id=city_id,
        facilities=int(len(own)),
        zones=int((zones["city_id"] == city_id).sum()),
        exposed=len(exposed_ids),
        lines=lines,
        people_served_exposed=float(served.sum()) if len(served) else None,
        people_served_unknown=int(len(exposed) - len(served)),
        not_reviewed=int((own["review_state"] == "not_reviewed").sum()),
        retrofit_needed=int((own["review_state"] == "retrofit_needed").sum()),
    )


def facility_hazards(facilities: pd.DataFrame, exposure: pd.DataFrame) -> pd.DataFrame:
    """The register with each facility's worst zone (class and severity), blank when in none."""
    worst = exposure.sort_values("severity", ascending=False).drop_duplicates("facility_id")[
        ["facility_id", "hazard_type", "zone_class", "severity"]
    ]
    return facilities.merge(worst, on="facility_id", how="left")


def simplified_zones(zones: gpd.GeoDataFrame, tolerance_deg: float = ZONE_SIMPLIFY_DEG) -> gpd.GeoDataFrame:
    """Zones simplified for the map (topology kept per polygon), never used for the overlay."""
    out = zones.copy()
    out["geometry"] = out.geometry.simplify(tolerance_deg, preserve_topology=True)
    return out


def actions_protecting(facilities: pd.DataFrame) -> pd.DataFrame:
    """Facilities linked to an action of their city's plan (the action that protects them)."""
    linked = (
        facilities[facilities["action_id"].notna()] if "action_id" in facilities else facilities.iloc[0:0]
    )
    return linked[
        ["action_id", "facility_id", "city_id", "facility_type", "name_ru", "name_en", "review_state"]
    ]
