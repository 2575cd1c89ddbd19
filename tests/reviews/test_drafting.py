"""Findings drafted online: autosave, two writers on one section, versions, restore, Markdown."""

import re
from collections.abc import Callable

import pytest
from django.test import Client

from cmr_portal.kernel.audit.models import AuditEvent
from panels.models import User
from reviews import drafting
from reviews.models import FindingSection, FindingVersion, Review
from reviews.services import ReviewError
from tests.conftest import Personas, at_once, sign_in
from tests.reviews import flow


@pytest.fixture
def review(personas: Personas) -> Review:
    return flow.with_team(personas)


def section_url(review: Review, rest: str = "") -> str:
    return f"/reviews/{review.uuid}/findings/prevention/{rest}"


def test_autosave_saves_and_moves_the_version_on(personas: Personas, review: Review) -> None:
    lead = sign_in(Client(), personas.lead_reviewer)
    response = lead.post(
        section_url(review, "autosave/"), {"text": "First words.", "base_version": 0}
    )
    body = response.content.decode()
    assert "Saved at" in body
    assert 'id="base-version" value="1" hx-swap-oob="true"' in body
    lead.post(section_url(review, "autosave/"), {"text": "First words, more.", "base_version": 1})
    section = FindingSection.objects.get(review=review, key="prevention")
    assert (section.text, section.version) == ("First words, more.", 2)
    # One writer saving as they type makes one entry of the history, not one per save.
    assert FindingVersion.objects.filter(section=section).count() == 1
    assert AuditEvent.objects.filter(action="review.findings_saved").count() == 2


def test_two_writers_on_one_section_lose_nothing(personas: Personas, review: Review) -> None:
    lead = sign_in(Client(), personas.lead_reviewer)
    other = sign_in(Client(), personas.reviewer)
    # Both open the section at version 0.
    for client in (lead, other):
        assert 'id="base-version" value="0"' in client.get(section_url(review)).content.decode()
    lead.post(section_url(review, "autosave/"), {"text": "The lead's words.", "base_version": 0})
    stale = other.post(
        section_url(review, "autosave/"), {"text": "The reviewer's words.", "base_version": 0}
    )
    body = stale.content.decode()
    assert "Someone else saved this section while you were writing" in body
    assert "The lead&#x27;s words." in body  # their text, shown beside the box that keeps yours
    assert "hx-swap-oob" not in body  # the version stays stale: nothing more saves silently
    section = FindingSection.objects.get(review=review, key="prevention")
    assert section.text == "The lead's words."

    # Without scripts, the form's Save shows the same choice, with the writer's text kept.
    page = other.post(section_url(review), {"text": "The reviewer's words.", "base_version": 0})
    assert page.status_code == 409
    body = page.content.decode()
    assert "The reviewer&#x27;s words.</textarea>" in body
    assert re.search(r'name="overwrite" value="1"', body)
    # The writer chooses their own text, knowingly.
    chosen = other.post(
        section_url(review),
        {"text": "Both: the lead's and the reviewer's.", "base_version": 0, "overwrite": 1},
    )
    assert chosen.status_code == 302
    section.refresh_from_db()
    assert section.text == "Both: the lead's and the reviewer's."
    texts = list(FindingVersion.objects.filter(section=section).values_list("text", flat=True))
    assert "The lead's words." in texts  # the overwritten text stays in the history


def test_a_version_can_be_compared_and_restored(personas: Personas, review: Review) -> None:
    section = FindingSection.objects.get(review=review, key="prevention")
    drafting.save_section(section, text="One\nTwo", base_version=0, by=personas.lead_reviewer)
    drafting.save_section(section, text="One\nThree", base_version=1, by=personas.reviewer)
    lead = sign_in(Client(), personas.lead_reviewer)
    history = lead.get(section_url(review, "history/?version=1")).content.decode()
    assert re.search(r"<del[^>]*>.*Removed: </span>Two</del>", history)
    assert re.search(r"<ins[^>]*>.*Added: </span>Three</ins>", history)
    response = lead.post(section_url(review, "versions/1/restore/"), {"base_version": 2})
    assert response.status_code == 302
    section.refresh_from_db()
    assert (section.text, section.version) == ("One\nTwo", 3)
    assert FindingVersion.objects.filter(section=section).count() == 3


