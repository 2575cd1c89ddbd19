"""The SBNI's queue, acknowledging receipt, and deadlines in Northern Ireland working days."""

import datetime

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings

from cmr_portal.kernel.audit.models import AuditEvent
from cmr_portal.kernel.notifications.models import Notification
from referrals import deadlines, services
from referrals.models import Referral, Timescale
from referrals.workflow import ReferralError
from tests.conftest import Personas, sign_in
from tests.referrals.test_referral_services import ready_to_send


def sent(personas: Personas, on: str | None = None) -> Referral:
    referral = services.create_referral(personas.belfast, by=personas.belfast_member)
    ready_to_send(referral, personas.belfast_member)
    referral = services.submit_referral(referral, by=personas.belfast_member)
    if on is not None:
        moment = datetime.datetime.fromisoformat(f"{on}T10:00:00+00:00")
        Referral.objects.filter(pk=referral.pk).update(submitted_at=moment)
        # Sent on that day: its due date worked out again from it.
        deadlines.store_due_date(referral)
    return Referral.objects.get(pk=referral.pk)


def test_acknowledging_tells_the_panel_and_moves_the_deadline_on(personas: Personas) -> None:
    referral = sent(personas, on="2026-07-10")  # a Friday before the 12 July holidays
    first = deadlines.next_deadline(referral, today=datetime.date(2026, 7, 14))
    assert first is not None
    assert first.step == Timescale.Step.ACKNOWLEDGE
    assert first.due == datetime.date(2026, 7, 15)  # 2 working days: 14 and 15 July
    assert not first.is_overdue
    assert first.working_days_left == 1

    services.acknowledge_referral(referral, by=personas.sbni_officer)
    referral = Referral.objects.get(pk=referral.pk)
    after = deadlines.next_deadline(referral, today=datetime.date(2026, 9, 1))
    assert after is not None
    assert after.step == Timescale.Step.CMR_PANEL
    assert after.due == datetime.date(2026, 8, 24)  # 30 working days on from 10 July
    assert after.is_overdue
    told = Notification.objects.filter(message__contains="acknowledged")
    assert {notice.recipient for notice in told} == {
        personas.belfast_member,
        personas.belfast_chair,
    }
    assert AuditEvent.objects.filter(action="referral.acknowledged").count() == 1


def test_a_timescale_change_moves_every_deadline(personas: Personas) -> None:
    referral = sent(personas, on="2026-11-23")
    other = sent(personas, on="2026-11-24")
    services.acknowledge_referral(other, by=personas.sbni_officer)
    services.change_timescale(Timescale.Step.ACKNOWLEDGE, {"working_days": 5}, by=personas.admin)
    deadline = deadlines.next_deadline(Referral.objects.get(pk=referral.pk))
    assert deadline is not None
    assert deadline.due == datetime.date(2026, 11, 30)
    # The CMR Panel's step is untouched: 30 working days from 24 November.
    assert Referral.objects.get(pk=other.pk).due_on == datetime.date(2027, 1, 8)
    event = AuditEvent.objects.get(action="timescale.changed")
    assert event.changes == {"working_days": [2, 5]}


def test_an_administrator_changes_a_timescale_in_the_admin_and_the_queue_follows(
    personas: Personas,
) -> None:
    referral = sent(personas, on="2026-11-23")  # acknowledge by 25 November
    timescale = Timescale.objects.get(step=Timescale.Step.ACKNOWLEDGE)
    admin = sign_in(Client(), personas.admin)
    response = admin.post(
        f"/admin/referrals/timescale/{timescale.pk}/change/",
        {"working_days": 5, "pauses_while_waiting": "", "is_placeholder": "on"},
    )
    assert response.status_code == 302
    assert Referral.objects.get(pk=referral.pk).due_on == datetime.date(2026, 11, 30)
    officer = sign_in(Client(), personas.sbni_officer)
    assert "30 Nov 2026" in officer.get("/referrals/queue/").text
    assert AuditEvent.objects.filter(action="timescale.changed", actor=personas.admin).exists()


def test_every_timescale_starts_as_a_placeholder(db: None) -> None:
    assert set(Timescale.objects.values_list("step", flat=True)) == set(Timescale.Step.values)
    assert all(Timescale.objects.values_list("is_placeholder", flat=True))


def test_only_an_sbni_officer_acknowledges_and_only_once(personas: Personas) -> None:
    referral = sent(personas)
    for someone in (personas.belfast_chair, personas.sbni_chair, personas.western_member):
        with pytest.raises(ReferralError):
            services.acknowledge_referral(referral, by=someone)
    services.acknowledge_referral(referral, by=personas.sbni_officer)
    with pytest.raises(ReferralError, match="already been acknowledged"):
        services.acknowledge_referral(referral, by=personas.sbni_officer)


