"""Placeholder timescales for a review's own steps (no SBNI timescale is confirmed): terms of
reference agreed within 20 working days of opening, the draft report submitted within 130."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

PLACEHOLDERS = {"terms_of_reference": 20, "draft_report": 130}


def seed(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Timescale = apps.get_model("referrals", "Timescale")
    for step, days in PLACEHOLDERS.items():
        Timescale.objects.get_or_create(
            step=step, defaults={"working_days": days, "is_placeholder": True}
        )


class Migration(migrations.Migration):
    dependencies = [("referrals", "0004_learning_routes_and_paused_clocks")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
