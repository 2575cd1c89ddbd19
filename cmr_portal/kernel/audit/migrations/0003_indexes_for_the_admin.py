"""Indexes for reading millions of audit events in the admin (issue 18): the trail in order and
by date, by target id, by action or kind. The index Django gave the actor alone goes (the one on
the actor and the time serves), and so do those on the time alone and on (target type, target
id), which the new ones replace.

On PostgreSQL the new indexes are built with CREATE INDEX CONCURRENTLY, so that the event every
page showing a case writes is not held up while millions of rows are indexed (5 to 10 s an index
at scale 1); hence a migration outside a transaction. The old ones are dropped after, each in a
moment."""

from typing import Any

import django.db.models.deletion
from django.conf import settings
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class AddIndexWhileWriting(AddIndexConcurrently):
    """CREATE INDEX CONCURRENTLY on PostgreSQL; a plain CREATE INDEX elsewhere (the demo's
    SQLite has no other kind)."""

    def database_forwards(self, app_label: str, schema_editor: Any, *states: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, *states)
        else:
            migrations.AddIndex.database_forwards(self, app_label, schema_editor, *states)

    def database_backwards(self, app_label: str, schema_editor: Any, *states: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, *states)
        else:
            migrations.AddIndex.database_backwards(self, app_label, schema_editor, *states)


# The name Django gave the actor's own index (the table, the column and a hash of both).
ACTOR_INDEX = "audit_auditevent_actor_id_270bb4b7"


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("audit", "0002_append_only_trigger"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        AddIndexWhileWriting(
            model_name="auditevent",
            index=models.Index(fields=["created_at", "id"], name="audit_event_created"),
        ),
        AddIndexWhileWriting(
            model_name="auditevent",
            index=models.Index(
                fields=["target_id", "target_type", "-created_at"], name="audit_event_target"
            ),
        ),
        AddIndexWhileWriting(
            model_name="auditevent",
            index=models.Index(
                fields=["action"], name="audit_event_action", opclasses=["varchar_pattern_ops"]
            ),
        ),
        migrations.RemoveIndex(model_name="auditevent", name="audit_audit_target__19f19a_idx"),
        migrations.AlterField(
            model_name="auditevent",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True),
        ),
        # Altering the field itself would drop and check again the foreign key over every row.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditevent",
                    name="actor",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        help_text="Empty for actions taken by the system itself.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{ACTOR_INDEX}"',
                    reverse_sql=f'CREATE INDEX "{ACTOR_INDEX}" ON "audit_auditevent" ("actor_id")',
                ),
            ],
        ),
    ]
