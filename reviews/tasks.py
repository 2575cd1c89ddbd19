"""Background work for reviews: rendering a long report, importing a long chronology, working
out the monitoring figures and making the year's figures."""

from functools import partial
from typing import Any, TypeVar

from celery import shared_task
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from cmr_portal.kernel.audit.services import record
from cmr_portal.kernel.documents.services import ACCEPTED, store_checked, store_generated
from cmr_portal.kernel.pdf import html_to_pdf
from cmr_portal.kernel.queue import queue_task
from panels.models import Panel, User
from referrals.workflow import ReferralError
from reviews import chronology, documents, services
from reviews.models import BackgroundExport, ChronologyImport, FiguresExport, ReportExport, Review
from reviews.monitoring.annual import annual, for_whom
from reviews.monitoring.figures import latest_refresh
from reviews.monitoring.refresh import refresh

XLSX = next(mime for mime, (extension, _) in ACCEPTED.items() if extension == "xlsx")
Export = TypeVar("Export", bound=BackgroundExport)
Status = BackgroundExport.Status


def _queue(made: BackgroundExport, task: Any) -> None:
    """Queue ``made`` for ``task`` after the commit. Asked for afresh, its clock starts again,
    so that it is not taken as stuck at once."""
    made.status, made.failure = Status.QUEUED, ""
    made.requested_at, made.started_at = timezone.now(), None
    made.save(update_fields=["status", "failure", "requested_at", "started_at"])
    transaction.on_commit(partial(queue_task, task, made.pk))


def _claim(exports: "QuerySet[Export]", pk: int) -> Export | None:
    """The export ``pk``, marked as being made by this worker; None when it is made, failed,
    or being made by another worker that is not stuck."""
    with transaction.atomic():
        made = (
            exports.select_for_update(skip_locked=True, of=("self",))
            .filter(status__in=(Status.QUEUED, Status.RENDERING), pk=pk)
            .first()
        )
        if made is None or (made.status == Status.RENDERING and not made.is_stuck):
            return None
        made.status, made.started_at = Status.RENDERING, timezone.now()
        made.save(update_fields=["status", "started_at"])
    return made


@transaction.atomic
def request_export(review: Review, slug: str, *, by: User) -> ReportExport:
    """The kept rendering of the review's current content, or one queued for a worker (again,
    when the last attempt failed or was left stuck)."""
    made, created = ReportExport.objects.get_or_create(
        review=review,
        slug=slug,
        content_hash=documents.render(review, slug)[1],
        defaults={"requested_by": by},
    )
    outdated = not documents.may_go_out(review, documents.KINDS[slug], made)
    if created or outdated or made.status == Status.FAILED or made.is_stuck:
        _queue(made, render_export)
    return made


@shared_task
def render_export(export_pk: int) -> None:
    """Render a queued report and keep it, if the content is still the content asked for (and,
    for the publication version, still signed off, and its PDF's text and metadata show no
    original name: else it fails with the places found). Run twice, the second finds nothing
    to do."""
    export = _claim(ReportExport.objects.select_related("review", "requested_by"), export_pk)
    if export is None:
        return
    try:
        kind = documents.KINDS[export.slug]
        html, content_hash = documents.render(export.review, export.slug)
        if content_hash != export.content_hash or not documents.may_go_out(
            export.review, kind, export
        ):
            # The review changed since it was asked for: asking again makes the new one.
            ReportExport.objects.filter(pk=export.pk).update(status=ReportExport.Status.FAILED)
            return
        pdf = html_to_pdf(html)
        if kind.anonymised and (places := documents.pdf_places(export.review, pdf)):
            # The last check before it can go out: the PDF itself, as a reader gets it.
            ReportExport.objects.filter(pk=export.pk).update(
                status=ReportExport.Status.FAILED, failure=documents.describe(places)
            )
            return
        with transaction.atomic():
            export.document = store_generated(
                pdf, name=documents.filename(kind, export.review), by=export.requested_by
            )
            export.status = ReportExport.Status.READY
            export.finished_at = timezone.now()
            export.save(update_fields=["document", "status", "finished_at"])
    except Exception:
        ReportExport.objects.filter(pk=export.pk).update(status=ReportExport.Status.FAILED)
        raise


@transaction.atomic
def request_import(
    review: Review, upload: UploadedFile, checked: chronology.Checked, *, by: User
) -> ChronologyImport:
    """Keep a long chronology file that passed the cheap checks and queue a worker to import
    it, all or nothing."""
    text = checked.kind == "text"
    made = ChronologyImport.objects.create(
        review=review,
        document=store_checked(
            upload,
            content_type="text/csv" if text else XLSX,
            extension="csv" if text else "xlsx",
            by=by,
        ),
        rows=checked.rows,
        requested_by=by,
    )
    record(
        "review.chronology_import_queued",
        actor=by,
        target=review,
        # Not the file's name, which may name a child.
        summary=f"Asked for a chronology file to be imported into review {review.reference}",
        changes={"rows": checked.rows},
    )
    transaction.on_commit(partial(queue_task, import_chronology_file, made.pk))
    return made


