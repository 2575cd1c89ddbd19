"""The targets of a review's own steps now live in the reviews app (``reviews.ReviewTimescale``,
migration reviews 0016, which copied their values first): their rows leave the referrals'
timescales."""

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

MOVED_STEPS = ["terms_of_reference", "draft_report"]


def remove_moved_steps(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("referrals", "Timescale").objects.filter(step__in=MOVED_STEPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0012_proceedings"),
        ("reviews", "0016_review_timescale"),
    ]

    operations = [
        migrations.RunPython(remove_moved_steps, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="timescale",
            name="step",
            field=models.CharField(
                choices=[
                    ("acknowledge", "Acknowledge receipt"),
                    ("cmr_panel", "CMR Panel recommendation"),
                    ("chair_decision", "SBNI Chair's decision"),
                    ("information_answer", "Panel's answer to a request for information"),
                ],
                max_length=30,
                unique=True,
            ),
        ),
    ]
