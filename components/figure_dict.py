"""Plotly figures as plain dicts, for the charts callbacks redraw on every request.

`FigureDict` offers the few `plotly.graph_objects.Figure` methods the pages' charts use
(`add_scatter`, `add_bar`, `update_layout`, `add_annotation`, the spanning lines and strips...)
and builds the same JSON, without plotly's per-property validation and template copy, which
cost tens of milliseconds per figure. tests/test_figure_dict.py holds it to plotly's output.
Only builders that callbacks call belong here; figures for exports keep `go.Figure`.
"""

from __future__ import annotations

import base64
import copy

import numpy as np
import pandas as pd
import plotly.io as pio
from _plotly_utils.basevalidators import copy_to_readonly_numpy_array, is_homogeneous_array
from _plotly_utils.utils import is_skipped_key, plotlyjsShortTypes, to_typed_array_spec

from components.charts import TEMPLATE

# plotly properties whose own name holds an underscore (others are "magic underscore" paths)
UNDERSCORED = frozenset({"error_x", "error_y", "error_z"})
# properties that hold objects (set to None by an update, plotly sends them as `{}`)
COMPOUND = frozenset(
    {
        "title",
        "font",
        "tickfont",
        "legend",
        "xaxis",
        "yaxis",
        "margin",
        "hoverlabel",
        "colorbar",
        "marker",
        "line",
        "textfont",
        "insidetextfont",
        "outsidetextfont",
        "legendgrouptitle",
        "error_x",
        "error_y",
        "grid",
        "modebar",
        "coloraxis",
        "polar",
        "radialaxis",
        "angularaxis",
    }
)
# array properties plotly's validators read as text
TEXT_ARRAYS = frozenset({"text", "hovertext", "texttemplate", "hovertemplate", "textposition", "ids"})
# `template=<name>`: the registered template's JSON, made once (plotly copies it per figure)
TEMPLATES = {TEMPLATE: pio.templates[TEMPLATE].to_plotly_json()}


def _expanded(props: dict) -> dict:
    """Keyword properties as plotly reads them: `a_b=v` as `{"a": {"b": v}}`, a title given as
    text as `{"text": ...}`, tuples as lists, numeric arrays (numpy, pandas) as plotly.js typed
    arrays (plotly's own conversion). `None` stays: it unsets the property (`_merge`)."""
    out: dict = {}
    for key, value in props.items():
        path = [key] if key in UNDERSCORED else key.split("_")
        _combine(out, {path[0]: _nest(path[1:], _value(path[-1], value))})
    return out


def _nest(path: list[str], value):
    for key in reversed(path):
        value = {key: value}
    return value


def _combine(into: dict, new: dict) -> None:
    for key, value in new.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _combine(into[key], value)
        else:
            into[key] = value


def _value(key: str, value):
    if is_homogeneous_array(value) and not is_skipped_key(key):
        if key in TEXT_ARRAYS:  # read as text by plotly's validator first (numbers become floats)
            value = copy_to_readonly_numpy_array(value, kind="U")
        return typed_array(value)  # numbers as plotly.js typed arrays, as plotly sends them
    if isinstance(value, dict):
        return _expanded(value)
    if isinstance(value, (list, tuple)) and any(isinstance(v, dict) for v in value):
        return [_made(_expanded(v)) if isinstance(v, dict) else v for v in value]
    if isinstance(value, tuple):
        return list(value)
    if key == "title" and isinstance(value, str):
        return {"text": value}
    if key == "template" and isinstance(value, str):
        return TEMPLATES[value]
    return value


def typed_array(value):
    """A plotly.js typed array of a numeric array, as plotly's `to_typed_array_spec` makes it; floats
    (most of the charts' values) directly, which skips plotly's copy through narwhals."""
    array = value.to_numpy() if isinstance(value, pd.Series) else value
    float_array = isinstance(array, np.ndarray) and array.dtype.kind == "f" and array.size
    if float_array and str(array.dtype) in plotlyjsShortTypes:
        spec = {
            "dtype": plotlyjsShortTypes[str(array.dtype)],
            "bdata": base64.b64encode(np.ascontiguousarray(array)).decode("ascii"),
        }
        if array.ndim > 1:
            spec["shape"] = str(array.shape)[1:-1]
        return spec
    return to_typed_array_spec(value)


