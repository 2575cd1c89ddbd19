from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PanelsConfig(AppConfig):
    name = "panels"
    verbose_name = "Panels and people"

    def ready(self) -> None:
        from panels import checks  # noqa: F401 - registers the system checks
        from panels.roles import sync_role_permissions

        post_migrate.connect(sync_role_permissions, dispatch_uid="panels.sync_role_permissions")
