"""Lists that administrators keep, such as learning routes and learning themes."""

from django.db import models


class ListEntry(models.Model):
    """An entry of a list that administrators keep: retired when no longer used, never deleted,
    so that the records naming it keep their meaning."""

    name = models.CharField(max_length=100, unique=True)
    active = models.BooleanField(default=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
