"""The family's part (issue 19, item 3): a family liaison plan by role only, the log of contacts,
the family's views as a section of the findings, and the publication sign-off refused until the
family was told the date of publication. Every family member here is a role; every name is
fictional."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cmr_portal.kernel.audit.models import AuditEvent
from reviews import documents, drafting, family, publishing
from reviews.models import FamilyContact, FamilyMember, FindingSection, Review
from tests.conftest import Personas, sign_in
from tests.referrals.test_referral_pages import date_fields
from tests.reviews import flow

Role, Participation = FamilyMember.Role, FamilyMember.Participation
Purpose = FamilyContact.Purpose


def member_form(**values: object) -> dict[str, object]:
    """The plan's form as a browser posts it."""
    return {"role": "mother", "participation": "taking_part"} | values


def contact_form(members: list[FamilyMember], by: object, **values: object) -> dict[str, object]:
    return {
        **date_fields("date", flow.TODAY - datetime.timedelta(days=3)),
        "by": getattr(by, "pk", by),
        "members": [member.pk for member in members],
        "method": "meeting",
        "purpose": "contribution",
        "shared": "Fictional: how the review works.",
        "wishes": "Fictional: to be told before anything is published.",
    } | values


def test_family_members_are_recorded_by_role_with_a_qualifier(personas: Personas) -> None:
    review = flow.with_team(personas)
    lead = sign_in(Client(), personas.lead_reviewer)
    url = f"/reviews/{review.uuid}/family/members/add/"
    contact = review.team.get(user=personas.reviewer)
    response = lead.post(
        url,
        member_form(
            role="grandmother",
            qualifier="maternal",
            contact=contact.pk,
            arrangements="Fictional: a visit at home, in the mornings.",
        ),
    )
    assert response.status_code == 302
    member = review.family.get()
    assert (member.described, member.contact, member.added_by) == (
        "Grandmother (maternal)",
        contact,
        personas.lead_reviewer,
    )
    page = lead.get(f"/reviews/{review.uuid}/family/").content.decode()
    assert "Grandmother (maternal)" in page
    assert personas.reviewer.full_name in page
    # A name where the role goes is not a choice.
    refused = lead.post(url, member_form(role="Jane")).content.decode()
    assert "Select a valid choice" in refused
    assert review.family.count() == 1


def test_a_qualifier_carrying_a_name_of_the_pseudonym_map_is_refused(
    personas: Personas,
) -> None:
    review = flow.with_team(personas)
    publishing.set_pseudonym(
        review, original="Oisín", replacement="Sibling 1", by=personas.sbni_officer
    )
    lead = sign_in(Client(), personas.lead_reviewer)
    url = f"/reviews/{review.uuid}/family/members/add/"
    for typed in ("Oisín's father", "OISIN", "o-i-s-i-n"):
        response = lead.post(url, member_form(role="father", qualifier=typed))
        page = response.content.decode()
        assert response.status_code == 200, typed
        assert "has a name from the review&#x27;s pseudonym map in it" in page, typed
        assert 'href="#id_qualifier"' in page  # the error summary points at the qualifier
        assert f'value="{typed}"' in page.replace("&#x27;", "'"), typed  # nothing typed lost
    assert not review.family.exists()
    with pytest.raises(family.FamilyError):
        flow.family_member(review, personas, Role.SIBLING, qualifier="older, Oisin")
    assert flow.family_member(review, personas, Role.SIBLING, qualifier="older").qualifier


def test_not_to_be_contacted_needs_a_reason(personas: Personas) -> None:
    review = flow.with_team(personas)
    lead = sign_in(Client(), personas.lead_reviewer)
    url = f"/reviews/{review.uuid}/family/members/add/"
    page = lead.post(url, member_form(participation="not_to_be_contacted")).content.decode()
    assert "Say why the family member is not to be contacted" in page
    assert not review.family.exists()
    reason = "Fictional: on the advice of the police."
    response = lead.post(
        url, member_form(participation="not_to_be_contacted", not_contacted_reason=reason)
    )
    assert response.status_code == 302
    member = review.family.get()
    assert member.not_contacted_reason == reason
    # Taking part again, the reason goes.
    changed = lead.post(
        f"/reviews/{review.uuid}/family/members/{member.uuid}/",
        member_form(participation="invited", not_contacted_reason=reason),
    )
    assert changed.status_code == 302
    member.refresh_from_db()
    assert (member.participation, member.not_contacted_reason) == ("invited", "")


