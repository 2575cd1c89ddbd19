"""A review's history as people read it (stage changes, approvals, returns, exports), a long
text's changes line by line, and who has viewed it (issue 17, item 2). All of it fictional."""

import html
import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cmr_portal.kernel.audit.models import AuditEvent
from reviews import services
from reviews.models import Review
from tests.conftest import Personas, sign_in
from tests.reviews import flow


def page_text(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


def returned(personas: Personas) -> Review:
    """A drafted review submitted, returned by the CMR Panel's chair with comments."""
    review = flow.drafted(personas)
    services.take_step(review, "submit", by=personas.lead_reviewer)
    services.take_step(
        review,
        "panel_return",
        comments="Fictional: say more about the school's part.",
        by=personas.cmr_panel_chair,
    )
    return review


def test_the_history_shows_stages_returns_and_exports_without_views(personas: Personas) -> None:
    review = returned(personas)
    lead = sign_in(Client(), personas.lead_reviewer)
    assert lead.get(f"/reviews/{review.uuid}/chronology/export/").status_code == 200
    lead.get(f"/reviews/{review.uuid}/")
    page = page_text(lead, f"/reviews/{review.uuid}/history/")
    assert re.search(
        r"Stage</dt>.*Before: </span><span[^>]*>Being drafted</span>.*"
        r"After: </span><span[^>]*>With the CMR Panel chair<",
        page,
    )
    assert re.search(r"Comments</dt>.*Fictional: say more about the school's part.", page)
    assert "Return the draft report" in page
    assert "chronology" in page.lower()  # the export is in the history
    assert "Viewed" not in page
    assert AuditEvent.objects.filter(
        actor=personas.lead_reviewer, action="review.viewed", summary__contains="the history"
    ).exists()


def test_a_change_of_the_lines_of_enquiry_is_compared_line_by_line(personas: Personas) -> None:
    review = flow.drafted(personas)
    changed = flow.terms_values() | {"lines_of_enquiry": "Fictional: how did schools share?"}
    services.save_terms(review, changed, by=personas.lead_reviewer)
    reviewer = sign_in(Client(), personas.reviewer)
    page = page_text(reviewer, f"/reviews/{review.uuid}/history/")
    link = f"/reviews/{review.uuid}/history/lines_of_enquiry/1/"
    assert f'href="{link}"' in page
    compared = page_text(reviewer, link)
    assert "Key lines of enquiry: change 1 of 1" in compared
    assert "Removed: </span>Fictional: how did agencies share what they knew?</del>" in compared
    assert "Added: </span>Fictional: how did schools share?</ins>" in compared


def test_who_has_viewed_a_review_is_for_sbni_staff_only(personas: Personas) -> None:
    """Not the referring panel's chair, who follows the progress only: the page would name the
    review team and the SBNI's people at work on it."""
    review = flow.drafted(personas)
    for _ in range(2):
        sign_in(Client(), personas.reviewer).get(f"/reviews/{review.uuid}/")
    url = f"/reviews/{review.uuid}/history/viewed/"
    page = page_text(sign_in(Client(), personas.sbni_officer), url)
    assert re.search(rf"{re.escape(personas.reviewer.full_name)}</td>\s*<td[^>]*>2<", page)
    for name in ("sbni_officer", "cmr_panel_chair", "sbni_chair"):
        assert sign_in(Client(), getattr(personas, name)).get(url).status_code == 200, name
    for name in ("belfast_chair", "belfast_member", "western_member", "lead_reviewer", "reviewer"):
        assert sign_in(Client(), getattr(personas, name)).get(url).status_code == 404, name


def queries_for(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_review_history_costs_the_same_queries_however_long(personas: Personas) -> None:
    review = flow.drafted(personas)
    changed = flow.terms_values() | {"lines_of_enquiry": "Fictional: a first change."}
    services.save_terms(review, changed, by=personas.lead_reviewer)  # a long text compared
    officer = sign_in(Client(), personas.sbni_officer)
    history, viewers = f"/reviews/{review.uuid}/history/", f"/reviews/{review.uuid}/history/viewed/"
    officer.get(history)
    few = queries_for(officer, history), queries_for(officer, viewers)
    for number in range(4):
        changed = flow.terms_values() | {"lines_of_enquiry": f"Fictional: line {number}."}
        services.save_terms(review, changed, by=personas.lead_reviewer)
        sign_in(Client(), personas.reviewer).get(f"/reviews/{review.uuid}/")
    services.take_step(review, "submit", by=personas.lead_reviewer)
    assert (queries_for(officer, history), queries_for(officer, viewers)) == few