def test_the_officer_acknowledges_from_the_referral_page(personas: Personas) -> None:
    referral = sent(personas)
    officer = sign_in(Client(), personas.sbni_officer)
    page = officer.get(f"/referrals/{referral.uuid}/").text
    assert "Acknowledge receipt" in page
    response = officer.post(f"/referrals/{referral.uuid}/acknowledge/")
    assert response.status_code == 302
    page = officer.get(response["Location"]).text
    assert "acknowledged. The panel has been told" in page
    assert "Acknowledge receipt</button>" not in page
    member = sign_in(Client(), personas.belfast_member)
    assert "Acknowledge receipt</button>" not in member.get(f"/referrals/{referral.uuid}/").text
    assert member.post(f"/referrals/{referral.uuid}/acknowledge/").status_code == 404


def test_the_queue_shows_age_and_deadline_and_filters_overdue(personas: Personas) -> None:
    old = sent(personas, on="2026-01-05")
    new = sent(personas)
    draft = services.create_referral(personas.belfast, by=personas.belfast_member)
    officer = sign_in(Client(), personas.sbni_officer)
    page = officer.get("/referrals/queue/").text
    assert old.reference in page
    assert new.reference in page
    assert draft.reference not in page
    assert "Overdue" in page
    overdue = officer.get("/referrals/queue/?overdue=yes").text
    assert old.reference in overdue
    assert new.reference not in overdue
    assert "0 days" in page
    age = deadlines.age_in_working_days(old, timezone.localdate())
    assert f"{age} days" in page
    assert new.reference not in officer.get("/referrals/queue/?panel=WST").text


def sent_long_ago(personas: Personas) -> None:
    """55 referrals sent 60 days ago, a minute apart: BEL-2026-9000 to BEL-2026-9054."""
    long_ago = timezone.now() - datetime.timedelta(days=60)
    made = Referral.objects.bulk_create(
        Referral(
            panel=personas.belfast,
            reference=f"BEL-2026-9{n:03d}",
            status=Referral.Status.SUBMITTED,
            created_by=personas.belfast_member,
            submitted_at=long_ago + datetime.timedelta(minutes=n),
        )
        for n in range(55)
    )
    with transaction.atomic():  # as every transition stores them: the timescales locked
        deadlines.store_due_dates(Referral.objects.filter(pk__in=[each.pk for each in made]))


def test_the_overdue_referrals_come_a_page_at_a_time_oldest_first(personas: Personas) -> None:
    sent_long_ago(personas)
    officer = sign_in(Client(), personas.sbni_officer)
    first = officer.get("/referrals/queue/?overdue=yes").text
    assert "Overdue referrals, oldest first" in first
    assert first.count(">BEL-2026-9") == 50
    assert ">BEL-2026-9049<" in first
    assert ">BEL-2026-9050<" not in first
    assert "?overdue=yes&amp;page=2" in first
    second = officer.get("/referrals/queue/?overdue=yes&page=2").text
    assert second.count(">BEL-2026-9") == 5
    assert ">BEL-2026-9050<" in second
    assert "page=3" not in second


def test_a_queue_longer_than_the_count_cap_says_more_than(
    personas: Personas, settings: Settings
) -> None:
    sent_long_ago(personas)
    officer = sign_in(Client(), personas.sbni_officer)
    settings.LIST_COUNT_CAP = 55
    assert "55 referrals</caption>" in officer.get("/referrals/queue/").text
    settings.LIST_COUNT_CAP = 20
    first = officer.get("/referrals/queue/").text
    assert "More than 20 referrals</caption>" in first
    assert first.count(">BEL-2026-9") == 50
    assert "Page 1<" in first
    second = officer.get("/referrals/queue/?page=2").text
    assert second.count(">BEL-2026-9") == 5
    assert ">BEL-2026-9054<" in second
    assert "Page 2<" in second


def test_the_queue_is_for_sbni_staff_only(personas: Personas) -> None:
    for persona in ("belfast_chair", "western_member", "reviewer", "agency_contact", "admin"):
        client = sign_in(Client(), getattr(personas, persona))
        assert client.get("/referrals/queue/").status_code == 404, persona
    for persona in ("sbni_officer", "cmr_panel_chair", "sbni_chair"):
        client = sign_in(Client(), getattr(personas, persona))
        assert client.get("/referrals/queue/").status_code == 200, persona
