"""The SBNI's monitoring page (issue 20): timeliness, the pipeline, actions and learning themes for
a period, panel and route, each figure linked to the list of records behind it; the year's
figures made safe to leave the portal, as a PDF and an XLSX made by a worker."""

import hashlib
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from cmr_portal.kernel.audit.services import record
from cmr_portal.kernel.documents.services import attachment
from cmr_portal.kernel.pagination import counted_page
from panels.access import signed_in_user
from panels.models import SBNI_STAFF, Panel
from reviews.models import Fact, Figure, FiguresExport, Refresh
from reviews.monitoring import charts, disclosure, filters, tables
from reviews.monitoring.annual import for_whom
from reviews.monitoring.figures import Scope, latest_refresh, read
from reviews.monitoring.periods import Period, add_months, financial_year_of
from reviews.tasks import request_figures_export

# What the records behind a figure are chosen by, as the audit trail keeps it.
FILTERS = ("period", "figure", "key", "panel", "route", "agency", "within")
# The figures counted now, whatever the period: no month.
NOW = frozenset({Figure.OVERDUE, Figure.REFERRAL_OPEN, Figure.REVIEW_OPEN})


@require_GET
def monitoring(request: HttpRequest) -> HttpResponse:
    """The figures of the period, panel and route chosen (by default the current financial year,
    every panel the viewer may see, every route), with their charts and tables."""
    user = signed_in_user(request)
    allowed = filters.monitored_panels(user)
    panels = _panels(allowed)
    refresh = latest_refresh()
    form = filters.MonitoringFilter(
        request.GET or None,
        panels=panels,
        every_panel=allowed is None,
        refresh=refresh,
        today=timezone.localdate(),
    )
    period, scope = form.period(), form.scope()
    chosen_panel = request.GET.get("panel", "") if form.is_bound and form.is_valid() else ""
    sections = _sections(refresh, period, scope, chosen_panel)
    return render(
        request,
        "monitoring/monitoring.html",
        {
            "form": form,
            "refresh": refresh,
            "period": period,
            "scope_label": _scope_label(scope, panels),
            "sections": sections,
            "refresh_minutes": settings.MONITORING_REFRESH_MINUTES,
            "annual": "#figures" if refresh else "",
            "year_figures": _year_figures(period, scope, panels),
        },
    )


def _sections(refresh: Refresh | None, period: Period, scope: Scope, chosen_panel: str) -> str:
    """The page's tables and charts, rendered once for each refresh, period and scope and kept
    in the cache until the next refresh: the figures change only then."""
    chosen = repr((refresh.uuid if refresh else None, period.code, scope, chosen_panel))
    key = f"monitoring:{hashlib.sha256(chosen.encode()).hexdigest()}"
    kept: str | None = cache.get(key)
    if kept is not None:
        return mark_safe(kept)  # noqa: S308 - rendered by our own template, escaped there
    figures = read(scope, period, refresh)
    every = tables.tables(figures, filters.Links(period, scope, chosen_panel))
    drawn = charts.draw_all([chart for table in every if (chart := table.chart())])
    rendered = render_to_string(
        "monitoring/_sections.html", {"sections": tables.by_section(every, drawn)}
    )
    cache.set(key, rendered, settings.MONITORING_REFRESH_MINUTES * 60 * 2)
    return mark_safe(rendered)  # noqa: S308 - rendered by our own template, escaped there


def _panels(allowed: tuple[int, ...] | None) -> list[Panel]:
    """The panels of ``allowed`` (``filters.monitored_panels``)."""
    return list(Panel.objects.all() if allowed is None else Panel.objects.filter(pk__in=allowed))


def _year_figures(period: Period, scope: Scope, panels: list[Panel]) -> dict[str, Any]:
    """What the page's "Download the year's figures" asks for: the financial year of the
    period shown, and every panel ("panel" "") or the one panel shown; "panel" is None where
    the page shows several panels of a chair, which the year's figures do not put together."""
    chosen = None
    if scope.panels is not None and len(scope.panels) == 1:
        chosen = next(each for each in panels if each.pk == scope.panels[0])
    return {
        "period": Period.financial_year(financial_year_of(period.first)),
        "panel": str(chosen.pk) if chosen else "" if scope.panels is None else None,
        "whom": for_whom(chosen),
        "fewer_than": disclosure.fewer_than(),
        "largest_hidden": disclosure.threshold() - 1,
    }


def _scope_label(scope: Scope, panels: list[Panel]) -> str:
    if scope.panels is None:
        return "Every panel"
    names = {panel.pk: panel.name for panel in panels}
    return ", ".join(names.get(pk, "") for pk in scope.panels)


