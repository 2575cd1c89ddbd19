"""The review's documents as PDFs: the overview report, the executive summary and the action
plan status report, from the records, through ``cmr_portal.pdf``."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone

from cmr_portal.pdf import content_hash, html_to_pdf, render_html
from reviews import drafting
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


# The level of a findings section's own heading in the documents (3.1 in the overview report,
# 2.1 in the executive summary): the headings typed in it print below it.
SECTION_HEADING = 3

# Curly apostrophes and quotes, as word processors type them, read as straight ones.
SPACES = r"\s+"
STRAIGHTEN = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})


def anonymiser(review: Review) -> Callable[[str], str]:
    """Replace every original word of the review's pseudonym map: whole words (an underscore of
    Markdown is not part of a word), any case, any spacing between its words, curly or straight
    apostrophes, longest first (so that "Jane Doe" goes before "Jane")."""
    pairs = sorted(
        review.pseudonyms.values_list("original", "replacement"), key=lambda pair: -len(pair[0])
    )
    alternatives = []
    for number, (original, _) in enumerate(pairs):
        words = SPACES.join(re.escape(word) for word in original.translate(STRAIGHTEN).split())
        alternatives.append(rf"(?P<p{number}>(?<![^\W_]){words}(?![^\W_]))")
    pattern = re.compile("|".join(alternatives) or r"(?!)", re.IGNORECASE)
    replacements = {f"p{number}": replacement for number, (_, replacement) in enumerate(pairs)}

    def clean(text: str) -> str:
        return pattern.sub(
            lambda match: replacements[str(match.lastgroup)], text.translate(STRAIGHTEN)
        )

    return clean


def filename(kind: Kind, review: Review) -> str:
    """The review's reference names the panel and the year: not for the publication version."""
    if kind.anonymised:
        return "case-management-review-publication.pdf"
    return f"{review.reference}-{kind.slug}.pdf"


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
    entries = list(review.chronology.select_related("agency"))
    reports = list(review.agency_reports.select_related("agency"))
    today = timezone.localdate()
    if kind.anonymised:
        # Every text field through the pseudonym map; never saved, only shown.
        clean = anonymiser(review)
        agencies = [entry.agency for entry in entries]
        for entry in entries:
            entry.event, entry.source, entry.notes = (
                clean(entry.event),
                clean(entry.source),
                clean(entry.notes),
            )
        for section in sections:
            section.text = clean(section.text)
        for item in recommendations:
            item.text = clean(item.text)
            for action in item.actions.all():
                action.description, action.owner, action.measure = (
                    clean(action.description),
                    clean(action.owner),
                    clean(action.measure),
                )
                agencies.append(action.agency)
        if terms:
            terms.lines_of_enquiry = clean(terms.lines_of_enquiry)
        # An agency can be a school or a club that names a place: its names go through too.
        agencies += [report.agency for report in reports]
        for agency in agencies:
            agency.name, agency.short_name = clean(agency.name), clean(agency.short_name)
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
            (
                section,
                drafting.render(
                    section.text, links=not kind.anonymised, headings_below=SECTION_HEADING
                ),
                drafting.render(
                    first_paragraph(section.text),
                    links=not kind.anonymised,
                    headings_below=SECTION_HEADING,
                ),
            )
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


def may_go_out(review: Review, kind: Kind, made: ReportExport | None = None) -> bool:
    """Whether the document may be made or given out. The publication version only while it is
    signed off, and a kept rendering of it only if made since that sign-off: a change to the
    pseudonym map undoes the sign-off, and what was rendered from the earlier map must not go
    out once the new one is signed off."""
    if not kind.anonymised:
        return True
    sign_off = PublicationSignOff.objects.filter(review=review).first()
    return sign_off is not None and (made is None or made.requested_at >= sign_off.signed_off_at)
