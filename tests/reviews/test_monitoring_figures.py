"""The monitoring figures worked out from known fictional cases (issue 20): each step's working
days with bank holidays, waits for the panel and paused clocks left out; amended decisions,
withdrawn referrals and reports returned by the approvers counted as the clocks count them; the
figures kept for a year read back as the figures counted when asked."""

import datetime
import time

import pytest
import time_machine
from django.db import connections
from django.utils import timezone

from panels.models import Agency
from referrals import consideration
from referrals import services as referrals
from referrals.models import AgencyInvolvement, Outcome, Referral, Timescale
from reviews import drafting, follow_up, services, timescales
from reviews.models import (
    Action,
    CaseRoute,
    Fact,
    Figure,
    FindingSection,
    LearningTheme,
    Refresh,
    Review,
    ReviewTimescale,
    Summary,
)
from reviews.monitoring.figures import Figures, Point, Scope, is_kept, latest_refresh, read
from reviews.monitoring.periods import Period
from reviews.monitoring.refresh import LOCK, refresh
from reviews.tasks import refresh_monitoring
from tests.conftest import Personas
from tests.referrals import flow
from tests.referrals.test_referral_services import complete_answers

D = datetime.date
Step = Timescale.Step
ReviewStep = ReviewTimescale.Step


def at(day: datetime.date, hour: int = 10) -> time_machine.travel:
    """``hour`` o'clock in Belfast on ``day``."""
    moment = datetime.datetime.combine(
        day, datetime.time(hour), tzinfo=timezone.get_current_timezone()
    )
    return time_machine.travel(moment, tick=False)


def sent_on(day: datetime.date, people: Personas, *, western: bool = False) -> Referral:
    """A fictional referral of the Belfast panel (or the Western) sent on ``day``, its dates
    before it."""
    panel, member = (
        (people.western, people.western_member)
        if western
        else (people.belfast, people.belfast_member)
    )
    with at(day):
        referral = referrals.create_referral(panel, by=member)
        days = datetime.timedelta(days=1)
        answers = complete_answers() | {
            "child_date_of_birth": day - 800 * days,
            "event_date": day - 20 * days,
            "agency_aware_date": day - 19 * days,
        }
        referrals.update_referral(referral, answers, by=member)
        referrals.add_part(
            referral,
            AgencyInvolvement,
            {"agency": Agency.objects.get(short_name="PSNI"), "nature": "Fictional involvement"},
            by=member,
        )
        return referrals.submit_referral(referral, by=member)


def recommend_on(day: datetime.date, referral: Referral, people: Personas) -> None:
    with at(day):
        meeting = consideration.schedule_meeting(
            date=day, place="Room 1 (fictional)", by=people.sbni_officer
        )
        item = consideration.add_to_agenda(meeting, referral, by=people.sbni_officer)
        flow.everyone_present(meeting, people)
        consideration.recommend(item, flow.recommendation_values(), by=people.cmr_panel_chair)


EVERY_PANEL = Scope(None)


def figures(code: str, scope: Scope = EVERY_PANEL) -> tuple[Figures, Figures]:
    """The figures of a period, as a page reads them, and as counted from the tallies."""
    period = Period.parse(code)
    assert period is not None
    kept = read(scope, period, latest_refresh())
    counted = read(scope, Period.months(period.first, period.last), latest_refresh())
    assert not is_kept(scope, Period.months(period.first, period.last))
    return kept, counted


