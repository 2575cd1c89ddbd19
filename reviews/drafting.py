"""Findings drafted online: saves that never overwrite someone else's words, a history with
differences and restore, Markdown shown as sanitised HTML."""

import datetime
import difflib

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
    "p", "br", "strong", "em", "ul", "ol", "li", "h2", "h3", "h4", "blockquote", "code", "pre",
    "hr", "table", "thead", "tbody", "tr", "th", "td", "a",
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


def render(text: str, *, links: bool = True) -> SafeString:
    """Markdown to HTML, then cleaned by nh3, so that nothing a user types runs or loads.
    Without ``links`` (the publication version), a link keeps its words and loses its address."""
    html = markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
    tags = ALLOWED_TAGS if links else ALLOWED_TAGS - {"a"}
    cleaned = nh3.clean(html, tags=tags, url_schemes={"https", "mailto"})
    return mark_safe(cleaned)  # noqa: S308 - cleaned by nh3 just above


# The page that sent a save (portal.mjs): a random id of letters and digits, and its edits counted.
PAGE_ID_LENGTH = 32
MAX_EDIT = 2**31 - 1  # FindingSection.saved_edit is a PostgreSQL integer


@transaction.atomic
def save_section(
    section: FindingSection,
    *,
    text: str,
    base_version: int,
    by: User,
    new_entry: bool = False,
    page: str = "",
    edit: int = 0,
    request: HttpRequest | None = None,
) -> FindingSection:
    """Save a section's text written from ``base_version``, unless someone else saved it since:
    then ``DraftConflict``, and nothing is saved.

    The server decides, because a browser's requests arrive in any order (an autosave still on
    its way when Save is clicked, a text put back after signing in again):

    - a text identical to the current one is a success, whatever its base;
    - a base older than the current version conflicts only if someone other than ``by`` saved
      one of the versions since it; a writer's own saves never conflict with each other;
    - ``page`` and ``edit`` (a random id of one load of the page in one tab, at most 32
      characters, and that page's count of edits, rising) let an earlier edit that arrives after
      a later one from the same page be recognised: it is not saved, so the later text stays.
      Without them (no script), the last save to arrive wins among one writer's saves.

    Every save moves the section's version on; saves by one person a few minutes apart share one
    entry of the history unless ``new_entry``. Raises ``ReviewError`` when ``by`` may not draft.
    """
    section = FindingSection.objects.select_for_update().select_related("review").get(pk=section.pk)
    if not can_draft(by, section.review):
        raise ReviewError("Only the review team can draft the findings, while it is drafted.")
    if text == section.text:
        return section
    mine = section.updated_by_id == by.pk
    if base_version != section.version and not (
        mine and section.run_from <= base_version < section.version
    ):
        raise DraftConflict(section, text, base_version)
    if mine and page and page == section.saved_page and edit <= section.saved_edit:
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
    if not mine:
        section.run_from = section.version
    section.text, section.version = text, section.version + 1
    section.updated_by, section.updated_at = by, now
    section.saved_page, section.saved_edit = page, edit
    section.save(
        update_fields=[
            "text",
            "version",
            "updated_by",
            "updated_at",
            "run_from",
            "saved_page",
            "saved_edit",
        ]
    )
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