def test_contacts_are_logged_with_the_signed_in_person_by_default(personas: Personas) -> None:
    review = flow.with_team(personas)
    mother = flow.family_member(review, personas)
    grandfather = flow.family_member(review, personas, Role.GRANDFATHER, Participation.INVITED)
    reviewer = sign_in(Client(), personas.reviewer)
    url = f"/reviews/{review.uuid}/family/contacts/add/"
    form = reviewer.get(url).content.decode()
    assert f'<option value="{personas.reviewer.pk}" selected>' in form
    assert personas.sbni_officer.full_name in form  # an officer may have made it
    assert personas.belfast_member.full_name not in form
    response = reviewer.post(url, contact_form([mother, grandfather], personas.reviewer))
    assert response.status_code == 302
    contact = review.family_contacts.get()
    assert (contact.by, contact.recorded_by, contact.purpose) == (
        personas.reviewer,
        personas.reviewer,
        "contribution",
    )
    assert set(contact.members.all()) == {mother, grandfather}
    # Someone outside the team and the SBNI is not a choice; a date ahead is refused.
    outsider = reviewer.post(url, contact_form([mother], personas.belfast_member)).content
    assert "Select a valid choice" in outsider.decode()
    ahead = contact_form([mother], personas.reviewer)
    ahead |= date_fields("date", flow.TODAY + datetime.timedelta(days=1))
    assert "must be today or in the past" in reviewer.post(url, ahead).content.decode()
    nobody = reviewer.post(url, contact_form([], personas.reviewer)).content.decode()
    assert "Select who in the family the contact was with" in nobody
    assert review.family_contacts.count() == 1


def test_the_family_page_shows_the_draft_shared_and_the_response(personas: Personas) -> None:
    review = flow.with_team(personas)
    mother = flow.family_member(review, personas)
    grandfather = flow.family_member(review, personas, Role.GRANDFATHER)
    for days, purpose, wishes in (
        (10, Purpose.DRAFT_SHARED, ""),
        (4, Purpose.DRAFT_RESPONSE, "Fictional: the report should say the school was told."),
    ):
        family.record_contact(
            review,
            {
                "date": flow.TODAY - datetime.timedelta(days=days),
                "by": personas.lead_reviewer,
                "members": [mother],
                "method": "meeting",
                "purpose": purpose,
                "wishes": wishes,
            },
            by=personas.lead_reviewer,
        )
    states = {state.member: state for state in family.draft_states(
        list(review.family.all()), list(review.family_contacts.prefetch_related("members"))
    )}  # fmt: skip
    assert states[mother].shared
    assert states[mother].response
    assert states[grandfather].shared is None
    assert states[grandfather].response is None
    officer = sign_in(Client(), personas.sbni_officer)
    page = officer.get(f"/reviews/{review.uuid}/family/").content.decode()
    shared_on = flow.TODAY - datetime.timedelta(days=10)
    assert f"Shared on {shared_on.day} {shared_on:%B %Y}" in page
    assert "the report should say the school was told" in page
    assert "Not shared" in page  # the grandfather


def test_sign_off_is_refused_until_the_family_was_told_the_date_of_publication(
    personas: Personas,
) -> None:
    review = flow.approve(flow.drafted(personas), personas, family_told=False)
    officer = sign_in(Client(), personas.sbni_officer)
    url = f"/reviews/{review.uuid}/publication/"
    signing = {"form": "signing", "checks": flow.EVERY_CHECK}
    unconfirmed = {"form": "signing", "checks": flow.EVERY_CHECK[:-1]}
    assert "Confirm every check" in officer.post(url, unconfirmed).content.decode()
    assert "The family liaison plan is empty" in officer.post(url, signing).content.decode()
    mother = flow.family_member(review, personas, participation=Participation.INVITED)
    declined = flow.family_member(review, personas, Role.FATHER, Participation.DECLINED)
    told = {
        "date": flow.TODAY,
        "by": personas.lead_reviewer,
        "method": "letter",
        "purpose": Purpose.PUBLICATION_DATE,
    }
    # Told to a family member who declined: not the family's part.
    family.record_contact(review, told | {"members": [declined]}, by=personas.lead_reviewer)
    refused = officer.post(url, signing).content.decode()
    assert "The family has not been told the date of publication" in refused
    assert "To do" in refused
    assert not hasattr(Review.objects.get(pk=review.pk), "sign_off")
    family.record_contact(review, told | {"members": [mother]}, by=personas.lead_reviewer)
    page = officer.get(url).content.decode()
    assert f"The family was told the date of publication on {flow.TODAY.day}" in page
    assert officer.post(url, signing).status_code == 302
    assert "family_views" in Review.objects.get(pk=review.pk).sign_off.checks
    assert "Confirmed when it was signed off" in officer.get(url).content.decode()


