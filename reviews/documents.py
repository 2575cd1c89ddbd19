"""The review's documents as PDFs: the overview report, the executive summary and the action
plan status report, from the records, through ``cmr_portal.kernel.pdf``."""

import io
from dataclasses import dataclass
from typing import Any

import pypdf
from django.conf import settings
from django.utils import timezone
from django.utils.safestring import mark_safe

from cmr_portal.kernel.pdf import content_hash, html_to_pdf, render_html
from referrals.proceedings import embargoes
from reviews import anonymise, drafting
from reviews.models import PURPOSES, PublicationSignOff, ReportExport, Review


@dataclass(frozen=True)
class Kind:
    title: str
    template: str
    slug: str
    # Long documents render in the background and are kept by the hash of their content.
    long: bool = False
    # The publication version: pseudonyms applied, identifying details left out, no watermark.
    anonymised: bool = False


KINDS = {
    kind.slug: kind
    for kind in (
        Kind("Overview report", "pdf/review_report.html", "overview-report", long=True),
        Kind("Executive summary", "pdf/review_summary.html", "executive-summary"),
        Kind("Action plan status report", "pdf/action_plan.html", "action-plan"),
        Kind(
            "Publication version",
            "pdf/review_report.html",
            "publication",
            long=True,
            anonymised=True,
        ),
    )
}


# The level of a findings section's own heading in the documents (3.1 in the overview report):
# the headings typed in it print below it.
SECTION_HEADING = 3


def pseudonyms(review: Review) -> list[tuple[str, str]]:
    """The review's pseudonym map: (original, replacement)."""
    return list(review.pseudonyms.values_list("original", "replacement"))


def filename(kind: Kind, review: Review) -> str:
    """The review's reference names the panel and the year: not for the publication version."""
    if kind.anonymised:
        return "case-management-review-publication.pdf"
    return f"{review.reference}-{kind.slug}.pdf"


def context(review: Review, kind: Kind) -> dict[str, Any]:
    """Everything the documents show, read in a fixed number of queries."""
    terms = review.terms.prefetch_related("agencies").first()
    labels = dict(PURPOSES)
    sections = list(review.sections.prefetch_related("themes"))
    recommendations = list(
        review.recommendations.prefetch_related("findings", "actions__agency", "actions__updates")
    )
    entries = list(review.chronology.select_related("agency"))
    reports = list(review.agency_reports.select_related("agency"))
    today = timezone.localdate()
    return {
        **({"protective_marking": settings.PUBLICATION_MARKING} if kind.anonymised else {}),
        "publication": kind.anonymised,
        # Exact dates can identify a family: the publication version shows month and year.
        "long_date": "F Y" if kind.anonymised else "j F Y",
        "short_date": "F Y" if kind.anonymised else "j M Y",
        "title": "Case Management Review: learning for Northern Ireland"
        if kind.anonymised
        else f"{kind.title}: review {review.reference}",
        "kind": kind,
        "review": review,
        # The review's reference names the panel and the year: not in the publication version.
        "reference": "" if kind.anonymised else review.reference,
        "draft": not kind.anonymised
        and review.stage not in (Review.Stage.FOLLOW_UP, Review.Stage.CLOSED),
        "today": today,
        "team": list(review.team.select_related("user")),
        "terms": terms,
        "purposes": [labels[key] for key in (terms.purposes if terms else []) if key in labels],
        "agency_reports": reports,
        "entries": entries,
        "sections": [
            (section, mark_safe(html), mark_safe(drafting.first_block(html)))  # noqa: S308
            for section, html in (
                # Rendered and cleaned by nh3 when saved; the publication version has no links;
                # the headings typed print below the section's own.
                (
                    section,
                    drafting.shift_headings(
                        drafting.clean(section.html, links=False)
                        if kind.anonymised
                        else section.html,
                        below=SECTION_HEADING,
                    ),
                )
                for section in sections
            )
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
    """The document's HTML and its content hash. The publication version's printed text, the
    whole of it, goes through the pseudonym map: whatever a template shows, it cannot show an
    original the map replaces."""
    kind = KINDS[slug]
    html = render_html(kind.template, context(review, kind))
    if kind.anonymised:
        html = anonymise.anonymise_html(html, pseudonyms(review))
    return html, content_hash(html)


def publication_places(review: Review) -> list[anonymise.Place]:
    """Where the publication version, as it would be made now, still shows an original name or
    something close to one: the check before the sign-off."""
    html = render(review, "publication")[0]
    return anonymise.places(anonymise.printed_text(html), pseudonyms(review))


def pdf_places(review: Review, pdf: bytes) -> list[anonymise.Place]:
    """The same check on a made PDF: the text of each page as pypdf reads it, and every field of
    its metadata (title, author, subject, keywords, creator...)."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    pairs = pseudonyms(review)
    found = [
        place
        for number, page in enumerate(reader.pages, start=1)
        for place in anonymise.places(page.extract_text(), pairs, where=f"page {number}")
    ]
    for field, value in (reader.metadata or {}).items():
        found += anonymise.places(str(value), pairs, where=f"the PDF's {field.lstrip('/')}")
    return found


def describe(places: list[anonymise.Place]) -> str:
    """The places found, in a sentence for the person making the document."""
    listed = "; ".join(
        f"“{place.word}” ({place.where or 'text'}, for {place.original})" for place in places[:10]
    )
    more = f" and {len(places) - 10} more" if len(places) > 10 else ""
    return f"An original name is still in the PDF: {listed}{more}. Change the text or the map."


def pdf(review: Review, slug: str) -> bytes:
    return html_to_pdf(render(review, slug)[0])


def may_go_out(review: Review, kind: Kind, made: ReportExport | None = None) -> bool:
    """Whether the document may be made or given out. The publication version only while no
    parallel proceeding holds it back (``proceedings.embargoes``) and while it is signed off,
    and a kept rendering of it only if made since that sign-off: a change to the pseudonym map
    undoes the sign-off, and what was rendered from the earlier map must not go out once the
    new one is signed off."""
    if not kind.anonymised:
        return True
    if embargoes(review.referral):
        return False
    sign_off = PublicationSignOff.objects.filter(review=review).first()
    return sign_off is not None and (made is None or made.requested_at >= sign_off.signed_off_at)
