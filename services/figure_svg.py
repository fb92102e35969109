"""Plotly figures drawn as inline SVG on the server, for a page's first view (issue 21).

A dcc.Graph's figure (a plain dict, components/figure_dict.py, or a go.Figure) becomes `<svg>`
markup showing what Plotly will draw - bars, lines, markers, heat map cells, a radar, axes with
ticks, legend, annotations, shapes - before any script has run. The layout follows plotly.js's
rules where they decide what a reader sees: margins pushed by tick labels, legends and colour bars
(`automargin`), automatic ticks, category order, grouped and stacked bars, number formats with the
figure's `separators`. Text widths are estimated from DejaVu Sans's proportions.

A figure holding anything else (another trace type, date or log axes, several subplots, a marker
symbol or number format not listed here) gets None: the page keeps the empty box and Plotly
draws it. Three widths are drawn (WIDTHS); assets/first_view_charts.css shows the one that suits
the chart's box.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from html import unescape

import numpy as np
import plotly.io as pio
from markupsafe import escape

from i18n import plotly_separators

log = logging.getLogger(__name__)
# The widths each chart is drawn at; assets/first_view_charts.css shows the one that suits the box
# (container queries): a phone's column (322 px at 390), half a desktop row (582), a whole row (1214).
WIDTHS = {"narrow": 360, "medium": 600, "wide": 1200}
# A chart that fills its box (style height "100%": the presenter's slides) is drawn, for each of
# the widths above, at the size of a typical box that width is shown in (a phone held upright, a
# laptop, a projector), so that its type keeps the figure's size; the SVG scales to the box keeping
# its proportions.
FILL_SIZES = {"narrow": (360, 340), "medium": (790, 510), "wide": (1140, 750)}
NARROW_WIDTH = WIDTHS["narrow"]
DRAWN_TRACES = frozenset({"bar", "scatter", "heatmap", "scatterpolar"})
LINE_HEIGHT = 1.3  # plotly.js's line height, in em
LABEL_PAD = 3  # px between an axis (or a tick) and its labels
LEGEND_SAMPLE = 40  # px before a legend item's text (plotly.js's textGap)
MIN_PLOT = 64  # px: plotly.js's minreducedwidth / minreducedheight
ROUND_UP_STEPS = (2, 5, 10)  # plotly.js's roundBase10
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$")
MS_PER_YEAR = 365.25 * 24 * 3600 * 1000  # plotly.js's ONEAVGYEAR
SI_SUFFIXES = {1: "k", 2: "M", 3: "G", 4: "T"}
MINUS = "\u2212"
SAFE_COLOUR = re.compile(r"^(#[0-9a-fA-F]{3,8}|rgba?\([0-9.,\s%]+\)|[a-zA-Z]{3,20})$")
SAFE_DASH = re.compile(r"^[0-9.]+(px|%)?(,\s*[0-9.]+(px|%)?)*$")
NUMBER_FORMAT = re.compile(r"^(,)?(?:\.(\d+))?([fd%]?)$")
TEMPLATE_FIELD = re.compile(r"%\{([a-z]+)(?::([^}]*))?\}")
TAG = re.compile(r"<(/?)([^ <>/]*)(\s[^<>]*)?/?>")
STYLED_TAGS = frozenset({"b", "i", "em", "span", "a", "sup", "sub"})  # plotly.js's TAG_STYLES
STYLE_PART = re.compile(r"(font-size|color)\s*:\s*([^;]+)")
NARROW_CHARS = frozenset(" iljtfrI.,:;'!|()[]{}·/\\-")
WIDE_CHARS = frozenset("mwMWжшщыюЖШЩЫЮМ—@%")
DASHES = {
    "dot": (1, 1),
    "dash": (3, 3),
    "longdash": (5, 5),
    "dashdot": (3, 1, 1, 1),
    "longdashdot": (5, 2, 1, 2),
}


class Unsupported(Exception):
    """The figure holds something this module does not draw faithfully."""


# --- reading the figure --------------------------------------------------------------------------


def plain(value: object) -> object:
    """Plotly.js typed arrays (`{"dtype", "bdata"}`), numpy arrays and tuples as plain lists."""
    if isinstance(value, Mapping):
        if "bdata" in value and "dtype" in value:
            array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(str(value["dtype"])))
            if value.get("shape"):
                array = array.reshape([int(s) for s in str(value["shape"]).split(",")])
            return array.tolist()
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return (
            np.datetime_as_string(value, unit="ms").tolist()
            if value.dtype.kind == "M"
            else plain(value.tolist())
        )
    if isinstance(value, np.datetime64):
        return str(np.datetime_as_string(value, unit="ms"))
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def merged(base: Mapping, over: Mapping) -> dict:
    """`over` on top of `base`, nested objects merged key by key."""
    out = dict(base)
    for key, value in over.items():
        both = isinstance(value, Mapping) and isinstance(out.get(key), Mapping)
        out[key] = merged(out[key], value) if both else value
    return out


def template_of(layout: Mapping) -> dict:
    """The figure's template as JSON (a registered template's name is looked up)."""
    template = layout.get("template") or {}
    if isinstance(template, str):
        if template not in pio.templates:
            raise Unsupported(f"template {template}")
        template = pio.templates[template].to_plotly_json()
    return template if isinstance(template, Mapping) else {}


def resolved(figure: object) -> tuple[list[dict], dict]:
    """The figure's visible traces and its layout, each with its template's defaults."""
    if hasattr(figure, "to_plotly_json"):
        figure = figure.to_plotly_json()
    if not isinstance(figure, Mapping):
        raise Unsupported("not a figure")
    layout_in = figure.get("layout") or {}
    template = template_of(layout_in)
    layout = merged(
        plain(template.get("layout") or {}), plain({k: v for k, v in layout_in.items() if k != "template"})
    )
    defaults = template.get("data") or {}
    traces = []
    for trace in figure.get("data") or []:
        kind = trace.get("type", "scatter")
        if kind not in DRAWN_TRACES:
            raise Unsupported(f"trace type {kind}")
        if trace.get("visible", True) is False:
            continue
        base = plain((defaults.get(kind) or [{}])[0])
        traces.append(merged(base, plain(dict(trace))) | {"type": kind})
    return traces, layout


def date_ms(text: str) -> float:
    """A date or date-time text as plotly.js reads it: milliseconds since 1970, in UTC."""
    if not DATE.match(text):
        raise Unsupported(f"date {text[:40]!r}")
    moment = datetime.fromisoformat(text.strip().replace(" ", "T"))
    return (moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment).timestamp() * 1000


PLAIN_NUMBERS = frozenset({int, float, type(None)})  # not bool: plotly leaves booleans out


def missing(value: object) -> bool:
    """A value plotly leaves out (None, NaN)."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def number(value: object) -> float | None:
    """A numeric value, or None for a gap; text is not a number here (categories)."""
    if isinstance(value, bool) or missing(value):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    raise Unsupported(f"value {value!r} on a numeric axis")


def colour(value: object, fallback: str | None = None) -> str:
    """A CSS colour from the figure, checked (figure values come from data)."""
    if value is None and fallback is not None:
        return fallback
    if isinstance(value, str) and SAFE_COLOUR.match(value.strip()):
        return value.strip()
    raise Unsupported(f"colour {value!r}")


def rgb_of(value: str) -> tuple[float, float, float]:
    """Red, green and blue (0-255) of a #hex or rgb() colour; named colours other than white/black
    are not known here."""
    value = value.strip().lower()
    if value.startswith("#"):
        digits = value[1:]
        if len(digits) in (3, 4):
            digits = "".join(c * 2 for c in digits[:3])
        return tuple(int(digits[i : i + 2], 16) for i in (0, 2, 4))  # type: ignore[return-value]
    if value.startswith("rgb"):
        parts = [float(p.strip().rstrip("%")) for p in value[value.index("(") + 1 : -1].split(",")]
        return parts[0], parts[1], parts[2]
    names = {"white": (255.0, 255.0, 255.0), "black": (0.0, 0.0, 0.0)}
    if value in names:
        return names[value]
    raise Unsupported(f"colour {value}")


def is_dark(value: str) -> bool:
    """Whether text on this colour should be light: plotly.js's contrast rule (tinycolor's
    perceived brightness under 128)."""
    red, green, blue = rgb_of(value)
    return (red * 299 + green * 587 + blue * 114) / 1000 < 128


def scale_colour(scale: Sequence, fraction: float) -> str:
    """The colour at `fraction` (0-1) of a plotly colour scale, interpolated in RGB as plotly does."""
    if not isinstance(scale, Sequence) or isinstance(scale, str) or not scale:
        raise Unsupported("a named colour scale")
    stops = [(float(p), rgb_of(colour(c))) for p, c in scale]
    fraction = min(1.0, max(0.0, fraction))
    for (p0, c0), (p1, c1) in zip(stops, stops[1:]):
        if fraction <= p1:
            k = 0.0 if p1 == p0 else (fraction - p0) / (p1 - p0)
            mixed = [a + (b - a) * k for a, b in zip(c0, c1)]
            return "rgb({},{},{})".format(*(round(v) for v in mixed))
    return "rgb({},{},{})".format(*(round(v) for v in stops[-1][1]))


# --- text -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Font:
    """A font as plotly describes one."""

    size: float
    colour: str
    family: str

    def with_(self, spec: object) -> Font:
        """This font with a figure's `font` object on top."""
        spec = spec if isinstance(spec, Mapping) else {}
        return Font(
            float(spec.get("size") or self.size),
            colour(spec.get("color"), self.colour),
            str(spec.get("family") or self.family),
        )


@dataclass(frozen=True)
class Run:
    """A piece of text with one style (plotly's pseudo-HTML: <b>, <i>, <span style=...>)."""

    text: str
    size: float | None = None
    colour: str | None = None
    bold: bool = False
    italic: bool = False


def char_width(char: str) -> float:
    """The width of a character in em, from DejaVu Sans's proportions."""
    if char in NARROW_CHARS:
        return 0.33
    if char in WIDE_CHARS:
        return 0.92
    if char.isdigit():
        return 0.64
    if char.isupper():
        return 0.72
    return 0.6


def run_width(run: Run, size: float) -> float:
    """A run's estimated width in px (`size` when the run sets none)."""
    return sum(char_width(c) for c in run.text) * (run.size or size) * (1.09 if run.bold else 1.03)


def line_width(line: list[Run], size: float) -> float:
    """A line's estimated width in px."""
    return sum(run_width(r, size) for r in line)


def style_of(attributes: str, size: float | None, fill: str | None) -> tuple[float | None, str | None]:
    """The font size and colour a <span style=...> sets (others are ignored)."""
    match = re.search(r"style\s*=\s*(['\"])(.*?)\1", attributes)
    for name, value in STYLE_PART.findall(match.group(2) if match else ""):
        value = value.strip()
        if name == "font-size" and re.fullmatch(r"[0-9.]+(px)?", value):
            size = float(value.removesuffix("px"))
        elif name == "color" and SAFE_COLOUR.match(value):
            fill = value
    return size, fill


def rich_lines(text: object) -> list[list[Run]]:
    """Plotly's text as lines of styled runs, read as plotly.js reads it: <br> breaks lines, its own
    tags (<b>, <i>, <span style>, <sup>...) style the text, any other tag is shown as written."""
    if missing(text) or text == "":
        return []
    if isinstance(text, float) and text.is_integer():
        text = int(text)
    lines: list[list[Run]] = [[]]
    stack: list[tuple[float | None, str | None, bool, bool]] = [(None, None, False, False)]
    position = 0
    source = str(text)

    def add(piece: str) -> None:
        if piece:
            size, fill, bold, italic = stack[-1]
            lines[-1].append(Run(piece, size, fill, bold, italic))

    for match in TAG.finditer(source):
        add(unescape(source[position : match.start()]))
        position = match.end()
        closing, tag, attributes = match.group(1) == "/", match.group(2).lower(), match.group(3) or ""
        if tag == "br":
            lines.append([])
        elif tag not in STYLED_TAGS:
            add(unescape(match.group(0)))
        elif closing:
            if len(stack) > 1:
                stack.pop()
        else:
            size, fill, bold, italic = stack[-1]
            if tag == "span":
                size, fill = style_of(attributes, size, fill)
            elif tag in ("sup", "sub"):
                size = (size or 0) * 0.7 or None
            stack.append((size, fill, bold or tag == "b", italic or tag in ("i", "em")))
    add(unescape(source[position:]))
    return lines


