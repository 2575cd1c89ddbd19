from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class PortalConfig(AppConfig):
    name = "cmr_portal"
    verbose_name = "CMR portal"
    default = True


class PortalAdminConfig(admin_apps.AdminConfig):
    """The admin app with the portal's own admin site."""

    default_site = "cmr_portal.admin_site.PortalAdminSite"
    default = False
