from django.contrib.admin import apps as admin_apps


class PortalAdminConfig(admin_apps.AdminConfig):
    """The admin app with the portal's own admin site."""

    default_site = "cmr_portal.admin_site.PortalAdminSite"