def block_height(lines: list[list[Run]], size: float) -> float:
    """The height of lines of text in px."""
    return len(lines) * size * LINE_HEIGHT


def block_width(lines: list[list[Run]], size: float) -> float:
    """The widest of the lines in px."""
    return max((line_width(line, size) for line in lines), default=0.0)


def text_svg(
    lines: list[list[Run]],
    x: float,
    y: float,
    font: Font,
    anchor: str = "start",
    valign: str = "middle",
    rotate: float = 0.0,
    weight: str | None = None,
) -> str:
    """An SVG <text> of lines; (x, y) is the anchor point: start/middle/end across, top/middle/bottom
    down the block."""
    if not lines:
        return ""
    step = font.size * LINE_HEIGHT
    top = y - {"top": 0.0, "middle": 0.5, "bottom": 1.0}[valign] * step * len(lines)
    spans = []
    for i, line in enumerate(lines):
        baseline = top + (i + 0.5) * step + 0.35 * font.size
        parts = []
        for run in line:
            style = []
            if run.size:
                style.append(f'font-size="{n(run.size)}"')
            if run.colour:
                style.append(f'fill="{escape(run.colour)}"')
            if run.bold:
                style.append('font-weight="bold"')
            if run.italic:
                style.append('font-style="italic"')
            parts.append(
                f"<tspan {' '.join(style)}>{escape(run.text)}</tspan>" if style else str(escape(run.text))
            )
        spans.append(f'<tspan x="{n(x)}" y="{n(baseline)}">{"".join(parts)}</tspan>')
    turn = f' transform="rotate({n(rotate)} {n(x)} {n(y)})"' if rotate else ""
    bold = f' font-weight="{weight}"' if weight else ""
    return (
        f'<text text-anchor="{anchor}" font-size="{n(font.size)}" fill="{escape(font.colour)}"{bold}{turn}>'
        f"{''.join(spans)}</text>"
    )


def n(value: float) -> str:
    """A coordinate for SVG: at most one decimal."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


# --- numbers --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Separators:
    """Plotly's `separators`: the decimal mark, then the thousands mark."""

    decimal: str = "."
    thousands: str = ","

    @classmethod
    def of(cls, layout: Mapping, lang: str | None) -> Separators:
        text = layout.get("separators") or (plotly_separators(lang) if lang else ".,")
        return cls(text[0], text[1] if len(text) > 1 else "")


def grouped_digits(value: float, decimals: int, seps: Separators, group: bool) -> str:
    """A number with its decimals, grouped in thousands when asked, in the figure's separators."""
    text = f"{abs(value):{',' if group else ''}.{decimals}f}"
    text = text.replace(",", "\0").replace(".", seps.decimal).replace("\0", seps.thousands)
    negative = value < 0 and any(c not in "0.," for c in f"{abs(value):.{decimals}f}")
    return (MINUS if negative else "") + text


def d3_format(value: float, spec: str, seps: Separators) -> str:
    """A number in one of the d3 formats the app's figures use (`d`, `.1f`, `,.0f`, `.0%`)."""
    match = NUMBER_FORMAT.match(spec)
    if not match:
        raise Unsupported(f"number format {spec}")
    group, decimals, kind = bool(match.group(1)), match.group(2), match.group(3)
    if kind == "d":
        return grouped_digits(round(value), 0, seps, group)
    if kind == "%":
        return grouped_digits(value * 100, int(decimals or 0), seps, group) + "%"
    if decimals is None:  # d3's default: as many digits as the number needs
        return js_number(value, seps)
    return grouped_digits(value, int(decimals), seps, group)


def js_number(value: float, seps: Separators | None = None) -> str:
    """A number as JavaScript writes it (2, 2.5), with the figure's decimal mark when given."""
    text = str(int(value)) if float(value).is_integer() else repr(float(value))
    return text.replace(".", seps.decimal) if seps else text


def tick_decimals(step: float) -> int:
    """How many decimals the ticks of a step need (0.5 -> 1, 2 -> 0)."""
    for decimals in range(0, 10):
        if abs(round(step * 10**decimals) - step * 10**decimals) < 1e-6:
            return decimals
    return 10


def auto_tick_text(value: float, step: float, top: float, seps: Separators) -> str:
    """A tick label as plotly writes one by default: trailing zeros dropped, k/M past 9999."""
    exponent = math.floor(math.log10(top)) if top > 0 else 0
    thousands = exponent // 3 if exponent > 3 else 0
    scaled, scaled_step = value / 1000**thousands, step / 1000**thousands
    text = grouped_digits(scaled, tick_decimals(scaled_step), seps, False)
    if seps.decimal in text:
        text = text.rstrip("0").rstrip(seps.decimal)
    if text in (MINUS + "0", ""):
        text = "0"
    return text + (SI_SUFFIXES.get(thousands, "") if thousands and scaled != 0 else "")


def round_up(value: float) -> float:
    """plotly.js's Lib.roundUp over (2, 5, 10): the first step above `value`."""
    return next((s for s in ROUND_UP_STEPS if s > value), ROUND_UP_STEPS[-1])


def auto_step(span: float, count: float) -> float:
    """plotly.js's automatic tick step for a linear axis: 2, 5 or 10 times a power of ten."""
    rough = span / max(count, 1)
    if rough <= 0:
        return 1.0
    base = 10 ** math.floor(math.log10(rough))
    return base * round_up(rough / base)


# --- axes -----------------------------------------------------------------------------------------


@dataclass
class Axis:
    """One cartesian axis: its settings, its categories and its range once known."""

    letter: str
    spec: dict
    font: Font
    seps: Separators
    categories: list[str] = field(default_factory=list)
    low: float = 0.0
    high: float = 1.0
    start: float = 0.0  # px of the low end on the figure
    length: float = 1.0  # px
    flipped: bool = False  # a range given high to low

    @property
    def category(self) -> bool:
        return self.spec.get("type") == "category"

    @property
    def reversed(self) -> bool:
        return self.spec.get("autorange") == "reversed" or self.flipped

    def position(self, value: object) -> float | None:
        """A value on the axis (a category's index, or the number)."""
        if self.category:
            if missing(value):
                return None
            if (
                isinstance(value, (int, float))
                and not isinstance(value, bool)
                and str(value) not in self.categories
            ):
                return float(value)
            return float(self.categories.index(str(value))) if str(value) in self.categories else None
        if self.spec.get("type") == "date" and isinstance(value, str):
            return date_ms(value)
        return number(value)

    def positions(self, values: list) -> list[float | None]:
        """`position` of each value; plain numbers on a numeric axis without a call per value
        (a long series is most of a chart's work)."""
        numeric = not self.category and not (
            self.spec.get("type") == "date" and any(isinstance(v, str) for v in values)
        )
        if numeric and set(map(type, values)) <= PLAIN_NUMBERS:
            return [None if v is None or v != v else float(v) for v in values]
        return [self.position(v) for v in values]

    def px(self, position: float) -> float:
        """The pixel (x across, y down) of a position on the axis."""
        fraction = (position - self.low) / (self.high - self.low) if self.high != self.low else 0.5
        if self.reversed:
            fraction = 1 - fraction
        return (
            self.start + fraction * self.length
            if self.letter == "x"
            else self.start + (1 - fraction) * self.length
        )

    def domain_px(self, fraction: float) -> float:
        """The pixel of a fraction of the plot area (paper or domain coordinates)."""
        return (
            self.start + fraction * self.length
            if self.letter == "x"
            else self.start + (1 - fraction) * self.length
        )

    @property
    def tick_font(self) -> Font:
        return self.font.with_(self.spec.get("tickfont"))

    @property
    def title_lines(self) -> list[list[Run]]:
        title = self.spec.get("title")
        text = title.get("text") if isinstance(title, Mapping) else title
        return rich_lines(text) if text else []

    @property
    def title_font(self) -> Font:
        title = self.spec.get("title")
        base = Font(round(self.font.size * 1.2), self.font.colour, self.font.family)
        return base.with_(title.get("font") if isinstance(title, Mapping) else None)

    def ticks(self) -> list[tuple[float, list[list[Run]]]]:
        """The axis's ticks: position and label lines."""
        if self.spec.get("showticklabels", True) is False and not self.spec.get("showgrid", True):
            return []
        if self.spec.get("tickmode") == "array" or "tickvals" in self.spec:
            values = self.spec.get("tickvals") or []
            texts = self.spec.get("ticktext") or [None] * len(values)
            out = []
            for value, text in zip(values, texts):
                position = self.position(value)
                if position is not None and self.inside(position):
                    label = text if text is not None else self.label(float(position), 1.0)
                    out.append((position, rich_lines(label)))
            return out
        if self.category:
            return [(float(i), rich_lines(c)) for i, c in enumerate(self.categories) if self.inside(i)]
        if self.spec.get("type") == "date":
            return self.year_ticks()
        step = self.step()
        first = math.ceil((self.low - self.tick0()) / step - 1e-9) * step + self.tick0()
        top = max(abs(self.low), abs(self.high))
        count = int(math.floor((self.high - first) / step + 1e-9)) + 1
        values = [first + i * step for i in range(max(0, min(count, 200)))]
        return [(v, rich_lines(self.label(v, step, top))) for v in values]

    def year_ticks(self) -> list[tuple[float, list[list[Run]]]]:
        """A date axis's ticks when they fall on years (plotly's "M12" steps and more), labelled
        with the year as plotly's "%Y" does; finer steps (months, days) are not drawn here."""
        if self.spec.get("dtick") or self.spec.get("tickformat"):
            raise Unsupported("date ticks set by the figure")
        count = self.spec.get("nticks") or (min(max(self.length / 80, 4), 9) + 1)
        rough_years = (self.high - self.low) / count / MS_PER_YEAR
        if rough_years <= 1:
            raise Unsupported("date ticks finer than a year")
        base = 10 ** math.floor(math.log10(rough_years))
        step = int(base * round_up(rough_years / base))
        first = datetime.fromtimestamp(self.low / 1000, tz=UTC).year
        years = [y for y in range(first, first + 400) if (y - 2000) % step == 0]
        ticks = [(date_ms(f"{y}-01-01"), y) for y in years]
        return [(ms, rich_lines(str(y))) for ms, y in ticks if self.inside(ms)]

    def inside(self, position: float) -> bool:
        low, high = sorted((self.low, self.high))
        return low - 1e-9 <= position <= high + 1e-9

    def tick0(self) -> float:
        return float(self.spec.get("tick0") or 0.0)

    def step(self) -> float:
        """The distance between ticks: `dtick`, else plotly's automatic one from `nticks` or length."""
        if self.spec.get("dtick"):
            return float(self.spec["dtick"])
        count = self.spec.get("nticks") or (
            min(max(self.length / (80 if self.letter == "x" else 40), 4), 9) + 1
        )
        return auto_step(abs(self.high - self.low), count)

    def label(self, value: float, step: float, top: float | None = None) -> str:
        form = self.spec.get("tickformat")
        text = (
            d3_format(value, form, self.seps)
            if form
            else auto_tick_text(value, step, top or abs(value), self.seps)
        )
        return f"{self.spec.get('tickprefix', '')}{text}{self.spec.get('ticksuffix', '')}"

    def labels_shown(self) -> bool:
        return (
            self.spec.get("showticklabels", True) is not False and self.spec.get("visible", True) is not False
        )

    def tick_length(self) -> float:
        return float(self.spec.get("ticklen", 5)) if self.spec.get("ticks") in ("outside",) else 0.0

    def depth(self, ticks: list[tuple[float, list[list[Run]]]]) -> float:
        """px the tick labels take away from the plot area (across the axis)."""
        if not self.labels_shown() or not ticks:
            return self.tick_length()
        font = self.tick_font
        if self.letter == "x":
            size = max(block_height(lines, font.size) for _, lines in ticks)
            if self.angle(ticks):
                size = max(block_width(lines, font.size) for _, lines in ticks) * 0.5 + font.size
        else:
            size = max(block_width(lines, font.size) for _, lines in ticks) + LABEL_PAD
        return self.tick_length() + LABEL_PAD + size

    def angle(self, ticks: list[tuple[float, list[list[Run]]]]) -> float:
        """The x labels' angle: the figure's, else 30 degrees when level labels would overlap."""
        chosen = self.spec.get("tickangle", "auto")
        if isinstance(chosen, (int, float)):
            return float(chosen)
        if self.letter != "x" or len(ticks) < 2:
            return 0.0
        gap = abs(self.px(ticks[1][0]) - self.px(ticks[0][0]))
        widest = max(block_width(lines, self.tick_font.size) for _, lines in ticks)
        return -30.0 if widest + 4 > gap else 0.0

    def title_depth(self) -> float:
        lines = self.title_lines
        if not lines:
            return 0.0
        title = self.spec.get("title") if isinstance(self.spec.get("title"), Mapping) else {}
        standoff = float(title.get("standoff", 15))
        return standoff + block_height(lines, self.title_font.size)


