"""Seed the other learning routes (names unconfirmed, editable in the admin site) and pause the
CMR Panel's and the SBNI Chair's clocks while the panel is answering a question."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

LEARNING_ROUTES = ["Single-agency review", "Learning event", "Thematic review"]
PAUSED_STEPS = ["cmr_panel", "chair_decision"]


def seed(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    LearningRoute = apps.get_model("referrals", "LearningRoute")
    for name in LEARNING_ROUTES:
        LearningRoute.objects.get_or_create(name=name)
    Timescale = apps.get_model("referrals", "Timescale")
    Timescale.objects.filter(step__in=PAUSED_STEPS).update(pauses_while_waiting=True)


class Migration(migrations.Migration):
    dependencies = [("referrals", "0003_cmr_panel_and_decisions")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
