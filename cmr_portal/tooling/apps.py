from django.apps import AppConfig


class ToolingConfig(AppConfig):
    """Installed only for its management commands (demo data, scale data, benchmarks)."""

    name = "cmr_portal.tooling"
    label = "tooling"
    verbose_name = "Tooling"
