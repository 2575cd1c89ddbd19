"""The referral in the browser: start, save drafts, meet errors without losing anything, send."""

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pytest_django.fixtures import Settings

from cmr_portal.kernel.audit.models import AuditEvent
from panels.models import Agency
from referrals import services
from referrals.models import Referral, Sibling
from tests.conftest import Personas, sign_in
from tests.referrals.test_referral_services import DAY, TODAY, complete_answers


def date_fields(name: str, value: Any) -> dict[str, str]:
    """A date as the three boxes the page posts."""
    return {
        f"{name}_0": str(value.day),
        f"{name}_1": str(value.month),
        f"{name}_2": str(value.year),
    }


def section_data(section: str, answers: dict[str, Any]) -> dict[str, str]:
    from referrals.forms import SECTIONS_BY_SLUG

    data: dict[str, str] = {}
    for name in SECTIONS_BY_SLUG[section].fields:
        value = answers.get(name)
        if hasattr(value, "year"):
            data.update(date_fields(name, value))
        elif value is not None:
            data[name] = str(value)
    return data


@pytest.fixture
def member(client: Client, personas: Personas) -> Client:
    return sign_in(client, personas.belfast_member)


def start(client: Client) -> Referral:
    response = client.post("/referrals/start/")
    assert response.status_code == 302
    return Referral.objects.get(uuid=response["Location"].split("/")[2])


def fill_everything(client: Client, referral: Referral) -> None:
    for section in ("child", "event", "legal-status", "regulation-17", "notifier"):
        response = client.post(
            f"/referrals/{referral.uuid}/{section}/", section_data(section, complete_answers())
        )
        assert response.status_code == 302, response.content
    police = Agency.objects.get(short_name="PSNI")
    response = client.post(
        f"/referrals/{referral.uuid}/agencies/",
        {"agency": police.pk, "nature": "Called to the home (fictional)"},
    )
    assert response.status_code == 302, response.content


def test_a_member_starts_a_referral_and_sees_the_parts_to_complete(member: Client) -> None:
    referral = start(member)
    assert re.fullmatch(rf"BEL-{TODAY.year}-\d{{4}}", referral.reference)
    page = member.get(f"/referrals/{referral.uuid}/").text
    assert page.count("Not started") == 6
    assert "0 added" in page
    assert "Check what is still needed" in page


def test_a_part_saved_half_done_shows_in_progress(member: Client) -> None:
    referral = start(member)
    response = member.post(f"/referrals/{referral.uuid}/child/", {"child_initials": "AB"})
    assert response.status_code == 302
    page = member.get(f"/referrals/{referral.uuid}/").text
    assert "In progress" in page
    referral.refresh_from_db()
    assert referral.child_initials == "AB"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (date_fields("child_date_of_birth", TODAY + DAY), "must be today or in the past"),
        (
            {
                "child_date_of_birth_0": "31",
                "child_date_of_birth_1": "2",
                "child_date_of_birth_2": "2024",
            },
            "The child&#x27;s date of birth must be a real date",
        ),
        (
            {
                "child_date_of_birth_0": "3",
                "child_date_of_birth_1": "2",
                "child_date_of_birth_2": "24",
            },
            "must include 4 numbers",
        ),
        ({"child_date_of_birth_0": "3", "child_date_of_birth_2": "2024"}, "must include a month"),
        ({"child_estimated_age": "three"}, "Estimated age must be a whole number of years"),
        ({"child_estimated_age": "19"}, "Estimated age must be 18 or under"),
    ],
)
def test_an_error_keeps_everything_typed(
    member: Client, data: dict[str, str], message: str
) -> None:
    referral = start(member)
    typed = {"child_initials": "ABCDEF", "child_trust_reference": "TR-12 (fictional)", **data}
    response = member.post(f"/referrals/{referral.uuid}/child/", typed)
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert message in response.text
    assert "Child&#x27;s initials must be 5 characters or fewer" in response.text
    for value in typed.values():
        assert f'value="{value}"' in response.text
    referral.refresh_from_db()
    assert referral.child_initials == ""


def test_the_dates_of_the_event_are_checked_against_each_other(member: Client) -> None:
    referral = start(member)
    member.post(
        f"/referrals/{referral.uuid}/child/", date_fields("child_date_of_birth", TODAY - 10 * DAY)
    )
    response = member.post(
        f"/referrals/{referral.uuid}/event/",
        {
            **date_fields("event_date", TODAY - 20 * DAY),
            **date_fields("agency_aware_date", TODAY - 30 * DAY),
            "event_place": "Typed place (fictional)",
        },
    )
    assert response.status_code == 200
    assert "on or after the child&#x27;s birth" in response.text
    assert 'value="Typed place (fictional)"' in response.text


def test_script_typed_into_a_field_comes_back_as_text(member: Client) -> None:
    referral = start(member)
    script = '<script>alert("x")</script><b>bold</b>'
    member.post(
        f"/referrals/{referral.uuid}/event/", {"event_place": script, "event_summary": script}
    )
    services.update_referral(referral, {"child_initials": "<i>"}, by=referral.created_by)
    for url in (f"/referrals/{referral.uuid}/check/", "/referrals/"):
        page = member.get(url).text
        assert "<script>alert" not in page
        assert "<b>bold</b>" not in page
    assert "&lt;script&gt;" in member.get(f"/referrals/{referral.uuid}/check/").text


