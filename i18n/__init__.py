"""Translations and locale formatting (Babel). Pure Python: no Dash or Flask here.

UI strings live in `locales/<lang>/*.json` (one file per area, merged; the same keys in every
language, a test checks it). Data text (city,
indicator and hazard names) comes from the data tables' `_ru`/`_en` columns instead, as in
ThinkHazard!: UI strings, enumerations and place names are translated each their own way.
"""

from __future__ import annotations

import json
import math
from datetime import date
from functools import cache, lru_cache
from pathlib import Path
from urllib.parse import parse_qs

from babel import Locale
from babel.dates import format_date as _babel_date
from babel.numbers import format_compact_currency, format_currency, format_decimal, format_percent

LANGUAGES = ("ru", "en")
DEFAULT_LANG = "ru"
LOCALES = {"ru": "ru_RU", "en": "en_GB"}
_DIR = Path(__file__).resolve().parent


@cache
def catalog(lang: str) -> dict[str, str]:
    """The UI string catalogue of one language: every JSON file of its folder, merged."""
    merged: dict[str, str] = {}
    for path in sorted((_DIR / "locales" / lang).glob("*.json")):
        part = json.loads(path.read_text(encoding="utf-8"))
        clash = set(part) & set(merged)
        if clash:
            raise ValueError(f"{path.name} repeats keys {sorted(clash)[:5]}")
        merged.update(part)
    return merged


def t(key: str, lang: str, **values: object) -> str:
    """The UI string `key` in `lang`, with `{name}` placeholders filled; the key itself if unknown."""
    text = catalog(lang if lang in LANGUAGES else DEFAULT_LANG).get(key)
    if text is None:
        text = catalog(DEFAULT_LANG).get(key, key)
    return text.format(**values) if values else text


def plural_form(count: float, lang: str) -> str:
    """Babel's CLDR plural category of `count` in `lang`: 'one', 'few', 'many' or 'other'."""
    return Locale.parse(LOCALES.get(lang, LOCALES[DEFAULT_LANG])).plural_form(abs(count))


def tn(key: str, count: float, lang: str, /, **values: object) -> str:
    """The plural form of UI string `key` for `count` in `lang` (CLDR categories via Babel: `key.one`,
    `key.few`, `key.many`, then `key.other`); `{n}` is the count in the locale unless given."""
    lang = lang if lang in LANGUAGES else DEFAULT_LANG
    key_form = f"{key}.{plural_form(count, lang)}"
    if key_form not in catalog(lang):
        key_form = f"{key}.other"
    values.setdefault("n", format_number(count, lang, digits=0))
    return t(key_form, lang, **values)


@cache
def _grid_texts(lang: str) -> dict[str, str]:
    path = _DIR / f"aggrid_{lang}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def grid_locale_text(lang: str) -> dict[str, str]:
    """AG Grid's `localeText` for the language (menus, filters, paging); English is AG Grid's own."""
    texts = dict(_grid_texts(lang))
    if lang != "en":
        texts["noRowsToShow"] = t("grid.no_rows", lang)
    return texts


def resolve_lang(value: object) -> tuple[str, bool]:
    """(language to use, whether the requested value was valid). Unknown values fall back to Russian."""
    if value is None or value == "":
        return DEFAULT_LANG, True
    if isinstance(value, list):
        value = value[0] if value else None
    text = str(value).strip().lower()
    if text in LANGUAGES:
        return text, True
    return DEFAULT_LANG, False


def parse_query(search: str | None) -> dict[str, str]:
    """Query string -> first value per key; tolerant of malformed input (never raises)."""
    if not search:
        return {}
    try:
        parsed = parse_qs(search.lstrip("?"), keep_blank_values=True)
    except (ValueError, UnicodeError):
        return {}
    return {k: v[0] for k, v in parsed.items() if v}


def is_missing(value: object) -> bool:
    """None, NaN, or pandas' NA / NaT: a value written as an em dash."""
    if value is None:
        return True
    try:
        return math.isnan(value)
    except TypeError:  # pandas' markers, or text that Babel reads as a number
        return type(value).__name__ in ("NAType", "NaTType")


