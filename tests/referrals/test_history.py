"""A referral's history as people read it, and who has viewed it (issue 17, item 2).

Every name and text here is fictional."""

import datetime
import html
import re

import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cmr_portal.kernel.audit.models import AuditEvent
from referrals import consideration, services
from referrals.models import Referral
from tests.conftest import Personas, sign_in
from tests.referrals import flow
from tests.referrals.test_referral_pages import date_fields, start


def history_of(client: Client, referral: Referral) -> str:
    response = client.get(f"/referrals/{referral.uuid}/history/")
    assert response.status_code == 200
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


def test_a_change_shows_each_answer_by_its_label_with_the_value_before_and_after(
    client: Client, personas: Personas
) -> None:
    member = sign_in(client, personas.belfast_member)
    referral = start(member)
    born = datetime.date(2015, 3, 4)
    member.post(
        f"/referrals/{referral.uuid}/child/",
        {
            "child_initials": "AB",
            "child_gender": "female",
            **date_fields("child_date_of_birth", born),
        },
    )
    member.post(
        f"/referrals/{referral.uuid}/child/",
        {
            "child_initials": "AB",
            "child_gender": "not_known",
            **date_fields("child_date_of_birth", born),
        },
    )
    page = history_of(member, referral)
    # The form's labels, not the model's field names.
    assert "child_date_of_birth" not in page
    assert "child_gender" not in page
    assert "Child's date of birth" in page
    # A date as a date; a choice by its label, before and after.
    assert re.search(
        r"Before: </span><span[^>]*>Not given</span>.*After: </span><span[^>]*>4 March 2015<", page
    )
    assert re.search(
        r"Before: </span><span[^>]*>Female</span>.*After: </span><span[^>]*>Not known<", page
    )
    assert "Changed answers on referral" in page


def test_a_long_text_links_to_its_changes_line_by_line(client: Client, personas: Personas) -> None:
    member = sign_in(client, personas.belfast_member)
    referral = start(member)
    for summary in ("Fictional: first line.\nSecond line.", "Fictional: first line.\nA new line."):
        member.post(f"/referrals/{referral.uuid}/event/", {"event_summary": summary})
    page = history_of(member, referral)
    # Written the first time, the text is shown whole; changed, it is compared on its own page.
    assert "Fictional: first line.<br>Second line." in page
    link = f"/referrals/{referral.uuid}/history/event_summary/1/"
    assert f'href="{link}"' in page
    assert "See the changes line by line" in page
    compared = member.get(link)
    assert compared.status_code == 200
    text = html.unescape(compared.content.decode())
    assert "Factual summary: change 1 of 1" in text
    assert re.search(r"<del[^>]*>.*Removed: </span>Second line.</del>", text)
    assert re.search(r"<ins[^>]*>.*Added: </span>A new line.</ins>", text)
    assert member.get(f"/referrals/{referral.uuid}/history/event_summary/2/").status_code == 404
    assert member.get(f"/referrals/{referral.uuid}/history/child_initials/1/").status_code == 404
    seen = AuditEvent.objects.filter(
        actor=personas.belfast_member, action="referral.history_viewed"
    )
    assert seen.count() == 2  # the history and the comparison were viewed, and recorded


def test_a_yes_or_no_reads_yes_or_no(personas: Personas) -> None:
    item = flow.on_agenda(personas)
    flow.everyone_present(item.meeting, personas)
    consideration.declare_interest(
        item, member=personas.cmr_panel_chair, interest="Fictional", took_part=False,
        by=personas.sbni_officer,
    )  # fmt: skip
    page = history_of(sign_in(Client(), personas.sbni_officer), item.referral)
    assert re.search(r"Took part in the discussion</dt>.*After: </span><span[^>]*>No<", page)


def test_views_are_kept_out_of_the_history(client: Client, personas: Personas) -> None:
    member = sign_in(client, personas.belfast_member)
    referral = start(member)
    for _ in range(3):
        member.get(f"/referrals/{referral.uuid}/")
    history_of(member, referral)
    page = history_of(member, referral)
    assert "Started referral" in page
    assert "Viewed" not in page


def _viewed_on(
    day: datetime.date, who: Personas, name: str, referral: Referral, times: int
) -> None:
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
    with time_machine.travel(moment, tick=False):
        for _ in range(times):
            sign_in(Client(), getattr(who, name)).get(f"/referrals/{referral.uuid}/")


def test_who_has_viewed_counts_each_person_each_day(personas: Personas) -> None:
    referral = flow.sent(personas)
    today = timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)
    _viewed_on(yesterday, personas, "belfast_member", referral, 2)
    _viewed_on(today, personas, "belfast_member", referral, 3)
    _viewed_on(today, personas, "sbni_officer", referral, 1)
    chair = sign_in(Client(), personas.belfast_chair)
    response = chair.get(f"/referrals/{referral.uuid}/history/viewed/")
    assert response.status_code == 200
    table = response.content.decode().split("<tbody", 1)[1]
    rows = [
        " ".join(re.sub(r"<[^>]+>", " ", row).split())
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)
    ]
    day = "{:%-d %B %Y}".format
    member, officer = personas.belfast_member.full_name, personas.sbni_officer.full_name
    expected_today = sorted([(member, 3), (officer, 1)])
    assert rows == [
        *(f"{day(today)} {name} {count}" for name, count in expected_today),
        f"{day(yesterday)} {member} 2",
    ]
    assert AuditEvent.objects.filter(
        actor=personas.belfast_chair, action="referral.viewers_viewed"
    ).exists()
    # Seeing who has viewed is itself a view, listed there, not in the history.
    assert "Viewed who has viewed" not in history_of(chair, referral)


def test_who_has_viewed_is_for_the_panels_chair_and_sbni_staff_only(personas: Personas) -> None:
    referral = flow.sent(personas)
    url = f"/referrals/{referral.uuid}/history/viewed/"
    for name in ("belfast_chair", "sbni_officer", "cmr_panel_chair", "sbni_chair"):
        assert sign_in(Client(), getattr(personas, name)).get(url).status_code == 200, name
    for name in ("belfast_member", "western_member", "reviewer", "agency_contact"):
        assert sign_in(Client(), getattr(personas, name)).get(url).status_code == 404, name
    history = sign_in(Client(), personas.belfast_member).get(f"/referrals/{referral.uuid}/history/")
    assert "Who has viewed this referral" not in history.content.decode()


def queries_for(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_history_and_who_has_viewed_cost_the_same_queries_however_long(
    personas: Personas,
) -> None:
    chair = sign_in(Client(), personas.belfast_chair)
    draft = services.create_referral(personas.belfast, by=personas.belfast_member)
    history = f"/referrals/{draft.uuid}/history/"
    viewers = f"/referrals/{draft.uuid}/history/viewed/"
    for text in ("Fictional: first.", "Fictional: second."):
        services.update_referral(draft, {"event_summary": text}, by=personas.belfast_member)
    chair.get(history)
    few = queries_for(chair, history), queries_for(chair, viewers)
    member = sign_in(Client(), personas.belfast_member)
    for number in range(8):
        services.update_referral(
            draft,
            {"event_summary": f"Fictional: version {number}.", "child_initials": f"A{number}"},
            by=personas.belfast_member,
        )
        member.get(f"/referrals/{draft.uuid}/")
    assert "/history/event_summary/9/" in member.get(history).content.decode()  # 9 compared
    assert (queries_for(chair, history), queries_for(chair, viewers)) == few