def axis_spec(layout: Mapping, letter: str, traces: list[dict]) -> dict:
    """An axis's settings, with its type found from the data as plotly does ("strict" numbers)."""
    spec = dict(layout.get(f"{letter}axis") or {})
    kind = spec.get("type", "-")
    if kind in ("-", None):
        values = [v for t in traces for v in axis_values(t, letter) if not missing(v)]
        texts = [v for v in values if isinstance(v, str)]
        dates = texts and len(texts) == len(values) and all(DATE.match(v) for v in texts)
        kind = "date" if dates else "category" if texts else "linear"
    if kind not in ("linear", "category", "date"):
        raise Unsupported(f"{kind} axis")
    spec["type"] = kind
    return spec


def axis_values(trace: Mapping, letter: str) -> list:
    """The values a trace places on the x or y axis (indices when it gives none)."""
    values = trace.get(letter)
    if values is None:
        other = trace.get("y" if letter == "x" else "x") or trace.get("z") or []
        if trace["type"] == "heatmap":
            z = trace.get("z") or [[]]
            return list(range(len(z[0]) if letter == "x" else len(z)))
        return list(range(len(other)))
    return values if isinstance(values, list) else [values]


def categories(spec: Mapping, traces: list[dict], letter: str) -> list[str]:
    """A category axis's categories in plotly's order (`categoryarray` first, then as they come)."""
    seen: list[str] = []
    for trace in traces:
        for value in axis_values(trace, letter):
            if not missing(value) and str(value) not in seen:
                seen.append(str(value))
    order = spec.get("categoryorder", "trace")
    if order == "array":
        given = [str(c) for c in spec.get("categoryarray") or []]
        return given + [c for c in seen if c not in given]
    if order in ("category ascending", "category descending"):
        return sorted(seen, reverse=order.endswith("descending"))
    if order not in ("trace", None):
        raise Unsupported(f"category order {order}")
    return seen


# --- marks in data coordinates --------------------------------------------------------------------


@dataclass
class BarMark:
    """One bar: its extent along the category axis and the value axis, its look and text."""

    p0: float
    p1: float
    v0: float
    v1: float
    fill: str
    opacity: float
    text: str
    trace: dict
    index: int = 0  # the point's number in its trace (per-point text colours)


def point_font(spec: object, i: int) -> object:
    """A trace's font object with a per-point colour (a list) taken at point `i`."""
    if isinstance(spec, Mapping) and isinstance(spec.get("color"), list):
        return {**spec, "color": per_point(spec["color"], i)}
    return spec


def per_point(value: object, i: int, default: object = None) -> object:
    """A per-point property (a list) or the trace's single value."""
    if isinstance(value, list):
        return value[i] if i < len(value) else default
    return default if value is None else value


def bar_marks(traces: list[dict], layout: Mapping, x: Axis, y: Axis) -> list[BarMark]:
    """The bars of every bar trace, placed as plotly places them in the layout's `barmode`."""
    bars = [t for t in traces if t["type"] == "bar"]
    mode = layout.get("barmode", "group")
    if mode not in ("group", "stack", "relative", "overlay"):
        raise Unsupported(f"barmode {mode}")
    gap = float(layout.get("bargap", 0.2))
    group_gap = float(layout.get("bargroupgap", 0.0))
    sums: dict[tuple[float, bool], float] = {}
    marks = []
    for k, trace in enumerate(bars):
        horizontal = trace.get("orientation") == "h"
        cat_axis, val_axis = (y, x) if horizontal else (x, y)
        positions = axis_values(trace, cat_axis.letter)
        values = axis_values(trace, val_axis.letter)
        slot = (1 - gap) / (len(bars) if mode == "group" else 1)
        for i, (p, v) in enumerate(zip(positions, values)):
            where, size = cat_axis.position(p), number(v)
            if where is None or size is None:
                continue
            width = float(per_point(trace.get("width"), i, slot * (1 - group_gap)))
            centre = where - (1 - gap) / 2 + slot * (k + 0.5) if mode == "group" else where
            base = val_axis.position(per_point(trace.get("base"), i, 0.0)) or 0.0
            if mode in ("stack", "relative"):
                key = (where, mode == "relative" and size < 0)
                base = sums.get(key, 0.0)
                sums[key] = base + size
            marker = trace.get("marker") or {}
            fill = colour(per_point(marker.get("color"), i), trace.get("_colour"))
            opacity = float(trace.get("opacity", 1.0)) * float(per_point(marker.get("opacity"), i, 1.0))
            marks.append(
                BarMark(
                    centre - width / 2,
                    centre + width / 2,
                    base,
                    base + size,
                    fill,
                    opacity,
                    mark_text(trace, i),
                    trace,
                    i,
                )
            )
    return marks


def mark_text(trace: Mapping, i: int, seps: Separators | None = None) -> str:
    """The text a trace shows on its i-th point (`texttemplate` is not drawn here)."""
    if trace.get("texttemplate") not in (None, "", "%{text}"):
        raise Unsupported("texttemplate")
    value = per_point(trace.get("text"), i, "")
    if missing(value) or value == "":
        return ""
    return js_number(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)


def padded(low: float, high: float, length: float, pad_low: float, pad_high: float) -> tuple[float, float]:
    """A range holding [low, high] with `pad_*` px free at each end (plotly's autorange padding)."""
    if high == low:
        return (low - 1, high + 1) if low != 0 else (-1.0, 1.0)
    usable = max(length - pad_low - pad_high, length * 0.25)
    span = (high - low) * length / usable
    return low - span * pad_low / length, high + span * pad_high / length


def marker_radius(trace: Mapping) -> float:
    """Half a scatter trace's marker size (plotly pads an autorange by it); 0 without markers."""
    if "markers" not in trace.get("mode", "lines+markers"):
        return 0.0
    size = (trace.get("marker") or {}).get("size", 6)
    return (max(size) if isinstance(size, list) and size else float(size)) / 2


def extents(
    axis: Axis, traces: list[dict], bars: list[BarMark], cells: list
) -> tuple[list, list, float, bool]:
    """What the data spans on an axis: low ends, high ends, the widest marker's radius, and
    whether zero must stay in view (bars from zero, fills to zero)."""
    lows, highs, pad, to_zero = [], [], 0.0, axis.spec.get("rangemode") == "tozero"
    for bar in bars:
        along = (axis.letter == "x") == (bar.trace.get("orientation") == "h")
        lows.append(min(bar.v0, bar.v1) if along else bar.p0)
        highs.append(max(bar.v0, bar.v1) if along else bar.p1)
        whisker = bar_error(bar) if along else None
        if whisker is not None:
            lows.append(whisker[0])
            highs.append(whisker[1])
        to_zero = to_zero or (along and bar.trace.get("base") is None)  # Gantt bars do not start at 0
    for trace in (t for t in traces if t["type"] == "scatter"):
        values = [v for v in axis.positions(axis_values(trace, axis.letter)) if v is not None]
        if values:
            lows.append(min(values))
            highs.append(max(values))
            pad = max(pad, marker_radius(trace))
            to_zero = to_zero or trace.get("fill") in ("tozerox", "tozeroy")
    lows.extend(cell[0] for cell in cells)
    highs.extend(cell[1] for cell in cells)
    return lows, highs, pad, to_zero


def autorange(axis: Axis, traces: list[dict], bars: list[BarMark], cells: list) -> tuple[float, float]:
    """The axis's range: the figure's, else plotly's automatic one (the data's extent with 5% and the
    markers' radius free at each end that is not zero)."""
    given = axis.spec.get("range")
    if isinstance(given, list) and len(given) == 2 and axis.spec.get("autorange") not in (True, "reversed"):
        low, high = (axis.position(v) for v in given)
        axis.flipped = low > high
        return min(low, high), max(low, high)
    if axis.category and (bars or cells or not traces):
        return -0.5, max(len(axis.categories), 1) - 0.5
    lows, highs, pad, to_zero = extents(axis, traces, bars, cells)
    if not lows:  # plotly's empty axes
        return (-1.0, 6.0) if axis.letter == "x" else (-1.0, 4.0)
    low, high = min(lows), max(highs)
    if to_zero:
        low, high = min(low, 0.0), max(high, 0.0)
        if low == high == 0.0:
            return 0.0, 1.0
    free = 0.0 if cells else 0.05 * axis.length + pad
    pad_low = 0.0 if to_zero and low == 0.0 else free
    pad_high = 0.0 if to_zero and high == 0.0 else free
    return padded(low, high, axis.length, pad_low, pad_high)


# --- margins --------------------------------------------------------------------------------------


@dataclass
class Pushes:
    """What asks for room at the edges: (fraction of the plot area, px) pairs at each side."""

    low_x: list[tuple[float, float]] = field(default_factory=list)
    high_x: list[tuple[float, float]] = field(default_factory=list)
    low_y: list[tuple[float, float]] = field(default_factory=list)
    high_y: list[tuple[float, float]] = field(default_factory=list)


def solve(
    total: float, low: list[tuple[float, float]], high: list[tuple[float, float]]
) -> tuple[float, float]:
    """The two margins (low end, high end) that give every pusher its room, as plotly.js's autoMargin:
    the pair of pushers that leaves the smallest plot decides."""
    best = (low[0][1], high[0][1])
    for f_low, s_low in low:
        for f_high, s_high in high:
            if f_high <= f_low:
                continue
            plot = (total - s_low - s_high) / (f_high - f_low)
            margin_low = s_low - f_low * plot
            margin_high = total - margin_low - plot
            if margin_low + margin_high > sum(best):
                best = (margin_low, margin_high)
    if total - sum(best) < MIN_PLOT:  # plotly keeps a plot area of at least 64 px
        spare = max(total - MIN_PLOT, 0.0)
        scale = spare / sum(best) if sum(best) > 0 else 0.0
        best = (best[0] * scale, best[1] * scale)
    return max(best[0], 0.0), max(best[1], 0.0)


# --- the legend -----------------------------------------------------------------------------------


