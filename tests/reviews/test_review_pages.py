"""The review workspace in the browser's place: every page for the people who use it, the task
list's states, and a review run from its team to its closure."""

import datetime

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from panels.models import Agency
from reviews import services
from reviews.models import Review
from tests.conftest import Personas, sign_in
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
    assert "1 recommendations" in workspace


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
