from django.urls import path

from reviews import views

app_name = "reviews"

REVIEW = "reviews/<uuid:review_uuid>/"
SECTION = f"{REVIEW}findings/<slug:key>/"
REPORT = f"{REVIEW}agency-reports/<uuid:report_uuid>/"
ACTION = f"{REVIEW}actions/<uuid:action_uuid>/"
PROCEEDING = f"{REVIEW}proceedings/<uuid:proceeding_uuid>/"

urlpatterns = [
    path("referrals/<uuid:referral_uuid>/decide/", views.decision.decide, name="decide"),
    path("referrals/<uuid:referral_uuid>/decision/amend/", views.decision.amend, name="amend"),
    path("reviews/", views.lists.review_list, name="list"),
    path("monitoring/", views.monitoring.monitoring, name="monitoring"),
    path("monitoring/records/", views.monitoring.records, name="monitoring_records"),
    path("monitoring/figures/", views.monitoring.figures, name="monitoring_figures"),
    path(
        "monitoring/figures/<uuid:export_uuid>/",
        views.monitoring.figures_status,
        name="monitoring_figures_status",
    ),
    path(
        "monitoring/figures/<uuid:export_uuid>/pdf/",
        views.monitoring.figures_download,
        {"kind": "pdf"},
        name="monitoring_figures_pdf",
    ),
    path(
        "monitoring/figures/<uuid:export_uuid>/xlsx/",
        views.monitoring.figures_download,
        {"kind": "xlsx"},
        name="monitoring_figures_xlsx",
    ),
    path(REVIEW, views.overview.review, name="review"),
    path(f"{REVIEW}history/", views.history.history, name="history"),
    path(f"{REVIEW}history/viewed/", views.history.viewers, name="viewers"),
    path(
        f"{REVIEW}history/<slug:key>/<int:number>/",
        views.history.history_change,
        name="history_change",
    ),
    path(f"{REVIEW}referral/", views.overview.referral, name="referral"),
    path(f"{REVIEW}proceedings/", views.proceedings.proceedings_list, name="proceedings"),
    path(PROCEEDING, views.proceedings.proceeding, name="proceeding"),
    path(f"{PROCEEDING}lift-embargo/", views.proceedings.lift_embargo, name="lift_embargo"),
    path(f"{REVIEW}team/", views.team.team, name="team"),
    path(
        f"{REVIEW}team/<uuid:member_uuid>/remove/", views.team.remove_member, name="remove_member"
    ),
    path(f"{REVIEW}terms/", views.team.terms, name="terms"),
    path(f"{REVIEW}agency-reports/", views.agency.agency_reports, name="agency_reports"),
    path(REPORT, views.agency.agency_report, name="agency_report"),
    path(f"{REPORT}accept/", views.agency.accept_agency_report, name="accept_agency_report"),
    path(f"{REPORT}<slug:which>/", views.agency.agency_document, name="agency_document"),
    path(f"{REVIEW}chronology/", views.chronology.chronology_page, name="chronology"),
    path(
        f"{REVIEW}chronology/import/", views.chronology.import_chronology, name="import_chronology"
    ),
    path(
        f"{REVIEW}chronology/export/", views.chronology.export_chronology, name="export_chronology"
    ),
    path(
        f"{REVIEW}chronology/imports/<uuid:import_uuid>/",
        views.chronology.chronology_import,
        name="chronology_import",
    ),
    path(
        f"{REVIEW}chronology/<uuid:entry_uuid>/",
        views.chronology.change_entry,
        name="change_entry",
    ),
    path(
        f"{REVIEW}chronology/<uuid:entry_uuid>/remove/",
        views.chronology.remove_entry,
        name="remove_entry",
    ),
    path(f"{REVIEW}findings/", views.findings.findings, name="findings"),
    path(SECTION, views.findings.section, name="section"),
    path(f"{SECTION}autosave/", views.findings.autosave, name="autosave"),
    path(f"{SECTION}preview/", views.findings.preview, name="preview"),
    path(f"{SECTION}history/", views.findings.section_history, name="section_history"),
    path(
        f"{SECTION}versions/<int:number>/restore/",
        views.findings.restore_version,
        name="restore_version",
    ),
    path(f"{SECTION}comments/", views.findings.comment, name="comment"),
    path(f"{REVIEW}recommendations/", views.actions.recommendations, name="recommendations"),
    path(
        f"{REVIEW}recommendations/<uuid:recommendation_uuid>/actions/",
        views.actions.add_action,
        name="add_action",
    ),
    path(ACTION, views.actions.action, name="action"),
    path(f"{ACTION}verify/", views.actions.verify_action, name="verify_action"),
    path(f"{ACTION}evidence/<int:update_id>/", views.actions.evidence, name="evidence"),
    path(f"{REVIEW}report/", views.documents.report, name="report"),
    path(f"{REVIEW}approval/", views.approval.approval, name="approval"),
    path(f"{REVIEW}themes/", views.actions.themes, name="themes"),
    path(f"{REVIEW}timescale/", views.timescale.timescale, name="timescale"),
    path(f"{REVIEW}timescale/pause/", views.timescale.pause, name="pause"),
    path(f"{REVIEW}timescale/resume/", views.timescale.resume, name="resume"),
    path(
        f"{REVIEW}timescale/extensions/ask/",
        views.timescale.request_extension,
        name="request_extension",
    ),
    path(
        f"{REVIEW}timescale/extensions/<uuid:extension_uuid>/",
        views.timescale.extension,
        name="extension",
    ),
    path(f"{REVIEW}family/", views.family.family_page, name="family"),
    path(f"{REVIEW}family/members/add/", views.family.add_family_member, name="add_family_member"),
    path(
        f"{REVIEW}family/members/<uuid:member_uuid>/",
        views.family.family_member,
        name="family_member",
    ),
    path(
        f"{REVIEW}family/contacts/add/", views.family.add_family_contact, name="add_family_contact"
    ),
    path(f"{REVIEW}export/<slug:slug>.pdf", views.documents.export, name="export"),
    path(f"{REVIEW}publication/", views.documents.publication, name="publication"),
    path(
        f"{REVIEW}publication/notice/",
        views.notices.publication_notice,
        name="publication_notice",
    ),
    path(
        f"{REVIEW}publication/notice.pdf",
        views.notices.publication_notice_pdf,
        name="publication_notice_pdf",
    ),
    path(
        f"{REVIEW}exports/<uuid:export_uuid>/", views.documents.export_status, name="export_status"
    ),
    path(
        f"{REVIEW}exports/<uuid:export_uuid>/download/",
        views.documents.export_download,
        name="export_download",
    ),
]