@shared_task
def import_chronology_file(import_pk: int) -> None:
    """Read a kept chronology file and import every row, or none and say which rows to correct.
    Run twice, the second finds nothing to do."""
    with transaction.atomic():
        made = (
            ChronologyImport.objects.select_for_update(skip_locked=True)
            .select_related("review", "document", "requested_by")
            .filter(pk=import_pk, status=ChronologyImport.Status.QUEUED)
            .first()
        )
        if made is None:
            return
        made.status = ChronologyImport.Status.READING
        made.save(update_fields=["status"])
    imports = ChronologyImport.objects.filter(pk=made.pk)
    outcome: dict[str, Any] = {"status": ChronologyImport.Status.REFUSED}
    try:
        with made.document.file.open("rb") as stream:
            rows, reports = chronology.read(
                stream, progress=lambda count: imports.update(rows_read=count)
            )
        if reports:
            outcome["problems"] = [
                {"number": report.number, "problems": report.problems} for report in reports
            ]
        elif not rows:
            outcome["message"] = "The file has no entries under its headings"
        else:
            services.add_chronology_entries(
                made.review,
                rows,
                by=made.requested_by,
                source=f"imported from {made.document}",
            )
            outcome = {"status": ChronologyImport.Status.IMPORTED, "imported": len(rows)}
    except (chronology.ImportRefused, ReferralError) as refused:
        outcome["message"] = str(refused)
    except Exception:
        imports.update(status=ChronologyImport.Status.FAILED, finished_at=timezone.now())
        raise
    imports.update(rows_read=made.rows, finished_at=timezone.now(), **outcome)


@shared_task
def refresh_monitoring() -> None:
    """Work the monitoring figures out again (Celery beat, every ``MONITORING_REFRESH_MINUTES``);
    a second one started while one runs does nothing."""
    refresh()


@transaction.atomic
def request_figures_export(
    year: int, panel: Panel | None, *, by: User, request: HttpRequest | None = None
) -> FiguresExport | None:
    """The year's figures of ``year`` (2025: April 2025 to March 2026) for ``panel`` (None:
    every panel) as last worked out: the kept ones when the same figures were made before, else
    queued for a worker (again, when the last attempt failed or was left stuck). Audited. None
    when the figures have not been worked out yet. The caller has checked that ``by`` may see
    ``panel``'s figures."""
    worked_out = latest_refresh()
    if worked_out is None:
        return None
    figures = annual(year, panel, worked_out)
    made, created = FiguresExport.objects.get_or_create(
        content_hash=figures.content_hash,
        defaults={"year": year, "panel": panel, "refresh": worked_out, "requested_by": by},
    )
    if created or made.status == Status.FAILED or made.is_stuck:
        _queue(made, render_figures_export)
    record(
        "monitoring.figures_requested",
        actor=by,
        target=made,
        summary=f"Asked for the year's monitoring figures of {figures.period.label} for "
        f"{for_whom(panel)}",
        changes={"year": year, "panel": panel.code if panel else "", "kept": not created},
        request=request,
    )
    return made


@shared_task
def render_figures_export(export_pk: int) -> None:
    """Make the PDF and the XLSX of the year's figures asked for and keep them, if the figures
    are still those asked for (else it fails, and asking again makes the new ones). Run twice,
    the second finds nothing to do."""
    made = _claim(FiguresExport.objects.select_related("panel", "requested_by"), export_pk)
    if made is None:
        return
    exports = FiguresExport.objects.filter(pk=made.pk)
    try:
        worked_out = latest_refresh()
        figures = annual(made.year, made.panel, worked_out) if worked_out else None
        if figures is None or figures.content_hash != made.content_hash:
            exports.update(
                status=Status.FAILED,
                failure="The figures were worked out again while they were being made: make "
                "them again to have the latest",
            )
            return
        pdf, xlsx = figures.pdf(), figures.xlsx()
        with transaction.atomic():
            made.pdf = store_generated(pdf, name=figures.filename("pdf"), by=made.requested_by)
            made.xlsx = store_generated(
                xlsx, name=figures.filename("xlsx"), by=made.requested_by, content_type=XLSX
            )
            made.status, made.finished_at = Status.READY, timezone.now()
            made.save(update_fields=["pdf", "xlsx", "status", "finished_at"])
    except Exception:
        exports.update(status=Status.FAILED)
        raise
