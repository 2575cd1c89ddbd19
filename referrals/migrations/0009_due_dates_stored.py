"""The due date of the step running on each referral in the SBNI's hands, stored on the referral
(docs/decisions/0016), with the index that finds what is overdue or due.

The dates are worked out by the rule the portal uses, ``referrals.deadlines.Clock.due``, from the
records read here through the historical models: a few queries for every referral in hand. If
that rule moves, this migration must follow it.
"""

import datetime
from collections import defaultdict

from django.conf import settings
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps
from django.db.models import Max

from referrals.deadlines import IN_HAND, Clock, day


def fill_due_dates(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Referral = apps.get_model("referrals", "Referral")
    InformationRequest = apps.get_model("referrals", "InformationRequest")
    Recommendation = apps.get_model("referrals", "Recommendation")
    Decision = apps.get_model("referrals", "Decision")
    Timescale = apps.get_model("referrals", "Timescale")
    targets = {timescale.step: timescale for timescale in Timescale.objects.all()}
    in_hand = Referral.objects.filter(status__in=IN_HAND)
    recommended = dict(
        Recommendation.objects.filter(item__referral__in=in_hand)
        .values("item__referral")
        .annotate(latest=Max("recorded_at"))
        .values_list("item__referral", "latest")
    )
    sent_back = dict(
        Decision.objects.filter(referral__in=in_hand, outcome="more_information")
        .values("referral")
        .annotate(latest=Max("decided_at"))
        .values_list("referral", "latest")
    )
    questions = InformationRequest.objects.filter(referral__in=in_hand)
    question_due = dict(
        questions.filter(answered_at__isnull=True).values_list("referral", "due_date")
    )
    answered: dict[int, list[tuple[datetime.date, datetime.date]]] = defaultdict(list)
    for referral_id, asked_at, answered_at in questions.filter(
        answered_at__isnull=False
    ).values_list("referral", "asked_at", "answered_at"):
        answered[referral_id].append((day(asked_at), day(answered_at)))
    filled = []
    for referral in in_hand.only("status", "acknowledged_at", "submitted_at"):
        clock = Clock(
            status=referral.status,
            acknowledged=referral.acknowledged_at is not None,
            sent=day(referral.submitted_at),
            recommended=day(recommended.get(referral.pk)),
            sent_back=day(sent_back.get(referral.pk)),
            question_due=question_due.get(referral.pk),
            answered=tuple(answered[referral.pk]),
        )
        referral.due_on = clock.due(targets)
        filled.append(referral)
    Referral.objects.bulk_update(filled, ["due_on"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("panels", "0004_email_choice"),
        ("referrals", "0008_departure_from_indicator"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="referral",
            name="due_on",
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(fill_due_dates, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(
                condition=models.Q(("due_on__isnull", False)),
                fields=["submitted_at", "id", "due_on"],
                name="referral_due_oldest_first",
            ),
        ),
    ]
