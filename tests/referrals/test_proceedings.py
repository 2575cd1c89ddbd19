"""Parallel proceedings (issue 19, item 2): their rules, the publication embargo on the sign-off
and on every path of the publication PDF, the banner on the case's pages, what each person sees,
and bad input. Every record is fictional."""

import datetime
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cmr_portal.kernel.audit.models import AuditEvent
from referrals import proceedings
from referrals.models import Proceeding, Referral
from referrals.proceedings import ProceedingError, ProceedingRefused
from reviews import documents, publishing, tasks
from reviews.models import PublicationSignOff, ReportExport
from reviews.services import ReviewError
from tests.conftest import Personas, sign_in
from tests.reviews import flow

TODAY = datetime.date.today()
EVERY_CHECK = flow.EVERY_CHECK
NO_PUBLICATION = "no publication before the inquest (fictional)"
PUBLICATION = documents.KINDS["publication"]


def inquest(
    referral: Referral, personas: Personas, *, blocks: bool = True, **values: Any
) -> Proceeding:
    """A coroner's inquest under way, recorded by an SBNI officer."""
    return proceedings.add_proceeding(
        referral,
        {
            "kind": Proceeding.Kind.INQUEST,
            "status": Proceeding.Status.UNDER_WAY,
            "started_on": TODAY - datetime.timedelta(days=30),
            "contact_role": "Coroner's liaison officer",
            "contact_organisation": "Coroners Service for Northern Ireland",
            "constraints": NO_PUBLICATION,
            "blocks_publication": blocks,
        }
        | values,
        by=personas.sbni_officer,
    )


def conclude(proceeding: Proceeding, personas: Personas) -> Proceeding:
    return proceedings.change_proceeding(
        proceeding,
        {
            "status": Proceeding.Status.CONCLUDED,
            "concluded_on": TODAY,
            "outcome": "The inquest returned its findings (fictional).",
        },
        by=personas.sbni_officer,
    )


def test_the_embargo_holds_sign_off_and_export_until_the_inquest_concludes(
    personas: Personas,
) -> None:
    review = flow.approved(personas)
    held = inquest(review.referral, personas)
    assert proceedings.embargoes(review.referral) == [held]
    with pytest.raises(ReviewError, match="coroner's inquest") as refused:
        publishing.sign_off_publication(review, EVERY_CHECK, by=personas.sbni_officer)
    assert NO_PUBLICATION in str(refused.value)
    assert not PublicationSignOff.objects.filter(review=review).exists()

    officer = sign_in(Client(), personas.sbni_officer)
    url = f"/reviews/{review.uuid}/publication/"
    page = officer.post(url, {"form": "signing", "checks": EVERY_CHECK})
    assert page.status_code == 200
    assert "Publication is held while this is open: the coroner&#x27;s inquest" in (
        page.content.decode()
    )
    export = officer.get(f"/reviews/{review.uuid}/export/publication.pdf", follow=True)
    assert export.redirect_chain[-1][0] == url
    assert "Publication is held" in export.content.decode()

    conclude(held, personas)
    assert proceedings.embargoes(review.referral) == []
    assert officer.post(url, {"form": "signing", "checks": EVERY_CHECK}).status_code == 302
    assert documents.may_go_out(review, PUBLICATION)


def test_an_embargo_after_the_sign_off_stops_the_pdf_on_every_path(personas: Personas) -> None:
    review = flow.approved(personas)
    publishing.sign_off_publication(review, EVERY_CHECK, by=personas.sbni_officer)
    made = tasks.request_export(review, "publication", by=personas.sbni_officer)
    inquest(review.referral, personas)
    assert not documents.may_go_out(review, PUBLICATION, made)
    tasks.render_export(made.pk)  # the worker finds it held: nothing is made
    made.refresh_from_db()
    assert made.status == ReportExport.Status.FAILED
    assert made.document is None
    officer = sign_in(Client(), personas.sbni_officer)
    made.status = ReportExport.Status.READY  # as if made before: the download refuses it too
    made.save(update_fields=["status"])
    assert officer.get(f"/reviews/{review.uuid}/exports/{made.uuid}/download/").status_code == 404


def test_lifting_the_embargo_needs_a_reason_and_lets_publication_go_ahead(
    personas: Personas,
) -> None:
    review = flow.approved(personas)
    held = inquest(review.referral, personas)
    with pytest.raises(ProceedingRefused) as refused:
        proceedings.lift_embargo(held, reason="   ", by=personas.sbni_officer)
    assert refused.value.problems == {"reason": "Enter the reason for lifting the embargo"}
    with pytest.raises(ProceedingError, match="Only an SBNI officer"):
        proceedings.lift_embargo(held, reason="Fictional", by=personas.lead_reviewer)
    assert proceedings.embargoes(review.referral) == [held]

    reason = "The coroner agreed to publication before the hearing (fictional)."
    proceedings.lift_embargo(held, reason=reason, by=personas.sbni_officer)
    assert proceedings.embargoes(review.referral) == []
    publishing.sign_off_publication(review, EVERY_CHECK, by=personas.sbni_officer)
    lifted = AuditEvent.objects.get(action=proceedings.EMBARGO_LIFTED)
    assert lifted.target_id == str(review.referral.pk)
    assert lifted.changes == {"embargo_lift_reason": [None, reason]}
    with pytest.raises(ProceedingError, match="was lifted on"):
        proceedings.lift_embargo(held, reason="Again", by=personas.sbni_officer)


