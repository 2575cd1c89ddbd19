"""The review's documents as PDFs: the overview report, the executive summary and the action
plan status report, from the records, through ``cmr_portal.pdf``."""

from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from cmr_portal.pdf import content_hash, html_to_pdf, render_html
from reviews import drafting
from reviews.models import PURPOSES, Review


@dataclass(frozen=True)
class Kind:
    title: str
    template: str
    slug: str
    # Long documents render in the background and are kept by the hash of their content.
    long: bool = False


KINDS = {
    kind.slug: kind
    for kind in (
        Kind("Overview report", "pdf/review_report.html", "overview-report", long=True),
        Kind("Executive summary", "pdf/review_summary.html", "executive-summary"),
        Kind("Action plan status report", "pdf/action_plan.html", "action-plan"),
    )
}


def first_paragraph(text: str) -> str:
    return text.strip().split("\n\n", 1)[0]


def context(review: Review, kind: Kind) -> dict[str, Any]:
    """Everything the documents show, read in a fixed number of queries."""
    terms = review.terms.prefetch_related("agencies").first()
    labels = dict(PURPOSES)
    sections = list(review.sections.prefetch_related("themes"))
    recommendations = list(
        review.recommendations.prefetch_related("findings", "actions__agency", "actions__updates")
    )
    today = timezone.localdate()
    return {
        "title": f"{kind.title}: review {review.reference}",
        "kind": kind,
        "review": review,
        "reference": review.reference,
        "draft": review.stage not in (Review.Stage.FOLLOW_UP, Review.Stage.CLOSED),
        "today": today,
        "team": list(review.team.select_related("user")),
        "terms": terms,
        "purposes": [labels[key] for key in (terms.purposes if terms else []) if key in labels],
        "agency_reports": list(review.agency_reports.select_related("agency")),
        "entries": list(review.chronology.select_related("agency")),
        "sections": [
            (section, drafting.render(section.text), drafting.render(first_paragraph(section.text)))
            for section in sections
        ],
        "themes": list(review.themes.all()),
        "recommendations": [
            (
                item,
                [
                    (action, *action.state(today), next(iter(action.updates.all()), None))
                    for action in item.actions.all()
                ],
            )
            for item in recommendations
        ],
    }


def render(review: Review, slug: str) -> tuple[str, str]:
    """The document's HTML and its content hash."""
    kind = KINDS[slug]
    html = render_html(kind.template, context(review, kind))
    return html, content_hash(html)


def pdf(review: Review, slug: str) -> bytes:
    return html_to_pdf(render(review, slug)[0])
