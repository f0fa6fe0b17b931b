"""Properties that hold for any input: the number formatters, and the loader on generated mutual-aid tables."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from site_builder.data import load_dataset
from site_builder.errors import DataError
from site_builder.formatting import (
    format_count,
    format_date,
    format_number,
    format_share,
    ordinal,
    parse_ratio,
    ratio_words,
    round_half_up,
)
from story.figures import compute_figures
from story.rules import MIN_HELPERS, check_data

RECIPIENT = "LAS"
COUNT_COLUMNS = ["calls_answered", "category_1_calls", "cardiac_arrest_calls"]
POPULATIONS = Path(__file__).resolve().parent.parent / "data" / "populations.csv"
WITH_POPULATION = {row["code"] for row in csv.DictReader(io.StringIO(POPULATIONS.read_text(encoding="utf-8-sig"))) if row["population"].strip()}
GROUPED = re.compile(r"-?\d{1,3}(,\d{3})*")
SMALL_WORDS = ["0", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
LOADER = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


# The number formatters.


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_format_number_groups_digits_in_threes_and_keeps_the_value(value: int) -> None:
    text = format_number(value)
    assert GROUPED.fullmatch(text), text
    assert int(text.replace(",", "")) == value


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False))
def test_round_half_up_is_nearest_and_symmetric(value: float) -> None:
    rounded = round_half_up(value)
    assert abs(rounded - value) <= 0.5
    assert round_half_up(-value) == -rounded
    if abs(value - int(value)) == 0.5:
        assert abs(rounded) > abs(value)  # halves go away from zero


@given(st.floats(min_value=0, max_value=1e9, allow_nan=False))
def test_format_count_uses_words_below_ten_and_grouped_digits_above(value: float) -> None:
    text = format_count(value)
    whole = round_half_up(value)
    if whole < 10:
        assert text == SMALL_WORDS[whole]
    else:
        assert GROUPED.fullmatch(text) and int(text.replace(",", "")) == whole


@given(st.floats(min_value=0, max_value=1, allow_nan=False))
def test_format_share_is_a_percentage_within_rounding(share: float) -> None:
    text = format_share(share)
    assert text.endswith("%")
    number = text.removesuffix("%")
    decimals = len(number.split(".")[1]) if "." in number else 0
    assert decimals == (1 if 0 < share * 100 < 9.95 else 0), text
    assert abs(float(number.replace(",", "")) - share * 100) <= 0.5 / 10**decimals + 1e-9


@given(st.integers(min_value=1, max_value=10**6))
def test_ordinal_words_below_ten_and_correct_suffixes_above(value: int) -> None:
    text = ordinal(value)
    if value < 10:
        assert text.isalpha()
        return
    number, suffix = re.fullmatch(r"(\d+)(st|nd|rd|th)", text).groups()  # type: ignore[union-attr]
    assert int(number) == value
    expected = "th" if value % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(value % 10, "th")
    assert suffix == expected


@given(st.floats(min_value=0.001, max_value=0.999, allow_nan=False))
def test_ratio_words_name_a_ratio_close_to_the_share(share: float) -> None:
    words = ratio_words(share)
    if words == "almost all":
        assert share > 0.9
        return
    exact = not words.startswith("about ")
    value = parse_ratio(words.removeprefix("about "))
    assert value is not None, words
    if exact:
        assert value == pytest.approx(share, abs=1e-9)
    elif share < 0.25:
        assert abs(1 / value - 1 / share) <= 0.5 + 1e-9, words  # 'one in N' with N the nearest whole number
    else:
        # The nearest fraction with a denominator up to five: no other is closer.
        closest = min(abs(p / q - share) for q in range(1, 6) for p in range(q + 1))
        assert abs(value - share) <= closest + 1e-9, words


@given(st.integers(min_value=1, max_value=9), st.integers(min_value=1, max_value=10_000))
def test_parse_ratio_reads_one_in_n(numerator: int, denominator: int) -> None:
    assert parse_ratio(f"{numerator} in {denominator:,}") == pytest.approx(numerator / denominator)


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_format_date_reads_back(date: dt.date) -> None:
    assert dt.datetime.strptime(format_date(date), "%d %B %Y").date() == date


# The loader, on generated mutual-aid tables.


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return one copy of the project whose mutual-aid table each example rewrites."""
    from conftest import copy_project

    return copy_project(tmp_path_factory.mktemp("properties") / "project")