def test_a_referrals_steps_leave_out_bank_holidays_and_waits_and_an_amendment_is_no_new_decision(
    personas: Personas,
) -> None:
    Timescale.objects.filter(step=Step.CMR_PANEL).update(working_days=10, pauses_while_waiting=True)
    referral = sent_on(D(2025, 3, 14), personas)  # a Friday: Monday 17 March is St Patrick's Day
    with at(D(2025, 3, 18)):
        referrals.acknowledge_referral(referral, by=personas.sbni_officer)
    with at(D(2025, 3, 19)):
        asked = referrals.request_information(
            referral, question="Fictional question?", due_date=D(2025, 3, 26),
            by=personas.sbni_officer,
        )  # fmt: skip
    with at(D(2025, 3, 24)):
        referrals.answer_information_request(
            asked, answer="Fictional answer.", by=personas.belfast_member
        )
    recommend_on(D(2025, 4, 1), referral, personas)
    with at(D(2025, 4, 3)):
        services.decide(
            referral, flow.decision_values(Outcome.NOT_REQUIRED, "Fictional."),
            by=personas.sbni_chair,
        )  # fmt: skip
    with at(D(2025, 4, 10)):
        services.amend(
            referral, flow.decision_values(Outcome.CMR_17_2, "Fictional, amended."),
            reason="Fictional: new information.", by=personas.sbni_chair,
        )  # fmt: skip
    with at(D(2025, 4, 11)):
        refresh()

    last_year, last_year_counted = figures("2024")
    for each in (last_year, last_year_counted):
        # Sent on the 14th, acknowledged on the 18th: the 17th is a bank holiday.
        assert each.steps[Step.ACKNOWLEDGE].counts == {1: 1}
        assert each.steps[Step.ACKNOWLEDGE].within == 1
        # Asked on the 19th, answered on the 24th, by the date given (the 26th).
        assert each.steps[Step.INFORMATION_ANSWER].counts == {3: 1}
        assert Step.CMR_PANEL not in each.steps
    this_year, this_year_counted = figures("2025")
    for each in (this_year, this_year_counted):
        # 14 March to 1 April is 11 working days; 3 of them waiting for the panel's answer.
        assert each.steps[Step.CMR_PANEL].counts == {8: 1}
        # 1 April to 3 April; the amendment of the 10th is not a second decision.
        assert each.steps[Step.CHAIR_DECISION].counts == {2: 1}
        assert dict(each.outcomes) == {Outcome.CMR_17_2: 1}
    facts = Fact.objects.filter(referral=referral)
    assert set(facts.values_list("route", flat=True)) == {CaseRoute.CMR_17_2}
    panel_facts = facts.get(figure=Figure.STEP, key=Step.CMR_PANEL)
    assert (panel_facts.started_on, panel_facts.done_on) == (D(2025, 3, 14), D(2025, 4, 1))
    assert panel_facts.due_on == D(2025, 4, 3)  # 10 working days and the 3 waited
    assert panel_facts.within is True


def test_a_withdrawn_referral_counts_its_withdrawal_and_no_step_it_never_finished(
    personas: Personas,
) -> None:
    referral = sent_on(D(2025, 5, 2), personas)
    with at(D(2025, 5, 6)):
        referrals.withdraw_referral(
            referral, reason="Fictional: sent in error.", by=personas.belfast_member
        )
    late = sent_on(D(2025, 5, 1), personas)  # never acknowledged: overdue by the 20th
    with at(D(2025, 5, 20)):
        refresh()
    year, counted = figures("2025")
    for each in (year, counted):
        assert dict(each.outcomes) == {"withdrawn": 1}
        assert not each.steps
        assert each.overdue[Step.ACKNOWLEDGE].n == 1
        assert each.referrals_open[Referral.Status.SUBMITTED].counts == {12: 1}
    overdue = Fact.objects.get(figure=Figure.OVERDUE)
    assert overdue.referral_id == late.pk
    # Due two working days after 1 May (2 and 6 May: the 5th is the May bank holiday).
    assert overdue.due_on == D(2025, 5, 6)
    assert overdue.value == 10


def review_opened_on(day: datetime.date, people: Personas) -> Review:
    referral = sent_on(day - datetime.timedelta(days=7), people)
    with at(day - datetime.timedelta(days=6)):
        referrals.acknowledge_referral(referral, by=people.sbni_officer)
    recommend_on(day - datetime.timedelta(days=1), referral, people)
    with at(day):
        services.decide(
            referral, flow.decision_values(Outcome.CMR_17_2, "Fictional."), by=people.sbni_chair
        )
        review = Review.objects.get(referral=referral)
        services.appoint(review, people.lead_reviewer, "lead", by=people.sbni_officer)
        services.appoint(review, people.reviewer, "reviewer", by=people.sbni_officer)
    return review


def draft_everything(review: Review, day: datetime.date, people: Personas) -> None:
    with at(day):
        for section in review.sections.all():
            drafting.save_section(
                section, text=f"Fictional findings on {section.key}.",
                base_version=section.version, by=people.reviewer,
            )  # fmt: skip
        recommendation = services.add_recommendation(
            review,
            text="Fictional: share referrals within a day.",
            findings=FindingSection.objects.filter(review=review, key="changes"),
            by=people.lead_reviewer,
        )
        services.add_action(
            recommendation,
            {
                "agency": Agency.objects.get(short_name="PSNI"),
                "owner": "Head of public protection (fictional)",
                "description": "Fictional: a daily referral check.",
                "due_date": D(2025, 9, 1),
                "measure": "Fictional: every referral shared within one day.",
            },
            by=people.lead_reviewer,
        )


