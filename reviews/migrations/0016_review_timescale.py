"""The review's own timescale (issue 19): a target for each step through to publication, pauses
of the clock and extensions, and the running step's due date stored on the review
(docs/decisions/0017).

The two targets the referrals app kept for reviews (terms of reference, draft report) move here
with their values; the three new steps start as placeholders. The due dates are worked out by the
rule the portal uses (``reviews.clock``) from the records read through the historical models;
if that rule moves, this migration must follow it.
"""

import uuid

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps
from django.db.models import Prefetch

from reviews import clock

# Placeholders: no SBNI timescale for these steps is confirmed (is_placeholder stays true).
NEW_STEPS = {
    "panel_approval": (20, "working_days"),
    "chair_approval": (20, "working_days"),
    "publication": (3, "months"),
}
MOVED_STEPS = ["terms_of_reference", "draft_report"]


def move_and_seed_timescales(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    ReviewTimescale = apps.get_model("reviews", "ReviewTimescale")
    Timescale = apps.get_model("referrals", "Timescale")
    kept = {
        timescale.step: timescale for timescale in Timescale.objects.filter(step__in=MOVED_STEPS)
    }
    for step in MOVED_STEPS:
        old = kept.get(step)
        ReviewTimescale.objects.create(
            step=step,
            length=old.working_days
            if old
            else {"terms_of_reference": 20, "draft_report": 130}[step],
            unit="working_days",
            is_placeholder=old.is_placeholder if old else True,
        )
    for step, (length, unit) in NEW_STEPS.items():
        ReviewTimescale.objects.create(step=step, length=length, unit=unit, is_placeholder=True)


def fill_due_dates(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Review = apps.get_model("reviews", "Review")
    ReviewTimescale = apps.get_model("reviews", "ReviewTimescale")
    TermsOfReference = apps.get_model("reviews", "TermsOfReference")
    StageChange = apps.get_model("reviews", "StageChange")
    Extension = apps.get_model("reviews", "Extension")
    ClockPause = apps.get_model("reviews", "ClockPause")
    targets = {timescale.step: timescale for timescale in ReviewTimescale.objects.all()}
    reviews = (
        Review.objects.filter(status="open")
        .only("stage", "opened_at")
        .prefetch_related(
            "sign_off",
            Prefetch(
                "terms",
                TermsOfReference.objects.filter(agreed_on__isnull=False),
                to_attr="agreed_terms",
            ),
            Prefetch(
                "stage_changes",
                StageChange.objects.order_by("at", "id"),
                to_attr="changes_in_order",
            ),
            # No pause or extension exists yet: the models are made by this migration.
            Prefetch("pauses", ClockPause.objects.none(), to_attr="pauses_in_order"),
            Prefetch("extensions", Extension.objects.none(), to_attr="extensions_in_order"),
        )
    )
    filled = []
    for review in reviews.iterator(chunk_size=2000):
        current = clock.running(review, clock.timeline(review, targets))
        if current is not None:
            review.due_step, review.due_on = current.step, current.due
            filled.append(review)
        if len(filled) >= 2000:
            Review.objects.bulk_update(filled, ["due_step", "due_on"])
            filled = []
    Review.objects.bulk_update(filled, ["due_step", "due_on"])


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0010_current_decisions_newest"),
        ("reviews", "0015_family_views_sections"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ClockPause",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("uuid", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ("reason", models.TextField(max_length=1000)),
                ("started_on", models.DateField()),
                ("ended_on", models.DateField(blank=True, null=True)),
            ],
            options={
                "ordering": ["started_on", "id"],
            },
        ),
        migrations.CreateModel(
            name="Extension",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("uuid", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                (
                    "step",
                    models.CharField(
                        choices=[
                            ("terms_of_reference", "Terms of reference agreed"),
                            ("draft_report", "Draft report submitted to the CMR Panel chair"),
                            ("panel_approval", "Draft report approved by the CMR Panel chair"),
                            ("chair_approval", "Report approved by the SBNI Chair"),
                            ("publication", "Publication version signed off"),
                        ],
                        max_length=30,
                    ),
                ),
                (
                    "due_before",
                    models.DateField(help_text="The step's due date when the extension was asked"),
                ),
                ("new_due", models.DateField(verbose_name="new due date")),
                ("reason", models.TextField(max_length=2000)),
                ("requested_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("requested", "Waiting for a decision"),
                            ("approved", "Approved"),
                            ("refused", "Refused"),
                        ],
                        default="requested",
                        max_length=10,
                    ),
                ),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                ("decision_reason", models.TextField(blank=True, max_length=2000)),
            ],
            options={
                "ordering": ["requested_at", "id"],
            },
        ),
        migrations.CreateModel(
            name="ReviewTimescale",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "step",
                    models.CharField(
                        choices=[
                            ("terms_of_reference", "Terms of reference agreed"),
                            ("draft_report", "Draft report submitted to the CMR Panel chair"),
                            ("panel_approval", "Draft report approved by the CMR Panel chair"),
                            ("chair_approval", "Report approved by the SBNI Chair"),
                            ("publication", "Publication version signed off"),
                        ],
                        max_length=30,
                        unique=True,
                    ),
                ),
                (
                    "length",
                    models.PositiveSmallIntegerField(
                        validators=[django.core.validators.MinValueValidator(1)]
                    ),
                ),
                (
                    "unit",
                    models.CharField(
                        choices=[("working_days", "working days"), ("months", "months")],
                        default="working_days",
                        max_length=12,
                    ),
                ),
                (
                    "is_placeholder",
                    models.BooleanField(
                        default=True,
                        help_text="Still the starting value: no SBNI timescale is confirmed.",
                    ),
                ),
            ],
            options={
                "ordering": ["id"],
            },
        ),
        migrations.AddField(
            model_name="review",
            name="due_on",
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="review",
            name="due_step",
            field=models.CharField(blank=True, editable=False, max_length=30),
        ),
        migrations.AddIndex(
            model_name="review",
            index=models.Index(
                condition=models.Q(("due_on__isnull", False)),
                fields=["due_on"],
                name="review_due_on",
            ),
        ),
        migrations.AddField(
            model_name="clockpause",
            name="ended_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="clockpause",
            name="review",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="pauses",
                to="reviews.review",
            ),
        ),
        migrations.AddField(
            model_name="clockpause",
            name="started_by",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="extension",
            name="decided_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="extension",
            name="requested_by",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="extension",
            name="review",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="extensions",
                to="reviews.review",
            ),
        ),
        migrations.AddConstraint(
            model_name="clockpause",
            constraint=models.UniqueConstraint(
                condition=models.Q(("ended_on__isnull", True)),
                fields=("review",),
                name="one_open_pause",
            ),
        ),
        migrations.AddConstraint(
            model_name="clockpause",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("ended_on__isnull", True),
                    ("ended_on__gte", models.F("started_on")),
                    _connector="OR",
                ),
                name="pause_ends_after_it_starts",
            ),
        ),
        migrations.AddConstraint(
            model_name="extension",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "requested")),
                fields=("review",),
                name="one_extension_asked",
            ),
        ),
        migrations.AddConstraint(
            model_name="extension",
            constraint=models.CheckConstraint(
                condition=models.Q(("new_due__gt", models.F("due_before"))),
                name="extension_moves_later",
            ),
        ),
        migrations.RunPython(move_and_seed_timescales, migrations.RunPython.noop),
        migrations.RunPython(fill_due_dates, migrations.RunPython.noop),
    ]