def test_sending_needs_every_answer_and_the_declaration(member: Client) -> None:
    referral = start(member)
    check = member.get(f"/referrals/{referral.uuid}/check/").text
    assert "The referral cannot be sent yet" in check
    assert "Enter the child&#x27;s initials" in check
    fill_everything(member, referral)
    assert "Check your answers and send" in member.get(f"/referrals/{referral.uuid}/").text
    refused = member.post(f"/referrals/{referral.uuid}/check/", {})
    assert "Confirm the declaration to send the referral" in refused.text
    sent = member.post(f"/referrals/{referral.uuid}/check/", {"declaration": "on"})
    assert sent["Location"] == f"/referrals/{referral.uuid}/sent/"
    confirmation = member.get(sent["Location"]).text
    assert "Referral sent" in confirmation
    assert referral.reference in confirmation
    referral.refresh_from_db()
    assert referral.status == Referral.Status.SUBMITTED
    assert referral.regulation_17_indicator == Referral.Indicator.ROUTE_2


def test_after_sending_the_panel_reads_it_and_the_sbni_sees_it(
    member: Client, personas: Personas
) -> None:
    referral = start(member)
    fill_everything(member, referral)
    member.post(f"/referrals/{referral.uuid}/check/", {"declaration": "on"})
    change = member.get(f"/referrals/{referral.uuid}/child/")
    assert change["Location"] == f"/referrals/{referral.uuid}/"
    assert "can no longer be changed" in member.get(change["Location"]).text

    officer = sign_in(Client(), personas.sbni_officer)
    page = officer.get(f"/referrals/{referral.uuid}/")
    assert page.status_code == 200
    assert "Family home (fictional)" in page.text
    assert officer.get(f"/referrals/{referral.uuid}/child/").status_code == 404
    viewed = AuditEvent.objects.filter(action="referral.viewed", actor=personas.sbni_officer)
    assert viewed.count() == 1


def test_the_history_lists_every_change(member: Client) -> None:
    referral = start(member)
    member.post(f"/referrals/{referral.uuid}/child/", {"child_initials": "AB"})
    page = member.get(f"/referrals/{referral.uuid}/history/").text
    assert "Started referral" in page
    assert "Changed answers on referral" in page


def test_the_panel_withdraws_a_referral_with_a_reason(member: Client) -> None:
    referral = start(member)
    empty = member.post(f"/referrals/{referral.uuid}/withdraw/", {"reason": ""})
    assert "Enter the reason for withdrawing the referral" in empty.text
    done = member.post(f"/referrals/{referral.uuid}/withdraw/", {"reason": "Logged twice"})
    assert done.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Referral.Status.WITHDRAWN
    assert "Logged twice" in member.get(f"/referrals/{referral.uuid}/").text


def test_the_list_filters_and_searches(member: Client, personas: Personas) -> None:
    first = start(member)
    second = start(member)
    services.update_referral(first, {"child_initials": "XY"}, by=personas.belfast_member)
    fill_everything(member, second)
    member.post(f"/referrals/{second.uuid}/check/", {"declaration": "on"})
    assert first.reference in member.get("/referrals/?q=xy").text
    assert second.reference not in member.get("/referrals/?q=xy").text
    submitted = member.get("/referrals/?status=submitted").text
    assert second.reference in submitted
    assert first.reference not in submitted
    route_2 = member.get("/referrals/?indicator=route_17_2").text
    assert second.reference in route_2
    assert first.reference not in route_2
    assert "1 referral" in member.get("/referrals/?status=draft").text


def test_the_list_costs_the_same_queries_for_2_or_40_referrals(
    member: Client, personas: Personas
) -> None:
    def count() -> int:
        member.get("/referrals/")
        with CaptureQueriesContext(connection) as queries:
            assert member.get("/referrals/").status_code == 200
        return len(queries)

    for _ in range(2):
        services.create_referral(personas.belfast, by=personas.belfast_member)
    few = count()
    for _ in range(38):
        services.create_referral(personas.belfast, by=personas.belfast_member)
    assert count() == few
    assert few <= 12


def test_a_list_longer_than_the_count_cap_says_more_than_and_pages_forward(
    member: Client, personas: Personas, settings: Settings
) -> None:
    for _ in range(30):
        services.create_referral(personas.belfast, by=personas.belfast_member)

    def read(url: str) -> tuple[str, int]:
        with CaptureQueriesContext(connection) as queries:
            response = member.get(url)
        assert response.status_code == 200
        return response.content.decode(), len(queries)

    member.get("/referrals/")  # the first request after signing in reads more
    settings.LIST_COUNT_CAP = 30
    counted, within = read("/referrals/?status=draft")
    assert "30 referrals</caption>" in counted
    assert "Page 1 of 2<" in counted
    settings.LIST_COUNT_CAP = 10
    first, beyond = read("/referrals/?status=draft")
    assert beyond == within
    assert "More than 10 referrals</caption>" in first
    assert first.count('<a class="govuk-link" href="/referrals/') == 25
    assert "Page 1<" in first
    assert 'href="?status=draft&amp;page=2" rel="next"' in first
    assert 'rel="prev"' not in first
    second, _ = read("/referrals/?status=draft&page=2")
    assert "More than 10 referrals</caption>" in second
    assert second.count('<a class="govuk-link" href="/referrals/') == 5
    assert "Page 2<" in second
    assert 'href="?status=draft&amp;page=1" rel="prev"' in second
    assert 'rel="next"' not in second


