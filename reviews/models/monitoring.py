"""The SBNI's monitoring figures (issue 20), worked out from every case by
``reviews.monitoring.refresh`` and read by the monitoring page.

A ``Fact`` is one thing counted about one record: a step done and how long it took, a step
overdue now, a referral or review open now and its age, a decision's outcome, an action's state,
an action verified and how long it took, a theme of a review. ``Tally`` counts the facts by
everything the page filters on (month, panel, route) and by value, so that a page reads the
tallies, never the facts: a median or a percentile of whole working days comes exactly from the
count of each value. A refresh replaces both whole in one transaction (``Refresh``), so that a
page reads one refresh's figures throughout; the facts remain for the list of records behind a
figure.
"""

import uuid

from django.db import models
from django.db.models import Q

from cmr_portal.kernel.documents.models import Document
from panels.models import Agency, Panel, User
from referrals.models import Referral
from reviews.models.core import Action, BackgroundExport, Review


class Figure(models.TextChoices):
    """What a fact counts; ``key``, ``value`` and ``month`` mean, for each:"""

    # key: the step; value: the working days it took, pauses excluded; month: when it was done;
    # within: done by its due date.
    STEP = "step", "Steps done"
    # key: the step running; value: working days past its due date; month: none (now).
    OVERDUE = "overdue", "Steps overdue now"
    # key: the referral's status; value: its age in working days since it was sent; month: none.
    REFERRAL_OPEN = "referral_open", "Referrals in progress"
    # key: the review's stage; value: its age in working days since it opened; month: none.
    REVIEW_OPEN = "review_open", "Reviews in progress"
    # key: the decision's outcome (or the learning route chosen instead of a CMR, or withdrawn);
    # month: when it was decided or withdrawn.
    OUTCOME = "outcome", "Outcomes of referrals"
    # key: the action's state (overdue worked out from its due date); agency: whose; month: when
    # it is due.
    ACTION = "action", "Actions"
    # agency: whose; value: working days from the review's approval to the action's
    # verification; month: when it was verified.
    VERIFIED = "verified", "Actions verified"
    # key: the theme; month: when the review opened. THEME_PAIR: key "a+b" for two themes of the
    # same review (a before b).
    THEME = "theme", "Learning themes"
    THEME_PAIR = "theme_pair", "Learning themes together"


class CaseRoute(models.TextChoices):
    """What the referral's decision was, as the page filters by it."""

    CMR_17_2 = "cmr_17_2", "CMR, route 17(2)"
    CMR_17_3 = "cmr_17_3", "CMR, route 17(3)"
    NO_CMR = "no_cmr", "No CMR"
    UNDECIDED = "undecided", "Not decided yet"


class Fact(models.Model):
    """One thing counted about one record (see ``Figure``), with what the list of records behind
    a figure shows: the record, and the step's start, due date and end where it has them."""

    figure = models.CharField(max_length=20, choices=Figure.choices)
    key = models.CharField(max_length=60)
    label = models.CharField(max_length=300)
    # The day that places the fact in a period (a step's end, a decision's day, an action's due
    # date, a review's opening), and its month; none for the facts of now.
    day = models.DateField(null=True, blank=True)
    month = models.DateField(null=True, blank=True)
    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="+")
    route = models.CharField(max_length=20, choices=CaseRoute.choices)
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, null=True, related_name="+")
    value = models.IntegerField(null=True)
    within = models.BooleanField(null=True)
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="+")
    review = models.ForeignKey(Review, on_delete=models.CASCADE, null=True, related_name="+")
    action = models.ForeignKey(Action, on_delete=models.CASCADE, null=True, related_name="+")
    started_on = models.DateField(null=True)
    due_on = models.DateField(null=True)
    done_on = models.DateField(null=True)

    class Meta:
        indexes = [
            # The records behind a figure, a page at a time, in the order of their day.
            models.Index(fields=["figure", "key", "day"], name="fact_figure"),
            models.Index(fields=["panel", "figure", "key", "day"], name="fact_panel_figure"),
        ]

    def __str__(self) -> str:
        return f"{self.get_figure_display()}: {self.label}"


class Tally(models.Model):
    """How many facts share a figure, key, month, panel, route, agency and value; ``within``:
    how many of them were done within their timescale."""

    figure = models.CharField(max_length=20, choices=Figure.choices)
    key = models.CharField(max_length=60)
    label = models.CharField(max_length=300)
    month = models.DateField(null=True)
    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="+")
    route = models.CharField(max_length=20, choices=CaseRoute.choices)
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, null=True, related_name="+")
    agency_name = models.CharField(max_length=200, blank=True)
    value = models.IntegerField(null=True)
    count = models.PositiveIntegerField()
    within = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["month", "panel"], name="tally_month_panel")]

    def __str__(self) -> str:
        return f"{self.get_figure_display()}: {self.label} ({self.count})"


class Summary(models.Model):
    """The figures of one period (``code``: a financial year or quarter, ``reviews.monitoring.
    periods``) or the standing figures (``code`` "standing") for one scope: one panel or every
    panel (``panel`` None), one route or every route (``route`` ""), as JSON
    (``reviews.monitoring.figures.Figures``)."""

    code = models.CharField(max_length=20)
    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, null=True, related_name="+")
    route = models.CharField(max_length=20, blank=True, choices=CaseRoute.choices)
    data = models.JSONField()

    class Meta:
        indexes = [models.Index(fields=["code", "panel", "route"], name="summary_scope")]

    def __str__(self) -> str:
        return f"Figures of {self.code}"


class Refresh(models.Model):
    """One working out of the figures: when it began and ended, as of which day, how many facts
    and how long it took (seconds). The page shows the latest finished one's time."""

    # Names this refresh's figures wherever they are kept (the page's cache).
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True)
    as_of = models.DateField()
    # The month of the earliest fact: the first financial year the page offers.
    first_month = models.DateField(null=True)
    facts = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(null=True)
    requested_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        indexes = [
            models.Index(
                fields=["-finished_at"],
                condition=Q(finished_at__isnull=False),
                name="refresh_finished",
            )
        ]

    def __str__(self) -> str:
        return f"Figures as of {self.as_of:%d %B %Y}"


class ChartDrawing(models.Model):
    """A chart drawn as SVG, kept under the SHA-256 of its specification (which holds its
    figures): the same figures are drawn once, whichever page or PDF shows them."""

    digest = models.CharField(max_length=64, unique=True)
    svg = models.TextField()
    drawn_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Chart {self.digest[:12]}"


class FiguresExport(BackgroundExport):
    """The figures of a financial year (``year``: 2025 for April 2025 to March 2026) for one
    panel or every panel (``panel`` None), as the refresh ``refresh`` worked them out, made
    safe to leave the portal (``reviews.monitoring.disclosure``) as a PDF and an XLSX by a
    worker. Kept under the hash of what they show, their scope and the refresh: the same
    figures asked for again are not made again."""

    year = models.PositiveSmallIntegerField()
    panel = models.ForeignKey(
        Panel, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    refresh = models.ForeignKey(Refresh, on_delete=models.CASCADE, related_name="+")
    pdf = models.ForeignKey(
        Document, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    xlsx = models.ForeignKey(
        Document, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta(BackgroundExport.Meta):
        constraints = [
            models.UniqueConstraint(fields=["content_hash"], name="one_figures_export_per_content")
        ]

    def __str__(self) -> str:
        return f"Figures of {self.year} to {self.year + 1} ({self.get_status_display()})"
