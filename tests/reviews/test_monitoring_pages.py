"""The monitoring page and the records behind its figures (issue 20): who sees what, the charts
with their titles, summaries and tables, the filters, and what hostile addresses get."""

import datetime
import html
import re

import pytest
from django.test import Client

from cmr_portal.kernel.audit.models import AuditEvent
from referrals.models import Referral, Timescale
from reviews.models import Figure
from reviews.monitoring.refresh import refresh
from tests.conftest import Personas, sign_in
from tests.reviews.test_monitoring_figures import at, sent_on

D = datetime.date


@pytest.fixture
def figures(personas: Personas) -> Referral:
    """A Belfast referral acknowledged a day late and another never acknowledged; worked out."""
    late = sent_on(D(2025, 5, 1), personas)
    with at(D(2025, 5, 9)):
        from referrals import services

        services.acknowledge_referral(late, by=personas.sbni_officer)
    waiting = sent_on(D(2025, 5, 2), personas)
    with at(D(2025, 5, 20)):
        refresh()
    return waiting


def page(client: Client, query: str = "") -> str:
    with at(D(2025, 5, 20), hour=11):
        response = client.get(f"/monitoring/{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_sbni_staff_see_every_panels_figures_with_charts_and_their_tables(
    client: Client, personas: Personas, figures: Referral
) -> None:
    html = page(sign_in(client, personas.sbni_officer))
    assert "Every panel" in html
    assert "Monitoring</strong></a>" in html  # in the menu, marked as the page shown
    assert "April 2025 to March 2026" in html
    # The acknowledgement: one done, sent on 1 May and acknowledged on the 9th: 5 working days
    # (the 5th is a bank holiday), late; and one overdue now.
    row = re.search(r"Acknowledge receipt</th>(.*?)</tr>", html, re.S)
    assert row is not None
    cells = re.sub(r"<span class=\"govuk-visually-hidden\">[^<]*</span>", "", row.group(1))
    assert ">1</a>" in cells
    assert ">5<" in cells
    assert ">0%</a>" in cells
    # Every chart: an SVG with its title and summary named, and a table beside it.
    charts = re.findall(r'<figure class="portal-chart" id="chart-([\w-]+)"', html)
    assert {"referral-trend", "referrals-open"} <= set(charts)
    # No review and no action yet: no chart of made-up axes, and their tables say so.
    assert not {"review-trend", "actions", "themes-by-year"} & set(charts)
    assert "No records in this period." in html
    # One quarter with figures: its value said once.
    assert 'id="referral-trend-summary">Acknowledge receipt: 5 in 2025-26 Q1.</p>' in html
    for chart in charts:
        assert f'aria-labelledby="{chart}-title {chart}-summary"' in html
        assert f'id="{chart}-title"' in html
        assert f'id="{chart}-summary"' in html
    assert html.count("<svg") >= len(charts)
    assert "<script" not in html.split("<main", 1)[1].split("</main>", 1)[0]


def test_a_panel_chair_sees_their_panel_alone_and_others_nothing(
    client: Client, personas: Personas, figures: Referral
) -> None:
    html = page(sign_in(client, personas.belfast_chair))
    assert "Belfast Local Safeguarding Panel" in html
    assert "Every panel" not in html
    other = sign_in(Client(), personas.western_member)
    for address in ("/monitoring/", "/monitoring/records/?period=2025&figure=step"):
        assert other.get(address).status_code == 404
    assert "Monitoring" not in other.get("/").content.decode()
    # The chair asks for the other panel's records: 404, as for a page that is not there.
    western = personas.western.pk
    chair = sign_in(Client(), personas.belfast_chair)
    assert (
        chair.get(f"/monitoring/records/?period=2025&figure=step&panel={western}").status_code
        == 404
    )


def test_every_figure_links_to_its_records_and_the_list_is_audited(
    client: Client, personas: Personas, figures: Referral
) -> None:
    signed_in = sign_in(client, personas.belfast_chair)
    html = page(signed_in)
    link = re.search(r'href="(/monitoring/records/\?[^"]*figure=overdue[^"]*)"', html)
    assert link is not None
    with at(D(2025, 5, 20), hour=11):
        listed = signed_in.get(link.group(1).replace("&amp;", "&")).content.decode()
    assert figures.reference in listed
    assert "Acknowledge receipt" in listed
    assert AuditEvent.objects.filter(
        action="monitoring.records_viewed", actor=personas.belfast_chair
    ).exists()


