"""Correcting a chronology entry: a page per entry with the form that adds them, by the review
team only while the review is drafted, audited with the values before and after."""

import datetime

import pytest
from django.test import Client

from cmr_portal.kernel.audit.models import AuditEvent
from panels.models import Agency
from referrals.workflow import ReferralError
from reviews import services
from reviews.models import ChronologyEntry, Review
from tests.conftest import Personas, sign_in
from tests.referrals.test_referral_pages import date_fields
from tests.reviews import flow

DAY = flow.TODAY - datetime.timedelta(days=30)


@pytest.fixture
def entry(personas: Personas) -> ChronologyEntry:
    review = flow.with_team(personas)
    [made] = services.add_chronology_entries(
        review,
        [
            {
                "date": DAY,
                "agency": Agency.objects.get(short_name="PSNI"),
                "event": "A home visit (fictional).",
                "significance": "relevant",
            }
        ],
        by=personas.reviewer,
        source="typed in",
    )
    return made


def url(entry: ChronologyEntry) -> str:
    return f"/reviews/{entry.review.uuid}/chronology/{entry.uuid}/"


def values(**changed: object) -> dict[str, object]:
    return {
        **date_fields("date", DAY),
        "agency": Agency.objects.get(short_name="PSNI").pk,
        "event": "A home visit (fictional).",
        "significance": "relevant",
        "source": "",
        "notes": "",
    } | changed


def test_a_reviewer_corrects_an_entry_and_the_history_keeps_both(
    personas: Personas, entry: ChronologyEntry
) -> None:
    lead = sign_in(Client(), personas.lead_reviewer)
    chronology = lead.get(f"/reviews/{entry.review.uuid}/chronology/").content.decode()
    assert url(entry) in chronology
    form = lead.get(url(entry)).content.decode()
    assert f'value="{DAY.day}"' in form  # the date input, filled in
    assert "A home visit (fictional)." in form
    ea = Agency.objects.get(short_name="EA")
    changed = values(
        event="A home visit by two officers (fictional).", significance="key", agency=ea.pk
    )
    response = lead.post(url(entry), changed, follow=True)
    assert "The entry has been saved." in response.content.decode()
    entry.refresh_from_db()
    assert (entry.event, entry.significance, entry.agency) == (
        "A home visit by two officers (fictional).",
        "key",
        ea,
    )
    event = AuditEvent.objects.get(action="review.chronology_changed")
    assert event.changes["event"] == [
        "A home visit (fictional).",
        "A home visit by two officers (fictional).",
    ]
    assert event.changes["significance"] == ["relevant", "key"]
    assert event.changes["agency"] == ["Police Service of Northern Ireland", "Education Authority"]
    assert "date" not in event.changes
    assert AuditEvent.objects.filter(
        action="review.viewed", summary__startswith="Viewed the chronology entry"
    ).exists()


def test_bad_input_says_what_is_wrong_keeps_the_text_and_changes_nothing(
    personas: Personas, entry: ChronologyEntry
) -> None:
    reviewer = sign_in(Client(), personas.reviewer)
    typed = values(
        **date_fields("end_date", DAY - datetime.timedelta(days=1)),
        event="Corrected words (fictional).",
    )
    page = reviewer.post(url(entry), typed).content.decode()
    assert "The end date must be on or after the date" in page
    assert "Corrected words (fictional)." in page
    page = reviewer.post(url(entry), values(event="x" * 2001)).content.decode()
    assert "What happened must be 2000 characters or fewer" in page
    entry.refresh_from_db()
    assert entry.event == "A home visit (fictional)."
    assert not AuditEvent.objects.filter(action="review.chronology_changed").exists()


def test_saving_without_a_change_records_nothing(
    personas: Personas, entry: ChronologyEntry
) -> None:
    reviewer = sign_in(Client(), personas.reviewer)
    assert reviewer.post(url(entry), values()).status_code == 302
    assert not AuditEvent.objects.filter(action="review.chronology_changed").exists()


def test_only_the_review_team_while_drafting_may_correct(
    personas: Personas, entry: ChronologyEntry
) -> None:
    for person in (personas.agency_contact, personas.sbni_officer, personas.belfast_chair):
        client = sign_in(Client(), person)
        assert client.get(url(entry)).status_code == 404
        assert client.post(url(entry), values(event="Changed (fictional).")).status_code == 404
    Review.objects.filter(pk=entry.review_id).update(stage=Review.Stage.PANEL_SCRUTINY)
    lead = sign_in(Client(), personas.lead_reviewer)
    assert lead.get(url(entry)).status_code == 404
    with pytest.raises(ReferralError, match="only while it is being drafted"):
        services.change_chronology_entry(
            entry,
            {
                "date": DAY,
                "end_date": None,
                "agency": entry.agency,
                "event": "Changed (fictional).",
                "source": "",
                "significance": "relevant",
                "notes": "",
            },
            by=personas.lead_reviewer,
        )
    entry.refresh_from_db()
    assert entry.event == "A home visit (fictional)."
