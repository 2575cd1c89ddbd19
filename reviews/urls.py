from django.urls import path

from reviews import views

app_name = "reviews"

urlpatterns = [
    path("referrals/<uuid:referral_uuid>/decide/", views.decide, name="decide"),
    path("referrals/<uuid:referral_uuid>/decision/amend/", views.amend, name="amend"),
]
