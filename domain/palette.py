"""Colour checks for the palettes kept in the data (risk classes, hazard levels).

Colour-vision deficiency is simulated with the matrices of Machado, Oliveira and Fernandes (2009),
severity 1.0, applied to linear RGB; colours are compared by CIE76 distance in CIELAB (D65).
A distance under about 10 is hard to tell apart on a map legend.
"""
from __future__ import annotations

from itertools import combinations

import numpy as np

# Machado et al. 2009, severity 1.0 (linear RGB).
CVD_MATRICES = {
    "normal": np.eye(3),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868],
                            [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968],
                              [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779],
                            [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}
_SRGB_TO_XYZ = np.array([[0.4124564, 0.3575761, 0.1804375],
                         [0.2126729, 0.7151522, 0.0721750],
                         [0.0193339, 0.1191920, 0.9503041]])
_WHITE = np.array([0.95047, 1.0, 1.08883])


def hex_to_linear(colour: str) -> np.ndarray:
    """'#rrggbb' -> linear-light RGB in 0-1."""
    c = np.array([int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)])
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
