import uuid

from django.conf import settings
from django.db import models


def storage_name(document: "Document", filename: str) -> str:
    """A random name: nothing of the original name, which may identify a child, is stored."""
    return f"documents/{document.uuid.hex}.{document.extension}"


class Document(models.Model):
    """One uploaded file. Domain apps link to it and decide who may download it."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    file = models.FileField(upload_to=storage_name, max_length=200)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    extension = models.CharField(max_length=10)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name
