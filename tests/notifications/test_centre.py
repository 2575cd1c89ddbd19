"""The notification centre: the unread count in the header, the list, opening, marking read."""

from django.test import Client
from pytest_django.fixtures import Settings

from cmr_portal.kernel.audit.models import AuditEvent
from cmr_portal.kernel.notifications.models import Notification
from cmr_portal.kernel.notifications.services import notify
from panels.models import User
from tests.conftest import Personas, sign_in


def test_the_centre_lists_opens_and_marks_read(personas: Personas) -> None:
    notify([personas.belfast_member], message="First (fictional)", url="/referrals/")
    notify([personas.belfast_member], message="Second (fictional)", url="/panels/")
    notify([personas.western_member], message="Not yours (fictional)", url="/")
    client = sign_in(Client(), personas.belfast_member)
    home = client.get("/").content.decode()
    assert '2<span class="govuk-visually-hidden"> unread</span>' in home
    centre = client.get("/notifications/").content.decode()
    assert "First (fictional)" in centre
    assert "Not yours" not in centre
    first = Notification.objects.get(message="First (fictional)")
    response = client.get(f"/notifications/{first.pk}/open/")
    assert response["Location"] == "/referrals/"
    first.refresh_from_db()
    assert first.read_at is not None
    assert "First (fictional)" not in client.get("/notifications/").content.decode()
    assert "First (fictional)" in client.get("/notifications/?show=all").content.decode()
    other = Notification.objects.get(message="Not yours (fictional)")
    assert client.get(f"/notifications/{other.pk}/open/").status_code == 404
    client.post("/notifications/read-all/")
    assert not Notification.objects.filter(
        recipient=personas.belfast_member, read_at__isnull=True
    ).exists()
    assert "unread</span>" not in client.get("/").content.decode()


def test_a_link_out_of_the_portal_is_never_followed(personas: Personas) -> None:
    (notice,) = notify([personas.belfast_member], message="Odd (fictional)", url="https://x.test/")
    client = sign_in(Client(), personas.belfast_member)
    assert client.get(f"/notifications/{notice.pk}/open/")["Location"] == "/notifications/"


def test_each_person_chooses_their_emails(personas: Personas) -> None:
    client = sign_in(Client(), personas.belfast_member)
    assert client.post("/notifications/emails/", {"emails": "daily"}).status_code == 302
    assert User.objects.get(pk=personas.belfast_member.pk).emails == "daily"
    chosen = AuditEvent.objects.get(action="user.emails_chosen")
    assert (chosen.actor_id, chosen.changes) == (
        personas.belfast_member.pk,
        {"emails": ["immediate", "daily"]},
    )
    refused = client.post("/notifications/emails/", {"emails": "hourly"}).content.decode()
    assert "Select how you want to be emailed" in refused
    assert User.objects.get(pk=personas.belfast_member.pk).emails == "daily"


def test_more_notifications_than_the_count_cap_are_read_a_page_at_a_time(
    personas: Personas, settings: Settings
) -> None:
    settings.LIST_COUNT_CAP = 10
    Notification.objects.bulk_create(
        Notification(
            recipient=personas.belfast_member, message=f"Fictional notice {n:02d} of 30", url="/"
        )
        for n in range(30)
    )
    client = sign_in(Client(), personas.belfast_member)
    first = client.get("/notifications/?show=all").content.decode()
    assert first.count(" of 30<") == 25
    assert "Page 1<" in first
    assert 'href="?show=all&amp;page=2" rel="next"' in first
    second = client.get("/notifications/?show=all&page=2").content.decode()
    assert second.count(" of 30<") == 5
    assert "Page 2<" in second
    assert 'rel="next"' not in second
