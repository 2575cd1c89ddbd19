from django.urls import path

from referrals import history_views, meeting_views, notice_views, proceeding_views, views

app_name = "referrals"

urlpatterns = [
    path("", views.referral_list, name="list"),
    path("start/", views.start_referral, name="start"),
    path("queue/", views.queue, name="queue"),
    path("meetings/", meeting_views.meetings, name="meetings"),
    path("meetings/new/", meeting_views.schedule, name="schedule_meeting"),
    path("meetings/<uuid:meeting_uuid>/", meeting_views.meeting, name="meeting"),
    path("meetings/<uuid:meeting_uuid>/edit/", meeting_views.edit, name="edit_meeting"),
    path("meetings/<uuid:meeting_uuid>/attendance/", meeting_views.attendance, name="attendance"),
    path("meetings/<uuid:meeting_uuid>/agenda/add/", meeting_views.add_item, name="add_item"),
    path(
        "meetings/<uuid:meeting_uuid>/agenda/<uuid:item_uuid>/",
        meeting_views.agenda_item,
        name="agenda_item",
    ),
    path(
        "meetings/<uuid:meeting_uuid>/agenda/<uuid:item_uuid>/remove/",
        meeting_views.remove_item,
        name="remove_item",
    ),
    path(
        "meetings/<uuid:meeting_uuid>/agenda/<uuid:item_uuid>/declare/",
        meeting_views.declare,
        name="declare",
    ),
    path(
        "meetings/<uuid:meeting_uuid>/agenda/<uuid:item_uuid>/recommend/",
        meeting_views.recommend,
        name="recommend",
    ),
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
    path("<uuid:referral_uuid>/history/", history_views.history, name="history"),
    path("<uuid:referral_uuid>/history/viewed/", history_views.viewers, name="viewers"),
    path(
        "<uuid:referral_uuid>/history/<slug:key>/<int:number>/",
        history_views.history_change,
        name="history_change",
    ),
    path(
        "<uuid:referral_uuid>/proceedings/",
        proceeding_views.proceedings_list,
        name="proceedings",
    ),
    path(
        "<uuid:referral_uuid>/proceedings/<uuid:proceeding_uuid>/",
        proceeding_views.proceeding,
        name="proceeding",
    ),
    path(
        "<uuid:referral_uuid>/proceedings/<uuid:proceeding_uuid>/lift-embargo/",
        proceeding_views.lift_embargo,
        name="lift_embargo",
    ),
    path("<uuid:referral_uuid>/decision/", views.decision_letter, name="decision"),
    path(
        "<uuid:referral_uuid>/notifications/",
        notice_views.notifications,
        name="notifications",
    ),
    path(
        "<uuid:referral_uuid>/notifications/record/",
        notice_views.record_notification,
        name="record_notification",
    ),
    path(
        "<uuid:referral_uuid>/notifications/decision/<uuid:involvement_uuid>/",
        notice_views.decision_letter,
        name="decision_letter",
    ),
    path(
        "<uuid:referral_uuid>/notifications/decision/<uuid:involvement_uuid>/letter.pdf",
        notice_views.decision_letter_pdf,
        name="decision_letter_pdf",
    ),
    path(
        "<uuid:referral_uuid>/notifications/<uuid:notification_uuid>/letter/",
        notice_views.sent_letter,
        name="sent_letter",
    ),
    path("<uuid:referral_uuid>/export/<slug:slug>.pdf", views.export, name="export"),
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
