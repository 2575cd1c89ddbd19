"""Membership changes grant and revoke panel permissions, each audited; the panel pages."""

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cmr_portal.kernel.audit.models import AuditEvent
from panels import services
from panels.models import Membership, Panel, User
from tests.conftest import Personas, sign_in, wait_for_emails
from tests.factories import UserFactory

ALL = {"view_panel_cases", "log_referral", "manage_panel"}


def panel_perms(user: User, panel: Panel) -> set[str]:
    fresh = User.objects.get(pk=user.pk)  # no cached permissions
    return {perm for perm in ALL if fresh.has_perm(f"panels.{perm}", panel)}


def test_adding_a_member_grants_the_role_permissions_and_is_audited(personas: Personas) -> None:
    newcomer = UserFactory.create()
    membership = services.add_member(
        personas.belfast, newcomer, Membership.Role.MEMBER, by=personas.belfast_chair
    )
    assert panel_perms(newcomer, personas.belfast) == {"view_panel_cases", "log_referral"}
    assert panel_perms(newcomer, personas.western) == set()
    event = AuditEvent.objects.get(action="membership.added", target_id=str(membership.pk))
    assert event.actor == personas.belfast_chair
    assert event.changes["role"] == [None, "member"]


def test_changing_a_role_changes_the_permissions(personas: Personas) -> None:
    membership = personas.membership(personas.belfast_member)
    services.change_role(membership, Membership.Role.ADMINISTRATOR, by=personas.belfast_chair)
    assert panel_perms(personas.belfast_member, personas.belfast) == ALL
    services.change_role(membership, Membership.Role.MEMBER, by=personas.belfast_chair)
    assert panel_perms(personas.belfast_member, personas.belfast) == ALL - {"manage_panel"}
    changes = AuditEvent.objects.filter(action="membership.role_changed").order_by("id")
    assert [event.changes["role"] for event in changes] == [
        ["member", "administrator"],
        ["administrator", "member"],
    ]


def test_removing_a_member_revokes_everything(personas: Personas) -> None:
    membership = personas.membership(personas.belfast_member)
    services.remove_member(membership, by=personas.belfast_chair)
    assert panel_perms(personas.belfast_member, personas.belfast) == set()
    assert not Panel.objects.visible_to(personas.belfast_member).exists()
    assert AuditEvent.objects.filter(action="membership.removed").count() == 1


def test_a_panel_has_one_chair(personas: Personas) -> None:
    with pytest.raises(services.MembershipError, match="already has a chair"):
        services.add_member(personas.belfast, UserFactory.create(), Membership.Role.CHAIR, by=None)
    with pytest.raises(services.MembershipError, match="already has a chair"):
        services.change_role(
            personas.membership(personas.belfast_member), Membership.Role.CHAIR, by=None
        )


def test_someone_is_a_member_of_a_panel_once(personas: Personas) -> None:
    with pytest.raises(services.MembershipError, match="already a member"):
        services.add_member(
            personas.belfast, personas.belfast_member, Membership.Role.MEMBER, by=None
        )


def test_one_chair_may_chair_several_panels(personas: Personas) -> None:
    services.change_role(personas.membership(personas.western_member), "member", by=None)
    services.add_member(personas.western, personas.belfast_chair, Membership.Role.CHAIR, by=None)
    assert set(Panel.objects.visible_to(personas.belfast_chair, "manage_panel")) == {
        personas.belfast,
        personas.western,
    }


def test_visible_to_filters_through_the_panels_a_user_holds(personas: Personas) -> None:
    assert list(Panel.objects.visible_to(personas.belfast_member)) == [personas.belfast]
    assert list(Panel.objects.visible_to(personas.western_member)) == [personas.western]
    assert not Panel.objects.visible_to(personas.sbni_officer).exists()
    assert not Panel.objects.visible_to(personas.admin).exists()