def test_a_reviews_stages_leave_out_a_paused_clock_and_count_a_returned_report_afresh(
    personas: Personas,
) -> None:
    review = review_opened_on(D(2025, 6, 2), personas)  # a Monday
    with at(D(2025, 6, 4)):
        timescales.pause_clock(review, "Fictional: the police asked.", by=personas.lead_reviewer)
    with at(D(2025, 6, 9)):
        timescales.resume_clock(review, by=personas.lead_reviewer)
    terms = {
        "period_from": D(2024, 1, 1), "period_to": D(2025, 5, 1),
        "lines_of_enquiry": "Fictional: how did agencies share what they knew?",
        "purposes": ["facts"], "agencies": [Agency.objects.get(short_name="PSNI")],
        "agreed_on": D(2025, 6, 11),
    }  # fmt: skip
    with at(D(2025, 6, 11)):
        services.save_terms(review, terms, by=personas.lead_reviewer)
    draft_everything(review, D(2025, 6, 13), personas)
    steps = (
        (D(2025, 6, 16), "submit", personas.lead_reviewer),
        (D(2025, 6, 18), "panel_return", personas.cmr_panel_chair),
        (D(2025, 6, 23), "submit", personas.lead_reviewer),
        (D(2025, 6, 25), "panel_approve", personas.cmr_panel_chair),
        (D(2025, 6, 30), "chair_approve", personas.sbni_chair),
    )
    for day, name, by in steps:
        with at(day):
            services.take_step(review, name, comments="Fictional comments.", by=by)
    action = Action.objects.get(recommendation__review=review)
    with at(D(2025, 7, 14)):
        follow_up.update_action(
            action, status=Action.Status.COMPLETED, note="Fictional: done.",
            evidence=None, by=personas.lead_reviewer,
        )  # fmt: skip
    with at(D(2025, 7, 16)):
        follow_up.verify_action(action, by=personas.sbni_officer)
    neglect = LearningTheme.objects.order_by("pk")[0]
    sharing = LearningTheme.objects.order_by("pk")[1]
    with at(D(2025, 7, 16)):
        services.set_themes(review, [neglect, sharing], {}, by=personas.sbni_officer)
        refresh()

    year, counted = figures("2025")
    for each in (year, counted):
        # 2 to 11 June is 7 working days, 3 of them paused (5, 6 and 9 June).
        assert each.steps[ReviewStep.TERMS_OF_REFERENCE].counts == {4: 1}
        # From the opening to the report's last submission, 23 June: 15, less the pause.
        assert each.steps[ReviewStep.DRAFT_REPORT].counts == {12: 1}
        # The chair's approval of the report sent again: 23 to 25 June.
        assert each.steps[ReviewStep.PANEL_APPROVAL].counts == {2: 1}
        assert each.steps[ReviewStep.CHAIR_APPROVAL].counts == {3: 1}
        agency = next(iter(each.actions.values()))
        assert agency.name == "Police Service of Northern Ireland"
        assert agency.states == {Action.Status.VERIFIED: 1}
        # Approved on 30 June, verified on 16 July: 11 working days (Monday 14 July is the
        # Twelfth's bank holiday, the Twelfth being a Saturday).
        assert agency.verified.counts == {11: 1}
        assert dict(each.themes) == {str(neglect.pk): 1, str(sharing.pk): 1}
        assert dict(each.pairs) == {f"{neglect.pk}+{sharing.pk}": 1}
        assert each.reviews_open[Review.Stage.FOLLOW_UP].n == 1
        assert each.themes_by_year[str(neglect.pk)] == {2025: 1}


def test_a_panel_chair_sees_their_panels_figures_and_other_panels_none(
    personas: Personas,
) -> None:
    sent_on(D(2025, 5, 2), personas)
    with at(D(2025, 5, 6)):
        refresh()
    belfast = Scope((personas.belfast.pk,))
    western = Scope((personas.western.pk,))
    period = Period.financial_year(2025)
    refreshed = latest_refresh()
    assert read(belfast, period, refreshed).referrals_open[Referral.Status.SUBMITTED].n == 1
    assert not read(western, period, refreshed).referrals_open
    assert Summary.objects.filter(code="standing", panel=personas.belfast, route="").exists()
    assert not Summary.objects.filter(panel=personas.western).exists()


def test_a_kept_years_trend_has_the_quarters_a_counted_one_has(personas: Personas) -> None:
    """The year's quarters and those before it that make eight: not a quarter after it, nor
    one long before (which the standing figures keep for every period)."""
    for day in (D(2023, 1, 10), D(2025, 5, 13), D(2026, 5, 12)):
        referral = sent_on(day, personas)
        with at(day + datetime.timedelta(days=1)):
            referrals.acknowledge_referral(referral, by=personas.sbni_officer)
    with at(D(2026, 5, 20)):
        refresh()
    kept, counted = figures("2025")
    assert kept.trend == counted.trend
    assert list(kept.trend[Step.ACKNOWLEDGE]) == [D(2025, 4, 1)]


