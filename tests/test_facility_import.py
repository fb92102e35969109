"""Importing facilities: every format built here as a tiny file, every refusal, all-or-nothing writes."""

from __future__ import annotations

import shutil
import warnings
import zipfile
from pathlib import Path

import geopandas as gpd
import osmium
import pandas as pd
import pytest
from shapely.geometry import Point, Polygon

from domain.build import read_source_tables, validate_tables
from domain.facility_import import FacilityImportError, import_file, osm_facility_type, read_any
from domain.infrastructure import city_units
from scripts import import_facilities

SRC = Path(__file__).resolve().parents[1] / "data" / "src"
READ = {"dtype": str, "keep_default_na": False, "na_values": [""], "encoding": "utf-8"}


@pytest.fixture(scope="module")
def context():
    """The city to import into (the first in the data), a point inside its unit and one outside."""
    cities = pd.read_csv(SRC / "cities.csv", **READ).astype({"lat": float, "lon": float})
    admin1 = gpd.read_file(SRC / "geo" / "admin1.geojson")
    register = pd.read_csv(SRC / "facilities.csv", **READ)
    city = cities.iloc[0]
    units = city_units(cities, admin1)
    unit_code = units.set_index("city_id").at[city["city_id"], "admin1_code"]
    other = admin1[(admin1["admin1_code"] != unit_code)].iloc[0].geometry.representative_point()
    # a point inside the city's unit, ~1 km from the city centre and from every registered facility
    inside = Point(float(city["lon"]) + 0.013, float(city["lat"]) + 0.004)
    return {
        "city": city["city_id"],
        "cities": cities,
        "admin1": admin1,
        "register": register,
        "inside": inside,
        "outside": other,
    }


def layer(ctx, n: int = 2, **extra) -> gpd.GeoDataFrame:
    points = [Point(ctx["inside"].x + i * 0.01, ctx["inside"].y) for i in range(n)]
    data = {
        "facility_type": ["hospital", "school", "dam", "airport"][:n],
        "name_ru": [f"Объект {i}" for i in range(n)],
        "name_en": [f"Facility {i}" for i in range(n)],
        **extra,
    }
    return gpd.GeoDataFrame(data, geometry=points, crs="EPSG:4326")


def run_import(ctx, path: Path) -> pd.DataFrame:
    return import_file(path, ctx["city"], "coalition-analysis", ctx["register"], ctx["cities"], ctx["admin1"])


def codes(err: pytest.ExceptionInfo) -> list[str]:
    return [i.code for i in err.value.issues]


def write_shapefile_zip(gdf: gpd.GeoDataFrame, folder: Path) -> Path:
    """A zipped Shapefile; its column names are cut to 10 characters, as real ones are."""
    folder.mkdir()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gdf.to_file(folder / "layer.shp")
    path = folder / "layer.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for part in folder.glob("layer.*"):
            if part.suffix != ".zip":
                archive.write(part, part.name)
    return path


def test_geojson_gpkg_zip_and_csv_give_the_same_rows(context, tmp_path):
    gdf = layer(context, capacity=[120.0, None], capacity_unit=["beds", None])
    gdf.to_file(tmp_path / "f.geojson", driver="GeoJSON")
    gdf.to_file(tmp_path / "f.gpkg", driver="GPKG")
    shp = write_shapefile_zip(gdf, tmp_path / "shp")
    csv = pd.DataFrame(gdf.drop(columns="geometry")).assign(lat=gdf.geometry.y, lon=gdf.geometry.x)
    csv.to_csv(tmp_path / "f.csv", index=False)
    results = [
        run_import(context, p) for p in (tmp_path / "f.geojson", tmp_path / "f.gpkg", shp, tmp_path / "f.csv")
    ]
    for rows in results:
        assert list(rows["facility_type"]) == ["hospital", "school"]
        assert list(rows["name_en"]) == ["Facility 0", "Facility 1"]
        assert rows["lat"].round(5).tolist() == results[0]["lat"].round(5).tolist()
        assert set(rows["city_id"]) == {context["city"]} and set(rows["review_state"]) == {"not_reviewed"}
        assert float(rows["capacity"].iloc[0]) == 120.0