class _Emptied(dict):
    """A compound property set to `None` by an update: plotly sends it as `{}`."""


def _merge(into: dict, new: dict) -> None:
    """An update, as plotly's `update`: nested dicts merged key by key; `None` unsets a value and
    empties a compound property (sent as `{}`); an object left with nothing set is not sent."""
    for key, value in new.items():
        if value is None:
            if _is_compound(key):
                into[key] = _Emptied()
            else:
                into.pop(key, None)
        elif isinstance(value, dict) and key != "template":
            target = into.get(key)
            if not isinstance(target, dict):
                target = {}
            _merge(target, value)
            if target or isinstance(target, _Emptied):
                into[key] = target
            else:
                into.pop(key, None)
        else:
            into[key] = value


def _is_compound(key: str) -> bool:
    return key.rstrip("0123456789") in COMPOUND


def _made(props: dict) -> dict:
    """A new object (trace, annotation, shape), as plotly's constructors make it: `None` anywhere
    leaves the property out, and so does an object with nothing set."""
    out: dict = {}
    for key, value in props.items():
        if isinstance(value, dict) and key != "template":
            value = _made(value)
            if not value:
                continue
        if value is not None:
            out[key] = value
    return out


class FigureDict(dict):
    """`{"data": [...], "layout": {...}}` built with the `go.Figure` methods the charts use."""

    def __init__(self) -> None:
        super().__init__(data=[], layout={})

    def add_trace(self, kind: str, **props) -> FigureDict:
        """One trace of `kind` ("scatter", "bar", "heatmap"...)."""
        self["data"].append(_made({**_expanded(props), "type": kind}))
        return self

    def add_scatter(self, **props) -> FigureDict:
        return self.add_trace("scatter", **props)

    def add_bar(self, **props) -> FigureDict:
        return self.add_trace("bar", **props)

    def add_heatmap(self, **props) -> FigureDict:
        return self.add_trace("heatmap", **props)

    def add_scatterpolar(self, **props) -> FigureDict:
        return self.add_trace("scatterpolar", **props)

    def update_layout(self, **props) -> FigureDict:
        _merge(self["layout"], _expanded(props))
        return self

    def update_xaxes(self, **props) -> FigureDict:
        return self._update_axes("xaxis", props)

    def update_yaxes(self, **props) -> FigureDict:
        return self._update_axes("yaxis", props)

    def _update_axes(self, kind: str, props: dict) -> FigureDict:
        layout = self["layout"]
        names = [k for k in layout if k == kind or (k.startswith(kind) and k[len(kind) :].isdigit())]
        for name in names or [kind]:
            if not isinstance(layout.get(name), dict):
                layout[name] = {}
            _merge(layout[name], _expanded(props))
        return self

    def add_annotation(self, **props) -> FigureDict:
        self["layout"].setdefault("annotations", []).append(_made(_expanded(props)))
        return self

    def add_shape(self, **props) -> FigureDict:
        self["layout"].setdefault("shapes", []).append(_made(_expanded(props)))
        return self

    def add_vrect(self, x0, x1, **props) -> FigureDict:
        """A strip across the plot's height between x0 and x1."""
        return self.add_shape(**props, type="rect", x0=x0, x1=x1, xref="x", y0=0, y1=1, yref="y domain")

    def add_vline(self, x, **props) -> FigureDict:
        """A line across the plot's height at x."""
        return self.add_shape(**props, type="line", x0=x, x1=x, xref="x", y0=0, y1=1, yref="y domain")

    def add_hrect(self, y0, y1, **props) -> FigureDict:
        """A strip across the plot's width between y0 and y1."""
        return self.add_shape(**props, type="rect", x0=0, x1=1, xref="x domain", y0=y0, y1=y1, yref="y")

    def add_hline(self, y, **props) -> FigureDict:
        """A line across the plot's width at y."""
        return self.add_shape(**props, type="line", x0=0, x1=1, xref="x domain", y0=y, y1=y, yref="y")

    def to_plotly_json(self) -> dict:
        """The figure as Dash sends it (the same dict)."""
        return {"data": self["data"], "layout": self["layout"]}

    def copy(self) -> FigureDict:
        return copy.deepcopy(self)
