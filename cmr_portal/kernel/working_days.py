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


# Working days are counted from this year on: any year works, before it too.
EPOCH_YEAR = 2000


@lru_cache(maxsize=256)
def _running_count(year: int) -> tuple[int, ...]:
    """For each day of ``year`` (index 0 is 1 January), the working days from 1 January to it."""
    counts, count = [], 0
    day = datetime.date(year, 1, 1)
    while day.year == year:
        count += is_working_day(day)
        counts.append(count)
        day += DAY
    return tuple(counts)


@lru_cache(maxsize=256)
def _before(year: int) -> int:
    """The working days from 1 January of ``EPOCH_YEAR`` to the day before 1 January of
    ``year`` (negative for earlier years)."""
    step = 1 if year >= EPOCH_YEAR else -1
    total = 0
    for each in range(EPOCH_YEAR, year, step):
        total += _running_count(each if step == 1 else each - 1)[-1]
    return total * step


def working_day_number(day: datetime.date) -> int:
    """The working days from 1 January 2000 to ``day`` included: the difference of two days'
    numbers is the working days between them, however far apart, in two lookups."""
    return _before(day.year) + _running_count(day.year)[day.timetuple().tm_yday - 1]


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """How many working days from ``start`` to ``end``: after ``start``, up to ``end`` included.

    Negative when ``end`` is before ``start``, so that "overdue by 3 working days" reads naturally.
    """
    return working_day_number(end) - working_day_number(start)


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
