"""The shared number formatters of i18n (Babel): what pages, components, slides and the PDF write."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from domain.queries import ID_COLUMNS, city_names, table_names
from i18n import (
    format_money,
    format_number,
    format_range,
    format_raw,
    format_share,
    format_signed,
    is_missing,
    tn,
)

NBSP = "\xa0"


def test_decimal_numbers_follow_the_locale():
    assert format_number(1234.5, "ru") == f"1{NBSP}234,5"
    assert format_number(1234.5, "en") == "1,234.5"
    assert format_number(np.float64(0.25), "en", 2) == "0.25"
    assert format_number(np.int64(1234), "ru", 0) == f"1{NBSP}234"


@pytest.mark.parametrize("missing", [None, float("nan"), np.nan, pd.NA, pd.NaT])
def test_missing_values_are_an_em_dash(missing):
    assert is_missing(missing)
    for formatter in (format_number, format_raw, format_signed, format_share, format_money):
        assert formatter(missing, "ru") == "—", formatter.__name__


def test_zero_infinity_and_numeric_text_are_not_missing():
    assert not is_missing(0) and not is_missing(math.inf) and not is_missing("12")
    assert format_number("1234.5", "en") == "1,234.5"  # as before: Babel reads numeric text


@pytest.mark.parametrize(
    "n, russian",
    [
        (1, "1 город"),
        (2, "2 города"),
        (5, "5 городов"),
        (21, "21 город"),
        (11, "11 городов"),
        (22, "22 города"),
    ],
)
def test_russian_plurals_through_babel_ngettext(n, russian):
    assert tn("count.city", n, "ru") == russian
    assert tn("count.city", n, "en") == (f"{n} city" if n == 1 else f"{n} cities")


def test_counted_numbers_are_grouped_in_the_locale():
    assert tn("count.city", 1234, "ru") == f"1{NBSP}234 города"


@pytest.mark.parametrize(
    "value, ru, en",
    [
        (0.012345, "0,0123", "0.0123"),  # three significant digits
        (4.5678, "4,57", "4.57"),
        (0.10004, "0,1", "0.1"),  # no trailing zeros
        (12.0, "12", "12"),  # whole numbers stay whole
        (1234.56, f"1{NBSP}235", "1,235"),  # from 1000 up, no decimals
        (0, "0", "0"),
    ],
)
def test_raw_values_keep_three_significant_digits(value, ru, en):
    assert format_raw(value, "ru") == ru
    assert format_raw(value, "en") == en


def test_signed_changes_use_a_true_minus_and_no_sign_on_zero():
    assert format_signed(1.25, "ru") == "+1,2"
    assert format_signed(-0.3, "en") == "−0.3"
    assert format_signed(-0.04, "en") == "0.0"  # rounds to zero: no sign


def test_ranges_join_two_ends_with_an_en_dash():
    assert format_range(4.12, 4.81, "ru") == "4,1–4,8"
    assert format_range(1234, 1300.5, "en", 0) == "1,234–1,300"


def test_money_and_shares():
    assert format_money(148_000, "en") == "US$148,000"
    assert format_money(1_500_000, "ru") == f"1,5{NBSP}млн{NBSP}$"
    assert format_share(0.45, "en") == "45%"
    assert format_share(0.45, "ru") == f"45{NBSP}%"


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_one_lookup_names_every_row_of_each_named_table(built_data, lang):
    for table, key in ID_COLUMNS.items():
        frame = built_data[table]
        names = table_names(built_data, table, lang)
        assert list(names) == list(frame[key]), table
        assert all(isinstance(n, str) and n for n in names.values()), table
        first = frame.iloc[0]
        assert names[first[key]] == first[f"name_{lang}"]
    assert city_names(built_data, lang) == table_names(built_data, "cities", lang)
    units = table_names(built_data, "indicators", lang, column="unit")
    assert set(units) == set(built_data["indicators"]["indicator_id"])