def test_polygon_facility_keeps_its_shape(context, tmp_path):
    x, y = context["inside"].x, context["inside"].y
    gdf = gpd.GeoDataFrame(
        {"facility_type": ["water_treatment"], "name_en": ["Works"]},
        geometry=[Polygon([(x, y), (x + 0.002, y), (x + 0.002, y + 0.002), (x, y)])],
        crs="EPSG:4326",
    )
    gdf.to_file(tmp_path / "p.geojson", driver="GeoJSON")
    rows = run_import(context, tmp_path / "p.geojson")
    assert rows.at[0, "geometry_wkt"].startswith("POLYGON") and rows.at[0, "name_ru"] == "Works"


def test_osm_extract_maps_tags_to_types(context, tmp_path):
    x, y = context["inside"].x, context["inside"].y
    path = tmp_path / "city.osm.pbf"
    writer = osmium.SimpleWriter(str(path))
    tagged = [
        ({"amenity": "hospital", "name": "Больница", "name:en": "Hospital", "beds": "250"}, "hospital"),
        ({"amenity": "kindergarten", "name": "Сад"}, "kindergarten"),
        ({"power": "substation", "name": "ПС"}, "substation"),
        ({"railway": "station", "name": "Вокзал"}, "rail_station"),
        ({"amenity": "cafe", "name": "Кафе"}, None),
    ]
    for i, (tags, _) in enumerate(tagged, start=1):
        writer.add_node(osmium.osm.mutable.Node(id=i, version=1, location=(x + i * 0.003, y), tags=tags))
    writer.add_node(osmium.osm.mutable.Node(id=50, version=1, location=(x, y + 0.01), tags={}))
    writer.add_node(osmium.osm.mutable.Node(id=51, version=1, location=(x + 0.004, y + 0.01), tags={}))
    writer.add_way(
        osmium.osm.mutable.Way(
            id=7, version=1, nodes=[50, 51], tags={"highway": "primary", "bridge": "yes", "name": "Мост"}
        )
    )
    writer.close()
    rows = run_import(context, path)
    got = dict(zip(rows["facility_id"], rows["facility_type"]))
    city = context["city"]
    assert got == {
        f"{city}-osm-n1": "hospital",
        f"{city}-osm-n2": "kindergarten",
        f"{city}-osm-n3": "substation",
        f"{city}-osm-n4": "rail_station",
        f"{city}-osm-w7": "bridge",
    }
    hospital = rows.set_index("facility_id").loc[f"{city}-osm-n1"]
    assert (
        hospital["name_en"] == "Hospital"
        and hospital["name_ru"] == "Больница"
        and float(hospital["capacity"]) == 250
    )
    assert osm_facility_type({"bridge": "no"}) is None and osm_facility_type({"waterway": "dam"}) == "dam"


def test_wrong_crs_is_refused(context, tmp_path):
    layer(context).to_crs(3857).to_file(tmp_path / "m.gpkg", driver="GPKG")
    with pytest.raises(FacilityImportError) as err:
        run_import(context, tmp_path / "m.gpkg")
    assert codes(err) == ["wrong_crs"]
    assert "EPSG:4326" in err.value.messages("en")[0] and "WGS 84" in err.value.messages("ru")[0]


def test_projected_numbers_in_a_csv_are_refused(context, tmp_path):
    pd.DataFrame(
        {"facility_type": ["school"], "name_en": ["S"], "lat": [4_500_000.0], "lon": [7_600_000.0]}
    ).to_csv(tmp_path / "m.csv", index=False)
    with pytest.raises(FacilityImportError) as err:
        run_import(context, tmp_path / "m.csv")
    assert codes(err) == ["wrong_crs_values"]
    assert err.value.messages("ru")[0].startswith("Строка 1:")


def test_invalid_geometry_is_refused(context, tmp_path):
    x, y = context["inside"].x, context["inside"].y
    bowtie = Polygon([(x, y), (x + 0.01, y + 0.01), (x + 0.01, y), (x, y + 0.01), (x, y)])
    gpd.GeoDataFrame(
        {"facility_type": ["school"], "name_en": ["S"]}, geometry=[bowtie], crs="EPSG:4326"
    ).to_file(tmp_path / "bad.geojson", driver="GeoJSON")
    with pytest.raises(FacilityImportError) as err:
        run_import(context, tmp_path / "bad.geojson")
    assert codes(err) == ["invalid_geometry"] and "Self-intersection" in err.value.messages("en")[0]