def test_only_the_team_drafts_and_only_while_drafting(personas: Personas, review: Review) -> None:
    section = FindingSection.objects.get(review=review, key="prevention")
    with pytest.raises(ReviewError):
        drafting.save_section(section, text="x", base_version=0, by=personas.sbni_officer)
    Review.objects.filter(pk=review.pk).update(stage=Review.Stage.PANEL_SCRUTINY)
    with pytest.raises(ReviewError):
        drafting.save_section(section, text="x", base_version=0, by=personas.lead_reviewer)


@pytest.mark.parametrize(
    "unsafe",
    [
        "<script>alert('x')</script>",
        '<img src="http://127.0.0.1:9/x.png">',
        "![x](http://127.0.0.1:9/x.png)",
        "[click](javascript:alert(1))",
        '<p style="background:url(file:///etc/passwd)">x</p>',
        '<a href="file:///etc/passwd">x</a>',
    ],
)
def test_markdown_never_renders_anything_that_runs_or_loads(unsafe: str) -> None:
    html = str(drafting.render(unsafe))
    for needle in ("<script", "<img", "javascript:", "style=", "file:", "127.0.0.1"):
        assert needle not in html, html


def test_markdown_keeps_the_structure_of_the_text() -> None:
    html = str(
        drafting.render("## Heading\n\n* one\n* two\n\n**bold** [SBNI](https://example.org)")
    )
    assert "<h2>Heading</h2>" in html
    assert "<li>one</li>" in html
    assert "<strong>bold</strong>" in html
    assert 'href="https://example.org"' in html


def test_comments_are_for_the_team(personas: Personas, review: Review) -> None:
    reviewer = sign_in(Client(), personas.reviewer)
    reviewer.post(section_url(review, "comments/"), {"text": "Check the dates (fictional)."})
    page = sign_in(Client(), personas.lead_reviewer).get(section_url(review)).content.decode()
    assert "Check the dates (fictional)." in page
    officer = sign_in(Client(), personas.sbni_officer)
    assert officer.post(section_url(review, "comments/"), {"text": "x"}).status_code == 404


# A writer's own saves never conflict with each other, in whatever order the browser sends them
# (issue 15, item 7); only another person's save is a conflict.


def saving(
    section: FindingSection, text: str, base: int, by: User, *, page: str = "", edit: int = 0
) -> FindingSection:
    return drafting.save_section(section, text=text, base_version=base, by=by, page=page, edit=edit)


def current(section: FindingSection) -> tuple[str, int]:
    section.refresh_from_db()
    return section.text, section.version


def test_two_autosaves_out_of_order_keep_the_later_text(personas: Personas, review: Review) -> None:
    section = review.sections.get(key="prevention")
    lead = personas.lead_reviewer
    # Both sent from version 0 by one page; the later edit arrives first.
    saving(section, "Words typed later (fictional).", 0, lead, page="a1", edit=2)
    late = saving(section, "Words typed", 0, lead, page="a1", edit=1)
    assert current(section) == ("Words typed later (fictional).", 1)
    assert late.version == 1  # the answer tells the tab the latest version
    # From another page of the writer's, or without a script, the last to arrive wins.
    saving(section, "From another tab (fictional).", 0, lead, page="b2", edit=1)
    saving(section, "Without a script (fictional).", 1, lead)
    assert current(section) == ("Without a script (fictional).", 3)


def test_save_while_an_autosave_is_on_its_way(personas: Personas, review: Review) -> None:
    section = review.sections.get(key="prevention")
    lead = personas.lead_reviewer
    saving(section, "First (fictional).", 0, lead, page="a1", edit=1)
    # The autosave of edit 2 arrives, then Save with edit 3, both from version 1.
    saving(section, "First, more (fictional).", 1, lead, page="a1", edit=2)
    saving(section, "First, more and more (fictional).", 1, lead, page="a1", edit=3)
    assert current(section) == ("First, more and more (fictional).", 3)
    # Save first, the autosave after it: the autosave's older text is not saved over Save's.
    saving(section, "Saved by clicking Save (fictional).", 3, lead, page="c3", edit=5)
    saving(section, "Saved by clicking", 3, lead, page="c3", edit=4)
    assert current(section) == ("Saved by clicking Save (fictional).", 4)
    assert not AuditEvent.objects.filter(changes__version=5).exists()


