from django.urls import path

from cmr_portal.kernel.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.centre, name="centre"),
    path("<int:notification_id>/open/", views.open_notification, name="open"),
    path("read-all/", views.read_all, name="read_all"),
    path("emails/", views.email_settings, name="settings"),
]
