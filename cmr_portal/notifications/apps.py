from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "cmr_portal.notifications"
    label = "notifications"
    verbose_name = "Notifications"