def test_a_proceeding_concluded_twice_is_refused_cleanly(personas: Personas) -> None:
    review = flow.with_team(personas)
    held = inquest(review.referral, personas)
    conclude(held, personas)
    with pytest.raises(ProceedingError, match=r"was concluded on .* no longer be changed"):
        conclude(held, personas)
    # The same through the page: a form opened before the first conclusion, sent after it.
    officer = sign_in(Client(), personas.sbni_officer)
    url = f"/reviews/{review.uuid}/proceedings/{held.uuid}/"
    page = officer.post(url, form_values(status="concluded", concluded_on=TODAY, outcome="Again"))
    assert page.status_code == 200
    assert "so it can no longer be changed. Nothing has been saved." in page.content.decode()
    assert AuditEvent.objects.filter(action=proceedings.CONCLUDED).count() == 1


def test_who_keeps_shares_and_reads_them(personas: Personas) -> None:
    review = flow.with_team(personas)
    referral = review.referral
    values = {"kind": Proceeding.Kind.CRIMINAL_TRIAL, "status": Proceeding.Status.UNDER_WAY}
    trial = proceedings.add_proceeding(
        referral, values, by=personas.lead_reviewer, leads_review=True
    )
    with pytest.raises(ProceedingError, match="Only an SBNI officer chooses"):
        proceedings.change_proceeding(
            trial, {"shared_with_panel": True}, by=personas.lead_reviewer, leads_review=True
        )
    with pytest.raises(ProceedingError, match="Only an SBNI officer or the lead reviewer"):
        proceedings.add_proceeding(referral, values, by=personas.reviewer)
    proceedings.change_proceeding(trial, {"shared_with_panel": True}, by=personas.sbni_officer)
    actions = list(
        AuditEvent.objects.filter(target_id=str(referral.pk), action__contains="proceeding")
        .order_by("id")
        .values_list("action", "summary")
    )
    assert actions == [
        (
            proceedings.ADDED,
            f"Recorded a proceeding on referral {referral.reference}: Criminal trial",
        ),
        (proceedings.CHANGED, f"Changed the criminal trial of referral {referral.reference}"),
        (
            proceedings.SHARED,
            f"Shared the criminal trial of referral {referral.reference} with the referring panel",
        ),
    ]
    # The pages: a reviewer reads, cannot add; the lead adds, without the sharing question.
    reviewer = sign_in(Client(), personas.reviewer)
    url = f"/reviews/{review.uuid}/proceedings/"
    page = reviewer.get(url).content.decode()
    assert "Criminal trial" in page
    assert "Record a proceeding" not in page
    assert reviewer.post(url, form_values()).status_code == 404
    lead = sign_in(Client(), personas.lead_reviewer)
    assert "shared_with_panel" not in lead.get(url).content.decode()
    assert lead.post(url, form_values()).status_code == 302
    assert AuditEvent.objects.filter(action=proceedings.VIEWED).count() == 2


def form_values(**values: Any) -> dict[str, Any]:
    """The proceeding form as a browser sends it, dates in their three boxes."""
    typed: dict[str, Any] = {
        "kind": "inquest",
        "status": "under_way",
        "constraints": NO_PUBLICATION,
        "blocks_publication": "on",
    }
    for name, value in values.items():
        if isinstance(value, datetime.date):
            typed |= {f"{name}_0": value.day, f"{name}_1": value.month, f"{name}_2": value.year}
        else:
            typed[name] = value
    return typed


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"started_on": TODAY, "next_date": TODAY - datetime.timedelta(days=1),
             "next_date_what": "Hearing"},
            "The next key date must be on or after the date it started",
        ),
        (
            {"status": "concluded", "started_on": TODAY,
             "concluded_on": TODAY - datetime.timedelta(days=3), "outcome": "Fictional"},
            "The date it concluded must be on or after the date it started",
        ),
        (
            {"status": "concluded", "concluded_on": TODAY + datetime.timedelta(days=1),
             "outcome": "Fictional"},
            "The date it concluded must be today or in the past",
        ),
        ({"started_on": TODAY + datetime.timedelta(days=1)}, "must be today or in the past"),
        ({"status": "concluded"}, "Enter the date it concluded"),
        ({"concluded_on": TODAY}, "Choose Concluded, or leave the date it concluded empty"),
        ({"kind": "other"}, "Say what kind of process it is"),
        ({"next_date_what": "Trial listed"}, "Enter the next key date"),
        ({"constraints": "x" * 2001}, "must be 2000 characters or fewer"),
        ({"status": "concluded", "concluded_on": TODAY, "outcome": "o" * 501},
         "The outcome must be 500 characters or fewer"),
        ({"contact_role": "r" * 151}, "The contact&#x27;s role must be 150 characters or fewer"),
        ({"started_on_0": "31", "started_on_1": "2", "started_on_2": "2025"},
         "must be a real date"),
    ],
)  # fmt: skip
def test_bad_input_is_refused_in_plain_words_and_kept(
    personas: Personas, values: dict[str, Any], message: str
) -> None:
    referral = flow.opened(personas).referral
    officer = sign_in(Client(), personas.sbni_officer)
    url = f"/referrals/{referral.uuid}/proceedings/"
    typed = form_values(contact_organisation="PSNI (fictional)", **values)
    page = officer.post(url, typed)
    assert page.status_code == 200
    text = page.content.decode()
    assert message in text
    assert "There is a problem" in text
    assert "PSNI (fictional)" in text  # nothing typed is lost
    assert not Proceeding.objects.exists()


