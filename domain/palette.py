"""The app's colours, as data, and the checks that its palettes can be told apart.

Every chart, map, slide and table in Python takes its colours from here; the custom properties
at the top of assets/style.css repeat the neutral, accent and status colours (a test keeps them
equal). Risk-class and hazard-level colours stay with their tables in data/src.

Colour-vision deficiency is simulated with the matrices of Machado, Oliveira and Fernandes (2009),
severity 1.0, applied to linear RGB; colours are compared by CIE76 distance in CIELAB (D65).
A distance under about 10 is hard to tell apart on a map legend.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np

# Neutral ink and chart furniture; the names after `--` are the custom properties in assets/style.css.
INK = "#1f2933"  # --ink: body text, markers for "today", outlines
MUTED = "#52606d"  # --muted: secondary text, zero lines, neutral series
LINE = "#d9e2ec"  # --line: borders, polar grids, empty bars
BACKGROUND = "#f5f7fa"  # --bg
PANEL = "#ffffff"  # --panel
ACCENT = "#0b5394"  # --accent: headings' rule, the single-hue scale's dark end
ACCENT_PALE = "#dce6f2"  # the single-hue scale's light end on slides (rank stability)
ACCENT_INK = "#ffffff"  # --accent-ink
FOCUS = "#ffbf47"  # --focus
HEADING = "#102a43"  # slide and PDF headings
SLATE = "#3e4c59"  # small print on slides and in the PDF
TABLE_HEAD = "#f0f4f8"  # table heads in the PDF brief, the presenter's footer band
ILLUSTRATIVE_PALE = "#f7f0fa"  # behind the PDF brief's warning about illustrative values
GRID = "#e4e7eb"  # chart grid lines
GUIDE = "#9aa5b1"  # dotted guides, light outlines
TRACK = "#7b8794"  # the line joining a range's ends
NO_DATA = "#cbd2d9"  # a map area without a score
WHITE = "#ffffff"
BLACK = "#000000"
CSS_PROPERTIES = {
    "ink": INK,
    "muted": MUTED,
    "line": LINE,
    "bg": BACKGROUND,
    "panel": PANEL,
    "accent": ACCENT,
    "accent-ink": ACCENT_INK,
    "focus": FOCUS,
}

# Data status and scope badges (same names as the custom properties).
STATUS_COLOURS = {"sourced": "#1a6b3c", "estimated": "#8a4b00", "illustrative": "#6b2c91"}
SCOPE_COLOURS = {"national": SLATE, "region": "#1f4e79"}
CONFIDENCE_COLOURS = {"high": "#1a6b3c", "medium": "#b36b00", "low": "#9b1c1c"}

# Okabe-Ito, distinguishable with the common colour-vision deficiencies.
OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "black": "#000000",
    "yellow": "#F0E442",
}
CITY_COLOURS = tuple(OKABE_ITO.values())  # one per city when several share a chart
DIMENSION_COLOURS = {
    "hazard_exposure": OKABE_ITO["vermillion"],
    "vulnerability": OKABE_ITO["blue"],
    "lack_of_coping_capacity": OKABE_ITO["bluish_green"],
}
INCREASE, DECREASE = OKABE_ITO["vermillion"], OKABE_ITO["blue"]  # always with a sign in the text

# IPCC AR6 scenario colours; observed (or built) past years in ink.
SCENARIO_COLOURS = {"ssp126": "#173c66", "ssp245": "#e07b00", "ssp585": "#951b1e"}
OBSERVED_COLOUR = INK
SERIES_COLOURS = {"observed": OBSERVED_COLOUR, **SCENARIO_COLOURS}

# The 0-10 risk heat map: the risk classes' colours at their lower bounds (data/src/risk_classes.csv).
RISK_HEAT_SCALE = [
    [0.0, "#ffffb2"],
    [0.22, "#fecc5c"],
    [0.32, "#fd8d3c"],
    [0.51, "#f03b20"],
    [1.0, "#bd0026"],
]
# Resilience scores (single-hue blues) and their decades.
SCORE_SCALE = [[0, "#f7fbff"], [0.5, "#6baed6"], [1, "#08306b"]]
NOT_ASSESSED = "#d9d9d9"
DECADE_COLOURS = (OKABE_ITO["orange"], OKABE_ITO["blue"])
SHARE_SCALE = [[0, BACKGROUND], [1, ACCENT]]  # a count or share in one hue

# Action plans: one colour per status, a mark for overdue, planned dates in a pale band.
ACTION_STATUS_COLOURS = {
    "planned": GUIDE,
    "in_progress": OKABE_ITO["blue"],
    "delayed": OKABE_ITO["orange"],
    "completed": OKABE_ITO["bluish_green"],
    "cancelled": MUTED,
}
OVERDUE_COLOUR = OKABE_ITO["vermillion"]
PLANNED_BAND = LINE

# Infrastructure: facilities by group (dark enough for a white outline), flood zones by severity.
FACILITY_COLOURS = {
    "hospital": "#c92a2a",
    "clinic": "#c92a2a",
    "school": "#7048e8",
    "kindergarten": "#7048e8",
    "fire_station": "#e8590c",
    "shelter": "#e8590c",
    "water_intake": "#0b7285",
    "water_treatment": "#0b7285",
    "wastewater_plant": "#0b7285",
    "power_plant": "#5c940d",
    "substation": "#5c940d",
    "bridge": "#495057",
    "dam": "#1864ab",
    "airport": "#343a40",
    "rail_station": "#a61e4d",
}
OTHER_FACILITY = "#343a40"
ZONE_COLOURS = {2: "#1c3d5a", 1: "#4c8cbf"}  # severity -> fill; unknown severities fall back to the lighter

# Map outlines (assets/map_functions.js draws them with these; domain/map_styles.py mirrors it).
RIVER = "#1c7ed6"  # river lines and lake shores
LAKE = "#a5d8ff"  # lake fill
MAP_BACKGROUND = "#dddddd"  # leaflet.css's .leaflet-container, seen where no outline is drawn

# Machado et al. 2009, severity 1.0 (linear RGB).
CVD_MATRICES = {
    "normal": np.eye(3),
    "protanopia": np.array(
        [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]]
    ),
    "deuteranopia": np.array(
        [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]]
    ),
    "tritanopia": np.array(
        [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]]
    ),
}
_SRGB_TO_XYZ = np.array(
    [[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.0721750], [0.0193339, 0.1191920, 0.9503041]]
)
_WHITE = np.array([0.95047, 1.0, 1.08883])


def hex_to_linear(colour: str) -> np.ndarray:
    """'#rrggbb' -> linear-light RGB in 0-1."""
    c = np.array([int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)])
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def simulate(colour: str, vision: str) -> np.ndarray:
    """Linear RGB of `colour` as seen with `vision` (a key of CVD_MATRICES)."""
    return np.clip(CVD_MATRICES[vision] @ hex_to_linear(colour), 0.0, 1.0)


def linear_to_lab(rgb: np.ndarray) -> np.ndarray:
    """Linear RGB -> CIELAB (D65)."""
    xyz = _SRGB_TO_XYZ @ rgb / _WHITE
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def distance(a: str, b: str, vision: str = "normal") -> float:
    """CIE76 colour difference of two colours as seen with `vision`."""
    return float(np.linalg.norm(linear_to_lab(simulate(a, vision)) - linear_to_lab(simulate(b, vision))))


def closest_pair(colours: list[str], vision: str = "normal") -> tuple[float, str, str]:
    """(distance, a, b): the two colours of the list hardest to tell apart with `vision`."""
    pairs = [(distance(a, b, vision), a, b) for a, b in combinations(colours, 2)]
    return min(pairs) if pairs else (float("inf"), "", "")


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a #rrggbb colour (its linear-light channels weighted)."""
    r, g, b = hex_to_linear(str(colour))
    return float(0.2126 * r + 0.7152 * g + 0.0722 * b)


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two colours (1 to 21)."""
    high, low = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def text_colour(background: str) -> str:
    """Text colour for a chip: the app's ink, white or black, the first that reaches the WCAG AA
    4.5:1 on `background` (mid oranges and reds need black), else the best of them."""
    choices = (INK, WHITE, BLACK)
    try:
        ratios = [contrast_ratio(background, c) for c in choices]
    except ValueError:
        return choices[0]
    return next((c for c, r in zip(choices, ratios) if r >= 4.5), choices[ratios.index(max(ratios))])