@dataclass
class Legend:
    """A horizontal or vertical legend: its items, title and size."""

    items: list[dict]
    spec: dict
    font: Font
    rows: list[list[tuple[dict, float]]] = field(default_factory=list)
    width: float = 0.0
    height: float = 0.0

    @property
    def horizontal(self) -> bool:
        return self.spec.get("orientation") == "h"

    @property
    def title_lines(self) -> list[list[Run]]:
        title = self.spec.get("title") if isinstance(self.spec.get("title"), Mapping) else {}
        return rich_lines(title.get("text")) if title.get("text") else []

    @property
    def title_font(self) -> Font:
        title = self.spec.get("title") if isinstance(self.spec.get("title"), Mapping) else {}
        return Font(round(self.font.size * 1.2), self.font.colour, self.font.family).with_(title.get("font"))

    @property
    def title_on_top(self) -> bool:
        title = self.spec.get("title") if isinstance(self.spec.get("title"), Mapping) else {}
        return title.get("side", "left" if self.horizontal else "top") == "top"

    def measure(self, available: float) -> None:
        """Items in rows (horizontal legends wrap at `available` px), and the legend's size."""
        row_height = self.font.size * LINE_HEIGHT + 6
        title_width = 0.0 if self.title_on_top else block_width(self.title_lines, self.title_font.size) + 6
        self.rows, row, used = [], [], title_width
        for item in self.items:
            width = LEGEND_SAMPLE + block_width(rich_lines(item.get("name", "")), self.font.size) + 10
            if self.horizontal and row and used + width > available:
                self.rows.append(row)
                row, used = [], title_width
            if not self.horizontal and row:
                self.rows.append(row)
                row, used = [], title_width
            row.append((item, width))
            used += width
        if row:
            self.rows.append(row)
        title = (
            block_height(self.title_lines, self.title_font.size) + 4
            if self.title_lines and self.title_on_top
            else 0.0
        )
        self.height = title + len(self.rows) * row_height + 4
        widest = max((sum(w for _, w in r) for r in self.rows), default=0.0)
        self.width = max(widest + title_width, block_width(self.title_lines, self.title_font.size)) + 4


def legend_items(traces: list[dict], layout: Mapping) -> list[dict]:
    """The traces the legend lists, in its order (grouped by legendgroup when any trace has one)."""
    items = [
        t for t in traces if t.get("showlegend", t["type"] != "heatmap") and t.get("name") not in (None, "")
    ]
    shown = layout.get("showlegend")
    if shown is False or (shown is None and len(items) < 2):
        return []
    order = (layout.get("legend") or {}).get("traceorder", "")
    if "grouped" in order or (not order and any(t.get("legendgroup") for t in items)):
        groups = list(dict.fromkeys(t.get("legendgroup", "") for t in items))
        items = sorted(items, key=lambda t: groups.index(t.get("legendgroup", "")))
    return list(reversed(items)) if "reversed" in order else items


def legend_sample(item: dict, x: float, y: float) -> str:
    """The small picture before a legend item's name: a bar's swatch, a line, a marker."""
    kind = item["type"]
    opacity = float(item.get("opacity", 1.0))
    alpha = f' opacity="{n(opacity)}"' if opacity < 1 else ""
    if kind == "bar":
        marker = item.get("marker") or {}
        fill = colour(per_point(marker.get("color"), 0), item.get("_colour"))
        return f'<rect x="{n(x + 14)}" y="{n(y - 6)}" width="12" height="12" fill="{escape(fill)}"{alpha}/>'
    out = []
    mode = item.get("mode", "lines")
    line = item.get("line") or {}
    if item.get("fill") in ("toself", "tonexty", "tozeroy"):
        fill = colour(item.get("fillcolor"), item.get("_colour"))
        out.append(f'<rect x="{n(x + 5)}" y="{n(y - 6)}" width="30" height="12" fill="{escape(fill)}"/>')
    if "lines" in mode and float(line.get("width", 2)) > 0:
        out.append(path_svg([(x + 5, y), (x + 35, y)], item, closed=False))
    if "markers" in mode:
        marker = item.get("marker") or {}
        size = min(float(per_point(marker.get("size"), 0, 6)), 16)
        out.append(marker_svg(item, 0, x + 20, y, size))
    return f"<g{alpha}>{''.join(out)}</g>"


def legend_svg(legend: Legend, left: float, top: float) -> str:
    """The legend drawn with its top-left corner at (left, top)."""
    font = legend.font
    out = []
    row_height = font.size * LINE_HEIGHT + 6
    y = top + 2
    title = legend.title_lines
    if title and legend.title_on_top:
        out.append(text_svg(title, left + 2, y, legend.title_font, valign="top"))
        y += block_height(title, legend.title_font.size) + 4
    for row in legend.rows:
        x = left + 2
        middle = y + row_height / 2
        if title and not legend.title_on_top and row is legend.rows[0]:
            out.append(text_svg(title, x, middle, legend.title_font))
        if title and not legend.title_on_top:
            x += block_width(title, legend.title_font.size) + 6
        for item, width in row:
            out.append(legend_sample(item, x, middle))
            out.append(text_svg(rich_lines(item.get("name", "")), x + LEGEND_SAMPLE, middle, font))
            x += width
        y += row_height
    return f'<g class="legend">{"".join(out)}</g>'


def legend_corner(
    legend: Legend, spec: Mapping, plot: tuple[float, float, float, float], figure_width: float
) -> tuple[float, float]:
    """The legend's top-left corner from its x, y (fractions of the plot area) and anchors."""
    left, top, width, height = plot
    x = float(spec.get("x", 0 if legend.horizontal else 1.02))
    y = float(spec.get("y", 1 if not legend.horizontal else -0.1))
    x_anchor = spec.get("xanchor", "auto")
    if x_anchor == "auto":
        x_anchor = "right" if x >= 2 / 3 and x <= 1 else "center" if 1 / 3 < x < 2 / 3 else "left"
    y_anchor = spec.get("yanchor", "auto")
    if y_anchor == "auto":
        y_anchor = "bottom" if y <= 1 / 3 and y >= 0 else "middle" if 1 / 3 < y < 2 / 3 else "top"
    px = left + x * width - {"left": 0, "center": 0.5, "right": 1}[x_anchor] * legend.width
    py = top + (1 - y) * height - {"top": 0, "middle": 0.5, "bottom": 1}[y_anchor] * legend.height
    return max(min(px, figure_width - legend.width), 0.0), py  # plotly keeps a legend inside the figure


def legend_pushes(legend: Legend, spec: Mapping, pushes: Pushes) -> None:
    """The room a legend outside the plot area asks for (as plotly.js's legend autoMargin)."""
    y = float(spec.get("y", 1 if not legend.horizontal else -0.1))
    y_anchor = spec.get("yanchor", "auto")
    if y_anchor == "auto":
        y_anchor = "bottom" if 0 <= y <= 1 / 3 else "middle" if 1 / 3 < y < 2 / 3 else "top"
    below = {"top": 1.0, "middle": 0.5, "bottom": 0.0}[y_anchor] * legend.height
    above = legend.height - below
    if y - 1e-9 <= 0 or y < 1:
        pushes.low_y.append((y, below))
    if y > 0:
        pushes.high_y.append((y, above))
    if not legend.horizontal:
        x = float(spec.get("x", 1.02))
        pushes.high_x.append((x, legend.width))


# --- drawing marks --------------------------------------------------------------------------------


def dash_array(dash: object, width: float) -> str:
    """SVG stroke-dasharray for plotly's dash names (scaled by the line width, as plotly.js does)."""
    if dash in (None, "solid"):
        return ""
    unit = max(width, 3.0)
    if dash in DASHES:
        return ",".join(n(unit * k) for k in DASHES[dash])
    if isinstance(dash, str) and SAFE_DASH.match(dash):
        return dash.replace("px", "")
    raise Unsupported(f"dash {dash}")


def polyline(points: list[tuple[float, float]]) -> str:
    """SVG path data through the points, to half a pixel, each step relative to the last (long
    series stay small in the page)."""
    halves = [(round(x * 2), round(y * 2)) for x, y in points]
    steps = [(b[0] - a[0], b[1] - a[1]) for a, b in zip(halves, halves[1:])]
    steps = [step for step in steps if step != (0, 0)]
    if not halves:
        return ""
    start = f"M{n(halves[0][0] / 2)} {n(halves[0][1] / 2)}"
    return start + ("l" + " ".join(f"{n(dx / 2)} {n(dy / 2)}" for dx, dy in steps) if steps else "")


def path_svg(points: list[tuple[float, float]], trace: Mapping, closed: bool, fill: str | None = None) -> str:
    """A polyline (or polygon) with the trace's line style."""
    line = trace.get("line") or {}
    width = float(line.get("width", 2))
    data = polyline(points) + ("Z" if closed else "")
    stroke = colour(line.get("color"), trace.get("_colour")) if width > 0 else "none"
    dashes = dash_array(line.get("dash"), width) if width > 0 else ""
    extra = f' stroke-dasharray="{dashes}"' if dashes else ""
    fill_attr = escape(fill) if fill else "none"
    return (
        f'<path d="{data}" fill="{fill_attr}" stroke="{escape(stroke)}" stroke-width="{n(width)}"'
        f' stroke-linejoin="round"{extra}/>'
    )


def symbol_path(symbol: str, r: float) -> str:
    """plotly.js's marker symbol outline around (0, 0) for radius r (half the marker size)."""
    if symbol == "square":
        return f"M{n(r)},{n(r)}H{n(-r)}V{n(-r)}H{n(r)}Z"
    if symbol == "diamond":
        d = r * 1.3
        return f"M{n(d)},0L0,{n(d)}L{n(-d)},0L0,{n(-d)}Z"
    if symbol in ("triangle-up", "triangle-down"):
        t, h = r * 2 / math.sqrt(3), r / 2
        sign = 1 if symbol == "triangle-up" else -1
        return f"M{n(-t)},{n(sign * h)}H{n(t)}L0,{n(-sign * r)}Z"
    if symbol in ("x", "cross"):
        a, b = (r * 0.8 / math.sqrt(2), r * 0.8 * math.sqrt(2)) if symbol == "x" else (r * 0.4, r * 1.2)
        if symbol == "cross":
            return f"M{n(b)},{n(a)}H{n(a)}V{n(b)}H{n(-a)}V{n(a)}H{n(-b)}V{n(-a)}H{n(-a)}V{n(-b)}H{n(a)}V{n(-a)}H{n(b)}Z"
        return (
            f"M0,{n(a)}L{n(a)},{n(b)}L{n(b)},{n(a)}L{n(a)},0L{n(b)},{n(-a)}L{n(a)},{n(-b)}L0,{n(-a)}"
            f"L{n(-a)},{n(-b)}L{n(-b)},{n(-a)}L{n(-a)},0L{n(-b)},{n(a)}L{n(-a)},{n(b)}Z"
        )
    raise Unsupported(f"marker symbol {symbol}")


def marker_svg(trace: Mapping, i: int, x: float, y: float, size: float | None = None) -> str:
    """The i-th point's marker at (x, y)."""
    marker = trace.get("marker") or {}
    symbol = str(per_point(marker.get("symbol"), i, "circle"))
    size = float(size if size is not None else per_point(marker.get("size"), i, 6))
    fill = colour(per_point(marker.get("color"), i), trace.get("_colour"))
    line = marker.get("line") or {}
    line_width = float(per_point(line.get("width"), i, 0) or 0)
    opened = symbol.endswith("-open")
    symbol = symbol.removesuffix("-open")
    if opened:
        stroke, paint, line_width = fill, "none", max(line_width, 1.0)
    else:
        stroke, paint = colour(per_point(line.get("color"), i), fill), fill
    outline = f' stroke="{escape(stroke)}" stroke-width="{n(line_width)}"' if line_width else ""
    opacity = per_point(marker.get("opacity"), i)
    alpha = f' opacity="{n(float(opacity))}"' if opacity is not None and float(opacity) < 1 else ""
    if symbol == "circle":
        return f'<circle cx="{n(x)}" cy="{n(y)}" r="{n(size / 2)}" fill="{escape(paint)}"{outline}{alpha}/>'
    return f'<path transform="translate({n(x)},{n(y)})" d="{symbol_path(symbol, size / 2)}" fill="{escape(paint)}"{outline}{alpha}/>'


