from django.urls import path

from panels import views

app_name = "panels"

urlpatterns = [
    path("", views.panel_list, name="list"),
    path("<str:code>/", views.panel_detail, name="detail"),
    path("<str:code>/members/invite/", views.invite_member, name="invite_member"),
    path("<str:code>/members/<uuid:membership_uuid>/role/", views.change_role, name="change_role"),
    path(
        "<str:code>/members/<uuid:membership_uuid>/remove/",
        views.remove_member,
        name="remove_member",
    ),
]
