"""Findings drafted online: saves that never overwrite someone else's words, a history with
differences (compared by the kernel's audit.history.differences) and restore, Markdown shown as
sanitised HTML, rendered once for each version."""

import datetime
import re

import cmarkgfm
import nh3
from cmarkgfm.cmark import Options  # type: ignore[import-untyped]
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from cmr_portal.kernel.audit.services import record
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
# The level of a findings section's own heading on its page (the page's h1): the headings typed
# in it are kept below it (documents.SECTION_HEADING moves them below the section's heading there).
PAGE_HEADING = 1
# The longest text a findings section may hold: about 15,000 words, far beyond any section of a
# review, and rendered in well under a second.
MAX_SECTION_CHARACTERS = 100_000
TOO_LONG = (
    "The section must be 100,000 characters or fewer: yours has {length:,}. Split it, or move "
    "detail into an appendix. Your text is kept below."
)
TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*?(/?)>")
VOID_TAGS = {"br", "hr", "img", "input"}
# Deeper than this, quotes, lists and emphasis print as their text: the HTML cleaner's time
# grows with the square of the depth (20,000 nested quotes took 4.7 s, 40,000 took 47 s).
MAX_NESTING = 20


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


def too_long(text: str) -> str | None:
    """Why ``text`` cannot be a section's text, or ``None`` when it can."""
    if len(text) > MAX_SECTION_CHARACTERS:
        return TOO_LONG.format(length=len(text))
    return None


def render(text: str) -> SafeString:
    """Markdown to HTML, then cleaned by nh3, so that nothing a user types runs or loads.

    GitHub's CommonMark (cmark-gfm, in C) with its tables and autolinks: its time grows in step
    with the text, however hostile (see docs/performance.md), where Python-Markdown took
    seconds for a few thousand ``[``. HTML typed among the Markdown is passed by cmark (which
    would otherwise drop it, words and all) to nh3, which keeps its words and the tags of
    ``ALLOWED_TAGS`` only. The headings typed are kept below the page's own (``PAGE_HEADING``)."""
    html = cmarkgfm.markdown_to_html_with_extensions(
        text, options=Options.CMARK_OPT_UNSAFE, extensions=["table", "autolink"]
    )
    html = shift_headings(html, below=PAGE_HEADING)
    return mark_safe(clean(flatten(html)))  # noqa: S308 - cleaned by nh3


def flatten(html: str) -> str:
    """cmark's HTML with every element nested deeper than ``MAX_NESTING`` taken out and its text
    kept, in one pass (HTML typed by the writer may be unbalanced: nh3 mends what this leaves)."""
    out: list[str] = []
    kept: list[bool] = []
    done = 0
    for tag in TAG.finditer(html):
        out.append(html[done : tag.start()])
        done = tag.end()
        if tag[1]:
            if kept.pop() if kept else True:
                out.append(tag[0])
        elif tag[2].lower() in VOID_TAGS or tag[3]:
            out.append(tag[0])
        else:
            kept.append(len(kept) < MAX_NESTING)
            if kept[-1]:
                out.append(tag[0])
    out.append(html[done:])
    return "".join(out)


def clean(html: str, *, links: bool = True) -> str:
    """HTML cut down to ``ALLOWED_TAGS``; without ``links`` (the publication version) a link
    keeps its words and loses its address."""
    tags = ALLOWED_TAGS if links else ALLOWED_TAGS - {"a"}
    return nh3.clean(html, tags=tags, url_schemes={"https", "mailto"})


def first_block(html: str) -> str:
    """The first paragraph, list, table or other block of rendered HTML (the executive
    summary's part of a section)."""
    depth = 0
    for tag in TAG.finditer(html):
        if tag[2].lower() not in VOID_TAGS and not tag[3]:
            depth += -1 if tag[1] else 1
        if depth == 0:
            return html[: tag.end()]
    return html


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
    if reason := too_long(text):
        raise ReviewError(reason)
    html = render(text)
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
        last.text, last.html, last.saved_at = text, html, now
        last.save(update_fields=["text", "html", "saved_at"])
    else:
        FindingVersion.objects.create(
            section=section,
            number=(last.number + 1) if last else 1,
            text=text,
            html=html,
            author=by,
            saved_at=now,
        )
    if not mine:
        section.run_from = section.version
    section.text, section.html, section.version = text, html, section.version + 1
    section.updated_by, section.updated_at = by, now
    section.saved_page, section.saved_edit = page, edit
    section.save(
        update_fields=[
            "text",
            "html",
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


HEADING_TAG = re.compile(r"<(/?)h([1-6])\b", re.IGNORECASE)


def shift_headings(html: str, *, below: int) -> str:
    """The headings of ``html`` (h1 to h6, as Markdown or typed HTML makes them) moved below a
    heading of level ``below`` (1 to 5), keeping their order of rank: the highest typed becomes
    ``below + 1``, the next ``below + 2``, none skipped (PDF/UA and WCAG 1.3.1 want no gap
    in the outline), none past h6. Run before nh3, which cleans whatever this gives."""
    typed = sorted({int(level) for _, level in HEADING_TAG.findall(html)})
    ranks = {level: min(below + 1 + rank, 6) for rank, level in enumerate(typed)}
    return HEADING_TAG.sub(lambda tag: f"<{tag[1]}h{ranks[int(tag[2])]}", html)
