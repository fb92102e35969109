"""A page's choices as one typed model: declared once, read from and written to the query string.

A page declares its state as a dataclass whose fields are made with `one`, `many`, `number` (or
any `Param`). From that one declaration come: parsing a query string (a value that is not
understood falls back to its default and is reported, never raised), the state behind the
controls' values (the same parser), and the canonical query (fields in declared order, defaults
left out, older parameter names rewritten to the current one).

A field's options and default may depend on the context (usually the data tables) and on the
fields declared before it (e.g. the items of the chosen level), so cross-field rules live in the
declaration too.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

PARAM = "page_param"  # the dataclass field metadata key holding the field's Param
LANG = "lang"  # read by the app shell, never an unknown parameter
Chosen = Mapping[str, Any]  # the fields parsed so far, by name
Options = Sequence[str] | Callable[[Any, Chosen], Sequence[str]]
State = TypeVar("State")


class Param(Protocol):
    """How one field is read from, and written to, the query string."""

    def claims(self, key: str) -> bool:
        """Whether query parameter `key` belongs to this field (its name or an older alias)."""

    def read(
        self, query: Mapping[str, str], context: Any, chosen: Chosen
    ) -> tuple[Any, list[tuple[str, str]]]:
        """The field's value and the (parameter, value) pairs rejected (they fall back to the default)."""

    def write(self, value: Any, context: Any, chosen: Chosen) -> dict[str, str]:
        """The field's parameters; empty when the value is the default."""

    def text(self, value: Any) -> str | None:
        """A control's value in query-string form (None: not given)."""


def _resolve(spec: Any, context: Any, chosen: Chosen) -> Any:
    return spec(context, chosen) if callable(spec) else spec


def _items(text: str) -> list[str]:
    return [x.strip() for x in str(text).split(",") if x.strip()]


def _asked(query: Mapping[str, str], keys: tuple[str, ...]) -> str | None:
    """The value of the first of `keys` present in the query (the current name before older ones)."""
    for key in keys:
        if key in query:
            return str(query[key])
    return None


@dataclass(frozen=True)
class One:
    """One value among options (`?view=table`)."""

    key: str
    options: Options
    default: Any
    aliases: tuple[str, ...] = ()
    convert: Callable[[str], Any] = str  # the text of an option -> the state's value
    normalise: Callable[[str], str] = str.strip
    notice: str = ""  # the page's i18n key for a rejected value, if any
    label: str = ""  # the i18n key of the control's name, for that notice
    first_of_list: bool = False  # `?cities=a,b` means `a` (a page showing one city)
    keep_default: bool = False  # written even when default (a default that depends on data order)

    def claims(self, key: str) -> bool:
        return key == self.key or key in self.aliases

    def read(self, query, context, chosen):
        default = _resolve(self.default, context, chosen)
        raw = _asked(query, (self.key, *self.aliases))
        if raw is None:
            return default, []
        text = self.normalise(_items(raw)[0] if self.first_of_list and _items(raw) else raw)
        if text in _resolve(self.options, context, chosen):
            return self.convert(text), []
        return default, [(self.key, raw)]

    def write(self, value, context, chosen):
        if value is None or (value == _resolve(self.default, context, chosen) and not self.keep_default):
            return {}
        return {self.key: str(value)}

    def text(self, value):
        return None if value is None or value == "" else self.normalise(str(value))


@dataclass(frozen=True)
class Many:
    """Several values among options, comma-separated (`?cities=a,b`); `?cities=` chooses none
    when `empty_ok`, and the parameter left out means the default."""

    key: str
    options: Options
    default: Any = ()
    aliases: tuple[str, ...] = ()
    keep_order: bool = False  # the order asked (else the options' order)
    empty_ok: bool = True
    quiet: Options = ()  # left out without a notice (known, but not offered here)
    convert: Callable[[str], Any] = str
    notice: str = ""
    label: str = ""

    def claims(self, key: str) -> bool:
        return key == self.key or key in self.aliases

    def read(self, query, context, chosen):
        default = list(_resolve(self.default, context, chosen))
        raw = _asked(query, (self.key, *self.aliases))
        if raw is None:
            return default, []
        options = list(_resolve(self.options, context, chosen))
        quiet = set(_resolve(self.quiet, context, chosen))
        wanted = list(dict.fromkeys(_items(raw)))
        bad = [w for w in wanted if w not in options and w not in quiet]
        good = wanted if self.keep_order else options
        good = [self.convert(o) for o in good if o in wanted and o in options]
        if not good and (bad or not self.empty_ok or len(wanted) > 0):
            return default, [(self.key, ",".join(bad) or raw)] if bad or not self.empty_ok else []
        return good, [(self.key, ",".join(bad))] if bad else []

    def write(self, value, context, chosen):
        values = [str(v) for v in (value or [])]
        if values == [str(v) for v in _resolve(self.default, context, chosen)]:
            return {}
        return {self.key: ",".join(values)}

    def text(self, value):
        if value is None:
            return None
        return ",".join(str(v) for v in (value if isinstance(value, (list, tuple)) else [value]))


