"""Seed the learning themes: an editable taxonomy (retire a theme, never delete it)."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

THEMES = [
    "Neglect",
    "Physical abuse",
    "Sexual abuse",
    "Emotional abuse",
    "Domestic abuse",
    "Parental mental health",
    "Parental substance misuse",
    "Information sharing",
    "Multi-agency working",
    "Professional curiosity",
    "Voice of the child",
    "Risk assessment",
    "Child sexual exploitation",
    "Online harm",
    "Safe sleeping",
    "Disability",
    "Adolescents and transitions",
    "Supervision and management oversight",
    "Escalation and professional challenge",
    "Hidden men and fathers",
]


def seed(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    LearningTheme = apps.get_model("reviews", "LearningTheme")
    for name in THEMES:
        LearningTheme.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("reviews", "0002_workspace")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
