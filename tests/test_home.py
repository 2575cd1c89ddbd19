"""The home page: each person's work from the records' state, most urgent first, with the working
days left; a constant number of queries whatever the data (issue 17, item 1). All fictional."""

import datetime
import re
from collections.abc import Callable
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cmr_portal.kernel.working_days import add_working_days, working_days_between
from panels.models import Agency, SbniRole, User
from referrals import consideration, services
from referrals.models import InformationRequest, Referral, Timescale
from reviews import follow_up
from reviews import services as reviews
from reviews.clock import target_due
from reviews.models import Action, Review, ReviewTimescale
from tests.conftest import Personas, sign_in, with_role
from tests.referrals import flow
from tests.reviews import flow as review_flow

TODAY = timezone.localdate()


CAPTURED = ("govuk-summary-card__title", "govuk-task-list__link", "govuk-task-list__status")


class HomePage(HTMLParser):
    """The home page as a reader sees it: each list's heading and its tasks as (link text, link,
    status), in the page's order; the start button's link; the lists that say "Nothing to do"."""

    def __init__(self) -> None:
        super().__init__()
        self.lists: dict[str, list[tuple[str, str, str]]] = {}
        self.empty: list[str] = []
        self.start_link = ""
        self.links: list[str] = []
        self.text = ""
        self._capture: str | None = None
        self._buffer = ""
        self._href = ""
        self._task: list[str] = []
        self._heading = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if tag == "a":
            self.links.append(attributes.get("href") or "")
            if "govuk-button--start" in classes:
                self.start_link = attributes.get("href") or ""
        for name in CAPTURED:
            if name in classes:
                self._capture, self._buffer = name, ""
                self._href = attributes.get("href") or ""

    def handle_endtag(self, tag: str) -> None:
        if self._capture is None or tag not in ("h2", "a", "div"):
            return
        text = " ".join(self._buffer.split())
        if self._capture == "govuk-summary-card__title":
            self._heading = text
            self.lists[text] = []
        elif self._capture == "govuk-task-list__link":
            self._task = [text, self._href]
        else:
            self.lists[self._heading].append((self._task[0], self._task[1], text))
        self._capture = None

    def handle_data(self, data: str) -> None:
        self.text += data
        if self._capture is not None:
            self._buffer += data
        if data.strip() == "Nothing to do" and self._heading:
            self.empty.append(self._heading)


def home(client: Client, user: User) -> HomePage:
    response = sign_in(client, user).get(reverse("home"))
    assert response.status_code == 200
    page = HomePage()
    page.feed(response.content.decode())
    # A list with no task says so.
    assert {heading for heading, tasks in page.lists.items() if not tasks} == set(page.empty)
    return page


def work(page: HomePage) -> dict[str, list[tuple[str, str, str]]]:
    return page.lists


def days_left(due: datetime.date) -> str:
    left = working_days_between(TODAY, due)
    if due == TODAY:
        return "Due today"
    if left < 0:
        return f"{-left} working day{'s' if left != -1 else ''} overdue"
    return f"{left} working day{'s' if left != 1 else ''} left"


def asked(people: Personas, due: datetime.date) -> Referral:
    referral = flow.sent(people)
    services.request_information(
        referral,
        question="Fictional: which school did the child attend?",
        due_date=due,
        by=people.sbni_officer,
    )
    return referral