def point_text_svg(trace: Mapping, i: int, x: float, y: float, text: str, font: Font) -> str:
    """A point's text at its `textposition` ("middle right", "top center"...)."""
    position = str(per_point(trace.get("textposition"), i, "middle center"))
    vertical, _, across = position.partition(" ")
    marker = trace.get("marker") or {}
    gap = float(per_point(marker.get("size"), i, 6)) / 2 + 2 if "markers" in trace.get("mode", "") else 0.0
    dx = {"left": -gap, "center": 0.0, "right": gap}.get(across, 0.0)
    dy = {"top": -gap, "middle": 0.0, "bottom": gap}.get(vertical, 0.0)
    anchor = {"left": "end", "center": "middle", "right": "start"}.get(across, "middle")
    valign = {"top": "bottom", "middle": "middle", "bottom": "top"}.get(vertical, "middle")
    return text_svg(rich_lines(text), x + dx, y + dy, font.with_(trace.get("textfont")), anchor, valign)


def bar_svg(bar: BarMark, x: Axis, y: Axis, font: Font, layout: Mapping, paper: str) -> str:
    """One bar and its text (inside when it fits, else outside, as `textposition` says)."""
    horizontal = bar.trace.get("orientation") == "h"
    cat, val = (y, x) if horizontal else (x, y)
    a0, a1 = sorted((cat.px(bar.p0), cat.px(bar.p1)))
    b0, b1 = sorted((val.px(bar.v0), val.px(bar.v1)))
    left, top, width, height = (b0, a0, b1 - b0, a1 - a0) if horizontal else (a0, b0, a1 - a0, b1 - b0)
    line = (bar.trace.get("marker") or {}).get("line") or {}
    line_width = float(line.get("width", 0) or 0)
    outline = ""
    if line_width and width > 0 and height > 0:
        outline = f' stroke="{escape(colour(line.get("color"), bar.fill))}" stroke-width="{n(line_width)}"'
    alpha = f' opacity="{n(bar.opacity)}"' if bar.opacity < 1 else ""
    out = [
        f'<rect class="bar" x="{n(left)}" y="{n(top)}" width="{n(width)}" height="{n(height)}"'
        f' fill="{escape(bar.fill)}"{alpha}{outline}/>'
    ]
    if bar.text:
        out.append(bar_text_svg(bar, (left, top, width, height), horizontal, font, layout, paper))
    return "".join(out)


def bar_text_svg(
    bar: BarMark,
    box: tuple[float, float, float, float],
    horizontal: bool,
    font: Font,
    layout: Mapping,
    paper: str,
) -> str:
    """A bar's text: inside (centred or at its end) when it fits, outside past its end otherwise."""
    left, top, width, height = box
    position = str(per_point(bar.trace.get("textposition"), 0, "auto"))
    if position == "none":
        return ""
    lines = rich_lines(bar.text)
    textfont = point_font(bar.trace.get("textfont"), bar.index)
    inside_font = font.with_(textfont).with_(point_font(bar.trace.get("insidetextfont"), bar.index))
    if not (bar.trace.get("textfont") or {}).get("color") and not (bar.trace.get("insidetextfont") or {}).get(
        "color"
    ):
        inside_font = Font(inside_font.size, paper if is_dark(bar.fill) else font.colour, inside_font.family)
    text_w, text_h = block_width(lines, inside_font.size), block_height(lines, inside_font.size)
    room_w, room_h = (width - 6, height) if horizontal else (width, height - 6)
    fits = text_w <= room_w and text_h * 0.8 <= room_h
    uniform = layout.get("uniformtext") or {}
    if position in ("inside", "auto") and (fits or position == "inside"):
        if not fits:
            shrink = min(room_w / text_w if text_w else 1, room_h / text_h if text_h else 1)
            if uniform.get("mode") == "hide" and inside_font.size * shrink < float(uniform.get("minsize", 0)):
                return ""
            if shrink <= 0.3:
                return ""
            inside_font = Font(inside_font.size * shrink, inside_font.colour, inside_font.family)
        where = bar.trace.get("insidetextanchor", "end")
        positive = bar.v1 >= bar.v0
        if horizontal:
            cx = (
                left + width / 2
                if where == "middle"
                else (left + width - 3 if positive == (where == "end") else left + 3)
            )
            anchor = "middle" if where == "middle" else ("end" if positive == (where == "end") else "start")
            return text_svg(lines, cx, top + height / 2, inside_font, anchor)
        cy = (
            top + height / 2
            if where == "middle"
            else (top + 3 if positive == (where == "end") else top + height - 3)
        )
        valign = "middle" if where == "middle" else ("top" if positive == (where == "end") else "bottom")
        return text_svg(lines, left + width / 2, cy, inside_font, "middle", valign)
    if position not in ("outside", "auto"):
        raise Unsupported(f"bar textposition {position}")
    outside = font.with_(textfont).with_(point_font(bar.trace.get("outsidetextfont"), bar.index))
    if uniform.get("mode") == "hide" and outside.size < float(uniform.get("minsize", 0)):
        return ""
    positive = bar.v1 >= bar.v0
    if horizontal:
        x = left + width + 3 if positive else left - 3
        return text_svg(lines, x, top + height / 2, outside, "start" if positive else "end")
    y = top - 3 if positive else top + height + 3
    return text_svg(lines, left + width / 2, y, outside, "middle", "bottom" if positive else "top")


def scatter_svg(
    trace: dict, x: Axis, y: Axis, font: Font, previous: list[tuple[float, float]] | None
) -> tuple[str, list]:
    """A scatter trace: its fill, line segments (broken at gaps), markers and texts; and its points
    (for a following trace's `tonexty` fill)."""
    xs, ys = axis_values(trace, "x"), axis_values(trace, "y")
    if (trace.get("line") or {}).get("shape", "linear") != "linear":
        raise Unsupported("line shape")
    points: list[tuple[float, float] | None] = [
        None if px_ is None or py_ is None else (x.px(px_), y.px(py_))
        for px_, py_ in zip(x.positions(xs), y.positions(ys))
    ]
    solid = [p for p in points if p is not None]
    mode = trace.get("mode") or ("lines+markers" if len(points) < 20 else "lines")
    out = []
    fill = trace.get("fill", "none")
    if fill not in ("none", None):
        paint = colour(trace.get("fillcolor"), trace.get("_fill") or trace.get("_colour"))
        if fill == "tonexty" and previous:
            region = solid + list(reversed(previous))
        elif fill == "toself":
            region = solid
        elif fill == "tozeroy":
            zero = y.px(0.0)
            region = [(solid[0][0], zero), *solid, (solid[-1][0], zero)] if solid else []
        elif fill == "tonexty":
            region = []
        else:
            raise Unsupported(f"fill {fill}")
        if region:
            out.append(f'<path d="{polyline(region)}Z" fill="{escape(paint)}" stroke="none"/>')
    if "lines" in mode and float((trace.get("line") or {}).get("width", 2)) > 0:
        pieces, current = [], []
        for p in points:
            if p is None:
                if len(current) > 1:
                    pieces.append(current)
                current = [] if not trace.get("connectgaps") else current
            else:
                current.append(p)
        if len(current) > 1:
            pieces.append(current)
        out.extend(path_svg(piece, trace, closed=False) for piece in pieces)
    out.extend(error_bars_svg(trace, points, x, y))
    if "markers" in mode:
        marks = "".join(marker_svg(trace, i, *p) for i, p in enumerate(points) if p is not None)
        out.append(f'<g class="points">{marks}</g>')
    if "text" in mode:
        for i, p in enumerate(points):
            text = mark_text(trace, i)
            if p is not None and text:
                out.append(point_text_svg(trace, i, *p, text, font))
    opacity = float(trace.get("opacity", 1.0))
    alpha = f' opacity="{n(opacity)}"' if opacity < 1 else ""
    return f"<g{alpha}>{''.join(out)}</g>", solid


def error_bars_svg(trace: Mapping, points: list, x: Axis, y: Axis) -> list[str]:
    """Vertical error bars given as data (`error_y` with `array`, `arrayminus`)."""
    if error_spec(trace, "x"):
        raise Unsupported("error_x")
    spec = error_spec(trace, "y")
    if not spec:
        return []
    ink = escape(colour(spec.get("color"), trace.get("_colour")))
    thickness, half = float(spec.get("thickness", 2)), float(spec.get("width", 4))
    out = []
    for i, (p, value) in enumerate(zip(points, axis_values(trace, "y"))):
        extent = error_extent(spec, i, float(value)) if number(value) is not None else None
        if p is None or extent is None:
            continue
        top, bottom = y.px(extent[1]), y.px(extent[0])
        stroke = f'stroke="{ink}" stroke-width="{n(thickness)}"'
        out.append(
            f'<path d="M{n(p[0])},{n(top)}V{n(bottom)}M{n(p[0] - half)},{n(top)}h{n(2 * half)}M{n(p[0] - half)},{n(bottom)}h{n(2 * half)}" {stroke} fill="none"/>'
        )
    return out


def error_spec(trace: Mapping, letter: str) -> Mapping:
    """A trace's error bars along an axis, when they are shown and given as data (as plotly.js
    reads them: shown by default only when they have values; a template's colour alone is not)."""
    spec = trace.get(f"error_{letter}") or {}
    given = "array" in spec or "value" in spec
    if not spec.get("visible", given):
        return {}
    if spec.get("type", "data" if "array" in spec else "percent") != "data":
        raise Unsupported(f"error_{letter} type")
    return spec


def error_extent(spec: Mapping, i: int, value: float) -> tuple[float, float] | None:
    """Where point `i`'s error bar ends below and above its value (None when it has none)."""
    up = number(per_point(spec.get("array"), i))
    down = (
        up
        if spec.get("symmetric", "arrayminus" not in spec)
        else number(per_point(spec.get("arrayminus"), i))
    )
    return None if up is None or down is None else (value - down, value + up)


def bar_error(bar: BarMark) -> tuple[float, float] | None:
    """A bar's error bar along its value axis, around its end (None when it has none)."""
    horizontal = bar.trace.get("orientation") == "h"
    if error_spec(bar.trace, "y" if horizontal else "x"):
        raise Unsupported("error bars across bars")
    spec = error_spec(bar.trace, "x" if horizontal else "y")
    return error_extent(spec, bar.index, bar.v1) if spec else None


def bar_error_svg(bar: BarMark, x: Axis, y: Axis) -> str:
    """A bar's error bar: a line along its value axis through the bar's middle, capped at each end.
    Drawn only in the colour the figure gives (plotly's default differs by trace kind)."""
    extent = bar_error(bar)
    if extent is None:
        return ""
    horizontal = bar.trace.get("orientation") == "h"
    spec = error_spec(bar.trace, "x" if horizontal else "y")
    if not spec.get("color"):
        raise Unsupported("error bars without a colour")
    cat, val = (y, x) if horizontal else (x, y)
    middle = cat.px((bar.p0 + bar.p1) / 2)
    low, high = val.px(extent[0]), val.px(extent[1])
    half = float(spec.get("width", 4))
    stroke = f'stroke="{escape(colour(spec["color"]))}" stroke-width="{n(float(spec.get("thickness", 2)))}"'
    if horizontal:
        path = f"M{n(low)},{n(middle)}H{n(high)}M{n(low)},{n(middle - half)}v{n(2 * half)}M{n(high)},{n(middle - half)}v{n(2 * half)}"
    else:
        path = f"M{n(middle)},{n(low)}V{n(high)}M{n(middle - half)},{n(low)}h{n(2 * half)}M{n(middle - half)},{n(high)}h{n(2 * half)}"
    return f'<path d="{path}" {stroke} fill="none"/>'


def same_colour(a: object, b: str) -> bool:
    """Whether two CSS colours are the same (a grid line in the plot's own colour is not drawn)."""
    try:
        return rgb_of(colour(a)) == rgb_of(b)
    except Unsupported:
        return False


def template_text(template: str, fields: Mapping[str, object], seps: Separators) -> str:
    """A `texttemplate` with its %{field} and %{field:format} filled."""

    def filled(match: re.Match) -> str:
        value = fields.get(match.group(1))
        if missing(value):
            return ""
        if match.group(2):
            return d3_format(float(value), match.group(2), seps)
        return js_number(value, seps) if isinstance(value, (int, float)) else str(value)

    if any(name not in fields for name in TEMPLATE_FIELD.findall(template) for name in [name[0]]):
        raise Unsupported("texttemplate field")
    return TEMPLATE_FIELD.sub(filled, template)


