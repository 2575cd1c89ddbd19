"""Findings drafted online: saves that never overwrite someone else's words, a history with
differences and restore, Markdown shown as sanitised HTML."""

import datetime
import difflib
import re

import markdown
import nh3
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from cmr_portal.audit.services import record
from panels.models import User
from reviews.models import FindingSection, FindingVersion
from reviews.services import ReviewError, can_draft

# Saves by one person within this time share one entry of the history (autosave runs as they type).
SAME_VERSION_WITHIN = datetime.timedelta(minutes=10)
# What the Markdown may become: text structure only. No images, no styles, no scripts.
ALLOWED_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "h2", "h3", "h4", "h5", "h6", "blockquote",
    "code", "pre", "hr", "table", "thead", "tbody", "tr", "th", "td", "a",
}  # fmt: skip


class DraftConflict(ReviewError):
    """Someone else saved the section since this text's version: nothing was saved."""

    def __init__(self, section: FindingSection, yours: str, yours_version: int) -> None:
        super().__init__(
            "Someone else saved this section while you were writing. Nothing of yours has been "
            "lost: compare the two texts and choose."
        )
        self.section = section
        self.yours = yours
        # Kept on the page, so that saving again keeps conflicting until the writer chooses.
        self.yours_version = yours_version


def render(text: str, *, links: bool = True, headings_below: int | None = None) -> SafeString:
    """Markdown to HTML, then cleaned by nh3, so that nothing a user types runs or loads.
    Without ``links`` (the publication version), a link keeps its words and loses its address.
    With ``headings_below`` (1 to 5), the headings typed print below a heading of that level
    (``shift_headings``): a document's section heading stays above what is written in it."""
    html = markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
    if headings_below is not None:
        html = shift_headings(html, below=headings_below)
    tags = ALLOWED_TAGS if links else ALLOWED_TAGS - {"a"}
    cleaned = nh3.clean(html, tags=tags, url_schemes={"https", "mailto"})
    return mark_safe(cleaned)  # noqa: S308 - cleaned by nh3 just above


@transaction.atomic
def save_section(
    section: FindingSection,
    *,
    text: str,
    base_version: int,
    by: User,
    new_entry: bool = False,
    request: HttpRequest | None = None,
) -> FindingSection:
    """Save a section's text, if it is still at ``base_version``; else ``DraftConflict``.

    Every save moves the section's version on, so a stale save is always caught; saves by one
    person a few minutes apart share one entry of the history unless ``new_entry``.
    """
    section = FindingSection.objects.select_for_update().select_related("review").get(pk=section.pk)
    if not can_draft(by, section.review):
        raise ReviewError("Only the review team can draft the findings, while it is drafted.")
    if base_version != section.version:
        raise DraftConflict(section, text, base_version)
    if text == section.text:
        return section
    now = timezone.now()
    last = section.versions.first()
    if (
        not new_entry
        and last is not None
        and last.author_id == by.pk
        and now - last.saved_at < SAME_VERSION_WITHIN
    ):
        last.text, last.saved_at = text, now
        last.save(update_fields=["text", "saved_at"])
    else:
        FindingVersion.objects.create(
            section=section,
            number=(last.number + 1) if last else 1,
            text=text,
            author=by,
            saved_at=now,
        )
    section.text, section.version = text, section.version + 1
    section.updated_by, section.updated_at = by, now
    section.save(update_fields=["text", "version", "updated_by", "updated_at"])
    record(
        "review.findings_saved",
        actor=by,
        target=section.review,
        summary=f"Saved the findings on '{section.get_key_display()}' ({section.review.reference})",
        changes={"section": section.key, "version": section.version, "length": len(text)},
        request=request,
    )
    return section


def restore(
    version: FindingVersion, *, base_version: int, by: User, request: HttpRequest | None = None
) -> FindingSection:
    """Make an earlier version the current text, as a new entry of the history."""
    return save_section(
        version.section,
        text=version.text,
        base_version=base_version,
        by=by,
        new_entry=True,
        request=request,
    )


def differences(before: str, after: str) -> list[tuple[str, str]]:
    """Line by line: ("added" | "removed" | "same", line)."""
    kinds = {"+ ": "added", "- ": "removed", "  ": "same"}
    return [
        (kinds[line[:2]], line[2:])
        for line in difflib.ndiff(before.splitlines(), after.splitlines())
        if line[:2] in kinds
    ]


HEADING_TAG = re.compile(r"<(/?)h([1-6])\b", re.IGNORECASE)


def shift_headings(html: str, *, below: int) -> str:
    """The headings of ``html`` (h1 to h6, as Markdown or typed HTML makes them) moved below a
    heading of level ``below`` (1 to 5), keeping their order of rank: the highest typed becomes
    ``below + 1``, the next ``below + 2``, none skipped (PDF/UA and WCAG 1.3.1 want no gap
    in the outline), none past h6. Run before nh3, which cleans whatever this gives."""
    typed = sorted({int(level) for _, level in HEADING_TAG.findall(html)})
    ranks = {level: min(below + 1 + rank, 6) for rank, level in enumerate(typed)}
    return HEADING_TAG.sub(lambda tag: f"<{tag[1]}h{ranks[int(tag[2])]}", html)
