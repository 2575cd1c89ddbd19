"""A page of a list too long to count at national scale: Previous and Next, no number of pages.

Counting every row to say "page 1 of 54" can cost more than reading the page itself (at scale 1,
an agency's open actions: 20 ms to count, 2 ms to read 25 of them in order through an index), or
than the page is worth (the SBNI's overdue referrals, each checked in Python). The page reads one
row more than it shows, to know whether there is a next page.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.db.models import QuerySet

# Far beyond any list read a page at a time; a larger number in the address starts again.
MAX_PAGE = 10_000


@dataclass(frozen=True)
class ForwardPage:
    """What templates/includes/pagination.html needs of a page, without a paginator."""

    object_list: list[Any]
    number: int
    has_next: bool

    def __iter__(self) -> Iterator[Any]:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_previous() or self.has_next

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


def forward_page(
    rows: QuerySet[Any] | Iterable[Any], number: str | None, size: int = 25
) -> ForwardPage:
    """The page ``number`` (the first for anything that is not a whole number above 0): from a
    query set, one query with LIMIT and OFFSET; from any other iterable, read only as far as the
    page."""
    page = int(number) if number and number.isdigit() and 0 < int(number) <= MAX_PAGE else 1
    start = (page - 1) * size
    if isinstance(rows, QuerySet):
        read = list(rows[start : start + size + 1])
    else:
        read = list(islice(rows, start, start + size + 1))
    return ForwardPage(read[:size], page, len(read) > size)
