"""Append facilities from a file to the register `data/src/facilities.csv`, all or nothing.

    python -m scripts.import_facilities FILE --city CITY_ID --source SOURCE_ID [--lang ru|en] [--src data/src]

FILE: GeoJSON, a zipped Shapefile, a GeoPackage, CSV with lat/lon, or an OpenStreetMap extract
(.osm.pbf). The rows are checked (coordinate system, geometry, inside the city's first-level
unit, duplicates, the register's schema); on any problem every message is printed and nothing is
written. Afterwards run `make data` to rebuild.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd

from domain.facility_import import FacilityImportError, ImportIssue, append_to_register, import_file
from i18n import t

ROOT = Path(__file__).resolve().parents[1]


def run(path: Path, city_id: str, source_id: str, src: Path, lang: str) -> tuple[int, list[str]]:
    """Import one file; (rows written, messages)."""
    read = {"dtype": str, "keep_default_na": False, "na_values": [""], "encoding": "utf-8"}
    register_csv = src / "facilities.csv"
    register = pd.read_csv(register_csv, **read)
    cities = pd.read_csv(src / "cities.csv", **read).astype({"lat": float, "lon": float})
    sources = pd.read_csv(src / "sources.csv", **read)
    admin1 = gpd.read_file(src / "geo" / "admin1.geojson")
    try:
        if source_id not in set(sources["source_id"]):
            raise FacilityImportError([ImportIssue("unknown_source", values={"source": source_id})])
        rows = import_file(path, city_id, source_id, register, cities, admin1)
    except FacilityImportError as err:
        return 0, [t("infra.import.refused", lang), *err.messages(lang)]
    count = append_to_register(register_csv, rows)
    return count, [t("infra.import.done", lang, count=count)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Import facilities into data/src/facilities.csv.")
    parser.add_argument("file", type=Path)
    parser.add_argument("--city", required=True)
    parser.add_argument("--source", required=True, help="a source_id of sources.csv")
    parser.add_argument("--lang", default="ru", choices=("ru", "en"))
    parser.add_argument("--src", type=Path, default=ROOT / "data" / "src")
    args = parser.parse_args(argv)
    count, messages = run(args.file, args.city, args.source, args.src, args.lang)
    print("\n".join(messages), file=sys.stdout if count else sys.stderr)
    return 0 if count else 1


if __name__ == "__main__":
    sys.exit(main())
