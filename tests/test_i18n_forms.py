"""Plural forms by Babel's CLDR rules (`i18n.tn`), money through Babel, grid texts."""

from __future__ import annotations

import pytest

from i18n import LANGUAGES, catalog, format_money, grid_locale_text, tn


@pytest.mark.parametrize(
    "n, ru",
    [
        (1, "1 индикатор"),
        (2, "2 индикатора"),
        (4, "4 индикатора"),
        (5, "5 индикаторов"),
        (11, "11 индикаторов"),
        (21, "21 индикатор"),
        (52, "52 индикатора"),
    ],
)
def test_russian_counts_take_the_right_form(n, ru):
    assert tn("count.indicator", n, "ru") == ru


def test_genitive_phrases_and_english():
    assert tn("count.for_city", 1, "ru") == "у 1 города"
    assert tn("count.for_city", 3, "ru") == "у 3 городов"
    assert tn("count.for_city", 1, "en") == "for 1 city"
    assert tn("count.value", 1200, "en") == "1,200 values"
    assert tn("count.value", 1200, "ru") == "1\u00a0200 значений"


def test_every_plural_string_has_every_form_the_language_needs():
    """A Russian string with counted forms needs one, few, many (and other for fractions); English
    one and other. (A string with only one and other is used for every count.)"""
    needed = {"ru": {"one", "few", "many", "other"}, "en": {"one", "other"}}
    for lang, forms in needed.items():
        bases = {k.rsplit(".", 1)[0] for k in catalog(lang) if k.rsplit(".", 1)[-1] in {"few", "many"}}
        assert bases, lang
        for base in bases:
            assert forms <= {k.rsplit(".", 1)[1] for k in catalog(lang) if k.rsplit(".", 1)[0] == base}, (
                lang,
                base,
            )


def test_money_by_locale():
    assert format_money(148000, "ru") == "148\u00a0000\u00a0$"
    assert format_money(148000, "en") == "US$148,000"
    assert format_money(1_530_000, "ru") == "1,5\u00a0млн\u00a0$"
    assert format_money(float("nan"), "en") == "—"


def test_grid_menus_in_russian():
    ru = grid_locale_text("ru")
    assert ru["contains"] == "Содержит" and ru["filterOoo"].startswith("Фильтр")
    assert all(
        any("а" <= ch.lower() <= "я" or ch == "ё" for ch in v) or v in ("Ctrl+C",) for v in ru.values()
    )
    assert grid_locale_text("en") == {}
    assert set(LANGUAGES) == {"ru", "en"}
