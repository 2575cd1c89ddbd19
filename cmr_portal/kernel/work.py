"""The shape of a person's work on the home page: lists of tasks, each with its due date.

The domain apps build the lists from their records' state (``referrals.work``, ``reviews.work``),
never from notifications, so that work already done is never shown as to do. Due dates come from
the apps' own deadlines; this module only counts the working days left.
"""

import datetime
from dataclasses import dataclass, field

from cmr_portal.kernel.words import counted
from cmr_portal.kernel.working_days import working_days_between

# Each list shows its most urgent tasks; the rest are on the page it links to.
SHOWN = 10


def due_in_words(due: datetime.date | None, today: datetime.date) -> str:
    """A due date in words: "Due today", "3 working days left", "1 working day overdue"; empty
    when there is no date."""
    if due is None:
        return ""
    if due == today:
        return "Due today"
    left = working_days_between(today, due)
    if due < today:
        late = max(1, -left)  # a date on a weekend is one working day late at least
        return f"{counted(late, 'working day')} overdue"
    return f"{counted(left, 'working day')} left"


@dataclass(frozen=True)
class Task:
    """One thing to do: a link to where it is done, what it is about, and when it is due.

    ``due`` is a date from the app's deadlines (None where no deadline applies); ``since`` orders
    undated tasks, oldest first.
    """

    title: str
    url: str
    detail: str
    today: datetime.date
    due: datetime.date | None = None
    since: datetime.date | None = None

    @property
    def working_days_left(self) -> int | None:
        """Working days from today to the due date: negative when overdue, None undated."""
        return None if self.due is None else working_days_between(self.today, self.due)

    @property
    def is_overdue(self) -> bool:
        return self.due is not None and self.due < self.today

    @property
    def when(self) -> str:
        """The due date in words (``due_in_words``)."""
        return due_in_words(self.due, self.today)

    def urgency(self) -> tuple[int, datetime.date, str]:
        """Dated tasks first, soonest due first; then undated ones, oldest first."""
        if self.due is not None:
            return (0, self.due, self.title)
        return (1, self.since or self.today, self.title)


@dataclass
class WorkList:
    """A heading and its tasks, most urgent first, at most ``SHOWN`` of them.

    ``key`` names the list so that a person holding two roles that share it sees it once;
    ``more_url`` is the page with all of them, offered when more than ``SHOWN`` are waiting;
    ``newest_first`` orders a list of news (decisions received) by ``since``, newest first.
    """

    key: str
    heading: str
    tasks: list[Task] = field(default_factory=list)
    more_url: str = ""
    more_label: str = ""
    newest_first: bool = False

    def __post_init__(self) -> None:
        if self.newest_first:
            ordered = sorted(self.tasks, key=lambda task: task.since or task.today, reverse=True)
        else:
            ordered = sorted(self.tasks, key=Task.urgency)
        self.has_more = len(ordered) > SHOWN
        self.tasks = ordered[:SHOWN]


def merged(*groups: list[WorkList]) -> list[WorkList]:
    """The lists of each role in the order given, each list once however many roles share it."""
    seen: set[str] = set()
    lists: list[WorkList] = []
    for group in groups:
        for work in group:
            if work.key not in seen:
                seen.add(work.key)
                lists.append(work)
    return lists