@pytest.mark.parametrize(
    "query",
    [
        "?period=2025&figure=nonsense",
        "?period=2025-13..2026-01&figure=step",
        "?period=0000&figure=step",
        "?figure=step",
        "?period=2025&figure=step&panel=abc",
        "?period=2025&figure=step&panel=%C2%B2",  # "²": a digit to str.isdigit, not to int
        "?period=2025&figure=step&panel=" + "9" * 5000,  # past int()'s 4,300 digits
        "?period=9999-12..9999-12&figure=step",  # the month after it is in year 10000
        "?period=0001-01..0001-02&figure=step",
    ],
)
def test_a_records_address_made_up_gets_404_not_an_error(
    client: Client, personas: Personas, query: str
) -> None:
    response = sign_in(client, personas.sbni_officer).get(f"/monitoring/records/{query}")
    assert response.status_code == 404


@pytest.mark.parametrize("agency", ["%C2%B2", "9" * 5000, "99999999999999999999", "-1"])
def test_an_agency_made_up_lists_every_agencys_records_not_an_error(
    client: Client, personas: Personas, agency: str
) -> None:
    response = sign_in(client, personas.belfast_chair).get(
        f"/monitoring/records/?period=2025&figure=action&agency={agency}"
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?start=2025-04", "Choose both the first and the last month of the range, or neither"),
        ("?year=1066", "Choose a year from the list"),
        ("?route=%3Cscript%3E", "Choose a route from the list"),
        ("?route=cmr_17_9", "Choose a route from the list"),
        ("?panel=999999", "Choose a panel from the list"),
        ("?quarter=q5", "Choose a quarter from the list"),
    ],
)
def test_a_filter_made_up_says_what_is_wrong_and_shows_the_years_figures(
    client: Client, personas: Personas, figures: Referral, query: str, message: str
) -> None:
    html = page(sign_in(client, personas.sbni_officer), query)
    assert "There is a problem" in html
    assert message in html
    assert "April 2025 to March 2026" in html


def test_a_range_of_months_and_a_quarter_give_their_own_figures(
    client: Client, personas: Personas, figures: Referral
) -> None:
    signed_in = sign_in(client, personas.sbni_officer)
    ranged = page(signed_in, "?start=2025-05&end=2025-05")
    assert "May 2025 to May 2025" in ranged
    quarter = page(signed_in, "?year=2025&quarter=q1")
    assert "Quarter 1 of 2025 to 2026 (April to June 2025)" in quarter
    assert Timescale.Step.ACKNOWLEDGE.label in quarter
    assert Figure.STEP.label  # the figures' names are the model's


@pytest.mark.parametrize(
    "query", ["?year=2025&quarter=q1&panel={belfast}", "?start=2025-04&end=2025-05&route=undecided"]
)
def test_a_list_of_records_goes_back_to_the_figures_it_came_from(
    client: Client, personas: Personas, figures: Referral, query: str
) -> None:
    signed_in = sign_in(client, personas.sbni_officer)
    chosen = query.format(belfast=personas.belfast.pk)
    link = re.search(r'href="(/monitoring/records/\?[^"]*)"', page(signed_in, chosen))
    assert link is not None
    with at(D(2025, 5, 20), hour=11):
        listed = signed_in.get(html.unescape(link.group(1))).content.decode()
    assert f'href="{html.escape("/monitoring/" + chosen)}" class="govuk-back-link"' in listed


def test_the_share_within_timescale_lists_the_steps_that_were_not(
    client: Client, personas: Personas, figures: Referral
) -> None:
    signed_in = sign_in(client, personas.sbni_officer)
    link = re.search(r'href="([^"]*within=no[^"]*)"', page(signed_in))
    assert link is not None
    with at(D(2025, 5, 20), hour=11):
        listed = signed_in.get(html.unescape(link.group(1))).content.decode()
    assert '<h1 class="govuk-heading-l">Acknowledge receipt: not within timescale</h1>' in listed
    assert "1 record" in listed
