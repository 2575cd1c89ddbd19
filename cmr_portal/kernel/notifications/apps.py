from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "cmr_portal.kernel.notifications"
    label = "notifications"
    verbose_name = "Notifications"