@require_GET
def records(request: HttpRequest) -> HttpResponse:
    """The records behind one figure of the monitoring page, a page at a time: only those of
    the panels the viewer may see. Audited: the list names cases."""
    user = signed_in_user(request)
    allowed = filters.monitored_panels(user)
    figure = request.GET.get("figure", "")
    period = Period.parse(request.GET.get("period", ""))
    if figure not in filters.FIGURES or period is None:
        raise Http404
    facts = Fact.objects.filter(figure=figure)
    panel = request.GET.get("panel", "")
    if panel:
        chosen = filters.record_key(panel)
        if chosen is None or (allowed is not None and chosen not in allowed):
            raise Http404
        facts = facts.filter(panel_id=chosen)
    elif allowed is not None:
        facts = facts.filter(panel_id__in=allowed)
    if key := request.GET.get("key", ""):
        facts = facts.filter(key=key)
    if route := request.GET.get("route", ""):
        facts = facts.filter(route=route)
    if (agency := filters.record_key(request.GET.get("agency", ""))) is not None:
        facts = facts.filter(agency_id=agency)
    late = request.GET.get("within") == "no"
    if late:
        facts = facts.filter(within=False)
    if figure not in NOW:
        facts = facts.filter(day__gte=period.first, day__lt=add_months(period.last, 1))
    # Newest first; an action's by due date; what is open now, the oldest or latest first.
    order = {
        Figure.ACTION: ("day", "id"),
        Figure.OVERDUE: ("-value", "id"),
        Figure.REFERRAL_OPEN: ("-value", "id"),
        Figure.REVIEW_OPEN: ("-value", "id"),
    }.get(Figure(figure), ("-day", "-id"))
    page = counted_page(
        facts.select_related("referral", "review", "action", "agency", "panel").order_by(*order),
        request.GET.get("page"),
    )
    first = next(iter(page), None)
    title = first.label if first is not None and key else Figure(figure).label
    if late:  # the list behind a share done within timescale: the rest of them
        title = f"{title}: not within timescale"
    record(
        "monitoring.records_viewed",
        actor=user,
        summary=f"Listed the records behind a monitoring figure: {title}, {period.label}",
        # The filters alone, as the page's links write them: nothing else typed into the address.
        changes={name: request.GET[name][:40] for name in FILTERS if name in request.GET},
        request=request,
    )
    return render(
        request,
        "monitoring/records.html",
        {
            "page": page,
            "figure": figure,
            "title": title,
            "period": period,
            "standing": figure in NOW,
            "sbni": user.has_sbni_role(*SBNI_STAFF),
            "query": _without_page(request),
            "back": filters.page_address(period, panel, route),
        },
    )


def _without_page(request: HttpRequest) -> str:
    """The list's filters, for the pages' links."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@require_POST
def figures(request: HttpRequest) -> HttpResponse:
    """Ask for the year's figures (the financial year and the panel sent, within what the
    viewer may see): to the page that shows them being made, then downloads them. Audited."""
    user = signed_in_user(request)
    allowed = filters.monitored_panels(user)
    form = filters.FiguresRequest(
        request.POST,
        panels=_panels(allowed),
        every_panel=allowed is None,
        refresh=latest_refresh(),
        today=timezone.localdate(),
    )
    if not form.is_valid():
        # The page sends the year and the panel it shows: only a made-up request is refused.
        raise Http404
    made = request_figures_export(
        form.cleaned_data["year"], form.cleaned_data["panel"], by=user, request=request
    )
    if made is None:
        messages.info(request, "The figures have not been worked out yet. Come back later.")
        return redirect("reviews:monitoring")
    return redirect("reviews:monitoring_figures_status", made.uuid)


def _figures_export(request: HttpRequest, export_uuid: str) -> FiguresExport:
    """The year's figures the viewer may have, or 404 (for figures that do not exist and for
    another panel's alike)."""
    made = filters.figures_exports(signed_in_user(request)).filter(uuid=export_uuid).first()
    if made is None:
        raise Http404
    return made


@require_GET
def figures_status(request: HttpRequest, export_uuid: str) -> HttpResponse:
    """Where the year's figures are: the page asks again every few seconds until they are
    ready, then offers the PDF and the XLSX."""
    made = _figures_export(request, export_uuid)
    partial = "partial" in request.GET
    return render(
        request,
        "monitoring/_figures_status.html" if partial else "monitoring/figures.html",
        {
            "made": made,
            "period": Period.financial_year(made.year),
            "whom": for_whom(made.panel),
        },
    )


@require_GET
def figures_download(request: HttpRequest, export_uuid: str, kind: str) -> FileResponse:
    """The year's figures as a PDF or an XLSX (``kind``), permission-checked and audited."""
    made = _figures_export(request, export_uuid)
    document = made.pdf if kind == "pdf" else made.xlsx
    if made.status != FiguresExport.Status.READY or document is None:
        raise Http404
    record(
        "monitoring.figures_downloaded",
        actor=signed_in_user(request),
        target=made,
        summary=f"Downloaded the year's monitoring figures of "
        f"{Period.financial_year(made.year).label} for {for_whom(made.panel)} "
        f"({kind.upper()})",
        changes={"document": kind, "bytes": document.size},
        request=request,
    )
    return attachment(document)
