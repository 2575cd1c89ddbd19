"""Who is told (issue 19, item 4): the log of notifications to outside bodies, the decision letter
to each agency involved and the notice of publication to the Department of Health, read back
from their PDFs; what is refused, and the audit trail. Every record is fictional."""

import datetime
import re
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django.fixtures import Settings

from cmr_portal.kernel.audit.models import AuditEvent
from panels.models import Agency
from referrals import notices
from referrals.models import AgencyInvolvement, OutsideNotification, Referral
from referrals.workflow import ReferralError
from reviews import publishing
from reviews.models import PUBLICATION_CHECKS, Review
from reviews.services import ReviewError
from tests.conftest import Personas, sign_in
from tests.documents.test_pdfs import pages
from tests.referrals import flow
from tests.reviews import flow as review_flow

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def media(settings: Settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def decided(personas: Personas) -> Referral:
    """A decided Belfast referral (CMR required, route 17(2)) naming the PSNI and the Education
    Authority as agencies involved."""
    referral = flow.decided(personas).referral
    AgencyInvolvement.objects.create(
        referral=referral,
        agency=Agency.objects.get(short_name="EA"),
        nature="Fictional involvement",
    )
    return referral


def told(personas: Personas, **values: object) -> notices.NoticeValues:
    """A notification sent today by the SBNI officer: the NSPCC told by email, unless said."""
    given: dict[str, object] = {
        "recipient": "nspcc",
        "sent_on": TODAY,
        "sent_by": personas.sbni_officer,
        "subject": "other",
        "method": "email",
        "description": "Told of the referral (fictional).",
    } | values
    return notices.NoticeValues(**given)  # type: ignore[arg-type]


def psni(referral: Referral) -> AgencyInvolvement:
    return referral.agencies.select_related("agency").get(agency__short_name="PSNI")


def test_a_notification_is_recorded_and_audited_naming_the_body(
    personas: Personas, decided: Referral
) -> None:
    notified = notices.record_notification(
        decided, told(personas, role="Head of safeguarding"), by=personas.sbni_officer
    )
    assert list(notices.log(decided)) == [notified]
    assert notified.addressee == "Head of safeguarding, NSPCC"
    event = AuditEvent.objects.get(action="referral.notification_recorded")
    assert event.target_id == str(decided.pk)
    assert "NSPCC" in event.summary
    assert personas.sbni_officer.full_name not in event.summary
    assert event.changes["method"] == "email"


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"sent_on": TODAY + DAY}, "sent_on", "The date sent must be today or in the past"),
        ({"recipient": "other"}, "organisation", "Enter the organisation that was told"),
        ({"subject": "other", "description": " "}, "description", "Describe what was told"),
        ({"recipient": "agency"}, "agency", "Choose an agency involved in this referral"),
    ],
)
def test_what_a_notification_needs(
    personas: Personas, decided: Referral, values: dict[str, object], field: str, message: str
) -> None:
    with pytest.raises(notices.NoticeRefused, match=message) as refused:
        notices.record_notification(decided, told(personas, **values), by=personas.sbni_officer)
    assert refused.value.field == field
    assert not OutsideNotification.objects.exists()


def test_only_an_officer_records_and_only_an_agency_involved(
    personas: Personas, decided: Referral
) -> None:
    with pytest.raises(notices.NoticeRefused, match="Only an SBNI officer"):
        notices.record_notification(decided, told(personas), by=personas.sbni_chair)
    elsewhere = Agency.objects.exclude(pk__in=decided.agencies.values("agency")).first()
    with pytest.raises(notices.NoticeRefused, match="agency involved"):
        notices.record_notification(
            decided, told(personas, recipient="agency", agency=elsewhere), by=personas.sbni_officer
        )
    with pytest.raises(notices.NoticeRefused, match="SBNI person"):
        notices.record_notification(
            decided, told(personas, sent_by=personas.belfast_member), by=personas.sbni_officer
        )