def test_the_same_text_saved_again_is_a_success(personas: Personas, review: Review) -> None:
    section = review.sections.get(key="prevention")
    saving(section, "Agreed words (fictional).", 0, personas.lead_reviewer)
    saving(section, "Agreed words (fictional).", 0, personas.lead_reviewer)
    # Even another person's identical text, from before the save, is no conflict.
    saved = saving(section, "Agreed words (fictional).", 0, personas.reviewer)
    assert (saved.version, saved.updated_by) == (1, personas.lead_reviewer)
    assert AuditEvent.objects.filter(action="review.findings_saved").count() == 1


def test_text_put_back_after_signing_in_again_saves(personas: Personas, review: Review) -> None:
    section = review.sections.get(key="prevention")
    lead = personas.lead_reviewer
    saving(section, "Before the break (fictional).", 0, lead, page="a1", edit=1)
    saving(section, "Before the break, more (fictional).", 1, lead, page="a1", edit=2)
    # Signed out; the tab kept its text with version 1. After signing in again the page is a new
    # one at version 2, and the kept text is put back on version 1.
    saving(section, "Before the break, and kept (fictional).", 1, lead, page="d4", edit=1)
    assert current(section) == ("Before the break, and kept (fictional).", 3)
    # Restoring from the history on an older version of the writer's own is no conflict either.
    drafting.save_section(
        section, text="A new entry (fictional).", base_version=3, by=lead, new_entry=True
    )
    drafting.restore(section.versions.get(number=1), base_version=2, by=lead)
    assert current(section) == ("Before the break, and kept (fictional).", 5)


def test_another_persons_save_in_between_is_a_conflict(personas: Personas, review: Review) -> None:
    section = review.sections.get(key="prevention")
    lead, other = personas.lead_reviewer, personas.reviewer
    saving(section, "The lead's (fictional).", 0, lead, page="a1", edit=1)
    saving(section, "The reviewer's (fictional).", 1, other)
    saving(section, "The reviewer's, more (fictional).", 1, other)  # their own: no conflict
    for base in (0, 1, 2):
        with pytest.raises(drafting.DraftConflict) as conflict:
            saving(section, "The lead's, more (fictional).", base, lead, page="a1", edit=2)
        assert conflict.value.section.updated_by == other
        assert conflict.value.yours_version == base
    # The lead chooses their text; the reviewer's saves from before it now conflict, and the
    # lead's own from before the reviewer's still do.
    saving(section, "The lead's, chosen (fictional).", 3, lead)
    with pytest.raises(drafting.DraftConflict):
        saving(section, "The reviewer's, late (fictional).", 2, other)
    with pytest.raises(drafting.DraftConflict):
        saving(section, "The lead's, late (fictional).", 1, lead, page="a1", edit=3)
    saving(section, "The lead's, again (fictional).", 3, lead)
    assert current(section) == ("The lead's, again (fictional).", 5)


def test_save_clicked_while_an_autosave_is_on_its_way_is_saved(
    personas: Personas, review: Review
) -> None:
    lead = sign_in(Client(), personas.lead_reviewer)
    sent = {"base_version": 0, "page": "f00d", "edit": 1}
    lead.post(section_url(review, "autosave/"), {**sent, "text": "Typed (fictional)."})
    # The Save button posts the same text from the same version, and then a little more.
    for edit, text in ((1, "Typed (fictional)."), (2, "Typed, more (fictional).")):
        response = lead.post(section_url(review), {**sent, "edit": edit, "text": text}, follow=True)
        body = response.content.decode()
        assert response.status_code == 200
        assert "The section is saved." in body
        assert "Someone else saved" not in body
    page = lead.get(section_url(review)).content.decode()
    assert "Typed, more (fictional).</textarea>" in page
    assert 'id="base-version" value="2"' in page