@dataclass(frozen=True)
class Number:
    """A number within [low, high], rounded to `digits` decimals (`?z=6.5`), written with all of
    them when `fixed` (`?lat=40.000`); no default means the parameter is optional (None)."""

    key: str
    low: float
    high: float
    default: float | None = None
    digits: int = 3
    fixed: bool = False
    notice: str = ""
    label: str = ""

    def claims(self, key: str) -> bool:
        return key == self.key

    def read(self, query, context, chosen):
        if self.key not in query:
            return self.default, []
        raw = str(query[self.key])
        try:
            value = float(raw.strip().replace(",", "."))
        except ValueError:
            return self.default, [(self.key, raw)]
        if not math.isfinite(value) or not self.low <= value <= self.high:
            return self.default, [(self.key, raw)]
        return round(value, self.digits), []

    def write(self, value, context, chosen):
        if value is None or value == self.default:
            return {}
        value = round(float(value), self.digits)
        return {self.key: f"{value:.{self.digits}f}" if self.fixed else f"{value:g}"}

    def text(self, value):
        return None if value is None or value == "" else str(value)


def _field(param: Param, default: Any = None, factory: Callable[[], Any] | None = None) -> Any:
    if isinstance(default, list):
        items = tuple(default)
        factory = factory or (lambda: list(items))
    if factory is not None:
        return dataclasses.field(default_factory=factory, metadata={PARAM: param})
    return dataclasses.field(default=default, metadata={PARAM: param})


def one(key: str, options: Options, default: Any, **rules: Any) -> Any:
    """A dataclass field holding one of `options` (see `One`)."""
    return _field(One(key, options, default, **rules), None if callable(default) else default)


def many(key: str, options: Options, default: Any = (), **rules: Any) -> Any:
    """A dataclass field holding a list of `options` (see `Many`)."""
    return _field(Many(key, options, default, **rules), [] if callable(default) else list(default))


def number(key: str, low: float, high: float, default: float | None = None, **rules: Any) -> Any:
    """A dataclass field holding a number in [low, high] (see `Number`)."""
    return _field(Number(key, low, high, default, **rules), default)


def param_field(param: Param, factory: Callable[[], Any]) -> Any:
    """A dataclass field read and written by a page's own `Param` (`factory` makes its static default)."""
    return _field(param, factory=factory)


def params(model: type) -> list[tuple[str, Param]]:
    """(field name, Param) of a state model, in declared order."""
    return [(f.name, f.metadata[PARAM]) for f in dataclasses.fields(model) if PARAM in f.metadata]


@dataclass(frozen=True)
class Rejection:
    """A value that was not understood: its parameter, the text asked for, the value used instead,
    and the field's own wording for the notice (i18n keys; empty for the common one)."""

    key: str
    asked: str
    used: str
    notice: str = ""
    label: str = ""


@dataclass
class Parsed:
    """A state read from a query string, what was rejected and the unknown parameter names."""

    state: Any
    rejections: list[Rejection]
    unknown: list[str]

    @property
    def rejected(self) -> list[tuple[str, str]]:
        """(parameter, value) pairs rejected."""
        return [(r.key, r.asked) for r in self.rejections]


def parse(model: type[State], query: Mapping[str, Any], context: Any = None) -> Parsed:
    """The state a query string asks for; nothing here raises on user input."""
    text_query = {str(k): str(v) for k, v in query.items() if isinstance(v, (str, int, float))}
    chosen: dict[str, Any] = {}
    rejections: list[Rejection] = []
    fields = params(model)
    for name, param in fields:
        value, bad = param.read(text_query, context, chosen)
        chosen[name] = value
        used = param.text(value) or ""
        rejections.extend(
            Rejection(key, raw, used, getattr(param, "notice", ""), getattr(param, "label", ""))
            for key, raw in bad
        )
    unknown = sorted(k for k in text_query if k != LANG and not any(p.claims(k) for _, p in fields))
    return Parsed(model(**chosen), rejections, unknown)


def query_of(state: Any, context: Any = None) -> dict[str, str]:
    """The canonical query of a state: declared order, defaults left out, current names only."""
    out: dict[str, str] = {}
    chosen: dict[str, Any] = {}
    for name, param in params(type(state)):
        value = getattr(state, name)
        out.update(param.write(value, context, chosen))
        chosen[name] = value
    return out


def from_controls(model: type[State], values: Mapping[str, Any], context: Any = None) -> State:
    """The state behind the controls' values, through the same parser as the address (a value
    the controls should never send falls back to its default)."""
    query: dict[str, str] = {}
    for name, param in params(model):
        if name not in values:
            continue
        text = param.text(values[name])
        key = getattr(param, "key", name)
        if text is not None:
            query[key] = text
        elif isinstance(param, Many):
            query[key] = ""
    return parse(model, query, context).state


def key_of(model: type, field: str) -> str:
    """The query parameter a field of a state model is read from."""
    return str(getattr(dict(params(model))[field], "key", field))


def query_text(value: Any) -> str | None:
    """A query value as text; a parameter given several times (as an HTML form sends its ticked
    checkboxes, after an empty field that stands for none) is its non-empty values joined by
    commas; None for anything else."""
    if isinstance(value, (list, tuple)):
        parts = [str(v) for v in value if isinstance(v, (str, int, float))]
        return ",".join(p for p in parts if p) if len(parts) == len(value) else None
    return str(value) if isinstance(value, (str, int, float)) else None


def known_keys(model: type, query: Mapping[str, Any]) -> list[str]:
    """The parameters of `query` that the model reads (for links that keep the page's choices)."""
    fields = params(model)
    return [k for k in query if k == LANG or any(p.claims(k) for _, p in fields)]