def test_the_decision_letter_names_the_agency_and_the_case_by_its_reference_only(
    personas: Personas, decided: Referral
) -> None:
    letter = notices.decision_letter(psni(decided))
    text = " ".join(pages(letter.pdf(dated=TODAY, signed_by=personas.sbni_officer)))
    assert decided.reference in text
    assert decided.panel.name in text
    assert "To: Police Service of Northern Ireland" in text
    assert "a Case Management Review is required under regulation 17(2)" in text
    assert personas.sbni_officer.full_name in text
    assert not re.search(r"\bAB\b", text), "the child's initials"
    assert "Fictional reasons" not in text, "the decision's reasons, free text about the family"
    assert "Mother" not in text


def test_a_letter_recorded_as_sent_is_kept_as_sent(personas: Personas, decided: Referral) -> None:
    involvement = psni(decided)
    sent_on = TODAY - 2 * DAY
    notified = notices.record_notification(
        decided,
        told(
            personas,
            recipient="agency",
            agency=involvement.agency,
            subject="decision",
            description="",
            method="letter",
            role="Detective Chief Superintendent",
            sent_on=sent_on,
            sent_by=personas.sbni_chair,
        ),
        by=personas.sbni_officer,
        letter=notices.decision_letter(involvement),
    )
    assert notified.letter is not None
    assert notified.letter.original_name == f"{decided.reference}-decision-PSNI.pdf"
    with notified.letter.file.open("rb") as kept:
        text = " ".join(pages(kept.read()))
    assert f"{sent_on.day} {sent_on:%B %Y}" in text
    assert "Detective Chief Superintendent, Police Service of Northern Ireland" in text
    assert personas.sbni_chair.full_name in text


def test_no_decision_letter_before_the_decision(personas: Personas) -> None:
    referral = flow.acknowledged(personas)
    with pytest.raises(ReferralError, match="has not decided"):
        notices.decision_letter(psni(referral))
    officer = sign_in(Client(), personas.sbni_officer)
    base = f"/referrals/{referral.uuid}/notifications/"
    assert "can be made once the decision is recorded" in officer.get(base).content.decode()
    assert officer.get(f"{base}decision/{psni(referral).uuid}/").status_code == 404


def signed_off(personas: Personas) -> Review:
    review = review_flow.approved(personas)
    publishing.sign_off_publication(
        review, [key for key, _ in PUBLICATION_CHECKS], by=personas.sbni_officer
    )
    return review


def test_notice_of_publication_is_refused_before_the_sign_off(personas: Personas) -> None:
    review = review_flow.approved(personas)
    with pytest.raises(ReviewError, match="not signed off"):
        publishing.publication_notice(review)
    officer = sign_in(Client(), personas.sbni_officer)
    assert officer.get(f"/reviews/{review.uuid}/publication/notice/").status_code == 404
    assert officer.get(f"/reviews/{review.uuid}/publication/notice.pdf").status_code == 404


