"""House style: the formatters' contract, checked on chosen inputs."""

import datetime as dt

import pytest

from site_builder.formatting import (
    duration_words,
    format_count,
    format_date,
    format_duration,
    format_number,
    format_share,
    join_names,
    ordinal,
    parse_ratio,
    ratio_words,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(12823, "12,823"), (0, "0"), (7, "seven"), (10, "10"), (1_000_000, "1,000,000"), (9.5, "10"), (2.5, "three")],
)
def test_format_count_uses_separators_and_words_below_ten(value: float, expected: str) -> None:
    assert format_count(value) == expected


@pytest.mark.parametrize(("value", "expected"), [(0.2079, "21%"), (0.0853, "8.5%"), (0, "0%"), (1, "100%"), (0.0996, "10%")])
def test_format_share_rounds_to_whole_percent_above_ten(value: float, expected: str) -> None:
    assert format_share(value) == expected


def test_format_number_with_decimals() -> None:
    assert format_number(47.416, 1) == "47.4"


@pytest.mark.parametrize(
    ("share", "expected"),
    [(0.112, "about one in nine"), (0.2, "a fifth"), (0.5, "half"), (0.41, "about two in five"), (0.085, "about one in 12"), (0.75, "three quarters")],
)
def test_ratio_words(share: float, expected: str) -> None:
    assert ratio_words(share) == expected


@pytest.mark.parametrize(("phrase", "share"), [("one in 10", 0.1), ("one in ten", 0.1), ("a fifth", 0.2), ("half", 0.5), ("two in five", 0.4)])
def test_parse_ratio(phrase: str, share: float) -> None:
    assert parse_ratio(phrase) == pytest.approx(share)


def test_parse_ratio_rejects_other_words() -> None:
    assert parse_ratio("lots") is None


def test_format_date_is_british() -> None:
    assert format_date(dt.date(2020, 12, 30)) == "30 December 2020"


@pytest.mark.parametrize(("rank", "expected"), [(1, "first"), (2, "second"), (11, "11th"), (12, "12th"), (21, "21st"), (22, "22nd"), (113, "113th")])
def test_ordinal(rank: int, expected: str) -> None:
    assert ordinal(rank) == expected


@pytest.mark.parametrize(("seconds", "expected"), [(0, "0:00"), (59, "0:59"), (429, "7:09"), (2486, "41:26"), (3852, "1:04:12")])
def test_format_duration_is_minutes_and_seconds(seconds: int, expected: str) -> None:
    assert format_duration(seconds) == expected


@pytest.mark.parametrize(
    ("names", "expected"),
    [([], "none"), (["Wales"], "Wales"), (["Wales", "Scotland"], "Wales and Scotland"), (["Wales", "Scotland", "Kent"], "Wales, Scotland and Kent")],
)
def test_join_names_lists_names_as_prose_and_says_none_for_none(names: list[str], expected: str) -> None:
    assert join_names(names) == expected


def test_join_names_says_what_it_is_told_when_there_are_none() -> None:
    assert join_names([], none="no service") == "no service"


@pytest.mark.parametrize(("seconds", "expected"), [(0, "0 s"), (39, "39 s"), (420, "7 min"), (451, "7 min 31 s"), (3852, "1 h 4 min 12 s"), (3600, "1 h")])
def test_duration_words_read_as_minutes_and_seconds_not_a_clock(seconds: int, expected: str) -> None:
    assert duration_words(seconds) == expected
