from django.urls import path

from reviews import views
from reviews import workspace_views as workspace

app_name = "reviews"

REVIEW = "reviews/<uuid:review_uuid>/"
SECTION = f"{REVIEW}findings/<slug:key>/"
REPORT = f"{REVIEW}agency-reports/<uuid:report_uuid>/"
ACTION = f"{REVIEW}actions/<uuid:action_uuid>/"

urlpatterns = [
    path("referrals/<uuid:referral_uuid>/decide/", views.decide, name="decide"),
    path("referrals/<uuid:referral_uuid>/decision/amend/", views.amend, name="amend"),
    path("reviews/", workspace.review_list, name="list"),
    path(REVIEW, workspace.review, name="review"),
    path(f"{REVIEW}team/", workspace.team, name="team"),
    path(f"{REVIEW}team/<uuid:member_uuid>/remove/", workspace.remove_member, name="remove_member"),
    path(f"{REVIEW}terms/", workspace.terms, name="terms"),
    path(f"{REVIEW}agency-reports/", workspace.agency_reports, name="agency_reports"),
    path(REPORT, workspace.agency_report, name="agency_report"),
    path(f"{REPORT}accept/", workspace.accept_agency_report, name="accept_agency_report"),
    path(f"{REPORT}<slug:which>/", workspace.agency_document, name="agency_document"),
    path(f"{REVIEW}chronology/", workspace.chronology_page, name="chronology"),
    path(f"{REVIEW}chronology/import/", workspace.import_chronology, name="import_chronology"),
    path(f"{REVIEW}chronology/export/", workspace.export_chronology, name="export_chronology"),
    path(
        f"{REVIEW}chronology/imports/<uuid:import_uuid>/",
        workspace.chronology_import,
        name="chronology_import",
    ),
    path(
        f"{REVIEW}chronology/<uuid:entry_uuid>/remove/",
        workspace.remove_entry,
        name="remove_entry",
    ),
    path(f"{REVIEW}findings/", workspace.findings, name="findings"),
    path(SECTION, workspace.section, name="section"),
    path(f"{SECTION}autosave/", workspace.autosave, name="autosave"),
    path(f"{SECTION}preview/", workspace.preview, name="preview"),
    path(f"{SECTION}history/", workspace.section_history, name="section_history"),
    path(
        f"{SECTION}versions/<int:number>/restore/",
        workspace.restore_version,
        name="restore_version",
    ),
    path(f"{SECTION}comments/", workspace.comment, name="comment"),
    path(f"{REVIEW}recommendations/", workspace.recommendations, name="recommendations"),
    path(
        f"{REVIEW}recommendations/<uuid:recommendation_uuid>/actions/",
        workspace.add_action,
        name="add_action",
    ),
    path(ACTION, workspace.action, name="action"),
    path(f"{ACTION}verify/", workspace.verify_action, name="verify_action"),
    path(f"{ACTION}evidence/<int:update_id>/", workspace.evidence, name="evidence"),
    path(f"{REVIEW}report/", workspace.report, name="report"),
    path(f"{REVIEW}approval/", workspace.approval, name="approval"),
    path(f"{REVIEW}themes/", workspace.themes, name="themes"),
    path(f"{REVIEW}export/<slug:slug>.pdf", workspace.export, name="export"),
    path(f"{REVIEW}publication/", workspace.publication, name="publication"),
    path(f"{REVIEW}exports/<uuid:export_uuid>/", workspace.export_status, name="export_status"),
    path(
        f"{REVIEW}exports/<uuid:export_uuid>/download/",
        workspace.export_download,
        name="export_download",
    ),
]