def real_rows(project: Path) -> tuple[list[str], list[list[str]]]:
    """Return the real table's header and rows (from the pristine copy kept beside it)."""
    original = project.parent / "mutual_aid.original.csv"
    if not original.exists():
        original.write_bytes((project / "data" / "mutual_aid.csv").read_bytes())
    rows = list(csv.reader(io.StringIO(original.read_text(encoding="utf-8"), newline="")))
    return rows[0], rows[1:]


def write_table(project: Path, header: list[str], rows: list[list[str]]) -> Path:
    path = project / "data" / "mutual_aid.csv"
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\n").writerows([header, *rows])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


@st.composite
def counts(draw: st.DrawFn) -> tuple[int, int, int]:
    """Draw a service's calls and two parts of them that never exceed the whole."""
    calls = draw(st.integers(min_value=0, max_value=10**6))
    return calls, draw(st.integers(min_value=0, max_value=calls)), draw(st.integers(min_value=0, max_value=calls))


@LOADER
@given(data=st.data())
def test_any_valid_table_loads_and_its_totals_are_pandas_sums(project: Path, data: st.DataObject) -> None:
    header, rows = real_rows(project)
    chosen = data.draw(st.lists(st.sampled_from(range(len(rows))), min_size=MIN_HELPERS, unique=True), label="rows")
    table = []
    for index in chosen:
        row = list(rows[index])
        for column, value in zip(COUNT_COLUMNS, data.draw(counts(), label=row[0]), strict=True):
            row[header.index(column)] = str(value)
        table.append(row)
    # Valid also means what the story divides by is not zero (data.py rejects that with a DataError, tested below).
    for column in ("calls_answered", "category_1_calls"):
        assume(sum(int(row[header.index(column)]) for row in table) > 0)
    assume(any(row[0] in WITH_POPULATION for row in table))  # the per-100,000 rate needs one (tests/test_bad_input.py)
    path = write_table(project, header, table)
    dataset = load_dataset(project / "data" / "datapackage.json")
    check_data(dataset, RECIPIENT)
    expected = pd.read_csv(path)
    figures = compute_figures(dataset, RECIPIENT)
    aid = dataset.tables["mutual_aid"].frame
    assert len(aid) == len(expected)
    for column in COUNT_COLUMNS:
        assert int(aid[column].sum()) == int(expected[column].sum())
    assert figures["calls_answered_total"].value == expected["calls_answered"].sum()
    assert figures["category_1_total"].value == expected["category_1_calls"].sum()


INVALID_COUNTS = st.one_of(
    st.integers(max_value=-1).map(str),
    st.tuples(st.integers(min_value=0, max_value=10**6), st.integers(min_value=1, max_value=99)).map(lambda pair: f"{pair[0]}.{pair[1]}"),
    st.tuples(st.integers(min_value=0, max_value=999), st.sampled_from("abcxyz")).map(lambda pair: f"{pair[0]}{pair[1]}"),
    st.sampled_from(["", "n/a", "twelve", "-", "1e3", "0x10", "12 000"]),
)


@LOADER
@given(data=st.data(), bad=INVALID_COUNTS)
def test_any_invalid_count_is_rejected_naming_its_row_and_column(project: Path, data: st.DataObject, bad: str) -> None:
    header, rows = real_rows(project)
    row = data.draw(st.integers(min_value=0, max_value=len(rows) - 1), label="row")
    column = data.draw(st.sampled_from(COUNT_COLUMNS), label="column")
    table = [list(r) for r in rows]
    table[row][header.index(column)] = bad
    write_table(project, header, table)
    with pytest.raises(DataError) as caught:
        check_data(load_dataset(project / "data" / "datapackage.json"), RECIPIENT)
    error = caught.value
    assert Path(str(error.path)).name == "mutual_aid.csv"
    assert (error.line, error.column) == (row + 2, column), error.describe()
    assert repr(bad) in error.message or (bad == "" and "empty" in error.message), error.message
