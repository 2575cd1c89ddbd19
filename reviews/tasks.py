"""Background work for reviews: rendering a long report."""

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from cmr_portal.documents.services import store_generated
from cmr_portal.pdf import html_to_pdf
from reviews import documents
from reviews.models import ReportExport


@shared_task
def render_export(export_pk: int) -> None:
    """Render a queued report and keep it. Run twice, the second finds nothing to do."""
    with transaction.atomic():
        export = (
            ReportExport.objects.select_for_update(skip_locked=True)
            .select_related("review", "requested_by")
            .filter(pk=export_pk, status=ReportExport.Status.QUEUED)
            .first()
        )
        if export is None:
            return
        export.status = ReportExport.Status.RENDERING
        export.save(update_fields=["status"])
    try:
        pdf = html_to_pdf(documents.render(export.review, export.slug)[0])
    except Exception:
        ReportExport.objects.filter(pk=export.pk).update(status=ReportExport.Status.FAILED)
        raise
    with transaction.atomic():
        export.document = store_generated(
            pdf, name=f"{export.review.reference}-{export.slug}.pdf", by=export.requested_by
        )
        export.status = ReportExport.Status.READY
        export.finished_at = timezone.now()
        export.save(update_fields=["document", "status", "finished_at"])