def test_point_outside_the_citys_unit_is_refused(context, tmp_path):
    gdf = layer(context, n=1)
    gdf.geometry = [context["outside"]]
    gdf.to_file(tmp_path / "far.geojson", driver="GeoJSON")
    with pytest.raises(FacilityImportError) as err:
        run_import(context, tmp_path / "far.geojson")
    assert codes(err) == ["outside_unit"]
    assert context["city"] in err.value.messages("ru")[0]


def test_duplicates_in_the_file_and_against_the_register_are_refused(context, tmp_path):
    gdf = layer(context, n=2)
    gdf["facility_type"] = ["school", "school"]
    gdf.geometry = [
        context["inside"],
        Point(context["inside"].x + 0.0002, context["inside"].y),
    ]  # ~20 m apart
    gdf.to_file(tmp_path / "dup.geojson", driver="GeoJSON")
    with pytest.raises(FacilityImportError) as err:
        run_import(context, tmp_path / "dup.geojson")
    assert codes(err) == ["duplicate_near_in_file"]
    existing = context["register"][context["register"]["city_id"] == context["city"]].iloc[0]
    again = gpd.GeoDataFrame(
        {
            "facility_type": [existing["facility_type"]],
            "name_en": ["Again"],
            "facility_id": [existing["facility_id"]],
        },
        geometry=[Point(float(existing["lon"]), float(existing["lat"]))],
        crs="EPSG:4326",
    )
    again.to_file(tmp_path / "again.geojson", driver="GeoJSON")
    with pytest.raises(FacilityImportError) as err:
        run_import(context, tmp_path / "again.geojson")
    assert sorted(codes(err)) == ["duplicate_id", "duplicate_near_register"]


def test_unknown_type_and_unknown_format(context, tmp_path):
    gdf = layer(context, n=1)
    gdf["facility_type"] = ["castle"]
    gdf.to_file(tmp_path / "t.geojson", driver="GeoJSON")
    with pytest.raises(FacilityImportError) as err:
        run_import(context, tmp_path / "t.geojson")
    assert codes(err) == ["unknown_type"]
    (tmp_path / "x.docx").write_bytes(b"PK")
    with pytest.raises(FacilityImportError) as err:
        read_any(tmp_path / "x.docx")
    assert codes(err) == ["unknown_format"]
    (tmp_path / "broken.geojson").write_text("{not json", encoding="utf-8")
    with pytest.raises(FacilityImportError) as err:
        read_any(tmp_path / "broken.geojson")
    assert codes(err) == ["unreadable"]


def test_command_line_appends_all_or_nothing(context, tmp_path):
    src = tmp_path / "src"
    shutil.copytree(SRC, src, ignore=shutil.ignore_patterns("climate_facts"))
    before = (src / "facilities.csv").read_text(encoding="utf-8")
    bad = layer(context, n=2)
    bad.geometry = [context["inside"], context["outside"]]  # one good row, one outside: nothing is written
    bad.to_file(tmp_path / "bad.geojson", driver="GeoJSON")
    argv = ["--city", context["city"], "--source", "coalition-analysis", "--src", str(src), "--lang", "en"]
    assert import_facilities.main([str(tmp_path / "bad.geojson"), *argv]) == 1
    assert (src / "facilities.csv").read_text(encoding="utf-8") == before
    assert (
        import_facilities.main(
            [
                str(tmp_path / "bad.geojson"),
                "--city",
                context["city"],
                "--source",
                "no-such-source",
                "--src",
                str(src),
            ]
        )
        == 1
    )
    layer(context, n=2).to_file(tmp_path / "good.geojson", driver="GeoJSON")
    assert import_facilities.main([str(tmp_path / "good.geojson"), *argv]) == 0
    after = pd.read_csv(src / "facilities.csv", **READ)
    assert len(after) == len(context["register"]) + 2
    assert list(after.columns) == list(context["register"].columns)
    # The appended register still builds (schema, references, locations).
    assert len(validate_tables(read_source_tables(src))["facilities"]) == len(after)
