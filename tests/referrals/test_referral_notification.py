"""On submission the SBNI officers are told in the app and by email, with no child's details."""

import pytest
from django.core import mail
from django.test import Client

from cmr_portal.kernel.notifications.models import Notification
from referrals import services
from referrals.models import Referral
from tests.conftest import Personas, RedisServer, sign_in, wait_for_emails
from tests.factories import UserFactory
from tests.referrals.test_referral_services import ready_to_send


def submitted(personas: Personas) -> Referral:
    referral = services.create_referral(personas.belfast, by=personas.belfast_member)
    ready_to_send(referral, personas.belfast_member)
    return services.submit_referral(referral, by=personas.belfast_member)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sbni_officers_are_told_in_the_app_and_by_email(personas: Personas, worker: None) -> None:
    second_officer = UserFactory.create()
    second_officer.groups.add(*personas.sbni_officer.groups.all())
    referral = submitted(personas)
    notices = Notification.objects.filter(url=f"/referrals/{referral.uuid}/")
    assert {notice.recipient for notice in notices} == {personas.sbni_officer, second_officer}
    wait_for_emails(2)
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [personas.sbni_officer.email, second_officer.email]
    )
    for message in mail.outbox:
        assert referral.reference in message.body
        assert f"/referrals/{referral.uuid}/" in message.body
        for detail in ("AB", "Family home", "fictional summary", "notifier@"):
            assert detail not in message.body, detail
    assert all(notice.emailed_at for notice in notices.all())


def test_the_officer_sees_the_notification_in_the_notification_centre(
    client: Client, personas: Personas
) -> None:
    """Notifications stay in the notification centre (issue 17): the home page lists work."""
    referral = submitted(personas)
    page = sign_in(client, personas.sbni_officer).get("/notifications/").text
    assert f"New referral {referral.reference} from {referral.panel.name}" in page
    notification = Notification.objects.get(recipient=personas.sbni_officer)
    assert f'href="/notifications/{notification.pk}/open/"' in page
    assert notification.url == f"/referrals/{referral.uuid}/"
    member = sign_in(Client(), personas.belfast_member).get("/notifications/").text
    assert "New referral" not in member


def test_with_the_broker_down_the_referral_is_still_sent(
    personas: Personas, broker_to_stop: RedisServer, django_capture_on_commit_callbacks: object
) -> None:
    broker_to_stop.stop()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        referral = submitted(personas)
    assert referral.status == Referral.Status.SUBMITTED
    notice = Notification.objects.get(recipient=personas.sbni_officer)
    assert notice.emailed_at is None
    assert mail.outbox == []
