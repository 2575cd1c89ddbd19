"""The signed-in person is read once per request with their SBNI roles and unread notifications
(panels.backends.PortalBackend): what changes between two requests shows on the second."""

from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from cmr_portal.kernel.notifications.models import Notification
from panels.models import SbniRole
from tests.conftest import Personas, sign_in


def test_a_role_taken_away_closes_its_pages_on_the_next_request(personas: Personas) -> None:
    officer = sign_in(Client(), personas.sbni_officer)
    assert officer.get("/referrals/queue/").status_code == 200
    personas.sbni_officer.groups.remove(Group.objects.get(name=SbniRole.SBNI_OFFICER))
    assert officer.get("/referrals/queue/").status_code == 404


def test_a_role_given_opens_its_pages_on_the_next_request(personas: Personas) -> None:
    member = sign_in(Client(), personas.belfast_member)
    assert member.get("/referrals/queue/").status_code == 404
    personas.belfast_member.groups.add(Group.objects.get(name=SbniRole.CMR_PANEL_MEMBER))
    assert member.get("/referrals/queue/").status_code == 200


def test_the_unread_count_in_the_header_follows_the_notifications(personas: Personas) -> None:
    member = sign_in(Client(), personas.belfast_member)
    assert " unread</span>" not in member.get("/referrals/").text
    for n in range(3):
        Notification.objects.create(
            recipient=personas.belfast_member, message=f"Fictional {n}", url="/referrals/"
        )
    assert '>3<span class="govuk-visually-hidden"> unread</span>' in member.get("/referrals/").text
    mine = Notification.objects.filter(recipient=personas.belfast_member)
    mine.update(read_at=timezone.now())
    assert " unread</span>" not in member.get("/referrals/").text


def test_a_person_made_inactive_is_signed_out_on_the_next_request(personas: Personas) -> None:
    member = sign_in(Client(), personas.belfast_member)
    assert member.get("/referrals/").status_code == 200
    personas.belfast_member.is_active = False
    personas.belfast_member.save(update_fields=["is_active"])
    response = member.get("/referrals/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")
