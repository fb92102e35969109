"""How much room a text takes on a slide: word-wrapped lines measured with the slide's font.

The PowerPoint files set DejaVu Sans; its glyph widths are read from the font file (Pillow) when
the system has it, else estimated at 0.62 em a character (wider than DejaVu's average, so the
estimate errs on the safe side). A line is 1.2 times the font size, as PowerPoint's single line
spacing for this font; paragraphs add their space after. This is an estimate of PowerPoint's
layout, not a rendering: kerning and PowerPoint's own line breaking can differ by a word.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

FONT_FILES = {False: "DejaVuSans.ttf", True: "DejaVuSans-Bold.ttf"}
FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/local/share/fonts"),
)
LINE_HEIGHT = 1.2  # lines per font size (single spacing)
FALLBACK_EM = 0.62  # average character width when the font file is missing
MEASURE_PX = 100  # font size the widths are measured at (scaled linearly)


@lru_cache(maxsize=2)
def _font(bold: bool) -> ImageFont.FreeTypeFont | None:
    for folder in FONT_DIRS:
        path = folder / FONT_FILES[bold]
        if path.exists():
            return ImageFont.truetype(str(path), MEASURE_PX)
    return None


def text_width(text: str, size_pt: float, bold: bool = False) -> float:
    """Width of one line of text in inches at `size_pt`."""
    font = _font(bold)
    if font is None:
        return len(text) * FALLBACK_EM * size_pt / 72
    return font.getlength(text) / MEASURE_PX * size_pt / 72


def wrap(text: str, size_pt: float, width_in: float, bold: bool = False) -> list[str]:
    """The lines `text` breaks into in a box `width_in` wide (breaks at spaces; a word longer than
    the line stays whole on its own line, where PowerPoint would break it inside)."""
    lines: list[str] = []
    for block in text.split("\n"):
        line = ""
        for word in block.split(" "):
            candidate = f"{line} {word}" if line else word
            if line and text_width(candidate, size_pt, bold) > width_in:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return lines


def longest_word_fits(text: str, size_pt: float, width_in: float, bold: bool = False) -> bool:
    """True when no single word is wider than the box (so no word is broken in the middle)."""
    return all(text_width(w, size_pt, bold) <= width_in for w in text.split())


def paragraph_height(
    text: str, size_pt: float, width_in: float, bold: bool = False, space_after: float = 0.0
) -> float:
    """Height in inches of one paragraph: its wrapped lines times the line height, plus the space after."""
    return len(wrap(text, size_pt, width_in, bold)) * size_pt * LINE_HEIGHT / 72 + space_after / 72


def block_height(
    paragraphs: list[tuple[str, float, bool]], width_in: float, space_ratio: float = 0.3
) -> float:
    """Height in inches of paragraphs (text, size, bold) stacked in one text frame; each paragraph
    but the last adds `space_ratio` of its size after it."""
    total = 0.0
    for i, (text, size, bold) in enumerate(paragraphs):
        after = size * space_ratio if i < len(paragraphs) - 1 else 0.0
        total += paragraph_height(text, size, width_in, bold, after)
    return total
