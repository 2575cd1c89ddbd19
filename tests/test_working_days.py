"""Working days in Northern Ireland, across weekends, bank holidays and their substitute days."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cmr_portal.kernel.working_days import (
    add_working_days,
    is_working_day,
    working_day_number,
    working_days_between,
)


def d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        ("2026-03-16", True),  # Monday
        ("2026-03-17", False),  # Saint Patrick's Day, a Tuesday
        ("2026-07-11", False),  # Saturday
        ("2026-07-12", False),  # Battle of the Boyne, a Sunday
        ("2026-07-13", False),  # ... and its substitute Monday
        ("2026-07-14", True),
        ("2029-03-17", False),  # Saint Patrick's Day on a Saturday
        ("2029-03-19", False),  # ... its substitute Monday
        ("2026-12-28", False),  # Boxing Day's substitute
        ("2026-08-31", False),  # Late Summer Bank Holiday
        ("2026-08-03", True),  # not a holiday in Northern Ireland (Scotland's summer holiday)
    ],
)
def test_which_days_are_working_days(day: str, working: bool) -> None:
    assert is_working_day(d(day)) is working


@pytest.mark.parametrize(
    ("start", "count", "due"),
    [
        ("2026-11-23", 5, "2026-11-30"),  # a plain week: Monday + 5 is the next Monday
        ("2026-11-27", 1, "2026-11-30"),  # Friday + 1 skips the weekend
        ("2026-03-16", 1, "2026-03-18"),  # Monday + 1 skips Saint Patrick's Day
        ("2026-07-10", 1, "2026-07-14"),  # Friday + 1 skips the weekend and 13 July
        ("2026-12-24", 1, "2026-12-29"),  # Christmas, Boxing Day and its substitute
        ("2026-11-28", 0, "2026-11-28"),  # no days: the same day
    ],
)
def test_adding_working_days(start: str, count: int, due: str) -> None:
    assert add_working_days(d(start), count) == d(due)


def test_counting_working_days_both_ways() -> None:
    assert working_days_between(d("2026-07-10"), d("2026-07-14")) == 1
    assert working_days_between(d("2026-07-14"), d("2026-07-10")) == -1
    assert working_days_between(d("2026-11-23"), d("2026-11-23")) == 0
    start = d("2026-01-05")
    for count in range(0, 60, 7):
        assert working_days_between(start, add_working_days(start, count)) == count


DAYS = st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2040, 12, 31))


@given(DAYS, DAYS)
def test_working_days_between_counts_each_working_day_after_the_start(
    start: datetime.date, end: datetime.date
) -> None:
    """Two lookups give what counting day by day gives, either side of 2000 (the numbers' first
    year), across years and backwards."""
    low, high = sorted((start, end))
    counted = sum(
        is_working_day(low + datetime.timedelta(days=offset))
        for offset in range(1, (high - low).days + 1)
    )
    assert working_days_between(low, high) == counted
    assert working_days_between(high, low) == -counted
    assert working_day_number(high) - working_day_number(low) == counted
