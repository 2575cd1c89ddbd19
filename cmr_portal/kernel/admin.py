"""Admin classes every app's admin uses."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    """Records to search and read, never to add, change or delete here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ListEntryAdmin(admin.ModelAdmin[Any]):
    """A list administrators keep (``kernel.lists.ListEntry``): add, rename or retire an entry,
    never delete it."""

    list_display = ["name", "active"]
    list_editable = ["active"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