def heatmap_cells(trace: dict, x: Axis, y: Axis) -> list[tuple[int, int, float, float, float, float]]:
    """Each cell's (row, column) and its extent in axis positions."""
    z = trace.get("z") or []
    cells = []
    xs, ys = axis_values(trace, "x"), axis_values(trace, "y")
    for i, row in enumerate(z):
        for j, _ in enumerate(row if isinstance(row, list) else []):
            px_ = x.position(xs[j]) if j < len(xs) else None
            py_ = y.position(ys[i]) if i < len(ys) else None
            if px_ is not None and py_ is not None:
                cells.append((i, j, px_ - 0.5, px_ + 0.5, py_ - 0.5, py_ + 0.5))
    return cells


def heatmap_range(trace: Mapping) -> tuple[float, float]:
    """The values at the ends of a heat map's colour scale (zmin/zmax, zmid, else the data's)."""
    values = [
        v for row in trace.get("z") or [] for v in (row if isinstance(row, list) else []) if not missing(v)
    ]
    low = trace.get("zmin", min(values, default=0.0))
    high = trace.get("zmax", max(values, default=1.0))
    if trace.get("zmid") is not None and "zmin" not in trace:
        spread = max(abs(low - trace["zmid"]), abs(high - trace["zmid"]))
        low, high = trace["zmid"] - spread, trace["zmid"] + spread
    return float(low), float(high)


def heatmap_svg(trace: dict, x: Axis, y: Axis, font: Font, seps: Separators, paper: str) -> str:
    """A heat map's cells (with its gaps) and their texts."""
    z = trace.get("z") or []
    low, high = heatmap_range(trace)
    scale = trace.get("colorscale")
    if trace.get("reversescale"):
        scale = [[1 - float(p), c] for p, c in reversed(scale)]
    gap_x, gap_y = float(trace.get("xgap", 0)), float(trace.get("ygap", 0))
    text_font = font.with_(trace.get("textfont"))
    template = trace.get("texttemplate")
    out = []
    for i, j, x0, x1, y0, y1 in heatmap_cells(trace, x, y):
        value = z[i][j]
        if missing(value):
            continue
        fill = scale_colour(scale, (float(value) - low) / (high - low) if high != low else 0.5)
        left, right = sorted((x.px(x0), x.px(x1)))
        top, bottom = sorted((y.px(y0), y.px(y1)))
        left, right, top, bottom = left + gap_x / 2, right - gap_x / 2, top + gap_y / 2, bottom - gap_y / 2
        out.append(
            f'<rect class="cell" x="{n(left)}" y="{n(top)}" width="{n(max(right - left, 0))}"'
            f' height="{n(max(bottom - top, 0))}" fill="{fill}"/>'
        )
        if template:
            text_value = (trace.get("text") or [[]])[i][j] if i < len(trace.get("text") or []) else None
            xs, ys = axis_values(trace, "x"), axis_values(trace, "y")
            label = template_text(
                str(template), {"z": value, "text": text_value, "x": xs[j], "y": ys[i]}, seps
            )
            if label:
                ink = (
                    text_font
                    if (trace.get("textfont") or {}).get("color")
                    else Font(text_font.size, paper if is_dark(fill) else font.colour, text_font.family)
                )
                out.append(text_svg(rich_lines(label), (left + right) / 2, (top + bottom) / 2, ink, "middle"))
    return "".join(out)


def colorbar_size(
    trace: Mapping, font: Font, seps: Separators, length: float
) -> tuple[float, list[tuple[float, str]]]:
    """A heat map's colour bar: its width in px, and its ticks (value, label) for a bar `length` px
    long (spaced as on a y axis)."""
    bar = trace.get("colorbar") or {}
    low, high = heatmap_range(trace)
    step = auto_step(high - low, bar.get("nticks") or min(max(length / 40, 4), 9) + 1)
    first = math.ceil(low / step - 1e-9) * step
    ticks = [
        (first + k * step, auto_tick_text(first + k * step, step, max(abs(low), abs(high)), seps))
        for k in range(int((high - first) / step + 1e-9) + 1)
    ]
    labels = max((block_width(rich_lines(t), font.size) for _, t in ticks), default=0.0)
    title = bar.get("title") if isinstance(bar.get("title"), Mapping) else {}
    title_w = block_width(rich_lines(title.get("text", "")), font.size)
    return 10 + float(bar.get("thickness", 30)) + LABEL_PAD + max(
        labels, title_w - float(bar.get("thickness", 30))
    ), ticks


def colorbar_svg(
    trace: Mapping, plot: tuple[float, float, float, float], font: Font, seps: Separators, uid: str
) -> str:
    """A vertical colour bar beside the plot area (plotly's default place, or its x, y and len)."""
    left, top, width, height = plot
    bar = trace.get("colorbar") or {}
    thickness = float(bar.get("thickness", 30))
    length = float(bar.get("len", 1.0)) * height
    x = left + float(bar.get("x", 1.02)) * width + 10
    y_anchor = bar.get("yanchor", "middle")
    y = top + (1 - float(bar.get("y", 0.5))) * height
    title = bar.get("title") if isinstance(bar.get("title"), Mapping) else {}
    title_lines = rich_lines(title.get("text", ""))
    title_h = block_height(title_lines, font.size) + 4 if title_lines and title.get("side") == "top" else 0.0
    bar_top = y - {"top": 0.0, "middle": 0.5, "bottom": 1.0}[y_anchor] * length + title_h
    bar_len = length - title_h
    low, high = heatmap_range(trace)
    scale = trace.get("colorscale")
    stops = "".join(
        f'<stop offset="{n(100 * (1 - float(p)))}%" stop-color="{escape(colour(c))}"/>'
        for p, c in reversed(scale)
    )
    out = [
        f'<defs><linearGradient id="{uid}" x1="0" y1="0" x2="0" y2="1">{stops}</linearGradient></defs>',
        f'<rect x="{n(x)}" y="{n(bar_top)}" width="{n(thickness)}" height="{n(bar_len)}" fill="url(#{uid})"/>',
    ]
    if title_lines:
        out.append(text_svg(title_lines, x, bar_top - 4, font, "start", "bottom"))
    _, ticks = colorbar_size(trace, font, seps, bar_len)
    for value, label in ticks:
        ty = bar_top + (1 - (value - low) / (high - low)) * bar_len if high != low else bar_top
        out.append(text_svg(rich_lines(label), x + thickness + LABEL_PAD, ty, font))
    return "".join(out)


# --- shapes and annotations -----------------------------------------------------------------------


def ref_px(ref: str, value: object, x: Axis, y: Axis) -> float:
    """A shape's or annotation's coordinate in px from its reference (axis, domain or paper)."""
    axis = x if ref.startswith("x") or (ref == "paper_x") else y
    if ref in ("paper_x", "paper_y") or ref.endswith(" domain"):
        return axis.domain_px(float(value))
    position = axis.position(value)
    if position is None:
        raise Unsupported(f"position {value!r}")
    return axis.px(position)


def refs(item: Mapping, default_x: str = "x", default_y: str = "y") -> tuple[str, str]:
    """An item's x and y references, paper written so that ref_px can tell the two apart."""
    xref, yref = item.get("xref", default_x), item.get("yref", default_y)
    if xref not in ("x", "x domain", "paper") or yref not in ("y", "y domain", "paper"):
        raise Unsupported(f"reference {xref}/{yref}")
    return ("paper_x" if xref == "paper" else xref), ("paper_y" if yref == "paper" else yref)


def shape_svg(shape: Mapping, x: Axis, y: Axis) -> str:
    """A rect or line shape (strips and reference lines)."""
    kind = shape.get("type", "rect" if "fillcolor" in shape else "line")
    if kind not in ("rect", "line"):
        raise Unsupported(f"shape {kind}")
    xref, yref = refs(shape)
    x0, x1 = ref_px(xref, shape.get("x0", 0), x, y), ref_px(xref, shape.get("x1", 1), x, y)
    y0, y1 = ref_px(yref, shape.get("y0", 0), x, y), ref_px(yref, shape.get("y1", 1), x, y)
    line = shape.get("line") or {}
    width = float(line.get("width", 2))
    stroke = colour(line.get("color"), "black") if width > 0 else "none"
    dashes = dash_array(line.get("dash"), width) if width > 0 else ""
    style = f' stroke="{escape(stroke)}" stroke-width="{n(width)}"' + (
        f' stroke-dasharray="{dashes}"' if dashes else ""
    )
    opacity = float(shape.get("opacity", 1))
    alpha = f' opacity="{n(opacity)}"' if opacity < 1 else ""
    if kind == "line":
        return f'<line x1="{n(x0)}" y1="{n(y0)}" x2="{n(x1)}" y2="{n(y1)}"{style}{alpha}/>'
    fill = colour(shape.get("fillcolor"), "none") if shape.get("fillcolor") else "none"
    left, right = sorted((x0, x1))
    top, bottom = sorted((y0, y1))
    return f'<rect x="{n(left)}" y="{n(top)}" width="{n(right - left)}" height="{n(bottom - top)}" fill="{escape(fill)}"{style}{alpha}/>'


def auto_anchor(value: float, paper: bool, low: str, middle: str, high: str) -> str:
    """plotly's "auto" anchor: the middle for data references, else the nearest side."""
    if not paper:
        return middle
    return low if value <= 1 / 3 else high if value >= 2 / 3 else middle


def annotation_svg(note: Mapping, x: Axis, y: Axis, font: Font) -> str:
    """An annotation's text (with its background) at its place; arrows are not drawn here."""
    if note.get("showarrow", True) and note.get("showarrow") is not False:
        raise Unsupported("annotation arrow")
    if note.get("visible", True) is False:
        return ""
    xref, yref = refs(note)
    px_ = ref_px(xref, note.get("x", 0.5), x, y) + float(note.get("xshift", 0))
    py_ = ref_px(yref, note.get("y", 0.5), x, y) - float(note.get("yshift", 0))
    lines = rich_lines(note.get("text", ""))
    ink = font.with_(note.get("font"))
    x_anchor = note.get("xanchor", "auto")
    if x_anchor == "auto":
        x_anchor = auto_anchor(
            float(note.get("x", 0.5)) if xref != "x" else 0.5, xref != "x", "left", "center", "right"
        )
    y_anchor = note.get("yanchor", "auto")
    if y_anchor == "auto":
        y_anchor = auto_anchor(
            float(note.get("y", 0.5)) if yref != "y" else 0.5, yref != "y", "bottom", "middle", "top"
        )
    width, height = block_width(lines, ink.size) + 2, block_height(lines, ink.size) + 2
    left = px_ - {"left": 0.0, "center": 0.5, "right": 1.0}[x_anchor] * width
    top = py_ - {"top": 0.0, "middle": 0.5, "bottom": 1.0}[y_anchor] * height
    align = note.get("align", "center")
    text_x = {"left": left + 1, "center": left + width / 2, "right": left + width - 1}[align]
    anchor = {"left": "start", "center": "middle", "right": "end"}[align]
    out = []
    if note.get("bgcolor"):
        out.append(
            f'<rect x="{n(left)}" y="{n(top)}" width="{n(width)}" height="{n(height)}" fill="{escape(colour(note["bgcolor"]))}"/>'
        )
    out.append(text_svg(lines, text_x, top + 1, ink, anchor, "top"))
    return "".join(out)


# --- whole figures --------------------------------------------------------------------------------


@dataclass
class Canvas:
    """The figure's size, font, number marks and colours of its ground."""

    width: float
    height: float
    layout: dict
    font: Font
    seps: Separators
    paper: str
    plot_bg: str
    margin: dict


