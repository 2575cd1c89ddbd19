"""The audit trail as people read it: each change with the field's label and its value before and
after, views kept apart, and who has viewed a record, one line per person per day.

The kernel knows no domain app: each app says which fields a change may name and with what label
(``described``), from its forms or its models' verbose names.
"""

import dataclasses
import datetime
import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page
from django.db import models
from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format

from cmr_portal.kernel.audit.models import AuditEvent
from cmr_portal.kernel.pagination import ForwardPage, counted_page

# An action whose name ends so records that someone looked, not that something changed:
# "referral.viewed", "referral.history_viewed", "review.viewed".
VIEWED = "viewed"
NOT_GIVEN = "Not given"


@dataclass(frozen=True)
class Described:
    """A field a change may name: the label the form shows, and the model field that says how
    its values read (a date, a choice, yes or no, a long text)."""

    label: str
    field: models.Field[Any, Any]


@dataclass(frozen=True)
class Change:
    """One field's change, as words. ``number`` counts the changes of a long text on its record
    (1 for the first), for the link to their line-by-line comparison; 0 when shown in full."""

    key: str
    label: str
    before: str
    after: str
    number: int = 0


@dataclass(frozen=True)
class Entry:
    """An audit event with its changes that people can read (none for an event that names no
    described field)."""

    event: AuditEvent
    changes: list[Change]


def described(
    model: type[models.Model],
    labels: Mapping[str, Any] | None = None,
    *,
    extra: Mapping[str, models.Field[Any, Any]] | None = None,
) -> dict[str, Described]:
    """Every concrete field of ``model`` (and ``extra`` fields under their own keys), labelled by
    ``labels`` where given (a form's labels, see ``form_labels``), else by the verbose name with a
    capital letter."""
    fields: dict[str, models.Field[Any, Any]] = {
        field.name: field
        for field in model._meta.get_fields()
        if isinstance(field, models.Field) and field.concrete
    }
    fields.update(extra or {})
    labels = labels or {}
    return {
        key: Described(str(labels.get(key) or str(field.verbose_name).capitalize()), field)
        for key, field in fields.items()
    }


def form_labels(*form_classes: Any) -> dict[str, str]:
    """The labels of the fields of Django form classes, by field name (later forms win)."""
    return {
        name: str(field.label)
        for form_class in form_classes
        for name, field in form_class.base_fields.items()
        if field.label
    }


def shown(field: models.Field[Any, Any], value: Any) -> str:
    """A value as the audit event stored it (JSON), as a person reads it: a date as
    "3 March 2026", a choice by its label, a boolean as Yes or No, anything empty as "Not given".
    A related record was stored by its name already."""
    if value is None or value == "" or value == []:
        return NOT_GIVEN
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        moment = parse_datetime(value)
        if moment is not None:
            return date_format(timezone.localtime(moment), "j F Y, H:i")
    if isinstance(field, models.DateField) and isinstance(value, str):
        day = parse_date(value)
        if day is not None:
            return date_format(day, "j F Y")
    if isinstance(value, list):
        return ", ".join(str(each) for each in value)
    return str(value)


def is_long(field: models.Field[Any, Any]) -> bool:
    """A text of paragraphs, compared line by line rather than printed twice."""
    return isinstance(field, models.TextField) and not field.choices


def pair(value: Any) -> tuple[Any, Any]:
    """(before, after) from a change as stored: a [before, after] pair, or the value set."""
    if isinstance(value, list) and len(value) == 2:
        return value[0], value[1]
    return None, value


def of(target: models.Model) -> QuerySet[AuditEvent]:
    """Every audit event about ``target``, newest first, with its actor."""
    return AuditEvent.objects.filter(
        target_type=target._meta.label_lower, target_id=str(target.pk)
    ).select_related("actor")


