"""One home for colours: domain/palette.py, mirrored by the custom properties of assets/style.css."""

from __future__ import annotations

import re
from pathlib import Path

import plotly.graph_objects as go

from components.charts import base_layout
from domain import palette

ROOT = Path(__file__).resolve().parent.parent
HEX = re.compile(r"(?<![\w&])#(?:[0-9a-fA-F]{8}|[0-9a-fA-F]{6}|[0-9a-fA-F]{3})(?![\w-])")
# Files allowed to spell colours out, and why.
HEX_ALLOWED = {
    "domain/palette.py": "the palette itself",
    "scripts/import_shared.py": "writes data/src/risk_classes.csv and hazard_levels.csv, whose colours are data",
}
SKIPPED_DIRS = {
    ".venv",
    ".git",
    "tests",
    "node_modules",
    "data",
}  # tests feed known colours to the colour maths


def python_files() -> list[Path]:
    return [p for p in ROOT.rglob("*.py") if not SKIPPED_DIRS & set(p.relative_to(ROOT).parts[:-1])]


def css_properties(css: str) -> dict[str, str]:
    """Custom properties of the stylesheet's :root block, name -> lower-case value."""
    root = re.search(r":root\s*\{(.*?)\}", css, re.S)
    assert root, "assets/style.css has no :root block"
    return {m[1]: m[2].strip().lower() for m in re.finditer(r"--([\w-]+)\s*:\s*([^;]+);", root[1])}


def test_the_hex_pattern_finds_colours_and_not_anchors():
    assert HEX.findall('color="#1f2933", fill="#FFF", x="#00112233"') == ["#1f2933", "#FFF", "#00112233"]
    assert HEX.findall('href="#main-content", id="#add-city", "&#123;"') == []


def test_no_python_file_outside_the_palette_spells_a_colour():
    found = []
    for path in python_files():
        rel = path.relative_to(ROOT).as_posix()
        if rel in HEX_ALLOWED:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            found += [f"{rel}:{number}: {colour}" for colour in HEX.findall(line)]
    assert not found, "take these colours from domain.palette:\n" + "\n".join(found)


def test_allowed_files_exist_and_still_need_the_exception():
    for rel in HEX_ALLOWED:
        path = ROOT / rel
        assert path.exists(), f"{rel} is gone: drop it from HEX_ALLOWED"
        assert HEX.search(path.read_text(encoding="utf-8")), (
            f"{rel} has no colour left: drop it from HEX_ALLOWED"
        )


def test_stylesheet_custom_properties_match_the_palette():
    props = css_properties((ROOT / "assets" / "style.css").read_text(encoding="utf-8"))
    expected = {**palette.CSS_PROPERTIES, **palette.STATUS_COLOURS, **palette.SCOPE_COLOURS}
    mismatched = {
        name: (props.get(name), colour.lower())
        for name, colour in expected.items()
        if props.get(name) != colour.lower()
    }
    assert not mismatched, f"style.css (left) differs from domain/palette.py (right): {mismatched}"


def test_risk_heat_scale_follows_the_risk_classes(built_data):
    classes = built_data["risk_classes"].sort_values("lower")
    stops = [float(x) for x in classes["lower"].iloc[1:] / 10]
    positions = [0.0] + stops[:-1] + [float(classes["upper"].max()) / 10]
    expected = [[p, c.lower()] for p, c in zip(positions, classes["colour"])]
    assert [[round(p, 6), c.lower()] for p, c in palette.RISK_HEAT_SCALE] == [
        [round(p, 6), c] for p, c in expected
    ]


def test_scenario_and_series_colours_agree():
    assert set(palette.SCENARIO_COLOURS) <= set(palette.SERIES_COLOURS)
    assert all(palette.SERIES_COLOURS[s] == c for s, c in palette.SCENARIO_COLOURS.items())
    assert palette.SERIES_COLOURS["observed"] == palette.INK


def test_every_palette_value_is_a_colour():
    def colours(value):
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for v in value.values():
                yield from colours(v)
        elif isinstance(value, (list, tuple)):
            for v in value:
                yield from colours(v)

    names = [n for n in dir(palette) if n.isupper() and n not in ("CVD_MATRICES",)]
    for name in names:
        for colour in colours(getattr(palette, name)):
            assert re.fullmatch(r"#[0-9a-fA-F]{6}", colour), f"{name}: {colour!r}"


def test_status_and_scope_lists_are_spelled_once():
    lists = {
        "status": re.compile(r"""["']sourced["'],\s*["']estimated["'],\s*["']illustrative["']"""),
        "scope": re.compile(r"""["']city["'],\s*["']region["'],\s*["']country["']"""),
    }
    found = [
        f"{path.relative_to(ROOT).as_posix()}: {kind}"
        for path in python_files()
        if path.relative_to(ROOT).as_posix() != "domain/provenance.py"
        for kind, pattern in lists.items()
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert not found, "import STATUSES / SCOPES from domain.provenance:\n" + "\n".join(found)


def test_every_figure_takes_its_type_and_ground_from_the_palette_template():
    fig = go.Figure(layout=base_layout("ru"))
    look = fig.to_plotly_json()["layout"]["template"]["layout"]
    assert look["font"]["color"] == palette.INK
    assert look["paper_bgcolor"] == look["plot_bgcolor"] == palette.WHITE
    assert "font" not in fig.to_plotly_json()["layout"]  # styling lives in the template, not in each figure