def test_the_banner_shows_each_person_what_they_may_see(personas: Personas) -> None:
    review = flow.with_team(personas)
    referral = review.referral
    inquest(referral, personas)
    proceedings.add_proceeding(
        referral,
        {
            "kind": Proceeding.Kind.OTHER,
            "other_kind": "Health and Safety Executive inquiry",
            "status": Proceeding.Status.AWAITING_OUTCOME,
            "constraints": "Share the chronology with the inspector first (fictional).",
            "shared_with_panel": True,
        },
        by=personas.sbni_officer,
    )
    concluded = inquest(referral, personas, blocks=False, constraints="Long over (fictional).")
    conclude(concluded, personas)

    def banner(persona: str, url: str) -> str:
        page = sign_in(Client(), getattr(personas, persona)).get(url)
        assert page.status_code == 200, (persona, url)
        text = page.content.decode()
        assert "Long over" not in text  # a concluded one is not in the banner
        return text

    for persona, url in (
        ("sbni_officer", f"/referrals/{referral.uuid}/"),
        ("sbni_chair", f"/reviews/{review.uuid}/"),
        ("reviewer", f"/reviews/{review.uuid}/chronology/"),
        ("lead_reviewer", f"/reviews/{review.uuid}/referral/"),
    ):
        text = banner(persona, url)
        assert "2 related processes are open" in text, (persona, url)
        assert NO_PUBLICATION in text
        assert "No publication while it is open." in text
        assert "Health and Safety Executive inquiry" in text
        assert "The proceedings of this case" in text
    for persona, url in (
        ("belfast_member", f"/referrals/{referral.uuid}/"),
        ("belfast_chair", f"/reviews/{review.uuid}/"),
        ("belfast_member", f"/referrals/{referral.uuid}/history/"),
    ):
        text = banner(persona, url)
        assert "A related process is open" in text, (persona, url)
        assert "Health and Safety Executive inquiry" in text
        assert NO_PUBLICATION not in text  # not shared with the panel
        assert "The proceedings of this case" not in text  # a page they may not open
    # The panel's history keeps the SBNI's record of them to the SBNI.
    history = banner("belfast_chair", f"/referrals/{referral.uuid}/history/")
    assert "Recorded a proceeding" not in history
    officer = sign_in(Client(), personas.sbni_officer)
    history = officer.get(f"/referrals/{referral.uuid}/history/").content.decode()
    assert "Recorded a proceeding" in history


def test_the_banner_costs_one_query_whatever_the_number(
    personas: Personas,
    django_assert_num_queries: Callable[..., AbstractContextManager[object]],
) -> None:
    review = flow.with_team(personas)
    reviewer = sign_in(Client(), personas.reviewer)
    url = f"/reviews/{review.uuid}/chronology/"
    reviewer.get(url)  # the session and the person, read once
    with CaptureQueriesContext(connection) as none_open:
        reviewer.get(url)
    inquest(review.referral, personas)
    with CaptureQueriesContext(connection) as one_open:
        reviewer.get(url)
    for number in range(3):
        inquest(review.referral, personas, constraints=f"Constraint {number} (fictional)")
    with django_assert_num_queries(len(one_open.captured_queries)):
        page = reviewer.get(url)
    assert "4 related processes are open" in page.content.decode()
    assert len(one_open.captured_queries) == len(none_open.captured_queries)


def test_a_concluded_proceeding_is_read_not_changed(personas: Personas) -> None:
    review = flow.with_team(personas)
    held = conclude(inquest(review.referral, personas), personas)
    page = sign_in(Client(), personas.sbni_officer).get(
        f"/referrals/{review.referral.uuid}/proceedings/{held.uuid}/"
    )
    text = page.content.decode()
    assert "Concluded on" in text
    assert "The inquest returned its findings" in text
    assert "Save the changes" not in text
    assert "The embargo ended when it concluded" in text
