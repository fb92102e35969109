"""Overlay of many facilities with many hazard-zone polygons (issue 19): `python -m bench.infrastructure`.

100,000 synthetic facilities in 100 synthetic cities (1,000 each, spread over about 30 km) and
1,000 zone polygons (10 per city: discs of 1-6 km radius with 64-vertex outlines, some nested,
two hazard types), seeded. Times `domain.infrastructure.overlay`, which is what the build runs:
the R-tree spatial join, the same-city filter and the worst-zone-per-hazard reduction. Median of
`repeats` runs, after one warm-up.
"""

from __future__ import annotations

import json
import statistics
import sys
import time

import geopandas as gpd
import numpy as np
from shapely.geometry import Point

from domain.infrastructure import overlay

FACILITIES = 100_000
ZONES = 1_000
CITIES = 100


def synthetic(
    facilities: int = FACILITIES, zones: int = ZONES, cities: int = CITIES, seed: int = 19
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Facilities and zones around `cities` random centres in Central Asia (WGS84)."""
    rng = np.random.default_rng(seed)
    centres = np.column_stack([rng.uniform(52, 85, cities), rng.uniform(36, 55, cities)])
    city = np.repeat(np.arange(cities), facilities // cities)
    xy = centres[city] + rng.normal(0, 0.12, (len(city), 2))
    points = gpd.GeoDataFrame(
        {"facility_id": [f"f{i}" for i in range(len(city))], "city_id": [f"c{c}" for c in city]},
        geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]),
        crs="EPSG:4326",
    )
    zone_city = np.repeat(np.arange(cities), zones // cities)
    offsets = rng.normal(0, 0.08, (len(zone_city), 2))
    radii = rng.uniform(0.01, 0.06, len(zone_city))
    shapes = [Point(*(centres[c] + o)).buffer(r, quad_segs=16) for c, o, r in zip(zone_city, offsets, radii)]
    polygons = gpd.GeoDataFrame(
        {
            "zone_id": [f"z{i}" for i in range(len(zone_city))],
            "city_id": [f"c{c}" for c in zone_city],
            "hazard_type": np.where(rng.random(len(zone_city)) < 0.5, "river_flood", "landslide"),
            "zone_class": "synthetic",
            "severity": rng.integers(1, 4, len(zone_city)),
        },
        geometry=shapes,
        crs="EPSG:4326",
    )
    return points, polygons


def run(repeats: int = 3) -> dict:
    """Median seconds of the overlay, and how many facility-hazard pairs it found."""
    points, polygons = synthetic()
    result = overlay(points, polygons)  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = overlay(points, polygons)
        times.append(time.perf_counter() - start)
    return {
        "facilities": len(points),
        "zones": len(polygons),
        "pairs": int(len(result)),
        "exposed_facilities": int(result["facility_id"].nunique()),
        "seconds": round(statistics.median(times), 3),
        "target_seconds": 2.0,
    }


if __name__ == "__main__":
    figures = run()
    print(json.dumps(figures))
    sys.exit(0 if figures["seconds"] < figures["target_seconds"] else 1)
