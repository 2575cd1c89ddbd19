"""The review workspace in the browser's place: every page for the people who use it, the task
list's states, and a review run from its team to its closure."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from panels.models import Agency
from reviews import drafting, services
from reviews.models import Action, AgencyReport, ChronologyEntry, Review
from tests import files
from tests.conftest import Personas, sign_in
from tests.referrals.test_referral_pages import date_fields
from tests.reviews import flow

TODAY = timezone.localdate()


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def urls(review: Review) -> list[str]:
    base = f"/reviews/{review.uuid}/"
    section = f"{base}findings/what_happened/"
    return [
        "/reviews/",
        base,
        f"{base}team/",
        f"{base}terms/",
        f"{base}agency-reports/",
        f"{base}chronology/",
        f"{base}chronology/import/",
        f"{base}findings/",
        section,
        f"{section}history/",
        f"{base}recommendations/",
        f"{base}report/",
        f"{base}approval/",
        f"{base}themes/",
    ]


def test_every_workspace_page_opens_for_the_team(personas: Personas) -> None:
    review = flow.drafted(personas)
    lead = sign_in(Client(), personas.lead_reviewer)
    for url in urls(review):
        page(lead, url)
    workspace = page(lead, f"/reviews/{review.uuid}/")
    for title in ("Set-up", "Terms of reference", "Analysis and findings", "Closure"):
        assert title in workspace
    assert "6 of 6 drafted" not in workspace  # completed sections say Completed
    assert "1 recommendation<" in workspace


def test_the_workspace_costs_the_same_queries_however_much_it_holds(
    personas: Personas,
) -> None:
    review = flow.drafted(personas)
    lead = sign_in(Client(), personas.lead_reviewer)
    url = f"/reviews/{review.uuid}/"
    lead.get(url)
    with CaptureQueriesContext(connection) as small:
        lead.get(url)
    psni = Agency.objects.get(short_name="PSNI")
    services.add_chronology_entries(
        review,
        [
            {
                "date": TODAY - datetime.timedelta(days=n),
                "agency": psni,
                "event": f"Fictional event {n}",
                "significance": "context",
            }
            for n in range(1, 40)
        ],
        by=personas.reviewer,
        source="test",
    )
    with CaptureQueriesContext(connection) as large:
        lead.get(url)
    assert len(large) == len(small)
    assert len(small) <= 20, [query["sql"] for query in small.captured_queries]


def test_the_referring_panel_sees_progress_only(personas: Personas) -> None:
    review = flow.drafted(personas)
    panel = sign_in(Client(), personas.belfast_member)
    body = page(panel, f"/reviews/{review.uuid}/")
    assert "Your panel can follow the review's progress here" in body
    assert f"/reviews/{review.uuid}/findings/" not in body
    assert panel.get(f"/reviews/{review.uuid}/findings/").status_code == 404
    assert review.reference in page(panel, "/reviews/")
    western = sign_in(Client(), personas.western_member)
    assert western.get(f"/reviews/{review.uuid}/").status_code == 404
    assert review.reference not in page(western, "/reviews/")


def test_a_review_runs_from_its_team_to_its_closure_page_by_page(personas: Personas) -> None:
    review = flow.opened(personas)
    base = f"/reviews/{review.uuid}/"
    officer = sign_in(Client(), personas.sbni_officer)
    for person, role in ((personas.lead_reviewer, "lead"), (personas.reviewer, "reviewer")):
        assert officer.post(f"{base}team/", {"user": person.pk, "role": role}).status_code == 302

    lead = sign_in(Client(), personas.lead_reviewer)
    psni = Agency.objects.get(short_name="PSNI")
    terms = {
        **date_fields("period_from", TODAY - datetime.timedelta(days=400)),
        **date_fields("period_to", TODAY - datetime.timedelta(days=10)),
        "lines_of_enquiry": "Fictional lines of enquiry.",
        "purposes": ["facts", "worked_well"],
        "agencies": [psni.pk],
        **date_fields("agreed_on", TODAY),
    }
    assert lead.post(f"{base}terms/", terms).status_code == 302
    assert "Version 1, saved by" in page(lead, f"{base}terms/")
    response = lead.post(
        f"{base}agency-reports/",
        {
            "agency": psni.pk,
            "contact": personas.agency_contact.pk,
            "asked": "Your report and chronology (fictional).",
            **date_fields("due_date", TODAY + datetime.timedelta(days=15)),
        },
    )
    assert response.status_code == 302
    report = AgencyReport.objects.get()
    contact = sign_in(Client(), personas.agency_contact)
    contact.post(
        f"{base}agency-reports/{report.uuid}/",
        {
            "report": files.upload("report.pdf", files.PDF),
            "chronology": files.upload("chronology.xlsx", files.XLSX),
        },
    )
    lead.post(f"{base}agency-reports/{report.uuid}/accept/")
    assert AgencyReport.objects.get().status == AgencyReport.Status.ACCEPTED

    reviewer = sign_in(Client(), personas.reviewer)
    entry = {
        **date_fields("date", TODAY - datetime.timedelta(days=30)),
        "agency": psni.pk,
        "event": "Fictional home visit.",
        "significance": "key",
    }
    assert reviewer.post(f"{base}chronology/", entry).status_code == 302
    assert ChronologyEntry.objects.count() == 1
    for key in (
        "what_happened",
        "prevention",
        "typicality",
        "changes",
        "practice_changed",
        "family_views",
    ):
        reviewer.post(
            f"{base}findings/{key}/autosave/", {"text": f"Fictional {key}.", "base_version": 0}
        )
    lead.post(f"{base}findings/worked_well/", {"text": "Fictional good work.", "base_version": 0})
    assert "Fictional typicality." in page(lead, f"{base}findings/typicality/")

    changes = review.sections.get(key="changes")
    lead.post(
        f"{base}recommendations/", {"text": "Fictional recommendation.", "findings": [changes.pk]}
    )
    recommendation = review.recommendations.get()
    action = {
        "agency": psni.pk,
        "owner": "Fictional post",
        "description": "Fictional action.",
        **date_fields("due_date", TODAY + datetime.timedelta(days=60)),
        "measure": "Fictional measure.",
    }
    assert (
        lead.post(f"{base}recommendations/{recommendation.uuid}/actions/", action).status_code
        == 302
    )
    assert "Fictional good work." in page(lead, f"{base}report/")

    def step(client: Client, name: str, comments: str = "") -> None:
        review.refresh_from_db()
        response = client.post(
            f"{base}approval/",
            {"step": name, "seen": review.stage, f"{name}-comments": comments},
        )
        assert response.status_code == 302, response.content.decode()

    step(lead, "submit")
    step(sign_in(Client(), personas.cmr_panel_chair), "panel_approve")
    step(sign_in(Client(), personas.sbni_chair), "chair_approve")
    made = Action.objects.get()
    officer.post(
        f"{base}actions/{made.uuid}/", {"status": "completed", "note": "Done (fictional)."}
    )
    officer.post(f"{base}actions/{made.uuid}/verify/")
    step(officer, "close")
    review.refresh_from_db()
    assert review.status == Review.Status.CLOSED
    workspace = page(officer, base)
    assert workspace.count("Completed") >= 8


PAGES = ["", "terms/", "agency-reports/", "chronology/", "findings/", "findings/changes/",
         "findings/changes/history/", "recommendations/", "report/", "approval/"]  # fmt: skip


@pytest.mark.parametrize("rest", PAGES)
def test_each_workspace_page_costs_the_same_queries_with_more_records(
    personas: Personas, rest: str
) -> None:
    review = flow.drafted(personas)
    url = f"/reviews/{review.uuid}/{rest}"
    lead = sign_in(Client(), personas.lead_reviewer)
    lead.get(url)

    def counted() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert lead.get(url).status_code == 200
        return len(queries)

    before = counted()
    psni = Agency.objects.get(short_name="PSNI")
    services.add_chronology_entries(
        review,
        [
            {"date": TODAY, "agency": psni, "event": f"Fictional {n}", "significance": "context"}
            for n in range(30)
        ],
        by=personas.reviewer,
        source="test",
    )
    section = review.sections.get(key="changes")
    for n in range(5):
        section.refresh_from_db()
        drafting.save_section(
            section,
            text=f"Fictional version {n}",
            base_version=section.version,
            by=personas.reviewer if n % 2 else personas.lead_reviewer,
        )
    for n in range(5):
        recommendation = services.add_recommendation(
            review, text=f"Fictional {n}", findings=[section], by=personas.lead_reviewer
        )
        services.add_action(
            recommendation,
            {
                "agency": psni,
                "owner": "Fictional",
                "description": "Fictional",
                "due_date": TODAY,
                "measure": "Fictional",
            },
            by=personas.lead_reviewer,
        )
    assert counted() == before
    assert before <= 25


def test_the_recommendation_form_offers_every_findings_section(personas: Personas) -> None:
    """Its choices are set after the form is made: they must not be frozen empty."""
    review = flow.with_team(personas)
    body = page(
        sign_in(Client(), personas.lead_reviewer), f"/reviews/{review.uuid}/recommendations/"
    )
    assert body.count('name="findings"') == len(review.sections.all())