def test_panel_member_sees_their_panels_drafts_questions_and_decisions(
    client: Client, personas: Personas
) -> None:
    draft = services.create_referral(personas.belfast, by=personas.belfast_member)
    services.create_referral(personas.western, by=personas.western_member)
    later = asked(personas, add_working_days(TODAY, 8))
    sooner = asked(personas, add_working_days(TODAY, 3))
    decision = flow.decided(personas)

    page = home(client, personas.belfast_member)
    lists = work(page)

    assert page.start_link == reverse("referrals:start")
    assert lists["Drafts to finish and send"] == [
        (
            f"{draft.reference}: finish and send",
            reverse("referrals:overview", args=[draft.uuid]),
            "",
        ),
    ]
    questions = lists["Questions from the SBNI to answer"]
    assert [text for text, _, _ in questions] == [
        f"{sooner.reference}: answer the SBNI's question",
        f"{later.reference}: answer the SBNI's question",
    ]
    assert [status for _, _, status in questions] == ["3 working days left", "8 working days left"]
    assert lists["Decisions received lately"] == [
        (
            f"{decision.referral.reference}: {decision.get_outcome_display()}",
            reverse("referrals:decision", args=[decision.referral.uuid]),
            "",
        )
    ]
    # Nothing of another panel's, and nothing of the SBNI's own lists.
    assert "WST" not in page.text
    assert "Referrals to acknowledge" not in lists
    assert reverse("notifications:centre") in page.links
    # The notifications stay in their centre: the home page links to it with the count.
    assert re.search(r"You have \d+ unread notifications?", page.text)


def test_an_overdue_question_says_so_and_comes_first(client: Client, personas: Personas) -> None:
    due = TODAY - datetime.timedelta(days=7)
    late = asked(personas, add_working_days(TODAY, 2))
    # A week has passed since it was due: the service refuses a date in the past, so move it.
    InformationRequest.objects.filter(referral=late).update(due_date=due)
    asked(personas, add_working_days(TODAY, 1))
    questions = work(home(client, personas.belfast_chair))["Questions from the SBNI to answer"]
    assert questions[0][0] == f"{late.reference}: answer the SBNI's question"
    assert questions[0][2] == days_left(due)
    assert questions[0][2].endswith("overdue")
    assert questions[1][2] == "1 working day left"


def test_western_member_sees_nothing_of_belfast(client: Client, personas: Personas) -> None:
    asked(personas, add_working_days(TODAY, 3))
    services.create_referral(personas.belfast, by=personas.belfast_member)
    lists = work(home(client, personas.western_member))
    assert lists["Drafts to finish and send"] == []
    assert lists["Questions from the SBNI to answer"] == []
    assert lists["Decisions received lately"] == []


def test_sbni_officer_sees_referrals_to_acknowledge_meetings_and_recommendations(
    client: Client, personas: Personas
) -> None:
    sent = flow.sent(personas)
    item = flow.on_agenda(personas)  # a meeting today, attendance not yet recorded
    coming = consideration.schedule_meeting(
        date=TODAY + datetime.timedelta(days=30),
        place="Room 2 (fictional)",
        by=personas.sbni_officer,
    )
    lists = work(home(client, personas.sbni_officer))

    targets = {t.step: t for t in Timescale.objects.all()}
    acknowledge_by = add_working_days(
        timezone.localdate(sent.submitted_at), targets[Timescale.Step.ACKNOWLEDGE].working_days
    )
    assert lists["Referrals to acknowledge"] == [
        (
            f"{sent.reference}: acknowledge receipt",
            reverse("referrals:overview", args=[sent.uuid]),
            days_left(acknowledge_by),
        )
    ]
    notice = lists["Meetings needing notice"]
    assert (
        f"Give notice of the {coming}",
        reverse("referrals:edit_meeting", args=[coming.uuid]),
        days_left(consideration.give_notice_by(coming)),
    ) in notice
    assert lists["Meetings needing attendance recorded"] == [
        (
            f"Record attendance at the {item.meeting}",
            reverse("referrals:attendance", args=[item.meeting.uuid]),
            "Due today",
        )
    ]
    recommendations = lists["Recommendations to record"]
    assert [text for text, _, _ in recommendations] == [
        f"{item.referral.reference}: record the CMR Panel's recommendation"
    ]
    # Not the Chair's nor a panel's lists.
    assert "Decisions to make" not in lists
    assert "Drafts to finish and send" not in lists


