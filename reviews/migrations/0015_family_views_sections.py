"""Every review opened before the family's views were a section of the findings gets the
section, empty, as a review opened now does (reviews.services.open_review)."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


def add_family_views(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Review = apps.get_model("reviews", "Review")
    FindingSection = apps.get_model("reviews", "FindingSection")
    missing = Review.objects.exclude(sections__key="family_views").values_list("pk", flat=True)
    FindingSection.objects.bulk_create(
        (FindingSection(review_id=pk, key="family_views") for pk in missing.iterator()),
        batch_size=5000,
    )


def remove_empty_family_views(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    FindingSection = apps.get_model("reviews", "FindingSection")
    FindingSection.objects.filter(key="family_views", version=0).delete()


class Migration(migrations.Migration):
    dependencies = [("reviews", "0014_family")]

    operations = [migrations.RunPython(add_family_views, remove_empty_family_views)]
