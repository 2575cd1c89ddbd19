"""The periods the monitoring figures are given for: a financial year (April to March, which
Northern Ireland's public bodies report on), one of its quarters, or any run of whole months.

A period is named in an address by ``code``: ``2025`` for the financial year April 2025 to March
2026, ``2025-q1`` for its first quarter (April to June 2025), ``2024-05..2025-09`` for May 2024 to
September 2025.
"""

import datetime
import re
from dataclasses import dataclass

MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
CODE = re.compile(r"^(?:(\d{4})(?:-q([1-4]))?|(\d{4})-(\d{2})\.\.(\d{4})-(\d{2}))$")


def add_months(month: datetime.date, months: int) -> datetime.date:
    """The first day of the month ``months`` after (or before) ``month``'s."""
    index = month.year * 12 + month.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def financial_year_of(day: datetime.date) -> int:
    """The year a day's financial year starts in: 2025 for any day from April 2025 to March
    2026."""
    return day.year if day.month >= 4 else day.year - 1


def month_name(month: datetime.date) -> str:
    """A month in words: "April 2025"."""
    return f"{MONTH_NAMES[month.month - 1]} {month.year}"


@dataclass(frozen=True)
class Period:
    """Whole months from ``first`` to ``last`` (each the first day of its month), both included."""

    first: datetime.date
    last: datetime.date
    code: str
    label: str

    @classmethod
    def financial_year(cls, year: int) -> "Period":
        first = datetime.date(year, 4, 1)
        return cls(first, add_months(first, 11), str(year), f"April {year} to March {year + 1}")

    @classmethod
    def quarter(cls, year: int, number: int) -> "Period":
        first = add_months(datetime.date(year, 4, 1), 3 * (number - 1))
        last = add_months(first, 2)
        months = f"{MONTH_NAMES[first.month - 1]} to {month_name(last)}"
        return cls(
            first, last, f"{year}-q{number}", f"Quarter {number} of {year} to {year + 1} ({months})"
        )

    @classmethod
    def months(cls, first: datetime.date, last: datetime.date) -> "Period":
        first, last = sorted((first.replace(day=1), last.replace(day=1)))
        code = f"{first:%Y-%m}..{last:%Y-%m}"
        return cls(first, last, code, f"{month_name(first)} to {month_name(last)}")

    @classmethod
    def parse(cls, code: str) -> "Period | None":
        """The period an address names, or None for anything else (a month 13, a year outside
        1901 to 8999...)."""
        found = CODE.match(code or "")
        if found is None:
            return None
        year, quarter, *months = found.groups()
        try:
            if year is not None:
                start = int(year)
                if not 1900 < start < 9000:
                    return None
                return cls.quarter(start, int(quarter)) if quarter else cls.financial_year(start)
            first_year, first_month, last_year, last_month = (int(part) for part in months)
            if not (1900 < first_year < 9000 and 1900 < last_year < 9000):
                return None  # as for a year: the month after the last must exist
            return cls.months(
                datetime.date(first_year, first_month, 1), datetime.date(last_year, last_month, 1)
            )
        except ValueError:
            return None

    def contains(self, month: datetime.date) -> bool:
        return self.first <= month <= self.last

    @property
    def quarters(self) -> list["Period"]:
        """The financial quarters the period touches, in order."""
        quarters: list[Period] = []
        month = self.first
        while month <= self.last:
            year = financial_year_of(month)
            number = (month.month - 4) % 12 // 3 + 1
            quarter = Period.quarter(year, number)
            if not quarters or quarters[-1] != quarter:
                quarters.append(quarter)
            month = add_months(month, 1)
        return quarters


def quarter_label(month: datetime.date) -> str:
    """A quarter's short name, for a chart's axis: "2025-26 Q1"."""
    year = financial_year_of(month)
    return f"{year}-{(year + 1) % 100:02d} Q{(month.month - 4) % 12 // 3 + 1}"


def trend_start(period: Period, quarters: int = 8) -> datetime.date:
    """The first month of the quarters a trend shows: the period's, and as many before it as
    make ``quarters`` where the period has fewer."""
    last_quarter = period.quarters[-1].first
    return min(period.quarters[0].first, add_months(last_quarter, -3 * (quarters - 1)))


def trend_quarters(period: Period) -> list[Period]:
    """The quarters a trend shows, in order (``trend_start``)."""
    return Period.months(trend_start(period), period.last).quarters