def test_recorded_work_leaves_the_lists(client: Client, personas: Personas) -> None:
    """Built from the records' state: once done, a task is gone whatever notifications say."""
    recommendation = flow.recommended(personas)
    lists = work(home(client, personas.sbni_officer))
    assert lists["Recommendations to record"] == []
    assert lists["Meetings needing attendance recorded"] == []
    assert lists["Referrals to acknowledge"] == []
    chair = work(home(Client(), personas.sbni_chair))
    referral = recommendation.item.referral
    assert [(text, url) for text, url, _ in chair["Decisions to make"]] == [
        (
            f"{referral.reference}: decide whether a CMR is required",
            reverse("reviews:decide", args=[referral.uuid]),
        )
    ]


def own_due(review: Review, step: str) -> datetime.date:
    """A step of the review's timescale due by its target from the opening, as nothing moved it."""
    opened = timezone.localdate(review.opened_at)
    return target_due(opened, ReviewTimescale.objects.get(step=step))


def test_the_review_team_to_appoint_goes_once_appointed(client: Client, personas: Personas) -> None:
    """The demo's "appoint its review team" stayed after the team existed: not any more."""
    review = review_flow.opened(personas)
    due = own_due(review, ReviewTimescale.Step.TERMS_OF_REFERENCE)
    lists = work(home(client, personas.sbni_officer))
    assert lists["Reviews needing a team"] == [
        (
            f"{review.reference}: appoint its review team",
            reverse("reviews:team", args=[review.uuid]),
            days_left(due),
        )
    ]
    reviews.appoint(review, personas.lead_reviewer, "lead", by=personas.sbni_officer)
    assert work(home(Client(), personas.sbni_officer))["Reviews needing a team"] == []


def test_reviewers_see_their_reviews_next_step_and_due_date(
    client: Client, personas: Personas
) -> None:
    review = review_flow.with_team(personas)
    terms_due = own_due(review, ReviewTimescale.Step.TERMS_OF_REFERENCE)
    for person in (personas.lead_reviewer, personas.reviewer):
        lists = work(home(Client(), person))
        assert lists["Your reviews"] == [
            (
                f"{review.reference}: agree the terms of reference",
                reverse("reviews:review", args=[review.uuid]),
                days_left(terms_due),
            )
        ]
    reviews.save_terms(review, review_flow.terms_values(), by=personas.lead_reviewer)
    report_due = own_due(review, ReviewTimescale.Step.DRAFT_REPORT)
    assert work(home(client, personas.lead_reviewer))["Your reviews"] == [
        (
            f"{review.reference}: draft and submit the report",
            reverse("reviews:review", args=[review.uuid]),
            days_left(report_due),
        )
    ]
    # Nobody else's reviews, and no review list for someone on no team.
    assert "Your reviews" not in work(home(Client(), personas.belfast_member))


def test_chairs_see_reports_awaiting_their_approval(client: Client, personas: Personas) -> None:
    review = review_flow.drafted(personas)
    reviews.take_step(review, "submit", by=personas.lead_reviewer)
    approval = reverse("reviews:approval", args=[review.uuid])
    panel_chair = work(home(client, personas.cmr_panel_chair))
    awaiting = panel_chair["Reports awaiting the CMR Panel chair's approval"]
    assert [(t, u) for t, u, _ in awaiting] == [
        (f"{review.reference}: approve the report or return it", approval)
    ]
    sbni_chair = work(home(Client(), personas.sbni_chair))
    assert sbni_chair["Reports awaiting the SBNI Chair's approval"] == []
    reviews.take_step(review, "panel_approve", by=personas.cmr_panel_chair)
    sbni_chair = work(home(Client(), personas.sbni_chair))
    assert [(t, u) for t, u, _ in sbni_chair["Reports awaiting the SBNI Chair's approval"]] == [
        (f"{review.reference}: approve the report or return it", approval)
    ]
    assert (
        work(home(Client(), personas.cmr_panel_chair))[
            "Reports awaiting the CMR Panel chair's approval"
        ]
        == []
    )


