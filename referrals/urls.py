from django.urls import path

from referrals import views

app_name = "referrals"

urlpatterns = [
    path("", views.referral_list, name="list"),
    path("start/", views.start_referral, name="start"),
    path("queue/", views.queue, name="queue"),
    path("<uuid:referral_uuid>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("<uuid:referral_uuid>/ask/", views.request_information, name="request_information"),
    path(
        "<uuid:referral_uuid>/questions/<uuid:request_uuid>/answer/",
        views.answer_request,
        name="answer_request",
    ),
    path("<uuid:referral_uuid>/", views.overview, name="overview"),
    path("<uuid:referral_uuid>/check/", views.check_answers, name="check"),
    path("<uuid:referral_uuid>/sent/", views.sent, name="sent"),
    path("<uuid:referral_uuid>/withdraw/", views.withdraw, name="withdraw"),
    path("<uuid:referral_uuid>/history/", views.history, name="history"),
    path("<uuid:referral_uuid>/documents/", views.documents, name="documents"),
    path(
        "<uuid:referral_uuid>/documents/<uuid:document_uuid>/",
        views.download_document,
        name="download_document",
    ),
    path(
        "<uuid:referral_uuid>/documents/<uuid:document_uuid>/remove/",
        views.remove_document,
        name="remove_document",
    ),
    *(
        path(f"<uuid:referral_uuid>/{part}/", views.repeatable, {"part": part}, name=part)
        for part in views.REPEATABLES
    ),
    *(
        path(
            f"<uuid:referral_uuid>/{part}/<uuid:item_uuid>/remove/",
            views.remove_repeatable,
            {"part": part},
            name=f"remove_{part}",
        )
        for part in views.REPEATABLES
    ),
    path("<uuid:referral_uuid>/<slug:slug>/", views.section, name="section"),
]