def test_clearing_every_answer_of_a_part_saves_the_blanks(member: Client) -> None:
    referral = start(member)
    member.post(f"/referrals/{referral.uuid}/child/", {"child_initials": "AB"})
    assert member.post(f"/referrals/{referral.uuid}/child/", {}).status_code == 302
    referral.refresh_from_db()
    assert referral.child_initials == ""


def test_siblings_are_added_and_removed_in_the_browser(member: Client) -> None:
    referral = start(member)
    url = f"/referrals/{referral.uuid}/siblings/"
    refused = member.post(url, {"initials": "", "estimated_age": "7", "gender": "male"})
    assert "Enter the sibling&#x27;s initials" in refused.text
    assert 'value="7"' in refused.text
    assert member.post(url, {"initials": "CD", "estimated_age": "7"}).status_code == 302
    page = member.get(url).text
    assert "About 7 years old" in page
    sibling = referral.siblings.get()
    assert member.post(f"{url}{sibling.uuid}/remove/").status_code == 302
    assert not referral.siblings.exists()
    assert "1 added" not in member.get(f"/referrals/{referral.uuid}/").text


def test_an_agency_needs_a_name_and_sensible_dates(member: Client) -> None:
    referral = start(member)
    url = f"/referrals/{referral.uuid}/agencies/"
    refused = member.post(
        url,
        {
            "nature": "Typed words (fictional)",
            **date_fields("involved_from", TODAY - 2 * DAY),
            **date_fields("involved_to", TODAY - 5 * DAY),
        },
    )
    assert "Select the agency" in refused.text
    assert "The end of the involvement must be after its start" in refused.text
    assert "Typed words (fictional)" in refused.text
    assert not referral.agencies.exists()


def test_a_sibling_of_another_referral_is_not_found(member: Client) -> None:
    first, second = start(member), start(member)
    services.add_part(first, Sibling, {"initials": "GH"}, by=first.created_by)
    sibling = first.siblings.get()
    response = member.post(f"/referrals/{second.uuid}/siblings/{sibling.uuid}/remove/")
    assert response.status_code == 404
    assert first.siblings.exists()


def test_the_list_filters_by_the_date_of_the_event(member: Client, personas: Personas) -> None:
    early, late = start(member), start(member)
    services.update_referral(early, {"event_date": TODAY - 40 * DAY}, by=personas.belfast_member)
    services.update_referral(late, {"event_date": TODAY - 4 * DAY}, by=personas.belfast_member)
    since = TODAY - 10 * DAY
    page = member.get("/referrals/", date_fields("event_from", since)).text
    assert late.reference in page
    assert early.reference not in page
    page = member.get("/referrals/", date_fields("event_to", since)).text
    assert early.reference in page
    assert late.reference not in page
    wrong = member.get(
        "/referrals/", {"event_from_0": "31", "event_from_1": "2", "event_from_2": "2026"}
    )
    assert wrong.status_code == 200
    assert "The earliest date of the event must be a real date" in wrong.text
    assert 'value="31"' in wrong.text
    assert early.reference in wrong.text
    assert late.reference in wrong.text


def test_markup_typed_into_every_text_field_comes_back_as_text(member: Client) -> None:
    from django import forms

    from referrals.forms import SECTIONS

    referral = start(member)
    typed = 0
    for part in SECTIONS:
        data = {}
        for name, field in part.form().fields.items():
            if type(field) is forms.CharField:
                script = '<script>alert("x")</script><b>bold</b>'
                fits = (field.max_length or 5000) >= len(script)
                data[name] = script if fits else "<i>"
                typed += 1
        assert member.post(f"/referrals/{referral.uuid}/{part.slug}/", data).status_code == 302
    page = member.get(f"/referrals/{referral.uuid}/check/").text
    assert typed >= 10
    assert "<script>alert" not in page
    assert "<b>bold</b>" not in page
    assert "<i>" not in page.replace('<i class="', "")
    assert page.count("&lt;script&gt;") + page.count("&lt;i&gt;") >= typed


def test_the_browser_never_cuts_what_is_typed(member: Client) -> None:
    """No maxlength: the server refuses long text with a message instead of losing some."""
    referral = start(member)
    for part in ("child", "event", "notifier", "siblings", "agencies", "documents"):
        page = member.get(f"/referrals/{referral.uuid}/{part}/").text
        assert not re.search(r"\smaxlength=", page), part  # data-maxlength only counts
        assert "---------" not in page, part