def changes_of(events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
    """The events that are not views."""
    return events.exclude(action__endswith=VIEWED)


def views_of(events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
    """The events that are views."""
    return events.filter(action__endswith=VIEWED)


FieldsFor = Callable[[str], Mapping[str, Described]]


def compared(fields: Mapping[str, Described], key: str, value: Any) -> bool:
    """Whether a change of ``key`` is shown as a comparison: a long text that had a value before
    (a text set for the first time is shown in full)."""
    return key in fields and is_long(fields[key].field) and bool(pair(value)[0])


def history_page(
    events: QuerySet[AuditEvent],
    fields_for: FieldsFor,
    page_number: str | None,
    *,
    per_page: int = 50,
) -> tuple[Page[AuditEvent] | ForwardPage, list[Entry]]:
    """A page of ``events`` (views left out), each with its changes as words, the fields an
    event may name given by ``fields_for(event.action)``: a constant number of queries whatever
    the page holds (the page, its count up to the cap of ``counted_page``, one per long text it
    changes)."""
    changes = changes_of(events)
    page = counted_page(changes, page_number, per_page)
    long_keys = {
        key
        for event in page
        for key, value in event.changes.items()
        if compared(fields_for(event.action), key, value)
    }
    # Each long text's changes numbered from 1, for the links to their comparisons.
    numbers = {
        (pk, key): number
        for key in sorted(long_keys)
        for number, pk in enumerate(compared_changes(changes, key, fields_for), start=1)
    }
    entries = []
    for event in page:
        fields = fields_for(event.action)
        rows = []
        for key, value in event.changes.items():
            if key not in fields:
                continue  # technical detail (a document's id, a size): the summary says it
            before, after = pair(value)
            field = fields[key].field
            number = numbers.get((event.pk, key), 0) if compared(fields, key, value) else 0
            rows.append(
                Change(key, fields[key].label, shown(field, before), shown(field, after), number)
            )
        entries.append(Entry(event, rows))
    return page, entries


@dataclass(frozen=True)
class Comparison:
    """One change of a long text: who made it, when, and its lines compared."""

    event: AuditEvent
    label: str
    number: int
    count: int
    lines: list[tuple[str, str]]


def compared_changes(events: QuerySet[AuditEvent], key: str, fields_for: FieldsFor) -> list[int]:
    """The ids of the events among ``events`` whose change of ``key`` is shown as a comparison,
    in the order they happened: one query, reading only that key of each change."""
    rows = (
        changes_of(events)
        .filter(changes__has_key=key)
        .order_by("created_at", "id")
        .values_list("pk", "action", f"changes__{key}")
    )
    return [pk for pk, action, value in rows if compared(fields_for(action), key, value)]


def comparison(
    events: QuerySet[AuditEvent], key: str, number: int, fields_for: FieldsFor
) -> Comparison | None:
    """The ``number``-th comparable change (from 1) of the long text ``key`` among ``events``,
    line by line; ``None`` when there is no such change."""
    ordered = compared_changes(events, key, fields_for)
    if not 1 <= number <= len(ordered):
        return None
    event = events.get(pk=ordered[number - 1])
    before, after = pair(event.changes[key])
    lines = differences(str(before or ""), str(after or ""))
    label = fields_for(event.action)[key].label
    return Comparison(event, label, number, len(ordered), lines)


def differences(before: str, after: str) -> list[tuple[str, str]]:
    """Line by line: ("added" | "removed" | "same", line)."""
    kinds = {"+ ": "added", "- ": "removed", "  ": "same"}
    return [
        (kinds[line[:2]], line[2:])
        for line in difflib.ndiff(before.splitlines(), after.splitlines())
        if line[:2] in kinds
    ]


@dataclass(frozen=True)
class Viewing:
    """Someone's views of a record on one day: ``count`` pages or exports seen."""

    day: datetime.date
    person: str
    count: int


def viewings(events: QuerySet[AuditEvent], page_number: str | None) -> Page[Viewing] | ForwardPage:
    """Who has viewed, one line per person per day (Northern Ireland's day), newest day first
    then by name, 50 lines a page: two queries (the lines counted up to the cap of
    ``counted_page``, then the page)."""
    rows = (
        views_of(events)
        .order_by()
        .annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .values("day", "actor__full_name")
        .annotate(count=Count("id"))
        .order_by("-day", "actor__full_name")
    )
    page = counted_page(rows, page_number, 50)
    lines = [
        Viewing(row["day"], row["actor__full_name"] or "The system", row["count"]) for row in page
    ]
    if isinstance(page, ForwardPage):
        return dataclasses.replace(page, object_list=lines)
    # The paginator counts the rows the lines are made of.
    return Page(lines, page.number, page.paginator)
