"""Numbers as people write and read them (``sim.outputs.formatting``).

- ``localised``: a decimal comma in Spanish, a point in English, the minus sign U+2212
  for a negative number, and no sign on a number that rounds to zero;
- ``read_number`` reads what a person types in either language, with either sign, and
  refuses what is not one number;
- ``number``, ``signed_interval`` and ``headline`` (the table cells, the decomposition
  and the terminal's headline) write negative numbers with that one minus sign.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.outputs.catalogue import find
from sim.outputs.formatting import (
    MINUS,
    format_paired,
    headline,
    localised,
    number,
    read_number,
    signed,
    signed_interval,
)


@pytest.mark.parametrize(
    ("plain", "es", "en"),
    [
        ("0.06", "0,06", "0.06"),
        ("-10", "\u221210", "\u221210"),
        ("-0.5", "\u22120,5", "\u22120.5"),
        ("-0.0", "0,0", "0.0"),
        ("-0", "0", "0"),
        ("6500", "6500", "6500"),
        ("1.5M", "1,5M", "1.5M"),
    ],
)
def test_localised(plain: str, es: str, en: str) -> None:
    assert localised(plain, "es") == es
    assert localised(plain, "en") == en


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("0,06", 0.06),
        ("0.06", 0.06),
        (" 0,07 ", 0.07),
        ("-5", -5.0),
        ("\u22125", -5.0),
        ("\u22122,5", -2.5),
        ("12", 12.0),
    ],
)
def test_read_number(typed: str, value: float) -> None:
    assert read_number(typed) == pytest.approx(value)


@pytest.mark.parametrize("typed", ["", "abc", "1.000,5", "0,0,6", "5 -", "--5"])
def test_read_number_refuses_what_is_not_one_number(typed: str) -> None:
    with pytest.raises(ValueError):
        read_number(typed)


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), st.sampled_from(["es", "en"]))
def test_what_is_shown_reads_back(value: float, lang: str) -> None:
    """A number written for a language reads back as the number written (the field's
    value, shown in the page's language, is no change)."""
    shown = localised(f"{value:.3f}", lang)
    assert read_number(shown) == pytest.approx(round(value, 3), abs=1e-9)
    assert "-" not in shown
    assert ("," in shown) == (lang == "es")


def test_signed() -> None:
    assert signed(1.54, 1, "es") == "+1,5"
    assert signed(-1.54, 1, "es") == "\u22121,5"
    assert signed(-0.04, 1, "en") == "0.0"
    assert signed(0.0, 0, "en") == "0"


def test_table_cells_write_one_minus_sign() -> None:
    stay, share = find("los"), find("utilisation")
    assert number(stay, -55.0, "es") == "\u221255"
    assert number(stay, -0.3, "es") == "\u22120,3"
    assert number(stay, -0.04, "en") == "0.0"
    assert number(share, -0.05, "en") == "\u22125%"
    assert number(stay, -1.5e6, "en") == "\u22121.5M"
    paired = {"diff": -0.3, "ci95": [-0.5, -0.1], "p_value": 0.02}
    assert format_paired(stay, paired, "es") == "\u22120,3 ±0,2"
    cut = {"diff": -2.0, "ci95": [-3.5, 0.0], "p_value": 0.02}  # not symmetric: its two ends
    assert format_paired(stay, cut, "es") == "\u22122,0 [\u22123,5; 0,0]"


def test_signed_interval_in_each_language() -> None:
    paired = {"diff": -1.84, "ci95": [-2.2, -1.5]}
    assert signed_interval(paired) == "\u22121.8 [\u22122.2, \u22121.5]"
    assert signed_interval(paired, "es") == "\u22121,8 [\u22122,2; \u22121,5]"
    assert signed_interval({"diff": 3.0, "ci95": [None, None]}, "en") == "+3.0"
    assert signed_interval({"diff": None, "ci95": [None, None]}) == "–"


def test_headline_change_has_the_minus_sign() -> None:
    los = {"mean": 60.0, "ci95": [55.0, 65.0], "p50": 60.0, "p90": 90.0}
    summary = {
        "baseline": "fifo",
        "policies": {"fifo": {"los": {**los, "mean": 240.0}}, "mip": {"los": los}},
        "paired": {"mip": {"los": {"diff": -180.0, "ci95": [-190.0, -170.0], "p_value": 0.0}}},
    }
    assert headline(summary, "mip", "es").endswith(f"({MINUS}75 %)")
