"""The risk-class and hazard-level palettes (kept in the data) are told apart, also with colour-blindness."""

from __future__ import annotations

import pytest

from domain.palette import CVD_MATRICES, closest_pair, distance

MIN_DISTANCE = 10.0  # CIE76 in CIELAB: below this, two legend swatches are hard to tell apart


def palettes(built_data) -> tuple[list[str], list[str]]:
    risk = built_data["risk_classes"].sort_values("lower")["colour"].str.lower().tolist()
    hazard = built_data["hazard_levels"].sort_values("rank")["colour"].str.lower().tolist()
    return risk, hazard


def test_simulation_matches_known_cases():
    # Red and green, far apart with normal vision, come close with protanopia and deuteranopia.
    assert distance("#ff0000", "#00ff00") > 80
    assert distance("#d62728", "#2ca02c", "deuteranopia") < distance("#d62728", "#2ca02c") / 2
    assert distance("#123456", "#123456", "protanopia") == 0


@pytest.mark.parametrize("vision", sorted(CVD_MATRICES))
def test_each_palette_is_distinct_within_itself(built_data, vision):
    for colours in palettes(built_data):
        gap, a, b = closest_pair(colours, vision)
        assert gap >= MIN_DISTANCE, f"{a} and {b} look alike with {vision}: {gap:.1f}"


@pytest.mark.parametrize("vision", sorted(CVD_MATRICES))
def test_risk_classes_and_hazard_levels_never_share_a_colour(built_data, vision):
    risk, hazard = palettes(built_data)
    for r in risk:
        for h in hazard:
            gap = distance(r, h, vision)
            assert gap >= MIN_DISTANCE, f"risk {r} and hazard {h} look alike with {vision}: {gap:.1f}"