def canvas(layout: dict, width: float, height: float, lang: str | None) -> Canvas:
    """The figure's ground, font, separators and margins (plotly's defaults where it sets none)."""
    font_spec = layout.get("font") or {}
    font = Font(
        float(font_spec.get("size", 12)),
        colour(font_spec.get("color"), "black"),
        str(font_spec.get("family", "sans-serif")),
    )
    margin = {"l": 80, "r": 80, "t": 100, "b": 80, **(layout.get("margin") or {})}
    return Canvas(
        width,
        height,
        layout,
        font,
        Separators.of(layout, lang),
        colour(layout.get("paper_bgcolor"), "white"),
        colour(layout.get("plot_bgcolor"), "white"),
        margin,
    )


def assign_colours(traces: list[dict], layout: Mapping) -> None:
    """Each trace's default colour from the layout's colorway, as plotly gives them in order."""
    way = layout.get("colorway") or ["black"]
    for k, trace in enumerate(traces):
        trace["_colour"] = colour(way[k % len(way)])
        line = trace.get("line") or {}
        marker = trace.get("marker") or {}
        own = line.get("color") if trace["type"] in ("scatter", "scatterpolar") else None
        own = own or (marker.get("color") if isinstance(marker.get("color"), str) else None)
        if own:
            trace["_colour"] = colour(own)
        if trace.get("fill") not in (None, "none") and not trace.get("fillcolor"):
            red, green, blue = rgb_of(trace["_colour"])
            trace["_fill"] = f"rgba({round(red)},{round(green)},{round(blue)},0.5)"


def title_svg(c: Canvas) -> str:
    """The figure's title, in the top margin."""
    title = c.layout.get("title")
    title = title if isinstance(title, Mapping) else {"text": title} if title else {}
    lines = rich_lines(title.get("text"))
    if not lines:
        return ""
    font = Font(c.font.size * 1.4, c.font.colour, c.font.family).with_(title.get("font"))
    x = float(title.get("x", 0.5)) * c.width
    anchor = title.get("xanchor", "auto")
    anchor = {"left": "start", "center": "middle", "right": "end"}.get(
        anchor,
        "start"
        if float(title.get("x", 0.5)) < 1 / 3
        else "end"
        if float(title.get("x", 0.5)) > 2 / 3
        else "middle",
    )
    y = float(c.margin["t"]) / 2 if title.get("y", "auto") == "auto" else (1 - float(title["y"])) * c.height
    return text_svg(lines, x, y, font, anchor)


def cartesian_layout(c: Canvas, traces: list[dict], x: Axis, y: Axis, legend: Legend | None) -> list[BarMark]:
    """Places the plot area (margins pushed by labels, titles, legend, colour bars) and the axes'
    ranges; returns the bars. Two passes: the ticks depend on the lengths, the margins on the ticks."""
    heatmaps = [t for t in traces if t["type"] == "heatmap"]
    scales = [t for t in heatmaps if t.get("showscale", True)]
    left, right = float(c.margin["l"]), float(c.margin["r"])
    top, bottom = float(c.margin["t"]), float(c.margin["b"])
    bars: list[BarMark] = []
    for _ in range(3):
        x.start, x.length = left, max(c.width - left - right, 1.0)
        y.start, y.length = top, max(c.height - top - bottom, 1.0)
        bars = bar_marks(traces, c.layout, x, y)
        cells = [cell for t in heatmaps for cell in heatmap_cells(t, x, y)]
        for axis in (x, y):
            axis.low, axis.high = autorange(
                axis, traces, bars, [(a, b) if axis.letter == "x" else (d, e) for _, _, a, b, d, e in cells]
            )
        pushes = Pushes(
            [(0.0, float(c.margin["l"]))],
            [(1.0, float(c.margin["r"]))],
            [(0.0, float(c.margin["b"]))],
            [(1.0, float(c.margin["t"]))],
        )
        for axis in (x, y):
            if axis.spec.get("visible", True) is False or not axis.spec.get("automargin", False):
                continue
            depth = axis.depth(axis.ticks()) + axis.title_depth()
            side = axis.spec.get("side", "bottom" if axis.letter == "x" else "left")
            {"bottom": pushes.low_y, "top": pushes.high_y, "left": pushes.low_x, "right": pushes.high_x}[
                side
            ].append((0.0 if side in ("bottom", "left") else 1.0, depth))
        if legend is not None:
            legend.measure(c.width - left - 4)  # plotly wraps a legend at the plot's left edge
            legend_pushes(legend, c.layout.get("legend") or {}, pushes)
        for trace in scales:
            size, _ = colorbar_size(
                trace, c.font, c.seps, y.length * float((trace.get("colorbar") or {}).get("len", 1))
            )
            pushes.high_x.append((float((trace.get("colorbar") or {}).get("x", 1.02)), size))
        left, right = solve(c.width, pushes.low_x, pushes.high_x)
        bottom, top = solve(c.height, pushes.low_y, pushes.high_y)
    return bars


def line_svg(ends: tuple[float, float, float, float], stroke: object, width: float = 1.0) -> str:
    """A straight line in a colour from the figure."""
    x1, y1, x2, y2 = (n(v) for v in ends)
    return f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="{escape(colour(stroke))}" stroke-width="{n(width)}"/>'


def across(axis: Axis, other: Axis, position: float) -> tuple[float, float, float, float]:
    """The line across the plot area at a position on the axis (a grid or zero line)."""
    p = axis.px(position)
    span = (other.start, other.start + other.length)
    return (p, span[0], p, span[1]) if axis.letter == "x" else (span[0], p, span[1], p)


def grid_svg(axis: Axis, other: Axis, ticks: list, c: Canvas) -> str:
    """An axis's grid lines and zero line (under the data; none in the plot's own colour)."""
    out = []
    grid = axis.spec.get("gridcolor")
    if axis.spec.get("showgrid", True) and grid and not same_colour(grid, c.plot_bg):
        width = float(axis.spec.get("gridwidth", 1))
        out.extend(line_svg(across(axis, other, position), grid, width) for position, _ in ticks)
    zero = axis.spec.get("zerolinecolor")
    shown = axis.spec.get("zeroline", True) and zero and not same_colour(zero, c.plot_bg)
    if shown and not axis.category and axis.inside(0.0):
        out.append(line_svg(across(axis, other, 0.0), zero, float(axis.spec.get("zerolinewidth", 1))))
    return "".join(out)


def tick_labels_svg(axis: Axis, other: Axis, ticks: list, side: str) -> str:
    """An axis's tick labels beside the plot area (x labels level, or turned when they would touch)."""
    if not axis.labels_shown():
        return ""
    font, gap = axis.tick_font, axis.tick_length() + LABEL_PAD
    angle = axis.angle(ticks)
    out = []
    for position, lines in ticks:
        p = axis.px(position)
        if axis.letter == "y":
            edge = other.start - gap if side == "left" else other.start + other.length + gap
            out.append(text_svg(lines, edge, p, font, "end" if side == "left" else "start"))
            continue
        edge = other.start + other.length + gap if side == "bottom" else other.start - gap
        if angle:
            drop = font.size * 0.5 if side == "bottom" else 0
            out.append(text_svg(lines, p, edge + drop, font, "end", "middle", angle))
        else:
            out.append(text_svg(lines, p, edge, font, "middle", "top" if side == "bottom" else "bottom"))
    return "".join(out)


def axis_title_svg(axis: Axis, other: Axis, ticks: list, side: str) -> str:
    """An axis's title, `standoff` px past its tick labels (turned along a y axis)."""
    title = axis.title_lines
    if not title:
        return ""
    depth = axis.depth(ticks) + float((axis.spec.get("title") or {}).get("standoff", 15))
    middle = axis.start + axis.length / 2
    if axis.letter == "x":
        y = other.start + other.length + depth if side == "bottom" else other.start - depth
        return text_svg(title, middle, y, axis.title_font, "middle", "top" if side == "bottom" else "bottom")
    x = other.start - depth if side == "left" else other.start + other.length + depth
    return text_svg(title, x, middle, axis.title_font, "middle", "bottom" if side == "left" else "top", -90.0)


def axis_svg(axis: Axis, other: Axis, c: Canvas) -> tuple[str, str]:
    """An axis's grid and zero lines (drawn under the data) and its line, labels and title (over it)."""
    if axis.spec.get("visible", True) is False:
        return "", ""
    ticks = axis.ticks()
    side = axis.spec.get("side", "bottom" if axis.letter == "x" else "left")
    over = []
    line = axis.spec.get("linecolor")
    if axis.spec.get("showline") and line and not same_colour(line, c.plot_bg):
        edge = other.start + other.length if axis.letter == "x" else other.start
        ends = (axis.start, edge, axis.start + axis.length, edge)
        over.append(line_svg(ends if axis.letter == "x" else (edge, ends[0], edge, ends[2]), line))
    over.append(tick_labels_svg(axis, other, ticks, side))
    over.append(axis_title_svg(axis, other, ticks, side))
    return grid_svg(axis, other, ticks, c), "".join(over)


def cartesian_svg(c: Canvas, traces: list[dict], uid: str) -> str:
    """A figure on one pair of cartesian axes."""
    layout = c.layout
    if any(re.fullmatch(r"[xy]axis\d+", k) for k in layout) or any(
        t.get("xaxis", "x") != "x" or t.get("yaxis", "y") != "y" for t in traces
    ):
        raise Unsupported("several subplots")
    x = Axis("x", axis_spec(layout, "x", traces), c.font, c.seps)
    y = Axis("y", axis_spec(layout, "y", traces), c.font, c.seps)
    for axis in (x, y):
        if axis.category:
            axis.categories = categories(axis.spec, traces, axis.letter)
    items = legend_items(traces, layout)
    legend = (
        Legend(
            items, dict(layout.get("legend") or {}), c.font.with_((layout.get("legend") or {}).get("font"))
        )
        if items
        else None
    )
    bars = cartesian_layout(c, traces, x, y, legend)
    plot = (x.start, y.start, x.length, y.length)
    out = [
        f'<rect x="{n(plot[0])}" y="{n(plot[1])}" width="{n(plot[2])}" height="{n(plot[3])}" fill="{escape(c.plot_bg)}"/>'
    ]
    shapes = layout.get("shapes") or []
    out.extend(shape_svg(s, x, y) for s in shapes if s.get("layer") == "below")
    grids = [axis_svg(axis, other, c) for axis, other in ((x, y), (y, x))]
    out.extend(g for g, _ in grids)
    clip = f"{uid}-clip"
    marks = [heatmap_svg(t, x, y, c.font, c.seps, c.paper) for t in traces if t["type"] == "heatmap"]
    marks.extend(
        bar_svg(b, x, y, c.font, layout, c.paper)
        for b in bars
        if b.trace.get("cliponaxis", True) is not False
    )
    marks.extend(bar_error_svg(b, x, y) for b in bars)
    previous = None
    scatters, free = (
        [],
        [bar_svg(b, x, y, c.font, layout, c.paper) for b in bars if b.trace.get("cliponaxis", True) is False],
    )
    for trace in traces:
        if trace["type"] == "scatter":
            drawn, previous = scatter_svg(trace, x, y, c.font, previous)
            scatters.append(drawn)
    out.append(
        f'<defs><clipPath id="{clip}"><rect x="{n(plot[0] - 1)}" y="{n(plot[1] - 1)}" width="{n(plot[2] + 2)}" height="{n(plot[3] + 2)}"/></clipPath></defs>'
    )
    out.append(
        f'<g clip-path="url(#{clip})">{"".join(marks)}{"".join(s for s, t in zip(scatters, [t for t in traces if t["type"] == "scatter"]) if t.get("cliponaxis", True) is not False)}</g>'
    )
    out.extend(free)
    out.extend(
        s
        for s, t in zip(scatters, [t for t in traces if t["type"] == "scatter"])
        if t.get("cliponaxis", True) is False
    )
    out.extend(label for _, label in grids)
    out.extend(shape_svg(s, x, y) for s in shapes if s.get("layer") != "below")
    out.extend(annotation_svg(a, x, y, c.font) for a in layout.get("annotations") or [])
    if legend is not None:
        out.append(legend_svg(legend, *legend_corner(legend, layout.get("legend") or {}, plot, c.width)))
    for k, trace in enumerate(t for t in traces if t["type"] == "heatmap" and t.get("showscale", True)):
        out.append(colorbar_svg(trace, plot, c.font, c.seps, f"{uid}-scale{k}"))
    return "".join(out)


