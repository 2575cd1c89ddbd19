"""The list of CMR Panel meetings: a meeting is past once held (attendance recorded, or its date
gone by), not by its date alone, and every link says which meeting it is (WCAG 2.4.4)."""

import datetime
import re

from django.test import Client
from django.utils import timezone

from referrals import consideration
from referrals.models import Attendance, Meeting
from tests.conftest import Personas, sign_in

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def meeting_on(date: datetime.date, place: str, personas: Personas) -> Meeting:
    return Meeting.objects.create(date=date, place=place, created_by=personas.admin)


def sections(personas: Personas) -> tuple[str, str]:
    """The list's two sections as the officer reads them: coming, then past."""
    response = sign_in(Client(), personas.sbni_officer).get("/referrals/meetings/")
    assert response.status_code == 200
    page = response.content.decode()
    coming, _, past = page.partition("Past meetings")
    return coming.partition("Coming meetings")[2], past


def link_texts(html: str) -> list[str]:
    """The text of each link to a meeting, hidden text included, tags removed."""
    found = re.findall(r'<a class="govuk-link" href="/referrals/meetings/[^"]+/">(.*?)</a>', html)
    return [re.sub(r"<[^>]+>", "", text) for text in found]


def test_a_meeting_held_today_with_attendance_recorded_is_past(personas: Personas) -> None:
    held = meeting_on(TODAY, "Room 1 (fictional)", personas)
    consideration.record_attendance(
        held, {personas.cmr_panel_chair: Attendance.Status.PRESENT}, by=personas.sbni_officer
    )
    coming, past = sections(personas)
    assert "No meetings are scheduled." in coming
    assert "No meetings have taken place yet." not in past
    assert link_texts(past) == [f"{TODAY:%-d %B %Y}, Room 1 (fictional)"]


def test_a_meeting_of_today_without_attendance_is_still_coming(personas: Personas) -> None:
    meeting_on(TODAY, "Room 1 (fictional)", personas)
    coming, past = sections(personas)
    assert link_texts(coming) == [f"{TODAY:%-d %B %Y}, Room 1 (fictional)"]
    assert "No meetings have taken place yet." in past


def test_a_meeting_whose_date_has_passed_is_past_even_without_attendance(
    personas: Personas,
) -> None:
    meeting_on(TODAY - DAY, "", personas)
    coming, past = sections(personas)
    assert "No meetings are scheduled." in coming
    assert link_texts(past) == [f"{TODAY - DAY:%-d %B %Y}, place not set"]


def test_two_meetings_on_one_day_have_links_that_say_which_is_which(personas: Personas) -> None:
    day = TODAY + 30 * DAY
    meeting_on(day, "Room 1 (fictional)", personas)
    meeting_on(day, "Room 1 (fictional)", personas)
    meeting_on(day + DAY, "Room 2 (fictional)", personas)
    coming, _ = sections(personas)
    texts = link_texts(coming)
    assert texts == [
        f"{day:%-d %B %Y}, meeting 1 of 2 that day, Room 1 (fictional)",
        f"{day:%-d %B %Y}, meeting 2 of 2 that day, Room 1 (fictional)",
        f"{day + DAY:%-d %B %Y}, Room 2 (fictional)",
    ]
    assert len(set(texts)) == len(texts)


def test_a_meeting_held_today_and_one_to_come_today_are_told_apart(personas: Personas) -> None:
    held = meeting_on(TODAY, "Room 1 (fictional)", personas)
    meeting_on(TODAY, "Room 1 (fictional)", personas)
    consideration.record_attendance(
        held, {personas.cmr_panel_chair: Attendance.Status.PRESENT}, by=personas.sbni_officer
    )
    coming, past = sections(personas)
    assert link_texts(past) == [f"{TODAY:%-d %B %Y}, meeting 1 of 2 that day, Room 1 (fictional)"]
    assert link_texts(coming) == [f"{TODAY:%-d %B %Y}, meeting 2 of 2 that day, Room 1 (fictional)"]


def test_short_notice_says_how_many_clear_days_in_the_right_number(personas: Personas) -> None:
    officer = sign_in(Client(), personas.sbni_officer)
    for given, words in ((7, "6 clear days were given"), (2, "1 clear day was given")):
        meeting = Meeting.objects.create(
            date=TODAY + 30 * DAY,
            notice_given_on=TODAY + (30 - given) * DAY,
            created_by=personas.admin,
        )
        page = officer.get(f"/referrals/meetings/{meeting.uuid}/").content.decode()
        assert f"Short notice: {words}." in page
