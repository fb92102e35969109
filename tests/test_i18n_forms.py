"""Plural forms through Babel's ngettext and the .po catalogue, money through Babel, grid texts."""

from __future__ import annotations

import pytest

from i18n import LANGUAGES, count_phrase, format_money, grid_locale_text, plural_catalogue


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
    assert count_phrase(n, "%(n)s indicator", "%(n)s indicators", "ru") == ru


def test_genitive_phrases_and_english():
    assert count_phrase(1, "for %(n)s city", "for %(n)s cities", "ru") == "у 1 города"
    assert count_phrase(3, "for %(n)s city", "for %(n)s cities", "ru") == "у 3 городов"
    assert count_phrase(1, "for %(n)s city", "for %(n)s cities", "en") == "for 1 city"
    assert count_phrase(1200, "%(n)s value", "%(n)s values", "en") == "1,200 values"
    assert count_phrase(1200, "%(n)s value", "%(n)s values", "ru") == "1\u00a0200 значений"


def test_every_plural_entry_of_the_russian_catalogue_is_translated():
    catalogue = plural_catalogue("ru")
    assert catalogue.ngettext("%(n)s city", "%(n)s cities", 2) == "%(n)s города"
    assert "untranslated" not in catalogue.ngettext("%(n)s action", "%(n)s actions", 5)


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