def test_sign_off_is_allowed_when_every_family_member_declined(personas: Personas) -> None:
    review = flow.approve(flow.drafted(personas), personas, family_told=False)
    flow.family_member(review, personas, Role.MOTHER, Participation.DECLINED)
    flow.family_member(
        review,
        personas,
        Role.FATHER,
        Participation.NOT_TO_BE_CONTACTED,
        not_contacted_reason="Fictional: on the advice of the police.",
    )
    check = family.publication_check(review)
    assert check.met
    assert "Every family member on the plan declined or is not to be contacted" in check.message
    officer = sign_in(Client(), personas.sbni_officer)
    url = f"/reviews/{review.uuid}/publication/"
    assert "Every family member on the plan declined" in officer.get(url).content.decode()
    signing = {"form": "signing", "checks": flow.EVERY_CHECK}
    assert officer.post(url, signing).status_code == 302


def test_the_family_s_views_are_a_section_drafted_and_anonymised_like_every_other(
    personas: Personas,
) -> None:
    review = flow.drafted(personas)
    keys = list(review.sections.values_list("key", flat=True))
    assert keys[-1] == "family_views"  # after the questions, as for a review given it later
    assert len(keys) == len(FindingSection.Key)
    section = review.sections.get(key="family_views")
    drafting.save_section(
        section,
        text="Oisín's mother told us the school knew (fictional).",
        base_version=section.version,
        by=personas.lead_reviewer,
    )
    with pytest.raises(drafting.DraftConflict):  # the same machinery: a stale base conflicts
        drafting.save_section(section, text="Other words.", base_version=0, by=personas.reviewer)
    publishing.set_pseudonym(
        review, original="Oisín", replacement="Child A", by=personas.sbni_officer
    )
    overview = documents.render(review, "overview-report")[0]
    assert "3.7 The family&#x27;s views" in overview
    assert "Oisín" in overview
    publication = documents.render(review, "publication")[0]
    assert "Child A" in publication
    assert "s mother told us the school knew" in publication
    assert "Oisín" not in publication
    summary = documents.render(review, "executive-summary")[0]
    assert "2.7 The family&#x27;s views" in summary


def test_a_review_opened_before_gets_the_family_s_views_by_migration(
    personas: Personas,
) -> None:
    review = flow.with_team(personas)
    review.sections.filter(key="family_views").delete()
    migration = importlib.import_module("reviews.migrations.0015_family_views_sections")
    migration.add_family_views(apps, connection.schema_editor())
    migration.add_family_views(apps, connection.schema_editor())  # twice: still one
    assert review.sections.filter(key="family_views").count() == 1
    assert review.sections.count() == len(FindingSection.Key)


def test_the_family_pages_are_kept_from_agencies_and_the_referring_panel(
    personas: Personas,
) -> None:
    review = flow.with_team(personas)
    member = flow.family_member(review, personas, qualifier="maternal")
    base = f"/reviews/{review.uuid}/family/"
    for persona in ("agency_contact", "belfast_member", "belfast_chair", "western_member"):
        client = sign_in(Client(), getattr(personas, persona))
        for url in (base, f"{base}members/add/", f"{base}members/{member.uuid}/",
                    f"{base}contacts/add/"):  # fmt: skip
            assert client.get(url).status_code == 404, (persona, url)
            assert client.post(url, member_form()).status_code == 404, (persona, url)
    # The reviewer sees the plan and records contacts, but does not change the plan.
    reviewer = sign_in(Client(), personas.reviewer)
    assert reviewer.get(base).status_code == 200
    assert reviewer.get(f"{base}contacts/add/").status_code == 200
    assert reviewer.get(f"{base}members/add/").status_code == 404
    assert reviewer.post(base, {"shared": "yes"}).status_code == 404
    assert "Family liaison" in reviewer.get(f"/reviews/{review.uuid}/").content.decode()


