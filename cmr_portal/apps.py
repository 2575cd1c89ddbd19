from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "cmr_portal"
    verbose_name = "CMR portal"
