"""Working days in Northern Ireland: weekdays that are not bank or public holidays there.

The holidays come from the `holidays` package's calendar for Northern Ireland (GB, subdivision
NIR), substitute days included, never from a table of our own.
"""

import calendar
import datetime
from functools import lru_cache

import holidays

DAY = datetime.timedelta(days=1)


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.country_holidays("GB", subdiv="NIR", years=year))


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


# Pure functions of their dates, asked the same questions for every referral in a list.
@lru_cache(maxsize=4096)
def add_working_days(start: datetime.date, count: int) -> datetime.date:
    """The working day ``count`` working days after ``start`` (``start`` itself not counted)."""
    day = start
    remaining = count
    while remaining > 0:
        day += DAY
        if is_working_day(day):
            remaining -= 1
    return day


@lru_cache(maxsize=4096)
def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """How many working days from ``start`` to ``end``: after ``start``, up to ``end`` included.

    Negative when ``end`` is before ``start``, so that "overdue by 3 working days" reads naturally.
    """
    if end < start:
        return -working_days_between(end, start)
    count = 0
    day = start
    while day < end:
        day += DAY
        if is_working_day(day):
            count += 1
    return count


def latest_start(due_by: datetime.date, working_days: int) -> datetime.date:
    """The last day a clock of ``working_days`` can start and be due on or before ``due_by``:
    the index-friendly bound for a deadline computed from a start date."""
    start = due_by
    while add_working_days(start, working_days) > due_by:
        start -= datetime.timedelta(days=1)
    return start


def add_months(start: datetime.date, months: int) -> datetime.date:
    """The working day on or after the same day ``months`` calendar months after ``start``: 31
    January and one month is 28 (or 29) February, moved on to the next working day when that is
    a weekend or a holiday. ``months`` is zero or more."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    day = datetime.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))
    while not is_working_day(day):
        day += DAY
    return day