def test_the_referring_panel_sees_the_liaison_contact_only_when_shared(
    personas: Personas,
) -> None:
    review = flow.with_team(personas)
    contact = review.team.get(user=personas.lead_reviewer)
    flow.family_member(review, personas, qualifier="maternal", contact=contact)
    panel = sign_in(Client(), personas.belfast_member)
    progress = f"/reviews/{review.uuid}/"
    before = panel.get(progress).content.decode()
    assert personas.lead_reviewer.full_name not in before
    assert "Family liaison" not in before
    lead = sign_in(Client(), personas.lead_reviewer)
    assert lead.post(f"/reviews/{review.uuid}/family/", {"shared": "yes"}).status_code == 404
    officer = sign_in(Client(), personas.sbni_officer)
    assert officer.post(f"/reviews/{review.uuid}/family/", {"shared": "yes"}).status_code == 302
    shown = panel.get(progress).content.decode()
    assert f"The family's contact in the review team: {contact.user.full_name}." in shown
    for hidden in ("Mother", "maternal", "Family liaison"):
        assert hidden not in shown
    assert officer.post(f"/reviews/{review.uuid}/family/", {"shared": "no"}).status_code == 302
    assert contact.user.full_name not in panel.get(progress).content.decode()
    assert AuditEvent.objects.filter(action="review.family_contact_withheld").exists()


def test_every_change_and_view_is_audited_by_role_only(personas: Personas) -> None:
    review = flow.with_team(personas)
    lead = sign_in(Client(), personas.lead_reviewer)
    base = f"/reviews/{review.uuid}/family/"
    lead.post(
        f"{base}members/add/",
        member_form(qualifier="maternal", arrangements="Fictional: ring 028 9000 0000."),
    )
    member = review.family.get()
    lead.post(f"{base}members/{member.uuid}/", member_form(participation="invited"))
    lead.post(f"{base}contacts/add/", contact_form([member], personas.lead_reviewer))
    lead.get(base)
    events = AuditEvent.objects.filter(target_id=str(review.pk), action__contains="family")
    assert [event.action for event in events.order_by("id")] == [
        "review.family_member_added",
        "review.family_member_changed",
        "review.family_contact_recorded",
    ]
    changed = events.get(action="review.family_member_changed")
    assert changed.changes == {"participation": ["taking_part", "invited"]}
    assert "Mother" in events.get(action="review.family_contact_recorded").summary
    assert AuditEvent.objects.filter(
        action="review.viewed", summary__contains="the family liaison plan of"
    ).exists()
    everything = " ".join(f"{event.summary} {event.changes}" for event in AuditEvent.objects.all())
    for private in ("maternal", "028 9000", "Fictional: how the review works"):
        assert private not in everything


def test_the_family_page_costs_the_same_queries_however_many_contacts(
    personas: Personas,
) -> None:
    review = flow.with_team(personas)
    flow.tell_the_date_of_publication(review, personas)
    lead = sign_in(Client(), personas.lead_reviewer)
    url = f"/reviews/{review.uuid}/family/"
    lead.get(url)

    def counted() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert lead.get(url).status_code == 200
        return len(queries)

    before = counted()
    for role in (Role.FATHER, Role.AUNT, Role.UNCLE, Role.SIBLING):
        flow.tell_the_date_of_publication(review, personas)
        flow.family_member(review, personas, role, contact=review.team.first())
    assert counted() == before


def test_an_entry_sent_again_unchanged_saves_and_audits_nothing(personas: Personas) -> None:
    review = flow.with_team(personas)
    values = {"role": FamilyMember.Role.MOTHER, "participation": "invited"}
    mother = family.add_family_member(review, dict(values), by=personas.lead_reviewer)
    changed = AuditEvent.objects.filter(action="review.family_member_changed")
    family.change_family_member(mother, dict(values), by=personas.lead_reviewer)
    assert not changed.exists()
    family.change_family_member(
        mother, values | {"participation": "taking_part"}, by=personas.lead_reviewer
    )
    assert changed.get().changes["participation"] == ["invited", "taking_part"]
