"""Reminders of deadlines: one notion of a deadline across the apps, and the sweep that reminds.

A domain app registers a source of its deadlines with ``deadline_source``: a function that gives
every open deadline due on or before a date, found through an index, so that a sweep costs what
is due and not what is open. Deadlines are derived from the records, never copied into them.

Each reminder (deadline, stage, recipient) is a row with a unique constraint, inserted with
``ON CONFLICT DO NOTHING``: only the sweep whose insert wins sends it, so two beat processes,
retries or a worker killed half way never send a reminder twice, and a lost sweep is made good by
the next one.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.functional import Promise

from cmr_portal.kernel.notifications.models import Reminder
from cmr_portal.kernel.notifications.services import int_array, notify_many
from cmr_portal.kernel.words import counted
from cmr_portal.kernel.working_days import add_working_days, working_days_between


@dataclass(frozen=True)
class Deadline:
    """A due date someone owns. ``key`` names the obligation for ever, such as
    ``referrals.acknowledge:42``; reminders carry ``reference`` and a link, never case details."""

    key: str
    reference: str
    what: str  # "acknowledge receipt of the referral": completes "... is due"
    due: datetime.date
    owners: tuple[int, ...]
    escalate_to: tuple[int, ...]
    url: str | Promise  # reverse_lazy: made only for the reminders that are sent

    @cached_property
    def link(self) -> str:
        """The url as text, made once however many people are reminded."""
        return str(self.url)


Source = Callable[[datetime.date], Iterable[Deadline]]
SOURCES: dict[str, Source] = {}


def deadline_source(name: str) -> Callable[[Source], Source]:
    """Register a function giving every open deadline due on or before a date."""

    def register(source: Source) -> Source:
        SOURCES[name] = source
        return source

    return register


@dataclass(frozen=True)
class Planned:
    deadline: Deadline
    stage: str
    recipients: tuple[int, ...]
    message: str


def stages(deadline: Deadline, today: datetime.date) -> list[Planned]:
    """The reminders a deadline calls for today: at most one to its owners (the latest stage
    reached), and the escalation once it is overdue past the threshold.

    The stages before the date name the date, so that a deadline moved later is reminded of
    again; the overdue ones and the escalation do not, so that they never repeat.
    """
    ref, what, due = deadline.reference, deadline.what, deadline.due
    planned: list[Planned] = []
    if due == today:
        planned.append(
            Planned(deadline, f"due@{due}", deadline.owners, f"{ref}: {what} is due today")
        )
    elif due > today:
        # A date on a weekend or holiday is 0 working days away the day before: remind as for 1.
        left = max(1, working_days_between(today, due))
        before = [days for days in settings.REMINDER_DAYS_BEFORE if left <= days]
        if before:
            planned.append(
                Planned(
                    deadline,
                    f"before-{min(before)}@{due}",
                    deadline.owners,
                    f"{ref}: {what} is due on {due:%-d %B %Y}",
                )
            )
    if due >= today:
        return planned
    # Past its date it is overdue, a weekend included: one working day late at least.
    late = max(1, working_days_between(deadline.due, today))
    week = (late - 1) // settings.REMINDER_OVERDUE_EVERY_DAYS
    planned.append(
        Planned(
            deadline,
            f"overdue-{week}",
            deadline.owners,
            f"{ref}: {what} was due on {deadline.due:%-d %B %Y} and is overdue",
        )
    )
    if late >= settings.REMINDER_ESCALATE_AFTER_DAYS and deadline.escalate_to:
        planned.append(
            Planned(
                deadline,
                "escalation",
                deadline.escalate_to,
                f"Escalated: {ref}: {what} is {counted(late, 'working day')} overdue",
            )
        )
    return planned


def claim(
    wanted: Iterable[tuple[str, str, Iterable[int]]],
) -> dict[tuple[str, str], list[int]]:
    """Insert the reminder rows of each (deadline's key, stage, recipients' pks); for each stage
    with rows this call inserted, their recipients (the others were sent already).

    One statement however many: a stage's recipients go as one array, unnested by PostgreSQL,
    rather than a row each from Python, and the rows sent already are left out with one index
    scan a stage before ``ON CONFLICT`` settles a race (the ORM can say neither an
    ``INSERT ... SELECT`` nor which rows ``ignore_conflicts`` inserted).
    """
    people: dict[tuple[str, str], set[int]] = defaultdict(set)
    for key, stage, recipients in wanted:
        people[key, stage].update(recipients)
    # One order for every sweep, so that concurrent ones never deadlock: the stages sorted, and
    # the recipients of each, inserted in the order given (a nested loop over the two unnests).
    planned = sorted((key, stage, sorted(pks)) for (key, stage), pks in people.items() if pks)
    if not planned:
        return {}
    if connection.vendor != "postgresql":
        return _claim_each(planned)
    table = connection.ops.quote_name(Reminder._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH claimed AS (INSERT INTO {table} (deadline, stage, recipient_id, created_at) "  # noqa: S608
            "SELECT planned.key, planned.stage, person.pk, %s "
            "FROM unnest(%s::text[], %s::text[], %s::text[]) AS planned(key, stage, recipients) "
            f"CROSS JOIN LATERAL (SELECT array_agg(recipient_id) AS pks FROM {table} "
            "WHERE deadline = planned.key AND stage = planned.stage) AS sent "
            "CROSS JOIN LATERAL unnest(planned.recipients::int[]) AS person(pk) "
            "WHERE person.pk <> ALL(coalesce(sent.pks, '{}')) "
            "ON CONFLICT (deadline, stage, recipient_id) DO NOTHING "
            "RETURNING deadline, stage, recipient_id) "
            "SELECT deadline, stage, array_agg(recipient_id ORDER BY recipient_id) "
            "FROM claimed GROUP BY deadline, stage",
            [
                timezone.now(),
                [key for key, _, _ in planned],
                [stage for _, stage, _ in planned],
                [int_array(pks) for _, _, pks in planned],
            ],
        )
        return {(key, stage): pks for key, stage, pks in sorted(cursor.fetchall())}


def _claim_each(planned: list[tuple[str, str, list[int]]]) -> dict[tuple[str, str], list[int]]:
    """``claim`` on a database without PostgreSQL's arrays (the SQLite of ``make run``, one
    worker): a query and an insert a stage, the rows sent already left out, the unique row still
    refusing a second. The same result as ``claim``'s statement, slower."""
    claimed: dict[tuple[str, str], list[int]] = {}
    for key, stage, pks in planned:
        sent = set(
            Reminder.objects.filter(deadline=key, stage=stage).values_list(
                "recipient_id", flat=True
            )
        )
        new = [pk for pk in pks if pk not in sent]
        Reminder.objects.bulk_create(
            (Reminder(deadline=key, stage=stage, recipient_id=pk) for pk in new),
            ignore_conflicts=True,
        )
        if new:
            claimed[key, stage] = new
    return claimed


@transaction.atomic
def sweep(today: datetime.date | None = None) -> int:
    """Queue every reminder due today that has not gone yet; the number queued.

    Their notifications are written in one statement and their emails are due at once, queued by
    ``delivery.queue_due_emails`` (``tasks.sweep`` calls it straight after).
    """
    today = today or timezone.localdate()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # The planner's estimates for the claim grow with the reminders sent; past its
            # thresholds PostgreSQL compiled the statement (JIT), 0.2 to 0.4 s at scale 1 for a
            # statement that runs in less, and the ORM has no word for the setting.
            cursor.execute("SET LOCAL jit = off")
    horizon = add_working_days(today, max(settings.REMINDER_DAYS_BEFORE, default=0))
    planned = {
        (deadline.key, plan.stage): plan
        for source in SOURCES.values()
        for deadline in source(horizon)
        for plan in stages(deadline, today)
    }
    sending = claim((key, stage, plan.recipients) for (key, stage), plan in planned.items())
    return notify_many(
        (planned[which].message, planned[which].deadline.link, recipients)
        for which, recipients in sending.items()
    )
