"""Seed the six Local Safeguarding Panels, the SBNI member agencies and the SBNI-wide roles.

All three are editable reference data afterwards (the admin site); this only gives a start.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

PANELS = [
    ("BEL", "Belfast Local Safeguarding Panel", "Belfast Health and Social Care Trust"),
    ("NOR", "Northern Local Safeguarding Panel", "Northern Health and Social Care Trust"),
    ("SET", "South Eastern Local Safeguarding Panel", "South Eastern Health and Social Care Trust"),
    ("STH", "Southern Local Safeguarding Panel", "Southern Health and Social Care Trust"),
    ("WST", "Western Local Safeguarding Panel", "Western Health and Social Care Trust"),
    (
        "NIAS",
        "Northern Ireland Ambulance Service Local Safeguarding Panel",
        "Northern Ireland Ambulance Service Health and Social Care Trust",
    ),
]

AGENCIES = [
    ("Belfast Health and Social Care Trust", "Belfast Trust", "hsc"),
    ("Northern Health and Social Care Trust", "Northern Trust", "hsc"),
    ("South Eastern Health and Social Care Trust", "South Eastern Trust", "hsc"),
    ("Southern Health and Social Care Trust", "Southern Trust", "hsc"),
    ("Western Health and Social Care Trust", "Western Trust", "hsc"),
    ("Northern Ireland Ambulance Service", "NIAS", "hsc"),
    ("Public Health Agency", "PHA", "hsc"),
    ("Department of Health", "DoH", "government"),
    ("Police Service of Northern Ireland", "PSNI", "police"),
    ("Probation Board for Northern Ireland", "PBNI", "probation"),
    ("Youth Justice Agency", "YJA", "youth_justice"),
    ("Education Authority", "EA", "education"),
    ("District councils", "Councils", "council"),
    ("NSPCC", "NSPCC", "voluntary"),
    ("Barnardo's Northern Ireland", "Barnardo's", "voluntary"),
    ("Action for Children", "Action for Children", "voluntary"),
]

ROLES = [
    "SBNI officer",
    "CMR Panel member",
    "CMR Panel chair",
    "SBNI Chair",
    "System administrator",
]


def seed(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Panel = apps.get_model("panels", "Panel")
    Agency = apps.get_model("panels", "Agency")
    Group = apps.get_model("auth", "Group")
    for code, name, trust in PANELS:
        Panel.objects.get_or_create(code=code, defaults={"name": name, "trust": trust})
    for name, short_name, kind in AGENCIES:
        Agency.objects.get_or_create(name=name, defaults={"short_name": short_name, "kind": kind})
    for role in ROLES:
        Group.objects.get_or_create(name=role)


class Migration(migrations.Migration):
    dependencies = [
        ("panels", "0002_panels_agencies_memberships"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
