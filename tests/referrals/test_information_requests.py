"""The SBNI asks the panel for more information; the panel answers in the app."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from cmr_portal.kernel.audit.models import AuditEvent
from cmr_portal.kernel.notifications.models import Notification
from cmr_portal.kernel.working_days import add_working_days
from referrals import deadlines, services
from referrals.models import InformationRequest, Referral, Timescale
from referrals.workflow import ReferralError
from tests.conftest import Personas, sign_in
from tests.referrals.test_referral_pages import date_fields
from tests.referrals.test_sbni_queue import sent

SOON = timezone.localdate() + datetime.timedelta(days=14)


def test_a_question_waits_for_the_panel_and_its_answer_restores_the_status(
    personas: Personas,
) -> None:
    referral = sent(personas)
    asked = services.request_information(
        referral, question="Was a strategy meeting held?", due_date=SOON, by=personas.sbni_officer
    )
    referral.refresh_from_db()
    assert referral.status == Referral.Status.INFORMATION_REQUESTED
    deadline = deadlines.next_deadline(referral)
    assert deadline is not None
    assert deadline.step == Timescale.Step.INFORMATION_ANSWER
    assert deadline.due == SOON
    assert Notification.objects.filter(
        recipient=personas.belfast_member, message__contains="asked a question"
    ).exists()

    services.answer_information_request(
        asked, answer="Yes, on 3 March (fictional).", by=personas.belfast_member
    )
    referral.refresh_from_db()
    assert referral.status == Referral.Status.SUBMITTED
    assert InformationRequest.objects.get().answered_by == personas.belfast_member
    assert Notification.objects.filter(
        recipient=personas.sbni_officer, message__contains="has answered"
    ).exists()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"referral.information_requested", "referral.information_given"} <= actions


def test_only_an_officer_asks_only_a_panel_member_answers_and_only_once(
    personas: Personas,
) -> None:
    referral = sent(personas)
    with pytest.raises(ReferralError):
        services.request_information(
            referral, question="Q", due_date=SOON, by=personas.belfast_chair
        )
    asked = services.request_information(
        referral, question="Q", due_date=SOON, by=personas.sbni_officer
    )
    with pytest.raises(ReferralError):
        services.request_information(
            referral, question="Q2", due_date=SOON, by=personas.sbni_officer
        )
    for outsider in (personas.western_member, personas.sbni_officer):
        with pytest.raises(ReferralError):
            services.answer_information_request(asked, answer="A", by=outsider)
    services.answer_information_request(asked, answer="A", by=personas.belfast_chair)
    with pytest.raises(ReferralError, match="already been answered"):
        services.answer_information_request(asked, answer="Again", by=personas.belfast_chair)


def test_a_draft_cannot_be_questioned_and_the_due_date_is_in_the_future(
    personas: Personas,
) -> None:
    draft = services.create_referral(personas.belfast, by=personas.belfast_member)
    with pytest.raises(ReferralError):
        services.request_information(draft, question="Q", due_date=SOON, by=personas.sbni_officer)
    referral = sent(personas)
    with pytest.raises(ReferralError, match="due after today"):
        services.request_information(
            referral, question="Q", due_date=timezone.localdate(), by=personas.sbni_officer
        )


def test_the_exchange_in_the_browser(personas: Personas) -> None:
    referral = sent(personas)
    officer = sign_in(Client(), personas.sbni_officer)
    url = f"/referrals/{referral.uuid}/ask/"
    form = officer.get(url).text
    suggested = add_working_days(timezone.localdate(), 10)
    assert f"The usual timescale gives {suggested.day} {suggested:%B %Y}." in form
    assert f'value="{suggested.day}"' in form  # the suggestion is filled in
    refused = officer.post(url, {"question": "Typed question (fictional)"})
    assert "Enter the date the answer is due" in refused.text
    assert "Typed question (fictional)" in refused.text
    past = officer.post(url, {"question": "Q", **date_fields("due_date", timezone.localdate())})
    assert "must be in the future" in past.text
    done = officer.post(
        url, {"question": "Was the GP told? (fictional)", **date_fields("due_date", SOON)}
    )
    assert done.status_code == 302
    asked = InformationRequest.objects.get()

    member = sign_in(Client(), personas.belfast_member)
    page = member.get(f"/referrals/{referral.uuid}/").text
    assert "Was the GP told? (fictional)" in page
    answer_url = f"/referrals/{referral.uuid}/questions/{asked.uuid}/answer/"
    assert answer_url in page
    assert "Enter the panel&#x27;s answer" in member.post(answer_url, {"answer": ""}).text
    assert member.post(answer_url, {"answer": "Yes (fictional)"}).status_code == 302
    assert "Yes (fictional)" in officer.get(f"/referrals/{referral.uuid}/").text
    western = sign_in(Client(), personas.western_member)
    assert western.get(answer_url).status_code == 404
    assert sign_in(Client(), personas.belfast_chair).get(url).status_code == 404