def test_agency_contact_sees_report_requests_and_actions_due(
    client: Client, personas: Personas
) -> None:
    review = review_flow.approved(personas)  # in follow-up, one PSNI action due in 90 days
    action = Action.objects.get(recommendation__review=review)
    lists = work(home(client, personas.agency_contact))
    assert lists["Actions due"] == [
        (
            f"{review.reference}: {action.description}",
            reverse("reviews:action", args=[review.uuid, action.uuid]),
            days_left(action.due_date),
        )
    ]
    assert lists["Reports requested from you"] == []
    drafting = review_flow.with_team(personas)
    due = add_working_days(TODAY, 15)
    report = reviews.request_agency_report(
        drafting,
        agency=Agency.objects.get(short_name="PSNI"),
        contact=personas.agency_contact,
        asked="Fictional: your agency's involvement.",
        due_date=due,
        by=personas.lead_reviewer,
    )
    assert work(home(Client(), personas.agency_contact))["Reports requested from you"] == [
        (
            f"{drafting.reference}: send the PSNI report",
            reverse("reviews:agency_report", args=[drafting.uuid, report.uuid]),
            "15 working days left",
        )
    ]
    # Completed, it awaits the SBNI's verification instead.
    follow_up.update_action(
        action,
        status=Action.Status.COMPLETED,
        note="Fictional: done.",
        evidence=None,
        by=personas.agency_contact,
    )
    assert work(home(Client(), personas.agency_contact))["Actions due"] == []
    verify = work(home(Client(), personas.sbni_officer))["Actions awaiting verification"]
    assert [url for _, url, _ in verify] == [
        reverse("reviews:action", args=[review.uuid, action.uuid])
    ]


def test_someone_with_no_role_is_told_so(client: Client, personas: Personas) -> None:
    page = home(client, personas.admin)
    assert work(page) == {}
    assert "Nothing to do" in page.text
    assert page.start_link == ""


def test_a_person_with_two_roles_sees_each_list_once(client: Client, personas: Personas) -> None:
    with_role(personas.sbni_officer, SbniRole.CMR_PANEL_CHAIR)
    flow.on_agenda(personas)
    page = home(client, User.objects.get(pk=personas.sbni_officer.pk))
    assert page.text.count("Recommendations to record") == 1
    assert "Reports awaiting the CMR Panel chair's approval" in page.lists


def more_of_everything(people: Personas) -> None:
    """A second round of every kind of record, so that a list costing a query per row shows."""
    for _ in range(2):
        services.create_referral(people.belfast, by=people.belfast_member)
        asked(people, add_working_days(TODAY, 4))
        flow.on_agenda(people)
        consideration.schedule_meeting(
            date=TODAY + datetime.timedelta(days=40), place="Fictional", by=people.sbni_officer
        )
        review_flow.approved(people)
        review = review_flow.drafted(people)
        reviews.take_step(review, "submit", by=people.lead_reviewer)
        flow.recommended(people)
        review_flow.opened(people)


PERSONAS: dict[str, Callable[[Personas], User]] = {
    "belfast_member": lambda p: p.belfast_member,
    "belfast_chair": lambda p: p.belfast_chair,
    "sbni_officer": lambda p: p.sbni_officer,
    "cmr_panel_chair": lambda p: p.cmr_panel_chair,
    "sbni_chair": lambda p: p.sbni_chair,
    "lead_reviewer": lambda p: p.lead_reviewer,
    "reviewer": lambda p: p.reviewer,
    "agency_contact": lambda p: p.agency_contact,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_home_page_costs_the_same_queries_with_more_data(
    client: Client,
    personas: Personas,
    persona: str,
    django_assert_max_num_queries: Callable[..., object],
) -> None:
    person = PERSONAS[persona](personas)
    sign_in(client, person)
    more_of_everything(personas)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("home")).status_code == 200
    more_of_everything(personas)
    with django_assert_max_num_queries(len(few.captured_queries)):  # type: ignore[attr-defined]
        page = client.get(reverse("home"))
    assert page.status_code == 200
    assert b"govuk-task-list__item" in page.content