def test_notice_of_publication_goes_to_the_department(personas: Personas) -> None:
    review = signed_off(personas)
    officer = sign_in(Client(), personas.sbni_officer)
    response = officer.get(f"/reviews/{review.uuid}/publication/notice.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(pages(response.content))
    assert "To: Department of Health" in text
    assert f"Case Management Review {review.reference}: notice of publication" in text
    assert review.referral.reference in text
    assert not re.search(r"\bAB\b", text)
    exported = AuditEvent.objects.get(action="referral.letter_exported")
    assert exported.summary == (
        f"Exported the notice of publication to Department of Health of referral "
        f"{review.referral.reference}"
    )

    page = f"/reviews/{review.uuid}/publication/notice/"
    response = officer.post(
        page,
        {
            "role": "Chief Social Services Officer",
            "sent_on_0": TODAY.day,
            "sent_on_1": TODAY.month,
            "sent_on_2": TODAY.year,
            "sent_by": personas.sbni_officer.pk,
            "method": "secure_email",
        },
    )
    assert response.status_code == 302
    notified = OutsideNotification.objects.get()
    assert (notified.recipient, notified.subject) == ("department_of_health", "publication")
    assert notified.referral == review.referral
    assert notified.addressee == "Chief Social Services Officer, Department of Health"


def form(personas: Personas, **values: object) -> dict[str, object]:
    """The "Record a notification" form, filled in: the coroner told by phone."""
    return {
        "recipient": "coroner",
        "organisation": "",
        "role": "Coroner",
        "sent_on_0": TODAY.day,
        "sent_on_1": TODAY.month,
        "sent_on_2": TODAY.year,
        "sent_by": personas.sbni_officer.pk,
        "subject": "other",
        "description": "The referral and the police's request (fictional).",
        "method": "phone",
    } | values


def test_an_officer_records_a_notification_and_sees_it_in_the_log(
    personas: Personas, decided: Referral
) -> None:
    officer = sign_in(Client(), personas.sbni_officer)
    base = f"/referrals/{decided.uuid}/notifications/"
    assert officer.post(f"{base}record/", form(personas)).status_code == 302
    log = officer.get(base).content.decode()
    assert "Coroner, Coroners Service for Northern Ireland" in log
    assert "The referral and the police&#x27;s request (fictional)." in log
    # One decision letter for each agency involved.
    assert "Make the letter to Education Authority" in log
    assert "Make the letter to Police Service of Northern Ireland" in log
    assert AuditEvent.objects.filter(action="referral.notifications_viewed").count() == 1


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"sent_on_0": (TODAY + DAY).day, "sent_on_1": (TODAY + DAY).month,
             "sent_on_2": (TODAY + DAY).year},
            "The date sent must be today or in the past",
        ),
        ({"role": "R" * 151}, "The role must be 150 characters or fewer"),
        ({"description": "D" * 301}, "The description must be 300 characters or fewer"),
        (
            {"recipient": "other", "organisation": "O" * 151},
            "The organisation must be 150 characters or fewer",
        ),
        ({"recipient": "other"}, "Enter the organisation that was told"),
        ({"sent_on_2": "2O26"}, "The date sent must be a real date"),
        ({"method": "pigeon"}, "Select a valid choice"),
    ],
)  # fmt: skip
def test_bad_input_is_refused_in_plain_words_keeping_what_was_typed(
    personas: Personas, decided: Referral, values: dict[str, object], message: str
) -> None:
    officer = sign_in(Client(), personas.sbni_officer)
    response = officer.post(
        f"/referrals/{decided.uuid}/notifications/record/", form(personas, **values)
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert message in page
    assert "The referral and the police&#x27;s request (fictional)." in page or "D" * 301 in page
    assert not OutsideNotification.objects.exists()


def test_the_panel_does_not_see_the_notifications_in_the_history(
    personas: Personas, decided: Referral
) -> None:
    notices.record_notification(decided, told(personas), by=personas.sbni_officer)
    history = f"/referrals/{decided.uuid}/history/"
    summary = "to NSPCC: Something else"
    assert summary in sign_in(Client(), personas.sbni_officer).get(history).content.decode()
    assert summary not in sign_in(Client(), personas.belfast_chair).get(history).content.decode()


def test_the_log_reads_the_same_queries_whatever_its_length(
    personas: Personas, decided: Referral
) -> None:
    officer = sign_in(Client(), personas.sbni_officer)
    url = f"/referrals/{decided.uuid}/notifications/"
    officer.get(url)  # the first request of a session reads more (its device, its grants)
    counts = []
    for _ in range(2):
        for _ in range(3):
            notices.record_notification(decided, told(personas), by=personas.sbni_officer)
        with CaptureQueriesContext(connection) as queries:
            assert officer.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_log_is_linked_for_sbni_staff_only(personas: Personas) -> None:
    review = signed_off(personas)
    link = "Notifications to outside bodies"
    notice = "Notice of publication to the Department of Health"
    for person, sees in (
        (personas.sbni_officer, True),
        (personas.cmr_panel_chair, True),
        (personas.lead_reviewer, False),
        (personas.belfast_chair, False),
    ):
        client = sign_in(Client(), person)
        overview = client.get(f"/referrals/{review.referral.uuid}/").content.decode()
        workspace = client.get(f"/reviews/{review.uuid}/").content.decode()
        publication = client.get(f"/reviews/{review.uuid}/publication/").content.decode()
        assert (link in overview) is sees, person
        assert (link in workspace) is sees, person
        assert (notice in publication) is sees, person
