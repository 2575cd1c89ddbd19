"""CMR Panel meetings: notice in clear days, late business, attendance and the quorum warning,
declarations of interest, the agenda."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings

from cmr_portal.kernel.audit.models import AuditEvent
from cmr_portal.kernel.notifications.models import Notification
from panels.models import SbniRole, User
from referrals import consideration, services
from referrals.models import AgendaItem, Meeting, Referral
from referrals.workflow import ReferralError
from tests.conftest import Personas, make_persona, sign_in, with_role
from tests.referrals import flow

TODAY = timezone.localdate()


def meeting_on(date: datetime.date, given: datetime.date | None, personas: Personas) -> Meeting:
    return Meeting.objects.create(date=date, notice_given_on=given, created_by=personas.admin)


@pytest.mark.parametrize(
    ("given", "clear", "enough"),
    [
        (datetime.date(2026, 12, 2), 7, True),  # 3 to 9 December: seven days between
        (datetime.date(2026, 12, 1), 8, True),
        (datetime.date(2026, 12, 3), 6, False),
        (None, None, False),
    ],
)
def test_notice_counts_clear_days(
    personas: Personas, given: datetime.date | None, clear: int | None, enough: bool
) -> None:
    notice = consideration.notice(meeting_on(datetime.date(2026, 12, 10), given, personas))
    assert (notice.clear_days, notice.is_enough) == (clear, enough)


def test_the_clear_days_come_from_the_settings(personas: Personas, settings: Settings) -> None:
    settings.CMR_PANEL_NOTICE_CLEAR_DAYS = 10
    meeting = meeting_on(datetime.date(2026, 12, 10), datetime.date(2026, 12, 1), personas)
    assert not consideration.notice(meeting).is_enough


def test_business_added_after_notice_is_late(personas: Personas) -> None:
    item = flow.on_agenda(personas)
    assert not consideration.is_late_business(item)
    Meeting.objects.filter(pk=item.meeting_id).update(
        notice_given_on=TODAY - datetime.timedelta(days=1)
    )
    item = AgendaItem.objects.select_related("meeting").get(pk=item.pk)
    assert consideration.is_late_business(item)


def cmr_panel(personas: Personas, members: int) -> list[User]:
    """The CMR Panel: its chair from the personas and ``members`` more, all fictional."""
    extra = [
        with_role(make_persona(f"cmr_member_{n}"), SbniRole.CMR_PANEL_MEMBER)
        for n in range(members)
    ]
    return [personas.cmr_panel_chair, *extra]


@pytest.mark.parametrize(
    ("present", "quorate"),
    [
        ({0, 1, 2, 3}, True),  # 4 of 6 with the chair: two-thirds exactly
        ({0, 1, 2}, False),  # 3 of 6: too few
        ({1, 2, 3, 4, 5}, False),  # 5 of 6 without the chair
    ],
)
def test_the_quorum_is_two_thirds_with_the_chair(
    personas: Personas, present: set[int], quorate: bool
) -> None:
    members = cmr_panel(personas, 5)
    meeting = flow.meeting_today(personas)
    statuses = {
        member: "present" if n in present else "apologies" for n, member in enumerate(members)
    }
    checked = consideration.record_attendance(meeting, statuses, by=personas.sbni_officer)
    assert (checked.needed, checked.is_quorate) == (4, quorate)
    meeting.refresh_from_db()
    assert meeting.is_quorate is quorate
    event = AuditEvent.objects.get(action="meeting.attendance_recorded")
    assert event.changes["quorate"] is quorate


def test_an_inquorate_meeting_still_recommends_with_a_warning_on_the_record(
    personas: Personas,
) -> None:
    members = cmr_panel(personas, 2)
    item = flow.on_agenda(personas)
    consideration.record_attendance(
        item.meeting,
        {members[0]: "absent", members[1]: "present", members[2]: "present"},
        by=personas.sbni_officer,
    )
    consideration.recommend(item, flow.recommendation_values(), by=personas.sbni_officer)
    event = AuditEvent.objects.get(action="referral.recommended")
    assert event.changes["quorate"] is False
    client = sign_in(Client(), personas.sbni_chair)
    page = client.get(f"/referrals/meetings/{item.meeting.uuid}/").content.decode()
    assert "This meeting was not quorate" in page
    assert "the chair was not among them" in page
    overview = client.get(f"/referrals/{item.referral.uuid}/").content.decode()
    assert "Not quorate" in overview


def test_a_recommendation_needs_the_meeting_held_and_attendance_recorded(
    personas: Personas,
) -> None:
    item = flow.on_agenda(personas)
    with pytest.raises(ReferralError, match="Record who attended"):
        consideration.recommend(item, flow.recommendation_values(), by=personas.sbni_officer)
    Meeting.objects.filter(pk=item.meeting_id).update(date=TODAY + datetime.timedelta(days=3))
    with pytest.raises(ReferralError, match="once the meeting has taken place"):
        consideration.recommend(item, flow.recommendation_values(), by=personas.sbni_officer)
    assert Referral.objects.get(pk=item.referral_id).status == Referral.Status.UNDER_CONSIDERATION


def test_a_referral_goes_on_an_agenda_once_acknowledged_and_tells_its_panel(
    personas: Personas,
) -> None:
    meeting = flow.meeting_today(personas)
    unacknowledged = flow.sent(personas)
    with pytest.raises(ReferralError, match="Acknowledge the referral"):
        consideration.add_to_agenda(meeting, unacknowledged, by=personas.sbni_officer)
    item = flow.on_agenda(personas, meeting)
    assert item.referral.status == Referral.Status.UNDER_CONSIDERATION
    with pytest.raises(ReferralError, match="already on this agenda"):
        consideration.add_to_agenda(meeting, item.referral, by=personas.sbni_officer)
    told = Notification.objects.filter(message__contains="goes to the CMR Panel meeting")
    assert {notice.recipient for notice in told} == {
        personas.belfast_member,
        personas.belfast_chair,
    }
    past = Meeting.objects.create(
        date=TODAY - datetime.timedelta(days=1), created_by=personas.sbni_officer
    )
    with pytest.raises(ReferralError, match="has taken place"):
        consideration.add_to_agenda(past, item.referral, by=personas.sbni_officer)


def test_taking_a_referral_off_its_only_agenda_returns_it_to_the_sbni(
    personas: Personas,
) -> None:
    item = flow.on_agenda(personas)
    later = Meeting.objects.create(
        date=TODAY + datetime.timedelta(days=14), created_by=personas.sbni_officer
    )
    second = consideration.add_to_agenda(later, item.referral, by=personas.sbni_officer)
    consideration.remove_from_agenda(item, by=personas.cmr_panel_chair)
    assert Referral.objects.get(pk=item.referral_id).status == Referral.Status.UNDER_CONSIDERATION
    consideration.remove_from_agenda(second, by=personas.cmr_panel_chair)
    assert Referral.objects.get(pk=item.referral_id).status == Referral.Status.SUBMITTED
    assert AuditEvent.objects.filter(action="referral.removed_from_agenda").count() == 2


def test_declarations_of_interest_are_kept_per_referral(personas: Personas) -> None:
    item = flow.on_agenda(personas)
    with pytest.raises(ReferralError, match="member of the CMR Panel"):
        consideration.declare_interest(
            item,
            member=personas.reviewer,
            interest="Fictional",
            took_part=True,
            by=personas.sbni_officer,
        )
    consideration.declare_interest(
        item,
        member=personas.cmr_panel_chair,
        interest="Knew the family professionally (fictional).",
        took_part=False,
        by=personas.sbni_officer,
    )
    with pytest.raises(ReferralError, match="Declarations of interest were recorded"):
        consideration.remove_from_agenda(item, by=personas.sbni_officer)
    page = (
        sign_in(Client(), personas.sbni_officer)
        .get(f"/referrals/meetings/{item.meeting.uuid}/agenda/{item.uuid}/")
        .content.decode()
    )
    assert "Knew the family professionally (fictional)." in page
    assert "Left for this item." in page
    assert AuditEvent.objects.filter(action="referral.interest_declared").exists()


def test_giving_notice_tells_the_cmr_panel(personas: Personas) -> None:
    meeting = Meeting.objects.create(
        date=TODAY + datetime.timedelta(days=10), created_by=personas.sbni_officer
    )
    consideration.update_meeting(meeting, {"notice_given_on": TODAY}, by=personas.cmr_panel_chair)
    assert Notification.objects.filter(
        recipient=personas.cmr_panel_chair, message__startswith="Notice of business"
    ).exists()
    with pytest.raises(ReferralError, match="Only an SBNI officer or the CMR Panel chair"):
        consideration.update_meeting(meeting, {"place": "Elsewhere"}, by=personas.sbni_chair)


def test_after_a_recommendation_attendance_and_declarations_stay_as_recorded(
    personas: Personas,
) -> None:
    recommendation = flow.recommended(personas)
    item = recommendation.item
    with pytest.raises(ReferralError, match="attendance stays as it was recorded"):
        consideration.record_attendance(
            item.meeting, {personas.cmr_panel_chair: "absent"}, by=personas.sbni_officer
        )
    with pytest.raises(ReferralError, match="only before the recommendation"):
        consideration.declare_interest(
            item,
            member=personas.cmr_panel_chair,
            interest="Fictional",
            took_part=True,
            by=personas.sbni_officer,
        )
    Referral.objects.filter(pk=item.referral_id).update(status=Referral.Status.UNDER_CONSIDERATION)
    with pytest.raises(ReferralError, match="already recorded"):
        consideration.recommend(item, flow.recommendation_values(), by=personas.sbni_officer)


def test_a_withdrawn_referral_can_be_taken_off_an_agenda_and_stays_withdrawn(
    personas: Personas,
) -> None:
    item = flow.on_agenda(personas)
    services.withdraw_referral(item.referral, reason="Fictional", by=personas.belfast_chair)
    client = sign_in(Client(), personas.sbni_officer)
    url = f"/referrals/meetings/{item.meeting.uuid}/agenda/{item.uuid}/"
    assert "The panel withdrew this referral" in client.get(url).content.decode()
    assert client.post(f"{url}remove/").status_code == 302
    assert not AgendaItem.objects.exists()
    assert Referral.objects.get(pk=item.referral_id).status == Referral.Status.WITHDRAWN


def test_the_referring_panel_never_sees_the_panels_deliberations_in_the_history(
    personas: Personas,
) -> None:
    item = flow.on_agenda(personas)
    flow.everyone_present(item.meeting, personas)
    consideration.declare_interest(
        item,
        member=personas.cmr_panel_chair,
        interest="Fictional",
        took_part=True,
        by=personas.sbni_officer,
    )
    consideration.recommend(item, flow.recommendation_values(), by=personas.sbni_officer)
    url = f"/referrals/{item.referral.uuid}/history/"
    panel = sign_in(Client(), personas.belfast_member).get(url).content.decode()
    sbni = sign_in(Client(), personas.sbni_officer).get(url).content.decode()
    for deliberation in ("declared an interest", "The CMR Panel recommended"):
        assert deliberation not in panel
        assert deliberation in sbni
    assert "Put referral" in panel  # the panel was told of the meeting anyway
