"""Starting timescales, marked as placeholders: no SBNI timescale could be confirmed.

For comparison only, England asks for notification within 5 working days and a rapid review
within 15. SBNI administrators change these in the admin site.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

PLACEHOLDERS = {
    "acknowledge": 2,
    "cmr_panel": 30,
    "chair_decision": 10,
    "information_answer": 10,
}


def seed(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Timescale = apps.get_model("referrals", "Timescale")
    for step, days in PLACEHOLDERS.items():
        Timescale.objects.get_or_create(
            step=step, defaults={"working_days": days, "is_placeholder": True}
        )


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