# The invitation leaves from a worker, after the answer: the worker must see the committed account.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("worker")
def test_a_chair_invites_someone_new_by_email(client: Client, personas: Personas) -> None:
    sign_in(client, personas.belfast_chair)
    response = client.post(
        "/panels/BEL/members/invite/",
        {"email": "New.Person@Test.Example.org", "full_name": "New Person", "role": "member"},
    )
    assert response.status_code == 302
    wait_for_emails(1)
    newcomer = User.objects.get(email="new.person@test.example.org")
    assert not newcomer.has_usable_password()
    assert panel_perms(newcomer, personas.belfast) == {"view_panel_cases", "log_referral"}
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.person@test.example.org"]
    assert "/password-reset/" in mail.outbox[0].body
    assert "Belfast Local Safeguarding Panel" in mail.outbox[0].body
    assert {"user.invited", "membership.added"} <= set(
        AuditEvent.objects.values_list("action", flat=True)
    )


def test_inviting_an_existing_member_keeps_what_was_typed(
    client: Client, personas: Personas
) -> None:
    sign_in(client, personas.belfast_chair)
    response = client.post(
        "/panels/BEL/members/invite/",
        {"email": personas.belfast_member.email, "full_name": "Typed name", "role": "member"},
    )
    assert response.status_code == 200
    assert "is already a member" in response.text
    assert 'value="Typed name"' in response.text
    assert "There is a problem" in response.text


def test_the_invite_form_says_what_is_missing(client: Client, personas: Personas) -> None:
    sign_in(client, personas.belfast_chair)
    response = client.post("/panels/BEL/members/invite/", {"email": "not-an-email"})
    assert "Enter an email address in the correct format" in response.text
    assert "Enter their full name" in response.text
    assert "Select a role" in response.text
    assert 'value="not-an-email"' in response.text


def test_a_chair_changes_a_role_and_removes_a_member_in_the_browser(
    client: Client, personas: Personas
) -> None:
    sign_in(client, personas.belfast_chair)
    membership = personas.membership(personas.belfast_member)
    role_url = f"/panels/BEL/members/{membership.uuid}/role/"
    assert client.post(role_url, {"role": "administrator"}).status_code == 302
    assert panel_perms(personas.belfast_member, personas.belfast) == ALL
    remove_url = f"/panels/BEL/members/{membership.uuid}/remove/"
    assert "Remove" in client.get(remove_url).text
    assert client.post(remove_url).status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_a_western_membership_is_not_found_through_a_belfast_url(
    client: Client, personas: Personas
) -> None:
    sign_in(client, personas.belfast_chair)
    western = personas.membership(personas.western_member)
    assert client.get(f"/panels/BEL/members/{western.uuid}/role/").status_code == 404
    assert client.post(f"/panels/WST/members/{western.uuid}/remove/").status_code == 404
    assert Membership.objects.filter(pk=western.pk).exists()


def test_the_panel_page_shows_members_and_management_only_to_managers(
    client: Client, personas: Personas
) -> None:
    sign_in(client, personas.belfast_member)
    page = client.get("/panels/BEL/").text
    assert f"Independent chair: {personas.belfast_chair.full_name}" in page
    assert "Add a member" not in page
    sign_in(client, personas.belfast_chair)
    assert "Add a member" in client.get("/panels/BEL/").text


def count_queries(client: Client, url: str) -> int:
    client.get(url)  # the first request after signing in also starts the session's clocks
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_member_list_costs_the_same_queries_for_3_or_30_members(
    client: Client, personas: Personas
) -> None:
    sign_in(client, personas.belfast_chair)
    few = count_queries(client, "/panels/BEL/")
    for _ in range(28):
        services.add_member(personas.belfast, UserFactory.create(), "member", by=None)
    assert count_queries(client, "/panels/BEL/") == few


def test_the_panel_list_costs_the_same_queries_for_1_or_6_panels(
    client: Client, personas: Personas
) -> None:
    sign_in(client, personas.belfast_member)
    few = count_queries(client, "/panels/")
    for panel in Panel.objects.exclude(code="BEL"):
        services.add_member(panel, personas.belfast_member, "member", by=None)
    assert count_queries(client, "/panels/") == few
    assert "Western Local Safeguarding Panel" in client.get("/panels/").text
