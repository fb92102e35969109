"""The Frictionless Data Package of a build: downloaded from the app, it validates with
frictionless (the same check as `frictionless validate datapackage.json`), holds every table with
its schema, licences and sources, and a broken table is caught."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from frictionless import validate

from domain.datapackage import package_tables


@pytest.fixture(scope="module")
def unpacked(dash_app, tmp_path_factory) -> Path:
    client = dash_app.server.test_client()
    response = client.get("/download/datapackage.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"] and response.headers.get("ETag")
    folder = tmp_path_factory.mktemp("datapackage")
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        archive.extractall(folder)
    return folder


def test_the_package_of_the_build_is_valid(unpacked):
    report = validate(str(unpacked / "datapackage.json"))
    assert report.valid, report.flatten(["resourcePath", "rowNumber", "fieldName", "type", "note"])[:10]


def test_the_package_holds_every_table_with_schema_licences_and_sources(unpacked, built_data):
    descriptor = json.loads((unpacked / "datapackage.json").read_text(encoding="utf-8"))
    tables = package_tables(built_data)
    resources = {r["name"]: r for r in descriptor["resources"]}
    assert set(resources) == set(tables)
    for name, frame in tables.items():
        schema = resources[name]["schema"]
        assert [f["name"] for f in schema["fields"]] == [str(c) for c in frame.columns], name
        assert (unpacked / resources[name]["path"]).exists()
    assert resources["indicator_values"]["schema"]["primaryKey"] == ["city_id", "indicator_id", "year"]
    assert {
        "fields": ["source_id"],
        "reference": {"resource": "sources", "fields": ["source_id"]},
    } in resources["indicator_values"]["schema"]["foreignKeys"]
    cited = set(built_data["indicator_values"]["source_id"])
    titles = " ".join(s["title"] for s in resources["indicator_values"]["sources"])
    assert all(source in titles for source in cited)
    stated = set(built_data["sources"]["licence"].dropna().str.lower())
    if "cc by 4.0" in stated:
        assert any(lic.get("name") == "CC-BY-4.0" for lic in descriptor["licenses"])
    assert built_data.build_id in descriptor["version"]


def test_a_broken_table_fails_validation(unpacked, tmp_path):
    """The check can fail: a value that is not a number, and a city no table defines."""
    broken = tmp_path / "broken"
    broken.mkdir()
    for path in unpacked.rglob("*"):
        target = broken / path.relative_to(unpacked)
        if path.is_dir():
            target.mkdir(exist_ok=True)
        else:
            target.write_bytes(path.read_bytes())
    values = broken / "data" / "indicator_values.csv"
    lines = values.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    row = lines[1].split(",")
    row[header.index("value")] = "not-a-number"
    row[header.index("city_id")] = "atlantis"
    values.write_text("\n".join([lines[0], ",".join(row), *lines[2:]]) + "\n", encoding="utf-8")
    report = validate(str(broken / "datapackage.json"))
    assert not report.valid
    kinds = {error[0] for error in report.flatten(["type"])}
    assert {"type-error", "foreign-key"} <= kinds, kinds


def test_each_build_has_its_own_package(dash_app, built_data):
    client = dash_app.server.test_client()
    latest = client.get("/api/v1/datapackage.zip")
    addressed = client.get(f"/api/v1/builds/{built_data.path.name}/datapackage.zip")
    assert latest.data == addressed.data
    assert "immutable" in addressed.headers["Cache-Control"]
    assert client.get("/api/v1/builds/ffffffffffffffff/datapackage.zip").status_code == 404