def format_number(value: float | int | None, lang: str, digits: int = 1) -> str:
    """Locale number: Russian `1 234,5`, English `1,234.5`; an em dash for a missing value."""
    if is_missing(value):
        return "—"
    return _decimal(float(value), lang, digits)


@lru_cache(maxsize=8192)
def _decimal(value: float, lang: str, digits: int) -> str:
    """Babel's formatting, remembered: a page writes the same few hundred numbers at each render."""
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return format_decimal(value, format=pattern, locale=LOCALES.get(lang, LOCALES[DEFAULT_LANG]))


def format_raw(value: float | int | None, lang: str) -> str:
    """A measured value with three significant digits (at most 4 decimals, no trailing zeros),
    whole numbers from 1000 up: '0,0123', '4,56', '1 234'."""
    return "—" if is_missing(value) else _raw(float(value), lang)


@lru_cache(maxsize=4096)
def _raw(value: float, lang: str) -> str:
    if value == 0 or abs(value) >= 1000 or value == int(value):
        return format_number(value, lang, 0)
    digits = min(4, max(0, 2 - int(math.floor(math.log10(abs(value))))))
    text = format_number(value, lang, digits)
    decimal_sign = Locale.parse(LOCALES.get(lang, LOCALES[DEFAULT_LANG])).number_symbols["latn"]["decimal"]
    return text.rstrip("0").rstrip(decimal_sign) if digits > 0 and decimal_sign in text else text


def format_signed(value: float | int | None, lang: str, digits: int = 1) -> str:
    """'+1,2' / '−0,3' / '0,0' in the locale: a true minus sign, no sign on what rounds to zero."""
    if is_missing(value):
        return "—"
    text = format_number(abs(float(value)), lang, digits)
    if text.strip("0,. ") == "":
        return text
    return ("+" if value > 0 else "−") + text


def format_range(low: float | None, high: float | None, lang: str, digits: int = 1) -> str:
    """'4,1–4,8': a range's two ends in the locale, joined by an en dash."""
    return f"{format_number(low, lang, digits)}–{format_number(high, lang, digits)}"


def format_int(value: float | int | None, lang: str) -> str:
    """Whole number with locale grouping (Russian uses a no-break space)."""
    return format_number(value, lang, digits=0)


def format_share(value: float | None, lang: str) -> str:
    """A 0-1 share as a locale percentage without decimals."""
    if is_missing(value):
        return "—"
    return format_percent(value, locale=LOCALES.get(lang, LOCALES[DEFAULT_LANG]))


def format_money(value: float | int | None, lang: str, currency: str = "USD") -> str:
    """Money in whole units by the locale's currency pattern ('148 000 $', 'US$148,000'), through Babel;
    from a million up in the locale's short form ('1,5 млн $', 'US$1.5m')."""
    if is_missing(value):
        return "—"
    locale = LOCALES.get(lang, LOCALES[DEFAULT_LANG])
    if abs(value) >= 1_000_000:
        return format_compact_currency(value, currency, locale=locale, fraction_digits=1)
    pattern = Locale.parse(locale).currency_formats["standard"].pattern.split(";")[0].replace(".00", "")
    return format_currency(value, currency, format=pattern, locale=locale, currency_digits=False)


def format_day(value: date | str | None, lang: str, form: str = "long") -> str:
    """A date in the locale ('16 октября 2025 г.'); partial ISO dates (YYYY, YYYY-MM) stay partial."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        parts = value.split("-")
        if len(parts) == 1:
            return parts[0]
        if len(parts) == 2:
            d = date(int(parts[0]), int(parts[1]), 1)
            return _babel_date(d, "LLLL yyyy", locale=LOCALES[lang])
        value = date.fromisoformat(value)
    return _babel_date(value, form, locale=LOCALES.get(lang, LOCALES[DEFAULT_LANG]))


def plotly_separators(lang: str) -> str:
    """Plotly's `layout.separators` (decimal then thousands) for the locale."""
    return ", " if lang == "ru" else ".,"