@pytest.mark.parametrize(
    ("counts", "median", "p90"),
    [
        ({4: 1}, 4, 4),
        ({1: 1, 2: 1}, 1.5, 1.9),
        ({1: 2, 5: 2, 9: 1}, 5, 7.4),
    ],
)
def test_a_median_and_90th_percentile_interpolate_as_percentile_cont(
    counts: dict[int, int], median: float, p90: float
) -> None:
    from reviews.monitoring.figures import Distribution

    spread = Distribution(counts)
    assert spread.median == pytest.approx(median)
    assert spread.p90 == pytest.approx(p90)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_beat_task_works_the_figures_out_on_a_real_worker(
    personas: Personas, worker: None
) -> None:
    """Beat's task on a real worker, outside any transaction (so that it also vacuums), sent
    twice at once: the figures are kept and nothing is left half done."""
    sent_on(D(2025, 5, 2), personas)
    refresh_monitoring.delay()
    refresh_monitoring.delay()
    for _ in range(600):  # the worker runs in another thread: up to a minute
        if Refresh.objects.filter(finished_at__isnull=False).exists():
            break
        time.sleep(0.1)
    time.sleep(1)  # the second task's turn: it must leave nothing half done
    assert Refresh.objects.filter(finished_at__isnull=False).count() in (1, 2)
    assert not Refresh.objects.filter(finished_at__isnull=True).exists()
    assert Fact.objects.filter(figure=Figure.REFERRAL_OPEN).count() == 1
    assert Summary.objects.filter(code="standing", panel=None, route="").count() == 1


def test_a_refresh_finds_another_running_and_does_nothing(personas: Personas) -> None:
    """Another refresh holds the lock (a second connection, as a second worker would): this one
    changes nothing and says so."""
    sent_on(D(2025, 5, 2), personas)
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [LOCK])
        assert refresh() is None
        assert not Fact.objects.exists()
        with other.cursor() as cursor:
            # Let go of it here: closing the connection frees it only once the server's process
            # for it has ended, which may be after the refresh below has tried to take it.
            cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK])
    finally:
        other.close()
    assert refresh() is not None
    assert Fact.objects.exists()


def test_a_ranges_trend_counts_its_last_quarter_whole_for_a_chair_of_two_panels_too(
    personas: Personas,
) -> None:
    """A range ending in May shows the trend of the quarter April to June, linked to the records
    of that whole quarter: the figures counted when asked (two panels) and those kept (every
    panel) agree on it."""
    may = sent_on(D(2025, 5, 1), personas)
    june = sent_on(D(2025, 6, 2), personas, western=True)
    with at(D(2025, 5, 2)):
        referrals.acknowledge_referral(may, by=personas.sbni_officer)
    with at(D(2025, 6, 5)):
        referrals.acknowledge_referral(june, by=personas.sbni_officer)
        refresh()
    april_to_may = Period.months(D(2025, 4, 1), D(2025, 5, 1))
    both = Scope((personas.belfast.pk, personas.western.pk))
    assert not is_kept(both, april_to_may)
    kept = read(EVERY_PANEL, april_to_may, latest_refresh())
    counted = read(both, april_to_may, latest_refresh())
    for each in (kept, counted):
        assert each.steps[Step.ACKNOWLEDGE].counts == {1: 1}  # May's alone: the period's
        # The quarter: 1 working day in May and 3 in June.
        assert each.trend[Step.ACKNOWLEDGE][D(2025, 4, 1)] == Point(2, 2)


def test_an_amended_decision_stays_in_the_year_the_referral_was_decided(
    personas: Personas,
) -> None:
    """Decided in March, amended in April: the outcome (the amended one) counts in the year of
    the decision, with the Chair's decision step, not in the year of the amendment."""
    referral = sent_on(D(2025, 3, 3), personas)
    with at(D(2025, 3, 4)):
        referrals.acknowledge_referral(referral, by=personas.sbni_officer)
    recommend_on(D(2025, 3, 24), referral, personas)
    with at(D(2025, 3, 26)):
        services.decide(
            referral, flow.decision_values(Outcome.NOT_REQUIRED, "Fictional."),
            by=personas.sbni_chair,
        )  # fmt: skip
    with at(D(2025, 4, 7)):
        services.amend(
            referral, flow.decision_values(Outcome.CMR_17_2, "Fictional, amended."),
            reason="Fictional: new information.", by=personas.sbni_chair,
        )  # fmt: skip
        refresh()
    last_year, last_year_counted = figures("2024")
    for each in (last_year, last_year_counted):
        assert each.steps[Step.CHAIR_DECISION].n == 1
        assert dict(each.outcomes) == {Outcome.CMR_17_2: 1}
    this_year, this_year_counted = figures("2025")
    for each in (this_year, this_year_counted):
        assert not each.outcomes
    outcome = Fact.objects.get(figure=Figure.OUTCOME)
    assert outcome.done_on == D(2025, 3, 26)