@dataclass(frozen=True)
class Radar:
    """A polar plot area on category angles: its centre, radius, radial range and angles."""

    cx: float
    cy: float
    radius: float
    low: float
    high: float
    thetas: tuple[str, ...]
    rotation: float  # radians of the first angle from east
    sense: float  # 1 counter-clockwise, -1 clockwise

    def distance(self, r: float) -> float:
        return (r - self.low) / (self.high - self.low) * self.radius if self.high != self.low else 0.0

    def point(self, r: float, k: int) -> tuple[float, float]:
        """The pixel of value r on the k-th angle."""
        angle = self.rotation + self.sense * 2 * math.pi * k / max(len(self.thetas), 1)
        return self.cx + self.distance(r) * math.cos(angle), self.cy - self.distance(r) * math.sin(angle)


def polar_angles(traces: list[dict]) -> tuple[str, ...]:
    """The radar's angles: the traces' category thetas in order of appearance."""
    thetas: list[str] = []
    for trace in traces:
        for theta in trace.get("theta") or []:
            if not isinstance(theta, str):
                raise Unsupported("numeric angles")
            if theta not in thetas:
                thetas.append(theta)
    return tuple(thetas)


def radar_grid_svg(radar: Radar, polar: Mapping, c: Canvas) -> str:
    """The radar's ground, circles at the radial ticks, spokes with the angles' names, tick labels."""
    radial, angular = polar.get("radialaxis") or {}, polar.get("angularaxis") or {}
    cx, cy, radius = radar.cx, radar.cy, radar.radius
    ground = escape(colour(polar.get("bgcolor"), c.plot_bg))
    out = [f'<circle cx="{n(cx)}" cy="{n(cy)}" r="{n(radius)}" fill="{ground}"/>']
    step = auto_step(radar.high - radar.low, 5)
    ticks = radial.get("tickvals") or [
        radar.low + k * step for k in range(int((radar.high - radar.low) / step) + 1)
    ]
    ring = escape(colour(radial.get("gridcolor"), c.plot_bg))
    rings = [radar.distance(float(v)) for v in ticks]
    out.extend(
        f'<circle cx="{n(cx)}" cy="{n(cy)}" r="{n(r)}" fill="none" stroke="{ring}"/>' for r in rings if r > 0
    )
    spoke, label_font = colour(angular.get("gridcolor"), c.plot_bg), c.font.with_(angular.get("tickfont"))
    for k, theta in enumerate(radar.thetas):
        ex, ey = radar.point(radar.high, k)
        out.append(line_svg((cx, cy, ex, ey), spoke))
        dx, dy = (ex - cx) / radius, (ey - cy) / radius
        anchor = "start" if dx > 0.3 else "end" if dx < -0.3 else "middle"
        valign = "top" if dy > 0.3 else "bottom" if dy < -0.3 else "middle"
        out.append(
            text_svg(
                rich_lines(theta), cx + dx * (radius + 8), cy + dy * (radius + 8), label_font, anchor, valign
            )
        )
    angle, tick_font = math.radians(float(radial.get("angle", 0))), c.font.with_(radial.get("tickfont"))
    for value, r in zip(ticks, rings):
        label = auto_tick_text(float(value), 1.0 if float(value).is_integer() else 0.1, radar.high, c.seps)
        x, y = cx + r * math.cos(angle), cy - r * math.sin(angle)
        out.append(text_svg(rich_lines(label), x + 4, y, tick_font, "start"))
    return "".join(out)


def radar_trace_svg(radar: Radar, trace: dict) -> str:
    """A scatterpolar trace: its filled shape, outline and markers."""
    pairs = zip(trace.get("r") or [], trace.get("theta") or [])
    points = [radar.point(float(r), radar.thetas.index(th)) for r, th in pairs if not missing(r)]
    mode = trace.get("mode", "lines+markers")
    parts = []
    if trace.get("fill") == "toself" and points:
        paint = colour(trace.get("fillcolor"), trace.get("_fill") or trace["_colour"])
        parts.append(f'<path d="{polyline(points)}Z" fill="{escape(paint)}" stroke="none"/>')
    elif trace.get("fill") not in (None, "none", "toself"):
        raise Unsupported(f"polar fill {trace.get('fill')}")
    if "lines" in mode and points:
        parts.append(path_svg(points, trace, closed=False))
    if "markers" in mode:
        parts.append(
            f'<g class="points">{"".join(marker_svg(trace, i, *p) for i, p in enumerate(points))}</g>'
        )
    opacity = float(trace.get("opacity", 1.0))
    return f'<g opacity="{n(opacity)}">{"".join(parts)}</g>' if opacity < 1 else "".join(parts)


def polar_svg(c: Canvas, traces: list[dict]) -> str:
    """A radar: scatterpolar traces on category angles (plotly's defaults: first angle east,
    counter-clockwise, unless the figure turns them), its legend and annotations."""
    layout = c.layout
    if any(t["type"] != "scatterpolar" for t in traces):
        raise Unsupported("polar and cartesian traces together")
    polar = layout.get("polar") or {}
    radial, angular = polar.get("radialaxis") or {}, polar.get("angularaxis") or {}
    items = legend_items(traces, layout)
    legend_spec = dict(layout.get("legend") or {})
    legend = Legend(items, legend_spec, c.font.with_(legend_spec.get("font"))) if items else None
    margin = {k: float(c.margin[k]) for k in "lrtb"}
    pushes = Pushes([(0.0, margin["l"])], [(1.0, margin["r"])], [(0.0, margin["b"])], [(1.0, margin["t"])])
    if legend is not None:
        legend.measure(c.width - margin["l"] - 4)
        legend_pushes(legend, legend_spec, pushes)
    left, right = solve(c.width, pushes.low_x, pushes.high_x)
    bottom, top = solve(c.height, pushes.low_y, pushes.high_y)
    width, height = c.width - left - right, c.height - top - bottom
    values = [float(r) for t in traces for r in t.get("r") or [] if not missing(r)]
    low, high = (float(v) for v in radial.get("range") or [0.0, max(values, default=1.0) * 1.05])
    radar = Radar(
        left + width / 2,
        top + height / 2,
        max(min(width, height) / 2, 1.0),
        low,
        high,
        polar_angles(traces),
        math.radians(float(angular.get("rotation", 0))),
        -1.0 if angular.get("direction", "counterclockwise") == "clockwise" else 1.0,
    )
    out = [radar_grid_svg(radar, polar, c), *(radar_trace_svg(radar, t) for t in traces)]
    paper = paper_axes(left, top, width, height, c)
    out.extend(annotation_svg(a, *paper, c.font) for a in layout.get("annotations") or [])
    if legend is not None:
        out.append(
            legend_svg(legend, *legend_corner(legend, legend_spec, (left, top, width, height), c.width))
        )
    return "".join(out)


def paper_axes(left: float, top: float, width: float, height: float, c: Canvas) -> tuple[Axis, Axis]:
    """Axes spanning a plot area, for items placed in paper coordinates."""
    x = Axis("x", {"type": "linear"}, c.font, c.seps, start=left, length=width)
    y = Axis("y", {"type": "linear"}, c.font, c.seps, start=top, length=height)
    return x, y


def label_of(layout: Mapping, traces: list[dict], label: str | None) -> str:
    """What the chart is called for a screen reader: its title, the Graph's label, else its axes'
    titles and its series' names, else its categories."""
    title = layout.get("title")
    text = title.get("text") if isinstance(title, Mapping) else title
    words = text or label
    if not words:
        parts = []
        for key in ("xaxis", "yaxis"):
            spec = layout.get(key) or {}
            axis_title = spec.get("title")
            axis_text = axis_title.get("text") if isinstance(axis_title, Mapping) else axis_title
            if axis_text:
                parts.append(str(axis_text))
        parts.extend(str(t["name"]) for t in traces if t.get("name"))
        if not parts:  # a heat map: what its columns and rows are
            for letter in ("x", "y"):
                named = [str(v) for t in traces for v in t.get(letter) or [] if isinstance(v, str)]
                parts.append(", ".join(list(dict.fromkeys(named))[:12]))
        words = "; ".join(p for p in dict.fromkeys(parts) if p)
    return " ".join("".join(r.text for r in line) for line in rich_lines(words))


def variant_svg(
    traces: list[dict],
    layout: dict,
    width: float,
    height: float,
    lang: str | None,
    name: str,
    label: str,
    uid: str,
) -> str:
    """One width of the chart as an <svg> scaled to its box."""
    c = canvas(layout, width, height, lang)
    named = f'role="img" aria-label="{escape(label)}"' if label else 'aria-hidden="true"'  # an empty chart
    body = (
        polar_svg(c, traces)
        if any(t["type"] == "scatterpolar" for t in traces)
        else cartesian_svg(c, traces, uid)
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="fv-chart fv-chart-{name}" viewBox="0 0 {n(width)} {n(height)}"'
        f' width="100%" height="100%" {named}'
        f' font-family="{escape(c.font.family)}">'
        f'<g aria-hidden="true"><rect width="{n(width)}" height="{n(height)}" fill="{escape(c.paper)}"/>'
        f"{body}{title_svg(c)}</g></svg>"
    )


def drawn(
    figure: Mapping | object,
    height: int | Mapping[str, tuple[int, int]],
    lang: str | None = None,
    label: str | None = None,
    key: str = "",
) -> str:
    """The figure as one <svg> per width of WIDTHS, each filling a box `height` px high (or drawn
    at the width and height given for it, FILL_SIZES); raises
    Unsupported when it holds something this module does not draw. `key` (the Graph's id) keeps
    the ids of clip paths and gradients unique in a page that shows the same figure twice."""
    traces, layout = resolved(figure)
    assign_colours(traces, layout)
    label_text = label_of(layout, traces, label)
    content = json.dumps([traces, layout, key], sort_keys=True, default=str)
    digest = hashlib.sha1(content.encode(), usedforsecurity=False).hexdigest()[:10]  # ids, not a secret
    sizes = (
        height
        if isinstance(height, Mapping)
        else {name: (layout.get("width") or width, height) for name, width in WIDTHS.items()}
    )
    return "".join(
        variant_svg(traces, layout, float(w), float(h), lang, name, label_text, f"fv{digest}{name[0]}")
        for name, (w, h) in sizes.items()
    )


def figure_svg(
    figure: Mapping | object,
    height: int | Mapping[str, tuple[int, int]],
    lang: str | None = None,
    label: str | None = None,
    key: str = "",
) -> str | None:
    """The figure as SVG markup (`drawn`), or None when it cannot be drawn here: then the page keeps
    the chart's empty box and Plotly draws it. A figure this module misreads is logged, not raised."""
    try:
        return drawn(figure, height, lang, label, key)
    except Unsupported as reason:
        log.debug("figure not drawn on the server: %s", reason)
        return None
    except (ValueError, TypeError, KeyError, IndexError, ZeroDivisionError, OverflowError):
        log.warning("figure not drawn on the server", exc_info=True)
        return None


def chart_height(style: object, figure: object) -> int | Mapping[str, tuple[int, int]] | None:
    """The px height a dcc.Graph takes: its style's (in px only), else its figure's, else plotly's
    450; FILL_SIZES for a chart that fills its box (style height "100%")."""
    if isinstance(style, Mapping) and style.get("height") is not None:
        value = style["height"]
        if isinstance(value, (int, float)):
            return int(value)
        if str(value).strip() == "100%":
            return FILL_SIZES
        match = re.fullmatch(r"\s*([0-9.]+)px\s*", str(value))
        return int(float(match.group(1))) if match else None
    if hasattr(figure, "to_plotly_json"):
        figure = figure.to_plotly_json()
    layout = figure.get("layout") if isinstance(figure, Mapping) else None
    height = layout.get("height") if isinstance(layout, Mapping) else None
    return int(height) if isinstance(height, (int, float)) else 450