@pytest.mark.parametrize(
    ("page", "edit"),
    [
        ("x" * 33, "1"),
        ("not an id!", "1"),
        ("a1", "-1"),
        ("a1", "0"),
        ("a1", "99999999999999999999999"),
        ("a1", "\u0661"),  # an Arabic-Indic digit one
        ("a1", ""),
    ],
)
def test_what_no_page_sends_is_ignored(
    personas: Personas, review: Review, page: str, edit: str
) -> None:
    lead = sign_in(Client(), personas.lead_reviewer)
    posted = {"base_version": 0, "page": page, "edit": edit, "text": "Kept (fictional)."}
    assert "Saved at" in lead.post(section_url(review, "autosave/"), posted).content.decode()
    section = review.sections.get(key="prevention")
    assert (section.text, section.saved_page, section.saved_edit) == ("Kept (fictional).", "", 0)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_saves_at_once_conflict_only_between_two_people(personas: Personas) -> None:
    review = flow.with_team(personas)
    section = review.sections.get(key="prevention")
    lead, other = personas.lead_reviewer, personas.reviewer

    def by(person: User, text: str, edit: int = 0) -> Callable[[], FindingSection]:
        return lambda: saving(section, text, 0, person, page="a1" if edit else "", edit=edit)

    # One writer's autosave and Save at once, in either order: no conflict, the later edit kept.
    outcomes = at_once(by(lead, "Typed (fictional).", 1), by(lead, "Typed, more (fictional).", 2))
    assert all(isinstance(outcome, FindingSection) for outcome in outcomes), outcomes
    assert current(section)[0] == "Typed, more (fictional)."
    # Two people at once from the same version: one is saved, the other told of a conflict.
    base = current(section)[1]
    outcomes = at_once(
        lambda: saving(section, "The lead's (fictional).", base, lead),
        lambda: saving(section, "The reviewer's (fictional).", base, other),
    )
    conflicts = [outcome for outcome in outcomes if isinstance(outcome, drafting.DraftConflict)]
    assert len(conflicts) == 1, outcomes
    assert current(section)[0] in ("The lead's (fictional).", "The reviewer's (fictional).")


# Hostile Markdown, each of the kind that made Python-Markdown take seconds or the HTML cleaner
# minutes (4,000 "[" took 4.8 s and were rendered again on every view). Their times are in the
# benchmark (benchmark_markdown), not here: here, what a writer sees.
HOSTILE = {
    "brackets": "[" * 4000,
    "images": "![" * 20_000,
    "links": "[a](" * 20_000,
    "emphasis": "*a" * 40_000,
    "backticks": "`a``" * 20_000,
    "quotes": ">" * 50_000 + " deepest words",
    "quotes and lists": "> - " * 20_000 + "deepest words",
    "brackets and ampersands": "<&" * 40_000,
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_markdown_is_saved_and_shown_as_its_text(
    personas: Personas, review: Review, name: str
) -> None:
    text = HOSTILE[name]
    lead = sign_in(Client(), personas.lead_reviewer)
    response = lead.post(section_url(review), {"text": text, "base_version": 0})
    assert response.status_code == 302
    page = lead.get(section_url(review)).content.decode()
    if "deepest words" in text:  # nested past 20 levels: the words are still there
        assert "deepest words" in page
        assert page.count("<blockquote>") <= drafting.MAX_NESTING
    if name == "brackets and ampersands":
        assert "&lt;&amp;&lt;&amp;" in page  # shown as typed, never as markup


def test_the_section_is_rendered_once_for_each_version(personas: Personas, review: Review) -> None:
    lead = sign_in(Client(), personas.lead_reviewer)
    lead.post(section_url(review), {"text": "| Agency | Seen |\n|---|---|\n| PSNI | yes |",
                                    "base_version": 0})  # fmt: skip
    section = FindingSection.objects.get(review=review, key="prevention")
    version = section.versions.get()
    assert "<td>PSNI</td>" in section.html  # tables still work
    assert version.html == section.html
    # What every page shows is the HTML kept at the save, not the text rendered again.
    FindingSection.objects.filter(pk=section.pk).update(html="<p>Kept at the save.</p>")
    assert "Kept at the save." in lead.get(section_url(review)).content.decode()
    assert "Kept at the save." in lead.get(f"/reviews/{review.uuid}/report/").content.decode()


def test_a_section_too_long_is_refused_with_the_text_kept(
    personas: Personas, review: Review
) -> None:
    lead = sign_in(Client(), personas.lead_reviewer)
    text = "Fictional words. " * 6000  # 102,000 characters
    page = lead.post(section_url(review), {"text": text, "base_version": 0}).content.decode()
    assert "The section must be 100,000 characters or fewer: yours has 102,000" in page
    assert text.strip() in page  # shown for the writer to copy
    autosaved = lead.post(section_url(review, "autosave/"), {"text": text, "base_version": 0})
    assert (
        "Not saved: The section must be 100,000 characters or fewer" in autosaved.content.decode()
    )
    preview = lead.post(section_url(review, "preview/"), {"text": text})
    assert "100,000 characters or fewer" in preview.content.decode()
    assert FindingSection.objects.get(review=review, key="prevention").version == 0
    limit = "a" * drafting.MAX_SECTION_CHARACTERS
    assert lead.post(section_url(review), {"text": limit, "base_version": 0}).status_code == 302
