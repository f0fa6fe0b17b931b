"""Formulas are read as the data page prints them, and worked out as they read."""

from __future__ import annotations

import datetime as dt

import pytest

from site_builder.formulas import FormulaError, evaluate, names_in


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ("a − b", 6),
        ("a ÷ b", 2.5),
        ("a × b + 1", 41),
        ("a + b × 2", 18),
        ("a ÷ (a + b)", 10 / 14),
        ("a − b − 1", 5),  # left to right
        ("a ÷ b × 100,000", 250_000.0),
        ("a × 0.5", 5.0),
    ],
)
def test_evaluate_follows_the_usual_precedence(formula: str, expected: float) -> None:
    assert evaluate(formula, {"a": 10, "b": 4}) == pytest.approx(expected)


def test_no_value_or_a_division_by_zero_gives_no_value() -> None:
    assert evaluate("a ÷ b", {"a": 3, "b": 0}) is None
    assert evaluate("a ÷ b × 100,000", {"a": 3, "b": None}) is None


def test_a_date_minus_a_date_is_days() -> None:
    assert evaluate("end − start + 1", {"start": dt.date(2020, 12, 1), "end": dt.date(2020, 12, 31)}) == 31


def test_names_in_reads_names_once_in_order() -> None:
    assert names_in("category_1_total ÷ (las_category_1_period + category_1_total)") == ("category_1_total", "las_category_1_period")


@pytest.mark.parametrize(
    ("formula", "message"),
    [
        ("a - b", "write '−' for '-'"),
        ("a / b", "write '÷' for '/'"),
        ("a ÷", "ends where a name or number should be"),
        ("(a + b", "'(' is never closed"),
        ("a b", "unexpected 'b' after a complete expression"),
        ("Sum of a over every row", "unexpected 'of'"),
    ],
)
def test_a_formula_that_does_not_read_says_where(formula: str, message: str) -> None:
    with pytest.raises(FormulaError, match=message.replace("(", r"\(")):
        evaluate(formula, {"a": 1, "b": 2})


def test_an_unknown_name_is_named() -> None:
    with pytest.raises(FormulaError, match="reads 'c'"):
        evaluate("a ÷ c", {"a": 1, "b": 2})
