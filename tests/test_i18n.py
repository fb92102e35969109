"""Translation catalogue completeness and locale formatting."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from i18n import (
    LANGUAGES,
    catalog,
    format_day,
    format_int,
    format_number,
    format_share,
    parse_query,
    resolve_lang,
    t,
)

ROOT = Path(__file__).resolve().parents[1]
CODE_DIRS = ("pages", "presentation", "components", "services", "app.py")
LITERAL_KEY = re.compile(r"""\bt\(\s*["']([a-z0-9_]+(?:\.[a-z0-9_]+)+)["']""")
KEY_ARG = re.compile(
    r"""(?:nav_key|page_title|page_header)\(?=?\s*["']([a-z0-9_.]+)["'](?:,\s*["']([a-z0-9_.]+)["'])?"""
)


def code_files():
    for entry in CODE_DIRS:
        path = ROOT / entry
        yield from ([path] if path.is_file() else sorted(path.rglob("*.py")))


def test_every_language_has_the_same_keys():
    keys = {lang: set(catalog(lang)) for lang in LANGUAGES}
    ru, en = keys["ru"], keys["en"]
    assert not ru - en, f"missing in English: {sorted(ru - en)}"
    assert not en - ru, f"missing in Russian: {sorted(en - ru)}"


def test_no_empty_or_untranslated_strings():
    for lang in LANGUAGES:
        empty = [k for k, v in catalog(lang).items() if not v.strip()]
        assert not empty, f"{lang}: empty strings {empty}"
    cyrillic = re.compile("[а-яА-ЯёЁ]")
    assert all(cyrillic.search(v) for k, v in catalog("ru").items() if len(v) > 12), (
        "Russian text without Cyrillic"
    )
    assert not [k for k, v in catalog("en").items() if cyrillic.search(v)], "Cyrillic in English catalogue"


def test_every_key_used_in_code_exists():
    used = set()
    for path in code_files():
        text = path.read_text(encoding="utf-8")
        used.update(LITERAL_KEY.findall(text))
        for a, b in KEY_ARG.findall(text):
            used.update(k for k in (a, b) if k and "." in k)
    assert used, "no keys found: the pattern is broken"
    missing = sorted(k for k in used if k not in catalog("ru"))
    assert not missing, f"keys used in code but not in the catalogue: {missing}"


def test_placeholders_match_between_languages():
    field = re.compile(r"{(\w+)}")
    for key, ru in catalog("ru").items():
        assert set(field.findall(ru)) == set(field.findall(catalog("en")[key])), key


def test_russian_and_english_number_formats():
    assert format_number(1234.5, "ru") == "1\xa0234,5"
    assert format_number(1234.5, "en") == "1,234.5"
    assert format_int(1228400, "ru") == "1\xa0228\xa0400"
    assert format_number(float("nan"), "ru") == "—"
    assert format_share(0.98, "en") == "98%"
    assert format_share(0.98, "ru").startswith("98")


def test_dates_in_both_languages_and_partial_dates():
    assert format_day(date(2025, 10, 16), "ru") == "16 октября 2025\u202fг."
    assert format_day(date(2025, 10, 16), "en") == "16 October 2025"
    assert format_day("1948", "ru") == "1948"
    assert format_day("2024-04", "en") == "April 2024"


def test_language_resolution_and_bad_query_strings():
    assert resolve_lang("en") == ("en", True)
    assert resolve_lang(" EN ") == ("en", True)
    assert resolve_lang("xx") == ("ru", False)
    assert resolve_lang(None) == ("ru", True)
    assert parse_query("?lang=en&tab=sources") == {"lang": "en", "tab": "sources"}
    # the first value of a repeated key; blank values kept; a broken escape stays as typed
    assert parse_query("?a=1&a=2&b=") == {"a": "1", "b": ""}
    assert parse_query("%%%&&==") == {"%%%": "", "": "="}
    assert parse_query("?x=%ZZ&k=%D0%B0") == {"x": "%ZZ", "k": "а"}
    assert parse_query("?") == {} and parse_query(None) == {}
    assert t("no.such.key", "en") == "no.such.key"
    assert t("overview.rank", "en", rank=1, total=5) == "rank 1 of 5"
